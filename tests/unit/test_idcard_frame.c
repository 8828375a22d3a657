/*
 * GA 467 frame codec: building, incremental parsing, resynchronisation and
 * every error with its byte offset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "idcard/ga467_frame.h"
#include "idcard/idcard_usb.h"

static ga467_parser parser;   /* 4 KiB: keep it off the test's stack */

static void test_build_find_command(void **state)
{
    (void)state;
    uint8_t buf[16];
    size_t n = ga467_build_command(GA467_CMD_FIND, NULL, 0, buf, sizeof buf);
    /* LEN 00 03 counts CMD PARA CHK; CHK = 00 ^ 03 ^ 20 ^ 01 = 22 */
    const uint8_t want[] = {0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x20, 0x01, 0x22};
    assert_int_equal(n, sizeof want);
    assert_memory_equal(buf, want, sizeof want);

    n = ga467_build_command(GA467_CMD_SAM_ID, NULL, 0, buf, sizeof buf);
    const uint8_t want_sam[] = {0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x12, 0xFF, 0xEE};
    assert_int_equal(n, sizeof want_sam);
    assert_memory_equal(buf, want_sam, sizeof want_sam);
}

static void test_build_read_response_is_1295_bytes(void **state)
{
    (void)state;
    static uint8_t data[4 + 256 + 1024], out[2000];
    data[0] = 0x01; data[1] = 0x00; data[2] = 0x04; data[3] = 0x00;
    size_t n = ga467_build_response(0x90, data, sizeof data, out, sizeof out);
    assert_int_equal(n, 1295);
    assert_int_equal(out[5], 0x05);
    assert_int_equal(out[6], 0x08);
    assert_int_equal(out[9], 0x90);
    assert_int_equal(out[n - 1], ga467_checksum(out + 5, n - 6));
}

static void test_build_refuses_small_buffer(void **state)
{
    (void)state;
    uint8_t buf[9];
    assert_int_equal(ga467_build_command(GA467_CMD_FIND, NULL, 0, buf, sizeof buf), 0);
    static uint8_t big[GA467_MAX_LEN + 10], out[GA467_MAX_FRAME + 100];
    assert_int_equal(ga467_build_response(0x90, big, GA467_MAX_LEN, out, sizeof out), 0);
}

static size_t sample_response(uint8_t *out, size_t cap, size_t data_len)
{
    uint8_t data[2048];
    for (size_t i = 0; i < data_len; i++)
        data[i] = (uint8_t)(i * 31 + 7);
    return ga467_build_response(0x90, data, data_len, out, cap);
}

static void test_parse_whole_frame(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t n = sample_response(buf, sizeof buf, 8);
    ga467_parser_init(&parser, GA467_RESPONSE);
    size_t used;
    assert_int_equal(ga467_parser_feed(&parser, buf, n, &used), GA467_FRAME);
    assert_int_equal(used, n);
    assert_int_equal(parser.frame.len, n);
    assert_int_equal(parser.frame.sw3, 0x90);
    assert_int_equal(parser.frame.data_len, 8);
    assert_int_equal(parser.frame.data[0], 7);
    assert_int_equal(parser.frame.offset, 0);
    assert_int_equal(parser.frame.skipped, 0);
}

static void test_parse_byte_by_byte(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t n = sample_response(buf, sizeof buf, 4);
    ga467_parser_init(&parser, GA467_RESPONSE);
    for (size_t i = 0; i < n; i++) {
        size_t used;
        ga467_status st = ga467_parser_feed(&parser, buf + i, 1, &used);
        assert_int_equal(used, 1);
        assert_int_equal(st, i + 1 == n ? GA467_FRAME : GA467_NEED_MORE);
    }
    assert_int_equal(parser.frame.data_len, 4);
}

