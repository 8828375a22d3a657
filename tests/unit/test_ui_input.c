/*
 * ui: touch handling and the frame record, without a display.
 *
 * A software renderer draws into an SDL_Surface; time is the virtual clock.
 * Each "frame" below is what a screen's draw function would do, and input
 * arrives between frames exactly as in the application's main loop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "common/clock.h"
#include "common/diag.h"
#include "ui/text.h"
#include "ui/ui.h"

#define W 1080
#define H 1920

static SDL_Surface *surf;
static SDL_Renderer *ren;
static ui *U;
static bool have_fonts;

static int group_setup(void **state)
{
    (void)state;
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
        return -1;
    }
    surf = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!surf)
        return -1;
    ren = SDL_CreateSoftwareRenderer(surf);
    if (!ren)
        return -1;
    U = calloc(1, sizeof *U);
    if (!U)
        return -1;
    if (TTF_Init() == 0) {
        diag_list errors = DIAG_LIST_INIT;
        have_fonts = text_init(NULL, &errors);
        if (!have_fonts)
            diag_print(&errors, stderr);
        diag_clear(&errors);
    }
    clock_use_virtual(0);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (have_fonts)
        text_shutdown();
    TTF_Quit();
    free(U);
    SDL_DestroyRenderer(ren);
    SDL_FreeSurface(surf);
    SDL_Quit();
    return 0;
}

static int setup(void **state)
{
    (void)state;
    ui_init(U, ren);
    theme_compute(&U->th, W, H, 1.0, false, false);
    ui_reset_input(U);      /* also forgets a fling left by an earlier test */
    return 0;
}

#define NEED_FONTS()                                                  \
    do {                                                              \
        if (!have_fonts) {                                            \
            print_message("no CJK font installed: skipped\n");        \
            skip();                                                   \
        }                                                             \
    } while (0)

static void advance(int ms)
{
    clock_advance((uint64_t)ms);
}

static bool take(int *action, intptr_t *arg)
{
    return ui_take_action(U, action, arg);
}

static void no_action(void)
{
    int a;
    intptr_t g;
    if (take(&a, &g)) {
        print_error("unexpected action %d/%ld\n", a, (long)g);
        fail();
    }
}

static void expect_action(int action, intptr_t arg)
{
    int a = -1;
    intptr_t g = -1;
    assert_true(take(&a, &g));
    assert_int_equal(a, action);
    assert_int_equal(g, arg);
    assert_false(take(&a, &g));     /* exactly once */
}

/* --- scenes ---------------------------------------------------------------- */

static const SDL_Rect BUTTON = {100, 100, 400, 120};
#define BUTTON_ACTION 7
#define BUTTON_ARG 42

static void frame_button(void)
{
    ui_begin(U);
    ui_target_add(U, BUTTON, BUTTON_ACTION, BUTTON_ARG, "确定");
    ui_end(U);
}

/* A list of 20 rows of 150 px in a 1000 px view: content 3000, max 2000. */
static const SDL_Rect VIEW = {0, 200, W, 1000};
#define ROWS 20
#define ROW_H 150
#define ROW_ACTION 100
static ui_scroll list;

static void frame_list(void)
{
    ui_begin(U);
    int off = ui_scroll_begin(U, &list, VIEW, ROWS * ROW_H);
    for (int i = 0; i < ROWS; i++) {
        SDL_Rect r = {0, VIEW.y + i * ROW_H - off, W, ROW_H};
        char label[16];
        snprintf(label, sizeof label, "row %d", i);
        if (ui_visible(U, r))
            ui_target_add(U, r, ROW_ACTION, i, label);
    }
    ui_scroll_end(U, &list, VIEW);
    ui_end(U);
}

/* Finger events the way the main loop delivers them: a redraw after each. */
static void down(int x, int y, void (*frame)(void))
{
    ui_pointer_down(U, x, y);
    frame();
}

static void move(int x, int y, void (*frame)(void))
{
    ui_pointer_move(U, x, y);
    frame();
}

static void up(int x, int y, void (*frame)(void))
{
    ui_pointer_up(U, x, y);
    frame();
}

/* Moves from (x, y0) to (x, y1) in steps of step px, ms apart. */
static void drag_y(int x, int y0, int y1, int step, int ms, void (*frame)(void))
{
    int dir = y1 > y0 ? 1 : -1;
    for (int y = y0 + dir * step; dir * (y1 - y) >= 0; y += dir * step) {
        advance(ms);
        move(x, y, frame);
    }
}

