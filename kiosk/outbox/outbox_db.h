/*
 * outbox_db: the durable queue of transactions made at the kiosk, in one
 * SQLite file (data_dir/outbox.db).
 *
 * What "durable" means here: outbox_db_enqueue returns OUTBOX_OK only after
 * SQLite's COMMIT returned in WAL mode with synchronous=FULL, i.e. after
 * the WAL frames of the row were fsync'ed. From then on the row survives a
 * crash of the process and a power cut (tests/fault prove both). Every
 * write is one BEGIN IMMEDIATE transaction, so nothing is ever half-written:
 * a write that fails (disk full, read-only file system) leaves the file as
 * it was before it.
 *
 * A row: idempotency key (random UUID), per-device sequence number (never
 * reused in a file: AUTOINCREMENT), kind, service-item code, payload JSON
 * (no personal data), the personal fields sealed (outbox_crypt.h) with
 * masked copies in the clear, the creation time as wall clock, monotonic
 * clock, boot id and whether the wall clock was NTP-synchronised, and the
 * upload state: pending -> in flight -> acknowledged | rejected, or back to
 * pending with attempts, next attempt time and last error.
 *
 * One connection per outbox_db, used by one thread at a time (the outbox
 * thread in the kiosk; kioskctl in its own process). Two processes may
 * share a file: SQLite's locks and the busy timeout serialise them.
 *
 * The VFS is a seam: tests pass a VFS name that fails writes (disk full,
 * read-only) or forgets unsynced data (power loss).
 */
#ifndef KIOSK_OUTBOX_DB_H
#define KIOSK_OUTBOX_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "outbox/outbox_crypt.h"

/* The schema version this code writes (PRAGMA user_version). */
#define OUTBOX_SCHEMA_VERSION 3

typedef enum outbox_result {
    OUTBOX_OK = 0,
    OUTBOX_ERR_FULL,        /* disk (or file-size cap) full: nothing written */
    OUTBOX_ERR_READONLY,    /* read-only file system, file or directory */
    OUTBOX_ERR_CAP_COUNT,   /* max_waiting rows are waiting already */
    OUTBOX_ERR_CAP_AGE,     /* the oldest waiting row is older than max_age_days */
    OUTBOX_ERR_CORRUPT,     /* the file fails integrity_check */
    OUTBOX_ERR_DUPLICATE,   /* that idempotency key is in the file already */
    OUTBOX_ERR_IO,          /* any other I/O or SQLite failure */
    OUTBOX_ERR_NOMEM,
    OUTBOX_ERR_INVALID      /* bad argument, unknown row or state */
} outbox_result;

/* "ok", "full", "read-only", "cap-count", "cap-age", "corrupt",
 * "duplicate", "io", "nomem", "invalid": short, stable, for logs and JSON. */
const char *outbox_result_name(outbox_result r);

typedef enum outbox_state {
    OUTBOX_PENDING,
    OUTBOX_IN_FLIGHT,
    OUTBOX_ACKED,
    OUTBOX_REJECTED
} outbox_state;
#define OUTBOX_N_STATES 4

/* "pending", "inflight", "acked", "rejected" (as stored). */
const char *outbox_state_name(outbox_state s);
/* Accepts those names; false for anything else. */
bool outbox_state_parse(const char *name, outbox_state *out);

typedef struct outbox_db_config {
    const char *path;       /* the database file */
    const char *vfs;        /* SQLite VFS name; NULL for the default */
    int max_waiting;        /* cap on pending + in-flight rows; 0 none */
    int max_age_days;       /* cap on the age of the oldest waiting row; 0 none */
    int retention_days;     /* acknowledged rows are purged after this */
    bool read_only;         /* look only: no migration, no move-aside */
    bool follower;          /* another connection of this process opened the
                               file first and checked it: no integrity_check,
                               no move-aside, rows in flight are its own */
} outbox_db_config;

