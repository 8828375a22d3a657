/*
 * memdump: the process writes its own memory to a file, for the test that
 * looks for personal data left behind after a session (script line
 * `dump-memory NAME`, tests/hardening/memory_wipe.sh). What a core dump or
 * an attacker reading the process would see, and more: every writable
 * mapping, also the ones marked MADV_DONTDUMP (the session store's guarded
 * block), so a field left there is found too.
 *
 * The file holds exactly what the memory holds -- personal data included
 * when a wipe is missing -- so it is for tests only and is written 0600.
 */
#ifndef KIOSK_MEMDUMP_H
#define KIOSK_MEMDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct memdump_stats {
    uint64_t bytes;             /* bytes written (all-zero pages left out) */
    int regions;                /* writable mappings read */
    int skipped_regions;        /* larger than 4 GiB: sanitizer shadow, reservations */
    uint64_t unreadable;        /* bytes the kernel would not give */
} memdump_stats;

/* Writes the non-zero pages of every writable mapping of this process to
 * path (created 0600, truncated), one region after the other. False with
 * why filled in when a file cannot be opened or written. */
bool memdump_self(const char *path, memdump_stats *stats, char *why, size_t why_size);

#endif