/* Runs inertia to rest; returns the number of frames it moved. */
static int animate_to_rest(void (*frame)(void))
{
    int frames = 0;
    while (ui_animate(U, 16)) {
        advance(16);
        frame();
        if (++frames > 2000) {
            print_error("inertia never stops (offset %f, velocity %f)\n", list.offset,
                        list.velocity);
            fail();
        }
    }
    return frames;
}

static void reset_list(void)
{
    memset(&list, 0, sizeof list);
    frame_list();
}

/* --- taps ------------------------------------------------------------------ */

static void test_tap_activates_on_release_once(void **state)
{
    (void)state;
    frame_button();
    assert_false(ui_is_pressed(U, BUTTON_ACTION, BUTTON_ARG));
    down(300, 160, frame_button);
    no_action();                    /* never on press */
    assert_true(ui_is_pressed(U, BUTTON_ACTION, BUTTON_ARG));
    assert_false(ui_is_pressed(U, BUTTON_ACTION, BUTTON_ARG + 1));
    assert_false(ui_is_pressed(U, BUTTON_ACTION + 1, BUTTON_ARG));
    advance(80);
    frame_button();
    assert_true(ui_is_pressed(U, BUTTON_ACTION, BUTTON_ARG));
    no_action();
    up(300, 160, frame_button);
    expect_action(BUTTON_ACTION, BUTTON_ARG);
    assert_false(ui_is_pressed(U, BUTTON_ACTION, BUTTON_ARG));
    /* a stray up without a down does nothing */
    up(300, 160, frame_button);
    no_action();
    /* a second tap is a second action */
    down(110, 110, frame_button);
    up(110, 110, frame_button);
    expect_action(BUTTON_ACTION, BUTTON_ARG);
}

static void test_release_outside_no_action(void **state)
{
    (void)state;
    frame_button();
    down(300, 160, frame_button);
    up(700, 160, frame_button);
    no_action();
    /* sliding off shows unpressed; sliding back on and lifting taps */
    down(300, 160, frame_button);
    move(300, 400, frame_button);
    assert_false(ui_is_pressed(U, BUTTON_ACTION, BUTTON_ARG));
    move(300, 150, frame_button);
    assert_true(ui_is_pressed(U, BUTTON_ACTION, BUTTON_ARG));
    up(300, 150, frame_button);
    expect_action(BUTTON_ACTION, BUTTON_ARG);
    /* the edge: the rect's last pixel is inside, the next is not */
    down(499, 219, frame_button);
    up(500, 219, frame_button);
    no_action();
    /* a press outside every target, released on one, does nothing */
    down(700, 700, frame_button);
    up(300, 160, frame_button);
    no_action();
}

/* "A target shows pressed on the frame after the finger lands": the button
 * is drawn in its pressed colour on the very next frame. */
static SDL_Color pixel(int x, int y)
{
    Uint32 v = 0;
    SDL_Rect r = {x, y, 1, 1};
    assert_int_equal(SDL_RenderReadPixels(ren, &r, SDL_PIXELFORMAT_ARGB8888, &v, 4), 0);
    SDL_Color c = {(Uint8)(v >> 16), (Uint8)(v >> 8), (Uint8)v, (Uint8)(v >> 24)};
    return c;
}

static void frame_real_button(void)
{
    ui_begin(U);
    ui_button(U, BUTTON, "确定", UI_PRIMARY, BUTTON_ACTION, BUTTON_ARG);
    ui_end(U);
}

static bool same_rgb(SDL_Color a, SDL_Color b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b;
}

static void test_pressed_state_shows_within_one_frame(void **state)
{
    (void)state;
    NEED_FONTS();
    /* top middle of the button: above the centred label */
    int px = BUTTON.x + BUTTON.w / 2, py = BUTTON.y + 6;
    frame_real_button();
    assert_true(same_rgb(pixel(px, py), U->th.primary));
    ui_pointer_down(U, px, py + 50);
    frame_real_button();
    assert_true(same_rgb(pixel(px, py), U->th.primary_pressed));
    ui_pointer_up(U, px, py + 50);
    frame_real_button();
    assert_true(same_rgb(pixel(px, py), U->th.primary));
    expect_action(BUTTON_ACTION, BUTTON_ARG);
    assert_non_null(ui_find_target(U, "确定"));
}