typedef struct outbox_open_info {
    bool created;           /* a new file was made */
    int migrated_from;      /* user_version found, when it was older; else 0 */
    char moved_aside[4200]; /* where a corrupt file went, "" when none */
} outbox_open_info;

typedef struct outbox_db outbox_db;

/* Opens (creating when missing) the database at cfg->path: WAL,
 * synchronous=FULL, busy timeout 5 s, secure_delete on; brings the schema
 * to OUTBOX_SCHEMA_VERSION; runs integrity_check on an existing file. A
 * file that fails it is renamed to PATH.corrupt-YYYYMMDDTHHMMSS (its -wal
 * with it, so salvage sees both), never deleted, and a new file is made;
 * info says so. Rows left in flight by a crash go back to pending. On
 * failure *out is NULL and why says what happened in plain English (no
 * personal data). info may be NULL. */
outbox_result outbox_db_open(const outbox_db_config *cfg, outbox_db **out,
                             outbox_open_info *info, char *why, size_t wsize);

/* Closes; NULL ok. */
void outbox_db_close(outbox_db *db);

const char *outbox_db_path(const outbox_db *db);

/* One transaction as handed over by the UI (or a probe). */
typedef struct outbox_txn {
    const char *kind;       /* "form", "rating", "probe", ...; required */
    /* The idempotency key: NULL for a fresh random one (every transaction
     * is new), or one the caller derives (a UUID's text form, lower-case
     * hex) when the same thing must never be queued twice -- a rating's
     * key comes from its transaction number, so a second rating of the
     * same transaction is refused here (OUTBOX_ERR_DUPLICATE) and, should
     * two kiosks' files ever meet, at the platform. */
    const char *key;
    const char *item_code;  /* service-item code; NULL for none */
    const char *payload;    /* JSON text without personal data; NULL for "{}" */
    outbox_personal personal;
} outbox_txn;

/* What the resident's receipt shows, once the row is durable. */
typedef struct outbox_receipt {
    char key[OUTBOX_UUID_SIZE];
    int64_t seq;
    char number[40];        /* transaction number: YYYYMMDD-SEQ-KEY4 */
} outbox_receipt;

/* Adds t as a new pending row under a fresh idempotency key (or t->key),
 * sealing its personal fields with k, in one BEGIN IMMEDIATE transaction;
 * OUTBOX_OK only after the commit (and its fsync) returned. Refused with
 * OUTBOX_ERR_CAP_COUNT / CAP_AGE when a cap is reached, with
 * OUTBOX_ERR_DUPLICATE when t->key is in the file already, and with
 * OUTBOX_ERR_INVALID when t->key is not a UUID's text. On any failure
 * nothing was written. */
outbox_result outbox_db_enqueue(outbox_db *db, const outbox_key *k, const outbox_txn *t,
                                outbox_receipt *r, char *why, size_t wsize);

/* A row as read back. payload and sealed are malloc'd; outbox_row_clear
 * frees them. */
typedef struct outbox_row {
    int64_t seq;
    char key[OUTBOX_UUID_SIZE];
    char kind[24];
    char item_code[64];
    char *payload;
    unsigned char *sealed;
    size_t sealed_len;
    outbox_masked masked;
    int64_t created_wall;   /* seconds since the epoch */
    int64_t created_mono_ms;/* clock_now_ms at creation (this boot) */
    char boot_id[40];
    bool wall_synced;       /* the wall clock was NTP-synchronised */
    outbox_state state;
    int attempts;
    int64_t next_attempt;   /* wall seconds */
    char last_error[160];
    int64_t done_at;        /* wall seconds of ack/reject, 0 while waiting */
} outbox_row;

void outbox_row_clear(outbox_row *row);

/* The receipt number of a row: YYYYMMDD (local date of created_wall), the
 * sequence number and the key's first four characters. */
void outbox_number(int64_t created_wall, int64_t seq, const char *key, char *out,
                   size_t size);

