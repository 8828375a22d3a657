/*
 * catalog: loading, validation messages (exact FILE:LINE:COL and text for
 * every rule), encodings, limits and the small display helpers.
 *
 * Most cases start from BASE, a valid two-service catalogue laid out one
 * field per line, and make one edit to it, so each test shows exactly what
 * the technician got wrong and exactly what they are told.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../support/text_edit.h"

#include "catalog/catalog.h"
#include "../support/diag_expect.h"

static const char BASE[] =
    "{\"version\": \"2026.11\",\n"
    " \"categories\": [\n"
    "  {\"id\": \"social\", \"name\": {\"zh\": \"社会保险\", \"en\": \"Social insurance\"}, \"icon\": \"shield\"},\n"
    "  {\"id\": \"housing\", \"name\": \"住房\"}],\n"
    " \"services\": [\n"
    "  {\"id\": \"330106-000-00-001\",\n"
    "   \"name\": {\"zh\": \"社保缴费\", \"en\": \"Social insurance payment\"},\n"
    "   \"department\": {\"zh\": \"人力社保局\", \"en\": \"HR and Social Security Bureau\"},\n"
    "   \"category\": \"social\",\n"
    "   \"kiosk\": true,\n"
    "   \"needs_identity\": true,\n"
    "   \"summary\": {\"zh\": \"缴纳社会保险费\", \"en\": \"Pay social insurance\"},\n"
    "   \"conditions\": [\"本区户籍\", {\"zh\": \"年满16周岁\", \"en\": \"Aged 16 or over\"}],\n"
    "   \"materials\": [{\"name\": {\"zh\": \"身份证\", \"en\": \"ID card\"}, \"count\": 1, \"form\": \"original\", \"notes\": \"有效期内\"},\n"
    "                 {\"name\": \"户口簿\", \"count\": 2, \"form\": \"original_and_copy\"}],\n"
    "   \"steps\": [\"刷身份证\", \"确认金额\", \"扫码支付\"],\n"
    "   \"time_limit\": {\"legal_days\": 5, \"promised_days\": 3},\n"
    "   \"fees\": \"不收费\",\n"
    "   \"window\": \"3号窗口\",\n"
    "   \"address\": \"市民中心一楼\",\n"
    "   \"phone\": \"0571-87654321\",\n"
    "   \"hours\": \"周一至周五 9:00-17:00\",\n"
    "   \"online_url\": \"https://www.example.gov.cn/sb\",\n"
    "   \"keywords\": [\"养老\", \"Pension\"],\n"
    "   \"pinyin\": [\"she bao jiao fei\", \"she hui bao xian\"]},\n"
    "  {\"id\": \"330106-000-00-002\", \"name\": \"公积金提取\", \"department\": \"公积金中心\", \"category\": \"housing\", \"kiosk\": false, \"needs_identity\": false, \"conditions\": [\"已缴存\"], \"materials\": [], \"steps\": [\"申请\"], \"time_limit\": {\"legal_days\": -1, \"promised_days\": 10}, \"fees\": \"不收费\", \"window\": \"5号窗口\", \"address\": \"二楼\", \"phone\": \"12329\", \"hours\": \"工作日\"}]}\n"
    ;

/* base with the first occurrence of from replaced by to (fails the test
 * when from is not there); the caller frees. */
static char *replace(const char *base, const char *from, const char *to)
{
    char *out = text_replace_first(base, from, to);
    if (!out)
        fail_msg("edit not found in the catalogue: %s", from);
    return out;
}

/* BASE with edits applied: pairs of from, to, then NULL. */
static char *edited(const char *const *edits)
{
    char *text = strdup(BASE);
    assert_non_null(text);
    for (size_t i = 0; edits[i]; i += 2) {
        char *next = replace(text, edits[i], edits[i + 1]);
        free(text);
        text = next;
    }
    return text;
}

static char *repeat(const char *s, size_t n)
{
    size_t len = strlen(s);
    char *out = malloc(len * n + 1);
    assert_non_null(out);
    for (size_t i = 0; i < n; i++)
        memcpy(out + i * len, s, len);
    out[len * n] = '\0';
    return out;
}

/* Parses len bytes of text as "t.json" and checks that it is refused with
 * exactly the problems in want (NULL-terminated), formatted FILE:LINE:COL. */
static void expect_text(const char *text, size_t len, const char *const *want)
{
    diag_list errors = DIAG_LIST_INIT;
    catalog *c = catalog_parse(text, len, "t.json", &errors);
    bool same = diag_expect_same(&errors, want);
    assert_null(c);
    assert_true(same);
    diag_clear(&errors);
}

static void expect_str(const char *text, const char *const *want)
{
    expect_text(text, strlen(text), want);
}

static void expect_problems(const char *const *edits, const char *const *want)
{
    char *text = edited(edits);
    expect_str(text, want);
    free(text);
}

/* Parses text that must be valid; the caller frees the catalog. */
static catalog *parse_ok(const char *text)
{
    diag_list errors = DIAG_LIST_INIT;
    catalog *c = catalog_parse(text, strlen(text), "t.json", &errors);
    if (!c || errors.count)
        diag_print(&errors, stderr);
    assert_int_equal(errors.count, 0);
    assert_non_null(c);
    diag_clear(&errors);
    return c;
}

static catalog *parse_edited_ok(const char *const *edits)
{
    char *text = edited(edits);
    catalog *c = parse_ok(text);
    free(text);
    return c;
}

/* ---- a valid catalogue ------------------------------------------------- */

static void test_valid_loads_every_field(void **state)
{
    (void)state;
    catalog *c = parse_ok(BASE);
    assert_string_equal(c->path, "t.json");
    assert_string_equal(c->version, "2026.11");

    assert_int_equal(c->n_categories, 2);
    const catalog_category *k = &c->categories[0];
    assert_string_equal(k->id, "social");
    assert_string_equal(ltext_exact(&k->name, "zh"), "社会保险");
    assert_string_equal(ltext_exact(&k->name, "en"), "Social insurance");
    assert_string_equal(k->icon, "shield");
    assert_int_equal(k->n_services, 1);
    assert_int_equal(k->services[0], 0);
    k = &c->categories[1];
    assert_string_equal(k->id, "housing");
    assert_string_equal(ltext_exact(&k->name, "zh"), "住房");
    assert_null(ltext_exact(&k->name, "en"));
    assert_null(k->icon);
    assert_int_equal(k->n_services, 1);
    assert_int_equal(k->services[0], 1);

    assert_int_equal(c->n_services, 2);
    const catalog_service *s = &c->services[0];
    assert_string_equal(s->id, "330106-000-00-001");
    assert_string_equal(ltext_exact(&s->name, "zh"), "社保缴费");
    assert_string_equal(ltext_exact(&s->name, "en"), "Social insurance payment");
    assert_string_equal(ltext_exact(&s->department, "zh"), "人力社保局");
    assert_string_equal(ltext_exact(&s->department, "en"), "HR and Social Security Bureau");
    assert_int_equal(s->category, 0);
    assert_true(s->kiosk);
    assert_true(s->needs_identity);
    assert_string_equal(ltext_exact(&s->summary, "zh"), "缴纳社会保险费");
    assert_string_equal(ltext_exact(&s->summary, "en"), "Pay social insurance");
    assert_int_equal(s->n_conditions, 2);
    assert_string_equal(ltext_exact(&s->conditions[0], "zh"), "本区户籍");
    assert_null(ltext_exact(&s->conditions[0], "en"));
    assert_string_equal(ltext_exact(&s->conditions[1], "zh"), "年满16周岁");
    assert_string_equal(ltext_exact(&s->conditions[1], "en"), "Aged 16 or over");
    assert_int_equal(s->n_materials, 2);
    assert_string_equal(ltext_exact(&s->materials[0].name, "zh"), "身份证");
    assert_string_equal(ltext_exact(&s->materials[0].name, "en"), "ID card");
    assert_int_equal(s->materials[0].count, 1);
    assert_int_equal(s->materials[0].form, MATERIAL_ORIGINAL);
    assert_string_equal(ltext_exact(&s->materials[0].notes, "zh"), "有效期内");
    assert_string_equal(ltext_exact(&s->materials[1].name, "zh"), "户口簿");
    assert_int_equal(s->materials[1].count, 2);
    assert_int_equal(s->materials[1].form, MATERIAL_ORIGINAL_AND_COPY);
    assert_null(ltext_exact(&s->materials[1].notes, "zh"));
    assert_int_equal(s->n_steps, 3);
    assert_string_equal(ltext_exact(&s->steps[2], "zh"), "扫码支付");
    assert_int_equal(s->legal_days, 5);
    assert_int_equal(s->promised_days, 3);
    assert_string_equal(ltext_exact(&s->fees, "zh"), "不收费");
    assert_string_equal(ltext_exact(&s->window, "zh"), "3号窗口");
    assert_string_equal(ltext_exact(&s->address, "zh"), "市民中心一楼");
    assert_string_equal(s->phone, "0571-87654321");
    assert_string_equal(ltext_exact(&s->hours, "zh"), "周一至周五 9:00-17:00");
    assert_string_equal(s->online_url, "https://www.example.gov.cn/sb");
    assert_int_equal(s->n_keywords, 2);
    assert_string_equal(s->keywords[0], "养老");
    assert_string_equal(s->keywords[1], "Pension");
    assert_int_equal(s->n_pinyin, 2);
    assert_string_equal(s->pinyin[0], "she bao jiao fei");
    assert_string_equal(s->pinyin[1], "she hui bao xian");
    /* derived keys: zh name, en name, keywords, zh dept, en dept, zh
     * summary, en summary */
    assert_string_equal(s->search_text,
                        "社保缴费\nsocial insurance payment\n养老\npension\n"
                        "人力社保局\nhr and social security bureau\n"
                        "缴纳社会保险费\npay social insurance");
    assert_string_equal(s->search_pinyin, "shebaojiaofei\nshehuibaoxian");
    assert_string_equal(s->search_initials, "sbjf\nshbx");

    s = &c->services[1];
    assert_string_equal(s->id, "330106-000-00-002");
    assert_string_equal(ltext_exact(&s->name, "zh"), "公积金提取");
    assert_null(ltext_exact(&s->name, "en"));
    assert_int_equal(s->category, 1);
    assert_false(s->kiosk);
    assert_false(s->needs_identity);
    assert_null(ltext_exact(&s->summary, "zh"));
    assert_int_equal(s->n_materials, 0);
    assert_int_equal(s->legal_days, -1);
    assert_int_equal(s->promised_days, 10);
    assert_null(s->online_url);
    assert_int_equal(s->n_keywords, 0);
    assert_int_equal(s->n_pinyin, 0);
    /* one line per language present: here zh only (catalog.h's layout) */
    assert_string_equal(s->search_text, "公积金提取\n公积金中心");
    assert_string_equal(s->search_pinyin, "");
    assert_string_equal(s->search_initials, "");
    catalog_free(c);
}

