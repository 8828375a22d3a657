/*
 * The find -> select -> read sequence against the simulator through the
 * transport seam: a full read, every fault the simulator can inject and
 * every SW3 error code, plus the transfer count the benchmark reports.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "idcard/idcard_session.h"
#include "idcard/idcard_sim.h"

#define DEMO_DIR KIOSK_SOURCE_DIR "/assets/demo-cards/"

typedef struct fixture {
    idcard_sim *sim;
    idcard_session s;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->sim = idcard_sim_new(42);
    assert_int_equal(idcard_sim_place_card(f->sim, DEMO_DIR "resident.json"), 0);
    idcard_transport tr;
    idcard_sim_transport(f->sim, &tr);
    idcard_session_init(&f->s, &tr);
    f->s.timeout_ms = 100;   /* faults that time out should not slow the suite */
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    idcard_sim_free(f->sim);
    free(f);
    return 0;
}

static void set_fault(fixture *f, idcard_sim_fault_kind kind, uint16_t cmd, int count)
{
    idcard_sim_fault fault = {.kind = kind, .cmd = cmd, .count = count};
    idcard_sim_set_fault(f->sim, &fault);
}

static void expect_full_read(fixture *f)
{
    idcard_identity *id = NULL;
    int rc = idcard_session_read_card(&f->s, &id);
    if (rc != IDCARD_OK)
        fail_msg("read_card: %s (%s)", idcard_result_name(rc), f->s.detail);
    assert_non_null(id);
    assert_string_equal(id->name, "张三");
    assert_string_equal(id->id_number, "330106199003070014");
    assert_int_equal(id->photo_len, 1024);
    assert_int_equal(id->photo[0], 'W');
    assert_null(id->fingerprint);
    idcard_identity_wipe(id);
}

static void test_full_read(void **state)
{
    fixture *f = *state;
    expect_full_read(f);
    /* write + read for each of find, select, read */
    assert_int_equal(f->s.transfers, 6);
    assert_int_equal(idcard_sim_commands(f->sim, GA467_CMD_FIND), 1);
    assert_int_equal(idcard_sim_commands(f->sim, GA467_CMD_SELECT), 1);
    assert_int_equal(idcard_sim_commands(f->sim, GA467_CMD_READ), 1);
    /* nothing personal left in the session's receive buffers */
    for (size_t i = 0; i < sizeof f->s.rx; i++)
        assert_int_equal(f->s.rx[i], 0);
    for (size_t i = 0; i < sizeof f->s.parser.buf; i++)
        assert_int_equal(f->s.parser.buf[i], 0);
}

static void test_full_read_in_64_byte_transfers(void **state)
{
    fixture *f = *state;
    f->s.read_size = 64;
    expect_full_read(f);
    /* 3 writes; find (15 bytes) and select (19) one read each; the 1295-byte
     * read answer 21 packets */
    assert_int_equal(f->s.transfers, 3 + 1 + 1 + 21);
}

static void test_fingerprint_read(void **state)
{
    fixture *f = *state;
    f->s.read_fingerprint = true;
    idcard_identity *id = NULL;
    assert_int_equal(idcard_session_read_card(&f->s, &id), IDCARD_OK);
    assert_int_equal(id->fingerprint_len, 1024);
    assert_int_equal(idcard_sim_commands(f->sim, GA467_CMD_READ_FP), 1);
    idcard_identity_wipe(id);
}

static void test_all_card_types(void **state)
{
    fixture *f = *state;
    static const struct { const char *file; idcard_type type; } cards[] = {
        {DEMO_DIR "resident.json", IDCARD_TYPE_RESIDENT},
        {DEMO_DIR "expired.json", IDCARD_TYPE_RESIDENT},
        {DEMO_DIR "hk-permit.json", IDCARD_TYPE_HKMOTW},
        {DEMO_DIR "foreigner.json", IDCARD_TYPE_FOREIGN_2023},
        {FIXTURES_DIR "/cards/foreign2017.json", IDCARD_TYPE_FOREIGN_2017},
    };
    for (size_t i = 0; i < sizeof cards / sizeof cards[0]; i++) {
        assert_int_equal(idcard_sim_place_card(f->sim, cards[i].file), 0);
        idcard_identity *id = NULL;
        assert_int_equal(idcard_session_read_card(&f->s, &id), IDCARD_OK);
        assert_int_equal(id->type, cards[i].type);
        idcard_identity_wipe(id);
    }
}

