/*
 * rating_prompt: the rating (好差评) that follows every transaction, and the
 * signed link on its receipt.
 *
 * A self-service terminal goes to the rating screen by itself once a
 * service is done (DB2203/T 8-2024, 5.1.3). Each page that ends a
 * transaction -- a form sent, a queue ticket, a booking, a certificate --
 * keeps a rating_prompt: armed with the transaction number when it is
 * complete, it opens the rating screen RATING_OPEN_AFTER_MS of kiosk time
 * after the page settled (its receipt printed or shown: the resident takes
 * the paper first), or at once when the resident taps "finish". It opens
 * once: whether the resident rates or skips, the page does not ask again,
 * and a transaction rated or skipped in this visit is not offered again.
 *
 * The service "rating" holds the device's Ed25519 key (rating/rating_sign.h,
 * made on the kiosk's first start in data_dir/keys/rating.key) from start
 * to stop, for the links printed on receipts.
 *
 * UI thread only.
 */
#ifndef KIOSK_RATING_PROMPT_H
#define KIOSK_RATING_PROMPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "app/app.h"
#include "app/service.h"

/* How long the finished page stays before the rating opens by itself:
 * long enough to read the number, short enough to come before the
 * resident turns away. */
#define RATING_OPEN_AFTER_MS 4000u

typedef struct rating_prompt {
    bool armed;             /* a transaction waits for its rating */
    uint64_t settled_ms;    /* when the page settled; 0 not yet */
    size_t service;         /* catalogue index */
    char txn[64];
} rating_prompt;

/* The transaction txn of service (a catalogue index) is complete: the
 * rating is to follow, unless it was rated in this visit already. */
void rating_prompt_arm(app *a, rating_prompt *p, size_t service, const char *txn);

/* For the page's wake_at: when the rating opens, 0 for never. settled:
 * nothing more is to happen on the page first (no receipt printing). */
uint64_t rating_prompt_wake_at(rating_prompt *p, bool settled);

/* For the page's tick: opens the rating when its time came (the page then
 * lies under it, and comes back after). True when it opened. */
bool rating_prompt_tick(app *a, rating_prompt *p, bool settled);

/* For the page's "finish": opens the rating now, going home after it;
 * true when it did. False (nothing to rate): the caller goes home. */
bool rating_prompt_finish(app *a, rating_prompt *p);

/* For the page's screen_class.leaving (the header's back or home): opens
 * the rating now, then goes where the resident was going; true when it
 * did. */
bool rating_prompt_leave(app *a, rating_prompt *p, bool home);

/* Forgets p: the page will not ask (the resident went on to a
 * transaction, which asks for itself). */
void rating_prompt_disarm(rating_prompt *p);

/* Was txn rated in this visit? And marks it so. A transaction whose
 * rating was shown (rated or skipped) is not offered again in the visit:
 * rating_prompt_mark_asked. */
bool rating_prompt_rated(app *a, const char *txn);
void rating_prompt_mark_rated(app *a, const char *txn);
void rating_prompt_mark_asked(app *a, const char *txn);

/* The receipt's QR text for txn of svc made at when: the signed rating
 * link of [rating] url when the device key and the template allow one;
 * else false and out untouched (the caller prints the progress link). */
bool rating_prompt_link(app *a, const catalog_service *svc, const char *txn, time_t when,
                        char *out, size_t size);

/* What the rating screen is about: set by the prompt before it pushes the
 * screen (session entries "rating.txn", "rating.then"). */
const char *rating_prompt_txn(app *a);

/* Where the resident goes once the rating is done or skipped. */
typedef enum rating_then {
    RATING_THEN_STAY,   /* back to the page that finished the transaction */
    RATING_THEN_BACK,   /* and one further back: the resident asked for it */
    RATING_THEN_HOME
} rating_then;
rating_then rating_prompt_then(app *a);

extern const app_service rating_service;

#endif