static void test_parse_split_over_64_byte_packets(void **state)
{
    (void)state;
    static uint8_t buf[1400];
    size_t n = sample_response(buf, sizeof buf, 4 + 256 + 1024);
    assert_int_equal(n, 1295);
    ga467_parser_init(&parser, GA467_RESPONSE);
    size_t off = 0, packets = 0;
    ga467_status st = GA467_NEED_MORE;
    while (off < n) {
        size_t chunk = n - off < 64 ? n - off : 64, used;
        st = ga467_parser_feed(&parser, buf + off, chunk, &used);
        assert_int_equal(used, chunk);
        off += chunk;
        packets++;
        if (off < n)
            assert_int_equal(st, GA467_NEED_MORE);
    }
    assert_int_equal(st, GA467_FRAME);
    assert_int_equal(packets, 21);
    assert_int_equal(parser.frame.data_len, 1284);
    assert_memory_equal(parser.frame.bytes, buf, n);
}

static void test_resync_on_leading_garbage(void **state)
{
    (void)state;
    uint8_t buf[128];
    /* noise, a false preamble start, a doubled AA before the real one */
    const uint8_t junk[] = {0x00, 0x13, 0xAA, 0xAA, 0x96, 0x69, 0xAA,
                            0xAA, 0xAA, 0x96, 0x00, 0xAA};
    memcpy(buf, junk, sizeof junk);
    size_t n = sample_response(buf + sizeof junk, sizeof buf - sizeof junk, 6);
    ga467_parser_init(&parser, GA467_RESPONSE);
    size_t used;
    assert_int_equal(ga467_parser_feed(&parser, buf, sizeof junk + n, &used), GA467_FRAME);
    assert_int_equal(used, sizeof junk + n);
    assert_int_equal(parser.frame.skipped, sizeof junk);
    assert_int_equal(parser.frame.offset, sizeof junk);
    assert_int_equal(parser.frame.data_len, 6);
}

static void test_resync_four_aa(void **state)
{
    (void)state;
    uint8_t buf[64] = {0xAA};
    size_t n = sample_response(buf + 1, sizeof buf - 1, 2);
    ga467_parser_init(&parser, GA467_RESPONSE);
    size_t used;
    assert_int_equal(ga467_parser_feed(&parser, buf, n + 1, &used), GA467_FRAME);
    assert_int_equal(parser.frame.skipped, 1);
    assert_int_equal(parser.frame.offset, 1);
}

static void test_two_frames_in_one_buffer(void **state)
{
    (void)state;
    uint8_t buf[128];
    size_t a = sample_response(buf, sizeof buf, 3);
    size_t b = ga467_build_response(0x9F, (const uint8_t *)"\0\0\0\0", 4, buf + a, sizeof buf - a);
    ga467_parser_init(&parser, GA467_RESPONSE);
    size_t used;
    assert_int_equal(ga467_parser_feed(&parser, buf, a + b, &used), GA467_FRAME);
    assert_int_equal(used, a);
    assert_int_equal(parser.frame.sw3, 0x90);
    ga467_parser_reset(&parser);
    assert_int_equal(ga467_parser_feed(&parser, buf + used, a + b - used, &used), GA467_FRAME);
    assert_int_equal(parser.frame.sw3, 0x9F);
    assert_int_equal(parser.frame.offset, a);   /* stream offsets keep counting */
}

static void test_error_len_short(void **state)
{
    (void)state;
    const uint8_t buf[] = {0x01, 0x02, 0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x02, 0x00, 0x00};
    ga467_parser_init(&parser, GA467_RESPONSE);
    size_t used;
    assert_int_equal(ga467_parser_feed(&parser, buf, sizeof buf, &used), GA467_ERROR);
    assert_int_equal(parser.error, GA467_ERR_LEN_SHORT);
    assert_int_equal(parser.error_offset, 7);   /* LEN_H, after 2 junk bytes */
    assert_string_equal(parser.error_msg,
                        "byte 7: LEN 2 is below the minimum 4 (status or command bytes plus CHK)");
    assert_int_equal(used, 9);
    /* Refuses more input until reset. */
    assert_int_equal(ga467_parser_feed(&parser, buf, sizeof buf, &used), GA467_ERROR);
    assert_int_equal(used, 0);
}

