/*
 * kioskctl: the technician's command line. Each command group lives in its
 * own file (cmd_catalog.c, cmd_config.c, cmd_idcard.c, ...) and is listed
 * once in the table in kioskctl.c.
 *
 * A command returns the process exit status: 0 success, 1 the input was
 * checked and is bad, 2 usage error or the input could not be read.
 */
#ifndef KIOSKCTL_COMMANDS_H
#define KIOSKCTL_COMMANDS_H

typedef struct kioskctl_command {
    const char *name;       /* first word, e.g. "catalog" */
    const char *usage;      /* one or more lines, printed by `kioskctl help` */
    int (*run)(int argc, char **argv); /* argv[0] is the group name */
} kioskctl_command;

int cmd_catalog(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_idcard(int argc, char **argv);
int cmd_ime(int argc, char **argv);
int cmd_queue(int argc, char **argv);
int cmd_platform(int argc, char **argv);
int cmd_print_test(int argc, char **argv);   /* cmd_print.c */
int cmd_printer(int argc, char **argv);      /* cmd_print.c */
int cmd_receipt(int argc, char **argv);      /* cmd_receipt.c */
int cmd_device(int argc, char **argv);       /* cmd_device.c */
int cmd_rating(int argc, char **argv);       /* cmd_rating.c */
int cmd_voice(int argc, char **argv);        /* cmd_voice.c */

/* cmd_print.c's set-up, shared with cmd_receipt.c: the config (its
 * problems printed), the strings and the text stack on SDL's dummy
 * driver, a reason key in English words. */
#include <stdbool.h>
#include <stddef.h>
#include "settings/settings.h"
bool cmd_print_config(const char *path, settings *s);
bool cmd_print_text_start(const settings *s);
/* The UI strings of s's languages (problems printed); false when broken. */
bool cmd_strings_load(const settings *s);
void cmd_print_text_stop(void);
void cmd_print_reason(const char *key, char *out, size_t size);

/* cmd_device.c's set-up, shared with cmd_rating.c: the config (its
 * problems printed), storage under data_dir (or the config's), the device
 * id as the uploads carry it, and the rating key -- made when missing and
 * create_key, as on the kiosk's first start. 0, or the exit status after
 * saying what failed as "kioskctl WHO: ..."; close d either way. */
#include "rating/rating_sign.h"
typedef struct cmd_device_ctx {
    settings cfg;
    bool storage;
    char device_id[80];
    rating_key *key;
    bool key_created;
    char key_path[4096];
} cmd_device_ctx;
int cmd_device_open(const char *config, const char *data_dir, bool create_key, const char *who,
                    cmd_device_ctx *d);
void cmd_device_close(cmd_device_ctx *d);
/* The device id can sign rating links (1..64 of A-Z a-z 0-9 . _ : -). */
bool cmd_device_id_signs(const char *device_id);

#endif