static void test_valid_at_every_limit(void **state)
{
    (void)state;
    char *zh64 = repeat("字", 64), *en128 = repeat("a", 128);
    char *text2000 = repeat("费", 2000), *conds = repeat("\"条件\", ", 49);
    char name[300], en[300], fees[7000], cond_list[600];
    snprintf(name, sizeof name, "\"%s\"", zh64);
    snprintf(en, sizeof en, "\"%s\"", en128);
    snprintf(fees, sizeof fees, "\"fees\": \"%s\",\n", text2000);
    snprintf(cond_list, sizeof cond_list, "\"conditions\": [%s\"已缴存\"]", conds);
    const char *const edits[] = {
        "\"社保缴费\"", name,
        "\"Social insurance payment\"", en,
        "\"fees\": \"不收费\",\n", fees,
        "\"conditions\": [\"已缴存\"]", cond_list,
        "\"count\": 2", "\"count\": 99",
        "\"promised_days\": 3", "\"promised_days\": 5",   /* == legal */
        "\"legal_days\": -1, \"promised_days\": 10",
        "\"legal_days\": 0, \"promised_days\": 0",          /* 即办 */
        "\"phone\": \"12329\"", "\"phone\": \"12345678901234567890123456789012\"",
        NULL};
    catalog *c = parse_edited_ok(edits);
    assert_string_equal(ltext_exact(&c->services[0].name, "zh"), zh64);
    assert_int_equal(c->services[1].n_conditions, 50);
    assert_int_equal(c->services[0].materials[1].count, 99);
    assert_int_equal(c->services[1].legal_days, 0);
    catalog_free(c);
    free(zh64);
    free(en128);
    free(text2000);
    free(conds);
}

static void test_valid_without_optional_fields(void **state)
{
    (void)state;
    const char *const edits[] = {
        ", \"icon\": \"shield\"", "",
        "   \"summary\": {\"zh\": \"缴纳社会保险费\", \"en\": \"Pay social insurance\"},\n", "",
        ", \"notes\": \"有效期内\"", "",
        "   \"online_url\": \"https://www.example.gov.cn/sb\",\n", "",
        "   \"keywords\": [\"养老\", \"Pension\"],\n", "",
        ",\n   \"pinyin\": [\"she bao jiao fei\", \"she hui bao xian\"]", "",
        NULL};
    catalog *c = parse_edited_ok(edits);
    const catalog_service *s = &c->services[0];
    assert_null(ltext_exact(&s->summary, "zh"));
    assert_null(s->online_url);
    assert_int_equal(s->n_keywords, 0);
    assert_int_equal(s->n_pinyin, 0);
    assert_null(c->categories[0].icon);
    assert_string_equal(s->search_text,
                        "社保缴费\nsocial insurance payment\n人力社保局\n"
                        "hr and social security bureau");
    catalog_free(c);
}

static void test_parse_appends_to_existing_errors(void **state)
{
    (void)state;
    /* The list may already hold problems from elsewhere (kiosk.conf): a
     * good catalogue still loads, and a bad one only appends. */
    diag_list errors = DIAG_LIST_INIT;
    diag_add(&errors, "kiosk.conf", 3, 0, "earlier problem");
    catalog *c = catalog_parse(BASE, strlen(BASE), "t.json", &errors);
    assert_non_null(c);
    assert_int_equal(errors.count, 1);
    catalog_free(c);
    assert_null(catalog_parse("[]", 2, "t.json", &errors));
    assert_int_equal(errors.count, 2);
    assert_string_equal(errors.items[0].msg, "earlier problem");
    diag_clear(&errors);
}

static void test_no_name_gives_empty_file_name(void **state)
{
    (void)state;
    diag_list errors = DIAG_LIST_INIT;
    assert_null(catalog_parse("[]", 2, NULL, &errors));
    assert_int_equal(errors.count, 1);
    assert_string_equal(errors.items[0].file, "");
    diag_clear(&errors);
    assert_null(catalog_parse(NULL, 10, "t.json", &errors));
    assert_string_equal(errors.items[0].msg, "file is empty");
    diag_clear(&errors);
}

/* ---- one rule each --------------------------------------------------- */

static void test_version_missing(void **state)
{
    (void)state;
    /* a required top-level field */
    static const char *const edits[] = {
        "{\"version\": \"2026.11\",\n", "{\n",
        NULL};
    static const char *const want[] = {
        "t.json:1:1: version: required field is missing",
        NULL};
    expect_problems(edits, want);
}

static void test_version_wrong_type(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"2026.11\"", "2026.11",
        NULL};
    static const char *const want[] = {
        "t.json:1:13: version: must be a string, got 2026.11",
        NULL};
    expect_problems(edits, want);
}

static void test_unknown_key_suggests(void **state)
{
    (void)state;
    /* a typo names the field it was meant to be */
    static const char *const edits[] = {
        "{\"version\": \"2026.11\",", "{\"version\": \"2026.11\", \"verison\": 1,",
        NULL};
    static const char *const want[] = {
        "t.json:1:24: verison: unknown field; did you mean \"version\"?",
        NULL};
    expect_problems(edits, want);
}

static void test_unknown_key_lists_allowed(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"icon\": \"shield\"}", "\"icon\": \"shield\", \"colour\": \"red\"}",
        NULL};
    static const char *const want[] = {
        "t.json:3:88: categories[0] (id social) colour: unknown field; allowed here: id, name, icon",
        NULL};
    expect_problems(edits, want);
}

static void test_unknown_key_quoted(void **state)
{
    (void)state;
    /* odd characters in a key are shown quoted */
    static const char *const edits[] = {
        "\"name\": \"公积金提取\"", "\"na me\": \"公积金提取\"",
        NULL};
    static const char *const want[] = {
        "t.json:26:3: services[1] (id 330106-000-00-002) name: required field is missing",
        "t.json:26:31: services[1] (id 330106-000-00-002) \"na me\": unknown field; did you mean \"name\"?",
        NULL};
    expect_problems(edits, want);
}

static void test_unknown_service_key(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"hours\": \"工作日\"}", "\"hours\": \"工作日\", \"hour\": \"x\"}",
        NULL};
    static const char *const want[] = {
        "t.json:26:331: services[1] (id 330106-000-00-002) hour: unknown field; did you mean \"hours\"?",
        NULL};
    expect_problems(edits, want);
}

static void test_category_not_object(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "{\"id\": \"housing\", \"name\": \"住房\"}", "\"housing\"",
        NULL};
    static const char *const want[] = {
        "t.json:4:3: categories[1]: must be an object {\"id\": ..., \"name\": ...}, got \"housing\"",
        "t.json:26:83: services[1] (id 330106-000-00-002) category: unknown category \"housing\"; it must be the id of one of the categories",
        NULL};
    expect_problems(edits, want);
}

static void test_category_id_charset(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"id\": \"social\"", "\"id\": \"Social\"",
        NULL};
    static const char *const want[] = {
        "t.json:3:10: categories[0].id: must contain only lower-case letters a-z, digits and '-', got \"Social\"",
        "t.json:9:16: services[0] (id 330106-000-00-001) category: unknown category \"social\"; it must be the id of one of the categories",
        NULL};
    expect_problems(edits, want);
}

static void test_category_id_missing(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "{\"id\": \"housing\", \"name\": \"住房\"}", "{\"name\": \"住房\"}",
        NULL};
    static const char *const want[] = {
        "t.json:4:3: categories[1].id: required field is missing",
        "t.json:26:83: services[1] (id 330106-000-00-002) category: unknown category \"housing\"; it must be the id of one of the categories",
        NULL};
    expect_problems(edits, want);
}

static void test_category_id_duplicate(void **state)
{
    (void)state;
    /* the later entry is the one reported */
    static const char *const edits[] = {
        "{\"id\": \"housing\", \"name\": \"住房\"}", "{\"id\": \"social\", \"name\": \"住房\"}",
        NULL};
    static const char *const want[] = {
        "t.json:4:10: categories[1] (id social) id: duplicate id, already used by categories[0]",
        "t.json:26:83: services[1] (id 330106-000-00-002) category: unknown category \"housing\"; it must be the id of one of the categories",
        NULL};
    expect_problems(edits, want);
}

static void test_category_empty(void **state)
{
    (void)state;
    /* an empty category is an empty home-screen tile */
    static const char *const edits[] = {
        "\"category\": \"housing\"", "\"category\": \"social\"",
        NULL};
    static const char *const want[] = {
        "t.json:4:3: categories[1] (id housing): no service is in this category, so its home-screen tile would lead nowhere; add a service or remove the category",
        NULL};
    expect_problems(edits, want);
}

