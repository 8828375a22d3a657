/*
 * printer_state: what a CUPS queue's printer-state and printer-state-reasons
 * mean for the kiosk (the table in kiosk/print/printer_state.h), row by row,
 * with the precedence between reasons.
 * No cupsd here: tests/print/ drives a real one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "print/printer_state.h"

static cups_printer_info info(int state, bool accepting, const char *reasons)
{
    cups_printer_info p;
    memset(&p, 0, sizeof p);
    p.state = state;
    p.accepting = accepting;
    char buf[400];
    snprintf(buf, sizeof buf, "%s", reasons);
    for (char *r = strtok(buf, ","); r && p.n_reasons < CUPS_QUEUE_MAX_REASONS;
         r = strtok(NULL, ","))
        snprintf(p.reasons[p.n_reasons++], sizeof p.reasons[0], "%s", r);
    return p;
}

static void expect(int state, bool accepting, const char *reasons, status_state want,
                   const char *key, const char *warning, bool blocks)
{
    cups_printer_info p = info(state, accepting, reasons);
    printer_verdict v;
    printer_state_judge("receipt", &p, &v);
    if (v.state != want || (key ? !v.reason_key || strcmp(v.reason_key, key) : !!v.reason_key) ||
        (warning ? !v.warning_key || strcmp(v.warning_key, warning) : !!v.warning_key) ||
        v.blocks != blocks)
        fail_msg("'%s' (state %d): got %s %s warning %s blocks %d", reasons, state,
                 status_state_name(v.state), v.reason_key ? v.reason_key : "-",
                 v.warning_key ? v.warning_key : "-", v.blocks);
}

static void test_table(void **state)
{
    (void)state;
    expect(3, true, "", STATUS_ONLINE, NULL, NULL, false);
    expect(4, true, "", STATUS_ONLINE, NULL, NULL, false);
    expect(4, true, "media-low-warning", STATUS_ONLINE, NULL, "status.printer_paper_low", false);
    expect(3, true, "media-low-report", STATUS_ONLINE, NULL, "status.printer_paper_low", false);
    expect(4, true, "media-empty-error", STATUS_HARDWARE_ERROR, "status.printer_paper_out", NULL,
           true);
    expect(4, true, "media-needed", STATUS_HARDWARE_ERROR, "status.printer_paper_out", NULL, true);
    expect(4, true, "media-jam-error", STATUS_HARDWARE_ERROR, "status.printer_jam", NULL, true);
    expect(4, true, "cover-open-error", STATUS_HARDWARE_ERROR, "status.printer_cover_open", NULL,
           true);
    expect(4, true, "door-open-warning", STATUS_HARDWARE_ERROR, "status.printer_cover_open", NULL,
           true);
    expect(4, true, "offline-report", STATUS_OFFLINE, "status.printer_offline", NULL, false);
    expect(4, true, "timed-out-error", STATUS_OFFLINE, "status.printer_offline", NULL, false);
    expect(5, true, "paused", STATUS_HARDWARE_ERROR, "status.printer_stopped", NULL, true);
    expect(5, true, "", STATUS_HARDWARE_ERROR, "status.printer_stopped", NULL, true);
    /* a queue refusing new jobs still prints what it holds */
    expect(3, false, "", STATUS_HARDWARE_ERROR, "status.printer_stopped", NULL, false);
    expect(4, true, "toner-empty-error", STATUS_HARDWARE_ERROR, "status.printer_fault", NULL,
           true);
    expect(3, true, "toner-low-warning", STATUS_ONLINE, NULL, "status.printer_attention", false);
    /* CUPS's own informational reasons say nothing */
    expect(4, true, "connecting-to-device,cups-waiting-for-job-completed", STATUS_ONLINE, NULL,
           NULL, false);
}

static void test_precedence(void **state)
{
    (void)state;
    /* what the backend said wins over what CUPS did about it */
    expect(5, true, "media-empty-error,paused", STATUS_HARDWARE_ERROR,
           "status.printer_paper_out", NULL, true);
    expect(5, true, "paused,media-jam-error", STATUS_HARDWARE_ERROR, "status.printer_jam", NULL,
           true);
    expect(4, true, "offline-report,media-empty-error", STATUS_HARDWARE_ERROR,
           "status.printer_paper_out", NULL, true);
    /* offline and paused: offline is the cause, the pause still blocks */
    expect(5, true, "offline-report,paused", STATUS_OFFLINE, "status.printer_offline", NULL, true);
    /* paper low stays a warning next to an error */
    expect(4, true, "media-low-warning,cover-open-error", STATUS_HARDWARE_ERROR,
           "status.printer_cover_open", "status.printer_paper_low", true);
}

static void test_detail_and_errors(void **state)
{
    (void)state;
    cups_printer_info p = info(5, true, "media-empty-error,paused");
    snprintf(p.message, sizeof p.message, "out of paper");
    printer_verdict v;
    printer_state_judge("kiosk-receipt", &p, &v);
    assert_string_equal(v.detail,
                        "CUPS queue kiosk-receipt: stopped (media-empty-error, paused): out of paper");
    p = info(3, false, "");
    printer_state_judge("r", &p, &v);
    assert_string_equal(v.detail, "CUPS queue r: idle, rejecting jobs");

    printer_state_judge_error("r", CUPS_ERR_SERVER, "connection refused", &v);
    assert_int_equal(v.state, STATUS_HARDWARE_ERROR);
    assert_string_equal(v.reason_key, "status.printer_no_cups");
    assert_true(v.blocks);
    assert_string_equal(v.detail, "CUPS queue r: connection refused");
    printer_state_judge_error("r", CUPS_ERR_NO_QUEUE, "not found", &v);
    assert_int_equal(v.state, STATUS_NO_DEVICE);
    assert_string_equal(v.reason_key, "status.printer_missing");
    assert_string_equal(printer_state_name(4), "processing");
    assert_string_equal(printer_state_name(9), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_detail_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
