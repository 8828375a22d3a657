/*
 * script: parsing of the end-to-end harness scripts (script_load only; the
 * runner needs the whole application).
 */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/service.h"
#include "common/diag.h"
#include "registry/registry.h"
#include "script/script.h"

typedef struct fixture {
    char dir[64];
    char path[128];
    script s;
    diag_list errors;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/kiosk-script-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/t.kiosk", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    script_free(&f->s);
    diag_clear(&f->errors);
    unlink(f->path);
    rmdir(f->dir);
    free(f);
    return 0;
}

static void dump(const fixture *f)
{
    char buf[1400];
    for (size_t i = 0; i < f->errors.count; i++) {
        diag_format(&f->errors.items[i], buf, sizeof buf);
        print_error("  %s\n", buf);
    }
}

/* Writes text to the script file and loads it. */
static bool load(fixture *f, const char *text)
{
    script_free(&f->s);
    diag_clear(&f->errors);
    FILE *fp = fopen(f->path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    return script_load(&f->s, f->path, &f->errors);
}

static void expect_ok(fixture *f, const char *text)
{
    bool ok = load(f, text);
    if (!ok || f->errors.count) {
        print_error("script:\n%s\nproblems:\n", text);
        dump(f);
    }
    assert_true(ok);
    assert_int_equal(f->errors.count, 0);
}

/* One bad line: exactly one problem, "FILE:LINE: " and containing what. */
static void expect_error(fixture *f, const char *text, int line, const char *what)
{
    bool ok = load(f, text);
    if (ok || f->errors.count != 1) {
        print_error("script:\n%s\ngave %zu problems:\n", text, f->errors.count);
        dump(f);
    }
    assert_false(ok);
    assert_int_equal(f->errors.count, 1);
    char buf[1400], prefix[200];
    diag_format(&f->errors.items[0], buf, sizeof buf);
    snprintf(prefix, sizeof prefix, "%s:%d: ", f->path, line);
    if (strncmp(buf, prefix, strlen(prefix)) || !strstr(buf, what))
        print_error("got \"%s\", want \"%s...%s...\"\n", buf, prefix, what);
    assert_memory_equal(buf, prefix, strlen(prefix));
    assert_non_null(strstr(buf + strlen(prefix), what));
}

/* ------------------------------------------------------------------------ */

static void test_every_command(void **state)
{
    fixture *f = *state;
    expect_ok(f,
              "tap 社会保险\n"              /* 1 */
              "tap 540 960\n"               /* 2 */
              "drag 1 2 3 4\n"              /* 3 */
              "fling 540 1000 540 700\n"    /* 4 */
              "scroll-to 办理流程\n"        /* 5 */
              "type 社保 卡\n"              /* 6 */
              "wait 2000\n"                 /* 7 */
              "expect 受理条件\n"           /* 8 */
              "expect-not 智能化残疾人证\n" /* 9 */
              "screen home\n"               /* 10 */
              "shot guide_top\n"            /* 11 */
              "lang en\n"                   /* 12 */
              "large on\n");                /* 13 */
    assert_int_equal(f->s.n, 13);
    assert_string_equal(f->s.path, f->path);
    for (int i = 0; i < 13; i++)
        assert_int_equal(f->s.steps[i].line, i + 1);
    /* thirteen distinct operations */
    for (int i = 0; i < 13; i++)
        for (int j = i + 1; j < 13; j++)
            if (f->s.steps[i].op == f->s.steps[j].op) {
                print_error("lines %d and %d parsed to the same op\n", i + 1, j + 1);
                fail();
            }
    const script_step *st = f->s.steps;
    assert_string_equal(st[0].text, "社会保险");
    assert_int_equal(st[0].n_num, 0);
    assert_int_equal(st[1].n_num, 2);
    assert_int_equal(st[1].num[0], 540);
    assert_int_equal(st[1].num[1], 960);
    assert_int_equal(st[2].n_num, 4);
    assert_int_equal(st[2].num[0], 1);
    assert_int_equal(st[2].num[3], 4);
    assert_int_equal(st[3].n_num, 4);
    assert_int_equal(st[3].num[2], 540);
    assert_int_equal(st[3].num[3], 700);
    assert_string_equal(st[4].text, "办理流程");
    assert_string_equal(st[5].text, "社保 卡");      /* inner spaces kept */
    assert_int_equal(st[6].n_num, 1);
    assert_int_equal(st[6].num[0], 2000);
    assert_string_equal(st[7].text, "受理条件");
    assert_string_equal(st[8].text, "智能化残疾人证");
    assert_string_equal(st[9].text, "home");
    assert_string_equal(st[10].text, "guide_top");
    assert_string_equal(st[11].text, "en");
    assert_string_equal(st[12].text, "on");
    /* the other values of lang and large, and wait 0 */
    int lang_op = st[11].op, large_op = st[12].op, wait_op = st[6].op;
    expect_ok(f, "lang zh\nlarge off\nwait 0\n");
    assert_int_equal(f->s.n, 3);
    assert_int_equal(f->s.steps[0].op, lang_op);
    assert_string_equal(f->s.steps[0].text, "zh");
    assert_int_equal(f->s.steps[1].op, large_op);
    assert_string_equal(f->s.steps[1].text, "off");
    assert_int_equal(f->s.steps[2].op, wait_op);
    assert_int_equal(f->s.steps[2].num[0], 0);
}

static void test_tap_text_or_point(void **state)
{
    fixture *f = *state;
    expect_ok(f, "tap 10 20\ntap 首页\ntap \t 30\t40 \ntap 1 2 3\ntap 100\ntap 返回 首页\n");
    assert_int_equal(f->s.n, 6);
    const script_step *st = f->s.steps;
    int point = st[0].op, text = st[1].op;
    assert_int_not_equal(point, text);
    assert_int_equal(st[0].num[0], 10);
    assert_int_equal(st[0].num[1], 20);
    assert_string_equal(st[1].text, "首页");
    assert_int_equal(st[1].n_num, 0);
    /* tabs and extra spaces between the numbers */
    assert_int_equal(st[2].op, point);
    assert_int_equal(st[2].num[0], 30);
    assert_int_equal(st[2].num[1], 40);
    /* not exactly two numbers: a label */
    assert_int_equal(st[3].op, text);
    assert_string_equal(st[3].text, "1 2 3");
    assert_int_equal(st[3].n_num, 0);
    assert_int_equal(st[4].op, text);
    assert_string_equal(st[4].text, "100");
    assert_int_equal(st[5].op, text);
    assert_string_equal(st[5].text, "返回 首页");
}

static void test_comments_and_blank_lines(void **state)
{
    fixture *f = *state;
    expect_ok(f,
              "# a comment\n"
              "\n"
              "   \n"
              "\t\n"
              "   # indented comment with tap 1 2\n"
              "#tap nothing\n"
              "  expect   首页  \n"            /* 7: surrounding blanks trimmed */
              "\r\n"
              "screen home\r\n"                /* 9: CRLF */
              "wait 5");                       /* 10: no final newline */
    assert_int_equal(f->s.n, 3);
    assert_int_equal(f->s.steps[0].line, 7);
    assert_string_equal(f->s.steps[0].text, "首页");
    assert_int_equal(f->s.steps[1].line, 9);
    assert_string_equal(f->s.steps[1].text, "home");
    assert_int_equal(f->s.steps[2].line, 10);
    assert_int_equal(f->s.steps[2].num[0], 5);
    expect_ok(f, "");
    assert_int_equal(f->s.n, 0);
    expect_ok(f, "# only a comment\n");
    assert_int_equal(f->s.n, 0);
}

static void test_unknown_command(void **state)
{
    fixture *f = *state;
    expect_error(f, "tap 首页\n# x\njump 10\n", 3, "unknown command 'jump'");
    expect_error(f, "Tap 首页\n", 1, "unknown command 'Tap'");
    expect_error(f, "taps 1 2\n", 1, "unknown command 'taps'");
    expect_error(f, "expect-\n", 1, "unknown command 'expect-'");
    /* the exact message, as a technician sees it */
    load(f, "\n\nfoo bar\n");
    char buf[1400], want[256];
    diag_format(&f->errors.items[0], buf, sizeof buf);
    snprintf(want, sizeof want, "%s:3: unknown command 'foo'", f->path);
    assert_string_equal(buf, want);
}

static void test_wrong_argument_counts(void **state)
{
    fixture *f = *state;
    expect_error(f, "drag 1 2 3\n", 1, "'drag' takes 4");
    expect_error(f, "drag 1 2 3 4 5\n", 1, "'drag' takes 4");
    expect_error(f, "drag a b c d\n", 1, "'drag' takes 4");
    expect_error(f, "fling 1 2\n", 1, "'fling' takes 4");
    expect_error(f, "wait 1 2\n", 1, "'wait'");
    expect_error(f, "wait soon\n", 1, "'wait'");
    expect_error(f, "wait 5ms\n", 1, "'wait'");
    expect_error(f, "wait 99999999999999\n", 1, "'wait'");
    expect_error(f, "wait\n", 1, "'wait' needs an argument");
    expect_error(f, "tap\n", 1, "'tap' needs an argument");
    expect_error(f, "tap   \n", 1, "'tap' needs an argument");
    expect_error(f, "expect\n", 1, "'expect' needs an argument");
    expect_error(f, "type\n", 1, "'type' needs an argument");
    expect_error(f, "screen\n", 1, "'screen' needs an argument");
    expect_error(f, "shot\n", 1, "'shot' needs an argument");
}

static void test_bad_values(void **state)
{
    fixture *f = *state;
    expect_error(f, "lang x\n", 1, "'lang' takes a language code (2-8 of a-z and '-')");
    expect_error(f, "lang zh en\n", 1, "'lang' takes a language code (2-8 of a-z and '-')");
    expect_error(f, "lang ZH\n", 1, "'lang' takes a language code (2-8 of a-z and '-')");
    /* any code parses; whether it is configured is checked when it runs */
    expect_ok(f, "lang xx\nlang zh-hant\n");
    expect_error(f, "large yes\n", 1, "'large' takes on or off");
    expect_error(f, "wait -5\n", 1, "'wait' takes milliseconds >= 0");
    expect_error(f, "shot a/b\n", 1, "'/'");
    expect_error(f, "shot ../up\n", 1, "'/'");
    expect_error(f, "shot a\\b\n", 1, "'/'");
}

static void test_long_line(void **state)
{
    fixture *f = *state;
    size_t n = 5000;
    char *text = malloc(n + 64);
    assert_non_null(text);
    strcpy(text, "wait 1\n# fine\nexpect ");
    size_t at = strlen(text);
    memset(text + at, 'x', n);
    strcpy(text + at + n, "\nscreen home\nbogus\n");
    bool ok = load(f, text);
    free(text);
    assert_false(ok);
    if (f->errors.count != 2)
        dump(f);
    assert_int_equal(f->errors.count, 2);
    assert_int_equal(f->errors.items[0].line, 3);
    assert_non_null(strstr(f->errors.items[0].msg, "longer than"));
    /* the rest of the long line is skipped, and counting goes on */
    assert_int_equal(f->errors.items[1].line, 5);
    assert_non_null(strstr(f->errors.items[1].msg, "unknown command 'bogus'"));
    assert_int_equal(f->s.n, 2);
    assert_int_equal(f->s.steps[1].line, 4);
    assert_string_equal(f->s.steps[1].text, "home");
}

static void test_long_line_at_end_without_newline(void **state)
{
    fixture *f = *state;
    char *text = malloc(6000);
    assert_non_null(text);
    strcpy(text, "type ");
    memset(text + 5, 'y', 5000);
    text[5005] = '\0';
    bool ok = load(f, text);
    free(text);
    assert_false(ok);
    assert_int_equal(f->errors.count, 1);
    assert_int_equal(f->errors.items[0].line, 1);
    assert_non_null(strstr(f->errors.items[0].msg, "longer than"));
}

static void test_all_errors_in_one_pass(void **state)
{
    fixture *f = *state;
    bool ok = load(f,
                   "tap 首页\n"        /* 1 ok */
                   "jump\n"            /* 2 */
                   "wait -1\n"         /* 3 */
                   "expect 办理\n"     /* 4 ok */
                   "drag 1 2\n"        /* 5 */
                   "lang FR\n"         /* 6 */
                   "shot x/y\n"        /* 7 */
                   "screen home\n");   /* 8 ok */
    assert_false(ok);
    if (f->errors.count != 5)
        dump(f);
    assert_int_equal(f->errors.count, 5);
    const int lines[] = {2, 3, 5, 6, 7};
    for (int i = 0; i < 5; i++) {
        assert_string_equal(f->errors.items[i].file, f->path);
        assert_int_equal(f->errors.items[i].line, lines[i]);
        assert_int_equal(f->errors.items[i].col, 0);
    }
}

static void test_missing_file(void **state)
{
    fixture *f = *state;
    char path[200];
    snprintf(path, sizeof path, "%s/none.kiosk", f->dir);
    assert_false(script_load(&f->s, path, &f->errors));
    assert_int_equal(f->errors.count, 1);
    assert_string_equal(f->errors.items[0].file, path);
    assert_int_equal(f->s.n, 0);
}

/* Devices bring their own verbs (the reader's card, card-remove, reader);
 * the harness checks them like its own, with the device's messages. */
static void test_device_verbs(void **state)
{
    fixture *f = *state;
    assert_non_null(service_find_verb("card"));
    assert_null(service_find_verb("cards"));
    expect_ok(f, "card resident\ncard-remove\nreader unplug\nreader plug\n");
    assert_int_equal(f->s.n, 4);
    assert_ptr_equal(f->s.steps[0].verb, service_find_verb("card"));
    assert_string_equal(f->s.steps[0].text, "resident");
    assert_ptr_equal(f->s.steps[2].verb, service_find_verb("reader"));
    expect_error(f, "card\n", 1, "'card' needs an argument");
    expect_error(f, "card-remove now\n", 1, "'card-remove' takes no argument");
    expect_error(f, "tap A\nreader sideways\n", 2, "'reader' takes plug or unplug");
}

/* The scripts the e2e suite runs must parse; a typo there otherwise shows up
 * only as a failing e2e run. */
static void test_shipped_scripts_parse(void **state)
{
    fixture *f = *state;
    glob_t g;
    assert_int_equal(glob(KIOSK_SOURCE_DIR "/tests/e2e/*.kiosk", 0, NULL, &g), 0);
    assert_true(g.gl_pathc > 0);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        script s;
        bool ok = script_load(&s, g.gl_pathv[i], &f->errors);
        if (!ok)
            dump(f);
        assert_true(ok);
        assert_true(s.n > 0);
        script_free(&s);
    }
    assert_int_equal(f->errors.count, 0);
    globfree(&g);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_every_command),
        T(test_tap_text_or_point),
        T(test_comments_and_blank_lines),
        T(test_unknown_command),
        T(test_wrong_argument_counts),
        T(test_bad_values),
        T(test_long_line),
        T(test_long_line_at_end_without_newline),
        T(test_all_errors_in_one_pass),
        T(test_missing_file),
        T(test_device_verbs),
        T(test_shipped_scripts_parse),
    };
    app_setup su = {0};
    registry_setup(&su);    /* the kiosk's devices and their verbs */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
