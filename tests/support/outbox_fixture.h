/*
 * outbox_fixture: what every outbox test starts from and ends with -- a
 * fresh data directory with storage opened on it and its device key -- so
 * the queue's tests share one set-up instead of a copy each.
 */
#ifndef KIOSK_TEST_OUTBOX_FIXTURE_H
#define KIOSK_TEST_OUTBOX_FIXTURE_H

#include "outbox/outbox_crypt.h"

/* Makes the directory from the mkdtemp template dir (rewritten in place),
 * opens storage on it and loads (making) the device key. NULL when any
 * step fails (the test asserts on it). */
outbox_key *outbox_fixture_open(char *dir);

/* Frees key, closes storage and removes dir with everything in it; 0 on
 * success, as a cmocka teardown returns. */
int outbox_fixture_close(outbox_key *key, const char *dir);

#endif
