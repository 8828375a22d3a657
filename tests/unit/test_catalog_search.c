/*
 * catalog_search: ranking, folding, pinyin, multi-word English, ties; and
 * the real catalogue in config/catalog.json.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "catalog/catalog.h"
#include "catalog/catalog_search.h"

/* One service: what differs between them is all search sees. */
#define SVC(id, zh, en, dept, keywords, pinyin)                                  \
    "{\"id\": \"" id "\", \"name\": {\"zh\": \"" zh "\", \"en\": \"" en "\"},"   \
    " \"department\": \"" dept "\", \"category\": \"c\", \"kiosk\": true,"        \
    " \"needs_identity\": false, \"conditions\": [\"无\"], \"materials\": [],"   \
    " \"steps\": [\"办理\"], \"time_limit\": {\"legal_days\": 1,"                 \
    " \"promised_days\": 1}, \"fees\": \"不收费\", \"window\": \"1\","            \
    " \"address\": \"1\", \"phone\": \"1\", \"hours\": \"1\", \"keywords\": ["    \
    keywords "], \"pinyin\": [" pinyin "]}"

/* In catalogue order; the comments say what each is there to test. */
static const char CATALOG[] =
    "{\"version\": \"t\", \"categories\": [{\"id\": \"c\", \"name\": \"类\"}],"
    " \"services\": ["
    /* 0: 社保 in the middle of the name; she bao from a later syllable */
    SVC("a", "灵活就业人员社保登记", "Social insurance registration for flexible workers",
        "人力社保局", "", "\"ling huo jiu ye ren yuan she bao deng ji\"") ","
    /* 1: name starts with 社保; sbjf */
    SVC("b", "社保缴费", "Social insurance payment", "人力社保局", "\"缴费\"",
        "\"she bao jiao fei\"") ","
    /* 2: name is exactly 社保; initials sb exactly */
    SVC("c", "社保", "Social insurance", "人力社保局", "", "\"she bao\"") ","
    /* 3: 社保 only as a keyword; English words spread over the name */
    SVC("d", "养老金领取资格认证", "Pension eligibility certification", "人力资源局",
        "\"社保\", \"退休\"", "\"yang lao jin ling qu zi ge ren zheng\"") ","
    /* 4: 社保 only in the department */
    SVC("e", "失业登记", "Unemployment registration", "人力社保局", "",
        "\"shi ye deng ji\"") ","
    /* 5: nothing about 社保 */
    SVC("f", "公积金提取", "Housing fund withdrawal", "公积金中心", "\"住房\"",
        "\"gong ji jin ti qu\"") ","
    /* 6: a second name prefix for 社保, after 1 in catalogue order */
    SVC("g", "社保卡补办", "Social security card replacement", "人力社保局", "",
        "\"she bao ka bu ban\"") ","
    /* 7, 8: "etc" in the zh name of one, in the en name of the other */
    SVC("h", "ETC通行卡办理", "Toll card application", "交通局", "", "") ","
    SVC("i", "车辆通行费缴纳", "ETC toll payment", "交通局", "", "")
    "]}";

static catalog *load(void)
{
    diag_list errors = DIAG_LIST_INIT;
    catalog *c = catalog_parse(CATALOG, strlen(CATALOG), "search.json", &errors);
    diag_print(&errors, stderr);
    assert_non_null(c);
    diag_clear(&errors);
    return c;
}

static int setup(void **state)
{
    *state = load();
    return 0;
}

static int teardown(void **state)
{
    catalog_free(*state);
    return 0;
}

/* Searches and checks the ids of the hits, best first ("" = no hits). */
static void expect_ids(const catalog *c, const char *query, const char *lang,
                       const char *want)
{
    catalog_hit hits[16];
    size_t n = catalog_search(c, query, lang, hits, 16);
    char got[64] = "";
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(got, " ");
        strcat(got, hits[i].service->id);
    }
    if (strcmp(got, want))
        print_error("query \"%s\" (%s): got [%s], want [%s]\n", query, lang, got, want);
    assert_string_equal(got, want);
    for (size_t i = 1; i < n; i++)
        assert_true(hits[i - 1].score >= hits[i].score);
}

static void test_ranking_tiers(void **state)
{
    const catalog *c = *state;
    /* exact name > prefix (two, in catalogue order) > substring > keyword >
     * department */
    expect_ids(c, "社保", "zh", "c b g a d e");
    catalog_hit hits[8];
    size_t n = catalog_search(c, "社保", "zh", hits, 8);
    assert_int_equal(n, 6);
    assert_true(hits[0].score > hits[1].score);     /* exact > prefix */
    assert_int_equal(hits[1].score, hits[2].score); /* tie: two prefixes */
    assert_true(hits[2].score > hits[3].score);     /* prefix > substring */
    assert_true(hits[3].score > hits[4].score);     /* substring > keyword */
    assert_true(hits[4].score > hits[5].score);     /* keyword > department */
}

