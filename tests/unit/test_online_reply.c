/*
 * online_reply: every reply of the online services read into its
 * structure, and every bad shape refused with a message that names the
 * place -- never quoting a value, since replies carry names and ID numbers.
 * Also the request bodies (online_body): escaping and guarded memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "catalog/ltext.h"
#include "platform/online_body.h"
#include "platform/online_reply.h"

#define KEY "0b7d0c9e-2f1a-4c3b-9d8e-1a2b3c4d5e6f"

static online_data *d;

static int setup(void **state)
{
    (void)state;
    d = malloc(sizeof *d);
    ltext_set_fallback("zh");
    return d ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(d);
    return 0;
}

static bool parse(online_kind k, const char *body, char *why, size_t size)
{
    return online_reply_parse(k, body, strlen(body), KEY, d, why, size);
}

/* body of kind k is refused with exactly want */
static void refused(online_kind k, const char *body, const char *want)
{
    char why[200];
    bool ok = parse(k, body, why, sizeof why);
    if (ok || strcmp(why, want))
        fprintf(stderr, "body: %s\n want: %s\n  got: %s\n", body, want, ok ? "(parsed)" : why);
    assert_false(ok);
    assert_string_equal(why, want);
    /* nothing of a refused reply is kept */
    assert_int_equal(d->arena_used, 0);
    assert_int_equal(d->progress.n, 0);
}

static void test_ticket(void **state)
{
    (void)state;
    char why[200];
    assert_true(parse(ONLINE_TICKET,
                      "{\"ticket\": \"A013\", \"waiting\": 4, \"window\": {\"zh\": \"3号窗口\", "
                      "\"en\": \"Window 3\"}, \"service_code\": \"330106-001-00-005\", "
                      "\"issued_at\": \"2026-12-02T09:15:00+08:00\", \"later\": [1, 2]}",
                      why, sizeof why));
    assert_int_equal(d->kind, ONLINE_TICKET);
    assert_string_equal(d->ticket.number, "A013");
    assert_int_equal(d->ticket.waiting, 4);
    assert_string_equal(online_text_get(&d->ticket.window, "en"), "Window 3");
    assert_string_equal(online_text_get(&d->ticket.window, "zh"), "3号窗口");
    /* a language the platform did not send: the fallback language's */
    assert_string_equal(online_text_get(&d->ticket.window, "xx"), "3号窗口");
    assert_string_equal(d->ticket.issued_at, "2026-12-02T09:15:00+08:00");
}

static void test_ticket_bad(void **state)
{
    (void)state;
    refused(ONLINE_TICKET, "{\"waiting\": 4, \"window\": \"w\"}",
            "ticket: required field is missing");
    refused(ONLINE_TICKET, "{\"ticket\": 13, \"waiting\": 4, \"window\": \"w\"}",
            "ticket: must be a string");
    refused(ONLINE_TICKET, "{\"ticket\": \"A 13\", \"waiting\": 4, \"window\": \"w\"}",
            "ticket: must hold letters, digits and - _ : . + only");
    refused(ONLINE_TICKET, "{\"ticket\": \"A0123456789012345\", \"waiting\": 4, \"window\": \"w\"}",
            "ticket: must be at most 15 bytes");
    refused(ONLINE_TICKET, "{\"ticket\": \"A013\", \"waiting\": -1, \"window\": \"w\"}",
            "waiting: must be from 0 to 100000");
    refused(ONLINE_TICKET, "{\"ticket\": \"A013\", \"waiting\": 1.5, \"window\": \"w\"}",
            "waiting: must be a whole number");
    refused(ONLINE_TICKET, "{\"ticket\": \"A013\", \"waiting\": 1, \"window\": {}}",
            "window: must hold at least one language");
    refused(ONLINE_TICKET, "{\"ticket\": \"A013\", \"waiting\": 1, \"window\": {\"ZH\": \"w\"}}",
            "window: a member name is not a language code (" LANG_CODE_RULE ")");
    refused(ONLINE_TICKET, "{\"ticket\": \"A013\", \"waiting\": 1, \"window\": {\"zh\": \"\"}}",
            "window.zh: must be a text of 1 to 1024 bytes");
    /* the visible-text rule: a platform cannot show a reversed or blank line */
    refused(ONLINE_TICKET,
            "{\"ticket\": \"A013\", \"waiting\": 1, \"window\": {\"zh\": \"\\u202e3\u53f7\u7a97\u53e3\"}}",
            "window.zh: must not contain U+202E (a bidi override, which shows the text after it reversed)");
    refused(ONLINE_TICKET, "{\"ticket\": \"A013\", \"waiting\": 1, \"window\": \"\\u200b\\u200b\"}",
            "window: must not contain U+200B (a zero-width space, which is not shown)");
    refused(ONLINE_TICKET, "{\"ticket\": \"A013\", \"waiting\": 1, \"window\": \"\\u0301\"}",
            "window: must contain at least one visible character (it has only white space, combining marks or invisible characters)");
    refused(ONLINE_TICKET, "{\"ticket\": \"A013\", \"waiting\": 1, \"window\": [\"w\"]}",
            "window: must be an object of texts by language, {\"zh\": ..., \"en\": ...}");
}

