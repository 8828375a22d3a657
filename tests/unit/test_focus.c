/*
 * focus: reading order, next/previous, finding the focus again in the next
 * frame's record, on synthetic records (no renderer: nothing is drawn).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ui/focus.h"
#include "ui/ui.h"

static ui *U;

static int setup(void **state)
{
    (void)state;
    U = calloc(1, sizeof *U);
    U->th.w = 1080;
    U->th.h = 1920;
    ui_focus_clear(U);
    return U ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(U);
    return 0;
}

static void add(int x, int y, int w, int h, int action, const char *label)
{
    ui_target *t = &U->targets[U->n_targets++];
    t->rect = t->whole = (SDL_Rect){x, y, w, h};
    t->action = action;
    t->arg = U->n_targets;
    t->layer = U->layer;
    t->enabled = true;
    t->label = label;
}

/* a "frame": the record rebuilt, then what ui_end does */
static void frame_begin(void)
{
    U->n_targets = 0;
    U->n_scrolls = 0;
    U->layer = U->top_layer = 0;
}

static const char *focused(void)
{
    const ui_target *t = ui_focus_target(U);
    return t ? t->label : "(none)";
}

/* drawn in a scrambled order; a shorter button centred on a taller one's
 * row belongs to that row */
static void home_frame(void)
{
    frame_begin();
    add(600, 400, 400, 200, 10, "D");
    add(100, 400, 400, 200, 10, "C");
    add(900, 10, 100, 40, 1, "B");       /* status bar, right */
    add(700, 0, 100, 60, 1, "A");        /* status bar, taller */
    add(100, 700, 800, 100, 11, "E");
}

static void test_reading_order(void **state)
{
    (void)state;
    home_frame();
    int order[UI_MAX_TARGETS];
    int n = ui_focus_order(U, order, UI_MAX_TARGETS);
    assert_int_equal(n, 5);
    const char *want[] = {"A", "B", "C", "D", "E"};
    for (int i = 0; i < n; i++)
        assert_string_equal(U->targets[order[i]].label, want[i]);
}

static void test_next_prev_wrap(void **state)
{
    (void)state;
    home_frame();
    ui_focus_refind(U);
    assert_null(ui_focus_label(U));
    ui_focus_move(U, 1);
    assert_string_equal(focused(), "A");
    assert_string_equal(ui_focus_label(U), "A");
    ui_focus_move(U, 1);
    ui_focus_move(U, 1);
    assert_string_equal(focused(), "C");
    ui_focus_move(U, -1);
    assert_string_equal(focused(), "B");
    ui_focus_move(U, -1);
    ui_focus_move(U, -1);
    assert_string_equal(focused(), "E");     /* wrapped */
    ui_focus_move(U, 1);
    assert_string_equal(focused(), "A");
}

static void test_find_again(void **state)
{
    (void)state;
    home_frame();
    ui_focus_clear(U);
    ui_focus_move(U, 1);
    ui_focus_move(U, 1);
    ui_focus_move(U, 1);
    assert_string_equal(focused(), "C");
    /* the next frame: laid out again, C moved and drawn first */
    frame_begin();
    add(100, 500, 400, 200, 10, "C");
    add(600, 500, 400, 200, 10, "D");
    ui_focus_refind(U);
    assert_string_equal(focused(), "C");
    assert_int_equal(U->focus.rect.y, 500);
    ui_focus_move(U, 1);
    assert_string_equal(focused(), "D");
    /* a relabelled button (the language switch) keeps the focus by action */
    frame_begin();
    add(600, 500, 400, 200, 10, "D2");
    U->targets[0].arg = 2;
    ui_focus_refind(U);
    assert_string_equal(focused(), "D2");
    /* its target gone: the focus resets */
    frame_begin();
    add(100, 100, 100, 100, 99, "X");
    ui_focus_refind(U);
    assert_false(U->focus.has);
    assert_null(ui_focus_label(U));
}

