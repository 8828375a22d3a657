/*
 * textcheck: the visible-text rule for names, labels and UI strings, one
 * kind of character at a time (textcheck.h has the rule and why).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/textcheck.h"

/* s must pass with flags. */
static void ok(const char *s, unsigned flags)
{
    text_problem p = {0};
    if (!text_check_visible(s, strlen(s), flags, &p))
        print_error("refused: U+%04X at %zu (%s)\n", (unsigned)p.cp, p.offset,
                    p.what ? p.what : "nothing visible");
    assert_true(text_check_visible(s, strlen(s), flags, NULL));
}

/* s must be refused with flags, naming code point cp at byte offset off. */
static void bad(const char *s, unsigned flags, uint32_t cp, size_t off)
{
    text_problem p = {0};
    assert_false(text_check_visible(s, strlen(s), flags, &p));
    if (p.cp != cp || p.offset != off)
        print_error("%s: got U+%04X at %zu, want U+%04X at %zu\n", s,
                    (unsigned)p.cp, p.offset, (unsigned)cp, off);
    assert_int_equal(p.cp, cp);
    assert_int_equal(p.offset, off);
    if (cp)
        assert_non_null(p.what);
}

#define NAME TEXT_NEED_VISIBLE

static void test_plain_texts_pass(void **state)
{
    (void)state;
    ok("社保缴费", NAME);
    ok("Social insurance payment", NAME);
    ok("周一至周五 9:00-17:00", NAME);
    ok("Café crème", NAME);                         /* precomposed */
    ok("Cafe\xCC\x81", NAME);                        /* e + combining acute */
    ok("\xE3\x80\x80社保", NAME);                    /* ideographic space first */
    ok("", 0);                                      /* emptiness is the caller's rule */
}

static void test_controls(void **state)
{
    (void)state;
    bad("a\x01" "b", NAME, 0x01, 1);
    bad("a\x7F", NAME, 0x7F, 1);
    bad("ab\xC2\x85", NAME, 0x85, 2);                /* NEL, a C1 control */
    bad("不\n收费", NAME, '\n', 3);                   /* one-line text */
    bad("a\tb", NAME, '\t', 1);
    ok("不\n收费", NAME | TEXT_MULTI_LINE);
    ok("a\tb", NAME | TEXT_MULTI_LINE);
    bad("a\rb", NAME | TEXT_MULTI_LINE, '\r', 1);     /* only \n and \t */
    bad("a\xE2\x80\xA8" "b", NAME | TEXT_MULTI_LINE, 0x2028, 1);
}

static void test_bidi_controls(void **state)
{
    (void)state;
    bad("\xE2\x80\xAE" "费缴保社", NAME, 0x202E, 0);  /* RLO: shows reversed */
    bad("社保\xE2\x80\xAD", NAME, 0x202D, 6);         /* LRO */
    bad("a\xE2\x80\xAA" "b\xE2\x80\xAC", NAME, 0x202A, 1); /* LRE ... PDF */
    bad("a\xE2\x81\xA7" "b", NAME, 0x2067, 1);       /* RLI */
    bad("a\xE2\x81\xA9", NAME, 0x2069, 1);           /* PDI */
    /* direction marks: only where right-to-left text needs them */
    bad("abc\xE2\x80\x8F", NAME, 0x200F, 3);         /* RLM in Latin text */
    bad("社保\xE2\x80\x8E", NAME, 0x200E, 6);         /* LRM in Chinese */
    bad("1\xD8\x9C" "2", NAME, 0x061C, 1);           /* ALM without Arabic */
    ok("\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85 2026\xE2\x80\x8F", NAME); /* Arabic + RLM */
    ok("\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D\xE2\x80\x8E" "5", NAME);  /* Hebrew + LRM */
}

