/*
 * idcard_reader: see idcard_reader.h.
 *
 * Why the thread sleeps on its own condition variable and calls libusb only
 * with a zero timeout: hot-plug callbacks are delivered from inside
 * libusb_handle_events*, so the thread must call it regularly; but while a
 * device is open, libusb also polls that device's usbfs descriptor, and
 * under an emulated usbfs (umockdev, which the integration tests use) that
 * descriptor is always "ready", which would turn a blocking
 * libusb_handle_events into a busy loop. Sleeping on our own condition
 * variable (which idcard_reader_stop signals) and then draining libusb's
 * pending events without blocking behaves the same on real hardware and on
 * the emulation, costs at most one wake-up per WAKE_MS, and adds at most
 * WAKE_MS to hot-plug latency.
 */
#include "idcard_reader.h"

#include <libusb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "idcard_usb.h"

#define WAKE_MS 100
#define MAX_POLL_FAILURES 3     /* failed polls in a row before "lost" */

typedef enum card_state { CARD_NONE, CARD_PRESENT } card_state;

struct idcard_reader {
    pthread_t thread;
    pthread_mutex_t mu;
    clock_cond cv;
    clock_thread *clk;          /* the virtual clock waits for this thread */
    bool stop;                  /* under mu */
    bool sim_mode;              /* under mu (read by idcard_reader_sim) */

    idcard_usb_id *ids;
    size_t n_ids;
    idcard_reader_config cfg;   /* readers/demo_card point at our copies */
    char *demo_card;
    idcard_post_fn post;
    void *user;

    /* Reader-thread state below. */
    libusb_context *usb;
    bool hotplug;
    libusb_hotplug_callback_handle hp;
    atomic_bool hp_arrived;     /* set in the hot-plug callback */
    atomic_bool hp_left;
    idcard_sim *sim;
    idcard_usb *dev;            /* real mode, while attached */
    bool attached;
    char name[32];
    idcard_session *sess;
    card_state card;
    int poll_failures;
    long long next_poll, next_rescan;
    char last_open_error[160];
};

void idcard_reader_config_init(idcard_reader_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->simulate = IDCARD_SIMULATE_AUTO;
    cfg->retries = -1;
}

const char *idcard_event_name(idcard_event_type t)
{
    switch (t) {
    case IDCARD_EV_READER_ATTACHED: return "reader_attached";
    case IDCARD_EV_READER_LOST: return "reader_lost";
    case IDCARD_EV_CARD_READING: return "card_reading";
    case IDCARD_EV_CARD_READ: return "card_read";
    case IDCARD_EV_CARD_ERROR: return "card_error";
    case IDCARD_EV_CARD_REMOVED: return "card_removed";
    }
    return "unknown";
}

static void logf_(idcard_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void logf_(idcard_reader *r, const char *fmt, ...)
{
    if (!r->cfg.log)
        return;
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    r->cfg.log(r->user, line);
}

static bool stopping(idcard_reader *r)
{
    pthread_mutex_lock(&r->mu);
    bool s = r->stop;
    pthread_mutex_unlock(&r->mu);
    return s;
}

static void post(idcard_reader *r, idcard_event_type type, int result,
                 idcard_identity *identity, const char *sam_id)
{
    idcard_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    snprintf(ev.reader, sizeof ev.reader, "%s", r->name);
    pthread_mutex_lock(&r->mu);
    ev.simulated = r->sim_mode;
    pthread_mutex_unlock(&r->mu);
    ev.result = result;
    if (result != IDCARD_OK)
        ev.message_key = idcard_result_message_key(result);
    if (sam_id)
        snprintf(ev.sam_id, sizeof ev.sam_id, "%s", sam_id);
    ev.identity = identity;
    r->post(r->user, &ev);
}

/* ---- hot-plug -------------------------------------------------------------- */

static int LIBUSB_CALL hotplug_cb(libusb_context *ctx, libusb_device *dev,
                                  libusb_hotplug_event event, void *user)
{
    (void)ctx;
    idcard_reader *r = user;
    /* No I/O here (libusb forbids it in callbacks): flag and let the loop
     * act. */
    if (event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED) {
        if (idcard_usb_match(dev, r->ids, r->n_ids) >= 0)
            atomic_store(&r->hp_arrived, true);
    } else if (event == LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT) {
        if (r->dev && idcard_usb_device(r->dev) == dev)
            atomic_store(&r->hp_left, true);
    }
    return 0;
}

static bool usb_init(idcard_reader *r)
{
    int rc = libusb_init(&r->usb);
    if (rc != 0) {
        logf_(r, "idcard: libusb_init failed: %s", libusb_error_name(rc));
        r->usb = NULL;
        return false;
    }
    if (libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG)) {
        rc = libusb_hotplug_register_callback(
            r->usb,
            LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT,
            0, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
            LIBUSB_HOTPLUG_MATCH_ANY, hotplug_cb, r, &r->hp);
        r->hotplug = rc == 0;
    }
    logf_(r, "idcard: USB hot-plug %s; rescan every %d ms while no reader",
          r->hotplug ? "on" : "unavailable", r->cfg.rescan_interval_ms);
    return true;
}

