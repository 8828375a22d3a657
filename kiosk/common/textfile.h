/*
 * textfile: reading the text files technicians and translators edit
 * (kiosk.conf, the catalogue, UI strings, scripts, hex dumps) -- one copy of
 * the careful part, so every loader refuses the same wrong files the same
 * way.
 *
 * Reading is bounded (a wrong file costs at most max_size + 1 bytes of
 * memory) and refuses anything but a regular file: the file is opened
 * non-blocking and checked with fstat before a byte is read, so a FIFO or a
 * device named by mistake never hangs the kiosk at start-up.
 *
 * The encoding check spells out what an editor did wrong (a BOM, UTF-16,
 * GBK) with LINE:COL, instead of a parser's puzzling "unexpected byte".
 */
#ifndef KIOSK_TEXTFILE_H
#define KIOSK_TEXTFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/diag.h"

struct stat;

/* Opens path for reading the one careful way every reader of an outside
 * file uses (config, catalogue, strings, keys, models, fixtures, dumps):
 * O_NONBLOCK so a FIFO cannot block open() waiting for a writer, O_NOCTTY
 * so a terminal named by mistake does not become ours, O_CLOEXEC, plus
 * extra_flags (O_NOFOLLOW for key files); then fstat and refuse anything
 * but a regular file before a byte is read; then back to blocking reads.
 * Returns the descriptor, *st filled when st is not NULL; or -1 with errno
 * set (ENOENT when missing, so callers may treat that as absent) and why
 * filled with the reason, without the path: "cannot open: ...", "is a
 * directory", "not a regular file (a FIFO, device or socket)". */
int textfile_open(const char *path, int extra_flags, struct stat *st,
                  char *why, size_t why_size);

/* Reads exactly n bytes from fd (a key file of a known size), retrying
 * after signals; false when the file ends sooner or a read fails. */
bool textfile_read_exact(int fd, void *buf, size_t n);

/* Reads FILE whole into a new NUL-terminated buffer (free with free()),
 * setting *len. what names the file for the size message ("a service
 * catalogue", "kiosk.conf"). Returns NULL with one problem appended to
 * errors when FILE cannot be opened or read ("cannot open: ...",
 * "cannot read: ..."), is not a regular file, or is larger than max_size
 * bytes. The text may hold NUL bytes: see textfile_check. */
char *textfile_read(const char *path, size_t max_size, const char *what,
                    size_t *len, diag_list *errors);

/* Standard input read like a file, for a command that documents "-": at
 * most max_size bytes are kept; more is "standard input is larger than
 * LIMIT; is this really WHAT?" (read stops there, so a 64 MiB pipe costs
 * max_size + 1 bytes, never the whole input). */
char *textfile_read_stdin(size_t max_size, const char *what, size_t *len,
                          diag_list *errors);

enum {
    TEXTFILE_ALLOW_BOM = 1,     /* a UTF-8 byte order mark is tolerated */
};

/* Checks text[0..len) is UTF-8 text: no BOM (unless flags allow it), not
 * UTF-16, no NUL byte, no invalid UTF-8. Reports the first problem as
 * name:LINE:COL and returns false; true when the text is clean. */
bool textfile_check(const char *text, size_t len, const char *name,
                    unsigned flags, diag_list *errors);

/* textfile_read followed by textfile_check; NULL (text freed) when either
 * fails. */
char *textfile_load(const char *path, size_t max_size, const char *what,
                    unsigned flags, size_t *len, diag_list *errors);

/* Line and column of byte off in text, both 1-based; lines end at '\n',
 * columns count characters (UTF-8 lead bytes), as jansson and json_pos do. */
void textfile_position(const char *text, size_t off, int *line, int *col);

#endif
