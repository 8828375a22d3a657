/*
 * linebreak: mixed Chinese/Latin wrapping, checked with a fake font so every
 * width is exact: CJK (and anything else outside ASCII) 10 px, ASCII 5 px,
 * space 3 px.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/utf8.h"
#include "ui/linebreak.h"

#define MAXL 256

static int calls;

static int fake_advance(void *ctx, uint32_t cp)
{
    (void)ctx;
    calls++;
    if (cp == ' ')
        return 3;
    if (cp < 0x80)
        return 5;
    return 10;
}

/* Strict decoder local to the test (the kiosk's own is under test too):
 * returns the code point at s[i] and its length, or 0xFFFD and 1. */
static uint32_t cp_at(const char *s, size_t i, size_t *len)
{
    const unsigned char *p = (const unsigned char *)s + i;
    *len = 1;
    if (p[0] < 0x80)
        return p[0];
    int n = p[0] >= 0xF0 ? 3 : p[0] >= 0xE0 ? 2 : p[0] >= 0xC0 ? 1 : -1;
    if (n < 0)
        return 0xFFFD;
    uint32_t c = p[0] & (0x3F >> n);
    for (int k = 1; k <= n; k++) {
        if ((p[k] & 0xC0) != 0x80)
            return 0xFFFD;
        c = (c << 6) | (p[k] & 0x3F);
    }
    *len = (size_t)n + 1;
    return c;
}

static uint32_t first_cp(const char *s, const linebreak_line *l)
{
    size_t n;
    return l->len ? cp_at(s, l->start, &n) : 0;
}

