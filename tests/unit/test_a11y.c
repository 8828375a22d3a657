/*
 * a11y: the checker on made-up frame records -- no renderer, no screen.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ui/a11y.h"

static ui frame;    /* large (its text arena): not on the stack */

/* 21.5" 1080x1920: 0.248 mm per pixel, 12 mm = 48.4 px, 2 mm = 8.1 px */
static double mm;

static const SDL_Color white = {255, 255, 255, 255}, dark = {0x1B, 0x24, 0x30, 255};

static void reset(void)
{
    memset(&frame, 0, sizeof frame);
    frame.th.w = 1080;
    frame.th.h = 1920;
    mm = a11y_mm_per_px(21.5, 1080, 1920);
}

static ui_target *target(int x, int y, int w, int h, const char *label)
{
    ui_target *t = &frame.targets[frame.n_targets++];
    memset(t, 0, sizeof *t);
    t->rect = t->full = (SDL_Rect){x, y, w, h};
    t->enabled = true;
    t->label = label;
    return t;
}

static ui_textrec *text(const char *s, SDL_Color fg, SDL_Color bg)
{
    ui_textrec *t = &frame.texts[frame.n_texts++];
    memset(t, 0, sizeof *t);
    t->rect = (SDL_Rect){100, 100 + 60 * frame.n_texts, 200, 50};
    t->text = s;
    t->fg = fg;
    t->bg = bg;
    t->bg_known = true;
    return t;
}

static int check(char *out, size_t size)
{
    int n = a11y_check(&frame, mm, out, size);
    if (n)
        print_message("%s\n", out);
    return n;
}

static void test_pitch(void **state)
{
    (void)state;
    /* 21.5 inch 16:9: 476 x 268 mm */
    double p = a11y_mm_per_px(21.5, 1080, 1920);
    assert_true(fabs(p * 1920 - 476.0) < 1.0);
    assert_true(fabs(p * 1080 - 267.7) < 1.0);
    /* the same panel turned: the same pitch */
    assert_true(fabs(a11y_mm_per_px(21.5, 1920, 1080) - p) < 1e-12);
    assert_true(a11y_mm_per_px(21.5, 0, 0) == 0);
}

static void test_clean_frame(void **state)
{
    (void)state;
    reset();
    char out[1024];
    target(32, 200, 300, 96, "返回");
    target(748, 200, 300, 96, "首页");
    target(32, 400, 1016, 160, "社会保险");
    text("社会保险", dark, white);
    assert_int_equal(check(out, sizeof out), 0);
    assert_string_equal(out, "");
}

static void test_small_target(void **state)
{
    (void)state;
    reset();
    char out[1024];
    target(32, 200, 300, 40, "关闭");      /* 9.9 mm high */
    assert_int_equal(check(out, sizeof out), 1);
    assert_non_null(strstr(out, "\"关闭\""));
    assert_non_null(strstr(out, "under 12 mm"));
    /* 48 px is 11.9 mm: still under; 49 px is 12.1 mm */
    reset();
    target(32, 200, 48, 300, "A");
    assert_int_equal(check(out, sizeof out), 1);
    reset();
    target(32, 200, 49, 300, "A");
    assert_int_equal(check(out, sizeof out), 0);
}

static void test_scrolled_target(void **state)
{
    (void)state;
    reset();
    char out[1024];
    /* only 20 px of a 160 px row show at the edge of a list: not small */
    ui_target *t = target(32, 1000, 1016, 20, "社保参保证明打印");
    t->full = (SDL_Rect){32, 860, 1016, 160};
    t->scrolled = true;
    assert_int_equal(check(out, sizeof out), 0);
    /* a row that is small when whole is still reported */
    t->full.h = 30;
    assert_int_equal(check(out, sizeof out), 1);
}

