/*
 * outbox_store: the outbox as one thing -- the database in
 * data_dir/outbox.db and the device key in data_dir/keys/device.key -- and
 * the one function that makes a transaction durable. The kiosk's outbox
 * thread and `kioskctl queue probe` both call outbox_store_put, so a probe
 * proves the very path a resident's transaction takes.
 */
#ifndef KIOSK_OUTBOX_STORE_H
#define KIOSK_OUTBOX_STORE_H

#include "outbox/outbox_db.h"

typedef struct outbox_store {
    outbox_db *db;
    outbox_key *key;
    outbox_open_info info;
} outbox_store;

typedef struct outbox_limits {
    int max_waiting, max_age_days, retention_days;
    const char *vfs;        /* SQLite VFS (tests); NULL for the default */
    bool follower;          /* see outbox_db_config */
} outbox_limits;

/* Opens data_dir/outbox.db and the device key (storage must be open).
 * On failure the store is left empty and why says why. */
outbox_result outbox_store_open(outbox_store *s, const outbox_limits *lim, char *why,
                                size_t wsize);

/* Durable enqueue: OUTBOX_OK once the commit returned (see outbox_db.h). */
outbox_result outbox_store_put(outbox_store *s, const outbox_txn *t, outbox_receipt *r,
                               char *why, size_t wsize);

void outbox_store_close(outbox_store *s);

/* The database path under data_dir (storage must be open); false when it
 * does not fit. */
bool outbox_store_path(char *buf, size_t size);

#endif
