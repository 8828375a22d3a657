/*
 * rating_prompt: see rating_prompt.h.
 */
#include "screens/rating_prompt.h"

#include <stdio.h>
#include <string.h>

#include "common/clock.h"
#include "platform/platform.h"
#include "rating/rating_sign.h"
#include "screens/screens.h"

#define TXN_KEY "rating.txn"
#define THEN_KEY "rating.then"

/* The device's signing key and the link template taken apart, from the
 * service's start to its stop: both are read once, not per receipt. */
static rating_key *device_key;
static rating_template link_template;
static bool have_template;

/* The session's note about txn: "asked" once the rating was shown,
 * "rated" once a rating of it is stored (rated.<txn>). */
static const char *note_of(app *a, const char *txn)
{
    char key[SESSION_KEY_MAX];
    if (snprintf(key, sizeof key, "rated.%s", txn) >= (int)sizeof key)
        return NULL;
    return session_get(app_session(a), key);
}

static void set_note(app *a, const char *txn, const char *value)
{
    char key[SESSION_KEY_MAX];
    const char *old = note_of(a, txn);
    if (old && !strcmp(old, "rated"))
        return;     /* rated stays rated */
    if (snprintf(key, sizeof key, "rated.%s", txn) < (int)sizeof key)
        session_set(app_session(a), key, value, SESSION_VISIT);
}

bool rating_prompt_rated(app *a, const char *txn)
{
    const char *n = note_of(a, txn);
    return n && !strcmp(n, "rated");
}

void rating_prompt_mark_rated(app *a, const char *txn)
{
    set_note(a, txn, "rated");
}

void rating_prompt_mark_asked(app *a, const char *txn)
{
    set_note(a, txn, "asked");
}

void rating_prompt_arm(app *a, rating_prompt *p, size_t service, const char *txn)
{
    memset(p, 0, sizeof *p);
    /* asked once per visit: skipped is an answer too */
    if (!txn || !*txn || strlen(txn) >= sizeof p->txn || note_of(a, txn))
        return;
    p->armed = true;
    p->service = service;
    snprintf(p->txn, sizeof p->txn, "%s", txn);
}

static void note(rating_prompt *p, bool settled)
{
    if (p->armed && settled && !p->settled_ms)
        p->settled_ms = clock_now_ms();
}

uint64_t rating_prompt_wake_at(rating_prompt *p, bool settled)
{
    note(p, settled);
    return p->armed && p->settled_ms ? p->settled_ms + RATING_OPEN_AFTER_MS : 0;
}

static bool open_rating(app *a, rating_prompt *p, rating_then then)
{
    static const char *const names[] = {"stay", "back", "home"};
    p->armed = false;
    session *s = app_session(a);
    if (!session_set(s, TXN_KEY, p->txn, SESSION_VISIT) ||
        !session_set(s, THEN_KEY, names[then], SESSION_VISIT))
        return false;
    app_push(a, &screen_rating, (intptr_t)p->service);
    return true;
}

bool rating_prompt_tick(app *a, rating_prompt *p, bool settled)
{
    uint64_t due = rating_prompt_wake_at(p, settled);
    if (!due || clock_now_ms() < due)
        return false;
    return open_rating(a, p, RATING_THEN_STAY);
}

bool rating_prompt_finish(app *a, rating_prompt *p)
{
    return p->armed && open_rating(a, p, RATING_THEN_HOME);
}

bool rating_prompt_leave(app *a, rating_prompt *p, bool home)
{
    return p->armed && open_rating(a, p, home ? RATING_THEN_HOME : RATING_THEN_BACK);
}

void rating_prompt_disarm(rating_prompt *p)
{
    p->armed = false;
}

const char *rating_prompt_txn(app *a)
{
    const char *t = session_get(app_session(a), TXN_KEY);
    return t ? t : "";
}

rating_then rating_prompt_then(app *a)
{
    const char *t = session_get(app_session(a), THEN_KEY);
    return !t ? RATING_THEN_STAY : !strcmp(t, "home") ? RATING_THEN_HOME
                                 : !strcmp(t, "back") ? RATING_THEN_BACK
                                                      : RATING_THEN_STAY;
}

bool rating_prompt_link(app *a, const catalog_service *svc, const char *txn, time_t when,
                        char *out, size_t size)
{
    if (!device_key || !have_template)
        return false;       /* no key, or no endpoint for {endpoint}: the progress link */
    char why[300], device[80], at[RATING_TIME_SIZE];
    platform_config_device_id(a->cfg, device, sizeof device);
    rating_time_format((int64_t)when, at);
    rating_link l = {.device_id = device, .txn = txn, .item = svc->id, .time = at};
    if (!rating_url_build(device_key, &link_template, &l, out, size, why, sizeof why)) {
        fprintf(stderr, "rating: no link for the receipt: %s\n", why);
        return false;
    }
    return true;
}

/* ---- the service: the device key ---------------------------------------- */

static bool rating_start(app *a)
{
    char why[300];
    /* a template the config check accepted can still lack its endpoint
     * ({endpoint} on a kiosk without a platform): receipts then carry the
     * progress link or the number */
    have_template = a->cfg->rating_url && *a->cfg->rating_url &&
                    rating_template_parse(&link_template, a->cfg->rating_url,
                                          a->cfg->platform_endpoint, why, sizeof why);
    bool created = false;
    device_key = rating_key_load(true, &created, why, sizeof why);
    if (!device_key) {
        /* receipts then carry the progress link; ratings on screen work */
        fprintf(stderr, "rating: %s\n", why);
        return false;
    }
    if (created)
        fprintf(stderr, "rating: made this kiosk's rating key (kioskctl device pubkey prints "
                        "it for the platform)\n");
    return true;
}

static void rating_stop(app *a)
{
    (void)a;
    rating_key_free(device_key);
    device_key = NULL;
    have_template = false;
}

const app_service rating_service = {
    .name = "rating",
    .start = rating_start,
    .stop = rating_stop,
};
