/*
 * online: the online services, asked while the resident stands at the
 * kiosk -- a queue ticket (取号), free appointment slots and a booking
 * (预约), the progress of applications (办件查询), certificate data (证明),
 * and the applications of forms whose delivery is `online` -- the kiosk's
 * service "online" (platform/API.md "Online services").
 *
 * The UI thread calls online_ticket(), online_slots(), ... Each copies its
 * inputs into the request it builds (the body, with names and ID numbers,
 * in guarded memory), queues it and returns a request id at once; the UI
 * shows "asking". The answer comes back through the event hub, source
 * "online", kind ONLINE_EV_ANSWER, with an online_answer carrying that id:
 *   ONLINE_OK        the platform answered; the data is parsed
 *                    (online_reply.h);
 *   ONLINE_OFFLINE   the name does not resolve, no connection, or the
 *                    connection broke;
 *   ONLINE_TIMEOUT   no answer within [platform] online_deadline;
 *   ONLINE_REFUSED   a 4xx, with the platform's error code ("slot_full");
 *   ONLINE_FAULT     TLS, pin or client certificate, a 5xx, or a reply that
 *                    is not the documented shape;
 *   ONLINE_NONE      no platform configured ([platform] url empty): trying
 *                    again cannot help, so the screens offer no retry.
 * Whatever happens, the answer comes by the deadline on the kiosk clock:
 * a thread of its own ("online") watches it, while a second thread
 * ("online-io") does the request with the same deadline as its curl
 * timeout, so a platform that never answers still leaves the resident with
 * what to do instead, on time.
 *
 * A ticket and a booking carry an idempotency key (a random UUID) kept for
 * what was asked until the session ends: asking again -- a retry after a
 * timeout, a second tap -- sends the same key, and the platform answers
 * with the same ticket or booking instead of making a second one. An
 * online application keeps its key and its receipt number the same way.
 *
 * Progress answers are remembered in memory per query (number, status,
 * title, time: nothing personal; a query for the signed-in resident under
 * a keyed hash of the ID number, never the number) so that offline the
 * resident sees the last known status and how old it is.
 *
 * The service reports "online" to the status model (for technicians: no
 * reason on the status bar, where the uploader already says whether the
 * platform is reached).
 */
#ifndef KIOSK_PLATFORM_ONLINE_H
#define KIOSK_PLATFORM_ONLINE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "app/service.h"
#include "hub/hub.h"
#include "outbox/outbox_crypt.h"
#include "outbox/outbox_db.h"
#include "platform/online_reply.h"

enum { ONLINE_EV_ANSWER = 1 };

typedef enum online_outcome {
    ONLINE_OK,
    ONLINE_OFFLINE,
    ONLINE_TIMEOUT,
    ONLINE_REFUSED,
    ONLINE_FAULT,
    ONLINE_NONE,
} online_outcome;

typedef struct online_answer {
    uint64_t id;            /* from the call that asked */
    online_kind kind;
    online_outcome outcome;
    /* REFUSED: the platform's code ("slot_full", "no_certificate", or
     * "http_NNN" without one); the others: what failed ("connect",
     * "timeout", "tls", "http_503", "bad_reply", ...) */
    char code[48];
    long status;            /* HTTP status, 0 when none came */
    char detail[256];       /* for technicians and logs; never personal */
    /* PROGRESS answered OFFLINE or TIMEOUT: data holds the last known
     * answer to the same query, known at cached_ms (clock_now_ms) */
    bool cached;
    uint64_t cached_ms;
    char receipt[40];       /* SUBMIT: the application's number */
    char key[OUTBOX_UUID_SIZE]; /* the idempotency key sent, "" none */
    online_data data;       /* OK (and a cached PROGRESS) */
} online_answer;

/* What a booking needs of the resident; all required. */
typedef struct online_resident {
    const char *name;
    const char *id_number;
    const char *phone;
} online_resident;

/* Each of these: UI thread; copies its inputs and returns at once with a
 * request id (> 0) that the answer carries, or 0 when the service is not
 * running, an input is not acceptable, or memory is short (nothing was
 * asked; the UI says so plainly). */
uint64_t online_ticket(const char *service_code);
uint64_t online_slots(const char *service_code, const char *date);   /* YYYY-MM-DD */
uint64_t online_book(const char *service_code, const char *date, const char *slot_id,
                     const online_resident *r);
/* application_no NULL: the signed-in resident's applications (by the ID
 * number of the session's identity; 0 when nobody is signed in). */
uint64_t online_progress(const char *application_no);
uint64_t online_certificate(const char *kind, const char *id_number);
/* An application of a form whose delivery is `online`, shaped as for the
 * outbox (kind, item code, payload without personal data, the personal
 * fields), sent to POST /v1/records as one record now; ONLINE_OK means the
 * platform has it, with the number in answer->receipt. */
uint64_t online_submit(const outbox_txn *t);

/* The answer ev carries, or NULL when ev is not the online service's. */
const online_answer *online_event_answer(const hub_event *ev);

/* Takes the answer out of ev (the screen keeps it; the hub will not drop
 * it): free it with online_answer_free. NULL when ev is not ours. */
online_answer *online_take_answer(hub_event *ev);

/* Wipes and frees an answer; NULL is fine. */
void online_answer_free(online_answer *a);

/* An endpoint is configured. Without one every request is answered
 * OFFLINE at once; a screen may say so before the resident types. */
bool online_configured(void);

/* [platform] online_deadline in milliseconds. */
uint64_t online_deadline_ms(void);

/* The wall time by the platform's clock: the kiosk's, corrected by the
 * Date of the platform's last reply (the thread asks GET /v1/health once
 * at start). Which days can be booked is the platform's to say, so the
 * appointment screen counts its days from this; a kiosk whose clock is
 * off still offers the right ones. The kiosk's own time when the platform
 * was never heard from. */
time_t online_platform_time(void);

extern const app_service online_service;

#endif
