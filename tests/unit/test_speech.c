/*
 * speech_clean: what the engine is given -- masked values left out whole,
 * long digit runs digit by digit, dates as dates, pauses for line breaks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "app/speech.h"

static void expect_clean(const char *in, const char *want)
{
    char out[256];
    speech_clean(in, out, sizeof out);
    assert_string_equal(out, want);
}

static void test_masked_values_are_not_read(void **state)
{
    (void)state;
    expect_clean("张* · 退出登录", " ,  退出登录");
    expect_clean("欧阳** 已登录", " 已登录");
    expect_clean("号码 3301**********1234。", "号码 。");
    expect_clean("S*****, A*** · Sign out", ",  ,  Sign out");
    /* only the surname before the stars goes, not the sentence */
    expect_clean("您好，张*", "您好，");
}

static void test_digits(void **state)
{
    (void)state;
    expect_clean("服务热线 12345", "服务热线 1 2 3 4 5 ");
    expect_clean("0571-87654321", "0 5 7 1 8 7 6 5 4 3 2 1 ");
    expect_clean("前面还有 12 人", "前面还有 12 人");
    expect_clean("2026-11-22 星期日", "2026-11-22 星期日");
}

static void test_pauses_and_limits(void **state)
{
    (void)state;
    expect_clean("第一行\n第二行", "第一行; 第二行");
    expect_clean("A • B", "A ,  B");
    char small[8];
    speech_clean("一二三四五六", small, sizeof small);
    assert_true(strlen(small) < sizeof small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_masked_values_are_not_read),
        cmocka_unit_test(test_digits),
        cmocka_unit_test(test_pauses_and_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
