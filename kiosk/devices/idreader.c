/*
 * idreader: see idreader.h.
 *
 * State below is the UI thread's: the reader thread only ever calls post(),
 * which copies the event into the hub.
 */
#include "idreader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "i18n/i18n.h"
#include "status/status.h"

#define STATUS_NAME "idcard"

static struct {
    idcard_reader *reader;
    int source;
    idreader_phase phase;
    const char *error_key;
    /* The last refused card's 有效期 end and whether it is a resident
     * card, while its error shows (IDREADER_FAILED, card.expired): the
     * resident is told until when it was valid and where to renew. Only
     * the date is kept; the identity itself is wiped at once. */
    idcard_date refused_until;
    bool refused_resident;
    bool present, simulated, card_on;
    /* script harness: the kinds a verb waits for, and whether one came */
    int want[2], n_want;
    bool wanted_seen;
} rd = {.source = -1};

/* What travels through the hub: the driver's event, identity included. */
typedef struct reader_msg {
    idcard_event ev;
} reader_msg;

static void drop_msg(void *payload)
{
    reader_msg *m = payload;
    if (m->ev.identity)
        idcard_identity_wipe(m->ev.identity);
    free(m);
}

/* Reader thread: copy the event (valid only during the call) and hand it
 * over. The identity travels with it; whoever drops it wipes it. */
static void post(void *user, idcard_event *ev)
{
    (void)user;
    reader_msg *m = malloc(sizeof *m);
    if (!m) {
        if (ev->identity)
            idcard_identity_wipe(ev->identity);
        return;
    }
    m->ev = *ev;
    ev->identity = NULL;
    hub_post(rd.source, (int)ev->type, m, drop_msg);
}

static void log_line(void *user, const char *line)
{
    (void)user;
    /* the driver promises these lines carry no personal data */
    fprintf(stderr, "%s\n", line);
}

static idcard_date today(void)
{
    time_t now = clock_wall();
    struct tm tm;
    localtime_r(&now, &tm);
    idcard_date d = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
    return d;
}

static void set_card_on(bool on)
{
    rd.card_on = on;
    /* the idle warning and the sign-out notice remind the resident */
    status_set_attention(STATUS_NAME, on ? "reader.take_card" : NULL);
}