static void test_top_layer_only(void **state)
{
    (void)state;
    home_frame();
    ui_focus_clear(U);
    U->layer = U->top_layer = 1;             /* a dialog */
    add(300, 900, 400, 100, 6, "Close");
    add(300, 1020, 400, 100, 6, "Contrast");
    ui_focus_move(U, 1);
    assert_string_equal(focused(), "Close");
    ui_focus_move(U, 1);
    ui_focus_move(U, 1);
    assert_string_equal(focused(), "Close");
}

static void test_activate_and_hide(void **state)
{
    (void)state;
    home_frame();
    ui_focus_clear(U);
    int action;
    intptr_t arg;
    assert_false(ui_focus_activate(U));
    ui_focus_move(U, 1);
    ui_focus_move(U, 1);
    assert_true(ui_focus_activate(U));
    assert_true(ui_take_action(U, &action, &arg));
    assert_int_equal(action, 1);
    assert_int_equal(arg, U->targets[2].arg);   /* "B", recorded third */
    ui_focus_hide(U);                           /* a touch */
    assert_false(ui_focus_activate(U));
    assert_null(ui_focus_label(U));
}

static void test_scroll_into_view_and_page(void **state)
{
    (void)state;
    ui_scroll sc = {.content = 2000, .view = 1000};
    frame_begin();
    U->scrolls[0].s = &sc;
    U->scrolls[0].rect = (SDL_Rect){0, 200, 1080, 1000};
    U->scrolls[0].layer = 0;
    U->n_scrolls = 1;
    add(0, 0, 100, 100, 1, "Top");
    add(0, 300, 1000, 300, 20, "Row1");
    add(0, 900, 1000, 300, 20, "Row2");         /* cut: whole goes to 1250 */
    U->targets[2].whole.h = 350;
    add(0, 1500, 100, 100, 1, "Footer");
    ui_focus_clear(U);
    ui_focus_move(U, 1);
    ui_focus_move(U, 1);
    ui_focus_move(U, 1);
    assert_string_equal(focused(), "Row2");
    assert_int_equal((int)sc.offset, 50);        /* scrolled whole into view */
    /* the last target of the area, more below: Down pages, not leaves */
    ui_focus_move(U, 1);
    assert_int_equal((int)sc.offset, 800);
    /* the next frame shows rows further down; the focus lands on the first
     * that came into view after Row2 */
    frame_begin();
    U->scrolls[0].s = &sc;
    U->scrolls[0].rect = (SDL_Rect){0, 200, 1080, 1000};
    U->n_scrolls = 1;
    add(0, 200, 1000, 100, 20, "Row2");
    add(0, 400, 1000, 300, 20, "Row3");
    add(0, 1500, 100, 100, 1, "Footer");
    ui_focus_refind(U);
    assert_string_equal(focused(), "Row3");
}

/* Entering a scroll area that was scrolled on starts at its start: what
 * was scrolled past is not skipped (after wrapping round, say). */
static void test_enter_area_at_start(void **state)
{
    (void)state;
    ui_scroll sc = {.content = 2000, .view = 1000, .offset = 600};
    frame_begin();
    U->scrolls[0].s = &sc;
    U->scrolls[0].rect = (SDL_Rect){0, 200, 1080, 1000};
    U->n_scrolls = 1;
    add(0, 0, 100, 100, 1, "Top");
    add(0, 300, 1000, 300, 20, "Row4");
    ui_focus_clear(U);
    ui_focus_move(U, 1);
    assert_string_equal(focused(), "Top");
    ui_focus_move(U, 1);
    assert_int_equal((int)sc.offset, 0);
    /* the next frame: the first rows again */
    frame_begin();
    U->scrolls[0].s = &sc;
    U->scrolls[0].rect = (SDL_Rect){0, 200, 1080, 1000};
    U->n_scrolls = 1;
    add(0, 0, 100, 100, 1, "Top");
    add(0, 250, 1000, 300, 20, "Row1");
    add(0, 600, 1000, 300, 20, "Row2");
    ui_focus_refind(U);
    assert_string_equal(focused(), "Row1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reading_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_next_prev_wrap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find_again, setup, teardown),
        cmocka_unit_test_setup_teardown(test_top_layer_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_activate_and_hide, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scroll_into_view_and_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enter_area_at_start, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
