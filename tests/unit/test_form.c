/*
 * form: the form schema in the catalogue (exact FILE:LINE:COL messages for
 * every check the issue names: an unknown field type, a rule no answer can
 * meet, a label missing in a configured language, an ID-card field on a
 * service without sign-in) and the rules a resident's answer must meet.
 *
 * BASE is a valid one-service catalogue whose form is laid out one field
 * per line; each case makes one edit to it.
 */
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
    "{\"version\": \"1\",\n"
    " \"categories\": [{\"id\": \"social\", \"name\": \"社保\"}],\n"
    " \"services\": [\n"
    "  {\"id\": \"S1\", \"name\": \"认证\", \"department\": \"人社局\", \"category\": \"social\",\n"
    "   \"kiosk\": true, \"needs_identity\": true, \"conditions\": [\"退休\"], \"materials\": [],\n"
    "   \"steps\": [\"刷卡\"], \"time_limit\": {\"legal_days\": 0, \"promised_days\": 0},\n"
    "   \"fees\": \"免费\", \"window\": \"1\", \"address\": \"一楼\", \"phone\": \"12333\", \"hours\": \"全天\",\n"
    "   \"form\": {\"delivery\": \"queue\",\n"
    "    \"reply\": {\"zh\": \"三个工作日内短信通知\", \"en\": \"A text message within 3 working days\"},\n"
    "    \"fields\": [\n"
    "     {\"id\": \"name\", \"type\": \"text\", \"label\": {\"zh\": \"姓名\", \"en\": \"Name\"}, \"from_card\": \"name\"},\n"
    "     {\"id\": \"phone\", \"type\": \"phone\", \"label\": {\"zh\": \"手机\", \"en\": \"Mobile\"}, \"help\": {\"zh\": \"11位\", \"en\": \"11 digits\"}, \"required\": true},\n"
    "     {\"id\": \"age\", \"type\": \"digits\", \"label\": {\"zh\": \"年龄\", \"en\": \"Age\"}, \"help\": {\"zh\": \"周岁\", \"en\": \"Years\"}, \"min\": 16, \"max\": 120},\n"
    "     {\"id\": \"edu\", \"type\": \"choice\", \"label\": {\"zh\": \"学历\", \"en\": \"Education\"}, \"help\": {\"zh\": \"最高\", \"en\": \"Highest\"}, \"choices\": [{\"id\": \"a\", \"label\": {\"zh\": \"本科\", \"en\": \"Degree\"}}, {\"id\": \"b\", \"label\": {\"zh\": \"其他\", \"en\": \"Other\"}}]},\n"
    "     {\"id\": \"note\", \"type\": \"text\", \"label\": {\"zh\": \"说明\", \"en\": \"Note\"}, \"help\": {\"zh\": \"可不填\", \"en\": \"Optional\"}, \"min_length\": 2, \"max_length\": 50}]}}]}\n";

static const char LANGS[][LANG_CODE_SIZE] = {"zh", "en"};

static int setup(void **state)
{
    (void)state;
    ltext_set_fallback("zh");
    form_set_languages(LANGS, 2);
    return 0;
}

static char *edited_from(const char *base, const char *from, const char *to)
{
    char *out = text_replace_first(base, from, to);
    if (!out)
        fail_msg("edit not found: %s", from);
    return out;
}

static char *edited(const char *from, const char *to)
{
    return edited_from(BASE, from, to);
}

static void expect_text(char *text, const char *const *want)
{
    diag_list errors = DIAG_LIST_INIT;
    catalog *c = catalog_parse(text, strlen(text), "t.json", &errors);
    bool same = diag_expect_same(&errors, want);
    assert_null(c);
    assert_true(same);
    diag_clear(&errors);
    free(text);
}

static void expect(const char *from, const char *to, const char *const *want)
{
    expect_text(edited(from, to), want);
}

static void test_base_is_valid(void **state)
{
    (void)state;
    diag_list errors = DIAG_LIST_INIT;
    catalog *c = catalog_parse(BASE, strlen(BASE), "t.json", &errors);
    diag_print(&errors, stderr);
    assert_non_null(c);
    const catalog_form *f = c->services[0].form;
    assert_non_null(f);
    assert_int_equal(f->delivery, FORM_QUEUE);
    assert_int_equal(f->n_fields, 5);
    assert_int_equal(f->fields[0].from_card, FORM_CARD_NAME);
    assert_true(f->fields[0].personal);
    assert_true(f->fields[1].personal);     /* phones are personal */
    assert_false(f->fields[3].personal);    /* a choice is not */
    assert_int_equal(f->fields[3].n_choices, 2);
    assert_string_equal(ltext_get(&f->reply, "en"), "A text message within 3 working days");
    assert_string_equal(form_keyboard(&f->fields[1]), "digits");
    assert_string_equal(form_keyboard(&f->fields[4]), "pinyin");
    assert_null(form_keyboard(&f->fields[3]));
    assert_ptr_equal(form_find(f, "age"), &f->fields[2]);
    catalog_free(c);
}

