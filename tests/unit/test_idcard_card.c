/*
 * ID-card text blocks (resident, J, I, Y), nation table, dates, check digit,
 * validity, masking and wiping.
 *
 * Text blocks come from the JSON fixtures through the simulator's encoder,
 * so the encoder and the parser check each other; the error cases poke
 * single fields of a block by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../support/bytes.h"

#include "idcard/idcard_card.h"
#include "idcard/idcard_sim.h"

#define DEMO_DIR KIOSK_SOURCE_DIR "/assets/demo-cards/"
#define CARDS_DIR FIXTURES_DIR "/cards/"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static void encode(const char *path, uint8_t text[256])
{
    char err[256] = "";
    uint8_t photo[1024];
    int rc = idcard_sim_encode_fixture(slurp(path), path, text, photo, err, sizeof err);
    if (rc != 0)
        fail_msg("%s", err);
}

static void parse_ok(const char *path, idcard_identity *id)
{
    uint8_t text[256];
    char err[160];
    encode(path, text);
    int rc = idcard_parse_text(text, sizeof text, id, err, sizeof err);
    if (rc != 0)
        fail_msg("%s: %s", path, err);
}

static void test_resident(void **state)
{
    (void)state;
    idcard_identity id;
    memset(&id, 0, sizeof id);
    parse_ok(DEMO_DIR "resident.json", &id);
    assert_int_equal(id.type, IDCARD_TYPE_RESIDENT);
    assert_string_equal(id.name, "张三");
    assert_int_equal(id.sex, IDCARD_SEX_MALE);
    assert_string_equal(id.nation_code, "01");
    assert_string_equal(id.nation, "汉");
    assert_int_equal(id.birth.year, 1990);
    assert_int_equal(id.birth.month, 3);
    assert_int_equal(id.birth.day, 7);
    assert_string_equal(id.address, "浙江省杭州市西湖区示例路1号");
    assert_string_equal(id.id_number, "330106199003070014");
    assert_true(idcard_check_digit_ok(id.id_number));
    assert_string_equal(id.authority, "杭州市公安局西湖分局");
    assert_int_equal(id.valid_from.year, 2020);
    assert_int_equal(id.valid_to.year, 2040);
    assert_false(id.long_term);
    assert_null(id.photo);
    idcard_identity_clear(&id);
}

static void test_long_term_and_minority(void **state)
{
    (void)state;
    idcard_identity id;
    memset(&id, 0, sizeof id);
    parse_ok(CARDS_DIR "long-term.json", &id);
    assert_string_equal(id.name, "欧阳娜娜");
    assert_int_equal(id.sex, IDCARD_SEX_FEMALE);
    assert_string_equal(id.nation, "维吾尔");
    assert_true(id.long_term);
    assert_int_equal(id.valid_to.year, 0);
    idcard_identity_clear(&id);
}

static void test_hk_permit(void **state)
{
    (void)state;
    idcard_identity id;
    memset(&id, 0, sizeof id);
    parse_ok(DEMO_DIR "hk-permit.json", &id);
    assert_int_equal(id.type, IDCARD_TYPE_HKMOTW);
    assert_string_equal(id.name, "王五");
    assert_string_equal(id.nation_code, "");      /* blank on J cards */
    assert_string_equal(id.id_number, "810000199511200031");
    assert_true(idcard_check_digit_ok(id.id_number));
    assert_string_equal(id.pass_number, "H00000001");
    assert_int_equal(id.issue_count, 1);
    assert_string_equal(id.address, "浙江省杭州市西湖区示例路3号");
    idcard_identity_clear(&id);
}

static void test_foreign_2017(void **state)
{
    (void)state;
    idcard_identity id;
    memset(&id, 0, sizeof id);
    parse_ok(CARDS_DIR "foreign2017.json", &id);
    assert_int_equal(id.type, IDCARD_TYPE_FOREIGN_2017);
    assert_string_equal(id.name_en, "SAMPLE JOHN PETER");
    assert_string_equal(id.name, "约翰");
    assert_int_equal(id.sex, IDCARD_SEX_MALE);
    assert_string_equal(id.id_number, "CAN330800101015");
    assert_string_equal(id.nationality, "CAN");
    assert_int_equal(id.birth.year, 1980);
    assert_int_equal(id.valid_to.year, 2027);
    assert_string_equal(id.card_version, "17");
    assert_string_equal(id.authority_code, "3300");
    idcard_identity_clear(&id);
}

