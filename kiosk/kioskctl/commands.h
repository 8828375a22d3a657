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

/* cmd_print.c's set-up, shared with cmd_receipt.c: the config (its
 * problems printed), the strings and the text stack on SDL's dummy
 * driver, a reason key in English words. */
#include <stdbool.h>
#include <stddef.h>
#include "settings/settings.h"
bool cmd_print_config(const char *path, settings *s);
bool cmd_print_text_start(const settings *s);
void cmd_print_text_stop(void);
void cmd_print_reason(const char *key, char *out, size_t size);

#endif