static void usb_exit(idcard_reader *r)
{
    if (!r->usb)
        return;
    if (r->hotplug)
        libusb_hotplug_deregister_callback(r->usb, r->hp);
    libusb_exit(r->usb);
    r->usb = NULL;
    r->hotplug = false;
}

/* ---- attach / detach ------------------------------------------------------- */

static void new_session(idcard_reader *r, const idcard_transport *tr)
{
    idcard_session_init(r->sess, tr);
    r->sess->timeout_ms = r->cfg.transfer_timeout_ms;
    r->sess->retries = r->cfg.retries;
    r->sess->read_fingerprint = r->cfg.read_fingerprint;
}

/* Asks the SAM for its ID; only a reader that answers counts as attached.
 * Right after an unplug the old device can still be listed for a moment,
 * and opening it may even succeed: announcing it would make the screen
 * flicker "reader ready" / "reader unavailable". An SW3 error is still an
 * answer (the reader is there, its SAM unhappy), so that attaches, with the
 * problem logged. */
static bool attached(idcard_reader *r)
{
    char sam[40] = "";
    int rc = idcard_session_sam_id(r->sess, sam, sizeof sam);
    if (rc == IDCARD_ERR_DEVICE_GONE || rc == IDCARD_ERR_IO ||
        rc == IDCARD_ERR_TIMEOUT || rc == IDCARD_ERR_NOMEM) {
        char msg[96];
        snprintf(msg, sizeof msg, "%s: no answer from the SAM (%s)", r->name,
                 idcard_result_name(rc));
        if (strcmp(msg, r->last_open_error) != 0) {
            logf_(r, "idcard: %s", msg);
            snprintf(r->last_open_error, sizeof r->last_open_error, "%s", msg);
        }
        return false;
    }
    if (rc != IDCARD_OK)
        logf_(r, "idcard: %s: SAM ID unreadable (%s)", r->name, idcard_result_name(rc));
    r->last_open_error[0] = '\0';
    r->attached = true;
    r->card = CARD_NONE;
    r->poll_failures = 0;
    r->next_poll = (long long)clock_now_ms();
    logf_(r, "idcard: reader %s attached%s%s", r->name, sam[0] ? ", SAM " : "", sam);
    post(r, IDCARD_EV_READER_ATTACHED, IDCARD_OK, NULL, sam);
    return true;
}

static void lost(idcard_reader *r, int result)
{
    logf_(r, "idcard: reader %s lost (%s)", r->name, idcard_result_name(result));
    if (r->dev) {
        idcard_usb_close(r->dev);
        r->dev = NULL;
    }
    r->attached = false;
    r->card = CARD_NONE;
    atomic_store(&r->hp_left, false);
    r->next_rescan = (long long)clock_now_ms();   /* a flapping cable may already be back */
    post(r, IDCARD_EV_READER_LOST, result, NULL, NULL);
}