static uint32_t last_cp(const char *s, const linebreak_line *l)
{
    if (!l->len)
        return 0;
    size_t i = l->start + l->len - 1;
    while (i > l->start && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    size_t n;
    return cp_at(s, i, &n);
}

static size_t cps_in(const char *s, const linebreak_line *l)
{
    size_t count = 0, n;
    for (size_t i = l->start; i < l->start + l->len; i += n) {
        cp_at(s, i, &n);
        count++;
    }
    return count;
}

static int fake_width(const char *s, const linebreak_line *l)
{
    int w = 0;
    size_t n;
    for (size_t i = l->start; i < l->start + l->len; i += n)
        w += fake_advance(NULL, cp_at(s, i, &n));
    return w;
}

/* Is there a place inside line l where a break would break no punctuation
 * rule (not before closing, not after opening, not at a space, which would
 * leave what follows the space at the start of the line)? When there is none, a line
 * too narrow for the text cannot avoid a bad break. */
static bool has_legal_split(const char *s, const linebreak_line *l)
{
    size_t n;
    uint32_t prev = cp_at(s, l->start, &n);     /* last character not a space */
    for (size_t i = l->start + n; i < l->start + l->len; i += n) {
        uint32_t c = cp_at(s, i, &n);
        bool space = c == ' ' || c == '\t' || c == 0x3000;
        if (!space && !linebreak_is_closing(c) && !linebreak_is_opening(prev))
            return true;
        if (!space)
            prev = c;
    }
    return false;
}

static int is_sp(char c)
{
    return c == ' ' || c == '\t';
}

/* Properties every result must have, whatever the text:
 *  - lines are in order, inside the text, and only spaces and '\n' are
 *    skipped between them (nothing visible is lost or repeated);
 *  - no line starts or ends with a space;
 *  - the reported width is the width of the line's characters;
 *  - a line is no wider than max_width unless it holds one character;
 *  - after a soft break, the new line does not start with closing
 *    punctuation and the old one does not end with opening punctuation,
 *    unless the old line has no legal place to break at all (a line
 *    narrower than "一，，", say). */
static void check_invariants(const char *s, int max_width, const linebreak_line *lines,
                             size_t n)
{
    size_t len = strlen(s), pos = 0;
    for (size_t i = 0; i < n; i++) {
        const linebreak_line *l = &lines[i];
        assert_true(l->start >= pos);
        assert_true(l->start + l->len <= len);
        bool hard = false;
        for (size_t k = pos; k < l->start; k++) {
            if (s[k] == '\n')
                hard = true;
            else if (!is_sp(s[k]) &&
                     memcmp(s + k, "\xE3\x80\x80", 3) != 0 &&   /* U+3000 */
                     !(k >= 1 && !memcmp(s + k - 1, "\xE3\x80\x80", 3)) &&
                     !(k >= 2 && !memcmp(s + k - 2, "\xE3\x80\x80", 3))) {
                print_error("text \"%s\" width %d: byte %zu (0x%02x) lost before line %zu\n",
                            s, max_width, k, (unsigned char)s[k], i);
                fail();
            }
        }
        if (l->len && (is_sp(s[l->start]) || is_sp(s[l->start + l->len - 1]))) {
            print_error("text \"%s\" width %d: line %zu \"%.*s\" starts or ends with a "
                        "space\n", s, max_width, i, (int)l->len, s + l->start);
            fail();
        }
        if (l->len) {
            assert_false(s[l->start] == '\n');
            assert_null(memchr(s + l->start, '\n', l->len));
        }
        assert_int_equal(l->width, fake_width(s, l));
        size_t count = cps_in(s, l);
        if (count > 1 && l->width > max_width) {
            print_error("text \"%s\": line %zu is %d px wide, max %d\n", s, i, l->width,
                        max_width);
            fail();
        }
        if (i > 0 && !hard && l->len && has_legal_split(s, &lines[i - 1])) {
            if (linebreak_is_closing(first_cp(s, l))) {
                print_error("text \"%s\" width %d: line %zu starts with closing U+%04X\n", s,
                            max_width, i, first_cp(s, l));
                fail();
            }
            if (linebreak_is_opening(last_cp(s, &lines[i - 1]))) {
                print_error("text \"%s\" width %d: line %zu ends with opening U+%04X\n", s,
                            max_width, i - 1, last_cp(s, &lines[i - 1]));
                fail();
            }
        }
        pos = l->start + l->len;
    }
    for (size_t k = pos; k < len; k++)
        if (!is_sp(s[k]) && s[k] != '\n' && (unsigned char)s[k] < 0x80) {
            print_error("text \"%s\": byte %zu lost after the last line\n", s, k);
            fail();
        }
}

static linebreak_line L[MAXL];

static size_t wrap(const char *s, int w)
{
    memset(L, 0xAB, sizeof L);
    size_t n = linebreak_wrap(s, w, fake_advance, NULL, L, MAXL);
    assert_true(n <= MAXL);
    check_invariants(s, w, L, n);
    return n;
}

/* Wraps s at width w and expects exactly the given lines (NULL-terminated). */
static void expect_lines(const char *s, int w, ...)
{
    size_t n = wrap(s, w);
    va_list ap;
    va_start(ap, w);
    size_t i = 0;
    bool ok = true;
    for (const char *want; (want = va_arg(ap, const char *)); i++)
        if (i >= n || strlen(want) != L[i].len || memcmp(s + L[i].start, want, L[i].len))
            ok = false;
    va_end(ap);
    if (!ok || i != n) {
        print_error("wrapping \"%s\" at %d px gave %zu lines:\n", s, w, n);
        for (size_t k = 0; k < n; k++)
            print_error("  [%zu] \"%.*s\" (%d px)\n", k, (int)L[k].len, s + L[k].start,
                        L[k].width);
        va_start(ap, w);
        print_error("expected:\n");
        for (const char *want; (want = va_arg(ap, const char *));)
            print_error("  \"%s\"\n", want);
        va_end(ap);
    }
    assert_true(ok);
    assert_int_equal(n, i);
}

/* ------------------------------------------------------------------------ */

static void test_classes(void **state)
{
    (void)state;
    assert_true(linebreak_is_cjk(0x4E2D));      /* 中 */
    assert_true(linebreak_is_cjk(0x20000));     /* extension B */
    assert_false(linebreak_is_cjk('A'));
    const uint32_t closing[] = {0xFF0C, 0x3002, 0x3001, 0xFF1A, 0xFF1B, 0xFF01, 0xFF1F,
                                0xFF09, 0x300B, 0x300D, ',', '.', ';', ':', '!', '?',
                                ')', ']', '}', '%'};
    for (size_t i = 0; i < sizeof closing / sizeof *closing; i++) {
        assert_true(linebreak_is_closing(closing[i]));
        assert_false(linebreak_is_opening(closing[i]));
    }
    const uint32_t opening[] = {0xFF08, 0x300A, 0x300C, 0x201C, '(', '['};
    for (size_t i = 0; i < sizeof opening / sizeof *opening; i++) {
        assert_true(linebreak_is_opening(opening[i]));
        assert_false(linebreak_is_closing(opening[i]));
    }
    assert_false(linebreak_is_closing(0x4E2D));
    assert_false(linebreak_is_opening('a'));
}

static void test_cjk_breaks_anywhere(void **state)
{
    (void)state;
    expect_lines("一二三四五六七", 30, "一二三", "四五六", "七", NULL);
    assert_int_equal(L[0].width, 30);
    assert_int_equal(L[1].width, 30);
    assert_int_equal(L[2].width, 10);
    assert_int_equal(L[1].start, 9);
    assert_int_equal(L[1].len, 9);
    /* exactly full fits; one pixel less does not */
    expect_lines("一二三", 30, "一二三", NULL);
    expect_lines("一二三", 29, "一二", "三", NULL);
    expect_lines("一二三", 1000, "一二三", NULL);
}

static void test_closing_moves_down_with_previous(void **state)
{
    (void)state;
    static const char *marks[] = {"，", "。", "、", "：", "；", "！", "？", "）", "》", "」",
                                  ",", ".", ";", ":", "!", "?", ")", "]", "}", "%"};
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++) {
        char text[64], second[64];
        /* 一二三 fills the line; the mark does not fit after it */
        snprintf(text, sizeof text, "一二三%s四", marks[i]);
        snprintf(second, sizeof second, "三%s四", marks[i]);
        expect_lines(text, 30, "一二", second, NULL);
        assert_int_equal(L[0].width, 20);
    }
    /* two closing marks in a row both stay with the character before */
    expect_lines("一二三。」四", 30, "一二", "三。」", "四", NULL);
    /* a Latin word takes its full stop along */
    expect_lines("ab cd.", 25, "ab", "cd.", NULL);
    assert_int_equal(L[1].width, 15);
}

