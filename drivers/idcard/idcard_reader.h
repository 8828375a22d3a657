/*
 * idcard_reader: the reader thread. This is the one header the kiosk needs.
 *
 * The thread owns the libusb context (or the simulator), finds a reader from
 * the configured VID:PID table, follows hot-plug, polls for a card every
 * poll interval, reads it, notices when it is lifted, and tells the UI what
 * happened by calling post() ON THE READER THREAD. The kiosk's post hands
 * the event to its event hub and returns; the UI thread never waits on USB.
 *
 * Time: the thread reads the time and waits through common/clock, so under
 * the script harness's virtual clock its polls and timeouts follow `wait`.
 *
 *   attached ──> (card placed) reading ──> card read | card error
 *       ^                                   │
 *       │                     (card lifted) └──> card removed
 *       └── lost (unplug, or 3 failed polls in a row) ── rescan ──┘
 *
 * Simulation (`[idcard] simulate` in kiosk.conf):
 *   off   real readers only;
 *   on    the built-in simulator only (demo mode, headless tests);
 *   auto  decided once, in idcard_reader_start: a real reader present ->
 *         real readers for the whole run (unplugging it does NOT fall back
 *         to the simulator: demo cards must never sign anyone in on a
 *         production kiosk whose reader is loose); none present -> the
 *         simulator, until a real reader is plugged in, which then takes
 *         over for good.
 *
 * Personal data: the thread logs (through cfg->log) only reader names,
 * SAM IDs and result names; card contents go only into CARD_READ events.
 */
#ifndef IDCARD_READER_H
#define IDCARD_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "idcard_card.h"
#include "idcard_ids.h"
#include "idcard_sim.h"

typedef enum idcard_simulate {
    IDCARD_SIMULATE_AUTO,       /* = SIMULATE_AUTO in settings.h */
    IDCARD_SIMULATE_ON,
    IDCARD_SIMULATE_OFF
} idcard_simulate;

typedef struct idcard_reader_config {
    const idcard_usb_id *readers;  /* copied; NULL: idcard_usb_default_ids */
    size_t n_readers;
    idcard_simulate simulate;
    int transfer_timeout_ms;       /* <= 0: 1000 */
    int poll_interval_ms;          /* <= 0: 250 */
    int rescan_interval_ms;        /* <= 0: 1500 */
    int retries;                   /* < 0: 2; 0 means no retries */
    bool read_fingerprint;         /* 30 10 instead of 30 01 */
    const char *demo_card;         /* fixture placed on the simulator at
                                      start, NULL for none; copied */
    /* Optional log sink, called on the reader thread with the post user
     * pointer; lines never contain personal data. */
    void (*log)(void *user, const char *line);
} idcard_reader_config;

/* Fills cfg with the defaults above (auto, default table). */
void idcard_reader_config_init(idcard_reader_config *cfg);

typedef enum idcard_event_type {
    IDCARD_EV_READER_ATTACHED,  /* reader, simulated, sam_id */
    IDCARD_EV_READER_LOST,      /* reader, result, message_key */
    IDCARD_EV_CARD_READING,     /* a card is in the field; reading started */
    IDCARD_EV_CARD_READ,        /* identity (owned by the receiver) */
    IDCARD_EV_CARD_ERROR,       /* result, message_key; CARD_REMOVED result
                                   when it was lifted mid-read */
    IDCARD_EV_CARD_REMOVED      /* a card that was read has left */
} idcard_event_type;

typedef struct idcard_event {
    idcard_event_type type;
    char reader[32];            /* "0400:c35a" or "simulator" */
    bool simulated;
    int result;                 /* idcard_result; IDCARD_OK when n/a */
    const char *message_key;    /* static string or NULL */
    char sam_id[40];            /* READER_ATTACHED, "" if unreadable */
    /* CARD_READ only. Ownership passes to the receiver, which must end it
     * with idcard_identity_wipe (also when it drops the event). */
    idcard_identity *identity;
} idcard_event;

/* Called on the reader thread; ev is valid only during the call (copy what
 * you need; take ev->identity). Must not call idcard_reader_stop. */
typedef void (*idcard_post_fn)(void *user, idcard_event *ev);

typedef struct idcard_reader idcard_reader;

/* Starts the thread. In auto mode the simulate decision (one quick USB
 * enumeration, no device I/O) is made before returning, so
 * idcard_reader_sim is meaningful at once. NULL when out of memory or the
 * thread cannot start. */
idcard_reader *idcard_reader_start(const idcard_reader_config *cfg,
                                   idcard_post_fn post, void *user);

/* Stops and joins the thread (waits at most one transfer timeout), closes
 * the reader, wipes session buffers and frees everything. NULL is fine. */
void idcard_reader_stop(idcard_reader *r);

/* The simulator when the thread runs on it, else NULL. The pointer stays
 * valid until idcard_reader_stop even if a real reader takes over. Use the
 * thread-safe idcard_sim_* calls on it: place_card, remove_card,
 * set_plugged, set_fault. */
idcard_sim *idcard_reader_sim(idcard_reader *r);

/* True when running on the simulator (demo mode): the UI marks it. */
bool idcard_reader_simulated(idcard_reader *r);

/* Short name for logs: "reader_attached", ... */
const char *idcard_event_name(idcard_event_type t);

#endif