static void test_initials(void **state)
{
    const catalog *c = *state;
    expect_ids(c, "sbjf", "zh", "b");
    /* equal initials above initials that only start with the query */
    expect_ids(c, "sb", "zh", "c b g");
    expect_ids(c, "sbkbb", "zh", "g");
}

static void test_full_pinyin(void **state)
{
    const catalog *c = *state;
    /* from the first syllable, in catalogue order; then from a later one */
    expect_ids(c, "shebao", "zh", "b c g a");
    expect_ids(c, "she bao", "zh", "b c g a");
    expect_ids(c, "shebaojiaofei", "zh", "b");
    expect_ids(c, "jiaofei", "zh", "b");
    /* a prefix of several services' pinyin: catalogue order, later
     * syllables last */
    expect_ids(c, "sh", "zh", "b c e g a");
}

static void test_case_and_full_width(void **state)
{
    const catalog *c = *state;
    expect_ids(c, "ＳＢＪＦ", "zh", "b");
    expect_ids(c, "SBJF", "zh", "b");
    expect_ids(c, "ｓｈｅ　ｂａｏ", "zh", "b c g a");
    expect_ids(c, "SOCIAL INSURANCE", "en", "c a b");
    expect_ids(c, "  社保  ", "zh", "c b g a d e");
}

static void test_english_words(void **state)
{
    const catalog *c = *state;
    expect_ids(c, "social insurance", "en", "c a b");
    /* every word must match somewhere, in any order */
    expect_ids(c, "pension certification", "en", "d");
    expect_ids(c, "certification pension", "en", "d");
    expect_ids(c, "pension  CERT", "en", "d");
    expect_ids(c, "pension withdrawal", "en", "");
    /* a word can match a keyword or department as well as the name */
    expect_ids(c, "fund 住房", "zh", "f");
}

static void test_ui_language_breaks_ties(void **state)
{
    const catalog *c = *state;
    /* h has ETC in its zh name, i in its en name: both name prefixes */
    expect_ids(c, "etc", "zh", "h i");
    expect_ids(c, "etc", "en", "i h");
}

static void test_keyword_and_department(void **state)
{
    const catalog *c = *state;
    expect_ids(c, "住房", "zh", "f");
    expect_ids(c, "公积金中心", "zh", "f");
    expect_ids(c, "退休", "en", "d");
}

static void test_empty_and_no_match(void **state)
{
    const catalog *c = *state;
    catalog_hit hits[4];
    assert_int_equal(catalog_search(c, "", "zh", hits, 4), 0);
    assert_int_equal(catalog_search(c, "   ", "zh", hits, 4), 0);
    assert_int_equal(catalog_search(c, "\xE3\x80\x80\t", "zh", hits, 4), 0);
    assert_int_equal(catalog_search(c, "xyzzy", "zh", hits, 4), 0);
    assert_int_equal(catalog_search(c, "护照", "zh", hits, 4), 0);
    assert_int_equal(catalog_search(c, NULL, "zh", hits, 4), 0);
    assert_int_equal(catalog_search(NULL, "社保", "zh", hits, 4), 0);
    assert_int_equal(catalog_search(c, "社保", "zh", NULL, 4), 0);
    assert_int_equal(catalog_search(c, "社保", "zh", hits, 0), 0);
    /* lang may be NULL: Chinese */
    assert_int_equal(catalog_search(c, "etc", NULL, hits, 4), 2);
    assert_string_equal(hits[0].service->id, "h");
}

static void test_max_keeps_the_best(void **state)
{
    const catalog *c = *state;
    catalog_hit hits[3];
    assert_int_equal(catalog_search(c, "社保", "zh", hits, 3), 3);
    assert_string_equal(hits[0].service->id, "c");
    assert_string_equal(hits[1].service->id, "b");
    assert_string_equal(hits[2].service->id, "g");
    assert_int_equal(catalog_search(c, "社保", "zh", hits, 1), 1);
    assert_string_equal(hits[0].service->id, "c");
}

static void test_deterministic(void **state)
{
    const catalog *c = *state;
    catalog_hit a[16], b[16];
    size_t na = catalog_search(c, "s", "zh", a, 16);
    size_t nb = catalog_search(c, "s", "zh", b, 16);
    assert_int_equal(na, nb);
    assert_true(na > 3);
    for (size_t i = 0; i < na; i++) {
        assert_ptr_equal(a[i].service, b[i].service);
        assert_int_equal(a[i].score, b[i].score);
    }
}