static void test_error_len_long(void **state)
{
    (void)state;
    const uint8_t buf[] = {0xAA, 0xAA, 0xAA, 0x96, 0x69, 0xFF, 0xFF};
    ga467_parser_init(&parser, GA467_RESPONSE);
    size_t used;
    assert_int_equal(ga467_parser_feed(&parser, buf, sizeof buf, &used), GA467_ERROR);
    assert_int_equal(parser.error, GA467_ERR_LEN_LONG);
    assert_int_equal(parser.error_offset, 5);
    assert_non_null(strstr(parser.error_msg, "byte 5: LEN 65535 exceeds"));
}

static void test_error_checksum(void **state)
{
    (void)state;
    uint8_t buf[64] = {0x55, 0x66, 0x77};
    size_t n = sample_response(buf + 3, sizeof buf - 3, 5);
    buf[3 + n - 1] ^= 0x01;
    ga467_parser_init(&parser, GA467_RESPONSE);
    size_t used;
    assert_int_equal(ga467_parser_feed(&parser, buf, n + 3, &used), GA467_ERROR);
    assert_int_equal(parser.error, GA467_ERR_CHECKSUM);
    assert_int_equal(parser.error_offset, 3 + n - 1);
    char want[32];
    snprintf(want, sizeof want, "byte %zu: checksum", 3 + n - 1);
    assert_true(strncmp(parser.error_msg, want, strlen(want)) == 0);
}

static void test_error_checksum_split(void **state)
{
    (void)state;
    static uint8_t buf[1400];
    size_t n = sample_response(buf, sizeof buf, 1284);
    buf[700] ^= 0xFF;    /* corrupt a data byte in the 11th packet */
    ga467_parser_init(&parser, GA467_RESPONSE);
    ga467_status st = GA467_NEED_MORE;
    for (size_t off = 0; off < n && st == GA467_NEED_MORE; off += 64) {
        size_t used;
        st = ga467_parser_feed(&parser, buf + off, n - off < 64 ? n - off : 64, &used);
    }
    assert_int_equal(st, GA467_ERROR);
    assert_int_equal(parser.error_offset, n - 1);   /* CHK is where it shows */
}

static void test_error_sw1_sw2(void **state)
{
    (void)state;
    uint8_t buf[32];
    size_t n = sample_response(buf, sizeof buf, 0);
    buf[7] = 0x6A;                       /* SW1 */
    buf[n - 1] = ga467_checksum(buf + 5, n - 6);
    ga467_parser_init(&parser, GA467_RESPONSE);
    size_t used;
    assert_int_equal(ga467_parser_feed(&parser, buf, n, &used), GA467_ERROR);
    assert_int_equal(parser.error, GA467_ERR_STATUS);
    assert_int_equal(parser.error_offset, 7);
    assert_non_null(strstr(parser.error_msg, "SW1 SW2 are 6A 00"));
}

static void test_command_frames(void **state)
{
    (void)state;
    uint8_t buf[16];
    size_t n = ga467_build_command(GA467_CMD_READ, NULL, 0, buf, sizeof buf);
    ga467_parser_init(&parser, GA467_COMMAND);
    size_t used;
    assert_int_equal(ga467_parser_feed(&parser, buf, n, &used), GA467_FRAME);
    assert_int_equal(parser.frame.cmd, 0x30);
    assert_int_equal(parser.frame.para, 0x01);
    assert_int_equal(parser.frame.data_len, 0);

    /* LEN 2 is too short for a command (CMD PARA CHK = 3) */
    const uint8_t bad[] = {0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x02};
    ga467_parser_reset(&parser);
    assert_int_equal(ga467_parser_feed(&parser, bad, sizeof bad, &used), GA467_ERROR);
    assert_int_equal(parser.error, GA467_ERR_LEN_SHORT);
}