static void test_no_card(void **state)
{
    fixture *f = *state;
    idcard_sim_remove_card(f->sim);
    idcard_identity *id = (idcard_identity *)1;
    assert_int_equal(idcard_session_read_card(&f->s, &id), IDCARD_ERR_NO_CARD);
    assert_null(id);
    assert_string_equal(idcard_result_message_key(IDCARD_ERR_NO_CARD), "card.none");
}

static void test_sam_commands(void **state)
{
    fixture *f = *state;
    char id[48], want[48];
    assert_int_equal(idcard_session_sam_id(&f->s, id, sizeof id), IDCARD_OK);
    idcard_sim_sam_id(want, sizeof want);
    assert_string_equal(id, want);
    assert_string_equal(id, "05.01-20230101-0000123456-1234567890");
    assert_int_equal(idcard_session_sam_status(&f->s), IDCARD_OK);
    assert_int_equal(idcard_session_sam_reset(&f->s), IDCARD_OK);

    /* a SAM ID answer of the wrong size */
    set_fault(f, IDCARD_FAULT_WRONG_LENGTH, GA467_CMD_SAM_ID, 0);
    assert_int_equal(idcard_session_sam_id(&f->s, id, sizeof id), IDCARD_ERR_LENGTH);
    assert_string_equal(id, "");
}

static void test_card_removed_mid_read(void **state)
{
    fixture *f = *state;
    set_fault(f, IDCARD_FAULT_REMOVE_MID_READ, 0, 1);
    idcard_identity *id = NULL;
    assert_int_equal(idcard_session_read_card(&f->s, &id), IDCARD_ERR_CARD_REMOVED);
    assert_null(id);
    assert_false(idcard_sim_has_card(f->sim));
    assert_string_equal(idcard_result_message_key(IDCARD_ERR_CARD_REMOVED), "card.removed");
}

static void test_card_removed_between_find_and_select(void **state)
{
    fixture *f = *state;
    assert_int_equal(idcard_session_find(&f->s), IDCARD_OK);
    idcard_sim_remove_card(f->sim);
    assert_int_equal(idcard_session_select(&f->s), IDCARD_ERR_SW3(0x81));
}

static void test_bad_checksum_retried(void **state)
{
    fixture *f = *state;
    set_fault(f, IDCARD_FAULT_BAD_CHECKSUM, GA467_CMD_READ, 1);
    expect_full_read(f);
    assert_int_equal(idcard_sim_commands(f->sim, GA467_CMD_READ), 2);
}

static void test_bad_checksum_persistent(void **state)
{
    fixture *f = *state;
    set_fault(f, IDCARD_FAULT_BAD_CHECKSUM, GA467_CMD_READ, 0);
    idcard_identity *id = NULL;
    assert_int_equal(idcard_session_read_card(&f->s, &id), IDCARD_ERR_CHECKSUM);
    assert_null(id);
    /* first try + 2 retries, bounded */
    assert_int_equal(idcard_sim_commands(f->sim, GA467_CMD_READ), 3);
    assert_string_equal(idcard_result_message_key(IDCARD_ERR_CHECKSUM), "card.unreadable");
    assert_non_null(strstr(f->s.detail, "checksum"));
}

static void test_wrong_length(void **state)
{
    fixture *f = *state;
    set_fault(f, IDCARD_FAULT_WRONG_LENGTH, GA467_CMD_READ, 1);
    expect_full_read(f);

    set_fault(f, IDCARD_FAULT_WRONG_LENGTH, GA467_CMD_READ, 0);
    idcard_identity *id = NULL;
    assert_int_equal(idcard_session_read_card(&f->s, &id), IDCARD_ERR_LENGTH);
    assert_non_null(strstr(f->s.detail, "block lengths"));

    /* a LEN field below the minimum on find */
    set_fault(f, IDCARD_FAULT_WRONG_LENGTH, GA467_CMD_FIND, 0);
    assert_int_equal(idcard_session_find(&f->s), IDCARD_ERR_LENGTH);
    assert_non_null(strstr(f->s.detail, "byte 5: LEN 2"));
}

