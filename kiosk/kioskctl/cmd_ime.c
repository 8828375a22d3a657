/*
 * kioskctl ime prepare [CONFIG] [--data-dir DIR]
 *
 * Compiles the pinyin engine's patched schema into data_dir/ime/rime ahead of
 * time (Rime calls it deployment; about half a second, once per kiosk and
 * after a change to assets/rime), so no resident ever waits for it on first
 * use. Run by scripts/run-kiosk.sh and by the systemd unit before the kiosk
 * starts; safe to run again (it does nothing when nothing changed).
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "common/storage.h"
#include "ime/pinyin.h"
#include "preflight/preflight.h"
#include "settings/settings.h"

static int usage(void)
{
    fputs("usage: kioskctl ime prepare [CONFIG] [--data-dir DIR]\n", stderr);
    return 2;
}

static int prepare(const char *config, const char *data_dir)
{
    settings s;
    diag_list errs = DIAG_LIST_INIT;
    if (!settings_load(&s, config, &errs)) {
        diag_print(&errs, stderr);
        diag_clear(&errs);
        settings_free(&s);
        fprintf(stderr, "kioskctl ime prepare: fix %s first (kioskctl config check)\n", config);
        return 1;
    }
    int rc = 0;
    char dir[1024], patches[1024], err[600];
    if (!storage_open(data_dir ? data_dir : s.data_dir, &errs)) {
        diag_print(&errs, stderr);
        rc = 1;
    } else if (!storage_path("ime/rime/", dir, sizeof dir)) {
        fprintf(stderr, "kioskctl ime prepare: cannot create %s/ime/rime\n", storage_dir());
        rc = 1;
    } else {
        dir[strlen(dir) - 1] = '\0';      /* "…/ime/rime/": the same path the kiosk uses */
        snprintf(patches, sizeof patches, "%s/rime", s.assets_dir);
        if (pinyin_prepare(s.rime_data, dir, patches, err, sizeof err)) {
            printf("%s: pinyin ready\n", dir);
        } else {
            fprintf(stderr, "%s\n", err);
            rc = 1;
        }
    }
    diag_clear(&errs);
    storage_close();
    settings_free(&s);
    return rc;
}

int cmd_ime(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "prepare"))
        return usage();
    const char *config = NULL, *data_dir = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--data-dir") && i + 1 < argc)
            data_dir = argv[++i];
        else if (argv[i][0] != '-' && !config)
            config = argv[i];
        else
            return usage();
    }
    return prepare(config ? config : preflight_default_path(), data_dir);
}
