/*
 * outbox_recover: the rows still readable in a damaged queue file.
 *
 * When a queue database fails integrity_check, SQLite cannot be trusted to
 * walk its b-trees, and the sqlite3 shell's `.recover` in Debian 12
 * (3.40.1) stops with "SQL logic error" before it yields anything. So this
 * reads the file the way a recovery tool does: page by page, in the main
 * file and in every frame of its -wal, decoding each table-leaf cell as a
 * record and keeping those that have the shape of an outbox row (a UUID
 * key, a known state, the right column types). A damaged page costs only
 * the rows on it.
 *
 * The same row may sit in several page images (an older copy in the main
 * file, newer ones in the WAL): each key is reported once, from the newest
 * image (the last WAL frame first). The sealed blob is passed on
 * untouched; nothing here can read or needs the device key.
 *
 * The input is whatever is on the disk: every length and offset is checked
 * against the page before use (tests/fuzz/fuzz_recover.c).
 */
#ifndef KIOSK_OUTBOX_RECOVER_H
#define KIOSK_OUTBOX_RECOVER_H

#include <stddef.h>

#include "outbox/outbox_db.h"

typedef struct outbox_recover_stats {
    long pages;         /* page images read (main file + WAL frames) */
    long cells;         /* table-leaf cells decoded */
    long rows;          /* distinct outbox rows reported */
} outbox_recover_stats;

/* Calls fn once per distinct key found in path and path-wal. False (and
 * why) only when the file cannot be read at all. */
bool outbox_recover_file(const char *path, outbox_row_fn fn, void *user,
                         outbox_recover_stats *stats, char *why, size_t wsize);

/* The same over images of a file and its WAL already in memory (wal may
 * be NULL); for the fuzz target and the tests. */
bool outbox_recover_buffers(const unsigned char *db, size_t db_len, const unsigned char *wal,
                            size_t wal_len, outbox_row_fn fn, void *user,
                            outbox_recover_stats *stats);

#endif
