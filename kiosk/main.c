/*
 * kiosk: the government self-service terminal application.
 *
 *   kiosk [--config FILE] [--data-dir DIR] [--windowed]
 *                                              run (fullscreen by default)
 *   kiosk --check-config [FILE]                validate config and catalogue
 *   kiosk --headless --script FILE --shots DIR [--config FILE]
 *                                              run a scripted session headless
 *
 * Exit status: 0 stopped normally, 1 invalid config or catalogue (or
 * another start-up failure), 2 usage error or a file that could not be
 * read, 3 no display (app/display.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "app/display.h"
#include "common/clock.h"
#include "common/json_wipe.h"
#include "catalog/catalog.h"
#include "registry/registry.h"
#include "script/script.h"
#include "settings/settings.h"
#include "common/storage.h"
#include "preflight/preflight.h"

static void usage(FILE *out)
{
    fputs("usage: kiosk [--config FILE] [--data-dir DIR] [--windowed]\n"
          "       kiosk --check-config [FILE] [--data-dir DIR]\n"
          "       kiosk --headless --script FILE --shots DIR [--config FILE] [--data-dir DIR]\n"
          "             [--speech DIR]\n"
          "\n"
          "  --config FILE     kiosk.conf to use (default: $KIOSK_CONFIG,\n"
          "                    /etc/kiosk/kiosk.conf, ./config/kiosk.conf)\n"
          "  --data-dir DIR    where the kiosk writes (queue, keys, receipts, logs);\n"
          "                    overrides [paths] data_dir, created 0700 if missing\n"
          "  --windowed        run in a window (development; closing it quits)\n"
          "  --check-config    check the config and the catalogue it names, print\n"
          "                    FILE:LINE: message for each problem, exit 0 if valid\n"
          "  --headless        no display: SDL dummy video, software renderer\n"
          "  --script FILE     run the scripted session in FILE (see README)\n"
          "  --shots DIR       where the script's screenshots go\n"
          "  --speech DIR      headless: speak, writing each utterance to DIR as a\n"
          "                    WAV file (without it a headless run is silent)\n",
          out);
}

int main(int argc, char **argv)
{
    const char *config = NULL, *script_path = NULL, *shots = NULL, *data_dir = NULL;
    const char *speech_dir = NULL;
    bool windowed = false, headless = false, check = false;
    /* before any JSON is read and any thread starts: freed JSON (cards'
     * names and addresses among it) is wiped (common/json_wipe.h) */
    json_wipe_install();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_next = i + 1 < argc;
        if (!strcmp(a, "--config") && has_next) {
            config = argv[++i];
        } else if (!strcmp(a, "--data-dir") && has_next) {
            data_dir = argv[++i];
        } else if (!strcmp(a, "--windowed")) {
            windowed = true;
        } else if (!strcmp(a, "--headless")) {
            headless = true;
        } else if (!strcmp(a, "--script") && has_next) {
            script_path = argv[++i];
        } else if (!strcmp(a, "--shots") && has_next) {
            shots = argv[++i];
        } else if (!strcmp(a, "--speech") && has_next) {
            speech_dir = argv[++i];
        } else if (!strcmp(a, "--check-config")) {
            check = true;
            if (has_next && argv[i + 1][0] != '-')
                config = argv[++i];
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "kiosk: unknown or incomplete option '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    app_setup setup = {0};
    registry_setup(&setup);
    if (!config)
        config = preflight_default_path();
    if (check)
        return preflight_check_all(config, data_dir, stdout, stderr);
    if (headless != (script_path != NULL) || (script_path && !shots)) {
        fprintf(stderr, "kiosk: --headless needs --script FILE and --shots DIR\n");
        return 2;
    }
    if (speech_dir && !headless) {
        fprintf(stderr, "kiosk: --speech is for headless runs (a kiosk speaks aloud)\n");
        return 2;
    }

    settings cfg;
    diag_list errs = DIAG_LIST_INIT;
    if (!settings_load(&cfg, config, &errs)) {
        diag_print(&errs, stderr);
        fprintf(stderr, "kiosk: refusing to start with an invalid config; "
                        "check it with: kiosk --check-config %s\n", config);
        diag_clear(&errs);
        settings_free(&cfg);
        return 1;
    }
    /* Before anything is shown: a kiosk that cannot write its data would
     * fail later, in front of a resident. */
    const char *dir = data_dir ? data_dir : cfg.data_dir;
    if (!storage_open(dir, &errs)) {
        for (size_t i = 0; i < errs.count; i++)
            fprintf(stderr, "kiosk: %s\n", errs.items[i].msg);
        diag_clear(&errs);
        settings_free(&cfg);
        return 1;
    }
    ltext_set_fallback(cfg.fallback_lang);
    form_set_languages((const char (*)[LANG_CODE_SIZE])cfg.langs, (size_t)cfg.n_langs);
    catalog *cat = catalog_load(cfg.catalog_path, &errs);
    if (!cat) {
        diag_print(&errs, stderr);
        fprintf(stderr, "kiosk: no valid service catalogue, refusing to start\n");
        diag_clear(&errs);
        settings_free(&cfg);
        return 1;
    }
    if (windowed)
        cfg.fullscreen = false;

    script sc = {0};
    if (script_path) {
        if (!script_load(&sc, script_path, &errs)) {
            diag_print(&errs, stderr);
            diag_clear(&errs);
            script_free(&sc);
            catalog_free(cat);
            settings_free(&cfg);
            return 2;
        }
        clock_use_virtual(0);
    }

    static app a;
    setup.cfg = &cfg;
    setup.cat = cat;
    setup.headless = headless;
    setup.speech_dir = speech_dir;
    if (!app_init(&a, &setup)) {
        /* No display is not a config problem: the session may just not be
         * up yet, and systemd restarts the kiosk on this status (see
         * app/display.h and config/kiosk.service). */
        int status = a.no_display ? DISPLAY_EXIT_NONE : 1;
        app_shutdown(&a);
        script_free(&sc);
        settings_free(&cfg);
        return status;
    }
    int rc = script_path ? script_run(&sc, &a, shots) : app_run(&a);
    app_shutdown(&a);
    script_free(&sc);
    settings_free(&cfg);
    storage_close();
    return rc;
}