static void test_foreign_2023(void **state)
{
    (void)state;
    idcard_identity id;
    memset(&id, 0, sizeof id);
    parse_ok(DEMO_DIR "foreigner.json", &id);
    assert_int_equal(id.type, IDCARD_TYPE_FOREIGN_2023);
    assert_string_equal(id.name, "安娜");
    assert_string_equal(id.name_en, "SAMPLE, ANNA");
    assert_int_equal(id.renewal_count, 0);
    assert_string_equal(id.id_number, "933124198804150025");
    assert_true(idcard_check_digit_ok(id.id_number));
    assert_string_equal(id.nationality, "CAN");
    assert_int_equal(id.birth.month, 4);
    idcard_identity_clear(&id);

    /* English name longer than 35 characters continues at byte 220 */
    parse_ok(CARDS_DIR "foreign2023-long-name.json", &id);
    assert_string_equal(id.name_en, "SAMPLEWORTH-EXAMPLETON, MARY ELIZABETH ANN");
    assert_int_equal(id.renewal_count, 1);
    assert_string_equal(id.nationality, "GBR");
    idcard_identity_clear(&id);
}

static void test_fixture_encoder_rejects(void **state)
{
    (void)state;
    uint8_t text[256];
    char err[256];
    assert_int_equal(idcard_sim_encode_fixture(slurp(CARDS_DIR "bad-type.json"),
                     "bad-type.json", text, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "type \"Q\""));
    assert_int_equal(idcard_sim_encode_fixture("{\"adress\": \"x\"}", "t.json",
                     text, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "\"adress\" is not a field"));
    assert_int_equal(idcard_sim_encode_fixture("{\"name\": \"一二三四五六七八九十一二三四五六\"}",
                     "t.json", text, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "longer than 15"));
    assert_int_equal(idcard_sim_encode_fixture("{", "t.json", text, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "t.json:"));
}

/* A resident block built by hand for the error cases. */
static void put(uint8_t *text, size_t off, size_t len, const char *ascii)
{
    for (size_t i = 0; i < len; i += 2) {
        text[off + i] = ' ';
        text[off + i + 1] = 0;
    }
    for (size_t i = 0; ascii[i] && 2 * i < len; i++)
        text[off + 2 * i] = (uint8_t)ascii[i];
}

static void base_block(uint8_t text[256])
{
    encode(DEMO_DIR "resident.json", text);
}

static void expect_error(const uint8_t text[256], int rc, const char *msg)
{
    idcard_identity id;
    memset(&id, 0, sizeof id);
    char err[160];
    assert_int_equal(idcard_parse_text(text, 256, &id, err, sizeof err), rc);
    assert_string_equal(err, msg);
    /* nothing half-parsed remains, and the message never quotes content */
    assert_string_equal(id.name, "");
    assert_null(strstr(err, "张"));
    assert_null(strstr(err, "3301"));
}