static void test_category_unknown(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"category\": \"social\"", "\"category\": \"socail\"",
        NULL};
    static const char *const want[] = {
        "t.json:3:3: categories[0] (id social): no service is in this category, so its home-screen tile would lead nowhere; add a service or remove the category",
        "t.json:9:16: services[0] (id 330106-000-00-001) category: unknown category \"socail\"; it must be the id of one of the categories",
        NULL};
    expect_problems(edits, want);
}

static void test_category_name_missing(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "{\"id\": \"housing\", \"name\": \"住房\"}", "{\"id\": \"housing\"}",
        NULL};
    static const char *const want[] = {
        "t.json:4:3: categories[1] (id housing) name: required field is missing",
        NULL};
    expect_problems(edits, want);
}

static void test_icon_charset(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"icon\": \"shield\"", "\"icon\": \"Shield!\"",
        NULL};
    static const char *const want[] = {
        "t.json:3:78: categories[0] (id social) icon: must contain only lower-case letters a-z, digits and '-', got \"Shield!\"",
        NULL};
    expect_problems(edits, want);
}

static void test_service_not_object(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"hours\": \"工作日\"}]}", "\"hours\": \"工作日\"}, 42]}",
        NULL};
    static const char *const want[] = {
        "t.json:26:332: services[2]: must be an object {\"id\": ..., \"name\": ..., ...}, got 42",
        NULL};
    expect_problems(edits, want);
}

static void test_service_id_missing(void **state)
{
    (void)state;
    /* later messages then name the entry by index only */
    static const char *const edits[] = {
        "{\"id\": \"330106-000-00-002\", ", "{",
        NULL};
    static const char *const want[] = {
        "t.json:26:3: services[1].id: required field is missing",
        NULL};
    expect_problems(edits, want);
}

static void test_service_id_charset(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"330106-000-00-001\"", "\"330106_000_00_001\"",
        NULL};
    static const char *const want[] = {
        "t.json:6:10: services[0].id: must contain only letters A-Z a-z, digits and '-', got \"330106_000_00_001\"",
        NULL};
    expect_problems(edits, want);
}

static void test_service_id_duplicate(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"330106-000-00-002\"", "\"330106-000-00-001\"",
        NULL};
    static const char *const want[] = {
        "t.json:26:10: services[1] (id 330106-000-00-001) id: duplicate id, already used by services[0]",
        NULL};
    expect_problems(edits, want);
}

static void test_name_missing(void **state)
{
    (void)state;
    /* a missing field is reported at the object that lacks it */
    static const char *const edits[] = {
        "\"name\": \"公积金提取\", ", "",
        NULL};
    static const char *const want[] = {
        "t.json:26:3: services[1] (id 330106-000-00-002) name: required field is missing",
        NULL};
    expect_problems(edits, want);
}

static void test_name_empty(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"公积金提取\"", "\"\"",
        NULL};
    static const char *const want[] = {
        "t.json:26:39: services[1] (id 330106-000-00-002) name: must not be empty",
        NULL};
    expect_problems(edits, want);
}

static void test_name_blank(void **state)
{
    (void)state;
    /* ideographic spaces are no name either */
    static const char *const edits[] = {
        "\"公积金提取\"", "\"　 \"",
        NULL};
    static const char *const want[] = {
        "t.json:26:39: services[1] (id 330106-000-00-002) name: must not be empty",
        NULL};
    expect_problems(edits, want);
}

static void test_name_wrong_type(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"公积金提取\"", "42",
        NULL};
    static const char *const want[] = {
        "t.json:26:39: services[1] (id 330106-000-00-002) name: must be text: a string or {\"zh\": ..., \"en\": ...}, got 42",
        NULL};
    expect_problems(edits, want);
}

static void test_text_zh_missing(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "{\"zh\": \"社保缴费\", \"en\": \"Social insurance payment\"}", "{\"en\": \"Social insurance payment\"}",
        NULL};
    static const char *const want[] = {
        "t.json:7:12: services[0] (id 330106-000-00-001) name.zh: required field is missing",
        NULL};
    expect_problems(edits, want);
}

static void test_text_unknown_language(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"en\": \"Pay social insurance\"}", "\"en\": \"Pay social insurance\", \"French\": \"x\"}",
        NULL};
    static const char *const want[] = {
        "t.json:12:63: services[0] (id 330106-000-00-001) summary.French: is not a language "
        "code; a language code is 2 or 3 lower-case letters, optionally '-' and a region or "
        "script (e.g. zh, en, yue, zh-Hant, pt-BR)",
        NULL};
    expect_problems(edits, want);
}

/* Any language code is a language: no type has a field per language. */
static void test_text_any_language(void **state)
{
    (void)state;
    char *text = edited((const char *const[]){
        "\"en\": \"Pay social insurance\"}",
        "\"en\": \"Pay social insurance\", \"fr\": \"Payer\", \"zh-Hant\": \"繳納社會保險費\"}",
        NULL});
    catalog *c = parse_ok(text);
    const ltext *t = &c->services[0].summary;
    assert_int_equal(t->n, 4);
    assert_string_equal(ltext_get(t, "fr"), "Payer");
    assert_string_equal(ltext_get(t, "zh-Hant"), "繳納社會保險費");
    assert_string_equal(ltext_get(t, "de"), "缴纳社会保险费");
    catalog_free(c);
    free(text);
}

static void test_text_en_empty(void **state)
{
    (void)state;
    /* an empty translation must be left out instead */
    static const char *const edits[] = {
        "\"en\": \"ID card\"", "\"en\": \"\"",
        NULL};
    static const char *const want[] = {
        "t.json:14:47: services[0] (id 330106-000-00-001) materials[0].name.en: must not be empty",
        NULL};
    expect_problems(edits, want);
}

static void test_text_en_null(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"en\": \"Pay social insurance\"", "\"en\": null",
        NULL};
    static const char *const want[] = {
        "t.json:12:39: services[0] (id 330106-000-00-001) summary.en: must be a string, got null",
        NULL};
    expect_problems(edits, want);
}

static void test_text_null(void **state)
{
    (void)state;
    /* null is not "absent" */
    static const char *const edits[] = {
        "\"summary\": {\"zh\": \"缴纳社会保险费\", \"en\": \"Pay social insurance\"}", "\"summary\": null",
        NULL};
    static const char *const want[] = {
        "t.json:12:15: services[0] (id 330106-000-00-001) summary: must be text: a string or {\"zh\": ..., \"en\": ...}, got null",
        NULL};
    expect_problems(edits, want);
}

static void test_control_character(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"fees\": \"不收费\",\n", "\"fees\": \"不\\n收费\",\n",
        NULL};
    static const char *const want[] = {
        "t.json:18:14: services[0] (id 330106-000-00-001) fees: must not contain U+000A (a line break or tab, in a one-line text)",
        NULL};
    expect_problems(edits, want);
}

/* Invisible and deceptive names (issue 13 item 4): the position is that of
 * the offending character, an escape is pointed at by its backslash. */
static void test_invisible_and_deceptive_text(void **state)
{
    (void)state;
    static const char *const edits[] = {
        /* a right-to-left override (as a JSON escape): the name would
         * read 社保缴费 */
        "{\"zh\": \"社保缴费\", \"en\": \"Social insurance payment\"}",
        "{\"zh\": \"\\u202e费缴保社\", \"en\": \"Social\u200binsurance payment\"}",
        /* a category name of zero-width spaces only */
        "\"name\": \"住房\"", "\"name\": \"\u200b\u200b\"",
        /* a material name of combining marks only, written as they are */
        "{\"name\": \"户口簿\"", "{\"name\": \"\xcc\x81\xcc\x88\"",
        /* a step with a BOM in its middle */
        "\"确认金额\"", "\"确认\xef\xbb\xbf金额\"",
        NULL};
    static const char *const want[] = {
        "t.json:4:30: categories[1] (id housing) name: must not contain U+200B (a zero-width space, which is not shown)",
        "t.json:7:20: services[0] (id 330106-000-00-001) name.zh: must not contain U+202E (a bidi override, which shows the text after it reversed)",
        "t.json:7:46: services[0] (id 330106-000-00-001) name.en: must not contain U+200B (a zero-width space, which is not shown)",
        "t.json:15:27: services[0] (id 330106-000-00-001) materials[1].name: must contain at least one visible character (it has only white space, combining marks or invisible characters)",
        "t.json:16:25: services[0] (id 330106-000-00-001) steps[1]: must not contain U+FEFF (a byte order mark (zero-width no-break space))",
        NULL};
    expect_problems(edits, want);
}

static void test_kiosk_not_bool(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"kiosk\": true", "\"kiosk\": \"yes\"",
        NULL};
    static const char *const want[] = {
        "t.json:10:13: services[0] (id 330106-000-00-001) kiosk: must be true or false, got \"yes\"",
        NULL};
    expect_problems(edits, want);
}

static void test_needs_identity_missing(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "   \"needs_identity\": true,\n", "",
        NULL};
    static const char *const want[] = {
        "t.json:6:3: services[0] (id 330106-000-00-001) needs_identity: required field is missing",
        NULL};
    expect_problems(edits, want);
}

static void test_conditions_empty(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"conditions\": [\"已缴存\"]", "\"conditions\": []",
        NULL};
    static const char *const want[] = {
        "t.json:26:149: services[1] (id 330106-000-00-002) conditions: must list at least one condition",
        NULL};
    expect_problems(edits, want);
}

