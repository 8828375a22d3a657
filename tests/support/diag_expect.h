/*
 * diag_expect: comparing the problems a loader reported with the exact
 * FILE:LINE:COL: message lines a test wants, printing both lists when they
 * differ so a failing test shows what changed.
 *
 * Header-only with static functions: include once, after <cmocka.h>.
 */
#ifndef KIOSK_TEST_DIAG_EXPECT_H
#define KIOSK_TEST_DIAG_EXPECT_H

#include <stdbool.h>
#include <string.h>

#include "common/diag.h"

/* True when errors holds exactly want (NULL-terminated), in order. */
static bool diag_expect_same(const diag_list *errors, const char *const *want)
{
    char got[1400];
    size_t n_want = 0;
    while (want[n_want])
        n_want++;
    bool same = errors->count == n_want;
    for (size_t i = 0; same && i < n_want; i++) {
        diag_format(&errors->items[i], got, sizeof got);
        same = !strcmp(got, want[i]);
    }
    if (!same) {
        print_error("want %zu problem(s):\n", n_want);
        for (size_t i = 0; i < n_want; i++)
            print_error("  %s\n", want[i]);
        print_error("got %zu:\n", errors->count);
        for (size_t i = 0; i < errors->count; i++) {
            diag_format(&errors->items[i], got, sizeof got);
            print_error("  %s\n", got);
        }
    }
    return same;
}

#endif
