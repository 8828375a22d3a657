/*
 * A language is data: a made-up one (xx) loaded from test fixtures alone --
 * its strings file, a few catalogue texts and a config line -- with no C
 * code knowing it. The e2e test tests/e2e/made_up_lang drives the same
 * files through the real kiosk.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "catalog/catalog.h"
#include "catalog/catalog_search.h"
#include "i18n/i18n.h"
#include "settings/settings.h"

#define LANG_DIR FIXTURES_DIR "/lang"
#define CONF KIOSK_SOURCE_DIR "/tests/e2e/made_up_lang/made_up_lang.conf"

static void dump(const diag_list *l)
{
    diag_print(l, stderr);
}

static void test_config_lists_xx(void **state)
{
    (void)state;
    settings s;
    diag_list errors = DIAG_LIST_INIT;
    bool ok = settings_load(&s, CONF, &errors);
    if (!ok)
        dump(&errors);
    assert_true(ok);
    assert_int_equal(s.n_langs, 3);
    assert_string_equal(s.langs[2], "xx");
    assert_string_equal(s.fallback_lang, "zh");
    assert_string_equal(settings_site_name(&s, "xx"), "Xx Wenxin Centre");
    const char *tail = "/fixtures/lang/assets";
    assert_true(strlen(s.assets_dir) > strlen(tail));
    assert_string_equal(s.assets_dir + strlen(s.assets_dir) - strlen(tail), tail);
    settings_free(&s);
    diag_clear(&errors);
}

static void test_strings(void **state)
{
    (void)state;
    static const char langs[][8] = {"zh", "en", "xx"};
    diag_list errors = DIAG_LIST_INIT;
    bool ok = i18n_load(LANG_DIR "/assets/strings", langs, 3, "zh", &errors);
    if (!ok || errors.count)
        dump(&errors);
    assert_true(ok);
    assert_int_equal(errors.count, 0);  /* xx has every key: no warning */
    assert_true(i18n_set_lang("xx"));
    assert_string_equal(i18n_lang(), "xx");
    assert_string_equal(tr("lang.self"), "Xxish");
    assert_string_equal(tr("home.categories"), "Xx Browse by category");
    char buf[64];
    assert_string_equal(i18n_days(buf, sizeof buf, 5), "Xx 5 working days");
    assert_string_equal(tr(catalog_form_key(MATERIAL_COPY)), "Xx Copy");
    /* the others are untouched */
    assert_string_equal(tr_lang("zh", "home.categories"), "按类别查找");
    assert_string_equal(tr_lang("en", "home.categories"), "Browse by category");
    /* an unknown key is the key, in xx too */
    assert_string_equal(tr("no.such.key"), "no.such.key");
    i18n_unload();

    /* without zh.json's gaps filled, xx falls back to the fallback (zh) */
    static const char zh_xx[][8] = {"xx", "zh"};
    assert_true(i18n_load(LANG_DIR "/assets/strings", zh_xx, 2, "zh", &errors));
    assert_string_equal(i18n_lang(), "xx");
    assert_string_equal(tr_lang("fr", "home.categories"), "按类别查找");
    i18n_unload();
    diag_clear(&errors);
}

static void test_catalog_texts(void **state)
{
    (void)state;
    diag_list errors = DIAG_LIST_INIT;
    ltext_set_fallback("zh");
    catalog *c = catalog_load(LANG_DIR "/catalog.json", &errors);
    if (!c)
        dump(&errors);
    assert_non_null(c);
    const catalog_service *s = &c->services[0];
    assert_string_equal(ltext_get(&s->name, "xx"), "Xx cover payment");
    assert_string_equal(ltext_exact(&s->summary, "xx"), "Xx pay the cover");
    /* no xx department: the fallback language's */
    assert_null(ltext_exact(&s->department, "xx"));
    assert_string_equal(ltext_get(&s->department, "xx"), "人力社保局");
    assert_string_equal(ltext_get(&c->categories[1].name, "xx"), "住房");
    assert_string_equal(ltext_get(&c->categories[0].name, "xx"), "Xx social cover");
    /* search indexes the xx name, and ranks it first in an xx UI */
    catalog_hit hits[4];
    assert_int_equal(catalog_search(c, "cover payment", "xx", hits, 4), 1);
    assert_ptr_equal(hits[0].service, s);
    int xx_score = hits[0].score;
    assert_int_equal(catalog_search(c, "cover payment", "en", hits, 4), 1);
    assert_true(xx_score > hits[0].score);
    catalog_free(c);
    diag_clear(&errors);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_lists_xx),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_catalog_texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