static void test_not_json(void **state)
{
    (void)state;
    refused(ONLINE_TICKET, "", "reply: empty, not JSON");
    refused(ONLINE_TICKET, "{\"ticket\": \"A0", "reply: not JSON (line 1, column 14: cut short)");
    refused(ONLINE_TICKET, "<html>502 Bad Gateway</html>",
            "reply: not JSON (line 1, column 1: invalid syntax)");
    refused(ONLINE_TICKET, "{\"ticket\": \"A1\", \"ticket\": \"A2\"}",
            "reply: not JSON (line 1, column 25: a member appears twice)");
    refused(ONLINE_TICKET, "{} {}",
            "reply: not JSON (line 1, column 4: something follows the JSON value)");
    refused(ONLINE_SLOTS, "[]", "reply: must be an object {...}");
    refused((online_kind)99, "{}", "reply: no reply of this kind is known");
    /* a string with a NUL is not text */
    char why[200];
    static const char nul[] = "{\"ticket\": \"A\\u0000B\", \"waiting\": 1, \"window\": \"w\"}";
    assert_false(online_reply_parse(ONLINE_TICKET, nul, sizeof nul - 1, NULL, d, why, sizeof why));
}

/* A message never quotes the reply: replies carry ID numbers. */
static void test_messages_quote_nothing(void **state)
{
    (void)state;
    char why[200];
    assert_false(parse(ONLINE_CERTIFICATE,
                       "{\"certificate\": {\"kind\": \"si_enrolment\", \"title\": \"t\", "
                       "\"number\": \"N1\", \"holder_name\": \"张三\", \"id_number\": "
                       "\"330106199003070014 x\", \"fields\": []}}",
                       why, sizeof why));
    assert_string_equal(why, "certificate.id_number: must hold letters, digits and - _ : . + only");
    assert_false(parse(ONLINE_CERTIFICATE, "{\"certificate\": {\"holder_name\": \"张三\", 330106",
                       why, sizeof why));
    assert_null(strstr(why, "330106"));
    assert_null(strstr(why, "张三"));
}

static void test_slots(void **state)
{
    (void)state;
    char why[200];
    assert_true(parse(ONLINE_SLOTS,
                      "{\"service_code\": \"330106-001-00-005\", \"date\": \"2026-12-07\", "
                      "\"slots\": [{\"slot_id\": \"0900\", \"start\": \"09:00\", \"end\": \"09:30\", "
                      "\"free\": 3}, {\"slot_id\": \"0930\", \"start\": \"09:30\", \"end\": "
                      "\"10:00\", \"free\": 0}]}",
                      why, sizeof why));
    assert_string_equal(d->slots.date, "2026-12-07");
    assert_int_equal(d->slots.n, 2);
    assert_string_equal(d->slots.slot[1].id, "0930");
    assert_string_equal(d->slots.slot[1].start, "09:30");
    assert_string_equal(d->slots.slot[1].end, "10:00");
    assert_int_equal(d->slots.slot[1].free, 0);
    assert_true(parse(ONLINE_SLOTS, "{\"date\": \"2026-12-06\", \"slots\": []}", why, sizeof why));
    assert_int_equal(d->slots.n, 0);
}