/* --- scrolling -------------------------------------------------------------- */

static void test_small_wobble_still_taps(void **state)
{
    (void)state;
    reset_list();
    down(540, 400, frame_list);                 /* row 1: 350..500 */
    assert_true(ui_is_pressed(U, ROW_ACTION, 1));
    advance(40);
    move(548, 412, frame_list);                 /* 14 px: inside the slop */
    assert_true(ui_is_pressed(U, ROW_ACTION, 1));
    advance(40);
    up(548, 412, frame_list);
    expect_action(ROW_ACTION, 1);
    assert_true(list.offset == 0.0f);
}

static void check_drag(int step)
{
    reset_list();
    down(540, 900, frame_list);                 /* row 4 */
    assert_true(ui_is_pressed(U, ROW_ACTION, 4));
    drag_y(540, 900, 600, step, 16, frame_list);
    /* the press is gone the moment the drag starts */
    assert_false(ui_is_pressed(U, ROW_ACTION, 4));
    for (int i = 0; i < ROWS; i++)
        assert_false(ui_is_pressed(U, ROW_ACTION, i));
    /* the content followed the finger the whole way */
    if (list.offset != 300.0f)
        print_error("steps of %d px: offset %f after a 300 px drag\n", step, list.offset);
    assert_true(list.offset == 300.0f);
    advance(200);                               /* rest, then lift */
    up(540, 600, frame_list);
    no_action();
    assert_int_equal(animate_to_rest(frame_list), 0);
    assert_true(list.offset == 300.0f);
    /* the row now under the finger is row 6; it was never pressed */
    no_action();
}

static void test_drag_cancels_press_and_scrolls(void **state)
{
    (void)state;
    check_drag(25);     /* the harness's step size */
    check_drag(4);      /* a touch panel's */
    check_drag(1);
    /* dragging back down scrolls back */
    reset_list();
    list.offset = 500;
    frame_list();
    down(540, 600, frame_list);
    drag_y(540, 600, 800, 10, 16, frame_list);
    assert_true(list.offset == 300.0f);
    advance(100);
    up(540, 800, frame_list);
    no_action();
}

static void test_drag_clamped(void **state)
{
    (void)state;
    reset_list();
    down(540, 1100, frame_list);
    drag_y(540, 1100, -1900, 25, 16, frame_list);     /* 3000 px up */
    assert_true(list.offset == 2000.0f);              /* content - view */
    drag_y(540, -1900, -1500, 25, 16, frame_list);    /* turning back moves at once */
    assert_true(list.offset == 1600.0f);
    drag_y(540, -1500, 1900, 25, 16, frame_list);     /* far down */
    assert_true(list.offset == 0.0f);
    advance(200);
    up(540, 1900, frame_list);
    no_action();
    assert_int_equal(animate_to_rest(frame_list), 0);
    assert_true(list.offset == 0.0f);
    /* content shorter than the view does not scroll at all */
    ui_scroll small = {0};
    ui_begin(U);
    ui_scroll_begin(U, &small, VIEW, 400);
    ui_scroll_end(U, &small, VIEW);
    ui_end(U);
    ui_pointer_down(U, 540, 900);
    for (int y = 880; y >= 400; y -= 20) {
        advance(16);
        ui_pointer_move(U, 540, y);
    }
    ui_pointer_up(U, 540, 400);
    assert_true(small.offset == 0.0f);
    assert_false(ui_animate(U, 16));
}

/* Six quick moves of 40 px and a lift while moving. */
static void flick(void)
{
    reset_list();
    down(540, 1100, frame_list);
    drag_y(540, 1100, 860, 40, 16, frame_list);
    assert_true(list.offset == 240.0f);
}

static void test_fling_keeps_moving_then_stops(void **state)
{
    (void)state;
    flick();
    up(540, 860, frame_list);                       /* no rest */
    no_action();
    assert_true(list.velocity > 0.0f);
    int frames = animate_to_rest(frame_list);
    assert_true(frames > 3);
    /* it went on well past where the finger lifted, and stopped */
    assert_true(list.offset > 240.0f + 100.0f);
    assert_true(list.offset <= 2000.0f);
    assert_true(list.velocity == 0.0f);
    float rest = list.offset;
    assert_false(ui_animate(U, 16));
    assert_true(list.offset == rest);
    /* lifting a few ms after the last move is still a fling */
    flick();
    advance(30);
    up(540, 860, frame_list);
    assert_true(animate_to_rest(frame_list) > 3);
    assert_true(list.offset > 240.0f + 50.0f);
}

