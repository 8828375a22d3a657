/*
 * utf8: the few UTF-8 helpers the kiosk needs. Input is trusted to be valid
 * UTF-8 only where a loader already checked it; the decoder still never
 * reads past the terminating NUL and maps bad bytes to U+FFFD.
 */
#ifndef KIOSK_UTF8_H
#define KIOSK_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the code point at *s and advances *s past it (at least one byte,
 * never past a NUL). Returns 0 at the end of the string. */
uint32_t utf8_next(const char **s);

/* Writes cp as UTF-8 into out (4 bytes room); returns bytes written. */
size_t utf8_encode(uint32_t cp, char *out);

/* Number of code points. */
size_t utf8_length(const char *s);

/* Largest n <= max such that s[0..n) ends on a code-point boundary. */
size_t utf8_truncate(const char *s, size_t max);

#endif
