#include "preflight/preflight.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "common/storage.h"
#include "i18n/i18n.h"
#include "settings/settings.h"
#include "ui/icons.h"
#include "voice/voice_engine.h"

const char *preflight_default_path(void)
{
    const char *env = getenv("KIOSK_CONFIG");
    if (env && *env)
        return env;
    if (access("/etc/kiosk/kiosk.conf", F_OK) == 0)
        return "/etc/kiosk/kiosk.conf";
    return "config/kiosk.conf";
}

/* The catalogue the kiosk would load; false after printing why. */
static bool check_catalog(const settings *s, bool reported, FILE *out, FILE *err)
{
    /* A catalogue the config check already refused at [catalog] path
     * (missing, unreadable, a FIFO or device) is not opened again: saying it
     * twice is noise, and a FIFO must never be read at all. */
    if (!s->catalog_path || reported)
        return false;
    diag_list errors = DIAG_LIST_INIT;
    ltext_set_fallback(s->fallback_lang);
    form_set_languages((const char (*)[LANG_CODE_SIZE])s->langs, (size_t)s->n_langs);
    catalog *c = catalog_load(s->catalog_path, &errors);
    diag_print(&errors, err);
    bool ok = c != NULL;
    if (c)
        fprintf(out, "%s: OK\n", s->catalog_path);
    if (c && s->assets_dir)
        ok &= preflight_check_icons(c, s->catalog_path, s->assets_dir, out, err);
    else if (errors.count == 0)
        /* Must not look like success: catalog_load failed silently (out of
         * memory while reporting). */
        fprintf(err, "%s: could not be loaded\n", s->catalog_path);
    catalog_free(c);
    diag_clear(&errors);
    return ok;
}

static bool icon_known(const void *user, const char *name)
{
    return icons_has(user, name);
}

bool preflight_check_icons(const struct catalog *c, const char *catalog_path,
                           const char *assets_dir, FILE *out, FILE *err)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/icons", assets_dir);
    diag_list errors = DIAG_LIST_INIT;
    icons *set = icons_load(dir, &errors);
    diag_print(&errors, err);
    bool ok = set && errors.count == 0;
    diag_clear(&errors);
    if (ok)
        fprintf(out, "%s: OK\n", dir);
    if (set && c) {
        catalog_check_icons(c, catalog_path, dir, icon_known, set, &errors);
        diag_print(&errors, err);
        diag_clear(&errors);
    }
    icons_free(set);
    return ok;
}

/* The UI strings the kiosk would load at start: a translator's broken file
 * must show up here, not as a kiosk that refuses to start. Gaps in a
 * translation are printed as warnings and do not fail. */
static bool check_strings(const settings *s, FILE *out, FILE *err)
{
    if (!s->assets_dir)
        return true;
    diag_list errors = DIAG_LIST_INIT;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/strings", s->assets_dir);
    bool ok = i18n_load(dir, (const char (*)[8])s->langs, s->n_langs,
                        s->fallback_lang, &errors);
    diag_print(&errors, err);
    diag_clear(&errors);
    i18n_unload();
    if (ok)
        fprintf(out, "%s: OK\n", dir);
    return ok;
}

/* The data directory, reported at the data_dir key so the technician
 * knows which line to change (or at the file when it came from
 * --data-dir). Creates nothing: a check must not change the box. */
static bool check_data_dir(const settings *s, const char *config_path,
                           const char *override, FILE *out, FILE *err)
{
    const char *dir = override ? override : s->data_dir;
    char why[4400];
    if (storage_check(dir, why, sizeof why)) {
        fprintf(out, "%s: OK\n", dir);
        return true;
    }
    diag_list errors = DIAG_LIST_INIT;
    if (override)
        diag_add(&errors, "--data-dir", 0, 0, "%s", why);
    else
        diag_add(&errors, config_path, settings_key_line(s, "paths", "data_dir"), 0,
                 "[paths] data_dir: %s", why);
    diag_print(&errors, err);
    diag_clear(&errors);
    return false;
}

/* The speech engine: a kiosk without it runs silent, which a blind
 * resident cannot work around, so it is said here -- as a warning, since
 * everything else works. */
static void check_voice(const settings *s, const char *config_path, FILE *err)
{
    if (!s->voice_enabled || !s->voice_engine)
        return;
    char path[512];
    const char *why = NULL;
    if (!voice_engine_find(s->voice_engine))
        why = "not a known engine (espeak-ng, espeak)";
    else if (!voice_engine_locate(s->voice_engine, path, sizeof path))
        why = "not found (Debian package espeak-ng)";
    if (!why)
        return;
    diag_list errors = DIAG_LIST_INIT;
    diag_add(&errors, config_path, settings_key_line(s, "voice", "engine"), 0,
             "warning: [voice] engine = %s: %s; the kiosk will run silent", s->voice_engine, why);
    diag_print(&errors, err);
    diag_clear(&errors);
}

int preflight_check_all(const char *config_path, const char *data_dir,
                        FILE *out, FILE *err)
{
    settings s;
    diag_list errors = DIAG_LIST_INIT;
    bool config_ok = settings_load(&s, config_path, &errors);
    diag_print(&errors, err);
    /* A data_dir the config parser already refused (no parent, not a
     * directory) is not probed again. */
    bool data_dir_reported = false, catalog_reported = false;
    int dl = settings_key_line(&s, "paths", "data_dir");
    for (size_t i = 0; i < errors.count; i++) {
        data_dir_reported |= dl > 0 && errors.items[i].line == dl;
        /* by message, not line: a default path has no line of its own */
        catalog_reported |= !strncmp(errors.items[i].msg, "[catalog] path:", 15);
    }
    diag_clear(&errors);
    if (!s.path) { /* not read at all; the diag above says why */
        settings_free(&s);
        return 2;
    }
    if (config_ok)
        fprintf(out, "%s: OK\n", config_path);
    bool catalog_ok = check_catalog(&s, catalog_reported, out, err);
    bool strings_ok = check_strings(&s, out, err);
    check_voice(&s, config_path, err);
    bool data_ok = data_dir_reported && !data_dir ? false
                   : check_data_dir(&s, config_path, data_dir, out, err);
    settings_free(&s);
    return config_ok && catalog_ok && strings_ok && data_ok ? 0 : 1;
}
