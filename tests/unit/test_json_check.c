/*
 * json_check on its own: a made-up survey shape (nothing to do with the
 * catalogue) walked with the checker's getters, so each rule's exact
 * FILE:LINE:COL message is pinned here once for every loader that uses it.
 *
 * DOC is laid out one question per line; each test makes one edit to it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "catalog/json_check.h"
#include "../support/diag_expect.h"

static const char DOC[] =
    "{\"title\": {\"zh\": \"满意度调查\", \"en\": \"Survey\"},\n"
    " \"questions\": [\n"
    "  {\"key\": \"q1\", \"kind\": \"scale\", \"max\": 5, \"optional\": false},\n"
    "  {\"key\": \"q2\", \"kind\": \"choice\", \"max\": 1, \"optional\": true,\n"
    "   \"options\": [\"好\", \"一般\", \"差\"]}]}\n";

typedef struct question {
    const char *key;        /* points into the tree */
    int kind;
    int max;
    bool optional;
    char **options;
    size_t n_options;
} question;

typedef struct survey {
    ltext title;
    question q[3];
    size_t n;
} survey;

static const char *const kinds[] = {"choice", "scale"};

static bool one_word(const char *s)
{
    return !strchr(s, ' ');
}

static void walk_question(json_check *jc, json_t *obj, question *q)
{
    if (!json_check_object(jc, obj, "must be an object {\"key\": ..., \"kind\": ...}"))
        return;
    q->key = json_check_string(jc, obj, "key", true, 8, JSON_CHECK_LOWER_ID);
    if (q->key)
        json_check_set_id(jc, q->key);
    static const char *const keys[] = {"key", "kind", "max", "optional", "options"};
    json_check_keys(jc, obj, keys, sizeof keys / sizeof keys[0]);
    q->kind = json_check_enum(jc, obj, "kind", kinds, 2);
    json_check_int(jc, obj, "max", 1, 10, &q->max);
    json_check_bool(jc, obj, "optional", &q->optional);
    q->options = json_check_string_list(jc, obj, "options", 4, 6, one_word,
                                        "must be one word", &q->n_options);
}

static void walk_survey(json_check *jc, json_t *root, survey *s)
{
    if (!json_check_object(jc, root, "a survey must be an object"))
        return;
    static const char *const keys[] = {"title", "questions"};
    json_check_keys(jc, root, keys, 2);
    json_check_text(jc, root, "title", true, 8, 16, &s->title);
    json_t *qs = json_check_array(jc, root, "questions", true, 1, 3,
                                  "must list at least one question");
    if (!qs)
        return;
    s->n = json_array_size(qs);
    json_check_push_key(jc, "questions");
    for (size_t i = 0; i < s->n; i++) {
        json_check_push_index(jc, i);
        walk_question(jc, json_array_get(qs, i), &s->q[i]);
        json_check_pop(jc);
    }
    json_check_pop(jc);
}

static void survey_free(survey *s)
{
    ltext_free(&s->title);
    for (size_t i = 0; i < s->n; i++) {
        for (size_t j = 0; j < s->q[i].n_options; j++)
            free(s->q[i].options[j]);
        free(s->q[i].options);
    }
}

/* Checks text as "s.json" and compares the problems with want
 * (NULL-terminated, formatted FILE:LINE:COL: message). */
static void expect(const char *text, const char *const *want)
{
    diag_list errors = DIAG_LIST_INIT;
    survey s = {0};
    bool ok = false;
    json_t *root = json_check_load(text, strlen(text), "s.json", &errors);
    if (root) {
        json_check jc;
        json_check_init(&jc, text, strlen(text), "s.json", &errors);
        walk_survey(&jc, root, &s);
        ok = json_check_finish(&jc);
        json_decref(root);
    }
    assert_true(diag_expect_same(&errors, want));
    assert_int_equal(ok, want[0] == NULL);
    survey_free(&s);
    diag_clear(&errors);
}

/* DOC with the first occurrence of from replaced by to. */
static void expect_edit(const char *from, const char *to, const char *const *want)
{
    const char *at = strstr(DOC, from);
    if (!at)
        fail_msg("edit not found: %s", from);
    size_t pre = (size_t)(at - DOC), lf = strlen(from), lt = strlen(to);
    char *text = malloc(sizeof DOC - lf + lt);
    assert_non_null(text);
    memcpy(text, DOC, pre);
    memcpy(text + pre, to, lt);
    memcpy(text + pre + lt, at + lf, sizeof DOC - pre - lf);
    expect(text, want);
    free(text);
}

static int setup(void **state)
{
    (void)state;
    ltext_set_fallback("zh");
    return 0;
}

