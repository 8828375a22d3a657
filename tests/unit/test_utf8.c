/*
 * utf8: decoding, encoding, length and truncation, including every kind of
 * malformed input a translator's editor or a card reader could produce.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/utf8.h"

/* A heap copy of exactly len bytes plus the NUL, so ASan reports any read
 * past the terminator. */
static char *exact(const char *bytes, size_t len)
{
    char *s = malloc(len + 1);
    assert_non_null(s);
    memcpy(s, bytes, len);
    s[len] = '\0';
    return s;
}

/* Decodes all of bytes[0..len) and compares with want[0..n). */
static void expect_decode(const char *bytes, size_t len, const uint32_t *want, size_t n)
{
    char *s = exact(bytes, len);
    const char *p = s;
    for (size_t i = 0; i < n; i++) {
        const char *before = p;
        uint32_t c = utf8_next(&p);
        if (c != want[i])
            print_error("code point %zu: got U+%04X, want U+%04X\n", i, c, want[i]);
        assert_int_equal(c, want[i]);
        assert_true(p > before);            /* always moves forward */
        assert_true(p <= s + len);          /* never past the NUL */
    }
    assert_ptr_equal(p, s + len);
    assert_int_equal(utf8_next(&p), 0);
    assert_ptr_equal(p, s + len);           /* the end does not move */
    assert_int_equal(utf8_next(&p), 0);
    free(s);
}

#define DECODES(bytes, ...)                                                        \
    do {                                                                           \
        const uint32_t w_[] = {__VA_ARGS__};                                       \
        expect_decode(bytes, sizeof(bytes) - 1, w_, sizeof w_ / sizeof *w_);       \
    } while (0)

static void test_round_trip(void **state)
{
    (void)state;
    static const struct { uint32_t cp; size_t len; } cases[] = {
        {0x01, 1}, {'A', 1}, {0x7F, 1},
        {0x80, 2}, {0xE9, 2}, {0x7FF, 2},
        {0x800, 3}, {0x4E2D, 3}, {0x3002, 3}, {0xD7FF, 3}, {0xE000, 3}, {0xFFFD, 3},
        {0xFFFF, 3},
        {0x10000, 4}, {0x1F600, 4}, {0x20000, 4}, {0x10FFFF, 4},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char buf[8];
        memset(buf, 0x5A, sizeof buf);
        size_t n = utf8_encode(cases[i].cp, buf);
        assert_int_equal(n, cases[i].len);
        assert_int_equal((unsigned char)buf[n], 0x5A);     /* nothing beyond */
        buf[n] = '\0';
        const char *p = buf;
        assert_int_equal(utf8_next(&p), cases[i].cp);
        assert_ptr_equal(p, buf + n);
        assert_int_equal(utf8_length(buf), 1);
    }
}

static void test_known_bytes(void **state)
{
    (void)state;
    char buf[4];
    assert_int_equal(utf8_encode(0x4E2D, buf), 3);         /* 中 */
    assert_memory_equal(buf, "\xE4\xB8\xAD", 3);
    assert_int_equal(utf8_encode(0x1F600, buf), 4);        /* 😀 */
    assert_memory_equal(buf, "\xF0\x9F\x98\x80", 4);
    assert_int_equal(utf8_encode(0xE9, buf), 2);           /* é */
    assert_memory_equal(buf, "\xC3\xA9", 2);
    DECODES("a\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80z", 'a', 0xE9, 0x4E2D, 0x1F600, 'z');
}

static void test_truncated_sequences_stop_at_nul(void **state)
{
    (void)state;
    DECODES("\xC3", 0xFFFD);
    DECODES("\xE4", 0xFFFD);
    DECODES("\xE4\xB8", 0xFFFD);
    DECODES("\xF0", 0xFFFD);
    DECODES("\xF0\x9F", 0xFFFD);
    DECODES("\xF0\x9F\x98", 0xFFFD);
    DECODES("ab\xF0\x9F\x98", 'a', 'b', 0xFFFD);
    /* a sequence cut short by the next character keeps that character */
    DECODES("\xE4" "a", 0xFFFD, 'a');
    DECODES("\xE4\xB8" "a", 0xFFFD, 'a');
    DECODES("\xF0\x9F\x98" "\xE4\xB8\xAD", 0xFFFD, 0x4E2D);
}

static void test_invalid_bytes(void **state)
{
    (void)state;
    /* stray continuation bytes and bytes that never start a sequence */
    DECODES("\x80", 0xFFFD);
    DECODES("\xBF\x80", 0xFFFD, 0xFFFD);
    DECODES("\xFF", 0xFFFD);
    DECODES("\xFE" "a", 0xFFFD, 'a');
    DECODES("\xF8\x88\x80\x80\x80", 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD);
    DECODES("\xC0", 0xFFFD);
}