static void test_slots_bad(void **state)
{
    (void)state;
    refused(ONLINE_SLOTS, "{\"date\": \"2026-02-29\", \"slots\": []}",
            "date: must be a date YYYY-MM-DD");
    refused(ONLINE_SLOTS, "{\"date\": \"2026-12-07\"}", "slots: required field is missing");
    refused(ONLINE_SLOTS, "{\"date\": \"2026-12-07\", \"slots\": {}}", "slots: must be a list");
    refused(ONLINE_SLOTS, "{\"date\": \"2026-12-07\", \"slots\": [1]}",
            "slots[0]: must be an object {\"slot_id\", \"start\", \"end\", \"free\"}");
    refused(ONLINE_SLOTS,
            "{\"date\": \"2026-12-07\", \"slots\": [{\"slot_id\": \"0900\", \"start\": \"09:00\", "
            "\"end\": \"09:30\", \"free\": 3}, {\"slot_id\": \"0930\", \"start\": \"9:30\", "
            "\"end\": \"10:00\", \"free\": 3}]}",
            "slots[1].start: must be a time of day HH:MM");
    refused(ONLINE_SLOTS,
            "{\"date\": \"2026-12-07\", \"slots\": [{\"slot_id\": \"0900\", \"start\": \"09:30\", "
            "\"end\": \"09:30\", \"free\": 3}]}",
            "slots[0].end: must be later than start");
    refused(ONLINE_SLOTS,
            "{\"date\": \"2026-12-07\", \"slots\": [{\"slot_id\": \"0900\", \"start\": \"09:00\", "
            "\"end\": \"24:00\", \"free\": 3}]}",
            "slots[0].end: must be a time of day HH:MM");
    /* more slots than a day can hold is not a day of slots */
    char body[8192] = "{\"date\": \"2026-12-07\", \"slots\": [";
    for (int i = 0; i <= ONLINE_MAX_SLOTS; i++)
        snprintf(body + strlen(body), sizeof body - strlen(body),
                 "%s{\"slot_id\": \"s%d\", \"start\": \"09:00\", \"end\": \"09:30\", \"free\": 1}",
                 i ? "," : "", i);
    strcat(body, "]}");
    refused(ONLINE_SLOTS, body, "slots: must list at most 64 slots");
}

static void test_booking(void **state)
{
    (void)state;
    char why[200];
    assert_true(parse(ONLINE_BOOK,
                      "{\"confirmation\": \"YY20261207-0041\", \"service_code\": \"330106-001-00-005\", "
                      "\"date\": \"2026-12-07\", \"start\": \"09:00\", \"end\": \"09:30\", "
                      "\"window\": {\"zh\": \"3号窗口\", \"en\": \"Window 3\"}}",
                      why, sizeof why));
    assert_string_equal(d->booking.confirmation, "YY20261207-0041");
    assert_string_equal(d->booking.date, "2026-12-07");
    assert_string_equal(d->booking.start, "09:00");
    assert_string_equal(online_text_get(&d->booking.window, "en"), "Window 3");
    refused(ONLINE_BOOK, "{\"error\": \"slot_full\", \"message\": \"no place left\"}",
            "confirmation: required field is missing");
}