static void test_fling_clamped_at_end(void **state)
{
    (void)state;
    reset_list();
    list.offset = 1900;
    frame_list();
    down(540, 1100, frame_list);
    drag_y(540, 1100, 860, 40, 16, frame_list);
    up(540, 860, frame_list);
    animate_to_rest(frame_list);
    assert_true(list.offset == 2000.0f);
    assert_true(list.velocity == 0.0f);
}

static void test_rest_before_release_no_fling(void **state)
{
    (void)state;
    flick();
    advance(100);                                   /* rests > 80 ms */
    up(540, 860, frame_list);
    no_action();
    assert_false(ui_animate(U, 16));
    assert_true(list.offset == 240.0f);
    assert_int_equal(animate_to_rest(frame_list), 0);
    assert_true(list.offset == 240.0f);
}

static void test_touch_stops_fling(void **state)
{
    (void)state;
    flick();
    up(540, 860, frame_list);
    for (int i = 0; i < 3; i++) {
        assert_true(ui_animate(U, 16));
        advance(16);
        frame_list();
    }
    float at = list.offset;
    down(540, 700, frame_list);
    assert_false(ui_animate(U, 16));
    assert_true(list.offset == at);
    advance(50);
    up(540, 700, frame_list);
    /* (whether the stopping touch may also tap the row is not specified) */
    int a;
    intptr_t g;
    (void)take(&a, &g);
    assert_false(ui_animate(U, 16));
    assert_true(list.offset == at);
}

/* --- layers ---------------------------------------------------------------- */

static const SDL_Rect UNDER = {100, 300, 400, 200};
static const SDL_Rect DIALOG_OK = {300, 1300, 400, 120};

static void frame_dialog(void)
{
    ui_begin(U);
    int off = ui_scroll_begin(U, &list, VIEW, ROWS * ROW_H);
    (void)off;
    ui_target_add(U, UNDER, 1, 0, "底层按钮");
    ui_scroll_end(U, &list, VIEW);
    /* a dialog opens over it */
    ui_layer_push(U);
    ui_target_add(U, DIALOG_OK, 2, 0, "确定");
    ui_end(U);
}

static void test_dialog_layer_blocks_lower_targets(void **state)
{
    (void)state;
    memset(&list, 0, sizeof list);
    frame_dialog();
    down(300, 400, frame_dialog);
    assert_false(ui_is_pressed(U, 1, 0));
    up(300, 400, frame_dialog);
    no_action();
    /* nor can the list under the dialog be dragged */
    down(300, 900, frame_dialog);
    drag_y(300, 900, 500, 25, 16, frame_dialog);
    up(300, 500, frame_dialog);
    assert_true(list.offset == 0.0f);
    assert_false(ui_animate(U, 16));
    no_action();
    /* the dialog's own button works */
    down(500, 1350, frame_dialog);
    up(500, 1350, frame_dialog);
    expect_action(2, 0);
    /* the harness sees the same */
    assert_null(ui_find_target(U, "底层按钮"));
    const ui_target *t = ui_find_target(U, "确定");
    assert_non_null(t);
    assert_int_equal(t->action, 2);
}

/* --- queries ---------------------------------------------------------------- */

static void test_find_target_exact_beats_partial(void **state)
{
    (void)state;
    const SDL_Rect a = {0, 0, 500, 100}, b = {0, 200, 500, 100}, c = {0, 400, 500, 100};
    for (int order = 0; order < 2; order++) {
        ui_begin(U);
        if (order == 0) {
            ui_target_add(U, a, 1, 0, "社会保险查询");
            ui_target_add(U, b, 2, 0, "社会保险");
            ui_target_add(U, c, 3, 0, "社会保险缴费");
        } else {
            ui_target_add(U, c, 3, 0, "社会保险缴费");
            ui_target_add(U, b, 2, 0, "社会保险");
            ui_target_add(U, a, 1, 0, "社会保险查询");
        }
        ui_end(U);
        const ui_target *t = ui_find_target(U, "社会保险");
        assert_non_null(t);
        assert_int_equal(t->action, 2);
        t = ui_find_target(U, "查询");
        assert_non_null(t);
        assert_int_equal(t->action, 1);
        assert_null(ui_find_target(U, "户籍"));
    }
    /* a target scrolled out of its view cannot be found */
    memset(&list, 0, sizeof list);
    frame_list();
    assert_non_null(ui_find_target(U, "row 6"));
    assert_null(ui_find_target(U, "row 7"));
    list.offset = 1000;
    frame_list();
    assert_null(ui_find_target(U, "row 5"));      /* -50..100: above the view */
    assert_non_null(ui_find_target(U, "row 6"));  /* 100..250: partly inside */
    assert_non_null(ui_find_target(U, "row 13"));
}