static void test_conditions_not_list(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"conditions\": [\"已缴存\"]", "\"conditions\": \"已缴存\"",
        NULL};
    static const char *const want[] = {
        "t.json:26:149: services[1] (id 330106-000-00-002) conditions: must be a list [...], got \"已缴存\"",
        NULL};
    expect_problems(edits, want);
}

static void test_conditions_entry_type(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"本区户籍\", ", "\"本区户籍\", 7, ",
        NULL};
    static const char *const want[] = {
        "t.json:13:27: services[0] (id 330106-000-00-001) conditions[1]: must be text: a string or {\"zh\": ..., \"en\": ...}, got 7",
        NULL};
    expect_problems(edits, want);
}

static void test_materials_missing(void **state)
{
    (void)state;
    /* an empty list must be written out, not left out */
    static const char *const edits[] = {
        "\"materials\": [], ", "",
        NULL};
    static const char *const want[] = {
        "t.json:26:3: services[1] (id 330106-000-00-002) materials: required field is missing",
        NULL};
    expect_problems(edits, want);
}

static void test_materials_not_list(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"materials\": []", "\"materials\": {}",
        NULL};
    static const char *const want[] = {
        "t.json:26:171: services[1] (id 330106-000-00-002) materials: must be a list [...], got an object",
        NULL};
    expect_problems(edits, want);
}

static void test_material_not_object(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"materials\": []", "\"materials\": [\"身份证\"]",
        NULL};
    static const char *const want[] = {
        "t.json:26:172: services[1] (id 330106-000-00-002) materials[0]: must be an object {\"name\": ..., \"count\": ..., \"form\": ...}, got \"身份证\"",
        NULL};
    expect_problems(edits, want);
}

static void test_material_unknown_key(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"count\": 2,", "\"count\": 2, \"copies\": 1,",
        NULL};
    static const char *const want[] = {
        "t.json:15:46: services[0] (id 330106-000-00-001) materials[1].copies: unknown field; allowed here: name, count, form, notes",
        NULL};
    expect_problems(edits, want);
}

static void test_count_zero(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"count\": 1", "\"count\": 0",
        NULL};
    static const char *const want[] = {
        "t.json:14:68: services[0] (id 330106-000-00-001) materials[0].count: must be a whole number from 1 to 99, got 0",
        NULL};
    expect_problems(edits, want);
}

static void test_count_too_big(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"count\": 2", "\"count\": 100",
        NULL};
    static const char *const want[] = {
        "t.json:15:43: services[0] (id 330106-000-00-001) materials[1].count: must be a whole number from 1 to 99, got 100",
        NULL};
    expect_problems(edits, want);
}

static void test_count_fraction(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"count\": 2", "\"count\": 1.5",
        NULL};
    static const char *const want[] = {
        "t.json:15:43: services[0] (id 330106-000-00-001) materials[1].count: must be a whole number from 1 to 99, got 1.5",
        NULL};
    expect_problems(edits, want);
}

static void test_count_real_whole(void **state)
{
    (void)state;
    /* 2.0 is shown as 2.0, not as a valid-looking 2 */
    static const char *const edits[] = {
        "\"count\": 2", "\"count\": 2.0",
        NULL};
    static const char *const want[] = {
        "t.json:15:43: services[0] (id 330106-000-00-001) materials[1].count: must be a whole number from 1 to 99, got 2.0",
        NULL};
    expect_problems(edits, want);
}

static void test_count_string(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"count\": 2", "\"count\": \"2\"",
        NULL};
    static const char *const want[] = {
        "t.json:15:43: services[0] (id 330106-000-00-001) materials[1].count: must be a whole number from 1 to 99, got \"2\"",
        NULL};
    expect_problems(edits, want);
}

static void test_count_past_int(void **state)
{
    (void)state;
    /* a value beyond int is caught before any conversion */
    static const char *const edits[] = {
        "\"count\": 2", "\"count\": 4294967297",
        NULL};
    static const char *const want[] = {
        "t.json:15:43: services[0] (id 330106-000-00-001) materials[1].count: must be a whole number from 1 to 99, got 4294967297",
        NULL};
    expect_problems(edits, want);
}

static void test_count_missing(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"count\": 2, ", "",
        NULL};
    static const char *const want[] = {
        "t.json:15:18: services[0] (id 330106-000-00-001) materials[1].count: required field is missing",
        NULL};
    expect_problems(edits, want);
}

static void test_form_unknown(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"original_and_copy\"", "\"xerox\"",
        NULL};
    static const char *const want[] = {
        "t.json:15:54: services[0] (id 330106-000-00-001) materials[1].form: must be one of \"original\", \"copy\", \"original_and_copy\", \"electronic\", got \"xerox\"",
        NULL};
    expect_problems(edits, want);
}

static void test_form_wrong_case(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"form\": \"original\"", "\"form\": \"Original\"",
        NULL};
    static const char *const want[] = {
        "t.json:14:79: services[0] (id 330106-000-00-001) materials[0].form: must be one of \"original\", \"copy\", \"original_and_copy\", \"electronic\", got \"Original\"",
        NULL};
    expect_problems(edits, want);
}

static void test_form_missing(void **state)
{
    (void)state;
    static const char *const edits[] = {
        ", \"form\": \"original_and_copy\"", "",
        NULL};
    static const char *const want[] = {
        "t.json:15:18: services[0] (id 330106-000-00-001) materials[1].form: required field is missing",
        NULL};
    expect_problems(edits, want);
}

static void test_notes_wrong_type(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"notes\": \"有效期内\"", "\"notes\": [\"有效期内\"]",
        NULL};
    static const char *const want[] = {
        "t.json:14:100: services[0] (id 330106-000-00-001) materials[0].notes: must be text: a string or {\"zh\": ..., \"en\": ...}, got a list",
        NULL};
    expect_problems(edits, want);
}

static void test_steps_empty(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"steps\": [\"申请\"]", "\"steps\": []",
        NULL};
    static const char *const want[] = {
        "t.json:26:184: services[1] (id 330106-000-00-002) steps: must list at least one step",
        NULL};
    expect_problems(edits, want);
}

static void test_steps_entry_empty(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"申请\"", "\"\"",
        NULL};
    static const char *const want[] = {
        "t.json:26:185: services[1] (id 330106-000-00-002) steps[0]: must not be empty",
        NULL};
    expect_problems(edits, want);
}

static void test_time_limit_missing(void **state)
{
    (void)state;
    static const char *const edits[] = {
        ", \"time_limit\": {\"legal_days\": -1, \"promised_days\": 10}", "",
        NULL};
    static const char *const want[] = {
        "t.json:26:3: services[1] (id 330106-000-00-002) time_limit: required field is missing",
        NULL};
    expect_problems(edits, want);
}

static void test_time_limit_not_object(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "{\"legal_days\": -1, \"promised_days\": 10}", "10",
        NULL};
    static const char *const want[] = {
        "t.json:26:206: services[1] (id 330106-000-00-002) time_limit: must be an object {\"legal_days\": ..., \"promised_days\": ...}, got 10",
        NULL};
    expect_problems(edits, want);
}

static void test_legal_days_too_big(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"legal_days\": 5", "\"legal_days\": 3651",
        NULL};
    static const char *const want[] = {
        "t.json:17:33: services[0] (id 330106-000-00-001) time_limit.legal_days: must be a whole number from -1 to 3650, got 3651",
        NULL};
    expect_problems(edits, want);
}

static void test_legal_days_below_minus_one(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"legal_days\": 5", "\"legal_days\": -2",
        NULL};
    static const char *const want[] = {
        "t.json:17:33: services[0] (id 330106-000-00-001) time_limit.legal_days: must be a whole number from -1 to 3650, got -2",
        NULL};
    expect_problems(edits, want);
}

static void test_legal_days_missing(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"legal_days\": 5, ", "",
        NULL};
    static const char *const want[] = {
        "t.json:17:18: services[0] (id 330106-000-00-001) time_limit.legal_days: required field is missing",
        NULL};
    expect_problems(edits, want);
}

static void test_promised_days_negative(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"promised_days\": 3", "\"promised_days\": -1",
        NULL};
    static const char *const want[] = {
        "t.json:17:53: services[0] (id 330106-000-00-001) time_limit.promised_days: must be a whole number from 0 to 3650, got -1",
        NULL};
    expect_problems(edits, want);
}

static void test_promised_beyond_legal(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"promised_days\": 3", "\"promised_days\": 6",
        NULL};
    static const char *const want[] = {
        "t.json:17:53: services[0] (id 330106-000-00-001) time_limit.promised_days: must not be more than legal_days (5), got 6",
        NULL};
    expect_problems(edits, want);
}

static void test_time_limit_typo(void **state)
{
    (void)state;
    /* a typo gives both the unknown key and the missing one */
    static const char *const edits[] = {
        "\"promised_days\": 3", "\"promise_days\": 3",
        NULL};
    static const char *const want[] = {
        "t.json:17:18: services[0] (id 330106-000-00-001) time_limit.promised_days: required field is missing",
        "t.json:17:36: services[0] (id 330106-000-00-001) time_limit.promise_days: unknown field; did you mean \"promised_days\"?",
        NULL};
    expect_problems(edits, want);
}

static void test_phone_charset(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"0571-87654321\"", "\"0571 87654321\"",
        NULL};
    static const char *const want[] = {
        "t.json:21:13: services[0] (id 330106-000-00-001) phone: must contain only digits and '-', got \"0571 87654321\"",
        NULL};
    expect_problems(edits, want);
}

static void test_phone_too_long(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"12329\"", "\"111111111111111111111111111111111\"",
        NULL};
    static const char *const want[] = {
        "t.json:26:306: services[1] (id 330106-000-00-002) phone: is too long (33 characters, at most 32)",
        NULL};
    expect_problems(edits, want);
}

