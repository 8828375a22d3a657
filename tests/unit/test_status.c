/*
 * The status model: one shape for every device, XFS4IoT state names, the
 * change time moving only on a change, the last error kept after recovery.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/clock.h"
#include "status/status.h"

static void test_report_and_read(void **state)
{
    (void)state;
    status_reset();
    clock_use_virtual(0);
    status_entry e;
    assert_false(status_get("idcard", &e));
    assert_true(status_report("idcard", STATUS_NO_DEVICE, "status.reader_missing", "starting"));
    assert_true(status_get("idcard", &e));
    assert_int_equal(e.state, STATUS_NO_DEVICE);
    assert_string_equal(e.reason_key, "status.reader_missing");
    assert_string_equal(e.detail, "starting");
    assert_int_equal(e.last_error_at, 0);
    time_t t0 = e.changed;

    clock_advance(5000);
    status_report("idcard", STATUS_NO_DEVICE, "status.reader_missing", "still nothing");
    status_get("idcard", &e);
    assert_int_equal(e.changed, t0);    /* same state: no change time */

    status_report("idcard", STATUS_HARDWARE_ERROR, "status.reader_fault", "SAM fault");
    status_get("idcard", &e);
    assert_int_equal(e.changed, t0 + 5);
    assert_string_equal(e.last_error, "SAM fault");
    assert_int_equal(e.last_error_at, t0 + 5);

    clock_advance(3000);
    status_report("idcard", STATUS_ONLINE, NULL, NULL);
    status_get("idcard", &e);
    assert_int_equal(e.state, STATUS_ONLINE);
    assert_string_equal(e.reason_key, "");
    assert_string_equal(e.last_error, "SAM fault");    /* kept for technicians */

    status_set_attention("idcard", "reader.take_card");
    status_set_pending("uploader", 3);
    status_set_simulated("idcard", true);
    assert_true(status_at(0, &e));
    assert_string_equal(e.name, "idcard");
    assert_string_equal(e.attention_key, "reader.take_card");
    assert_true(e.simulated);
    assert_true(status_at(1, &e));
    assert_string_equal(e.name, "uploader");
    assert_int_equal(e.pending, 3);
    assert_false(status_at(2, &e));
    status_set_attention("idcard", NULL);
    status_get("idcard", &e);
    assert_string_equal(e.attention_key, "");

    /* a warning for technicians leaves the state and the resident's reason alone */
    status_report("printer.receipt", STATUS_ONLINE, NULL, "CUPS queue receipt: idle");
    status_set_warning("printer.receipt", "status.printer_paper_low");
    status_get("printer.receipt", &e);
    assert_int_equal(e.state, STATUS_ONLINE);
    assert_string_equal(e.reason_key, "");
    assert_string_equal(e.warning_key, "status.printer_paper_low");
    status_set_warning("printer.receipt", NULL);
    status_get("printer.receipt", &e);
    assert_string_equal(e.warning_key, "");
}

static void test_names_and_limits(void **state)
{
    (void)state;
    status_reset();
    const char *want[] = {"online", "offline", "powerOff", "noDevice", "hardwareError",
                          "userError", "deviceBusy"};
    for (int s = STATUS_ONLINE; s <= STATUS_DEVICE_BUSY; s++)
        assert_string_equal(status_state_name((status_state)s), want[s]);
    assert_true(status_is_error(STATUS_USER_ERROR));
    assert_true(status_is_error(STATUS_HARDWARE_ERROR));
    assert_false(status_is_error(STATUS_OFFLINE));
    char name[24];
    for (int i = 0; i < STATUS_MAX_ENTRIES; i++) {
        snprintf(name, sizeof name, "dev%d", i);
        assert_true(status_report(name, STATUS_ONLINE, NULL, NULL));
    }
    assert_false(status_report("one-too-many", STATUS_ONLINE, NULL, NULL));
    status_reset();
    status_entry e;
    assert_false(status_at(0, &e));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_and_read),
        cmocka_unit_test(test_names_and_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
