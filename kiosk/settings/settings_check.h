/*
 * settings_check: "is this kiosk ready to run?" for the technician -- the
 * config file and the service catalogue it names, every problem printed.
 * Shared by `kioskctl config check [FILE]` and `kiosk --check-config [FILE]`
 * so the two can never disagree.
 */
#ifndef KIOSK_SETTINGS_CHECK_H
#define KIOSK_SETTINGS_CHECK_H

#include <stdio.h>

/* The config file to use when none is named: $KIOSK_CONFIG when set and
 * not empty, else /etc/kiosk/kiosk.conf when it exists, else
 * config/kiosk.conf (a source tree). Never NULL; not to be freed. */
const char *settings_default_path(void);

/* Loads config_path and the catalogue it names. Every problem goes to err
 * as FILE:LINE: message; each file that is valid gets a "FILE: OK" line on
 * out. Returns the exit status: 0 when both are valid, 1 when problems were
 * found, 2 when the config file could not be read at all. */
int settings_check_all(const char *config_path, FILE *out, FILE *err);

#endif