static void test_progress(void **state)
{
    (void)state;
    char why[200];
    assert_true(parse(ONLINE_PROGRESS,
                      "{\"applications\": [{\"number\": \"ZW20261105-0031\", \"service_code\": "
                      "\"330106-001-00-005\", \"title\": {\"zh\": \"社会保障卡申领\", \"en\": "
                      "\"Apply for a Social Security Card\"}, \"status\": \"processing\", "
                      "\"status_text\": {\"zh\": \"办理中\", \"en\": \"In progress\"}, "
                      "\"updated_at\": \"2026-11-20T10:15:00+08:00\"}, {\"number\": "
                      "\"ZW20261030-0056\", \"title\": \"户籍证明开具\", \"status\": \"returned\", "
                      "\"status_text\": \"已退回\", \"updated_at\": \"2026-11-02T06:20:00.5Z\", "
                      "\"note\": {\"zh\": \"材料不全\", \"en\": \"Incomplete\"}}]}",
                      why, sizeof why));
    assert_int_equal(d->progress.n, 2);
    assert_int_equal(d->progress.total, 2);
    const online_application *a = &d->progress.app[0];
    assert_string_equal(a->number, "ZW20261105-0031");
    assert_string_equal(a->status, "processing");
    assert_string_equal(online_text_get(&a->status_text, "en"), "In progress");
    assert_int_equal(a->updated, 1795140900); /* 2026-11-20 02:15:00 UTC */
    assert_int_equal(a->note.n, 0);
    assert_string_equal(online_text_get(&a->note, "zh"), "");
    a = &d->progress.app[1];
    assert_string_equal(online_text_get(&a->title, "en"), "户籍证明开具");
    assert_string_equal(online_text_get(&a->note, "en"), "Incomplete");
    assert_int_equal(a->updated, 1793600400);

    assert_true(parse(ONLINE_PROGRESS, "{\"applications\": []}", why, sizeof why));
    assert_int_equal(d->progress.n, 0);
}

static void test_progress_many(void **state)
{
    (void)state;
    char body[16384] = "{\"applications\": [";
    for (int i = 0; i < 25; i++)
        snprintf(body + strlen(body), sizeof body - strlen(body),
                 "%s{\"number\": \"N%d\", \"title\": \"t\", \"status\": \"done\", "
                 "\"status_text\": \"s\", \"updated_at\": \"2026-11-20T10:15:00Z\"}",
                 i ? "," : "", i);
    strcat(body, "]}");
    char why[200];
    assert_true(parse(ONLINE_PROGRESS, body, why, sizeof why));
    /* newest first: the kiosk keeps the first ones and says how many came */
    assert_int_equal(d->progress.n, ONLINE_MAX_APPS);
    assert_int_equal(d->progress.total, 25);
    assert_string_equal(d->progress.app[19].number, "N19");
}

static void test_progress_bad(void **state)
{
    (void)state;
    refused(ONLINE_PROGRESS, "{\"apps\": []}", "applications: required field is missing");
    refused(ONLINE_PROGRESS,
            "{\"applications\": [{\"number\": \"N1\", \"title\": \"t\", \"status\": \"done\", "
            "\"status_text\": \"s\", \"updated_at\": \"2026-11-20 10:15\"}]}",
            "applications[0].updated_at: must hold letters, digits and - _ : . + only");
    refused(ONLINE_PROGRESS,
            "{\"applications\": [{\"number\": \"N1\", \"title\": \"t\", \"status\": \"done\", "
            "\"status_text\": \"s\", \"updated_at\": \"2026-11-20T10:15:00\"}]}",
            "applications[0].updated_at: must be an RFC 3339 time with an offset");
    refused(ONLINE_PROGRESS,
            "{\"applications\": [{\"number\": \"N1\", \"title\": \"t\", \"status\": \"Done\", "
            "\"status_text\": \"s\", \"updated_at\": \"2026-11-20T10:15:00Z\"}]}",
            "applications[0].status: must hold lower-case letters, digits and _ only");
    refused(ONLINE_PROGRESS,
            "{\"applications\": [{\"number\": \"N1\", \"title\": {\"zh\": \"a\\u0007b\"}, "
            "\"status\": \"done\", \"status_text\": \"s\", \"updated_at\": \"2026-11-20T10:15:00Z\"}]}",
            "applications[0].title.zh: must not contain U+0007 (a control character)");
    refused(ONLINE_PROGRESS,
            "{\"applications\": [{\"number\": \"N1\", \"status\": \"done\", \"status_text\": \"s\", "
            "\"updated_at\": \"2026-11-20T10:15:00Z\"}]}",
            "applications[0].title: required field is missing");
}