static void test_phone_number(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"12329\"", "12329",
        NULL};
    static const char *const want[] = {
        "t.json:26:306: services[1] (id 330106-000-00-002) phone: must be a string, got 12329",
        NULL};
    expect_problems(edits, want);
}

static void test_phone_empty(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"12329\"", "\"\"",
        NULL};
    static const char *const want[] = {
        "t.json:26:306: services[1] (id 330106-000-00-002) phone: must not be empty",
        NULL};
    expect_problems(edits, want);
}

static void test_url_http(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"https://www.example.gov.cn/sb\"", "\"http://www.example.gov.cn/sb\"",
        NULL};
    static const char *const want[] = {
        "t.json:23:18: services[0] (id 330106-000-00-001) online_url: must be an https:// address without spaces, got \"http://www.example.gov.cn/sb\"",
        NULL};
    expect_problems(edits, want);
}

static void test_url_no_host(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"https://www.example.gov.cn/sb\"", "\"https://\"",
        NULL};
    static const char *const want[] = {
        "t.json:23:18: services[0] (id 330106-000-00-001) online_url: must be an https:// address without spaces, got \"https://\"",
        NULL};
    expect_problems(edits, want);
}

static void test_url_space(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"https://www.example.gov.cn/sb\"", "\"https://www.example.gov.cn/s b\"",
        NULL};
    static const char *const want[] = {
        "t.json:23:18: services[0] (id 330106-000-00-001) online_url: must be an https:// address without spaces, got \"https://www.example.gov.cn/s b\"",
        NULL};
    expect_problems(edits, want);
}

/* "certificate": a kind the platform issues, on a service done here that
 * signs the resident in. */
static void test_certificate(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "   \"online_url\"", "   \"certificate\": \"si_enrolment\",\n   \"online_url\"",
        NULL};
    catalog *c = parse_edited_ok(edits);
    assert_string_equal(c->services[0].certificate, "si_enrolment");
    assert_null(c->services[1].certificate);
    catalog_free(c);
}

static void test_certificate_kind(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "   \"online_url\"", "   \"certificate\": \"SI-enrolment\",\n   \"online_url\"",
        NULL};
    static const char *const want[] = {
        "t.json:23:19: services[0] (id 330106-000-00-001) certificate: must be a certificate kind of a-z, 0-9 and _ (e.g. \"si_enrolment\"), got \"SI-enrolment\"",
        NULL};
    expect_problems(edits, want);
}

static void test_certificate_needs_kiosk_and_identity(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"hours\": \"工作日\"}", "\"hours\": \"工作日\", \"certificate\": \"si_enrolment\"}",
        NULL};
    static const char *const want[] = {
        "t.json:26:346: services[1] (id 330106-000-00-002) certificate: a certificate is shown to the signed-in resident: the service needs \"kiosk\": true and \"needs_identity\": true",
        NULL};
    expect_problems(edits, want);
}

static void test_keywords_not_list(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "[\"养老\", \"Pension\"]", "\"养老\"",
        NULL};
    static const char *const want[] = {
        "t.json:24:16: services[0] (id 330106-000-00-001) keywords: must be a list [...], got \"养老\"",
        NULL};
    expect_problems(edits, want);
}

static void test_keyword_empty(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"Pension\"", "\"\"",
        NULL};
    static const char *const want[] = {
        "t.json:24:23: services[0] (id 330106-000-00-001) keywords[1]: must not be empty",
        NULL};
    expect_problems(edits, want);
}

static void test_keyword_number(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"Pension\"", "7",
        NULL};
    static const char *const want[] = {
        "t.json:24:23: services[0] (id 330106-000-00-001) keywords[1]: must be a string, got 7",
        NULL};
    expect_problems(edits, want);
}

static void test_pinyin_capitals(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"she bao jiao fei\"", "\"She Bao\"",
        NULL};
    static const char *const want[] = {
        "t.json:25:15: services[0] (id 330106-000-00-001) pinyin[0]: must be lower-case pinyin: syllables of a-z separated by single spaces, e.g. \"she bao jiao fei\", got \"She Bao\"",
        NULL};
    expect_problems(edits, want);
}

static void test_pinyin_double_space(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"she bao jiao fei\"", "\"she  bao\"",
        NULL};
    static const char *const want[] = {
        "t.json:25:15: services[0] (id 330106-000-00-001) pinyin[0]: must be lower-case pinyin: syllables of a-z separated by single spaces, e.g. \"she bao jiao fei\", got \"she  bao\"",
        NULL};
    expect_problems(edits, want);
}

static void test_pinyin_leading_space(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"she hui bao xian\"", "\" she hui\"",
        NULL};
    static const char *const want[] = {
        "t.json:25:35: services[0] (id 330106-000-00-001) pinyin[1]: must be lower-case pinyin: syllables of a-z separated by single spaces, e.g. \"she bao jiao fei\", got \" she hui\"",
        NULL};
    expect_problems(edits, want);
}

static void test_pinyin_trailing_space(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"she hui bao xian\"", "\"she hui \"",
        NULL};
    static const char *const want[] = {
        "t.json:25:35: services[0] (id 330106-000-00-001) pinyin[1]: must be lower-case pinyin: syllables of a-z separated by single spaces, e.g. \"she bao jiao fei\", got \"she hui \"",
        NULL};
    expect_problems(edits, want);
}

static void test_pinyin_tone_marks(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"she bao jiao fei\"", "\"shè bǎo\"",
        NULL};
    static const char *const want[] = {
        "t.json:25:15: services[0] (id 330106-000-00-001) pinyin[0]: must be lower-case pinyin: syllables of a-z separated by single spaces, e.g. \"she bao jiao fei\", got \"shè bǎo\"",
        NULL};
    expect_problems(edits, want);
}

static void test_pinyin_tone_numbers(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"she bao jiao fei\"", "\"she4 bao3\"",
        NULL};
    static const char *const want[] = {
        "t.json:25:15: services[0] (id 330106-000-00-001) pinyin[0]: must be lower-case pinyin: syllables of a-z separated by single spaces, e.g. \"she bao jiao fei\", got \"she4 bao3\"",
        NULL};
    expect_problems(edits, want);
}

static void test_pinyin_not_list(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "[\"she bao jiao fei\", \"she hui bao xian\"]", "\"she bao\"",
        NULL};
    static const char *const want[] = {
        "t.json:25:14: services[0] (id 330106-000-00-001) pinyin: must be a list [...], got \"she bao\"",
        NULL};
    expect_problems(edits, want);
}

static void test_many_problems_in_one_pass(void **state)
{
    (void)state;
    /* every problem, in file order, from one parse */
    static const char *const edits[] = {
        "\"count\": 1", "\"count\": 0",
        "\"promised_days\": 3", "\"promised_days\": 6",
        "\"0571-87654321\"", "\"0571 87654321\"",
        "\"icon\": \"shield\"}", "\"icon\": \"shield\", \"colour\": \"red\"}",
        "\"kiosk\": false", "\"kiosk\": 0",
        NULL};
    static const char *const want[] = {
        "t.json:3:88: categories[0] (id social) colour: unknown field; allowed here: id, name, icon",
        "t.json:14:68: services[0] (id 330106-000-00-001) materials[0].count: must be a whole number from 1 to 99, got 0",
        "t.json:17:53: services[0] (id 330106-000-00-001) time_limit.promised_days: must not be more than legal_days (5), got 6",
        "t.json:21:13: services[0] (id 330106-000-00-001) phone: must contain only digits and '-', got \"0571 87654321\"",
        "t.json:26:103: services[1] (id 330106-000-00-002) kiosk: must be true or false, got 0",
        NULL};
    expect_problems(edits, want);
}


static void test_root_not_object(void **state)
{
    (void)state;
    static const char *const want[] = {
        "t.json:1:1: the catalogue must be an object {\"version\": ..., "
        "\"categories\": [...], \"services\": [...]}, got a list",
        NULL};
    expect_str("[1]", want);
}

static void test_lists_empty_or_wrong(void **state)
{
    (void)state;
    static const char *const want1[] = {
        "t.json:1:32: categories: must be a list [...], got an object",
        "t.json:1:48: services: must list at least one service",
        NULL};
    expect_str("{\"version\": \"1\", \"categories\": {}, \"services\": []}", want1);
    static const char *const want2[] = {
        "t.json:1:32: categories: must list at least one category",
        "t.json:1:49: services[0]: must be an object {\"id\": ..., \"name\": ..., "
        "...}, got 1",
        NULL};
    expect_str("{\"version\": \"1\", \"categories\": [], \"services\": [1]}", want2);
    static const char *const want3[] = {
        "t.json:1:1: categories: required field is missing",
        "t.json:1:1: services: required field is missing",
        NULL};
    expect_str("{\"version\": \"1\"}", want3);
    /* no services at all is one problem, not also one per empty category */
    static const char *const want4[] = {
        "t.json:1:72: services: must list at least one service", NULL};
    expect_str("{\"version\": \"1\", \"categories\": [{\"id\": \"a\", \"name\": \"A\"}],"
               " \"services\": []}", want4);
}

static void test_version_too_long(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"2026.11\"", "\"2026.11.01-pilot-build-for-xihu-district\"", NULL};
    static const char *const want[] = {
        "t.json:1:13: version: is too long (40 characters, at most 32)", NULL};
    expect_problems(edits, want);
}

static void test_category_id_too_long(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "{\"id\": \"housing\"", "{\"id\": \"housing-provident-fund-and-subsidies\"",
        NULL};
    static const char *const want[] = {
        "t.json:4:10: categories[1].id: is too long (36 characters, at most 32)",
        "t.json:26:83: services[1] (id 330106-000-00-002) category: unknown "
        "category \"housing\"; it must be the id of one of the categories",
        NULL};
    expect_problems(edits, want);
}