static void test_zero_width_and_format(void **state)
{
    (void)state;
    bad("社\xE2\x80\x8B保", NAME, 0x200B, 3);        /* zero-width space */
    bad("\xEF\xBB\xBF" "社保", NAME, 0xFEFF, 0);     /* BOM inside a value */
    bad("a\xE2\x81\xA0" "b", NAME, 0x2060, 1);       /* word joiner */
    bad("in\xC2\xADvisible", NAME, 0x00AD, 2);       /* soft hyphen */
    bad("a\xE1\xA0\x8E" "b", NAME, 0x180E, 1);       /* Mongolian vowel separator */
    bad("a\xF3\xA0\x80\x81", NAME, 0xE0001, 1);      /* language tag */
    bad("\xE3\x85\xA4", NAME, 0x3164, 0);            /* Hangul filler */
    bad("a\xEF\xBF\xB9" "b", NAME, 0xFFF9, 1);       /* interlinear annotation */
    /* a drawn format character is fine: Arabic number sign */
    ok("\xD8\x80" "12", NAME);
}

static void test_joiners(void **state)
{
    (void)state;
    /* ZWNJ inside a Persian word, ZWJ in an emoji family and after a mark */
    ok("\xD9\x85\xDB\x8C\xE2\x80\x8C\xD8\xAE\xD9\x88\xD8\xA7\xD9\x87\xD9\x85", NAME);
    ok("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9", NAME);
    ok("\xE0\xA4\x95\xE0\xA5\x8D\xE2\x80\x8D\xE0\xA4\xB7", NAME); /* KA VIRAMA ZWJ SSA */
    ok("\xE2\x9D\xA4\xEF\xB8\x8F\xE2\x80\x8D\xF0\x9F\x94\xA5", NAME); /* heart VS16 ZWJ fire */
    /* at an end, or next to a space, they only hide something */
    bad("\xE2\x80\x8D" "abc", NAME, 0x200D, 0);
    bad("abc\xE2\x80\x8C", NAME, 0x200C, 3);
    bad("a \xE2\x80\x8D" "b", NAME, 0x200D, 2);
    bad("a\xE2\x80\x8D\xE2\x80\x8D" "b", NAME, 0x200D, 1);
}

static void test_nothing_visible(void **state)
{
    (void)state;
    bad("   ", NAME, 0, 0);
    bad("\xE3\x80\x80", NAME, 0, 0);                 /* ideographic space */
    bad("\xCC\x81\xCC\x88\xCD\xA3", NAME, 0, 0);      /* combining marks only */
    bad("\xE2\xA0\x80\xE2\xA0\x80", NAME, 0, 0);      /* blank Braille */
    bad("\xEF\xB8\x8F", NAME, 0, 0);                 /* a variation selector */
    bad("\xC2\xA0\xE2\x80\x83", NAME, 0, 0);          /* no-break and em spaces */
    ok("\xCC\x81\xCC\x88\xCD\xA3", 0);                /* without the name rule */
    bad("", NAME, 0, 0);
}

static void test_describe(void **state)
{
    (void)state;
    char out[200];
    text_problem p;
    assert_false(text_check_visible("\xE2\x80\xAE" "x", 4, NAME, &p));
    assert_string_equal(text_problem_describe(&p, out, sizeof out),
                        "must not contain U+202E (a bidi override, which shows the "
                        "text after it reversed)");
    assert_false(text_check_visible(" ", 1, NAME, &p));
    assert_string_equal(text_problem_describe(&p, out, sizeof out),
                        "must contain at least one visible character (it has only "
                        "white space, combining marks or invisible characters)");
}

static void test_marks_table(void **state)
{
    (void)state;
    assert_true(text_is_mark(0x0300));
    assert_true(text_is_mark(0x036F));
    assert_false(text_is_mark(0x0370));
    assert_true(text_is_mark(0x094D));  /* Devanagari virama */
    assert_true(text_is_mark(0x20DD));  /* enclosing circle, Me */
    assert_true(text_is_mark(0xFE0F));
    assert_true(text_is_mark(0xE01EF));
    assert_false(text_is_mark('a'));
    assert_false(text_is_mark(0x4E00));
    assert_false(text_is_mark(0x10FFFF));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_texts_pass),
        cmocka_unit_test(test_controls),
        cmocka_unit_test(test_bidi_controls),
        cmocka_unit_test(test_zero_width_and_format),
        cmocka_unit_test(test_joiners),
        cmocka_unit_test(test_nothing_visible),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_marks_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