static void test_find_text_inside_target(void **state)
{
    (void)state;
    NEED_FONTS();
    const SDL_Rect tile = {40, 600, 1000, 200};
    ui_begin(U);
    ui_target_add(U, tile, 5, 9, "");
    ui_text(U, "城乡居民养老保险", 80, 620, 900, U->th.text_body, TEXT_BOLD, U->th.text,
            UI_LEFT, false);
    ui_text(U, "待遇申领", 80, 700, 900, U->th.text_small, TEXT_REGULAR, U->th.muted, UI_LEFT,
            false);
    ui_text(U, "不在任何按钮上", 80, 1400, 900, U->th.text_body, TEXT_REGULAR, U->th.text,
            UI_LEFT, false);
    ui_end(U);
    const ui_target *t = ui_find_target(U, "待遇申领");
    assert_non_null(t);
    assert_int_equal(t->action, 5);
    assert_int_equal(t->arg, 9);
    t = ui_find_target(U, "养老保险");
    assert_non_null(t);
    assert_int_equal(t->action, 5);
    assert_null(ui_find_target(U, "不在任何按钮上"));
    assert_true(ui_text_visible(U, "不在任何按钮上"));
}

/* The lines one paragraph recorded, for building queries that span them. */
static int paragraph_lines(const char *lines[], int max)
{
    int n = 0, group = -1;
    for (int i = 0; i < U->n_texts && n < max; i++) {
        if (group < 0)
            group = U->texts[i].group;
        if (U->texts[i].group == group)
            lines[n++] = U->texts[i].text;
    }
    return n;
}

static void frame_paragraph(const char *text, int width)
{
    ui_begin(U);
    ui_paragraph(U, text, 40, 300, width, U->th.text_body, TEXT_REGULAR, U->th.text, UI_LEFT,
                 true);
    ui_text(U, "返回", 40, 1700, 300, U->th.text_body, TEXT_REGULAR, U->th.text, UI_LEFT,
            false);
    ui_text(U, "首页", 400, 1700, 300, U->th.text_body, TEXT_REGULAR, U->th.text, UI_LEFT,
            false);
    ui_end(U);
}

static void test_text_visible_across_wrapped_lines(void **state)
{
    (void)state;
    NEED_FONTS();
    const char *lines[64];

    const char *latin = "Please bring your resident identity card and household register";
    frame_paragraph(latin, 300);
    int n = paragraph_lines(lines, 64);
    assert_true(n >= 3);
    assert_true(ui_text_visible(U, latin));
    /* the last word of line 0, the space lost at the break, line 1's first */
    char q[256];
    const char *last = strrchr(lines[0], ' ');
    const char *sp = strchr(lines[1], ' ');
    snprintf(q, sizeof q, "%s %.*s", last ? last + 1 : lines[0],
             sp ? (int)(sp - lines[1]) : (int)strlen(lines[1]), lines[1]);
    assert_true(ui_text_visible(U, q));
    assert_false(ui_text_visible(U, "identity  card"));
    assert_false(ui_text_visible(U, "register返回"));
    /* separate texts are not one paragraph */
    assert_true(ui_text_visible(U, "返回"));
    assert_false(ui_text_visible(U, "返回首页"));
    assert_false(ui_text_visible(U, "返回 首页"));

    const char *cjk = "请携带本人居民身份证和户口簿原件及复印件到社会保障服务窗口办理";
    frame_paragraph(cjk, 300);
    n = paragraph_lines(lines, 64);
    assert_true(n >= 3);
    assert_true(ui_text_visible(U, cjk));
    /* two characters either side of the first break */
    size_t l0 = strlen(lines[0]);
    snprintf(q, sizeof q, "%s%.6s", lines[0] + l0 - 6, lines[1]);
    assert_true(ui_text_visible(U, q));

    const char *mixed = "办理Social Security卡需携带本人有效身份证件";
    frame_paragraph(mixed, 200);
    assert_true(paragraph_lines(lines, 64) >= 2);
    assert_true(ui_text_visible(U, mixed));

    /* a long address wrapped after '/' and '-' lost no space there */
    const char *url = "https://zwfw.example.gov.cn/banshi/shebao-apply-online/form";
    frame_paragraph(url, 300);
    n = paragraph_lines(lines, 64);
    assert_true(n >= 2);
    if (!ui_text_visible(U, url))
        ui_dump_text(U, stderr);
    assert_true(ui_text_visible(U, url));
}