static void test_service_id_too_long(void **state)
{
    (void)state;
    char *id = repeat("9", 65);
    char quoted[80];
    snprintf(quoted, sizeof quoted, "\"%s\"", id);
    const char *const edits[] = {"\"330106-000-00-002\"", quoted, NULL};
    static const char *const want[] = {
        "t.json:26:10: services[1].id: is too long (65 characters, at most 64)",
        NULL};
    expect_problems(edits, want);
    free(id);
}

static void test_name_too_long(void **state)
{
    (void)state;
    /* limits count characters, not bytes: 65 CJK characters are 195 bytes */
    char *zh = repeat("字", 65);
    char quoted[300];
    snprintf(quoted, sizeof quoted, "\"%s\"", zh);
    const char *const edits[] = {"\"社保缴费\"", quoted, NULL};
    static const char *const want[] = {
        "t.json:7:19: services[0] (id 330106-000-00-001) name.zh: is too long "
        "(65 characters, at most 64)",
        NULL};
    expect_problems(edits, want);
    free(zh);
}

static void test_name_en_too_long(void **state)
{
    (void)state;
    char *en = repeat("a", 129);
    char quoted[300];
    snprintf(quoted, sizeof quoted, "\"%s\"", en);
    const char *const edits[] = {"\"Social insurance payment\"", quoted, NULL};
    static const char *const want[] = {
        "t.json:7:33: services[0] (id 330106-000-00-001) name.en: is too long "
        "(129 characters, at most 128)",
        NULL};
    expect_problems(edits, want);
    free(en);
}

static void test_text_too_long(void **state)
{
    (void)state;
    char *fees = repeat("费", 2001);
    char field[7000];
    snprintf(field, sizeof field, "\"fees\": \"%s\",\n", fees);
    const char *const edits[] = {"\"fees\": \"不收费\",\n", field, NULL};
    static const char *const want[] = {
        "t.json:18:12: services[0] (id 330106-000-00-001) fees: is too long "
        "(2001 characters, at most 2000)",
        NULL};
    expect_problems(edits, want);
    free(fees);
}

static void test_conditions_too_many(void **state)
{
    (void)state;
    char *conds = repeat("\"条件\", ", 50);
    char list[700];
    snprintf(list, sizeof list, "\"conditions\": [%s\"已缴存\"]", conds);
    const char *const edits[] = {"\"conditions\": [\"已缴存\"]", list, NULL};
    static const char *const want[] = {
        "t.json:26:149: services[1] (id 330106-000-00-002) conditions: has too "
        "many entries (51, at most 50)",
        NULL};
    expect_problems(edits, want);
    free(conds);
}

static void test_control_characters_shown_escaped(void **state)
{
    (void)state;
    /* a C1 control (U+0085) in a key is invisible on a terminal: escaped */
    static const char *const edits[] = {
        "{\"version\": \"2026.11\",", "{\"version\": \"2026.11\", \"\\u0085x\": 1,", NULL};
    static const char *const want[] = {
        "t.json:1:24: \"\\u0085x\": unknown field; allowed here: version, "
        "categories, services, help_service",
        NULL};
    expect_problems(edits, want);
}

static void test_long_values_are_cut_in_messages(void **state)
{
    (void)state;
    /* a quoted value shows 40 characters, then "..." */
    static const char *const edits[] = {
        "\"she bao jiao fei\"",
        "\"SHE BAO SHE BAO SHE BAO SHE BAO SHE BAO SHE BAO SHE BAO SHE BAO \"", NULL};
    static const char *const want[] = {
        "t.json:25:15: services[0] (id 330106-000-00-001) pinyin[0]: must be "
        "lower-case pinyin: syllables of a-z separated by single spaces, e.g. "
        "\"she bao jiao fei\", got \"SHE BAO SHE BAO SHE BAO SHE BAO SHE BAO ...\"",
        NULL};
    expect_problems(edits, want);

    /* a key of control characters shows escaped, and cut the same way */
    char *key = repeat("\\u0001", 50), *shown = repeat("\\u0001", 40);
    char field[400], message[1000];
    snprintf(field, sizeof field, "\"hours\": \"工作日\", \"%s\": 1}", key);
    snprintf(message, sizeof message,
             "t.json:26:331: services[1] (id 330106-000-00-002) \"%s...\": unknown "
             "field; allowed here: id, name, department, category, kiosk, "
             "needs_identity, summary, conditions, materials, steps, time_limit, "
             "fees, window, address, phone, hours, online_url, keywords, pinyin, form, certificate",
             shown);
    const char *const edits2[] = {"\"hours\": \"工作日\"}", field, NULL};
    const char *const want2[] = {message, NULL};
    expect_problems(edits2, want2);
    free(key);
    free(shown);
}

/* ---- JSON syntax: jansson's own line and column ----------------------- */

static void test_syntax_trailing_comma(void **state)
{
    (void)state;
    static const char *const edits[] = {"\"hours\": \"工作日\"}]}",
                                        "\"hours\": \"工作日\",}]}", NULL};
    static const char *const want[] = {
        "t.json:26:330: JSON syntax error: string or '}' expected near '}'", NULL};
    expect_problems(edits, want);
}

static void test_syntax_duplicate_key(void **state)
{
    (void)state;
    static const char *const edits[] = {"\"kiosk\": true,",
                                        "\"kiosk\": true, \"kiosk\": false,", NULL};
    static const char *const want[] = {
        "t.json:10:25: JSON syntax error: duplicate object key near '\"kiosk\"'",
        NULL};
    expect_problems(edits, want);
}

static void test_syntax_truncated(void **state)
{
    (void)state;
    /* the file cut off mid-way, as a failed copy to a USB stick leaves it */
    static const char *const want[] = {
        "t.json:7:31: JSON syntax error: unexpected token near end of file", NULL};
    size_t len = (size_t)(strstr(BASE, "\"Social insurance payment\"") - BASE) - 1;
    expect_text(BASE, len, want);
}

static void test_huge_integer(void **state)
{
    (void)state;
    static const char *const edits[] = {"\"count\": 2",
                                        "\"count\": 99999999999999999999", NULL};
    static const char *const want[] = {
        "t.json:15:62: JSON syntax error: too big integer near "
        "'99999999999999999999'", NULL};
    expect_problems(edits, want);
}

static void test_huge_real(void **state)
{
    (void)state;
    static const char *const edits[] = {"\"count\": 2", "\"count\": 1e400", NULL};
    static const char *const want[] = {
        "t.json:15:47: JSON syntax error: real number overflow near '1e400'", NULL};
    expect_problems(edits, want);
}

static void test_deep_nesting(void **state)
{
    (void)state;
    /* Past jansson's depth limit: a syntax error, not a stack overflow. */
    char *open = repeat("[", 5000), *close = repeat("]", 5000);
    char *deep = malloc(10100);
    assert_non_null(deep);
    snprintf(deep, 10100, "\"summary\": %s%s,", open, close);
    const char *const edits[] = {
        "\"summary\": {\"zh\": \"缴纳社会保险费\", \"en\": \"Pay social insurance\"},",
        deep, NULL};
    static const char *const want[] = {
        "t.json:12:2060: JSON syntax error: maximum parsing depth reached near '['",
        NULL};
    expect_problems(edits, want);

    /* Within it: the validator and the position finder cope. */
    snprintf(deep, 10100, "\"summary\": %.1000s%.1000s,", open, close);
    static const char *const want2[] = {
        "t.json:12:15: services[0] (id 330106-000-00-001) summary: must be text: "
        "a string or {\"zh\": ..., \"en\": ...}, got a list",
        NULL};
    expect_problems(edits, want2);
    free(deep);
    free(open);
    free(close);
}

/* ---- file level: encoding, emptiness, size ---------------------------- */

static void test_empty_file(void **state)
{
    (void)state;
    static const char *const want[] = {"t.json: file is empty", NULL};
    expect_text("", 0, want);
    expect_str(" \n\t\r\n", want);
}

static void test_bom(void **state)
{
    (void)state;
    char *text = malloc(sizeof BASE + 3);
    assert_non_null(text);
    memcpy(text, "\xEF\xBB\xBF", 3);
    memcpy(text + 3, BASE, sizeof BASE);
    static const char *const want[] = {
        "t.json:1:1: file starts with a byte order mark (BOM); save it as UTF-8 "
        "without BOM",
        NULL};
    expect_str(text, want);
    free(text);
}

static void test_utf16(void **state)
{
    (void)state;
    static const char *const want[] = {
        "t.json:1:1: file is UTF-16 encoded; save it as UTF-8 without BOM", NULL};
    expect_text("\xFF\xFE{\0\"\0", 6, want);
    expect_text("\xFE\xFF\0{\0\"", 6, want);
    static const char *const want_nul[] = {
        "t.json:1:2: file contains a NUL byte; it is not a text file, or not "
        "UTF-8 (UTF-16?); save it as UTF-8",
        NULL};
    expect_text("{\0\"\0", 4, want_nul);
}

static void test_not_utf8(void **state)
{
    (void)state;
    /* 社保缴费 in GBK, as an editor set to the Windows default saves it */
    static const char *const edits[] = {"\"社保缴费\"",
                                        "\"\xC9\xE7\xB1\xA3\xBD\xC9\xB7\xD1\"", NULL};
    static const char *const want[] = {
        "t.json:7:20: file is not valid UTF-8 (byte 0xC9); save it as UTF-8, not "
        "GBK or GB18030",
        NULL};
    expect_problems(edits, want);
}