static void test_no_line_ends_with_opening(void **state)
{
    (void)state;
    static const char *marks[] = {"（", "《", "「", "“"};
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++) {
        char text[64], second[64];
        /* 一二 + mark fill the line: the mark must move down with 三 */
        snprintf(text, sizeof text, "一二%s三四", marks[i]);
        snprintf(second, sizeof second, "%s三四", marks[i]);
        expect_lines(text, 30, "一二", second, NULL);
    }
    expect_lines("一二(三四", 25, "一二", "(三四", NULL);
    expect_lines("一二[三四", 25, "一二", "[三四", NULL);
    expect_lines("see (form A)", 40, "see", "(form A)", NULL);
}

static void test_latin_words_whole(void **state)
{
    (void)state;
    /* "Social" 30, " " 3, "Security" 40 */
    expect_lines("Social Security Administration", 50, "Social", "Security",
                 "Administra", "tion", NULL);
    assert_int_equal(L[0].width, 30);
    assert_int_equal(L[1].width, 40);
    assert_int_equal(L[2].width, 50);
    assert_int_equal(L[3].width, 20);
    /* 25 + 3 + 25 = 53 is needed for both words */
    expect_lines("hello world", 53, "hello world", NULL);
    assert_int_equal(L[0].width, 53);
    expect_lines("hello world", 52, "hello", "world", NULL);
    expect_lines("hello world", 30, "hello", "world", NULL);
    expect_lines("hello world", 1000, "hello world", NULL);
}

static void test_long_word_split_by_character(void **state)
{
    (void)state;
    expect_lines("abcdefghijkl", 25, "abcde", "fghij", "kl", NULL);
    /* the split still keeps a closing mark with the character before it */
    expect_lines("abcdefghij.", 50, "abcdefghi", "j.", NULL);
    expect_lines("abcdefghi.)", 50, "abcdefgh", "i.)", NULL);
    /* ... and does not leave an opening mark at the end of the line */
    expect_lines("abcd(efgh", 25, "abcd", "(efgh", NULL);
}

static void test_url_breaks_after_slash_and_hyphen(void **state)
{
    (void)state;
    const char *url = "https://www.gov.cn/banshi/shebao-apply";
    expect_lines(url, 100, "https://www.gov.cn/", "banshi/shebao-apply", NULL);
    assert_int_equal(L[0].width, 95);
    assert_int_equal(L[1].width, 95);
    expect_lines(url, 60, "https://", "www.gov.cn/", "banshi/", "shebao-apply", NULL);
    expect_lines("见 https://www.gov.cn/banshi", 100, "见 https://", "www.gov.cn/banshi",
                 NULL);
}

