/*
 * diag: a list of problems found in outside input (config, catalogue, card
 * frames, server replies), each naming where it is.
 *
 * Parsers never print and never abort: they append to a diag_list that the
 * caller owns, so the same parser serves the kiosk (which keeps its last good
 * data and logs), `kiosk --check-config` (which prints every problem, like
 * `nginx -t`) and the unit tests (which assert on the exact message).
 */
#ifndef KIOSK_DIAG_H
#define KIOSK_DIAG_H

#include <stddef.h>
#include <stdio.h>

typedef struct diag {
    char *file;  /* owned; may be "" when the input has no file name      */
    int line;    /* 1-based; 0 when the problem concerns the whole file    */
    int col;     /* 1-based; 0 when unknown or not meaningful (INI files)  */
    char *msg;   /* owned, one line, no trailing newline                    */
} diag;

typedef struct diag_list {
    diag *items;
    size_t count;
    size_t cap;
} diag_list;

#define DIAG_LIST_INIT {NULL, 0, 0}

/* Appends one problem. Allocation failure is reported on stderr once and the
 * problem dropped: a diagnostic must never become a crash. */
void diag_add(diag_list *list, const char *file, int line, int col,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* 9980 -> "9,980" into buf (at least 27 bytes for any size_t): the count a
 * technician reads at a glance. */
void diag_group_digits(size_t n, char *buf, size_t size);

/* At most this many problems are printed by diag_print; the rest are
 * counted in one last line ("... and 9,980 more problems not shown").
 * A file with thousands of problems (a wrong file, a generated one gone
 * wrong) must not scroll the first, useful ones out of the terminal or
 * flood the journal; a technician fixes the first ones and checks again. */
#define DIAG_PRINT_MAX 20

/* Writes "FILE:LINE:COL: msg" (LINE/COL left out when 0), one per line,
 * the first DIAG_PRINT_MAX of them, then how many more there are. The list
 * itself keeps every problem (the unit tests read them all). */
void diag_print(const diag_list *list, FILE *out);

/* Formats item i the same way into buf (always NUL-terminated). */
void diag_format(const diag *d, char *buf, size_t size);

/* Sorts items[from..] by line, then column, keeping the order of items at
 * one position (stable): parsers find problems field by field and then by
 * cross-checks, but a technician reads the file top to bottom. Quadratic;
 * a report holds a few hundred items at most. */
void diag_sort(diag_list *list, size_t from);

/* Frees every item; the list is empty and reusable afterwards. */
void diag_clear(diag_list *list);

#endif
