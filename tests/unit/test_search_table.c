/*
 * The search as residents use it (issue 7): every query residents tried,
 * against the shipped config/catalog.json and config/search-words.json,
 * with the service that must come first. When the content team changes
 * the catalogue, a row here that fails says which query a resident would
 * now miss.
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

#define MAX_HITS 64

typedef struct row {
    const char *query;
    const char *first;      /* id of the first hit; NULL: no hit at all */
    bool elsewhere;         /* the query must also get "where to go" advice */
} row;

/* ids are 330106-<category>-00-<n>; the comments give the names */
static const row TABLE[] = {
    /* Chinese by words */
    {"查社保", "330106-001-00-001", false},        /* 社保参保证明打印 */
    {"社保查询", "330106-001-00-001", false},
    {"打印社保", "330106-001-00-001", false},
    /* synonyms and everyday words */
    {"退休", "330106-003-00-001", false},          /* 养老待遇资格认证 */
    {"退休金", "330106-001-00-004", false},        /* 城乡居民养老保险待遇申领 */
    {"医保卡", "330106-001-00-005", false},        /* 社会保障卡申领 */
    {"看病报销", "330106-002-00-004", false},      /* 医疗费用手工报销 */
    {"提公积金", "330106-006-00-003", false},      /* 租房提取住房公积金 */
    {"上户口", "330106-005-00-001", false},        /* 出生登记 */
    /* traditional characters */
    {"社會保險", "330106-001-00-002", false},      /* 社会保险费缴纳 */
    {"養老", "330106-003-00-001", false},
    {"公積金", "330106-006-00-001", false},        /* 住房公积金查询 */
    /* slips */
    {"sebao", "330106-001-00-001", false},
    {"yangloa", "330106-001-00-004", false},
    {"gjjtq", "330106-006-00-003", false},
    {"gongjijing", "330106-006-00-001", false},
    {"shebaojioafei", "330106-001-00-002", false},
    {"pensoin", "330106-003-00-001", false},       /* Pension Eligibility ... */
    {"retire", "330106-001-00-003", false},        /* ... Pension Insurance */
    /* elsewhere: not in the catalogue, but not a dead end */
    {"lost ID card", NULL, true},
    {"身份证丢了", NULL, true},
    {"passport", NULL, true},
    {"护照", NULL, true},
    {"驾照", NULL, true},
    {"结婚", NULL, true},
    {"visa", "330106-014-00-001", true},           /* tax record: its guide
                                                       names visa applications */
    {"residence permit", "330106-005-00-004", true},/* 居住证申领 */
    {"foreigner", "330106-001-00-002", true},
    /* kept */
    {"sbjf", "330106-001-00-002", false},
    {"shebao", "330106-001-00-001", false},
    {"she bao", "330106-001-00-001", false},
    {"pension certification", "330106-003-00-001", false},
    {"certification pension", "330106-003-00-001", false},
    {"rent", "330106-014-00-003", false},          /* Rental Invoice ... */
    {"社会保险", "330106-001-00-002", false},
    {"养老金", "330106-001-00-004", false},
};

static catalog *cat;

static int setup(void **state)
{
    (void)state;
    diag_list errors = DIAG_LIST_INIT;
    cat = catalog_load(KIOSK_SOURCE_DIR "/config/catalog.json", &errors);
    diag_print(&errors, stderr);
    diag_clear(&errors);
    return cat && cat->words ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    catalog_free(cat);
    return 0;
}

static size_t search(const char *q, const char *lang, catalog_hit *hits)
{
    return catalog_search(cat, q, lang, hits, MAX_HITS);
}

static bool finds(const char *q, const char *id)
{
    catalog_hit hits[MAX_HITS];
    size_t n = search(q, "zh", hits);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(hits[i].service->id, id))
            return true;
    return false;
}

static void test_table(void **state)
{
    (void)state;
    int failed = 0;
    for (size_t i = 0; i < sizeof TABLE / sizeof TABLE[0]; i++) {
        const row *r = &TABLE[i];
        for (int l = 0; l < 2; l++) {
            const char *lang = l ? "en" : "zh";
            catalog_hit hits[MAX_HITS];
            size_t n = search(r->query, lang, hits);
            const char *got = n ? hits[0].service->id : "(nothing)";
            const char *want = r->first ? r->first : "(nothing)";
            if (strcmp(got, want)) {
                print_error("%s (%s): first is %s, want %s\n", r->query, lang, got, want);
                failed++;
            }
            catalog_suggestion s;
            catalog_search_suggest(cat, r->query, lang, &s);
            if (r->elsewhere != (s.elsewhere != NULL)) {
                print_error("%s (%s): elsewhere advice %s\n", r->query, lang,
                            s.elsewhere ? "given, want none" : "missing");
                failed++;
            }
            if (s.n_featured == 0)
                failed++;
        }
    }
    assert_int_equal(failed, 0);
}