static void test_parse_errors_name_offset_and_field(void **state)
{
    (void)state;
    uint8_t text[256];

    base_block(text);
    put(text, 248, 2, "Q");
    expect_error(text, IDCARD_PARSE_CARD_TYPE,
                 "byte 248 (card_type): card-type flag is not blank, J, I or Y");

    base_block(text);
    put(text, 30, 2, "3");
    expect_error(text, IDCARD_PARSE_FIELD, "byte 30 (sex): not 1, 2, 0 or 9");

    base_block(text);
    put(text, 32, 4, "00");
    expect_error(text, IDCARD_PARSE_FIELD,
                 "byte 32 (nation): not a GB 3304 code (01-56, 97, 98)");

    base_block(text);
    put(text, 36, 16, "19900230");
    expect_error(text, IDCARD_PARSE_FIELD, "byte 36 (birth): not a date YYYYMMDD");

    base_block(text);
    put(text, 204, 16, "2040");
    expect_error(text, IDCARD_PARSE_FIELD,
                 "byte 204 (valid_to): not a date YYYYMMDD nor 长期");

    base_block(text);
    text[122 + 10] = 'A';   /* sixth character of the ID number */
    expect_error(text, IDCARD_PARSE_FIELD,
                 "byte 132 (id_number): not 17 digits and a check character");

    base_block(text);
    put(text, 122, 36, "33010619900307001");
    expect_error(text, IDCARD_PARSE_FIELD, "byte 122 (id_number): not 18 characters");

    base_block(text);
    text[2] = 0x07;         /* control character as the name's second unit */
    text[3] = 0x00;
    expect_error(text, IDCARD_PARSE_ENCODING, "byte 2 (name): control character in text");

    base_block(text);
    text[0] = 0x00;         /* lone high surrogate */
    text[1] = 0xD8;
    expect_error(text, IDCARD_PARSE_ENCODING,
                 "byte 0 (name): high surrogate without a low surrogate");

    base_block(text);
    text[54] = 0x00;        /* lone low surrogate in the address */
    text[55] = 0xDC;
    expect_error(text, IDCARD_PARSE_ENCODING,
                 "byte 54 (address): low surrogate without a high surrogate");

    idcard_identity id;
    memset(&id, 0, sizeof id);
    char err[160];
    assert_int_equal(idcard_parse_text(text, 255, &id, err, sizeof err), IDCARD_PARSE_SHORT);
    assert_string_equal(err, "byte 255 (text): text block shorter than 256 bytes");
}

static void test_surrogate_pair_name(void **state)
{
    (void)state;
    uint8_t text[256];
    base_block(text);
    /* 张 + U+20000 (𠀀, a CJK Extension B character) */
    put(text, 0, 30, "");
    text[0] = 0x20; text[1] = 0x5F;
    text[2] = 0x40; text[3] = 0xD8;
    text[4] = 0x00; text[5] = 0xDC;
    idcard_identity id;
    memset(&id, 0, sizeof id);
    char err[160];
    assert_int_equal(idcard_parse_text(text, 256, &id, err, sizeof err), 0);
    assert_string_equal(id.name, "张\xF0\xA0\x80\x80");
    char masked[32];
    idcard_mask_name(id.name, masked, sizeof masked);
    assert_string_equal(masked, "张*");
    idcard_identity_clear(&id);
}

static void test_nation_table(void **state)
{
    (void)state;
    assert_string_equal(idcard_nation_name("01"), "汉");
    assert_string_equal(idcard_nation_name("02"), "蒙古");
    assert_string_equal(idcard_nation_name("29"), "柯尔克孜");
    assert_string_equal(idcard_nation_name("56"), "基诺");
    assert_string_equal(idcard_nation_name("97"), "其他");
    assert_string_equal(idcard_nation_name("98"), "外国血统中国籍人士");
    assert_null(idcard_nation_name("00"));
    assert_null(idcard_nation_name("57"));
    assert_null(idcard_nation_name("99"));
    assert_null(idcard_nation_name("1"));
    assert_null(idcard_nation_name("011"));
    assert_null(idcard_nation_name("a1"));
    assert_null(idcard_nation_name(NULL));
    for (int i = 1; i <= 56; i++) {
        char code[3];
        snprintf(code, sizeof code, "%02d", i);
        assert_non_null(idcard_nation_name(code));
    }
}

static void test_dates(void **state)
{
    (void)state;
    idcard_date d;
    assert_true(idcard_parse_date("20240229", &d));
    assert_int_equal(d.year, 2024);
    assert_int_equal(d.month, 2);
    assert_int_equal(d.day, 29);
    assert_true(idcard_parse_date("20000229", &d));
    assert_false(idcard_parse_date("19000229", &d));
    assert_false(idcard_parse_date("20230229", &d));
    assert_false(idcard_parse_date("20231301", &d));
    assert_false(idcard_parse_date("20230100", &d));
    assert_false(idcard_parse_date("20230431", &d));
    assert_false(idcard_parse_date("2023010", &d));
    assert_false(idcard_parse_date("202301011", &d));
    assert_false(idcard_parse_date("2023O101", &d));
    assert_false(idcard_parse_date("长期", &d));
    assert_false(idcard_parse_date(NULL, &d));
    idcard_date a = {2020, 1, 2}, b = {2020, 1, 3};
    assert_int_equal(idcard_date_compare(a, b), -1);
    assert_int_equal(idcard_date_compare(b, a), 1);
    assert_int_equal(idcard_date_compare(a, a), 0);

    /* 长期 only counts in valid_to */
    uint8_t text[256];
    base_block(text);
    put(text, 36, 16, "");
    text[36] = 0x7F; text[37] = 0x95;   /* 长 */
    text[38] = 0x1F; text[39] = 0x67;   /* 期 */
    expect_error(text, IDCARD_PARSE_FIELD, "byte 36 (birth): not a date YYYYMMDD");
}