static void test_certificate(void **state)
{
    (void)state;
    char why[200];
    assert_true(parse(ONLINE_CERTIFICATE,
                      "{\"certificate\": {\"kind\": \"si_enrolment\", \"title\": {\"zh\": "
                      "\"社会保险参保证明\", \"en\": \"Social Insurance Enrolment Certificate\"}, "
                      "\"number\": \"SB330106-2026-004711\", \"holder_name\": \"张三\", "
                      "\"id_number\": \"330106199003070014\", \"issued_at\": "
                      "\"2026-12-02T09:15:00+08:00\", \"issuer\": {\"zh\": \"示例中心\"}, "
                      "\"fields\": [{\"label\": {\"zh\": \"参保状态\", \"en\": \"Status\"}, "
                      "\"value\": \"正常参保\"}, {\"label\": \"累计缴费月数\", \"value\": \"172\"}]}, "
                      "\"verify_url\": \"https://verify.example.com/zwfw/SB?code=54da\"}",
                      why, sizeof why));
    assert_string_equal(d->cert.kind, "si_enrolment");
    assert_string_equal(d->cert.number, "SB330106-2026-004711");
    assert_string_equal(d->cert.holder_name, "张三");
    assert_string_equal(d->cert.id_number, "330106199003070014");
    assert_int_equal(d->cert.n_fields, 2);
    assert_string_equal(online_text_get(&d->cert.field[0].label, "en"), "Status");
    assert_string_equal(d->cert.field[1].value, "172");
    assert_string_equal(d->cert.verify_url, "https://verify.example.com/zwfw/SB?code=54da");
    refused(ONLINE_CERTIFICATE, "{\"error\": \"no_certificate\"}",
            "certificate: required field is missing");
    refused(ONLINE_CERTIFICATE,
            "{\"certificate\": {\"kind\": \"si_enrolment\", \"title\": \"t\", \"number\": \"N1\", "
            "\"holder_name\": \"张三\", \"id_number\": \"330106199003070014\", \"fields\": "
            "[{\"label\": \"x\", \"value\": 5}]}}",
            "certificate.fields[0].value: must be a string");
    refused(ONLINE_CERTIFICATE,
            "{\"certificate\": {\"kind\": \"si_enrolment\", \"title\": \"t\", \"number\": \"N1\", "
            "\"holder_name\": \"张三\", \"id_number\": \"330106199003070014\", \"fields\": []}, "
            "\"verify_url\": \"javascript:alert(1)\"}",
            "verify_url: must be an http(s) address");
}

static void test_submit(void **state)
{
    (void)state;
    char why[200];
    assert_true(parse(ONLINE_SUBMIT,
                      "{\"results\": [{\"key\": \"other\", \"status\": \"rejected\", \"reason\": "
                      "\"x\"}, {\"key\": \"" KEY "\", \"status\": \"duplicate\"}]}",
                      why, sizeof why));
    assert_int_equal(d->submit.verdict, ONLINE_DUPLICATE);
    assert_string_equal(d->submit.reason, "");
    /* keys are compared as the platform does: case does not count */
    assert_true(parse(ONLINE_SUBMIT,
                      "{\"results\": [{\"key\": \"0B7D0C9E-2F1A-4C3B-9D8E-1A2B3C4D5E6F\", "
                      "\"status\": \"rejected\", \"reason\": \"missing service_code\"}]}",
                      why, sizeof why));
    assert_int_equal(d->submit.verdict, ONLINE_REJECTED);
    assert_string_equal(d->submit.reason, "missing service_code");
    refused(ONLINE_SUBMIT, "{\"results\": [{\"key\": \"other\", \"status\": \"accepted\"}]}",
            "results: holds no result for the application sent");
    refused(ONLINE_SUBMIT, "{\"results\": [{\"key\": \"" KEY "\", \"status\": \"maybe\"}]}",
            "results[0].status: must be one of accepted, duplicate, rejected, retry");
    /* a plain text member names the character the visible-text rule refuses */
    refused(ONLINE_SUBMIT,
            "{\"results\": [{\"key\": \"" KEY "\", \"status\": \"rejected\", "
            "\"reason\": \"a\\u202eb\"}]}",
            "results[0].reason: must not contain U+202E (a bidi override, which shows the text "
            "after it reversed)");
}