typedef struct scan_result {
    libusb_device *dev;         /* referenced */
    idcard_link link;
} scan_result;

static void scan_first(void *user, libusb_device *dev, const idcard_usb_id *id)
{
    scan_result *s = user;
    if (!s->dev) {
        s->dev = libusb_ref_device(dev);
        s->link = id->link;
    }
}

/* One enumeration, opening the first matching reader. */
static bool try_open_real(idcard_reader *r)
{
    scan_result s = {NULL, IDCARD_LINK_BULK};
    idcard_usb_scan(r->usb, r->ids, r->n_ids, scan_first, &s);
    if (!s.dev)
        return false;
    char err[160];
    idcard_usb *u = NULL;
    int rc = idcard_usb_open(s.dev, s.link, &u, err, sizeof err);
    libusb_unref_device(s.dev);
    if (rc != IDCARD_OK) {
        /* Log each distinct failure once, not every rescan. */
        if (strcmp(err, r->last_open_error) != 0) {
            logf_(r, "idcard: %s", err);
            snprintf(r->last_open_error, sizeof r->last_open_error, "%s", err);
        }
        return false;
    }
    r->dev = u;
    snprintf(r->name, sizeof r->name, "%s", idcard_usb_name(u));
    idcard_transport tr;
    idcard_usb_transport(u, &tr);
    new_session(r, &tr);
    atomic_store(&r->hp_left, false);
    if (!attached(r)) {
        idcard_usb_close(u);
        r->dev = NULL;
        return false;
    }
    return true;
}

static bool real_reader_present(idcard_reader *r)
{
    return r->usb && idcard_usb_scan(r->usb, r->ids, r->n_ids, NULL, NULL) > 0;
}

/* ---- polling --------------------------------------------------------------- */

static void poll_failed(idcard_reader *r, int rc)
{
    if (rc == IDCARD_ERR_DEVICE_GONE || ++r->poll_failures >= MAX_POLL_FAILURES) {
        lost(r, rc);
        return;
    }
    logf_(r, "idcard: %s: poll failed (%s)", r->name, idcard_result_name(rc));
}

static void poll_card(idcard_reader *r)
{
    int rc = idcard_session_find(r->sess);
    if (r->card == CARD_PRESENT) {
        if (rc == IDCARD_ERR_NO_CARD) {
            r->poll_failures = 0;
            r->card = CARD_NONE;
            post(r, IDCARD_EV_CARD_REMOVED, IDCARD_OK, NULL, NULL);
        } else if (rc == IDCARD_OK) {
            r->poll_failures = 0;
        } else {
            poll_failed(r, rc);
        }
        return;
    }
    if (rc == IDCARD_ERR_NO_CARD) {
        r->poll_failures = 0;
        return;
    }
    if (rc != IDCARD_OK) {
        poll_failed(r, rc);
        return;
    }
    r->poll_failures = 0;
    post(r, IDCARD_EV_CARD_READING, IDCARD_OK, NULL, NULL);
    idcard_identity *id = NULL;
    idcard_session_reset_stats(r->sess);
    rc = idcard_session_select(r->sess);
    if (rc == IDCARD_OK)
        rc = idcard_session_read(r->sess, &id);
    if (rc != IDCARD_OK && rc != IDCARD_ERR_DEVICE_GONE) {
        int f = idcard_session_find(r->sess);
        if (f == IDCARD_ERR_NO_CARD)
            rc = IDCARD_ERR_CARD_REMOVED;
        else if (f == IDCARD_ERR_DEVICE_GONE)
            rc = f;
    }
    if (rc == IDCARD_OK) {
        logf_(r, "idcard: %s: card read (%s, %u transfers)", r->name,
              idcard_type_name(id->type), r->sess->transfers);
        r->card = CARD_PRESENT;
        post(r, IDCARD_EV_CARD_READ, IDCARD_OK, id, NULL);
        return;
    }
    logf_(r, "idcard: %s: card error %s%s%s", r->name, idcard_result_name(rc),
          r->sess->detail[0] ? ": " : "", r->sess->detail);
    if (rc == IDCARD_ERR_DEVICE_GONE) {
        lost(r, rc);
        return;
    }
    /* A card that failed stays "present" until it is lifted, so one bad
     * card does not produce an error every poll; the screen says "take the
     * card and place it again". A lifted card needs no removal event. */
    r->card = rc == IDCARD_ERR_CARD_REMOVED ? CARD_NONE : CARD_PRESENT;
    post(r, IDCARD_EV_CARD_ERROR, rc, NULL, NULL);
}