static void test_hard_breaks(void **state)
{
    (void)state;
    expect_lines("一二\n三", 100, "一二", "三", NULL);
    expect_lines("一二\n\n三", 100, "一二", "", "三", NULL);
    assert_int_equal(L[1].width, 0);
    assert_int_equal(L[1].len, 0);
    assert_int_equal(L[1].start, 7);
    expect_lines("\n\n", 100, "", "", NULL);
    /* a trailing '\n' ends the last line; it does not start another */
    expect_lines("一二\n", 100, "一二", NULL);
    expect_lines("一二\n\n", 100, "一二", "", NULL);
    expect_lines("\n一", 100, "", "一", NULL);
    /* a hard break starts a fresh line width */
    expect_lines("一二三\n四五六", 30, "一二三", "四五六", NULL);
    /* spaces before a hard break are not part of the line */
    expect_lines("ab  \ncd", 100, "ab", "cd", NULL);
    assert_int_equal(L[0].width, 10);
    /* a soft break and a hard break meet */
    expect_lines("一二三四\n五", 30, "一二三", "四", "五", NULL);
}

static void test_spaces_dropped_at_breaks(void **state)
{
    (void)state;
    expect_lines("ab  cd", 20, "ab", "cd", NULL);
    assert_int_equal(L[0].len, 2);
    assert_int_equal(L[0].width, 10);
    assert_int_equal(L[1].start, 4);
    expect_lines("一二 三", 20, "一二", "三", NULL);
    assert_int_equal(L[0].len, 6);
    assert_int_equal(L[1].start, 7);
    /* an ideographic space is a space too */
    expect_lines("一二\xE3\x80\x80三", 20, "一二", "三", NULL);
    /* trailing and leading spaces of the whole text */
    expect_lines("  ab  ", 100, "ab", NULL);
    assert_int_equal(L[0].width, 10);
    /* spaces alone make nothing visible */
    size_t n = wrap("    ", 100);
    assert_true(n == 0 || (n == 1 && L[0].len == 0));
}

static void test_mixed_chinese_latin(void **state)
{
    (void)state;
    const char *s = "办理Social Security卡";
    expect_lines(s, 1000, s, NULL);
    assert_int_equal(L[0].width, 103);
    expect_lines(s, 60, "办理Social", "Security卡", NULL);
    assert_int_equal(L[0].width, 50);
    assert_int_equal(L[1].width, 50);
    expect_lines(s, 40, "办理", "Social", "Security", "卡", NULL);
    expect_lines(s, 25, "办理", "Socia", "l", "Secur", "ity卡", NULL);
    expect_lines("请携带ID card办理。", 45, "请携带ID", "card办", "理。", NULL);
}

static void test_max_lines(void **state)
{
    (void)state;
    linebreak_line lines[4];
    memset(lines, 0x5A, sizeof lines);
    size_t n = linebreak_wrap("一二三四五六七八九", 20, fake_advance, NULL, lines, 2);
    assert_int_equal(n, 5);
    assert_int_equal(lines[0].start, 0);
    assert_int_equal(lines[0].len, 6);
    assert_int_equal(lines[1].start, 6);
    assert_int_equal(lines[1].len, 6);
    /* nothing past max_lines is written */
    linebreak_line untouched;
    memset(&untouched, 0x5A, sizeof untouched);
    assert_memory_equal(&lines[2], &untouched, sizeof untouched);
    assert_memory_equal(&lines[3], &untouched, sizeof untouched);
    /* counting only */
    assert_int_equal(linebreak_wrap("一二三四五六七八九", 20, fake_advance, NULL, NULL, 0), 5);
    assert_int_equal(linebreak_wrap("一二\n\n三", 20, fake_advance, NULL, NULL, 0), 3);
}

static void test_empty(void **state)
{
    (void)state;
    calls = 0;
    assert_int_equal(linebreak_wrap("", 100, fake_advance, NULL, L, MAXL), 0);
    assert_int_equal(calls, 0);
}

static void test_char_wider_than_line(void **state)
{
    (void)state;
    expect_lines("一", 5, "一", NULL);
    assert_int_equal(L[0].width, 10);
    expect_lines("一二", 5, "一", "二", NULL);
    expect_lines("ab", 3, "a", "b", NULL);
}

static void test_zero_and_negative_width(void **state)
{
    (void)state;
    expect_lines("ab 一", 0, "a", "b", "一", NULL);
    expect_lines("ab 一", -50, "a", "b", "一", NULL);
    expect_lines("一，二", 0, "一", "，", "二", NULL);
}