static void test_error_code(void **state)
{
    (void)state;
    char code[48];
    static const char body[] = "{\"error\": \"slot_full\", \"message\": \"no place left\"}";
    online_reply_error(body, sizeof body - 1, code, sizeof code);
    assert_string_equal(code, "slot_full");
    static const char odd[] = "{\"error\": \"Slot Full!\"}";
    online_reply_error(odd, sizeof odd - 1, code, sizeof code);
    assert_string_equal(code, "");
    online_reply_error("<html>", 6, code, sizeof code);
    assert_string_equal(code, "");
    online_reply_error(NULL, 0, code, sizeof code);
    assert_string_equal(code, "");
}

static void test_time(void **state)
{
    (void)state;
    int64_t t;
    assert_true(online_parse_time("1970-01-01T00:00:00Z", &t));
    assert_int_equal(t, 0);
    assert_true(online_parse_time("2026-12-02T09:15:00+08:00", &t));
    assert_int_equal(t, 1796174100);
    assert_true(online_parse_time("2026-12-02T01:15:00.123456789Z", &t));
    assert_int_equal(t, 1796174100);
    assert_true(online_parse_time("2000-02-29T12:00:00-05:30", &t));
    assert_int_equal(t, 951845400);
    assert_false(online_parse_time("2026-12-02T09:15:00", &t));
    assert_false(online_parse_time("2026-12-02T09:15:00+8:00", &t));
    assert_false(online_parse_time("2026-13-02T09:15:00Z", &t));
    assert_false(online_parse_time("2026-12-02T24:15:00Z", &t));
    assert_false(online_parse_time("2026-12-02T09:15:00Zjunk", &t));
    assert_false(online_parse_time("", &t));
}

static void test_body(void **state)
{
    (void)state;
    online_body b = {0};
    online_body_open(&b, NULL);
    online_body_member(&b, "name", "张\"三\\");
    online_body_member(&b, "skipped", NULL);
    online_body_member(&b, "ctl", "a\nb\x01");
    online_body_member(&b, "bad", "x\xff\xfey");
    online_body_open(&b, "inner");
    online_body_member_raw(&b, "n", "0");
    online_body_close(&b);
    online_body_close(&b);
    assert_false(b.oom);
    assert_string_equal(b.text, "{\"name\":\"张\\\"三\\\\\",\"ctl\":\"a\\u000ab\\u0001\","
                                "\"bad\":\"x\xef\xbf\xbd\xef\xbf\xbdy\",\"inner\":{\"n\":0}}");
    assert_int_equal(b.len, strlen(b.text));
    online_body_free(&b);
    assert_null(b.text);

    char out[64];
    assert_true(online_url_value("330106-001-00-005", out, sizeof out));
    assert_string_equal(out, "330106-001-00-005");
    assert_true(online_url_value("a b&c=d/é", out, sizeof out));
    assert_string_equal(out, "a%20b%26c%3Dd%2F%C3%A9");
    assert_false(online_url_value("abcdef", out, 4));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ticket),
        cmocka_unit_test(test_ticket_bad),
        cmocka_unit_test(test_not_json),
        cmocka_unit_test(test_messages_quote_nothing),
        cmocka_unit_test(test_slots),
        cmocka_unit_test(test_slots_bad),
        cmocka_unit_test(test_booking),
        cmocka_unit_test(test_progress),
        cmocka_unit_test(test_progress_many),
        cmocka_unit_test(test_progress_bad),
        cmocka_unit_test(test_certificate),
        cmocka_unit_test(test_submit),
        cmocka_unit_test(test_error_code),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_body),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
