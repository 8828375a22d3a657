/*
 * storage: every file the kiosk writes (queue database, keys, receipts,
 * logs) lives under the configured data_dir, and this module is the one
 * place that turns a name into a path there. So no part of the kiosk can
 * write beside the source tree or into /etc by accident, and a technician
 * learns at start-up -- not at the first receipt -- that the directory is
 * not writable.
 *
 * Below everything: no SDL, no app/, no settings (callers pass the path).
 * One data directory per process; the state is module-wide.
 */
#ifndef KIOSK_STORAGE_H
#define KIOSK_STORAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/diag.h"

/* Creates data_dir with mode 0700 when it is missing (its parent must
 * exist), and proves it writable by creating and removing a probe file --
 * access(W_OK) is not enough, since it says yes to root on a read-only
 * mount. On success later storage_path calls resolve under it. On failure
 * returns false with one problem appended to errors (file: data_dir), its
 * message naming the directory: "data directory /x/var is not writable:
 * Permission denied". */
bool storage_open(const char *data_dir, diag_list *errors);

/* The same checks without creating anything that is missing (for
 * `--check-config`): an existing directory gets the write probe, a missing
 * one needs a parent that passes it. Returns false with the reason in why. */
bool storage_check(const char *data_dir, char *why, size_t wsize);

/* The directory given to storage_open, or NULL when none is open. */
const char *storage_dir(void);

/* Writes data_dir/name into buf (size bytes). name is relative and made of
 * components of letters, digits, '.', '_' and '-' separated by single
 * '/'; "..", "." and empty components are refused, so no name escapes
 * data_dir. A name ending in '/' ("keys/") is a directory: it and every
 * directory leading to a name ("receipts/2026/r1.pdf") are created with
 * mode 0700 when missing. Returns false (buf set to "") when no storage is
 * open, the name is refused, the path does not fit, or a directory cannot be
 * created (errno tells why). */
bool storage_path(const char *name, char *buf, size_t size);

/* Puts len bytes in a new file at path (a storage_path), mode 0600, unless
 * one is there already -- a key made on the first start: written to a
 * temporary name (O_EXCL, O_NOFOLLOW), fsync'd, linked into place and the
 * directory fsync'd, so the name is durable before anything depends on it.
 * link, not rename: when two processes start together the second's link
 * fails with EEXIST and both then read back the first's file (true). what
 * names the file in messages ("device key"). False with why filled. */
bool storage_create_once(const char *path, const void *bytes, size_t len, const char *what,
                         char *why, size_t wsize);

/* Forgets the data directory (tests; the kiosk keeps it until exit). */
void storage_close(void);

#endif
