/*
 * The reader thread on the simulator: the events the kiosk receives for
 * attach, card placed, read, error, removal, unplug and replug, and that
 * every identity handed over is the receiver's to wipe.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>

#include <cmocka.h>

#include "idcard/idcard_reader.h"
#include "../support/idcard_events.h"

#define DEMO_DIR KIOSK_SOURCE_DIR "/assets/demo-cards/"
/* the reader thread's events, as the kiosk receives them */
static idcard_event expect_event(idcard_event_type type)
{
    return events_expect(type, 3000);
}

static idcard_reader *start(idcard_simulate mode, const char *demo)
{
    events_drain();
    idcard_reader_config cfg;
    idcard_reader_config_init(&cfg);
    cfg.simulate = mode;
    cfg.poll_interval_ms = 20;
    cfg.transfer_timeout_ms = 100;
    cfg.demo_card = demo;
    idcard_reader *r = idcard_reader_start(&cfg, events_post, NULL);
    assert_non_null(r);
    return r;
}

static void test_demo_card_read_and_removed(void **state)
{
    (void)state;
    idcard_reader *r = start(IDCARD_SIMULATE_ON, DEMO_DIR "resident.json");
    assert_true(idcard_reader_simulated(r));
    idcard_sim *sim = idcard_reader_sim(r);
    assert_non_null(sim);

    idcard_event ev = expect_event(IDCARD_EV_READER_ATTACHED);
    assert_string_equal(ev.reader, "simulator");
    assert_true(ev.simulated);
    assert_string_equal(ev.sam_id, "05.01-20230101-0000123456-1234567890");

    expect_event(IDCARD_EV_CARD_READING);
    ev = expect_event(IDCARD_EV_CARD_READ);
    assert_non_null(ev.identity);
    assert_string_equal(ev.identity->name, "张三");
    assert_int_equal(ev.identity->photo_len, 1024);
    idcard_identity_wipe(ev.identity);

    /* The card stays: no second read. */
    struct timespec pause = {0, 150 * 1000000L};
    nanosleep(&pause, NULL);
    assert_int_equal(events_pending(), 0);

    idcard_sim_remove_card(sim);
    expect_event(IDCARD_EV_CARD_REMOVED);

    /* Another card: the expired demo card reads fine; expiry is the
     * kiosk's decision with its own clock. */
    assert_int_equal(idcard_sim_place_card(sim, DEMO_DIR "expired.json"), 0);
    expect_event(IDCARD_EV_CARD_READING);
    ev = expect_event(IDCARD_EV_CARD_READ);
    idcard_date today = {2025, 1, 1};
    assert_int_equal(idcard_check_validity(ev.identity, today), IDCARD_EXPIRED);
    idcard_identity_wipe(ev.identity);
    idcard_reader_stop(r);
}

static void test_unplug_and_replug(void **state)
{
    (void)state;
    idcard_reader *r = start(IDCARD_SIMULATE_ON, NULL);
    idcard_sim *sim = idcard_reader_sim(r);
    expect_event(IDCARD_EV_READER_ATTACHED);

    idcard_sim_set_plugged(sim, false);
    idcard_event ev = expect_event(IDCARD_EV_READER_LOST);
    assert_int_equal(ev.result, IDCARD_ERR_DEVICE_GONE);
    assert_string_equal(ev.message_key, "reader.unavailable");

    idcard_sim_set_plugged(sim, true);
    expect_event(IDCARD_EV_READER_ATTACHED);
    assert_int_equal(idcard_sim_place_card(sim, DEMO_DIR "hk-permit.json"), 0);
    expect_event(IDCARD_EV_CARD_READING);
    ev = expect_event(IDCARD_EV_CARD_READ);
    assert_int_equal(ev.identity->type, IDCARD_TYPE_HKMOTW);
    idcard_identity_wipe(ev.identity);
    idcard_reader_stop(r);
}

static void test_unplug_during_read(void **state)
{
    (void)state;
    idcard_reader *r = start(IDCARD_SIMULATE_ON, NULL);
    idcard_sim *sim = idcard_reader_sim(r);
    expect_event(IDCARD_EV_READER_ATTACHED);
    idcard_sim_fault f = {.kind = IDCARD_FAULT_UNPLUG_MID_TRANSFER,
                          .cmd = GA467_CMD_READ, .count = 1};
    idcard_sim_set_fault(sim, &f);
    assert_int_equal(idcard_sim_place_card(sim, DEMO_DIR "resident.json"), 0);
    expect_event(IDCARD_EV_CARD_READING);
    idcard_event ev = expect_event(IDCARD_EV_READER_LOST);
    assert_int_equal(ev.result, IDCARD_ERR_DEVICE_GONE);

    idcard_sim_set_plugged(sim, true);
    expect_event(IDCARD_EV_READER_ATTACHED);
    expect_event(IDCARD_EV_CARD_READING);
    ev = expect_event(IDCARD_EV_CARD_READ);
    idcard_identity_wipe(ev.identity);
    idcard_reader_stop(r);
}

