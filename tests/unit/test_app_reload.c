/*
 * The catalogue is reloaded off the UI thread (issue 13 item 3): the UI
 * keeps drawing frames while a large replaced catalogue is read and
 * checked, the swap happens between two frames, only the newest of two
 * quick replacements is swapped in, and a refused file keeps the last good
 * catalogue. Nothing here measures time: the test counts frames drawn
 * before the swap (none, when the load ran on the UI thread).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "app/app.h"
#include "common/clock.h"
#include "hub/hub.h"
#include "registry/registry.h"

#define CONFIG KIOSK_SOURCE_DIR "/tests/e2e/portrait.conf"
#define BIG_SERVICES 3000

static settings cfg;
static app a;
static char dir[] = "/tmp/kiosk-reload-XXXXXX";
static char big[64], small[64];

/* The shipped catalogue grown to n services (each copy with a new id),
 * written to path. A few MiB: seconds to check, under ASan more. */
static int write_big(const char *path, size_t n)
{
    json_error_t err;
    json_t *root = json_load_file(KIOSK_SOURCE_DIR "/config/catalog.json", 0, &err);
    if (!root)
        return -1;
    json_t *svcs = json_object_get(root, "services");
    size_t base = json_array_size(svcs);
    for (size_t i = base; i < n; i++) {
        json_t *s = json_deep_copy(json_array_get(svcs, i % base));
        char id[32];
        snprintf(id, sizeof id, "reload-%05zu", i);
        json_object_set_new(s, "id", json_string(id));
        json_array_append_new(svcs, s);
    }
    int rc = json_dump_file(root, path, JSON_INDENT(1));
    json_decref(root);
    return rc;
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    snprintf(big, sizeof big, "%s/big.json", dir);
    snprintf(small, sizeof small, "%s/small.json", dir);
    if (write_big(big, BIG_SERVICES) != 0 || write_big(small, 56) != 0)
        return -1;
    diag_list errs = DIAG_LIST_INIT;
    if (!settings_load(&cfg, CONFIG, &errs))
        return -1;
    catalog *cat = catalog_load(cfg.catalog_path, &errs);
    diag_clear(&errs);
    if (!cat)
        return -1;
    cfg.idcard_simulate = SIMULATE_OFF;
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
    unlink(big);
    unlink(small);
    rmdir(dir);
    return 0;
}

/* Draws frames until the newest reload was handled; returns how many were
 * drawn. A real-time watchdog only (a stuck loader fails, a slow one not). */
static int pump_until_loaded(void)
{
    time_t start = time(NULL);
    int frames = 0;
    while (app_catalog_loading(&a)) {
        assert_true(time(NULL) - start < 300);
        app_invalidate(&a);
        app_pump(&a);
        frames++;
    }
    app_pump(&a);
    return frames;
}

static void test_frames_while_a_large_catalogue_loads(void **state)
{
    (void)state;
    const catalog *before = a.cat;
    assert_true(app_reload_catalog(&a, big));
    /* app_reload_catalog returned before anything was loaded: the swap can
     * only happen on this thread, in app_pump */
    assert_ptr_equal(a.cat, before);
    assert_true(app_catalog_loading(&a));
    int frames = pump_until_loaded();
    print_message("frames drawn while %d services loaded: %d\n", BIG_SERVICES, frames);
    assert_true(frames > 1);
    assert_ptr_not_equal(a.cat, before);
    assert_int_equal(a.cat->n_services, BIG_SERVICES);
    assert_true(hub_idle());
}

static void test_newest_file_wins(void **state)
{
    (void)state;
    /* the big one starts loading; the small one replaces it meanwhile */
    assert_true(app_reload_catalog(&a, big));
    assert_true(app_reload_catalog(&a, small));
    pump_until_loaded();
    assert_int_equal(a.cat->n_services, 56);
    /* and the other way round */
    assert_true(app_reload_catalog(&a, small));
    assert_true(app_reload_catalog(&a, big));
    pump_until_loaded();
    assert_int_equal(a.cat->n_services, BIG_SERVICES);
}

static void test_refused_file_keeps_the_last_good(void **state)
{
    (void)state;
    assert_true(app_reload_catalog(&a, small));
    pump_until_loaded();
    const catalog *good = a.cat;
    assert_true(app_reload_catalog(&a, FIXTURES_DIR "/catalog/empty-category.json"));
    pump_until_loaded();
    assert_ptr_equal(a.cat, good);
    assert_true(app_reload_catalog(&a, FIXTURES_DIR "/catalog/invisible.json"));
    pump_until_loaded();
    assert_ptr_equal(a.cat, good);
    assert_false(app_catalog_loading(&a));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frames_while_a_large_catalogue_loads),
        cmocka_unit_test(test_newest_file_wins),
        cmocka_unit_test(test_refused_file_keeps_the_last_good),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