/* Salvage: inserts a row read from another file with its own key, sealed
 * blob, masked copies and creation time, as pending with a new sequence
 * number. OUTBOX_ERR_DUPLICATE (and nothing written) when the key is here
 * already. Caps do not apply: these residents were already told "done". */
outbox_result outbox_db_insert_row(outbox_db *db, const outbox_row *row, int64_t *seq,
                                   char *why, size_t wsize);

/* The uploader's next batch: up to max pending rows with next_attempt <=
 * now, lowest sequence first, marked in flight in the same transaction.
 * rows[0..*n) are filled (outbox_row_clear each). */
outbox_result outbox_db_next_batch(outbox_db *db, int64_t now, outbox_row *rows, size_t max,
                                   size_t *n);

/* The platform accepted the row: acknowledged at now. */
outbox_result outbox_db_mark_acked(outbox_db *db, int64_t seq, int64_t now);
/* The platform refused it for good: rejected at now with error (no
 * personal data; also kept as the queue's last error). */
outbox_result outbox_db_mark_rejected(outbox_db *db, int64_t seq, int64_t now,
                                      const char *error);
/* Sending failed for now: back to pending, attempts + 1, next attempt at
 * now + outbox_backoff(attempts), last error kept. */
outbox_result outbox_db_mark_retry(outbox_db *db, int64_t seq, int64_t now, const char *error);

/* What the uploader learnt of one row, for outbox_db_settle. */
typedef enum outbox_settle_kind {
    OUTBOX_SETTLE_ACK,      /* accepted or duplicate: the platform has it */
    OUTBOX_SETTLE_REJECT,   /* refused for good: kept, with error */
    OUTBOX_SETTLE_RETRY,    /* try again at next_attempt; attempts + 1 */
    OUTBOX_SETTLE_RELEASE,  /* not sent after all: pending again, as it was */
} outbox_settle_kind;

typedef struct outbox_settle {
    int64_t seq;
    outbox_settle_kind kind;
    int64_t next_attempt;   /* RETRY: wall seconds */
    const char *error;      /* REJECT / RETRY: for technicians, no personal data */
} outbox_settle;

/* Applies items[0..n) in one transaction (one fsync for a whole batch),
 * at wall time now. Rows no longer in flight or pending are left alone. */
outbox_result outbox_db_settle(outbox_db *db, const outbox_settle *items, size_t n, int64_t now);

/* The earliest next_attempt of a pending row: true and *when, or false
 * when no row is pending. */
bool outbox_db_next_due(outbox_db *db, int64_t *when);

/* Seconds to wait after the n-th failed attempt (n >= 1): 30 s doubling,
 * at most one hour. */
int64_t outbox_backoff(int attempts);

typedef struct outbox_counts {
    int64_t by_state[OUTBOX_N_STATES];
    int64_t waiting;        /* pending + in flight */
    int64_t oldest_waiting; /* created_wall of the oldest waiting row, 0 none */
    char last_error[160];   /* "" when none */
    int64_t last_error_at;
} outbox_counts;

outbox_result outbox_db_counts(outbox_db *db, outbox_counts *c);

/* Deletes acknowledged rows done more than retention_days before now, with
 * secure_delete (their pages are zeroed) and then
 * wal_checkpoint(TRUNCATE), so no copy lingers in the file or its -wal.
 * *purged (may be NULL) gets the number of rows deleted. */
outbox_result outbox_db_purge(outbox_db *db, int64_t now, int *purged);

/* Calls fn for every row in sequence order (state < 0: all states), until
 * it returns false. The row is valid during the call only. */
typedef bool (*outbox_row_fn)(void *user, const outbox_row *row);
outbox_result outbox_db_each(outbox_db *db, int state, outbox_row_fn fn, void *user);

/* The last SQLite error text of the connection, for technicians. */
const char *outbox_db_errmsg(outbox_db *db);

#endif