static void test_card_errors(void **state)
{
    (void)state;
    idcard_reader *r = start(IDCARD_SIMULATE_ON, NULL);
    idcard_sim *sim = idcard_reader_sim(r);
    expect_event(IDCARD_EV_READER_ATTACHED);

    /* unreadable card: one error, then quiet until it is lifted */
    idcard_sim_fault f = {.kind = IDCARD_FAULT_SW3, .cmd = GA467_CMD_READ, .sw3 = 0x41};
    idcard_sim_set_fault(sim, &f);
    assert_int_equal(idcard_sim_place_card(sim, DEMO_DIR "resident.json"), 0);
    expect_event(IDCARD_EV_CARD_READING);
    idcard_event ev = expect_event(IDCARD_EV_CARD_ERROR);
    assert_int_equal(ev.result, IDCARD_ERR_SW3(0x41));
    assert_string_equal(ev.message_key, "card.unreadable");
    idcard_sim_set_fault(sim, NULL);
    idcard_sim_remove_card(sim);
    expect_event(IDCARD_EV_CARD_REMOVED);

    /* lifted mid-read */
    f = (idcard_sim_fault){.kind = IDCARD_FAULT_REMOVE_MID_READ, .count = 1};
    idcard_sim_set_fault(sim, &f);
    assert_int_equal(idcard_sim_place_card(sim, DEMO_DIR "resident.json"), 0);
    expect_event(IDCARD_EV_CARD_READING);
    ev = expect_event(IDCARD_EV_CARD_ERROR);
    assert_int_equal(ev.result, IDCARD_ERR_CARD_REMOVED);
    assert_string_equal(ev.message_key, "card.removed");

    /* placed again: read */
    assert_int_equal(idcard_sim_place_card(sim, DEMO_DIR "foreigner.json"), 0);
    expect_event(IDCARD_EV_CARD_READING);
    ev = expect_event(IDCARD_EV_CARD_READ);
    assert_int_equal(ev.identity->type, IDCARD_TYPE_FOREIGN_2023);
    idcard_identity_wipe(ev.identity);

    /* a reader that stops answering is declared lost after 3 failed polls */
    f = (idcard_sim_fault){.kind = IDCARD_FAULT_NO_ANSWER};
    idcard_sim_set_fault(sim, &f);
    ev = expect_event(IDCARD_EV_READER_LOST);
    assert_int_equal(ev.result, IDCARD_ERR_TIMEOUT);
    idcard_sim_set_fault(sim, NULL);
    expect_event(IDCARD_EV_READER_ATTACHED);
    idcard_reader_stop(r);
}

static void test_auto_without_reader_uses_simulator(void **state)
{
    (void)state;
    /* No ID-card reader is attached to a build machine. */
    idcard_reader *r = start(IDCARD_SIMULATE_AUTO, NULL);
    assert_true(idcard_reader_simulated(r));
    assert_non_null(idcard_reader_sim(r));
    idcard_event ev = expect_event(IDCARD_EV_READER_ATTACHED);
    assert_true(ev.simulated);
    idcard_reader_stop(r);
}

static void test_off_without_reader_stays_quiet(void **state)
{
    (void)state;
    idcard_reader *r = start(IDCARD_SIMULATE_OFF, NULL);
    assert_false(idcard_reader_simulated(r));
    assert_null(idcard_reader_sim(r));
    struct timespec pause = {0, 200 * 1000000L};
    nanosleep(&pause, NULL);
    assert_int_equal(events_pending(), 0);
    idcard_reader_stop(r);
}

static void test_stop_while_card_present(void **state)
{
    (void)state;
    idcard_reader *r = start(IDCARD_SIMULATE_ON, DEMO_DIR "resident.json");
    expect_event(IDCARD_EV_READER_ATTACHED);
    expect_event(IDCARD_EV_CARD_READING);
    idcard_event ev = expect_event(IDCARD_EV_CARD_READ);
    idcard_identity_wipe(ev.identity);
    idcard_reader_stop(r);
    idcard_reader_stop(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo_card_read_and_removed),
        cmocka_unit_test(test_unplug_and_replug),
        cmocka_unit_test(test_unplug_during_read),
        cmocka_unit_test(test_card_errors),
        cmocka_unit_test(test_auto_without_reader_uses_simulator),
        cmocka_unit_test(test_off_without_reader_stays_quiet),
        cmocka_unit_test(test_stop_while_card_present),
    };
    int rc = cmocka_run_group_tests_name("idcard_reader", tests, NULL, NULL);
    events_drain();
    return rc;
}
