/*
 * idcard_sim: a GA 467 reader's SAM firmware as a byte machine, for demo
 * mode and for tests.
 *
 * It lives with the driver, not under tests/, because the kiosk itself runs
 * on it: with `simulate = auto` and no real reader, or `simulate = on`, the
 * reader thread talks to this instead of libusb, and the sign-in screen's
 * demo cards are fixtures placed on it. The unit tests talk to it through
 * idcard_sim_transport (the same seam libusb sits behind) and the umockdev
 * tests put it behind a fake usbdevfs, so the one simulator is exercised at
 * every level.
 *
 * Host side:   idcard_sim_host_write (one OUT transfer's bytes)
 *              idcard_sim_host_read  (up to cap bytes of pending answer)
 * Test side:   place/remove a card, plug/unplug, inject one fault.
 *
 * Every function is thread-safe: the UI thread places cards while the reader
 * thread (or umockdev's worker thread) is mid-transfer.
 *
 * Card fixtures are JSON:
 *   {"type": "resident" | "J" | "I" | "Y",
 *    "name": "张三", "sex": "1", "nation": "01", "birth": "19900307",
 *    "address": "...", "id_number": "...", "authority": "...",
 *    "valid_from": "20200101", "valid_to": "20400101" or "长期",
 *    J: "pass_number", "issue_count";
 *    I: "name_en", "nationality", "card_version", "authority_code"
 *       (id_number holds the 15-character permit number);
 *    Y: "name_en", "nationality", "renewal_count"}
 * and are encoded into a real 256-byte UCS-2LE text block plus 1024
 * pseudo-random photo bytes (seeded from the fixture, so stable).
 */
#ifndef IDCARD_SIM_H
#define IDCARD_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idcard_session.h"

typedef struct idcard_sim idcard_sim;

typedef enum idcard_sim_fault_kind {
    IDCARD_FAULT_NONE,
    IDCARD_FAULT_REMOVE_MID_READ,   /* card lifted while the read runs: the
                                       read answers 41 and the card is gone */
    IDCARD_FAULT_BAD_CHECKSUM,      /* CHK byte flipped */
    IDCARD_FAULT_WRONG_LENGTH,      /* read: photo shorter than announced;
                                       other commands: LEN below minimum */
    IDCARD_FAULT_GARBAGE,           /* junk bytes (including a partial
                                       preamble) before the frame */
    IDCARD_FAULT_SLOW,              /* answer only after delay_ms */
    IDCARD_FAULT_NO_ANSWER,         /* command swallowed: host times out */
    IDCARD_FAULT_SW3,               /* answer with sw3 and no data */
    IDCARD_FAULT_UNPLUG_MID_TRANSFER/* first 64 bytes of the answer, then the
                                       device is unplugged */
} idcard_sim_fault_kind;

typedef struct idcard_sim_fault {
    idcard_sim_fault_kind kind;
    uint16_t cmd;     /* command it applies to (GA467_CMD_*); 0 = any */
    uint8_t sw3;      /* IDCARD_FAULT_SW3 */
    int delay_ms;     /* IDCARD_FAULT_SLOW */
    int count;        /* fires this many times then clears; 0 = until cleared */
} idcard_sim_fault;

/* A simulator with no card, plugged in, no fault. seed feeds the garbage
 * generator. NULL when out of memory. */
idcard_sim *idcard_sim_new(uint32_t seed);
void idcard_sim_free(idcard_sim *sim);

/* Places the card described by a JSON fixture file. 0 on success; -1 with a
 * message in err (may be NULL) naming the file and the problem. */
int idcard_sim_place_card(idcard_sim *sim, const char *fixture_path);
int idcard_sim_place_card_err(idcard_sim *sim, const char *fixture_path,
                              char *err, size_t err_size);

/* The same from JSON text (name is used in messages). */
int idcard_sim_place_card_json(idcard_sim *sim, const char *json,
                               const char *name, char *err, size_t err_size);

/* Places a card from a raw 256-byte text block (and optional photo, NULL for
 * pseudo-random bytes); for tests of parser edge cases. */
int idcard_sim_place_card_raw(idcard_sim *sim, const uint8_t text[256],
                              const uint8_t *photo, size_t photo_len);

void idcard_sim_remove_card(idcard_sim *sim);
bool idcard_sim_has_card(idcard_sim *sim);

/* Unplugging fails every later transfer with IDCARD_ERR_DEVICE_GONE and
 * wakes any transfer waiting on the simulator. */
void idcard_sim_set_plugged(idcard_sim *sim, bool plugged);
bool idcard_sim_plugged(idcard_sim *sim);

/* Replaces the current fault; NULL or kind NONE clears it. */
void idcard_sim_set_fault(idcard_sim *sim, const idcard_sim_fault *fault);

/* Host-side byte machine. host_write takes one OUT transfer (a command frame
 * may arrive split over several) and returns len, or IDCARD_ERR_DEVICE_GONE.
 * host_read copies up to cap bytes of answer that are ready now and returns
 * the count (0 = nothing ready), or IDCARD_ERR_DEVICE_GONE. *wait_ms (may be
 * NULL) receives how long until more bytes will be ready: 0 when some are
 * ready, -1 when none are coming (no answer pending, or the fault swallowed
 * it). Bytes handed out are never re-sent. */
int idcard_sim_host_write(idcard_sim *sim, const uint8_t *buf, size_t len);
int idcard_sim_host_read(idcard_sim *sim, uint8_t *buf, size_t cap, int *wait_ms);

/* Blocks until an answer byte is ready, the device is unplugged, or
 * timeout_ms passes; returns like idcard_sim_host_read (0 on timeout). */
int idcard_sim_host_read_wait(idcard_sim *sim, uint8_t *buf, size_t cap,
                              int timeout_ms);

/* Counters for tests: commands received, by kind. */
unsigned idcard_sim_commands(idcard_sim *sim, uint16_t cmd);

/* The SAM ID the simulator reports ("05.01-20230101-0000123456-1234567890"
 * style; fixed). */
void idcard_sim_sam_id(char *out, size_t out_size);

/* An in-process transport over the simulator: write = host_write, read =
 * host_read_wait with the session's timeout. Zero latency apart from faults.
 * The sim must outlive the transport. */
void idcard_sim_transport(idcard_sim *sim, idcard_transport *out);

/* Encodes a fixture into a text block and photo without a simulator, for
 * tests and `kioskctl`. photo may be NULL. */
int idcard_sim_encode_fixture(const char *json, const char *name,
                              uint8_t text[256], uint8_t photo[1024],
                              char *err, size_t err_size);

#endif