/* A category's name finds all its services. */
static void test_category_name_finds_all(void **state)
{
    (void)state;
    for (size_t k = 0; k < cat->n_categories; k++) {
        const catalog_category *g = &cat->categories[k];
        for (size_t i = 0; i < g->n_services; i++) {
            const catalog_service *s = &cat->services[g->services[i]];
            if (!finds(ltext_get(&g->name, "zh"), s->id) ||
                !finds(ltext_get(&g->name, "en"), s->id))
                fail_msg("category %s does not find %s", g->id, s->id);
        }
    }
    assert_int_equal(cat->categories[0].n_services, 6);  /* five, and flexible-worker enrolment (forms) */
}

static void test_pension_finds_certification(void **state)
{
    (void)state;
    assert_true(finds("养老金", "330106-003-00-001"));
    assert_true(finds("退休金", "330106-003-00-001"));
}

/* A query cut inside a UTF-8 sequence (a field truncated at its size) is
 * searched as typed and never reaches OpenCC: fuzz_search_words once saw
 * OpenCC's output of such text without its terminating NUL (it depends on
 * the heap, so this test cannot force it; it checks the path is safe and
 * that valid traditional text still converts). */
static void test_truncated_utf8(void **state)
{
    (void)state;
    catalog_hit hits[8];
    const char *queries[] = {"社會\xe4", "\xe4\xbf", "養\xe8\x80", "社保\xff查询"};
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++)
        catalog_search(cat, queries[i], "zh", hits, 8);
    /* and valid traditional text still converts */
    assert_true(finds("社會保險", "330106-001-00-002"));
}

/* "rent" is a whole English word: not inside "preferential". */
static void test_rent_is_a_word(void **state)
{
    (void)state;
    assert_false(finds("rent", "330106-009-00-001"));
    assert_true(finds("rent", "330106-006-00-003"));     /* ... to Pay Rent */
    assert_true(finds("preferential", "330106-009-00-001"));
}

/* Name before keyword before guide text, in both languages. */
static void test_name_before_keyword_before_guide(void **state)
{
    (void)state;
    catalog_hit hits[MAX_HITS];
    /* 过户: name of 水电气联合过户, keyword of 二手房转移登记 */
    size_t n = search("过户", "zh", hits);
    assert_true(n >= 2);
    assert_string_equal(hits[0].service->id, "330106-011-00-004");
    assert_string_equal(hits[1].service->id, "330106-007-00-003");
    /* landlord: keyword of the rental invoice only */
    n = search("landlords", "en", hits);
    assert_true(n >= 1);
    assert_string_equal(hits[0].service->id, "330106-014-00-003");
    /* visa: only in a guide's summary, ranked after every name */
    n = search("visa", "en", hits);
    assert_true(n >= 1);
    int guide = hits[0].score;
    n = search("landlords", "en", hits);
    assert_true(guide < hits[0].score);
}

static void test_did_you_mean(void **state)
{
    (void)state;
    catalog_suggestion s;
    catalog_search_suggest(cat, "pensoin", "en", &s);
    assert_string_equal(s.did_you_mean, "pension");
    catalog_search_suggest(cat, "yangloa", "zh", &s);
    assert_string_equal(s.did_you_mean, "yanglao");
    catalog_search_suggest(cat, "pansoin", "en", &s);   /* two slips */
    assert_string_equal(s.did_you_mean, "pension");
    catalog_search_suggest(cat, "pasport", "en", &s);   /* advice only */
    assert_string_equal(s.did_you_mean, "passport");
    /* found as typed: nothing to correct */
    catalog_search_suggest(cat, "sebao", "zh", &s);
    assert_string_equal(s.did_you_mean, "");
    catalog_search_suggest(cat, "社保", "zh", &s);
    assert_string_equal(s.did_you_mean, "");
    assert_null(s.elsewhere);
    /* the featured list comes from search-words.json */
    assert_true(s.n_featured >= 4);
    assert_string_equal(s.featured[0]->id, "330106-001-00-001");
    /* the advice in the UI language */
    catalog_search_suggest(cat, "passport", "en", &s);
    assert_non_null(s.elsewhere);
    assert_non_null(strstr(s.elsewhere, "Exit-Entry"));
    catalog_search_suggest(cat, "护照", "zh", &s);
    assert_non_null(strstr(s.elsewhere, "出入境"));
    catalog_search_suggest(NULL, "x", "zh", &s);
    assert_int_equal(s.n_featured, 0);
    catalog_search_suggest(cat, NULL, "zh", &s);
    assert_null(s.elsewhere);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_category_name_finds_all),
        cmocka_unit_test(test_pension_finds_certification),
        cmocka_unit_test(test_rent_is_a_word),
        cmocka_unit_test(test_truncated_utf8),
        cmocka_unit_test(test_name_before_keyword_before_guide),
        cmocka_unit_test(test_did_you_mean),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
