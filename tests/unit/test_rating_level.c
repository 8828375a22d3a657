/*
 * Unit tests for kiosk/rating/rating_level: the five levels by name, which
 * are poor, both code schemes (opposite directions), the per-config
 * override and what it refuses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "rating/rating_level.h"

static void test_names(void **state)
{
    static const char *const names[] = {"very_satisfied", "satisfied", "basic",
                                        "dissatisfied", "very_dissatisfied"};
    static const char *const zh[] = {"非常满意", "满意", "基本满意", "不满意", "非常不满意"};
    for (int i = 0; i < RATING_LEVELS; i++) {
        rating_level l = RATING_LEVELS;
        assert_string_equal(rating_level_name((rating_level)i), names[i]);
        assert_string_equal(rating_level_zh((rating_level)i), zh[i]);
        assert_true(rating_level_from_name(names[i], &l));
        assert_int_equal(l, i);
    }
    assert_string_equal(rating_level_name(RATING_LEVELS), "");
    assert_string_equal(rating_level_zh((rating_level)-1), "");
}

static void test_bad_names(void **state)
{
    static const char *const bad[] = {"", "Satisfied", "satisfied ", " satisfied", "满意",
                                      "very satisfied", "5", "very_satisfied\n", "verysatisfied",
                                      "poor"};
    rating_level l = RATING_BASIC;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(rating_level_from_name(bad[i], &l));
        assert_int_equal(l, RATING_BASIC); /* untouched */
    }
    assert_false(rating_level_from_name(NULL, &l));
}

static void test_poor(void **state)
{
    assert_false(rating_level_is_poor(RATING_VERY_SATISFIED));
    assert_false(rating_level_is_poor(RATING_SATISFIED));
    assert_false(rating_level_is_poor(RATING_BASIC));
    assert_true(rating_level_is_poor(RATING_DISSATISFIED));
    assert_true(rating_level_is_poor(RATING_VERY_DISSATISFIED));
    assert_false(rating_level_is_poor(RATING_LEVELS));
}

static void test_scheme_gbt39046(void **state)
{
    rating_codes c;
    rating_codes_of_scheme(RATING_SCHEME_GBT39046, &c);
    assert_int_equal(c.scheme, RATING_SCHEME_GBT39046);
    assert_false(c.overridden);
    /* annex A.8: 1 非常满意 ... 5 非常不满意 */
    assert_string_equal(rating_code(&c, RATING_VERY_SATISFIED), "1");
    assert_string_equal(rating_code(&c, RATING_SATISFIED), "2");
    assert_string_equal(rating_code(&c, RATING_BASIC), "3");
    assert_string_equal(rating_code(&c, RATING_DISSATISFIED), "4");
    assert_string_equal(rating_code(&c, RATING_VERY_DISSATISFIED), "5");
    rating_level l;
    assert_true(rating_level_from_code(&c, "1", &l));
    assert_int_equal(l, RATING_VERY_SATISFIED);
    assert_true(rating_level_from_code(&c, "5", &l));
    assert_int_equal(l, RATING_VERY_DISSATISFIED);
    assert_false(rating_level_from_code(&c, "6", &l));
    assert_false(rating_level_from_code(&c, "", &l));
    assert_false(rating_level_from_code(&c, NULL, &l));
    assert_string_equal(rating_code(&c, RATING_LEVELS), "");
}

static void test_scheme_provincial(void **state)
{
    rating_codes c;
    rating_codes_of_scheme(RATING_SCHEME_PROVINCIAL, &c);
    /* the other direction: 5 非常满意 ... 1 非常不满意 */
    assert_string_equal(rating_code(&c, RATING_VERY_SATISFIED), "5");
    assert_string_equal(rating_code(&c, RATING_SATISFIED), "4");
    assert_string_equal(rating_code(&c, RATING_BASIC), "3");
    assert_string_equal(rating_code(&c, RATING_DISSATISFIED), "2");
    assert_string_equal(rating_code(&c, RATING_VERY_DISSATISFIED), "1");
    rating_level l;
    assert_true(rating_level_from_code(&c, "1", &l));
    assert_int_equal(l, RATING_VERY_DISSATISFIED);
    /* the same code means opposite levels in the two schemes */
    rating_codes g;
    rating_codes_of_scheme(RATING_SCHEME_GBT39046, &g);
    for (int i = 0; i < RATING_LEVELS; i++)
        assert_string_equal(rating_code(&c, (rating_level)i),
                            rating_code(&g, (rating_level)(RATING_LEVELS - 1 - i)));
    /* not a scheme: GB/T 39046's */
    rating_codes_of_scheme(RATING_SCHEMES, &c);
    assert_int_equal(c.scheme, RATING_SCHEME_GBT39046);
    assert_string_equal(rating_code(&c, RATING_VERY_SATISFIED), "1");
}

