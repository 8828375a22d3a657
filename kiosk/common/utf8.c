#include "utf8.h"

/* The range the byte after lead may take: beyond 80..BF, it is what rules
 * out overlong forms (E0, F0), UTF-16 surrogates (ED) and code points past
 * U+10FFFF (F4). */
static void second_byte_range(unsigned char lead, unsigned char *lo, unsigned char *hi)
{
    *lo = 0x80;
    *hi = 0xBF;
    if (lead == 0xE0)
        *lo = 0xA0;
    else if (lead == 0xED)
        *hi = 0x9F;
    else if (lead == 0xF0)
        *lo = 0x90;
    else if (lead == 0xF4)
        *hi = 0x8F;
}

uint32_t utf8_next(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    uint32_t c = p[0];
    if (c == 0)
        return 0;
    int n;
    /* Lead bytes C0, C1 and F5..FF never start a valid sequence (C0 80
     * would be an overlong NUL: returning 0 there would end the string early
     * and leave callers stuck on the same bytes). */
    if (c < 0x80) {
        *s += 1;
        return c;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 1;
        c &= 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        n = 2;
        c &= 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3;
        c &= 0x07;
    } else {
        *s += 1;
        return 0xFFFD;
    }
    for (int i = 1; i <= n; i++) {
        /* the second byte also rules out overlong forms, UTF-16 surrogates
         * (ED A0..BF) and code points above U+10FFFF */
        unsigned char lo = 0x80, hi = 0xBF;
        if (i == 1)
            second_byte_range(p[0], &lo, &hi);
        if (p[i] < lo || p[i] > hi) {
            /* truncated or invalid sequence: consume what was read, stop at
             * the NUL */
            *s += i;
            return 0xFFFD;
        }
        c = (c << 6) | (p[i] & 0x3F);
    }
    *s += n + 1;
    return c;
}

size_t utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t utf8_length(const char *s)
{
    size_t n = 0;
    while (utf8_next(&s))
        n++;
    return n;
}

size_t utf8_truncate(const char *s, size_t max)
{
    size_t n = max;
    /* step back over continuation bytes to the start of the last sequence */
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

size_t utf8_seq_len(unsigned char c)
{
    if (c >= 0xF0 && c <= 0xF4)
        return 4;
    if (c >= 0xE0)
        return c <= 0xEF ? 3 : 1;
    if (c >= 0xC2)
        return 2;
    return 1;
}

size_t utf8_valid_seq(const unsigned char *p, size_t n)
{
    if (n == 0)
        return 0;
    if (p[0] < 0x80)
        return 1;
    size_t len = utf8_seq_len(p[0]);
    if (len == 1 || n < len)
        return 0;
    /* the second byte also rules out overlong forms, surrogates (ED A0..BF)
     * and code points past U+10FFFF */
    unsigned char lo = 0x80, hi = 0xBF;
    second_byte_range(p[0], &lo, &hi);
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return len;
}

size_t utf8_invalid_at(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        size_t n = utf8_valid_seq(u + i, len - i);
        if (n == 0)
            return i;
        i += n;
    }
    return len;
}