static void test_check_digit(void **state)
{
    (void)state;
    assert_true(idcard_check_digit_ok("330106199003070014"));
    assert_false(idcard_check_digit_ok("330106199003070015"));
    assert_true(idcard_check_digit_ok("33010619920815078X"));
    assert_true(idcard_check_digit_ok("33010619920815078x"));
    assert_false(idcard_check_digit_ok("330106199208150781"));
    assert_false(idcard_check_digit_ok("33010619900307001"));
    assert_false(idcard_check_digit_ok("3301061990030700144"));
    assert_false(idcard_check_digit_ok("33010619900307A014"));
    assert_false(idcard_check_digit_ok(NULL));
    assert_int_equal(idcard_check_digit("33010619920815078"), 'X');
    assert_int_equal(idcard_check_digit("3301061992081507"), '\0');

    /* fixtures: a wrong check digit still parses (the kiosk decides) */
    idcard_identity id;
    memset(&id, 0, sizeof id);
    parse_ok(CARDS_DIR "bad-check-digit.json", &id);
    assert_false(idcard_check_digit_ok(id.id_number));
    idcard_identity_clear(&id);
    parse_ok(CARDS_DIR "lowercase-x.json", &id);
    assert_true(idcard_check_digit_ok(id.id_number));
    idcard_identity_clear(&id);
}

static void test_validity(void **state)
{
    (void)state;
    idcard_identity id;
    memset(&id, 0, sizeof id);
    parse_ok(DEMO_DIR "expired.json", &id);   /* 20080101 - 20180101 */
    idcard_date before = {2007, 12, 31}, first = {2008, 1, 1}, last = {2018, 1, 1},
                after = {2018, 1, 2}, now = {2025, 6, 1};
    assert_int_equal(idcard_check_validity(&id, before), IDCARD_NOT_YET_VALID);
    assert_int_equal(idcard_check_validity(&id, first), IDCARD_VALID);
    assert_int_equal(idcard_check_validity(&id, last), IDCARD_VALID);
    assert_int_equal(idcard_check_validity(&id, after), IDCARD_EXPIRED);
    assert_string_equal(idcard_validity_key(idcard_check_validity(&id, now)), "card.expired");
    assert_null(idcard_validity_key(IDCARD_VALID));
    assert_string_equal(idcard_validity_key(IDCARD_NOT_YET_VALID), "card.not_yet_valid");
    idcard_identity_clear(&id);

    parse_ok(CARDS_DIR "long-term.json", &id);
    idcard_date far = {2200, 1, 1};
    assert_int_equal(idcard_check_validity(&id, far), IDCARD_VALID);
    idcard_identity_clear(&id);

    memset(&id, 0, sizeof id);
    assert_int_equal(idcard_check_validity(&id, now), IDCARD_DATES_MISSING);
    assert_string_equal(idcard_validity_key(IDCARD_DATES_MISSING), "card.unreadable");
}

