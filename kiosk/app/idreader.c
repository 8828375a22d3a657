#include "idreader.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/clock.h"
#include "idcard/idcard_reader.h"

/* What travels through SDL: the event and when it was posted, so the
 * benchmark can time "card read -> identity on screen" end to end. */
typedef struct posted_event {
    idcard_event ev;
    uint64_t posted_ns;
} posted_event;

static uint64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Reader thread: copy the event (it is valid only during the call) and hand
 * it to the UI thread. The identity travels with it; whoever drops it
 * wipes it. */
static void post(void *user, idcard_event *ev)
{
    app *a = user;
    posted_event *copy = malloc(sizeof *copy);
    if (!copy) {
        if (ev->identity)
            idcard_identity_wipe(ev->identity);
        return;
    }
    copy->ev = *ev;
    copy->posted_ns = monotonic_ns();
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = a->idcard_sdl_event;
    e.user.data1 = copy;
    if (SDL_PushEvent(&e) != 1) {
        if (copy->ev.identity)
            idcard_identity_wipe(copy->ev.identity);
        free(copy);
    }
}

static void log_line(void *user, const char *line)
{
    (void)user;
    /* the driver promises these lines carry no personal data */
    SDL_Log("idcard: %s", line);
}

void idreader_start(app *a)
{
    a->idcard_sdl_event = SDL_RegisterEvents(1);
    if (a->idcard_sdl_event == (Uint32)-1) {
        SDL_Log("idcard: no SDL event type left; reader disabled");
        return;
    }
    idcard_reader_config cfg;
    idcard_reader_config_init(&cfg);
    static idcard_usb_id ids[SETTINGS_MAX_READERS];
    for (int i = 0; i < a->cfg->n_readers && i < SETTINGS_MAX_READERS; i++) {
        ids[i].vid = a->cfg->readers[i].vid;
        ids[i].pid = a->cfg->readers[i].pid;
        ids[i].link = a->cfg->readers[i].transport == READER_HID ? IDCARD_LINK_HID
                                                                 : IDCARD_LINK_BULK;
    }
    cfg.readers = ids;
    cfg.n_readers = (size_t)a->cfg->n_readers;
    cfg.simulate = a->cfg->idcard_simulate == SIMULATE_ON    ? IDCARD_SIMULATE_ON
                   : a->cfg->idcard_simulate == SIMULATE_OFF ? IDCARD_SIMULATE_OFF
                                                             : IDCARD_SIMULATE_AUTO;
    cfg.transfer_timeout_ms = a->cfg->idcard_timeout_ms;
    cfg.log = log_line;
    a->reader = idcard_reader_start(&cfg, post, a);
    if (!a->reader)
        SDL_Log("idcard: reader thread did not start; sign-in unavailable");
}

void idreader_stop(app *a)
{
    if (a->reader)
        idcard_reader_stop(a->reader);
    a->reader = NULL;
    /* events still queued carry identities: wipe them */
    SDL_Event ev;
    while (a->idcard_sdl_event &&
           SDL_PeepEvents(&ev, 1, SDL_GETEVENT, a->idcard_sdl_event, a->idcard_sdl_event) == 1) {
        posted_event *e = ev.user.data1;
        if (e && e->ev.identity)
            idcard_identity_wipe(e->ev.identity);
        free(e);
    }
}

struct idcard_sim *idreader_sim(app *a)
{
    return a->reader ? idcard_reader_sim(a->reader) : NULL;
}

void idreader_card_path(const app *a, const char *name, char *out, size_t size)
{
    if (strchr(name, '/') || strstr(name, ".json"))
        snprintf(out, size, "%s", name);
    else
        snprintf(out, size, "%s/demo-cards/%s.json", a->cfg->assets_dir, name);
}

static idcard_date today(void)
{
    time_t now = clock_wall();
    struct tm tm;
    localtime_r(&now, &tm);
    idcard_date d = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
    return d;
}

bool idreader_handle(app *a, const SDL_Event *sev)
{
    if (!a->idcard_sdl_event || sev->type != a->idcard_sdl_event)
        return false;
    posted_event *posted = sev->user.data1;
    if (!posted)
        return true;
    idcard_event *ev = &posted->ev;
    a->idcard_posted_ns = posted->posted_ns;
    switch (ev->type) {
    case IDCARD_EV_READER_ATTACHED:
        a->reader_present = true;
        a->reader_simulated = ev->simulated;
        break;
    case IDCARD_EV_READER_LOST:
        a->reader_present = false;
        if (a->card_phase == CARD_READING) {
            a->card_phase = CARD_FAILED;
            a->card_error_key = "reader.unavailable";
        }
        break;
    case IDCARD_EV_CARD_READING:
        a->card_phase = CARD_READING;
        break;
    case IDCARD_EV_CARD_ERROR:
        a->card_phase = CARD_FAILED;
        a->card_error_key = ev->message_key ? ev->message_key : "card.unreadable";
        break;
    case IDCARD_EV_CARD_READ: {
        idcard_identity *id = ev->identity;
        ev->identity = NULL;
        idcard_validity v = id ? idcard_check_validity(id, today()) : IDCARD_DATES_MISSING;
        if (v != IDCARD_VALID) {
            /* an expired card signs nobody in; its data goes at once */
            if (id)
                idcard_identity_wipe(id);
            a->card_phase = CARD_FAILED;
            a->card_error_key = idcard_validity_key(v);
        } else {
            if (a->identity)
                idcard_identity_wipe(a->identity);
            a->identity = id;
            a->card_phase = CARD_IDLE;
            a->card_error_key = NULL;
            a->last_input_ms = clock_now_ms();  /* placing a card is activity */
        }
        break;
    }
    case IDCARD_EV_CARD_REMOVED:
        if (a->card_phase == CARD_READING)
            a->card_phase = CARD_IDLE;
        if (a->cfg->idcard_remove_ends_session && a->identity)
            app_session_end(a);
        break;
    }
    int type = ev->type;
    if (ev->identity)
        idcard_identity_wipe(ev->identity);
    free(posted);
    a->idcard_last = type;
    a->idcard_seq++;
    a->dirty = true;
    const screen_class *top = app_top(a);
    if (top && top->action)
        top->action(a, a->stack[a->depth - 1].state, ACT_IDCARD, type);
    return true;
}