/* ---- the thread ------------------------------------------------------------ */

static void sleep_until(idcard_reader *r, long long deadline)
{
    long long now = (long long)clock_now_ms();
    if (deadline > now + WAKE_MS)
        deadline = now + WAKE_MS;
    pthread_mutex_lock(&r->mu);
    if (!r->stop && deadline > now)
        clock_cond_wait_until(&r->cv, &r->mu, (uint64_t)deadline);
    pthread_mutex_unlock(&r->mu);
    if (r->usb) {
        struct timeval zero = {0, 0};
        libusb_handle_events_timeout_completed(r->usb, &zero, NULL);
    }
}

static void step_sim(idcard_reader *r, long long now)
{
    if (!r->attached) {
        if (idcard_sim_plugged(r->sim)) {
            snprintf(r->name, sizeof r->name, "simulator");
            idcard_transport tr;
            idcard_sim_transport(r->sim, &tr);
            new_session(r, &tr);
            attached(r);
        }
        return;
    }
    if (now >= r->next_poll) {
        r->next_poll = now + r->cfg.poll_interval_ms;
        poll_card(r);
    }
}

static void step_real(idcard_reader *r, long long now)
{
    if (r->attached && atomic_load(&r->hp_left)) {
        lost(r, IDCARD_ERR_DEVICE_GONE);
        return;
    }
    if (!r->attached) {
        if (!r->usb)
            return;
        if (atomic_exchange(&r->hp_arrived, false) || now >= r->next_rescan) {
            r->next_rescan = now + r->cfg.rescan_interval_ms;
            try_open_real(r);
        }
        return;
    }
    if (now >= r->next_poll) {
        r->next_poll = now + r->cfg.poll_interval_ms;
        poll_card(r);
    }
}

static void *reader_main(void *arg)
{
    idcard_reader *r = arg;
    clock_thread_bind(r->clk);
    while (!stopping(r)) {
        long long now = (long long)clock_now_ms();
        pthread_mutex_lock(&r->mu);
        bool sim_mode = r->sim_mode;
        pthread_mutex_unlock(&r->mu);

        if (sim_mode) {
            /* auto mode: a real reader plugged in takes over for good */
            if (r->cfg.simulate == IDCARD_SIMULATE_AUTO && r->usb &&
                (atomic_exchange(&r->hp_arrived, false) || now >= r->next_rescan)) {
                r->next_rescan = now + r->cfg.rescan_interval_ms;
                if (real_reader_present(r)) {
                    if (r->attached)
                        lost(r, IDCARD_ERR_NO_READER);
                    pthread_mutex_lock(&r->mu);
                    r->sim_mode = false;
                    pthread_mutex_unlock(&r->mu);
                    logf_(r, "idcard: real reader found, leaving the simulator");
                    continue;
                }
            }
            step_sim(r, now);
        } else {
            step_real(r, now);
        }

        long long next = r->attached ? r->next_poll : r->next_rescan;
        if (sim_mode && !r->attached)
            next = now + r->cfg.poll_interval_ms;
        sleep_until(r, next);
    }
    clock_thread_exit(r->clk);
    return NULL;
}

