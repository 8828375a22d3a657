/*
 * suggest: "did you mean …?" for the parsers of technician-edited files.
 * A typo in a key name ("idle_timout", "nmae") is the commonest mistake in
 * a config or catalogue; naming the intended key turns a rejection into a
 * one-line fix.
 */
#ifndef KIOSK_SUGGEST_H
#define KIOSK_SUGGEST_H

#include <limits.h>

/* Optimal-string-alignment distance: Levenshtein plus swapping two
 * neighbours (the commonest typo) as one edit, ignoring ASCII case.
 * Names longer than SUGGEST_MAX_LEN bytes are never close: INT_MAX. */
#define SUGGEST_MAX_LEN 32
int suggest_distance(const char *a, const char *b);

#endif
