/*
 * handwriting: zinnia recognises every stroke fixture in
 * tests/fixtures/strokes as its character, first, at the fixtures' own pad
 * size and on larger and smaller pads; empty ink, a missing model and undo
 * behave as the pad UI expects.
 *
 * Needs the Debian package tegaki-zinnia-simplified-chinese (the model).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>

#include "common/utf8.h"
#include "ime/handwriting.h"
#include "ime/ink.h"
#include "../support/strokes.h"

#define MAX_CAND 10

static ink k;   /* 8 KiB: static, not on cmocka's stack */

/* Every fixture's character, so a fixture added later is tested too. */
static char fixture_chars[64][HANDWRITING_CAND_SIZE];
static size_t n_fixtures;

static int setup(void **state)
{
    char err[512];
    handwriting *h = handwriting_open(HANDWRITING_MODEL_DEFAULT, err, sizeof err);
    if (!h) {
        print_error("%s\n", err);
        return -1;
    }
    *state = h;

    DIR *d = opendir(STROKES_DIR);
    if (!d) {
        print_error("cannot list %s\n", STROKES_DIR);
        return -1;
    }
    struct dirent *e;
    while ((e = readdir(d)) && n_fixtures < 64) {
        size_t len = strlen(e->d_name);
        if (len > 5 && len - 5 < HANDWRITING_CAND_SIZE && !strcmp(e->d_name + len - 5, ".json")) {
            memcpy(fixture_chars[n_fixtures], e->d_name, len - 5);
            fixture_chars[n_fixtures++][len - 5] = '\0';
        }
    }
    closedir(d);
    return 0;
}

static int teardown(void **state)
{
    handwriting_close(*state);
    return 0;
}

/* Recognises every fixture on a width x height pad (0: its own size);
 * fails listing every fixture whose character is not the first candidate. */
static void expect_all_first(handwriting *h, int width, int height)
{
    /* The brief's characters must all be there, not just whatever is. */
    static const char *const wanted[] = {"一", "十", "人", "口", "大", "王",
                                         "社", "保", "养", "老", "医"};
    for (size_t w = 0; w < sizeof wanted / sizeof *wanted; w++) {
        bool found = false;
        for (size_t i = 0; i < n_fixtures; i++)
            found |= !strcmp(fixture_chars[i], wanted[w]);
        if (!found)
            fail_msg("no fixture for %s in %s", wanted[w], STROKES_DIR);
    }

    int wrong = 0;
    for (size_t i = 0; i < n_fixtures; i++) {
        char path[1024], ch[HANDWRITING_CAND_SIZE];
        assert_true(strokes_load_scaled(strokes_path(fixture_chars[i], path, sizeof path), width,
                                        height, &k, ch, sizeof ch));
        assert_string_equal(ch, fixture_chars[i]);
        char out[MAX_CAND][HANDWRITING_CAND_SIZE];
        size_t n = handwriting_recognize(h, &k, out, MAX_CAND);
        assert_true(n > 0 && n <= MAX_CAND);
        for (size_t c = 0; c < n; c++)
            assert_int_equal(utf8_length(out[c]), 1);   /* one character each */
        if (strcmp(out[0], ch) != 0) {
            print_error("%dx%d: %s recognised as %s %s %s ...\n", k.width, k.height, ch, out[0],
                        n > 1 ? out[1] : "", n > 2 ? out[2] : "");
            wrong++;
        }
    }
    assert_int_equal(wrong, 0);
}

static void test_fixtures_first(void **state)
{
    expect_all_first(*state, 0, 0);
}

static void test_fixtures_large_pad(void **state)
{
    expect_all_first(*state, 600, 600);
}

static void test_fixtures_small_pad(void **state)
{
    expect_all_first(*state, 200, 200);
}

/* Written small in one corner of a big pad: the engine centres and
 * scales the ink, so where and how big the resident writes does not matter. */
static void test_small_in_a_corner(void **state)
{
    char path[1024];
    static ink src;
    assert_true(strokes_load(strokes_path("保", path, sizeof path), &src, NULL, 0));
    ink_clear(&k, 900, 600);
    for (int s = 0; s < src.n_strokes; s++) {
        int first, n = ink_stroke_points(&src, s, &first);
        for (int i = first; i < first + n; i++) {
            int x = 600 + src.x[i] * 2 / 3, y = 20 + src.y[i] * 2 / 3;
            assert_true(i == first ? ink_begin(&k, x, y) : ink_add(&k, x, y));
        }
        ink_end(&k);
    }
    char out[3][HANDWRITING_CAND_SIZE];
    assert_true(handwriting_recognize(*state, &k, out, 3) > 0);
    assert_string_equal(out[0], "保");
}

static void test_empty_ink(void **state)
{
    char out[MAX_CAND][HANDWRITING_CAND_SIZE];
    ink_clear(&k, 300, 300);
    assert_int_equal(handwriting_recognize(*state, &k, out, MAX_CAND), 0);
    assert_true(ink_begin(&k, 10, 10));
    assert_int_equal(handwriting_recognize(*state, &k, out, 0), 0);
}

static void test_max_and_dot(void **state)
{
    char out[2][HANDWRITING_CAND_SIZE];
    /* A lone dot, still being drawn: something to offer, never more than max. */
    ink_clear(&k, 300, 300);
    assert_true(ink_begin(&k, 150, 150));
    size_t n = handwriting_recognize(*state, &k, out, 2);
    assert_true(n >= 1 && n <= 2);
}

static void test_missing_model(void **state)
{
    (void)state;
    char err[512];
    const char *path = "/nonexistent/handwriting-zh_CN.model";
    assert_null(handwriting_open(path, err, sizeof err));
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "tegaki-zinnia-simplified-chinese"));
    assert_non_null(strstr(err, "No such file"));

    /* A file that is no model (a fixture) is refused the same way. */
    char fixture[1024];
    strokes_path("十", fixture, sizeof fixture);
    assert_null(handwriting_open(fixture, err, sizeof err));
    assert_non_null(strstr(err, fixture));
    assert_non_null(strstr(err, "tegaki-zinnia-simplified-chinese"));

    /* A short buffer gets a truncated message, never an overrun. */
    char small[16];
    assert_null(handwriting_open(path, small, sizeof small));
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_null(handwriting_open(path, NULL, 0));
    handwriting_close(NULL);
}

static void test_undo_changes_result(void **state)
{
    char path[1024], before[MAX_CAND][HANDWRITING_CAND_SIZE], after[MAX_CAND][HANDWRITING_CAND_SIZE];
    assert_true(strokes_load(strokes_path("王", path, sizeof path), &k, NULL, 0));
    assert_true(handwriting_recognize(*state, &k, before, MAX_CAND) > 0);
    assert_string_equal(before[0], "王");
    assert_true(ink_undo(&k));
    assert_true(handwriting_recognize(*state, &k, after, MAX_CAND) > 0);
    assert_string_not_equal(after[0], "王");

    /* 十 less its 竖 is 一. */
    assert_true(strokes_load(strokes_path("十", path, sizeof path), &k, NULL, 0));
    assert_true(ink_undo(&k));
    assert_true(handwriting_recognize(*state, &k, after, MAX_CAND) > 0);
    assert_string_equal(after[0], "一");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixtures_first),
        cmocka_unit_test(test_fixtures_large_pad),
        cmocka_unit_test(test_fixtures_small_pad),
        cmocka_unit_test(test_small_in_a_corner),
        cmocka_unit_test(test_empty_ink),
        cmocka_unit_test(test_max_and_dot),
        cmocka_unit_test(test_missing_model),
        cmocka_unit_test(test_undo_changes_result),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