/* The hub handler: phase, status, validity. Runs before the top screen. */
static void handle(void *user, hub_event *hev)
{
    app *a = user;
    reader_msg *m = hev->payload;
    if (!m)
        return;
    idcard_event *ev = &m->ev;
    char detail[160];
    switch (ev->type) {
    case IDCARD_EV_READER_ATTACHED:
        rd.present = true;
        rd.simulated = ev->simulated;
        snprintf(detail, sizeof detail, "reader %s attached%s%s", ev->reader,
                 ev->sam_id[0] ? ", SAM " : "", ev->sam_id);
        status_set_simulated(STATUS_NAME, ev->simulated);
        status_report(STATUS_NAME, STATUS_ONLINE, NULL, detail);
        break;
    case IDCARD_EV_READER_LOST:
        rd.present = false;
        set_card_on(false);
        if (rd.phase == IDREADER_READING) {
            rd.phase = IDREADER_FAILED;
            rd.error_key = "reader.unavailable";
        }
        snprintf(detail, sizeof detail, "reader %s lost (%s)", ev->reader,
                 idcard_result_name(ev->result));
        status_report(STATUS_NAME, STATUS_NO_DEVICE, "status.reader_missing", detail);
        break;
    case IDCARD_EV_CARD_READING:
        rd.phase = IDREADER_READING;
        status_report(STATUS_NAME, STATUS_DEVICE_BUSY, NULL, "reading a card");
        break;
    case IDCARD_EV_CARD_ERROR:
        rd.phase = IDREADER_FAILED;
        rd.error_key = ev->message_key ? ev->message_key : "card.unreadable";
        set_card_on(ev->result != IDCARD_ERR_CARD_REMOVED);
        snprintf(detail, sizeof detail, "card error: %s", idcard_result_name(ev->result));
        /* a SAM fault needs a technician; a bad or moved card, the resident */
        if (ev->message_key && !strcmp(ev->message_key, "reader.error"))
            status_report(STATUS_NAME, STATUS_HARDWARE_ERROR, "status.reader_fault", detail);
        else
            status_report(STATUS_NAME, STATUS_USER_ERROR, NULL, detail);
        break;
    case IDCARD_EV_CARD_READ: {
        set_card_on(true);
        idcard_validity v = ev->identity ? idcard_check_validity(ev->identity, today())
                                         : IDCARD_DATES_MISSING;
        if (v != IDCARD_VALID) {
            /* an expired card signs nobody in; its data goes at once */
            if (ev->identity) {
                rd.refused_until = ev->identity->valid_to;
                rd.refused_resident = ev->identity->type == IDCARD_TYPE_RESIDENT;
                idcard_identity_wipe(ev->identity);
            }
            ev->identity = NULL;
            rd.phase = IDREADER_FAILED;
            rd.error_key = idcard_validity_key(v);
            status_report(STATUS_NAME, STATUS_USER_ERROR, NULL, "card refused: not valid today");
        } else {
            rd.phase = IDREADER_WAITING;
            rd.error_key = NULL;
            status_report(STATUS_NAME, STATUS_ONLINE, NULL, "card read");
        }
        break;
    }
    case IDCARD_EV_CARD_REMOVED:
        set_card_on(false);
        /* Lifting the card ends what was said about it (expired, unreadable,
         * a SAM fault on it): the screen is back to waiting for the next. */
        if (rd.phase == IDREADER_READING)
            rd.phase = IDREADER_WAITING;
        idreader_clear_failure();
        status_report(STATUS_NAME, STATUS_ONLINE, NULL, "card lifted");
        if (a->cfg->idcard_remove_ends_session && session_identity(app_session(a))) {
            app_session_end(a);
            app_notice(a, tr("signout.card_removed"), 8000);
        }
        break;
    }
    for (int i = 0; i < rd.n_want; i++)
        if ((int)ev->type == rd.want[i])
            rd.wanted_seen = true;
}

idcard_identity *idreader_take_identity(hub_event *ev)
{
    if (ev->source != rd.source || ev->kind != IDCARD_EV_CARD_READ || !ev->payload)
        return NULL;
    reader_msg *m = ev->payload;
    idcard_identity *id = m->ev.identity;
    m->ev.identity = NULL;
    return id;
}

bool idreader_is_removal(const hub_event *ev)
{
    return ev->source == rd.source && ev->kind == IDCARD_EV_CARD_REMOVED;
}

idreader_phase idreader_phase_now(void)
{
    return rd.phase;
}

const char *idreader_error_key(void)
{
    return rd.phase == IDREADER_FAILED ? rd.error_key : NULL;
}

bool idreader_present(void)
{
    return rd.reader && rd.present;
}

bool idreader_fault(void)
{
    if (!idreader_present())
        return true;
    return rd.phase == IDREADER_FAILED && rd.error_key && !strcmp(rd.error_key, "reader.error");
}

bool idreader_expired_until(idcard_date *until, bool *resident)
{
    if (rd.phase != IDREADER_FAILED || !rd.error_key || strcmp(rd.error_key, "card.expired") ||
        rd.refused_until.year == 0)
        return false;
    *until = rd.refused_until;
    *resident = rd.refused_resident;
    return true;
}

bool idreader_demo(void)
{
    return rd.reader && rd.simulated && idcard_reader_sim(rd.reader);
}

bool idreader_card_on_reader(void)
{
    return rd.card_on;
}

void idreader_clear_failure(void)
{
    if (rd.phase == IDREADER_FAILED) {
        rd.phase = IDREADER_WAITING;
        rd.error_key = NULL;
    }
    rd.refused_until = (idcard_date){0, 0, 0};
}

static void card_path(const app *a, const char *name, char *out, size_t size)
{
    if (strchr(name, '/') || strstr(name, ".json"))
        snprintf(out, size, "%s", name);
    else
        snprintf(out, size, "%s/demo-cards/%s.json", a->cfg->assets_dir, name);
}