static void test_mask_name(void **state)
{
    (void)state;
    char out[64];
    idcard_mask_name("张三", out, sizeof out);
    assert_string_equal(out, "张*");
    idcard_mask_name("张三丰", out, sizeof out);
    assert_string_equal(out, "张*丰");
    idcard_mask_name("欧阳娜娜", out, sizeof out);
    assert_string_equal(out, "欧**娜");
    idcard_mask_name("阿依古丽·买买提", out, sizeof out);
    assert_string_equal(out, "阿******提");
    idcard_mask_name("张", out, sizeof out);
    assert_string_equal(out, "*");
    idcard_mask_name("", out, sizeof out);
    assert_string_equal(out, "");
    idcard_mask_name("ZHANG SAN", out, sizeof out);
    assert_string_equal(out, "Z**** S**");
    idcard_mask_name("SAMPLE, ANNA", out, sizeof out);
    assert_string_equal(out, "S*****, A***");
    idcard_mask_name("SMITH ANNA", out, sizeof out);
    assert_string_equal(out, "S**** A***");
    idcard_mask_name("O'NEIL-SMITH JO", out, sizeof out);
    assert_string_equal(out, "O'N***-S**** J*");
    /* one-letter words are shown as they are: nothing to hide */
    idcard_mask_name("A B", out, sizeof out);
    assert_string_equal(out, "A B");
    idcard_mask_name("  ZHANG  ", out, sizeof out);
    assert_string_equal(out, "  Z****  ");
    /* truncation keeps whole characters and the NUL */
    char small[5];
    idcard_mask_name("欧阳娜娜", small, sizeof small);
    assert_string_equal(small, "欧*");
    idcard_mask_name(NULL, out, sizeof out);
    assert_string_equal(out, "");
}

static void test_mask_number(void **state)
{
    (void)state;
    char out[64];
    idcard_mask_number("330106199001011234", out, sizeof out);
    assert_string_equal(out, "3301**********1234");
    idcard_mask_number("33010619920815078X", out, sizeof out);
    assert_string_equal(out, "3301**********078X");
    idcard_mask_number("CAN330800101015", out, sizeof out);
    assert_string_equal(out, "CAN3*******1015");
    idcard_mask_number("123456789012", out, sizeof out);
    assert_string_equal(out, "1234****9012");
    idcard_mask_number("H00000001", out, sizeof out);
    assert_string_equal(out, "*********");
    idcard_mask_number("", out, sizeof out);
    assert_string_equal(out, "");
    char small[8];
    idcard_mask_number("330106199001011234", small, sizeof small);
    assert_string_equal(small, "3301***");
}


static void test_wipe_zeroes_everything(void **state)
{
    (void)state;
    idcard_identity *id = idcard_identity_new();
    assert_non_null(id);
    parse_ok(DEMO_DIR "resident.json", id);
    id->photo = malloc(1024);
    memset(id->photo, 0xA5, 1024);
    id->photo_len = 1024;
    id->fingerprint = malloc(16);
    memset(id->fingerprint, 0x5A, 16);
    id->fingerprint_len = 16;
    assert_false(bytes_all_zero(id, sizeof *id));

    /* in place: every byte of the struct is zero afterwards (the photo and
     * fingerprint buffers are zeroed before being freed; ASan would flag a
     * read of them here, so the struct is what can be checked) */
    idcard_identity_clear(id);
    assert_true(bytes_all_zero(id, sizeof *id));
    assert_null(id->photo);
    idcard_identity_wipe(id);
    idcard_identity_wipe(NULL);
}

static void test_type_names(void **state)
{
    (void)state;
    assert_string_equal(idcard_type_name(IDCARD_TYPE_RESIDENT), "resident");
    assert_string_equal(idcard_type_name(IDCARD_TYPE_HKMOTW), "hkmotw");
    assert_string_equal(idcard_type_name(IDCARD_TYPE_FOREIGN_2017), "foreign2017");
    assert_string_equal(idcard_type_name(IDCARD_TYPE_FOREIGN_2023), "foreign2023");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resident),
        cmocka_unit_test(test_long_term_and_minority),
        cmocka_unit_test(test_hk_permit),
        cmocka_unit_test(test_foreign_2017),
        cmocka_unit_test(test_foreign_2023),
        cmocka_unit_test(test_fixture_encoder_rejects),
        cmocka_unit_test(test_parse_errors_name_offset_and_field),
        cmocka_unit_test(test_surrogate_pair_name),
        cmocka_unit_test(test_nation_table),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_check_digit),
        cmocka_unit_test(test_validity),
        cmocka_unit_test(test_mask_name),
        cmocka_unit_test(test_mask_number),
        cmocka_unit_test(test_wipe_zeroes_everything),
        cmocka_unit_test(test_type_names),
    };
    return cmocka_run_group_tests_name("idcard_card", tests, NULL, NULL);
}