static void test_unknown_field_type(void **state)
{
    (void)state;
    expect("\"type\": \"digits\"", "\"type\": \"number\"", (const char *const[]){
        "t.json:13:28: services[0] (id S1) form.fields[2] (id age) type: must be one of "
        "\"text\", \"digits\", \"phone\", \"date\", \"choice\", \"yesno\", got \"number\"",
        NULL});
}

static void test_rule_never_satisfied_lengths(void **state)
{
    (void)state;
    expect("\"min_length\": 2", "\"min_length\": 60", (const char *const[]){
        "t.json:15:129: services[0] (id S1) form.fields[4] (id note) min_length: can never "
        "be satisfied: min_length 60 is more than max_length 50", NULL});
}

static void test_rule_never_satisfied_range(void **state)
{
    (void)state;
    expect("\"min\": 16", "\"min\": 130", (const char *const[]){
        "t.json:13:118: services[0] (id S1) form.fields[2] (id age) min: can never be "
        "satisfied: min 130 is more than max 120", NULL});
}

static void test_rule_never_satisfied_phone_length(void **state)
{
    (void)state;
    expect("\"required\": true}", "\"required\": true, \"max_length\": 8}",
           (const char *const[]){
        "t.json:12:30: services[0] (id S1) form.fields[1] (id phone) type: can never be "
        "satisfied: its answers have at least 10 characters, but max_length is 8", NULL});
}

static void test_rule_never_satisfied_postcode_phone(void **state)
{
    (void)state;
    expect("\"required\": true}", "\"required\": true, \"pattern\": \"postcode-cn\"}",
           (const char *const[]){
        "t.json:12:149: services[0] (id S1) form.fields[1] (id phone) pattern: can never be "
        "satisfied: a phone number is never a postcode", NULL});
}

static void test_label_missing_language(void **state)
{
    (void)state;
    expect("{\"zh\": \"学历\", \"en\": \"Education\"}", "\"学历\"", (const char *const[]){
        "t.json:14:47: services[0] (id S1) form.fields[3] (id edu) label: has no text in "
        "\"en\"; every form text must be in each language the kiosk is configured for",
        NULL});
    expect("{\"zh\": \"其他\", \"en\": \"Other\"}", "{\"zh\": \"其他\"}", (const char *const[]){
        "t.json:14:204: services[0] (id S1) form.fields[3] (id edu) choices[1].label: has no "
        "text in \"en\"; every form text must be in each language the kiosk is configured for",
        NULL});
    expect("{\"zh\": \"11位\", \"en\": \"11 digits\"}", "{\"en\": \"11 digits\"}",
           (const char *const[]){
        "t.json:12:86: services[0] (id S1) form.fields[1] (id phone) help.zh: required field "
        "is missing", NULL});
}

/* The visible-text rule (common/textcheck.h) holds for labels and choices
 * as for every catalogue text, at the offending character. */
static void test_invisible_label(void **state)
{
    (void)state;
    expect("\"zh\": \"学历\"", "\"zh\": \"\\u202e学历\"", (const char *const[]){
        "t.json:14:55: services[0] (id S1) form.fields[3] (id edu) label.zh: must not "
        "contain U+202E (a bidi override, which shows the text after it reversed)",
        NULL});
    expect("\"zh\": \"其他\"", "\"zh\": \"\xe2\x80\x8b\xcc\x81\"", (const char *const[]){
        "t.json:14:212: services[0] (id S1) form.fields[3] (id edu) choices[1].label.zh: "
        "must not contain U+200B (a zero-width space, which is not shown)",
        NULL});
}

static void test_card_field_without_sign_in(void **state)
{
    (void)state;
    expect("\"needs_identity\": true", "\"needs_identity\": false", (const char *const[]){
        "t.json:11:87: services[0] (id S1) form.fields[0] (id name) from_card: an ID-card "
        "field needs a service with \"needs_identity\": true; nobody signs in for this one",
        NULL});
}

static void test_form_shape(void **state)
{
    (void)state;
    expect("\"kiosk\": true", "\"kiosk\": false", (const char *const[]){
        "t.json:8:12: services[0] (id S1) form: a form needs \"kiosk\": true; this service is "
        "only handled at a window", NULL});
    expect("\"delivery\": \"queue\",\n    \"reply\": {\"zh\": \"三个工作日内短信通知\", \"en\": \"A "
           "text message within 3 working days\"},", "\"delivery\": \"queue\",",
           (const char *const[]){
        "t.json:8:12: services[0] (id S1) form.reply: required field is missing", NULL});
    expect("\"id\": \"age\"", "\"id\": \"phone\"", (const char *const[]){
        "t.json:13:13: services[0] (id S1) form.fields[2] (id phone) id: duplicate field id, "
        "already used by fields[1]", NULL});
    expect("\"min\": 16", "\"min\": 16, \"choices\": []", (const char *const[]){
        "t.json:13:122: services[0] (id S1) form.fields[2] (id age) choices: does not apply "
        "to a \"digits\" field", NULL});
    expect("\"from_card\": \"name\"", "\"from_card\": \"face\"", (const char *const[]){
        "t.json:11:87: services[0] (id S1) form.fields[0] (id name) from_card: must be one "
        "of \"name\", \"id_number\", \"sex\", \"birth\", \"address\", got \"face\"", NULL});
    expect("\"fields\": [\n", "\"feilds\": [], \"fields\": [\n", (const char *const[]){
        "t.json:10:5: services[0] (id S1) form.feilds: unknown field; did you mean \"fields\"?",
        NULL});
}

