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

/* Bytes in the sequence that lead byte c announces: 2..4, or 1 for ASCII
 * and for bytes that cannot start a sequence (so a caller stepping through
 * broken text always makes progress). Says nothing about what follows. */
size_t utf8_seq_len(unsigned char c);

/* Length 1..4 of the well-formed sequence at p, which has n >= 1 bytes
 * left, or 0 when it is not one: overlong forms, UTF-16 surrogates, code
 * points past U+10FFFF and truncated sequences are all refused. An ASCII
 * byte (NUL included) is a sequence of 1. The one UTF-8 validator of the
 * kiosk: loaders of outside text (textfile, settings) go through it. */
size_t utf8_valid_seq(const unsigned char *p, size_t n);

/* Offset of the first byte of s[0..len) that is not part of well-formed
 * UTF-8 (see utf8_valid_seq), or len when all of it is. */
size_t utf8_invalid_at(const char *s, size_t len);

#endif
