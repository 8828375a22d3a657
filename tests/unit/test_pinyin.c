/*
 * Pinyin through Rime: full and abbreviated pinyin offer the words
 * residents mean, candidates page and commit, and the engine forgets: what
 * one resident chose is never offered differently to the next.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "ime/pinyin.h"

#define PATCHES KIOSK_SOURCE_DIR "/assets/rime"

static char user_dir[128];
static pinyin *py;

static void type(const char *letters)
{
    for (const char *c = letters; *c; c++)
        assert_true(pinyin_letter(py, *c));
}

static bool offers(const char *word, int *at)
{
    pinyin_page page;
    pinyin_candidates(py, &page);
    for (int i = 0; i < page.n; i++)
        if (!strcmp(page.text[i], word)) {
            if (at)
                *at = i;
            return true;
        }
    return false;
}

static int setup(void **state)
{
    (void)state;
    char tmp[] = "/tmp/kiosk-pinyin-XXXXXX";
    if (!mkdtemp(tmp))
        return -1;
    snprintf(user_dir, sizeof user_dir, "%s/rime", tmp);
    char err[512];
    py = pinyin_open(NULL, user_dir, PATCHES, err, sizeof err);
    if (!py)
        fprintf(stderr, "%s\n", err);
    return py ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    pinyin_close(py);
    return 0;
}

static void test_full_and_abbreviated(void **state)
{
    (void)state;
    type("shebao");
    assert_string_equal(pinyin_input(py), "shebao");
    assert_string_equal(pinyin_preedit(py), "she bao");
    int at = -1;
    assert_true(offers("社保", &at));
    assert_int_equal(at, 0);
    pinyin_clear(py);
    assert_string_equal(pinyin_input(py), "");
    type("yanglao");
    assert_true(offers("养老", &at));
    assert_int_equal(at, 0);
    pinyin_clear(py);
    /* abbreviated: the kiosk's phrase list puts service words first */
    type("sb");
    assert_true(offers("社保", &at));
    assert_int_equal(at, 0);
    pinyin_clear(py);
    type("gjj");
    assert_true(offers("公积金", &at));
    assert_int_equal(at, 0);
    pinyin_clear(py);
    type("gongjijin");
    assert_true(offers("公积金", &at));
    assert_int_equal(at, 0);
    char commit[64];
    assert_true(pinyin_commit_first(py, commit, sizeof commit));
    assert_string_equal(commit, "公积金");
    assert_string_equal(pinyin_input(py), "");
    assert_false(pinyin_commit_first(py, commit, sizeof commit));
}

static void test_pages_select_backspace(void **state)
{
    (void)state;
    type("shi");
    pinyin_page p0, p1;
    pinyin_candidates(py, &p0);
    assert_int_equal(p0.n, 8);      /* the kiosk's page size */
    assert_int_equal(p0.page_no, 0);
    assert_false(pinyin_page_prev(py));
    assert_true(pinyin_page_next(py));
    pinyin_candidates(py, &p1);
    assert_int_equal(p1.page_no, 1);
    assert_string_not_equal(p0.text[0], p1.text[0]);
    assert_true(pinyin_page_prev(py));
    char commit[64];
    assert_false(pinyin_select(py, 99, commit, sizeof commit));
    assert_true(pinyin_select(py, 0, commit, sizeof commit));
    assert_string_equal(commit, p0.text[0]);
    /* a partial choice leaves the rest composing */
    type("shebaoju");
    int at = -1;
    assert_true(offers("社保", &at) || offers("社保局", &at));
    pinyin_page pg;
    pinyin_candidates(py, &pg);
    if (!strcmp(pg.text[at], "社保")) {
        assert_true(pinyin_select(py, at, commit, sizeof commit));
        assert_string_equal(commit, "");
        assert_string_equal(pinyin_input(py), "shebaoju");
        assert_true(pinyin_commit_first(py, commit, sizeof commit));
        assert_int_equal(strncmp(commit, "社保", strlen("社保")), 0);
    } else {
        pinyin_clear(py);
    }
    type("sheb");
    assert_true(pinyin_backspace(py));
    assert_string_equal(pinyin_input(py), "she");
    pinyin_clear(py);
    assert_false(pinyin_backspace(py));
    /* not letters: refused */
    assert_false(pinyin_letter(py, '1'));
    assert_false(pinyin_letter(py, 'A'));
}

/* A rare choice in one session is not offered first in the next: the
 * kiosk's patch switches Rime's learning off, and forget drops the context.
 * Rime would otherwise move the chosen word up after one use. */
static void test_forgets(void **state)
{
    (void)state;
    type("gongshi");
    pinyin_page before;
    pinyin_candidates(py, &before);
    assert_true(before.n >= 5);
    /* a rare choice that takes the whole input (a whole word: 公示, 工时 ...) */
    char commit[64];
    int rare = -1;
    for (int i = before.n - 1; i > 0 && rare < 0; i--) {
        pinyin_clear(py);
        type("gongshi");
        assert_true(pinyin_select(py, i, commit, sizeof commit));
        if (commit[0])
            rare = i;
    }
    assert_true(rare > 0);
    assert_string_equal(commit, before.text[rare]);
    for (int round = 0; round < 3; round++) {
        pinyin_clear(py);
        type("gongshi");
        assert_true(pinyin_select(py, rare, commit, sizeof commit));
        assert_string_equal(commit, before.text[rare]);
    }
    pinyin_forget(py);
    type("gongshi");
    pinyin_page after;
    pinyin_candidates(py, &after);
    assert_int_equal(after.n, before.n);
    for (int i = 0; i < before.n; i++)
        assert_string_equal(after.text[i], before.text[i]);
    /* and nothing was written that a restart could pick up */
    pinyin_close(py);
    char userdb[200];
    snprintf(userdb, sizeof userdb, "%s/luna_pinyin.userdb", user_dir);
    struct stat st;
    assert_int_not_equal(stat(userdb, &st), 0);
    char err[256];
    py = pinyin_open(NULL, user_dir, PATCHES, err, sizeof err);
    assert_non_null(py);
    type("gongshi");
    pinyin_candidates(py, &after);
    for (int i = 0; i < before.n; i++)
        assert_string_equal(after.text[i], before.text[i]);
    pinyin_clear(py);
}

static void test_missing_data(void **state)
{
    (void)state;
    char err[512];
    assert_null(pinyin_open("/nonexistent/rime-data", user_dir, PATCHES, err, sizeof err));
    assert_non_null(strstr(err, "rime-data-luna-pinyin"));
    assert_non_null(strstr(err, "/nonexistent/rime-data"));
    assert_false(pinyin_prepare(NULL, "/proc/no-such-dir/rime", PATCHES, err, sizeof err));
    assert_non_null(strstr(err, "cannot create /proc/no-such-dir/rime"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_and_abbreviated),
        cmocka_unit_test(test_pages_select_backspace),
        cmocka_unit_test(test_forgets),
        cmocka_unit_test(test_missing_data),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
