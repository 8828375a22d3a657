/*
 * idcard_session: the conversation with a reader's SAM over a transport seam.
 *
 *   find card (20 01) -> select card (20 02) -> read (30 01, or 30 10)
 *   SAM reset (10 FF), SAM status (11 FF), SAM ID (12 FF)
 *
 * The transport is two function pointers, so the same session code talks to
 * libusb (idcard_usb), to the in-process simulator (idcard_sim) and to the
 * unit tests' fakes: tests swap the implementation, never the caller.
 *
 * Each command is written once and its answer read until one whole frame has
 * arrived or the per-transfer timeout passes. Checksum, length and timeout
 * failures are retried a bounded number of times (a 64-byte packet corrupted
 * on a marginal cable is worth a second try; a reader that never answers is
 * not worth waiting on forever); SW3 errors are the reader's considered
 * answer and are not retried except SW3 10/11 (the reader got a damaged
 * copy of our frame).
 */
#ifndef IDCARD_SESSION_H
#define IDCARD_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ga467_frame.h"
#include "idcard_card.h"

/* Result codes. 0 is success; everything else is negative. A reader's SW3
 * error is IDCARD_ERR_SW3(code), so every SW3 code is its own result and
 * callers can still ask "was it an SW3 error" with idcard_result_sw3. */
typedef enum idcard_result {
    IDCARD_OK = 0,
    IDCARD_ERR_NO_CARD = -1,        /* find card answered 80: nothing there */
    IDCARD_ERR_CARD_REMOVED = -2,   /* the card left during select or read */
    IDCARD_ERR_CHECKSUM = -3,       /* answer failed CHK (after retries) */
    IDCARD_ERR_LENGTH = -4,         /* LEN or a block length is inconsistent */
    IDCARD_ERR_TIMEOUT = -5,        /* no whole answer within the timeout */
    IDCARD_ERR_DEVICE_GONE = -6,    /* the reader was unplugged */
    IDCARD_ERR_IO = -7,             /* any other transfer failure */
    IDCARD_ERR_PARSE = -8,          /* text block malformed (see detail) */
    IDCARD_ERR_PROTOCOL = -9,       /* SW1 SW2 not 00 00, unknown SW3 */
    IDCARD_ERR_NOMEM = -10,
    IDCARD_ERR_NO_READER = -11      /* no matching reader is attached */
} idcard_result;

#define IDCARD_ERR_SW3_BASE (-0x100)
#define IDCARD_ERR_SW3(code) (IDCARD_ERR_SW3_BASE - (int)(code))

/* The SW3 code of an IDCARD_ERR_SW3 result, or -1 for other results. */
int idcard_result_sw3(int result);

/* Short identifier for logs: "ok", "no_card", "sw3_41_read", ... Static
 * storage (SW3 names come from a fixed table). */
const char *idcard_result_name(int result);

/* The kiosk's message key for a result: "card.none", "card.removed",
 * "card.unreadable", "reader.unavailable", "reader.error". */
const char *idcard_result_message_key(int result);

/* The transport seam. write returns the bytes written or a negative
 * idcard_result; read returns the bytes read (> 0) or a negative
 * idcard_result (IDCARD_ERR_TIMEOUT when nothing came in timeout_ms,
 * IDCARD_ERR_DEVICE_GONE when the device vanished). One call is one USB
 * transfer, which is what idcard_session.transfers counts. */
typedef struct idcard_transport {
    int (*write)(void *ctx, const uint8_t *buf, size_t len, int timeout_ms);
    int (*read)(void *ctx, uint8_t *buf, size_t cap, int timeout_ms);
    void *ctx;
} idcard_transport;

typedef struct idcard_session {
    idcard_transport tr;
    int timeout_ms;             /* per transfer; default 1000 */
    int retries;                /* extra attempts per command; default 2 */
    size_t read_size;           /* bytes asked per IN transfer; default 4096 */
    bool read_fingerprint;      /* use 30 10 instead of 30 01 */

    /* Statistics and diagnostics of the last operation. None of these hold
     * personal data: detail names offsets, fields and codes only. */
    unsigned transfers;         /* transfers since idcard_session_init or the
                                   last idcard_session_reset_stats */
    uint8_t last_sw3;
    char detail[192];

    ga467_parser parser;        /* ~4 KiB: keep sessions off small stacks */
    uint8_t rx[GA467_MAX_FRAME];
} idcard_session;

/* Initialises s with defaults for the given transport (copied). */
void idcard_session_init(idcard_session *s, const idcard_transport *tr);

void idcard_session_reset_stats(idcard_session *s);

/* IDCARD_OK when a card is in the field (SW3 9F), IDCARD_ERR_NO_CARD when
 * the reader says 80, else the failure. */
int idcard_session_find(idcard_session *s);

int idcard_session_select(idcard_session *s);

/* Reads text + photo (+ fingerprint) from a selected card and parses it.
 * On IDCARD_OK, *out is a new identity the caller owns (wipe with
 * idcard_identity_wipe); on failure *out is NULL and nothing personal is
 * left in the session's buffers. */
int idcard_session_read(idcard_session *s, idcard_identity **out);

/* find -> select -> read. A select or read failure is followed by one more
 * find, so a card lifted mid-read is reported as IDCARD_ERR_CARD_REMOVED
 * rather than as the low-level error it caused. */
int idcard_session_read_card(idcard_session *s, idcard_identity **out);

int idcard_session_sam_reset(idcard_session *s);
int idcard_session_sam_status(idcard_session *s);

/* Reads the SAM ID and formats it as %02d.%02d-%08d-%010d-%010d into out
 * (at least 40 bytes). The SAM ID identifies the reader, not a person, so it
 * may be logged. */
int idcard_session_sam_id(idcard_session *s, char *out, size_t out_size);

/* Formats 16 SAM-ID bytes (little-endian u16 u16 u32 u32 u32). */
void idcard_format_sam_id(const uint8_t raw[16], char *out, size_t out_size);

/* Decodes the data of a read answer (SW 90; text length, photo length, text,
 * photo[, fingerprint length... see idcard_session.c]) into *out. Shared by
 * the session and `kioskctl idcard decode`. err receives the offset-naming
 * message. Returns an idcard_result. */
int idcard_decode_read_data(const uint8_t *data, size_t len, bool fingerprint,
                            idcard_identity **out, char *err, size_t err_size);

#endif