static void test_malformed_utf8_forms(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *want;
    } cases[] = {
        {"{\"a\": \"\xC0\xAF\"}", "t.json:1:8: file is not valid UTF-8 (byte 0xC0); "
                                  "save it as UTF-8, not GBK or GB18030"},
        {"{\"a\": \"\xED\xA0\x80\"}", "t.json:1:8: file is not valid UTF-8 (byte "
                                      "0xED); save it as UTF-8, not GBK or GB18030"},
        {"{\"a\": \"\xF4\x90\x80\x80\"}", "t.json:1:8: file is not valid UTF-8 "
                                          "(byte 0xF4); save it as UTF-8, not GBK "
                                          "or GB18030"},
        {"{\"a\":\n \"\x80\"}", "t.json:2:3: file is not valid UTF-8 (byte 0x80); "
                                "save it as UTF-8, not GBK or GB18030"},
        {"{\"a\": \"\xE4\xBD", "t.json:1:8: file is not valid UTF-8 (byte 0xE4); "
                               "save it as UTF-8, not GBK or GB18030"},
        {"{\"a\": \"\xF8\x88\x80\x80\x80\"}", "t.json:1:8: file is not valid "
                                              "UTF-8 (byte 0xF8); save it as "
                                              "UTF-8, not GBK or GB18030"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *want[] = {cases[i].want, NULL};
        expect_str(cases[i].text, want);
    }
}

static void test_file_too_large(void **state)
{
    (void)state;
    size_t len = CATALOG_MAX_FILE_SIZE + 1;
    char *text = malloc(len);
    assert_non_null(text);
    memset(text, ' ', len);
    static const char *const want[] = {
        "t.json: file is larger than 16 MiB; a catalogue of a few hundred services "
        "is well under 1 MiB -- is this the right file?",
        NULL};
    expect_text(text, len, want);
    /* exactly at the limit it is read (and found empty) */
    static const char *const want_empty[] = {"t.json: file is empty", NULL};
    expect_text(text, len - 1, want_empty);
    free(text);
}

static void test_too_many_problems(void **state)
{
    (void)state;
    /* 300 broken services and the category they leave empty: 301 problems.
     * The first 200 found are described (in file order), the rest counted. */
    char *ones = repeat("1, ", 299);
    size_t size = strlen(ones) + 200;
    char *text = malloc(size);
    assert_non_null(text);
    snprintf(text, size,
             "{\"version\": \"1\", \"categories\": [{\"id\": \"a\", \"name\": \"A\"}],"
             " \"services\": [%s1]}", ones);
    diag_list errors = DIAG_LIST_INIT;
    assert_null(catalog_parse(text, strlen(text), "t.json", &errors));
    assert_int_equal(errors.count, 201);
    char got[1400];
    diag_format(&errors.items[0], got, sizeof got);
    assert_string_equal(got, "t.json:1:73: services[0]: must be an object {\"id\": "
                             "..., \"name\": ..., ...}, got 1");
    diag_format(&errors.items[199], got, sizeof got);
    assert_string_equal(got, "t.json:1:670: services[199]: must be an object {\"id\": "
                             "..., \"name\": ..., ...}, got 1");
    diag_format(&errors.items[200], got, sizeof got);
    assert_string_equal(got, "t.json: 101 more problems not shown; fix these and "
                             "check again");
    diag_clear(&errors);
    free(text);
    free(ones);
}

/* ---- files ------------------------------------------------------------- */

static void test_load_file(void **state)
{
    (void)state;
    diag_list errors = DIAG_LIST_INIT;
    catalog *c = catalog_load(FIXTURES_DIR "/catalog/valid.json", &errors);
    assert_non_null(c);
    assert_int_equal(errors.count, 0);
    assert_string_equal(c->path, FIXTURES_DIR "/catalog/valid.json");
    assert_int_equal(c->n_services, 2);
    catalog_free(c);
}

static void test_load_file_problems_name_the_file(void **state)
{
    (void)state;
    diag_list errors = DIAG_LIST_INIT;
    assert_null(catalog_load(FIXTURES_DIR "/catalog/gbk.json", &errors));
    assert_int_equal(errors.count, 1);
    char got[1400];
    diag_format(&errors.items[0], got, sizeof got);
    assert_string_equal(got, FIXTURES_DIR "/catalog/gbk.json:7:20: file is not valid "
                             "UTF-8 (byte 0xC9); save it as UTF-8, not GBK or GB18030");
    diag_clear(&errors);

    assert_null(catalog_load(FIXTURES_DIR "/catalog/bom.json", &errors));
    diag_format(&errors.items[0], got, sizeof got);
    assert_string_equal(got, FIXTURES_DIR "/catalog/bom.json:1:1: file starts with a "
                             "byte order mark (BOM); save it as UTF-8 without BOM");
    diag_clear(&errors);

    assert_null(catalog_load(FIXTURES_DIR "/catalog/empty-category.json", &errors));
    assert_int_equal(errors.count, 2);
    diag_format(&errors.items[1], got, sizeof got);
    assert_string_equal(got, FIXTURES_DIR "/catalog/empty-category.json:9:16: "
                             "services[0] (id 330106-000-00-001) category: unknown "
                             "category \"soical\"; it must be the id of one of the "
                             "categories");
    diag_clear(&errors);
}

static void test_load_missing_file(void **state)
{
    (void)state;
    diag_list errors = DIAG_LIST_INIT;
    assert_null(catalog_load(FIXTURES_DIR "/catalog/no-such-file.json", &errors));
    assert_int_equal(errors.count, 1);
    char got[1400];
    diag_format(&errors.items[0], got, sizeof got);
    assert_string_equal(got, FIXTURES_DIR "/catalog/no-such-file.json: cannot open: "
                             "No such file or directory");
    diag_clear(&errors);

    size_t len = 99;
    assert_null(catalog_read_file(FIXTURES_DIR "/catalog", &len, &errors));
    assert_int_equal(len, 0);
    diag_format(&errors.items[0], got, sizeof got);
    assert_string_equal(got, FIXTURES_DIR "/catalog: cannot read: Is a directory");
    diag_clear(&errors);
}

static void test_read_file(void **state)
{
    (void)state;
    diag_list errors = DIAG_LIST_INIT;
    size_t len = 0;
    char *text = catalog_read_file(FIXTURES_DIR "/catalog/valid.json", &len, &errors);
    assert_non_null(text);
    assert_int_equal(len, strlen(BASE));
    assert_memory_equal(text, BASE, len);
    assert_int_equal(text[len], '\0');
    free(text);
    assert_int_equal(errors.count, 0);
}

/* ---- display helpers --------------------------------------------------- */

static void test_ltext_get(void **state)
{
    (void)state;
    ltext both = {0}, zh_only = {0}, empty_en = {0}, none = {0};
    assert_true(ltext_set(&both, "zh", "社保"));
    assert_true(ltext_set(&both, "en", "Social insurance"));
    assert_true(ltext_set(&zh_only, "zh", "社保"));
    assert_true(ltext_set(&empty_en, "zh", "社保"));
    assert_true(ltext_set(&empty_en, "en", ""));
    assert_string_equal(ltext_get(&both, "zh"), "社保");
    assert_string_equal(ltext_get(&both, "en"), "Social insurance");
    /* the exact language only: a regional variant nobody wrote falls back */
    assert_string_equal(ltext_get(&both, "en-GB"), "社保");
    assert_string_equal(ltext_get(&both, "fr"), "社保");
    assert_string_equal(ltext_get(&both, NULL), "社保");
    assert_string_equal(ltext_get(&both, ""), "社保");
    assert_string_equal(ltext_get(&zh_only, "en"), "社保");
    assert_string_equal(ltext_get(&empty_en, "en"), "社保");
    assert_string_equal(ltext_get(&none, "en"), "");
    assert_string_equal(ltext_get(&none, "zh"), "");
    assert_string_equal(ltext_get(NULL, "zh"), "");
    /* ltext_exact: is there text in exactly this language? */
    assert_string_equal(ltext_exact(&both, "en"), "Social insurance");
    assert_null(ltext_exact(&zh_only, "en"));
    assert_null(ltext_exact(&both, "en-GB"));
    /* setting a language again replaces its text */
    assert_true(ltext_set(&both, "en", "Social security"));
    assert_int_equal(both.n, 2);
    assert_string_equal(ltext_get(&both, "en"), "Social security");
    /* the fallback is configurable: with en, an absent zh shows English */
    ltext_set_fallback("en");
    assert_string_equal(ltext_get(&both, "fr"), "Social security");
    assert_string_equal(ltext_get(&zh_only, "fr"), "");
    ltext_set_fallback("not a code");   /* ignored */
    assert_string_equal(ltext_fallback(), "en");
    ltext_set_fallback("zh");
    ltext_free(&both);
    ltext_free(&zh_only);
    ltext_free(&empty_en);
    ltext_free(&none);
    assert_int_equal(both.n, 0);
}

static void test_catalog_find(void **state)
{
    (void)state;
    catalog *c = parse_ok(BASE);
    assert_ptr_equal(catalog_find(c, "330106-000-00-002"), &c->services[1]);
    assert_ptr_equal(catalog_find(c, "330106-000-00-001"), &c->services[0]);
    assert_null(catalog_find(c, "330106-000-00-00"));
    assert_null(catalog_find(c, ""));
    assert_null(catalog_find(c, NULL));
    assert_null(catalog_find(NULL, "330106-000-00-001"));
    catalog_free(c);
    catalog_free(NULL);
}

/* The words of a time limit and a material form are in the strings
 * files now (test_i18n checks them); the catalogue holds only the key. */
