/*
 * online_reply: the platform's answers to the online services (取号, 预约,
 * 办件查询, 证明数据, online forms; platform/API.md "Online services") read
 * into fixed, bounded structures the screens draw from.
 *
 * A reply is outside input. Every value is checked for its type, size and
 * characters before it is kept; a reply that is not the documented shape
 * is refused as a whole with a message naming the place
 * ("applications[2].updated_at: must be an RFC 3339 time with an offset"),
 * never guessed at and never a crash (tests/fuzz/fuzz_online_reply.c).
 * Messages never quote a value: replies carry names and ID numbers.
 * Members the kiosk does not know are ignored, so a platform may add some.
 *
 * The parsed data points into an arena inside the structure itself, so one
 * block holds everything a reply said; the online service allocates it in
 * guarded memory (sodium_malloc) and wipes it whole. The jansson tree made
 * while parsing has every string wiped before it is freed.
 */
#ifndef KIOSK_PLATFORM_ONLINE_REPLY_H
#define KIOSK_PLATFORM_ONLINE_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/lang.h"

typedef enum online_kind {
    ONLINE_TICKET = 1,      /* POST /v1/queue/tickets */
    ONLINE_SLOTS,           /* GET /v1/appointments/slots */
    ONLINE_BOOK,            /* POST /v1/appointments */
    ONLINE_PROGRESS,        /* POST /v1/progress */
    ONLINE_CERTIFICATE,     /* POST /v1/certificates */
    ONLINE_SUBMIT,          /* POST /v1/records, one application, answered now */
} online_kind;

#define ONLINE_TEXT_LANGS 8
#define ONLINE_MAX_SLOTS 64
#define ONLINE_MAX_APPS 20
#define ONLINE_MAX_FIELDS 24
#define ONLINE_ARENA (48 * 1024)

/* A text the platform gives in languages ({"zh": ..., "en": ...}). */
typedef struct online_text {
    size_t n;
    struct {
        char lang[LANG_CODE_SIZE];
        const char *text;   /* in the arena, non-empty */
    } item[ONLINE_TEXT_LANGS];
} online_text;

/* The text in lang; else in the fallback language (ltext_fallback); else
 * the first one given; else "". Never NULL. */
const char *online_text_get(const online_text *t, const char *lang);

typedef struct online_slot {
    char id[17];            /* opaque to the kiosk */
    char start[6], end[6];  /* HH:MM */
    int free;               /* places left; 0 = listed but full */
} online_slot;

typedef struct online_application {
    char number[65];
    char service_code[65];
    online_text title;
    char status[16];        /* received, processing, done, returned, ... */
    online_text status_text;
    char updated_at[40];    /* as the platform wrote it */
    int64_t updated;        /* the same, epoch seconds */
    online_text note;       /* may be empty (n == 0) */
} online_application;

typedef struct online_cert_field {
    online_text label;
    const char *value;
} online_cert_field;

typedef enum online_verdict {
    ONLINE_ACCEPTED = 1,    /* stored now */
    ONLINE_DUPLICATE,       /* stored before (a retry): as good */
    ONLINE_REJECTED,        /* refused for good, with a reason */
    ONLINE_RETRY,           /* not stored this time */
} online_verdict;

typedef struct online_data {
    online_kind kind;
    struct {
        char number[16];    /* "A013" */
        int waiting;
        online_text window;
        char issued_at[40];
    } ticket;
    struct {
        char date[11];
        size_t n;
        online_slot slot[ONLINE_MAX_SLOTS];
    } slots;
    struct {
        char confirmation[40];
        char date[11];
        char start[6], end[6];
        online_text window;
    } booking;
    struct {
        size_t n;           /* kept, newest first */
        size_t total;       /* in the reply (more than kept: the rest cut) */
        online_application app[ONLINE_MAX_APPS];
    } progress;
    struct {
        char kind[33];
        online_text title;
        char number[65];
        const char *holder_name;    /* personal */
        const char *id_number;      /* personal */
        char issued_at[40];
        online_text issuer;
        size_t n_fields;
        online_cert_field field[ONLINE_MAX_FIELDS];
        const char *verify_url;     /* "" when absent */
    } cert;
    struct {
        online_verdict verdict;
        char reason[160];
    } submit;
    size_t arena_used;
    char arena[ONLINE_ARENA];
} online_data;

/* Reads a 2xx reply body of kind into *out (which it clears first). For
 * ONLINE_SUBMIT, key is the record's key, whose result is looked for;
 * ignored otherwise. False with why ("applications[2].status: must be
 * ...", for technicians, never personal) when the reply is not the
 * documented shape; *out is then cleared again. */
bool online_reply_parse(online_kind kind, const char *body, size_t len, const char *key,
                        online_data *out, char *why, size_t wsize);

/* The "error" code of a refusal's body ("slot_full"), lower-case letters,
 * digits and '_' only; "" when there is none. */
void online_reply_error(const char *body, size_t len, char *code, size_t size);

/* RFC 3339 with an offset ("2026-11-20T10:15:00+08:00", "...Z") to epoch
 * seconds; false when s is not one. */
bool online_parse_time(const char *s, int64_t *out);

#endif
