/*
 * records: the upload body is valid JSON of the documented shape (personal
 * fields opened from the sealed blob, receipt number added, bad bytes of a
 * salvaged row replaced, the byte cap honoured), and the platform's reply is
 * read into one verdict per key, a reply of any other shape refused whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outbox/outbox_crypt.h"
#include "platform/records.h"
#include "outbox_fixture.h"

static char dir[] = "/tmp/test-records-XXXXXX";
static outbox_key *key;

static int setup(void **state)
{
    key = outbox_fixture_open(dir);
    assert_non_null(key);
    return 0;
}

static int teardown(void **state)
{
    return outbox_fixture_close(key, dir);
}

static outbox_row row(int64_t seq, const char *k, const char *payload, bool personal)
{
    outbox_row r;
    memset(&r, 0, sizeof r);
    r.seq = seq;
    snprintf(r.key, sizeof r.key, "%s", k);
    snprintf(r.kind, sizeof r.kind, "application");
    snprintf(r.item_code, sizeof r.item_code, "330106-003-00-001");
    r.payload = strdup(payload);
    r.created_wall = 1764640000;
    r.wall_synced = true;
    if (personal) {
        outbox_personal p = {.name = "张三", .id_number = "330106199003070014",
                             .phone = "13800138000", .free_text = "line\nwith \"quotes\""};
        r.sealed = outbox_seal(key, &p, r.key, &r.sealed_len);
        assert_non_null(r.sealed);
    }
    return r;
}

static void test_body(void **state)
{
    outbox_row rows[3] = {
        row(1, "8c1f2a8e-6b0e-4d8e-9a55-0d9b1d7e3c21", "{\"form\":\"x\",\"answers\":{}}", true),
        row(2, "0b7d6c1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e", "{}", false),
        row(3, "00000000-0000-4000-8000-000000000001", "not json \xff", false),
    };
    records_body b;
    assert_true(records_build(&b, "kiosk-test", key, rows, 3, 1 << 20, 1764640000));
    assert_int_equal(b.taken, 3);
    json_error_t err;
    json_t *j = json_loads(b.json.text, 0, &err);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "device_id")), "kiosk-test");
    assert_string_equal(json_string_value(json_object_get(j, "sent_at")), "2025-12-02T01:46:40Z");
    json_t *recs = json_object_get(j, "records");
    assert_int_equal(json_array_size(recs), 3);
    json_t *r0 = json_array_get(recs, 0);
    assert_int_equal(json_integer_value(json_object_get(r0, "seq")), 1);
    assert_true(json_is_true(json_object_get(r0, "clock_synced")));
    json_t *p0 = json_object_get(r0, "payload");
    assert_string_equal(json_string_value(json_object_get(p0, "form")), "x");
    assert_non_null(json_object_get(p0, "receipt_no"));
    json_t *personal = json_object_get(p0, "personal");
    assert_string_equal(json_string_value(json_object_get(personal, "id_number")),
                        "330106199003070014");
    assert_string_equal(json_string_value(json_object_get(personal, "free_text")),
                        "line\nwith \"quotes\"");
    assert_null(json_object_get(personal, "address"));
    json_t *p1 = json_object_get(json_array_get(recs, 1), "payload");
    assert_null(json_object_get(p1, "personal"));
    json_t *p2 = json_object_get(json_array_get(recs, 2), "payload");
    assert_true(json_is_true(json_object_get(p2, "payload_unreadable")));
    json_decref(j);
    records_body_free(&b);

    /* a byte cap that fits one record: the first goes whatever its size */
    assert_true(records_build(&b, "kiosk-test", key, rows, 3, 10, 1764640000));
    assert_int_equal(b.taken, 1);
    j = json_loads(b.json.text, 0, &err);
    assert_non_null(j);
    assert_int_equal(json_array_size(json_object_get(j, "records")), 1);
    json_decref(j);
    records_body_free(&b);
    for (int i = 0; i < 3; i++)
        outbox_row_clear(&rows[i]);
}

static void test_reply(void **state)
{
    const char *keys[] = {"k1", "k2", "k3", "k4"};
    records_result out[4];
    char why[200];
    const char *good = "{\"results\": [{\"key\": \"k2\", \"status\": \"rejected\", \"reason\":"
                       " \"missing service_code\"}, {\"key\": \"k1\", \"status\": \"accepted\"},"
                       " {\"key\": \"k3\", \"status\": \"duplicate\"}, {\"key\": \"zz\","
                       " \"status\": \"accepted\"}]}";
    assert_true(records_parse_reply(good, strlen(good), keys, 4, out, why, sizeof why));
    assert_int_equal(out[0].verdict, RECORDS_ACCEPTED);
    assert_int_equal(out[1].verdict, RECORDS_REJECTED);
    assert_string_equal(out[1].reason, "missing service_code");
    assert_int_equal(out[2].verdict, RECORDS_DUPLICATE);
    assert_int_equal(out[3].verdict, RECORDS_MISSING); /* not in the reply: again */

    static const char *const bad[] = {
        "", "{", "[]", "{\"results\": {}}", "{\"results\": [1]}",
        "{\"results\": [{\"key\": \"k1\"}]}",
        "{\"results\": [{\"key\": \"k1\", \"status\": \"maybe\"}]}",
        "{\"results\": [{\"key\": \"k1\", \"status\": \"accepted\", \"reason\": 5}]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        why[0] = '\0';
        assert_false(records_parse_reply(bad[i], strlen(bad[i]), keys, 4, out, why, sizeof why));
        assert_true(why[0] != '\0');
        for (int k = 0; k < 4; k++)
            assert_int_equal(out[k].verdict, RECORDS_MISSING);
    }
    char err[160];
    const char *e = "{\"error\": \"poison_record\", \"key\": \"k1\"}";
    records_reply_error(e, strlen(e), err, sizeof err);
    assert_string_equal(err, "poison_record");
    records_reply_error("<html>", 6, err, sizeof err);
    assert_string_equal(err, "");
    /* shown to a technician's terminal: no escape sequence, no reversal */
    e = "{\"error\": \"a\\u001b[2Jb\\u202ec\\u009bd\u4e2d\"}";
    records_reply_error(e, strlen(e), err, sizeof err);
    assert_string_equal(err, "a?[2Jb?c?d\u4e2d");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_body),
        cmocka_unit_test(test_reply),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
