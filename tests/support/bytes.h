/*
 * bytes: checks on raw memory that several tests share (a wipe leaves
 * nothing behind).
 */
#ifndef KIOSK_TEST_BYTES_H
#define KIOSK_TEST_BYTES_H

#include <stdbool.h>
#include <stddef.h>

/* True when every one of the n bytes at p is zero. */
static inline bool bytes_all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

#endif