static void test_help_service(void **state)
{
    (void)state;
    expect("{\"version\": \"1\",", "{\"version\": \"1\", \"help_service\": \"S9\",",
           (const char *const[]){"t.json:1:34: help_service: \"S9\" is not the id of any "
                                 "service", NULL});
    expect("{\"version\": \"1\",", "{\"version\": \"1\", \"help_service\": \"S1\",",
           (const char *const[]){"t.json:1:34: help_service: \"S1\" names a service that "
                                 "needs sign-in; anyone must be able to ask for help", NULL});
}

static void test_draft_key_fits(void **state)
{
    (void)state;
    /* "draft." + 12 + "." + 29 = 48 bytes: one past the session's keys */
    char *one = edited("\"id\": \"S1\"", "\"id\": \"S12345678901\"");
    char *two = edited_from(one, "\"id\": \"note\"", "\"id\": \"notes-notes-notes-notes-notes\"");
    free(one);
    expect_text(two, (const char *const[]){
        "t.json:15:13: services[0] (id S12345678901) form.fields[4] (id "
        "notes-notes-notes-notes-notes) id: is too long with the service id for a draft key "
        "(\"draft.<service>.<field>\" must stay under 48 bytes)", NULL});
}

static void test_answers(void **state)
{
    (void)state;
    diag_list errors = DIAG_LIST_INIT;
    catalog *c = catalog_parse(BASE, strlen(BASE), "t.json", &errors);
    assert_non_null(c);
    const catalog_form *f = c->services[0].form;
    const char *why;
    long arg;
    assert_false(form_value_ok(&f->fields[1], "", &why, &arg));
    assert_string_equal(why, "form.err.required");
    assert_true(form_value_ok(&f->fields[1], "13800138000", &why, &arg));
    assert_true(form_value_ok(&f->fields[1], "0571-87654321", &why, &arg));
    assert_false(form_value_ok(&f->fields[1], "1380013800", &why, &arg));
    assert_string_equal(why, "form.err.phone");
    assert_true(form_value_ok(&f->fields[2], "", &why, &arg));   /* optional */
    assert_true(form_value_ok(&f->fields[2], "60", &why, &arg));
    assert_false(form_value_ok(&f->fields[2], "12", &why, &arg));
    assert_string_equal(why, "form.err.too_small");
    assert_int_equal(arg, 16);
    assert_false(form_value_ok(&f->fields[2], "99999999999999999999", &why, &arg));
    assert_string_equal(why, "form.err.too_large");
    assert_false(form_value_ok(&f->fields[2], "6a", &why, &arg));
    assert_string_equal(why, "form.err.digits");
    assert_true(form_value_ok(&f->fields[3], "b", &why, &arg));
    assert_false(form_value_ok(&f->fields[3], "c", &why, &arg));
    assert_false(form_value_ok(&f->fields[4], "短", &why, &arg));
    assert_string_equal(why, "form.err.too_short");
    assert_int_equal(arg, 2);
    assert_true(form_value_ok(&f->fields[4], "两个字", &why, &arg));
    form_field date = {.type = FORM_DATE, .max_length = 10};
    assert_true(form_value_ok(&date, "2024-02-29", &why, &arg));
    assert_false(form_value_ok(&date, "2023-02-29", &why, &arg));
    assert_false(form_value_ok(&date, "2023-2-1", &why, &arg));
    assert_string_equal(why, "form.err.date");
    catalog_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_base_is_valid, setup),
        cmocka_unit_test_setup(test_unknown_field_type, setup),
        cmocka_unit_test_setup(test_rule_never_satisfied_lengths, setup),
        cmocka_unit_test_setup(test_rule_never_satisfied_range, setup),
        cmocka_unit_test_setup(test_rule_never_satisfied_phone_length, setup),
        cmocka_unit_test_setup(test_rule_never_satisfied_postcode_phone, setup),
        cmocka_unit_test_setup(test_label_missing_language, setup),
        cmocka_unit_test(test_invisible_label),
        cmocka_unit_test_setup(test_card_field_without_sign_in, setup),
        cmocka_unit_test_setup(test_form_shape, setup),
        cmocka_unit_test_setup(test_help_service, setup),
        cmocka_unit_test_setup(test_draft_key_fits, setup),
        cmocka_unit_test_setup(test_answers, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
