/*
 * outbox_store: see outbox_store.h.
 */
#include "outbox/outbox_store.h"

#include <stdio.h>
#include <string.h>

#include "common/storage.h"

bool outbox_store_path(char *buf, size_t size)
{
    return storage_path("outbox.db", buf, size);
}

outbox_result outbox_store_open(outbox_store *s, const outbox_limits *lim, char *why,
                                size_t wsize)
{
    memset(s, 0, sizeof *s);
    char path[4096];
    if (!outbox_store_path(path, sizeof path)) {
        snprintf(why, wsize, "no data directory for the queue database");
        return OUTBOX_ERR_INVALID;
    }
    /* the key first: a database without its key could take rows nobody
     * can ever open */
    s->key = outbox_key_load(why, wsize);
    if (!s->key)
        return OUTBOX_ERR_IO;
    outbox_db_config cfg = {.path = path,
                            .vfs = lim->vfs,
                            .max_waiting = lim->max_waiting,
                            .max_age_days = lim->max_age_days,
                            .retention_days = lim->retention_days,
                            .follower = lim->follower};
    outbox_result r = outbox_db_open(&cfg, &s->db, &s->info, why, wsize);
    if (r != OUTBOX_OK) {
        outbox_key_free(s->key);
        s->key = NULL;
    }
    return r;
}

outbox_result outbox_store_put(outbox_store *s, const outbox_txn *t, outbox_receipt *r,
                               char *why, size_t wsize)
{
    if (!s->db) {
        snprintf(why, wsize, "the queue database is not open");
        return OUTBOX_ERR_IO;
    }
    return outbox_db_enqueue(s->db, s->key, t, r, why, wsize);
}

void outbox_store_close(outbox_store *s)
{
    outbox_db_close(s->db);
    outbox_key_free(s->key);
    memset(s, 0, sizeof *s);
}
