#include "settings/settings_check.h"
#include "i18n/i18n.h"

#include <stdlib.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "settings/settings.h"

const char *settings_default_path(void)
{
    const char *env = getenv("KIOSK_CONFIG");
    if (env && *env)
        return env;
    if (access("/etc/kiosk/kiosk.conf", F_OK) == 0)
        return "/etc/kiosk/kiosk.conf";
    return "config/kiosk.conf";
}

int settings_check_all(const char *config_path, FILE *out, FILE *err)
{
    settings s;
    diag_list errors = DIAG_LIST_INIT;
    bool config_ok = settings_load(&s, config_path, &errors);
    diag_print(&errors, err);
    diag_clear(&errors);
    if (!s.path) { /* not read at all; the diag above says why */
        settings_free(&s);
        return 2;
    }
    if (config_ok)
        fprintf(out, "%s: OK\n", config_path);

    /* An unreadable catalogue was already reported against [catalog] path;
     * saying it again from catalog_load would only add noise. */
    bool catalog_ok = false;
    if (s.catalog_path && access(s.catalog_path, R_OK) == 0) {
        catalog *c = catalog_load(s.catalog_path, &errors);
        diag_print(&errors, err);
        if (c) {
            catalog_ok = true;
            fprintf(out, "%s: OK\n", s.catalog_path);
        } else if (errors.count == 0) {
            /* Must not look like success: catalog_load failed silently
             * (out of memory while reporting). */
            fprintf(err, "%s: could not be loaded\n", s.catalog_path);
        }
        catalog_free(c);
        diag_clear(&errors);
    }
    /* The UI strings the kiosk would load at start: a translator's broken
     * file must show up here, not as a kiosk that refuses to start. Gaps
     * in a translation are printed as warnings and do not fail. */
    bool strings_ok = true;
    if (s.assets_dir) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/strings", s.assets_dir);
        strings_ok = i18n_load(dir, (const char (*)[8])s.langs, s.n_langs, &errors);
        diag_print(&errors, err);
        diag_clear(&errors);
        i18n_unload();
        if (strings_ok)
            fprintf(out, "%s: OK\n", dir);
    }
    settings_free(&s);
    return config_ok && catalog_ok && strings_ok ? 0 : 1;
}
