/*
 * The app's input routing, on the real app headless: a touch arrives once
 * even when the platform also synthesises a mouse click from it; a mouse
 * still works on its own; a second finger neither taps nor disturbs the
 * first; a drag never taps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "app/app.h"
#include "common/clock.h"
#include "registry/registry.h"
#include "screens/screens.h"

#define CONFIG KIOSK_SOURCE_DIR "/tests/e2e/portrait.conf"

static settings cfg;
static app a;

static int setup(void **state)
{
    (void)state;
    diag_list errs = DIAG_LIST_INIT;
    if (!settings_load(&cfg, CONFIG, &errs))
        return -1;
    catalog *cat = catalog_load(cfg.catalog_path, &errs);
    diag_clear(&errs);
    if (!cat)
        return -1;
    cfg.idcard_simulate = SIMULATE_OFF;     /* no reader thread needed here */
    clock_use_virtual(0);
    app_setup su = {.cfg = &cfg, .cat = cat, .headless = true};
    registry_setup(&su);
    if (!app_init(&a, &su))
        return -1;
    app_pump(&a);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    app_shutdown(&a);
    settings_free(&cfg);
    return 0;
}

static int reset(void **state)
{
    (void)state;
    app_go_home(&a);
    app_pump(&a);
    return 0;
}

static void finger(Uint32 type, SDL_FingerID id, SDL_Point p)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.tfinger.touchId = 1;
    ev.tfinger.fingerId = id;
    ev.tfinger.x = (float)p.x / (float)a.w;
    ev.tfinger.y = (float)p.y / (float)a.h;
    app_handle_event(&a, &ev);
    app_pump(&a);
}

static void mouse(Uint32 type, Uint32 which, SDL_Point p)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.button.which = which;
    ev.button.button = SDL_BUTTON_LEFT;
    ev.button.x = p.x;
    ev.button.y = p.y;
    app_handle_event(&a, &ev);
    app_pump(&a);
}

static SDL_Point centre_of(const char *label)
{
    const ui_target *t = ui_find_target(&a.ui, label);
    assert_non_null(t);
    SDL_Point p = {t->rect.x + t->rect.w / 2, t->rect.y + t->rect.h / 2};
    return p;
}

static void test_touch_and_its_synthetic_click_activate_once(void **state)
{
    (void)state;
    SDL_Point p = centre_of("社会保险");
    finger(SDL_FINGERDOWN, 7, p);
    mouse(SDL_MOUSEBUTTONDOWN, SDL_TOUCH_MOUSEID, p);
    finger(SDL_FINGERUP, 7, p);
    mouse(SDL_MOUSEBUTTONUP, SDL_TOUCH_MOUSEID, p);
    assert_int_equal(a.depth, 2);
    assert_string_equal(app_top(&a)->name, "category");
}

/* Some platforms deliver the synthetic click after the touch has ended:
 * by then the category screen is open and a service row lies under it. */
static void test_late_synthetic_click_is_ignored(void **state)
{
    (void)state;
    SDL_Point p = centre_of("社会保险");
    finger(SDL_FINGERDOWN, 8, p);
    finger(SDL_FINGERUP, 8, p);
    assert_string_equal(app_top(&a)->name, "category");
    assert_non_null(ui_find_target(&a.ui, "社保参保证明打印"));
    mouse(SDL_MOUSEBUTTONDOWN, SDL_TOUCH_MOUSEID, p);
    mouse(SDL_MOUSEBUTTONUP, SDL_TOUCH_MOUSEID, p);
    assert_int_equal(a.depth, 2);
    assert_string_equal(app_top(&a)->name, "category");
}

static void test_mouse_alone_works(void **state)
{
    (void)state;
    SDL_Point p = centre_of("医疗保障");
    mouse(SDL_MOUSEBUTTONDOWN, 0, p);
    mouse(SDL_MOUSEBUTTONUP, 0, p);
    assert_string_equal(app_top(&a)->name, "category");
}

static void test_second_finger_is_ignored(void **state)
{
    (void)state;
    SDL_Point first = centre_of("社会保险");
    SDL_Point other = centre_of("医疗保障");
    finger(SDL_FINGERDOWN, 1, first);
    finger(SDL_FINGERDOWN, 2, other);   /* a palm, a second hand */
    finger(SDL_FINGERUP, 2, other);
    assert_string_equal(app_top(&a)->name, "home");
    finger(SDL_FINGERUP, 1, first);
    assert_string_equal(app_top(&a)->name, "category");
}

static void test_drag_never_taps(void **state)
{
    (void)state;
    SDL_Point p = centre_of("社会保险");
    finger(SDL_FINGERDOWN, 3, p);
    for (int i = 1; i <= 10; i++) {
        clock_advance(16);
        SDL_Point q = {p.x, p.y - i * 20};
        finger(SDL_FINGERMOTION, 3, q);
    }
    SDL_Point end = {p.x, p.y - 200};
    clock_advance(200);
    finger(SDL_FINGERUP, 3, end);
    assert_string_equal(app_top(&a)->name, "home");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_touch_and_its_synthetic_click_activate_once, reset),
        cmocka_unit_test_setup(test_late_synthetic_click_is_ignored, reset),
        cmocka_unit_test_setup(test_mouse_alone_works, reset),
        cmocka_unit_test_setup(test_second_finger_is_ignored, reset),
        cmocka_unit_test_setup(test_drag_never_taps, reset),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