static void test_valid_document(void **state)
{
    (void)state;
    diag_list errors = DIAG_LIST_INIT;
    json_t *root = json_check_load(DOC, strlen(DOC), "s.json", &errors);
    assert_non_null(root);
    json_check jc;
    json_check_init(&jc, DOC, strlen(DOC), "s.json", &errors);
    survey s = {0};
    walk_survey(&jc, root, &s);
    assert_true(json_check_finish(&jc));
    assert_int_equal(errors.count, 0);
    assert_int_equal(jc.depth, 0);
    assert_string_equal(ltext_get(&s.title, "en"), "Survey");
    assert_int_equal(s.n, 2);
    assert_string_equal(s.q[0].key, "q1");
    assert_int_equal(s.q[0].kind, 1);
    assert_int_equal(s.q[0].max, 5);
    assert_false(s.q[0].optional);
    assert_null(s.q[0].options);
    assert_int_equal(s.q[1].kind, 0);
    assert_true(s.q[1].optional);
    assert_int_equal(s.q[1].n_options, 3);
    assert_string_equal(s.q[1].options[1], "一般");
    survey_free(&s);
    json_decref(root);
}

static void test_document_level(void **state)
{
    (void)state;
    expect("", (const char *const[]){"s.json: file is empty", NULL});
    expect("{\"title\": }",
           (const char *const[]){"s.json:1:11: JSON syntax error: unexpected token near '}'", NULL});
    expect("[1]\n", (const char *const[]){
        "s.json:1:1: a survey must be an object, got a list", NULL});
}

static void test_type_errors(void **state)
{
    (void)state;
    expect_edit("{\"zh\": \"满意度调查\", \"en\": \"Survey\"}", "5", (const char *const[]){
        "s.json:1:11: title: must be text: a string or {\"zh\": ..., \"en\": ...}, got 5", NULL});
    expect_edit("\"optional\": false", "\"optional\": \"no\"", (const char *const[]){
        "s.json:3:56: questions[0] (id q1) optional: must be true or false, got \"no\"", NULL});
    expect_edit("\"key\": \"q1\"", "\"key\": 1", (const char *const[]){
        "s.json:3:11: questions[0].key: must be a string, got 1", NULL});
    expect_edit("\"kind\": \"scale\"", "\"kind\": \"stars\"", (const char *const[]){
        "s.json:3:25: questions[0] (id q1) kind: must be one of \"choice\", \"scale\", got \"stars\"",
        NULL});
    expect_edit("[\"好\", \"一般\", \"差\"]", "\"好\"", (const char *const[]){
        "s.json:5:15: questions[1] (id q2) options: must be a list [...], got \"好\"", NULL});
    expect_edit("{\"key\": \"q1\", \"kind\": \"scale\", \"max\": 5, \"optional\": false}", "[1]",
                (const char *const[]){
        "s.json:3:3: questions[0]: must be an object {\"key\": ..., \"kind\": ...}, got a list",
        NULL});
}

static void test_bounds(void **state)
{
    (void)state;
    expect_edit("\"max\": 5", "\"max\": 0", (const char *const[]){
        "s.json:3:41: questions[0] (id q1) max: must be a whole number from 1 to 10, got 0", NULL});
    expect_edit("\"max\": 5", "\"max\": 5.0", (const char *const[]){
        "s.json:3:41: questions[0] (id q1) max: must be a whole number from 1 to 10, got 5.0", NULL});
    expect_edit("\"key\": \"q1\"", "\"key\": \"question1\"", (const char *const[]){
        "s.json:3:11: questions[0].key: is too long (9 characters, at most 8)", NULL});
    expect_edit("\"key\": \"q1\"", "\"key\": \"Q1\"", (const char *const[]){
        "s.json:3:11: questions[0].key: must contain only lower-case letters a-z, digits and '-', got \"Q1\"",
        NULL});
    /* the narrow limit for en (16), the wide one for zh (8) */
    expect_edit("\"Survey\"", "\"Customer satisfaction\"", (const char *const[]){
        "s.json:1:33: title.en: is too long (21 characters, at most 16)", NULL});
    expect_edit("满意度调查", "顾客满意度调查问卷表", (const char *const[]){
        "s.json:1:18: title.zh: is too long (10 characters, at most 8)", NULL});
    expect_edit("\"questions\": [\n", "\"questions\": [\n  {\"key\": \"q0\", \"kind\": \"scale\", \"max\": 5, \"optional\": false},\n  {\"key\": \"q9\", \"kind\": \"scale\", \"max\": 5, \"optional\": false},\n",
                (const char *const[]){
        "s.json:2:15: questions: has too many entries (4, at most 3)", NULL});
    expect_edit("[\n  {\"key\": \"q1\", \"kind\": \"scale\", \"max\": 5, \"optional\": false},\n  {\"key\": \"q2\", \"kind\": \"choice\", \"max\": 1, \"optional\": true,\n   \"options\": [\"好\", \"一般\", \"差\"]}]",
                "[]", (const char *const[]){
        "s.json:2:15: questions: must list at least one question", NULL});
}

static void test_missing_required_key(void **state)
{
    (void)state;
    /* at the object that should hold it */
    expect_edit("\"max\": 5, ", "", (const char *const[]){
        "s.json:3:3: questions[0] (id q1) max: required field is missing", NULL});
    expect_edit("\"title\": {\"zh\": \"满意度调查\", \"en\": \"Survey\"},\n ", "",
                (const char *const[]){"s.json:1:1: title: required field is missing", NULL});
    /* a text must hold the fallback language */
    expect_edit("\"zh\": \"满意度调查\", ", "", (const char *const[]){
        "s.json:1:11: title.zh: required field is missing", NULL});
}