idcard_reader *idcard_reader_start(const idcard_reader_config *cfg,
                                   idcard_post_fn post_fn, void *user)
{
    if (!post_fn)
        return NULL;
    idcard_reader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->cfg = *cfg;
    if (r->cfg.transfer_timeout_ms <= 0) r->cfg.transfer_timeout_ms = 1000;
    if (r->cfg.poll_interval_ms <= 0) r->cfg.poll_interval_ms = 250;
    if (r->cfg.rescan_interval_ms <= 0) r->cfg.rescan_interval_ms = 1500;
    if (r->cfg.retries < 0) r->cfg.retries = 2;
    const idcard_usb_id *ids = cfg->readers ? cfg->readers : idcard_usb_default_ids;
    r->n_ids = cfg->readers ? cfg->n_readers : idcard_usb_default_count;
    r->ids = calloc(r->n_ids ? r->n_ids : 1, sizeof *r->ids);
    r->sess = calloc(1, sizeof *r->sess);
    if (cfg->demo_card)
        r->demo_card = strdup(cfg->demo_card);
    if (!r->ids || !r->sess || (cfg->demo_card && !r->demo_card))
        goto fail;
    if (r->n_ids)
        memcpy(r->ids, ids, r->n_ids * sizeof *r->ids);
    r->cfg.readers = r->ids;
    r->cfg.n_readers = r->n_ids;
    r->cfg.demo_card = r->demo_card;
    r->post = post_fn;
    r->user = user;
    atomic_init(&r->hp_arrived, false);
    atomic_init(&r->hp_left, false);
    pthread_mutex_init(&r->mu, NULL);
    clock_cond_init(&r->cv);

    if (r->cfg.simulate != IDCARD_SIMULATE_ON)
        usb_init(r);
    bool sim = r->cfg.simulate == IDCARD_SIMULATE_ON ||
               (r->cfg.simulate == IDCARD_SIMULATE_AUTO && !real_reader_present(r));
    if (sim) {
        r->sim = idcard_sim_new((uint32_t)(long long)clock_now_ms());
        if (!r->sim)
            goto fail_sync;
        if (r->demo_card) {
            char err[256];
            if (idcard_sim_place_card_err(r->sim, r->demo_card, err, sizeof err) != 0)
                logf_(r, "idcard: demo card not placed: %s", err);
        }
        r->sim_mode = true;
        logf_(r, "idcard: running on the simulator (demo mode)");
    }
    r->next_rescan = (long long)clock_now_ms();
    r->clk = clock_thread_new("idcard");
    if (!r->clk || pthread_create(&r->thread, NULL, reader_main, r) != 0)
        goto fail_sync;
    return r;

fail_sync:
    clock_thread_free(r->clk);
    idcard_sim_free(r->sim);
    usb_exit(r);
    pthread_mutex_destroy(&r->mu);
    clock_cond_destroy(&r->cv);
fail:
    free(r->ids);
    free(r->sess);
    free(r->demo_card);
    free(r);
    return NULL;
}

void idcard_reader_stop(idcard_reader *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->mu);
    r->stop = true;
    clock_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
    pthread_join(r->thread, NULL);
    clock_thread_free(r->clk);

    if (r->dev)
        idcard_usb_close(r->dev);
    usb_exit(r);
    idcard_sim_free(r->sim);
    explicit_bzero(r->sess, sizeof *r->sess);
    free(r->sess);
    free(r->ids);
    free(r->demo_card);
    pthread_mutex_destroy(&r->mu);
    clock_cond_destroy(&r->cv);
    free(r);
}

idcard_sim *idcard_reader_sim(idcard_reader *r)
{
    pthread_mutex_lock(&r->mu);
    idcard_sim *s = r->sim_mode ? r->sim : NULL;
    pthread_mutex_unlock(&r->mu);
    return s;
}

bool idcard_reader_simulated(idcard_reader *r)
{
    pthread_mutex_lock(&r->mu);
    bool s = r->sim_mode;
    pthread_mutex_unlock(&r->mu);
    return s;
}