static void test_garbage_before_frames(void **state)
{
    fixture *f = *state;
    set_fault(f, IDCARD_FAULT_GARBAGE, 0, 0);
    expect_full_read(f);
    assert_int_equal(f->s.transfers, 6);   /* resync costs no transfer */
}

static void test_slow_answer_within_timeout(void **state)
{
    fixture *f = *state;
    idcard_sim_fault fault = {.kind = IDCARD_FAULT_SLOW, .cmd = GA467_CMD_READ,
                              .delay_ms = 40};
    idcard_sim_set_fault(f->sim, &fault);
    expect_full_read(f);
}

static void test_slow_answer_times_out(void **state)
{
    fixture *f = *state;
    idcard_sim_fault fault = {.kind = IDCARD_FAULT_SLOW, .cmd = GA467_CMD_FIND,
                              .delay_ms = 300};
    idcard_sim_set_fault(f->sim, &fault);
    f->s.retries = 0;
    assert_int_equal(idcard_session_find(&f->s), IDCARD_ERR_TIMEOUT);
    assert_non_null(strstr(f->s.detail, "no complete answer within 100 ms"));
}

static void test_no_answer(void **state)
{
    fixture *f = *state;
    set_fault(f, IDCARD_FAULT_NO_ANSWER, GA467_CMD_SELECT, 1);
    expect_full_read(f);   /* retried */

    set_fault(f, IDCARD_FAULT_NO_ANSWER, 0, 0);
    assert_int_equal(idcard_session_find(&f->s), IDCARD_ERR_TIMEOUT);
    assert_int_equal(idcard_sim_commands(f->sim, GA467_CMD_FIND), 1 + 3);
    assert_string_equal(idcard_result_message_key(IDCARD_ERR_TIMEOUT), "reader.error");
}

static void test_every_sw3_error(void **state)
{
    fixture *f = *state;
    size_t n;
    const ga467_sw3_info *t = ga467_sw3_table(&n);
    for (size_t i = 0; i < n; i++) {
        uint8_t code = t[i].code;
        if (ga467_sw3_is_ok(code))
            continue;
        /* on the read command */
        idcard_sim_fault fault = {.kind = IDCARD_FAULT_SW3, .cmd = GA467_CMD_READ,
                                  .sw3 = code};
        idcard_sim_set_fault(f->sim, &fault);
        idcard_identity *id = NULL;
        int rc = idcard_session_read_card(&f->s, &id);
        assert_null(id);
        assert_int_equal(rc, IDCARD_ERR_SW3(code));
        assert_int_equal(idcard_result_sw3(rc), code);
        assert_int_equal(f->s.last_sw3, code);
        assert_non_null(idcard_result_message_key(rc));
        char want[48];
        snprintf(want, sizeof want, "sw3_%02x_%s", code, t[i].name);
        assert_string_equal(idcard_result_name(rc), want);

        /* on find: 80 is "no card", everything else is its own error */
        fault.cmd = GA467_CMD_FIND;
        idcard_sim_set_fault(f->sim, &fault);
        rc = idcard_session_find(&f->s);
        assert_int_equal(rc, code == 0x80 ? IDCARD_ERR_NO_CARD : IDCARD_ERR_SW3(code));
    }
    idcard_sim_set_fault(f->sim, NULL);
    expect_full_read(f);

    /* 10 / 11 mean the reader got a damaged command: resent, bounded */
    set_fault(f, IDCARD_FAULT_NONE, 0, 0);
    idcard_sim_fault once = {.kind = IDCARD_FAULT_SW3, .cmd = GA467_CMD_SELECT,
                             .sw3 = 0x10, .count = 1};
    idcard_sim_set_fault(f->sim, &once);
    expect_full_read(f);

    /* an SW3 outside the protocol */
    idcard_sim_fault odd = {.kind = IDCARD_FAULT_SW3, .cmd = GA467_CMD_FIND, .sw3 = 0x55};
    idcard_sim_set_fault(f->sim, &odd);
    assert_int_equal(idcard_session_find(&f->s), IDCARD_ERR_PROTOCOL);

    assert_string_equal(idcard_result_message_key(IDCARD_ERR_SW3(0x60)), "reader.error");
    assert_string_equal(idcard_result_message_key(IDCARD_ERR_SW3(0x41)), "card.unreadable");
    assert_int_equal(idcard_result_sw3(IDCARD_ERR_TIMEOUT), -1);
}