static void test_unknown_key(void **state)
{
    (void)state;
    expect_edit("\"optional\": false", "\"optinal\": false", (const char *const[]){
        "s.json:3:3: questions[0] (id q1) optional: required field is missing",
        "s.json:3:44: questions[0] (id q1) optinal: unknown field; did you mean \"optional\"?",
        NULL});
    expect_edit("\"title\"", "\"titel\"", (const char *const[]){
        "s.json:1:1: title: required field is missing",
        "s.json:1:2: titel: unknown field; did you mean \"title\"?", NULL});
    /* no allowed name within two edits: the list of them */
    expect_edit("\"q2\", \"kind\"", "\"q2\", \"extra\": 1, \"kind\"", (const char *const[]){
        "s.json:4:17: questions[1] (id q2) extra: unknown field; allowed here: key, kind, max, optional, options",
        NULL});
    /* a key with odd characters is quoted; a language code key is reported
     * at the key itself */
    expect_edit("\"en\": \"Survey\"", "\"EN!\": \"Survey\"", (const char *const[]){
        "s.json:1:27: title.\"EN!\": is not a language code; " LANG_CODE_RULE, NULL});
}

static void test_nested_index_paths(void **state)
{
    (void)state;
    expect_edit("\"一般\"", "\" \"", (const char *const[]){
        "s.json:5:21: questions[1] (id q2) options[1]: must not be empty", NULL});
    expect_edit("\"差\"", "\"very bad\"", (const char *const[]){
        "s.json:5:27: questions[1] (id q2) options[2]: is too long (8 characters, at most 6)", NULL});
    expect_edit("\"差\"", "\"a b\"", (const char *const[]){
        "s.json:5:27: questions[1] (id q2) options[2]: must be one word, got \"a b\"", NULL});
    /* without a valid id, the entry is named by its index only */
    expect_edit("\"key\": \"q2\"", "\"key\": \"\"", (const char *const[]){
        "s.json:4:11: questions[1].key: must not be empty",
        NULL});
    expect_edit("\"key\": \"q2\", \"kind\": \"choice\"", "\"key\": \"Q2\", \"kind\": \"x\"",
                (const char *const[]){
        "s.json:4:11: questions[1].key: must contain only lower-case letters a-z, digits and '-', got \"Q2\"",
        "s.json:4:25: questions[1].kind: must be one of \"choice\", \"scale\", got \"x\"", NULL});
}

/* Past JSON_CHECK_MAX_PROBLEMS problems the rest are only counted. */
static void test_problem_cap(void **state)
{
    (void)state;
    char text[8192];
    size_t o = (size_t)snprintf(text, sizeof text, "{\"title\": \"t\", \"questions\": [1, 2, 3]");
    for (int i = 0; i < 200; i++)
        o += (size_t)snprintf(text + o, sizeof text - o, ", \"x%d\": 0", i);
    snprintf(text + o, sizeof text - o, "}");
    diag_list errors = DIAG_LIST_INIT;
    json_t *root = json_check_load(text, strlen(text), "s.json", &errors);
    assert_non_null(root);
    json_check jc;
    json_check_init(&jc, text, strlen(text), "s.json", &errors);
    survey s = {0};
    walk_survey(&jc, root, &s);
    assert_false(json_check_finish(&jc));
    assert_int_equal(jc.problems, 203);
    assert_int_equal(errors.count, JSON_CHECK_MAX_PROBLEMS + 1);
    char got[256];
    diag_format(&errors.items[errors.count - 1], got, sizeof got);
    assert_string_equal(got, "s.json: 3 more problems not shown; fix these and check again");
    survey_free(&s);
    json_decref(root);
    diag_clear(&errors);
}

static void test_quote_and_describe(void **state)
{
    (void)state;
    char out[JSON_CHECK_GOT_SIZE];
    json_check_quote("a\"b\\c\n", out, sizeof out);
    assert_string_equal(out, "\"a\\\"b\\\\c\\u000A\"");
    json_check_quote("0123456789012345678901234567890123456789XYZ", out, sizeof out);
    assert_string_equal(out, "\"0123456789012345678901234567890123456789...\"");
    json_t *j = json_real(2.0);
    json_check_describe(j, out, sizeof out);
    assert_string_equal(out, "2.0");
    json_decref(j);
    j = json_object();
    json_check_describe(j, out, sizeof out);
    assert_string_equal(out, "an object");
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_document),
        cmocka_unit_test(test_document_level),
        cmocka_unit_test(test_type_errors),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_missing_required_key),
        cmocka_unit_test(test_unknown_key),
        cmocka_unit_test(test_nested_index_paths),
        cmocka_unit_test(test_problem_cap),
        cmocka_unit_test(test_quote_and_describe),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