static void test_long_query(void **state)
{
    const catalog *c = *state;
    /* longer than the query buffer: cut, never overrun */
    char q[2000];
    memset(q, 'a', sizeof q - 1);
    q[sizeof q - 1] = '\0';
    catalog_hit hits[4];
    assert_int_equal(catalog_search(c, q, "zh", hits, 4), 0);
    char words[1200] = "";
    for (int i = 0; i < 200; i++)
        strcat(words, "so ");
    assert_true(catalog_search(c, words, "en", hits, 4) > 0);
}

/* Fast enough for every key press: a few hundred services, well under a
 * millisecond unsanitized. The bound is loose so a loaded CI machine under
 * ASan still passes; it catches accidental quadratic work, not jitter. */
static void test_fast_on_a_big_catalogue(void **state)
{
    (void)state;
    size_t n = 500;
    size_t size = n * (sizeof SVC("", "", "", "", "", "") + 200) + 200;
    char *text = malloc(size);
    assert_non_null(text);
    size_t o = (size_t)snprintf(text, size,
                                "{\"version\": \"t\", \"categories\": [{\"id\": \"c\","
                                " \"name\": \"类\"}], \"services\": [");
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(text + o, size - o, "%s" SVC("s%zu", "社会保险服务%zu",
                              "Social insurance service %zu", "人力社保局",
                              "\"养老\", \"医疗\"", "\"she hui bao xian fu wu\""),
                              i ? "," : "", i, i, i);
    snprintf(text + o, size - o, "]}");
    diag_list errors = DIAG_LIST_INIT;
    catalog *c = catalog_parse(text, strlen(text), "big.json", &errors);
    diag_print(&errors, stderr);
    assert_non_null(c);
    static const char *const queries[] = {"s", "sh", "shbx", "社", "社会保险", "ser",
                                          "social service 49", "zzz"};
    catalog_hit hits[20];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rounds = 20;
    for (int r = 0; r < rounds; r++)
        for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++)
            catalog_search(c, queries[q], "zh", hits, 20);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = ((double)(t1.tv_sec - t0.tv_sec) * 1e3 +
                 (double)(t1.tv_nsec - t0.tv_nsec) / 1e6) /
                (rounds * (double)(sizeof queries / sizeof queries[0]));
    print_message("catalog_search: %.3f ms per query over %zu services\n", ms, n);
    assert_true(ms < 20.0);
    /* and ties in catalogue order across the whole list */
    size_t k = catalog_search(c, "shbx", "zh", hits, 20);
    assert_int_equal(k, 20);
    for (size_t i = 0; i < k; i++)
        assert_ptr_equal(hits[i].service, &c->services[i]);
    catalog_free(c);
    free(text);
}

/* The catalogue the kiosk ships with (maintained by the content team in
 * config/catalog.json): it must validate and be big enough to be real. */
static void test_shipped_catalogue(void **state)
{
    (void)state;
    diag_list errors = DIAG_LIST_INIT;
    catalog *c = catalog_load(KIOSK_SOURCE_DIR "/config/catalog.json", &errors);
    diag_print(&errors, stderr);
    assert_int_equal(errors.count, 0);
    assert_non_null(c);
    assert_true(c->n_services >= 40);
    assert_true(c->n_categories >= 10);

    /* A resident typing sbjf must reach social-insurance payment. The
     * shipped file names it 社会保险费缴纳 and lists 社保缴费 as a keyword,
     * so either place counts. */
    catalog_hit hits[10];
    size_t n = catalog_search(c, "sbjf", "zh", hits, 10);
    bool found = false;
    for (size_t i = 0; i < n && !found; i++) {
        const catalog_service *s = hits[i].service;
        found = strstr(ltext_exact(&s->name, "zh"), "社保缴费") != NULL;
        for (size_t k = 0; k < s->n_keywords && !found; k++)
            found = strstr(s->keywords[k], "社保缴费") != NULL;
    }
    if (!found)
        print_error("sbjf found no service named or keyworded 社保缴费\n");
    assert_true(found);
    catalog_free(c);
    diag_clear(&errors);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ranking_tiers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_initials, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_pinyin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case_and_full_width, setup, teardown),
        cmocka_unit_test_setup_teardown(test_english_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ui_language_breaks_ties, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keyword_and_department, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_and_no_match, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_keeps_the_best, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_query, setup, teardown),
        cmocka_unit_test(test_fast_on_a_big_catalogue),
        cmocka_unit_test(test_shipped_catalogue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
