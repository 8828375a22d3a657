/*
 * kioskctl config check [FILE]   validate kiosk.conf and what it names (catalogue,
 *                                strings, data directory)
 * kioskctl config defaults       print a kiosk.conf with every key at its default
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "settings/settings.h"
#include "preflight/preflight.h"

static int usage(void)
{
    fputs("usage: kioskctl config check [FILE]\n"
          "       kioskctl config defaults\n"
          "FILE defaults to $KIOSK_CONFIG, else /etc/kiosk/kiosk.conf when it\n"
          "exists, else config/kiosk.conf.\n", stderr);
    return 2;
}

static int config_defaults(void)
{
    settings s;
    /* base_dir is the current directory, and settings_write writes paths
     * under it relative, so they come out as the table spells them
     * ("catalog.json", "../var"): the printed file will be saved elsewhere. */
    if (!settings_defaults(&s, NULL)) {
        fputs("kioskctl config defaults: out of memory\n", stderr);
        return 2;
    }
    settings_write(&s, stdout);
    settings_free(&s);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("kioskctl config defaults: stdout");
        return 2;
    }
    return 0;
}

int cmd_config(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    if (!strcmp(argv[1], "check") && argc <= 3)
        return preflight_check_all(argc == 3 ? argv[2] : preflight_default_path(),
                                   NULL, stdout, stderr);
    if (!strcmp(argv[1], "defaults") && argc == 2)
        return config_defaults();
    return usage();
}
