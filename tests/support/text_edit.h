/*
 * text_edit: a test's small edit of a known-good document (a catalogue with
 * one field broken), shared by the catalogue and form tests.
 */
#ifndef KIOSK_TEST_TEXT_EDIT_H
#define KIOSK_TEST_TEXT_EDIT_H

#include <stdlib.h>
#include <string.h>

/* base with the first occurrence of from replaced by to, in a new buffer
 * the caller frees; NULL when from is not in base. */
static inline char *text_replace_first(const char *base, const char *from, const char *to)
{
    const char *at = strstr(base, from);
    if (!at)
        return NULL;
    size_t lb = strlen(base), lf = strlen(from), lt = strlen(to);
    char *out = malloc(lb - lf + lt + 1);
    if (!out)
        return NULL;
    size_t pre = (size_t)(at - base);
    memcpy(out, base, pre);
    memcpy(out + pre, to, lt);
    memcpy(out + pre + lt, at + lf, lb - pre - lf + 1);
    return out;
}

#endif