static void test_form_keys(void **state)
{
    (void)state;
    assert_string_equal(catalog_form_key(MATERIAL_ORIGINAL), "material.original");
    assert_string_equal(catalog_form_key(MATERIAL_COPY), "material.copy");
    assert_string_equal(catalog_form_key(MATERIAL_ORIGINAL_AND_COPY),
                        "material.original_and_copy");
    assert_string_equal(catalog_form_key(MATERIAL_ELECTRONIC), "material.electronic");
    assert_string_equal(catalog_form_key((material_form)42), "");
    assert_string_equal(catalog_form_key((material_form)-1), "");
}

static void test_forms_parse(void **state)
{
    (void)state;
    static const char *const edits[] = {
        "\"form\": \"original\"", "\"form\": \"copy\"",
        "\"form\": \"original_and_copy\"", "\"form\": \"electronic\"", NULL};
    catalog *c = parse_edited_ok(edits);
    assert_int_equal(c->services[0].materials[0].form, MATERIAL_COPY);
    assert_int_equal(c->services[0].materials[1].form, MATERIAL_ELECTRONIC);
    catalog_free(c);
}

static void test_fold(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(catalog_fold("ＳＢＪＦ", buf, sizeof buf), 4);
    assert_string_equal(buf, "sbjf");
    catalog_fold("  Social\xE3\x80\x80 INSURANCE\t\n", buf, sizeof buf);
    assert_string_equal(buf, "social insurance");
    catalog_fold("社保ＡＢｃ１２３！～", buf, sizeof buf);
    assert_string_equal(buf, "社保abc123!~");
    catalog_fold(NULL, buf, sizeof buf);
    assert_string_equal(buf, "");
    /* cut at a character boundary, never half a character */
    assert_int_equal(catalog_fold("社保缴费", buf, 8), 6);
    assert_string_equal(buf, "社保");
    assert_int_equal(catalog_fold("a  b", buf, 3), 1);
    assert_string_equal(buf, "a");
    assert_int_equal(catalog_fold("abc", buf, 0), 0);
}

/* ---- limits by count (issue 13 item 9) --------------------------------- */

/* Over CATALOG_MAX_SERVICES / CATALOG_MAX_CATEGORIES the file is refused
 * before it is parsed, with one problem at the list's member name; the
 * count is of the root's lists only ("services" as a string, as a nested
 * key or inside an entry does not count), and entries may be anything. */
static void test_too_many_services(void **state)
{
    (void)state;
    char *entries = repeat("  {\"x\": [\"services\", [1, 2]], \"y\": {\"services\": [3]}},\n",
                           CATALOG_MAX_SERVICES + 1);
    size_t n = strlen(entries) + 256;
    char *text = malloc(n);
    assert_non_null(text);
    snprintf(text, n, "{\"version\": \"services\", \"note\": [\"services\"],\n"
             " \"categories\": [{\"services\": [1, 2, 3]}],\n"
             " \"services\": [\n%s  \"last, with a ] and a \\\" in it\"]}\n", entries);
    static const char *const want[] = {
        "t.json:3:2: services: 5,002 services; a catalogue lists at most 5,000 services "
        "(one site's, not a province's)", NULL};
    expect_str(text, want);
    free(text);
    free(entries);
}

static void test_too_many_categories(void **state)
{
    (void)state;
    char *entries = repeat("{}, ", CATALOG_MAX_CATEGORIES);
    size_t n = strlen(entries) + 256;
    char *text = malloc(n);
    assert_non_null(text);
    snprintf(text, n, "{\"version\": \"1\", \"categories\": [%s{}], \"services\": []}",
             entries);
    static const char *const want[] = {
        "t.json:1:18: categories: 101 categories; a catalogue lists at most 100 categories "
        "(one site's, not a province's)", NULL};
    expect_str(text, want);
    free(text);
    free(entries);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_loads_every_field),
        cmocka_unit_test(test_valid_at_every_limit),
        cmocka_unit_test(test_valid_without_optional_fields),
        cmocka_unit_test(test_parse_appends_to_existing_errors),
        cmocka_unit_test(test_no_name_gives_empty_file_name),
        cmocka_unit_test(test_root_not_object),
        cmocka_unit_test(test_lists_empty_or_wrong),
        cmocka_unit_test(test_version_too_long),
        cmocka_unit_test(test_category_id_too_long),
        cmocka_unit_test(test_service_id_too_long),
        cmocka_unit_test(test_name_too_long),
        cmocka_unit_test(test_name_en_too_long),
        cmocka_unit_test(test_text_too_long),
        cmocka_unit_test(test_conditions_too_many),
        cmocka_unit_test(test_version_missing),
        cmocka_unit_test(test_version_wrong_type),
        cmocka_unit_test(test_unknown_key_suggests),
        cmocka_unit_test(test_unknown_key_lists_allowed),
        cmocka_unit_test(test_unknown_key_quoted),
        cmocka_unit_test(test_unknown_service_key),
        cmocka_unit_test(test_category_not_object),
        cmocka_unit_test(test_category_id_charset),
        cmocka_unit_test(test_category_id_missing),
        cmocka_unit_test(test_category_id_duplicate),
        cmocka_unit_test(test_category_empty),
        cmocka_unit_test(test_category_unknown),
        cmocka_unit_test(test_category_name_missing),
        cmocka_unit_test(test_icon_charset),
        cmocka_unit_test(test_service_not_object),
        cmocka_unit_test(test_service_id_missing),
        cmocka_unit_test(test_service_id_charset),
        cmocka_unit_test(test_service_id_duplicate),
        cmocka_unit_test(test_name_missing),
        cmocka_unit_test(test_name_empty),
        cmocka_unit_test(test_name_blank),
        cmocka_unit_test(test_name_wrong_type),
        cmocka_unit_test(test_text_zh_missing),
        cmocka_unit_test(test_text_unknown_language),
        cmocka_unit_test(test_text_any_language),
        cmocka_unit_test(test_text_en_empty),
        cmocka_unit_test(test_text_en_null),
        cmocka_unit_test(test_text_null),
        cmocka_unit_test(test_control_character),
        cmocka_unit_test(test_invisible_and_deceptive_text),
        cmocka_unit_test(test_kiosk_not_bool),
        cmocka_unit_test(test_needs_identity_missing),
        cmocka_unit_test(test_conditions_empty),
        cmocka_unit_test(test_conditions_not_list),
        cmocka_unit_test(test_conditions_entry_type),
        cmocka_unit_test(test_materials_missing),
        cmocka_unit_test(test_materials_not_list),
        cmocka_unit_test(test_material_not_object),
        cmocka_unit_test(test_material_unknown_key),
        cmocka_unit_test(test_count_zero),
        cmocka_unit_test(test_count_too_big),
        cmocka_unit_test(test_count_fraction),
        cmocka_unit_test(test_count_real_whole),
        cmocka_unit_test(test_count_string),
        cmocka_unit_test(test_count_past_int),
        cmocka_unit_test(test_count_missing),
        cmocka_unit_test(test_form_unknown),
        cmocka_unit_test(test_form_wrong_case),
        cmocka_unit_test(test_form_missing),
        cmocka_unit_test(test_notes_wrong_type),
        cmocka_unit_test(test_steps_empty),
        cmocka_unit_test(test_steps_entry_empty),
        cmocka_unit_test(test_time_limit_missing),
        cmocka_unit_test(test_time_limit_not_object),
        cmocka_unit_test(test_legal_days_too_big),
        cmocka_unit_test(test_legal_days_below_minus_one),
        cmocka_unit_test(test_legal_days_missing),
        cmocka_unit_test(test_promised_days_negative),
        cmocka_unit_test(test_promised_beyond_legal),
        cmocka_unit_test(test_time_limit_typo),
        cmocka_unit_test(test_phone_charset),
        cmocka_unit_test(test_phone_too_long),
        cmocka_unit_test(test_phone_number),
        cmocka_unit_test(test_phone_empty),
        cmocka_unit_test(test_url_http),
        cmocka_unit_test(test_url_no_host),
        cmocka_unit_test(test_url_space),
        cmocka_unit_test(test_certificate),
        cmocka_unit_test(test_certificate_kind),
        cmocka_unit_test(test_certificate_needs_kiosk_and_identity),
        cmocka_unit_test(test_keywords_not_list),
        cmocka_unit_test(test_keyword_empty),
        cmocka_unit_test(test_keyword_number),
        cmocka_unit_test(test_pinyin_capitals),
        cmocka_unit_test(test_pinyin_double_space),
        cmocka_unit_test(test_pinyin_leading_space),
        cmocka_unit_test(test_pinyin_trailing_space),
        cmocka_unit_test(test_pinyin_tone_marks),
        cmocka_unit_test(test_pinyin_tone_numbers),
        cmocka_unit_test(test_pinyin_not_list),
        cmocka_unit_test(test_many_problems_in_one_pass),
        cmocka_unit_test(test_control_characters_shown_escaped),
        cmocka_unit_test(test_long_values_are_cut_in_messages),
        cmocka_unit_test(test_syntax_trailing_comma),
        cmocka_unit_test(test_syntax_duplicate_key),
        cmocka_unit_test(test_syntax_truncated),
        cmocka_unit_test(test_huge_integer),
        cmocka_unit_test(test_huge_real),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_utf16),
        cmocka_unit_test(test_not_utf8),
        cmocka_unit_test(test_malformed_utf8_forms),
        cmocka_unit_test(test_file_too_large),
        cmocka_unit_test(test_too_many_problems),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_load_file_problems_name_the_file),
        cmocka_unit_test(test_load_missing_file),
        cmocka_unit_test(test_read_file),
        cmocka_unit_test(test_ltext_get),
        cmocka_unit_test(test_catalog_find),
                cmocka_unit_test(test_form_keys),
        cmocka_unit_test(test_forms_parse),
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_too_many_services),
        cmocka_unit_test(test_too_many_categories),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