/* Every line consumes at least one byte, so a text of n bytes can never
 * need more than n lines; a loop that does not advance would exceed it. */
static void wrap_bytes(const char *bytes, size_t len, int w)
{
    char *s = malloc(len + 1);     /* exact size: ASan sees any over-read */
    assert_non_null(s);
    memcpy(s, bytes, len);
    s[len] = '\0';
    size_t n = linebreak_wrap(s, w, fake_advance, NULL, L, MAXL);
    if (n > len + 1) {
        print_error("%zu lines for %zu bytes at width %d\n", n, len, w);
        fail();
    }
    for (size_t i = 0; i < n && i < MAXL; i++)
        assert_true(L[i].start + L[i].len <= len);
    free(s);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    alarm(20);      /* an endless loop fails the test instead of hanging ctest */
    static const char *bad[] = {
        "\xC0\x80",                 /* overlong NUL */
        "\xE0\x80\x80",             /* overlong NUL, 3 bytes */
        "\xF0\x80\x80\x80",         /* overlong NUL, 4 bytes */
        "\xC1\xBF", "\xE0\x9F\xBF", /* overlong */
        "\xED\xA0\x80",             /* surrogate */
        "\xF4\x90\x80\x80",         /* above U+10FFFF */
        "\xF8\x88\x80\x80\x80", "\xFF", "\xFE", "\x80", "\xBF\xBF",
        "\xE4\xB8", "\xE4", "\xF0\x9F\x98", "\xE4\xB8\xE4\xB8",
    };
    static const char *around[][2] = {
        {"", ""}, {"一", "二"}, {"ab ", " cd"}, {"（", "）"}, {"一二三四五", "\n"},
    };
    const int widths[] = {0, 5, 10, 20, 1000};
    for (size_t b = 0; b < sizeof bad / sizeof *bad; b++)
        for (size_t a = 0; a < sizeof around / sizeof *around; a++)
            for (size_t w = 0; w < sizeof widths / sizeof *widths; w++) {
                char buf[64];
                int len = snprintf(buf, sizeof buf, "%s%s%s", around[a][0], bad[b],
                                   around[a][1]);
                wrap_bytes(buf, (size_t)len, widths[w]);
            }
    /* the text after a bad sequence is still laid out */
    size_t n = linebreak_wrap("\xC0\x80" "一二", 1000, fake_advance, NULL, L, MAXL);
    assert_int_equal(n, 1);
    assert_int_equal(L[0].start + L[0].len, 8);
    alarm(0);
}

/* Deterministic random texts from fragments that exercise every rule. */
static void test_random_texts_keep_invariants(void **state)
{
    (void)state;
    static const char *frag[] = {"一", "二", "社会", "保险", "，", "。", "）", "》", "（",
                                 "《", "“", "”", " ", "  ", "\n", "Social", "card", "ID",
                                 ".", ",", "(", ")", "https://a.gov.cn/", "x-y", "%",
                                 "\xE3\x80\x80", "abcdefghijklmnop", "办理", "!"};
    uint32_t seed = 12345;
    char text[512];
    for (int iter = 0; iter < 3000; iter++) {
        size_t len = 0;
        int parts = 1 + (int)(seed % 24);
        for (int k = 0; k < parts; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *f = frag[(seed >> 16) % (sizeof frag / sizeof *frag)];
            size_t fl = strlen(f);
            if (len + fl >= sizeof text)
                break;
            memcpy(text + len, f, fl);
            len += fl;
        }
        text[len] = '\0';
        seed = seed * 1103515245u + 12345u;
        int w = (int)((seed >> 16) % 120);
        wrap(text, w);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classes),
        cmocka_unit_test(test_cjk_breaks_anywhere),
        cmocka_unit_test(test_closing_moves_down_with_previous),
        cmocka_unit_test(test_no_line_ends_with_opening),
        cmocka_unit_test(test_latin_words_whole),
        cmocka_unit_test(test_long_word_split_by_character),
        cmocka_unit_test(test_url_breaks_after_slash_and_hyphen),
        cmocka_unit_test(test_hard_breaks),
        cmocka_unit_test(test_spaces_dropped_at_breaks),
        cmocka_unit_test(test_mixed_chinese_latin),
        cmocka_unit_test(test_max_lines),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_char_wider_than_line),
        cmocka_unit_test(test_zero_and_negative_width),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_random_texts_keep_invariants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