static idcard_sim *sim_or_err(char *err, size_t err_size)
{
    idcard_sim *sim = rd.reader ? idcard_reader_sim(rd.reader) : NULL;
    if (!sim)
        snprintf(err, err_size, "no simulated reader (set [idcard] simulate = auto or on)");
    return sim;
}

bool idreader_place_demo_card(app *a, const char *name, char *err, size_t err_size)
{
    idcard_sim *sim = sim_or_err(err, err_size);
    if (!sim)
        return false;
    char path[1024];
    card_path(a, name, path, sizeof path);
    idreader_clear_failure();
    idcard_sim_remove_card(sim);
    char why[256] = "";
    if (idcard_sim_place_card_err(sim, path, why, sizeof why) != 0) {
        snprintf(err, err_size, "%s", why[0] ? why : path);
        return false;
    }
    return true;
}

/* ---- the service ---------------------------------------------------------- */

static bool reader_start(app *a)
{
    rd.source = hub_source(STATUS_NAME);
    rd.phase = IDREADER_WAITING;
    rd.error_key = NULL;
    rd.present = rd.simulated = rd.card_on = false;
    hub_on(rd.source, handle, a);
    status_report(STATUS_NAME, STATUS_NO_DEVICE, "status.reader_missing", "starting");

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
    rd.reader = idcard_reader_start(&cfg, post, NULL);
    if (!rd.reader) {
        status_report(STATUS_NAME, STATUS_HARDWARE_ERROR, "status.reader_fault",
                      "reader thread did not start");
        return false;
    }
    return true;
}

static void reader_stop(app *a)
{
    (void)a;
    idcard_reader_stop(rd.reader);
    rd.reader = NULL;
    rd.present = false;
    /* events still queued carry identities: hub_shutdown wipes them */
}

static void reader_session_ended(app *a)
{
    (void)a;
    idreader_clear_failure();
}

/* ---- script verbs: card NAME, card-remove, reader plug|unplug ------------- */

static void want(int k1, int k2)
{
    rd.want[0] = k1;
    rd.want[1] = k2;
    rd.n_want = k2 < 0 ? 1 : 2;
    rd.wanted_seen = false;
}

static bool verb_card(app *a, const char *arg, char *err, size_t err_size)
{
    want(IDCARD_EV_CARD_READ, IDCARD_EV_CARD_ERROR);
    return idreader_place_demo_card(a, arg, err, err_size);
}

static bool card_done(app *a)
{
    (void)a;
    return rd.wanted_seen;
}

static bool verb_card_remove(app *a, const char *arg, char *err, size_t err_size)
{
    (void)a;
    (void)arg;
    idcard_sim *sim = sim_or_err(err, err_size);
    if (!sim)
        return false;
    want(IDCARD_EV_CARD_REMOVED, -1);
    idcard_sim_remove_card(sim);
    return true;
}

static bool removal_done(app *a)
{
    (void)a;
    /* no event comes when nothing had been read */
    return !rd.card_on && rd.phase != IDREADER_READING;
}

static bool check_plug(const char *arg, char *err, size_t err_size)
{
    if (!strcmp(arg, "plug") || !strcmp(arg, "unplug"))
        return true;
    snprintf(err, err_size, "'reader' takes plug or unplug");
    return false;
}

static bool verb_reader(app *a, const char *arg, char *err, size_t err_size)
{
    (void)a;
    idcard_sim *sim = sim_or_err(err, err_size);
    if (!sim)
        return false;
    bool plug = !strcmp(arg, "plug");
    want(plug ? IDCARD_EV_READER_ATTACHED : IDCARD_EV_READER_LOST, -1);
    idcard_sim_set_plugged(sim, plug);
    return true;
}

static bool plug_done(app *a)
{
    (void)a;
    return rd.wanted_seen;
}

static const app_verb verbs[] = {
    {"card", true, NULL, verb_card, card_done},
    {"card-remove", false, NULL, verb_card_remove, removal_done},
    {"reader", true, check_plug, verb_reader, plug_done},
};

const app_service idreader_service = {
    .name = "idcard",
    .start = reader_start,
    .stop = reader_stop,
    .session_ended = reader_session_ended,
    .verbs = verbs,
    .n_verbs = sizeof verbs / sizeof *verbs,
};