static void test_scheme_names(void **state)
{
    rating_scheme s = RATING_SCHEMES;
    assert_string_equal(rating_scheme_name(RATING_SCHEME_GBT39046), "gbt39046");
    assert_string_equal(rating_scheme_name(RATING_SCHEME_PROVINCIAL), "provincial");
    assert_string_equal(rating_scheme_name(RATING_SCHEMES), "");
    assert_true(rating_scheme_from_name("provincial", &s));
    assert_int_equal(s, RATING_SCHEME_PROVINCIAL);
    assert_true(rating_scheme_from_name("gbt39046", &s));
    assert_int_equal(s, RATING_SCHEME_GBT39046);
    assert_false(rating_scheme_from_name("GB/T 39046", &s));
    assert_false(rating_scheme_from_name(NULL, &s));
    /* the list the settings table uses: in enum order, NULL-terminated */
    assert_string_equal(rating_scheme_names[0], "gbt39046");
    assert_string_equal(rating_scheme_names[1], "provincial");
    assert_null(rating_scheme_names[RATING_SCHEMES]);
}

static void test_override(void **state)
{
    rating_codes c;
    char why[200];
    rating_codes_of_scheme(RATING_SCHEME_PROVINCIAL, &c);
    assert_true(rating_codes_override(&c, " A1 ,B2,c.3,  d-4 ,E_5", why, sizeof why));
    assert_true(c.overridden);
    assert_int_equal(c.scheme, RATING_SCHEME_PROVINCIAL);
    assert_string_equal(rating_code(&c, RATING_VERY_SATISFIED), "A1");
    assert_string_equal(rating_code(&c, RATING_SATISFIED), "B2");
    assert_string_equal(rating_code(&c, RATING_BASIC), "c.3");
    assert_string_equal(rating_code(&c, RATING_DISSATISFIED), "d-4");
    assert_string_equal(rating_code(&c, RATING_VERY_DISSATISFIED), "E_5");
    rating_level l;
    assert_true(rating_level_from_code(&c, "d-4", &l));
    assert_int_equal(l, RATING_DISSATISFIED);
    assert_false(rating_level_from_code(&c, "5", &l));
    /* an empty list keeps what is there */
    rating_codes_of_scheme(RATING_SCHEME_GBT39046, &c);
    assert_true(rating_codes_override(&c, "", why, sizeof why));
    assert_true(rating_codes_override(&c, NULL, why, sizeof why));
    assert_false(c.overridden);
    assert_string_equal(rating_code(&c, RATING_VERY_SATISFIED), "1");
    /* the longest code fits */
    assert_true(rating_codes_override(&c, "1234567890123456,2,3,4,5", why, sizeof why));
    assert_string_equal(rating_code(&c, RATING_VERY_SATISFIED), "1234567890123456");
}

static void expect_refused(const char *list, const char *want)
{
    rating_codes c;
    char why[200] = "";
    rating_codes_of_scheme(RATING_SCHEME_GBT39046, &c);
    assert_false(rating_codes_override(&c, list, why, sizeof why));
    assert_string_equal(why, want);
    /* untouched */
    assert_false(c.overridden);
    assert_string_equal(rating_code(&c, RATING_VERY_SATISFIED), "1");
    assert_string_equal(rating_code(&c, RATING_VERY_DISSATISFIED), "5");
}

static void test_override_refused(void **state)
{
    expect_refused("1,2,3,4", "must list 5 codes separated by commas, one per level from "
                   "very_satisfied to very_dissatisfied (found 4)");
    expect_refused("1,2,3,4,5,6", "must list 5 codes separated by commas, one per level from "
                   "very_satisfied to very_dissatisfied (found 6)");
    expect_refused("1,2,,4,5", "code 3 must be 1 to 16 letters, digits, '-', '_' or '.'");
    expect_refused("1,2,3,4,", "code 5 must be 1 to 16 letters, digits, '-', '_' or '.'");
    expect_refused("1,2,3 x,4,5", "code 3 must be 1 to 16 letters, digits, '-', '_' or '.'");
    expect_refused("满意,2,3,4,5", "code 1 must be 1 to 16 letters, digits, '-', '_' or '.'");
    expect_refused("12345678901234567,2,3,4,5",
                   "code 1 must be 1 to 16 letters, digits, '-', '_' or '.'");
    expect_refused("1,2,3,2,5", "codes 2 and 4 are both '2': each level needs a code of its own");
    expect_refused("1;2;3;4;5", "code 1 must be 1 to 16 letters, digits, '-', '_' or '.'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_bad_names),
        cmocka_unit_test(test_poor),
        cmocka_unit_test(test_scheme_gbt39046),
        cmocka_unit_test(test_scheme_provincial),
        cmocka_unit_test(test_scheme_names),
        cmocka_unit_test(test_override),
        cmocka_unit_test(test_override_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