static void test_spacing(void **state)
{
    (void)state;
    reset();
    char out[1024];
    target(32, 200, 300, 96, "是");
    target(336, 200, 300, 96, "否");      /* 4 px = 1 mm apart */
    assert_int_equal(check(out, sizeof out), 1);
    assert_non_null(strstr(out, "\"是\" and \"否\""));
    assert_non_null(strstr(out, "apart"));
    reset();
    target(32, 200, 300, 96, "是");
    target(341, 200, 300, 96, "否");      /* 9 px = 2.2 mm */
    assert_int_equal(check(out, sizeof out), 0);
    /* overlap; another layer does not count (a dialog covers it) */
    reset();
    target(32, 200, 300, 96, "是");
    target(100, 250, 300, 96, "否");
    ui_target *under = target(400, 200, 10, 10, "under a dialog");
    under->layer = -1;
    assert_int_equal(check(out, sizeof out), 1);
    assert_non_null(strstr(out, "overlap"));
    /* disabled targets cannot be touched */
    reset();
    target(32, 200, 300, 96, "是");
    target(100, 250, 300, 96, "否")->enabled = false;
    assert_int_equal(check(out, sizeof out), 0);
}

static void test_text_contrast(void **state)
{
    (void)state;
    reset();
    char out[1024];
    /* the old status-bar switch: white on 40/255 white over 0x1659B8 */
    text("大字模式", white, (SDL_Color){0x3B, 0x73, 0xC3, 255});
    /* the new one: white on 0x0A4596 */
    text("帮助", white, (SDL_Color){0x0A, 0x45, 0x96, 255});
    assert_int_equal(check(out, sizeof out), 1);
    assert_non_null(strstr(out, "\"大字模式\" is 4.7"));
    assert_null(strstr(out, "帮助"));
    /* translucent text lands on its background */
    reset();
    SDL_Color half = dark;
    half.a = 128;
    text("半透明", half, white);
    assert_int_equal(check(out, sizeof out), 1);
    /* exactly at the floor passes: #595959 on white is 7.0:1 */
    reset();
    text("7:1", (SDL_Color){0x59, 0x59, 0x59, 255}, white);
    assert_int_equal(check(out, sizeof out), 0);
    /* no sampled background is a finding, not a pass */
    reset();
    text("?", dark, white)->bg_known = false;
    assert_int_equal(check(out, sizeof out), 1);
    assert_non_null(strstr(out, "not sampled"));
}

static void test_cut_text(void **state)
{
    (void)state;
    reset();
    char out[2048];
    text("灵活就业人员参保登…", dark, white)->ellipsised = true;
    text("Social Insurance Enrolment", dark, white)->overflows = true;
    text("被裁掉的字", dark, white)->clipped = true;
    text("滚动到一半的行", dark, white)->scrolled = true;   /* fine: scroll to see it */
    assert_int_equal(check(out, sizeof out), 3);
    assert_non_null(strstr(out, "\"灵活就业人员参保登…\" is cut with an ellipsis"));
    assert_non_null(strstr(out, "\"Social Insurance Enrolment\" is wider than its box"));
    assert_non_null(strstr(out, "\"被裁掉的字\" is clipped"));
    assert_null(strstr(out, "滚动"));
}

static void test_output_bounded(void **state)
{
    (void)state;
    reset();
    for (int i = 0; i < 50; i++)
        target(i * 20, 0, 10, 10, "tiny");
    char out[64];
    int n = a11y_check(&frame, mm, out, sizeof out);
    assert_true(n >= 50);
    assert_true(strlen(out) < sizeof out);
    /* counting alone */
    assert_int_equal(a11y_check(&frame, mm, NULL, 0), n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pitch),
        cmocka_unit_test(test_clean_frame),
        cmocka_unit_test(test_small_target),
        cmocka_unit_test(test_scrolled_target),
        cmocka_unit_test(test_spacing),
        cmocka_unit_test(test_text_contrast),
        cmocka_unit_test(test_cut_text),
        cmocka_unit_test(test_output_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