/* An overlong form decodes to a different code point than it looks like;
 * an overlong NUL would even end the string early for every caller that
 * loops until utf8_next returns 0. None may decode to anything but U+FFFD. */
static void test_overlong_surrogate_out_of_range(void **state)
{
    (void)state;
    static const char *bad[] = {
        "\xC0\x80", "\xC1\xBF", "\xC0\xAF",                 /* overlong 2-byte */
        "\xE0\x80\x80", "\xE0\x9F\xBF", "\xE0\x80\xAF",     /* overlong 3-byte */
        "\xF0\x80\x80\x80", "\xF0\x8F\xBF\xBF",             /* overlong 4-byte */
        "\xED\xA0\x80", "\xED\xBF\xBF",                     /* UTF-16 surrogates */
        "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xF7\xBF\xBF\xBF", /* > U+10FFFF */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        size_t len = strlen(bad[i]);
        char *s = exact(bad[i], len);
        const char *p = s;
        size_t count = 0;
        uint32_t c;
        while ((c = utf8_next(&p)) != 0) {
            if (c != 0xFFFD)
                print_error("case %zu: decoded U+%04X\n", i, c);
            assert_int_equal(c, 0xFFFD);
            assert_true(++count <= len);
        }
        /* 0 only at the real end */
        assert_ptr_equal(p, s + len);
        assert_true(count >= 1);
        assert_true(utf8_length(s) >= 1);
        free(s);
    }
    /* what follows a bad sequence still decodes */
    DECODES("\xC0\x80" "a", 0xFFFD, 0xFFFD, 'a');
    DECODES("\xED\xA0\x80" "\xE4\xB8\xAD", 0xFFFD, 0xFFFD, 0xFFFD, 0x4E2D);
    /* boundaries that are valid */
    DECODES("\xC2\x80", 0x80);
    DECODES("\xE0\xA0\x80", 0x800);
    DECODES("\xED\x9F\xBF", 0xD7FF);
    DECODES("\xEE\x80\x80", 0xE000);
    DECODES("\xF0\x90\x80\x80", 0x10000);
    DECODES("\xF4\x8F\xBF\xBF", 0x10FFFF);
}

static void test_length(void **state)
{
    (void)state;
    assert_int_equal(utf8_length(""), 0);
    assert_int_equal(utf8_length("abc"), 3);
    assert_int_equal(utf8_length("中文"), 2);
    assert_int_equal(utf8_length("a中\xF0\x9F\x98\x80"), 3);
    assert_int_equal(utf8_length("办理Social Security卡"), 18);
    assert_int_equal(utf8_length("\xFF\xFE"), 2);
    char *s = exact("ab\xE4\xB8", 4);
    assert_int_equal(utf8_length(s), 3);
    free(s);
}

static void test_truncate(void **state)
{
    (void)state;
    const char *s = "a\xE4\xB8\xAD" "b";            /* a 中 b: 5 bytes */
    assert_int_equal(utf8_truncate(s, 0), 0);
    assert_int_equal(utf8_truncate(s, 1), 1);
    assert_int_equal(utf8_truncate(s, 2), 1);
    assert_int_equal(utf8_truncate(s, 3), 1);
    assert_int_equal(utf8_truncate(s, 4), 4);
    assert_int_equal(utf8_truncate(s, 5), 5);
    const char *e = "\xF0\x9F\x98\x80\xF0\x9F\x98\x80";    /* two emoji */
    assert_int_equal(utf8_truncate(e, 1), 0);
    assert_int_equal(utf8_truncate(e, 3), 0);
    assert_int_equal(utf8_truncate(e, 4), 4);
    assert_int_equal(utf8_truncate(e, 7), 4);
    assert_int_equal(utf8_truncate(e, 8), 8);
    /* every cut of a mixed string leaves a prefix that decodes cleanly */
    const char *m = "办理Social Security卡，é😀";
    size_t len = strlen(m);
    for (size_t max = 0; max <= len; max++) {
        size_t n = utf8_truncate(m, max);
        assert_true(n <= max);
        assert_true(max - n < 4);
        char *prefix = exact(m, n);
        const char *p = prefix;
        uint32_t c;
        while ((c = utf8_next(&p)) != 0)
            assert_int_not_equal(c, 0xFFFD);
        free(prefix);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_known_bytes),
        cmocka_unit_test(test_truncated_sequences_stop_at_nul),
        cmocka_unit_test(test_invalid_bytes),
        cmocka_unit_test(test_overlong_surrogate_out_of_range),
        cmocka_unit_test(test_length),
        cmocka_unit_test(test_truncate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
