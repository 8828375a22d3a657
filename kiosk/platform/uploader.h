/*
 * uploader: the thread that empties the outbox into the platform, the
 * kiosk's service "uploader" (one pass at a time: platform/upload.h).
 *
 * It opens its own connection to data_dir/outbox.db (WAL lets the outbox
 * writer commit meanwhile) and its own platform client, and waits on the
 * kiosk clock for the first of: a transaction made durable (the outbox's
 * hub event), the network coming back (a netlink socket on a small thread
 * of its own), the next row falling due, or the end of its back-off. After
 * a failure it waits a full-jitter back-off that doubles up to [platform]
 * backoff_max, or what the platform's Retry-After asked for (clamped to
 * retry_after_max), whichever is longer.
 *
 * It reports "platform" to the status model: online (reached, with the
 * rows still waiting), offline (no network or no platform: transactions
 * wait here, safe), or hardwareError when a technician must act (TLS, pin,
 * client certificate, token); the detail carries the last contact and the
 * last error. The UI never waits on it.
 */
#ifndef KIOSK_PLATFORM_UPLOADER_H
#define KIOSK_PLATFORM_UPLOADER_H

#include "app/service.h"

/* Try now (any thread): a transaction was committed, or the network
 * changed. */
void uploader_wake(void);

extern const app_service uploader_service;

#endif