static ui_scroll clip_list;

static void frame_clipped(void)
{
    const SDL_Rect view = {0, 200, W, 300};
    ui_begin(U);
    int off = ui_scroll_begin(U, &clip_list, view, 2000);
    ui_text(U, "顶部文字", 40, 220 - off, 800, U->th.text_body, TEXT_REGULAR, U->th.text,
            UI_LEFT, false);
    ui_paragraph(U, "底部很长的段落内容", 40, 1400 - off, 800, U->th.text_body, TEXT_REGULAR,
                 U->th.text, UI_LEFT, true);
    ui_scroll_end(U, &clip_list, view);
    ui_text(U, "列表外面", 40, 600, 800, U->th.text_body, TEXT_REGULAR, U->th.text, UI_LEFT,
            false);
    ui_end(U);
}

static void test_text_clipped_by_scroll_view(void **state)
{
    (void)state;
    NEED_FONTS();
    memset(&clip_list, 0, sizeof clip_list);
    frame_clipped();
    assert_true(ui_text_visible(U, "顶部文字"));
    assert_false(ui_text_visible(U, "底部很长"));
    assert_true(ui_text_visible(U, "列表外面"));
    clip_list.offset = 1200;
    frame_clipped();
    assert_false(ui_text_visible(U, "顶部文字"));
    assert_true(ui_text_visible(U, "底部很长"));
    assert_true(ui_text_visible(U, "列表外面"));
}

/* Issue 13 item 8: lines drawn as the resident's words are dropped from the
 * text cache at session end; other lines stay; a line already cached is
 * marked when drawn again as private text; the frame's record is wiped. */
static void test_private_text_forgotten(void **state)
{
    (void)state;
    NEED_FONTS();
    text_flush();
    ui_begin(U);
    ui_text(U, "公开的标题", 40, 100, 800, U->th.text_body, TEXT_REGULAR, U->th.text, UI_LEFT,
            false);
    ui_text(U, "另一行公开文字", 40, 200, 800, U->th.text_body, TEXT_REGULAR, U->th.text,
            UI_LEFT, false);
    text_private(true);
    ui_text(U, "0123456789", 40, 300, 800, U->th.text_body, TEXT_REGULAR, U->th.text, UI_LEFT,
            false);
    /* the same text as a public line: now the resident's too */
    ui_text(U, "另一行公开文字", 40, 400, 800, U->th.text_body, TEXT_REGULAR, U->th.text,
            UI_LEFT, false);
    text_private(false);
    ui_end(U);
    assert_int_equal(text_get_stats().textures, 3);
    assert_true(ui_text_visible(U, "0123456789"));

    text_forget_private();
    assert_int_equal(text_get_stats().textures, 1);
    text_forget_private();      /* nothing left to drop */
    assert_int_equal(text_get_stats().textures, 1);

    ui_forget_frame(U);
    assert_false(ui_text_visible(U, "0123456789"));
    assert_false(ui_text_visible(U, "公开的标题"));
    for (size_t i = 0; i < sizeof U->arena; i++)
        assert_int_equal(U->arena[i], 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup(fn, setup)
    const struct CMUnitTest tests[] = {
        T(test_tap_activates_on_release_once),
        T(test_release_outside_no_action),
        T(test_pressed_state_shows_within_one_frame),
        T(test_small_wobble_still_taps),
        T(test_drag_cancels_press_and_scrolls),
        T(test_drag_clamped),
        T(test_fling_keeps_moving_then_stops),
        T(test_fling_clamped_at_end),
        T(test_rest_before_release_no_fling),
        T(test_touch_stops_fling),
        T(test_dialog_layer_blocks_lower_targets),
        T(test_find_target_exact_beats_partial),
        T(test_find_text_inside_target),
        T(test_text_visible_across_wrapped_lines),
        T(test_text_clipped_by_scroll_view),
        T(test_private_text_forgotten),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
