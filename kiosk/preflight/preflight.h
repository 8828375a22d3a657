/*
 * preflight: "is this kiosk ready to run?" for the technician -- the config
 * file, the service catalogue and the UI strings it names, and the data
 * directory, every problem printed. Shared by `kioskctl config check [FILE]`
 * and `kiosk --check-config [FILE]` so the two can never disagree.
 *
 * It sits above settings/, catalog/, i18n/, ui/icons and common/storage and
 * joins them; none of those knows about the others.
 */
#ifndef KIOSK_PREFLIGHT_H
#define KIOSK_PREFLIGHT_H

#include <stdbool.h>
#include <stdio.h>

/* The config file to use when none is named: $KIOSK_CONFIG when set and
 * not empty, else /etc/kiosk/kiosk.conf when it exists, else
 * config/kiosk.conf (a source tree). Never NULL; not to be freed. */
const char *preflight_default_path(void);

/* Loads config_path and everything it names. data_dir, when not NULL,
 * overrides the file's [paths] data_dir (as `kiosk --data-dir` does). Every
 * problem goes to err as FILE:LINE: message -- an unwritable data directory
 * at the line of data_dir -- and each part that is valid gets a "NAME: OK"
 * line on out. Returns the exit status: 0 when all is valid, 1 when
 * problems were found, 2 when the config file could not be read at all. */
int preflight_check_all(const char *config_path, const char *data_dir,
                        FILE *out, FILE *err);

struct catalog;

/* The category pictograms in assets_dir/icons (ui/icons.h): every problem
 * in an icon file to err as FILE:LINE:COL: message, then a warning for each
 * icon the catalogue c (loaded from catalog_path; NULL: only the files)
 * names that has no file. "DIR: OK, N icons" on out when the files are
 * valid. False when an icon file has problems; a missing one is only a
 * warning (its tiles show the generic pictogram). */
bool preflight_check_icons(const struct catalog *c, const char *catalog_path,
                           const char *assets_dir, FILE *out, FILE *err);

#endif