static void test_only_garbage_needs_more(void **state)
{
    (void)state;
    uint8_t junk[100];
    memset(junk, 0x42, sizeof junk);
    ga467_parser_init(&parser, GA467_RESPONSE);
    size_t used;
    assert_int_equal(ga467_parser_feed(&parser, junk, sizeof junk, &used), GA467_NEED_MORE);
    assert_int_equal(used, sizeof junk);
    assert_int_equal(ga467_parser_pending(&parser), 0);
}

static void test_sw3_table(void **state)
{
    (void)state;
    size_t n;
    const ga467_sw3_info *t = ga467_sw3_table(&n);
    assert_int_equal(n, 19);
    for (size_t i = 0; i < n; i++) {
        assert_ptr_equal(ga467_sw3_lookup(t[i].code), &t[i]);
        assert_true(strlen(t[i].name) > 0);
        assert_true(strlen(t[i].meaning) > 0);
        for (size_t j = i + 1; j < n; j++) {
            assert_int_not_equal(t[i].code, t[j].code);
            assert_string_not_equal(t[i].name, t[j].name);
        }
    }
    assert_null(ga467_sw3_lookup(0x00));
    assert_true(ga467_sw3_is_ok(0x90));
    assert_true(ga467_sw3_is_ok(0x9F));
    assert_false(ga467_sw3_is_ok(0x80));
    assert_string_equal(ga467_sw3_lookup(0x80)->meaning, "no card found");
}

static void test_hid_tunnel(void **state)
{
    (void)state;
    uint8_t frame[16], report[IDCARD_HID_REPORT];
    size_t n = ga467_build_command(GA467_CMD_FIND, NULL, 0, frame, sizeof frame);
    assert_int_equal(idcard_hid_pack(frame, n, report), n);
    assert_int_equal(report[0], IDCARD_HID_REQUEST_FLAG);
    assert_int_equal(report[1], n);
    unsigned sum = 0;
    for (size_t i = 0; i < 2 + n; i++)
        sum += report[i];
    assert_int_equal(report[2 + n] << 8 | report[3 + n], sum & 0xFFFF);
    const uint8_t *payload;
    assert_int_equal(idcard_hid_unpack(report, &payload), n);
    assert_memory_equal(payload, frame, n);

    /* at most 60 payload bytes a report */
    uint8_t big[100] = {0};
    assert_int_equal(idcard_hid_pack(big, sizeof big, report), IDCARD_HID_PAYLOAD);

    report[2] ^= 1;
    assert_int_equal(idcard_hid_unpack(report, &payload), IDCARD_ERR_CHECKSUM);
    report[1] = 61;
    assert_int_equal(idcard_hid_unpack(report, &payload), IDCARD_ERR_LENGTH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_find_command),
        cmocka_unit_test(test_build_read_response_is_1295_bytes),
        cmocka_unit_test(test_build_refuses_small_buffer),
        cmocka_unit_test(test_parse_whole_frame),
        cmocka_unit_test(test_parse_byte_by_byte),
        cmocka_unit_test(test_parse_split_over_64_byte_packets),
        cmocka_unit_test(test_resync_on_leading_garbage),
        cmocka_unit_test(test_resync_four_aa),
        cmocka_unit_test(test_two_frames_in_one_buffer),
        cmocka_unit_test(test_error_len_short),
        cmocka_unit_test(test_error_len_long),
        cmocka_unit_test(test_error_checksum),
        cmocka_unit_test(test_error_checksum_split),
        cmocka_unit_test(test_error_sw1_sw2),
        cmocka_unit_test(test_command_frames),
        cmocka_unit_test(test_only_garbage_needs_more),
        cmocka_unit_test(test_sw3_table),
        cmocka_unit_test(test_hid_tunnel),
    };
    return cmocka_run_group_tests_name("idcard_frame", tests, NULL, NULL);
}