static void test_unplug_mid_transfer(void **state)
{
    fixture *f = *state;
    set_fault(f, IDCARD_FAULT_UNPLUG_MID_TRANSFER, GA467_CMD_READ, 1);
    f->s.read_size = 64;
    idcard_identity *id = NULL;
    assert_int_equal(idcard_session_read_card(&f->s, &id), IDCARD_ERR_DEVICE_GONE);
    assert_null(id);
    assert_false(idcard_sim_plugged(f->sim));
    assert_string_equal(idcard_result_message_key(IDCARD_ERR_DEVICE_GONE), "reader.unavailable");

    /* every later transfer fails the same way, without retries */
    assert_int_equal(idcard_session_find(&f->s), IDCARD_ERR_DEVICE_GONE);
    assert_int_equal(idcard_sim_commands(f->sim, GA467_CMD_FIND), 1);

    /* plugged back in, the same session works again */
    idcard_sim_set_plugged(f->sim, true);
    expect_full_read(f);
}

static void test_unparseable_text_block(void **state)
{
    fixture *f = *state;
    uint8_t text[256];
    for (size_t i = 0; i < sizeof text; i += 2) {
        text[i] = ' ';
        text[i + 1] = 0;
    }
    text[32] = '0';          /* nation 01 */
    text[34] = '1';
    text[36] = 'x';          /* birth "x" */
    assert_int_equal(idcard_sim_place_card_raw(f->sim, text, NULL, 0), 0);
    idcard_identity *id = NULL;
    assert_int_equal(idcard_session_read_card(&f->s, &id), IDCARD_ERR_PARSE);
    assert_null(id);
    assert_non_null(strstr(f->s.detail, "byte 36 (birth)"));
}

static void test_decode_read_data_errors(void **state)
{
    (void)state;
    uint8_t data[8] = {0x01, 0x00, 0x04, 0x00};
    idcard_identity *id;
    char err[160];
    assert_int_equal(idcard_decode_read_data(data, 3, false, &id, err, sizeof err),
                     IDCARD_ERR_LENGTH);
    assert_int_equal(idcard_decode_read_data(data, 8, false, &id, err, sizeof err),
                     IDCARD_ERR_LENGTH);
    assert_non_null(strstr(err, "text 256 + photo 1024 bytes announced, 4 present"));
}

static void test_result_names(void **state)
{
    (void)state;
    static const int all[] = {
        IDCARD_OK, IDCARD_ERR_NO_CARD, IDCARD_ERR_CARD_REMOVED, IDCARD_ERR_CHECKSUM,
        IDCARD_ERR_LENGTH, IDCARD_ERR_TIMEOUT, IDCARD_ERR_DEVICE_GONE, IDCARD_ERR_IO,
        IDCARD_ERR_PARSE, IDCARD_ERR_PROTOCOL, IDCARD_ERR_NOMEM, IDCARD_ERR_NO_READER,
    };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        assert_string_not_equal(idcard_result_name(all[i]), "unknown");
        for (size_t j = i + 1; j < sizeof all / sizeof all[0]; j++)
            assert_string_not_equal(idcard_result_name(all[i]), idcard_result_name(all[j]));
    }
    assert_null(idcard_result_message_key(IDCARD_OK));
    assert_string_equal(idcard_result_name(IDCARD_ERR_SW3(0x55)), "sw3_unknown");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_full_read),
        T(test_full_read_in_64_byte_transfers),
        T(test_fingerprint_read),
        T(test_all_card_types),
        T(test_no_card),
        T(test_sam_commands),
        T(test_card_removed_mid_read),
        T(test_card_removed_between_find_and_select),
        T(test_bad_checksum_retried),
        T(test_bad_checksum_persistent),
        T(test_wrong_length),
        T(test_garbage_before_frames),
        T(test_slow_answer_within_timeout),
        T(test_slow_answer_times_out),
        T(test_no_answer),
        T(test_every_sw3_error),
        T(test_unplug_mid_transfer),
        T(test_unparseable_text_block),
        cmocka_unit_test(test_decode_read_data_errors),
        cmocka_unit_test(test_result_names),
    };
    return cmocka_run_group_tests_name("idcard_session", tests, NULL, NULL);
}
