/*
 * kioskctl catalog: check and summarise a service catalogue file.
 *
 *   kioskctl catalog check FILE [--config CONF]   every problem as FILE:LINE:COL: message
 *   kioskctl catalog stats FILE [--config CONF]   per-category counts and guide averages
 *
 * Forms must be written in every language the kiosk is configured for, so
 * the check reads [ui] languages and fallback_language from CONF (default:
 * the config the kiosk would use); without a readable config only the
 * fallback language is required. The check also reads the pictograms in
 * that config's assets_dir/icons: a problem in an icon file is a problem,
 * a category icon without a file a warning (the tile shows the generic
 * pictogram).
 *
 * Exit status as in commands.h: 0 good, 1 the file was read and has
 * problems, 2 usage error or the file could not be read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/form.h"
#include "catalog/search_words.h"
#include "commands.h"
#include "preflight/preflight.h"
#include "settings/settings.h"

/* assets_dir of the config read for the languages; "" without one */
static char assets_dir[4096];

static int usage(void)
{
    fputs("usage: kioskctl catalog check FILE [--config CONF]\n"
          "       kioskctl catalog stats FILE [--config CONF]\n", stderr);
    return 2;
}

/* Loads FILE, printing its problems. Returns the catalog, or NULL with
 * *status set to the exit status to use. */
static catalog *load(const char *path, int *status)
{
    diag_list errors = DIAG_LIST_INIT;
    size_t len;
    char *text = catalog_read_file(path, &len, &errors);
    if (!text) {
        diag_print(&errors, stderr);
        diag_clear(&errors);
        *status = 2;
        return NULL;
    }
    catalog *c = catalog_parse(text, len, path, &errors);
    free(text);
    /* search-words.json beside it is part of the catalogue to check */
    if (c && !catalog_attach_words(c, path, &errors)) {
        catalog_free(c);
        c = NULL;
    }
    /* Only the problems, one per line: editors and CI scripts read this
     * output as FILE:LINE:COL: lines, so no summary line is added. */
    diag_print(&errors, stderr);
    if (!c)
        *status = 1;
    diag_clear(&errors);
    return c;
}

static int check(const char *path)
{
    int status = 0;
    catalog *c = load(path, &status);
    if (!c)
        return status;
    printf("%s: OK, %zu categor%s, %zu service%s\n", path, c->n_categories,
           c->n_categories == 1 ? "y" : "ies", c->n_services,
           c->n_services == 1 ? "" : "s");
    if (c->words)
        printf("%s: search words OK, %zu synonym entr%s, %zu elsewhere entr%s\n",
               SEARCH_WORDS_FILE, c->words->n_synonyms,
               c->words->n_synonyms == 1 ? "y" : "ies", c->words->n_elsewhere,
               c->words->n_elsewhere == 1 ? "y" : "ies");
    if (assets_dir[0] && !preflight_check_icons(c, path, assets_dir, stdout, stderr))
        status = 1;
    catalog_free(c);
    return status;
}

static bool lacks(const ltext *t, const char *lang)
{
    return t->n && !ltext_exact(t, lang);
}

/* Any text shown to the resident without a version in lang: in that
 * language the kiosk would show the fallback's there. */
static bool service_lacks(const catalog_service *s, const char *lang)
{
    if (lacks(&s->name, lang) || lacks(&s->department, lang) ||
        lacks(&s->summary, lang) || lacks(&s->fees, lang) ||
        lacks(&s->window, lang) || lacks(&s->address, lang) ||
        lacks(&s->hours, lang))
        return true;
    for (size_t i = 0; i < s->n_conditions; i++)
        if (lacks(&s->conditions[i], lang))
            return true;
    for (size_t i = 0; i < s->n_steps; i++)
        if (lacks(&s->steps[i], lang))
            return true;
    for (size_t i = 0; i < s->n_materials; i++)
        if (lacks(&s->materials[i].name, lang) || lacks(&s->materials[i].notes, lang))
            return true;
    return false;
}

/* Every language any service name is written in, fallback first. */
static size_t name_langs(const catalog *c, char (*out)[LANG_CODE_SIZE], size_t max)
{
    size_t n = 0;
    snprintf(out[n++], LANG_CODE_SIZE, "%s", ltext_fallback());
    for (size_t i = 0; i < c->n_services; i++) {
        const ltext *t = &c->services[i].name;
        for (size_t k = 0; k < t->n; k++) {
            bool seen = false;
            for (size_t m = 0; m < n && !seen; m++)
                seen = !strcmp(out[m], t->items[k].lang);
            if (!seen && n < max)
                snprintf(out[n++], LANG_CODE_SIZE, "%s", t->items[k].lang);
        }
    }
    return n;
}

static double average(size_t total, size_t n)
{
    return n ? (double)total / (double)n : 0.0;
}

static int stats(const char *path)
{
    int status = 0;
    catalog *c = load(path, &status);
    if (!c)
        return status;

    printf("%s: catalogue version %s\n\n", path, c->version ? c->version : "?");
    /* The id column comes first and the Chinese name last, so the columns
     * line up whatever width the terminal gives CJK characters. */
    printf("%-24s %8s %6s %8s  %s\n", "category", "services", "kiosk",
           "identity", "name");
    size_t tot_kiosk = 0, tot_identity = 0;
    for (size_t k = 0; k < c->n_categories; k++) {
        const catalog_category *cat = &c->categories[k];
        size_t kiosk = 0, identity = 0;
        for (size_t i = 0; i < cat->n_services; i++) {
            const catalog_service *s = &c->services[cat->services[i]];
            kiosk += s->kiosk;
            identity += s->needs_identity;
        }
        tot_kiosk += kiosk;
        tot_identity += identity;
        printf("%-24s %8zu %6zu %8zu  %s\n", cat->id, cat->n_services, kiosk,
               identity, ltext_get(&cat->name, ltext_fallback()));
    }
    printf("%-24s %8zu %6zu %8zu\n\n", "total", c->n_services, tot_kiosk,
           tot_identity);

    size_t conditions = 0, materials = 0, steps = 0;
    size_t no_pinyin = 0, no_url = 0;
    for (size_t i = 0; i < c->n_services; i++) {
        const catalog_service *s = &c->services[i];
        conditions += s->n_conditions;
        materials += s->n_materials;
        steps += s->n_steps;
        no_pinyin += s->n_pinyin == 0;
        no_url += !s->online_url;
    }
    printf("per service (average): %.1f conditions, %.1f materials, %.1f steps\n",
           average(conditions, c->n_services), average(materials, c->n_services),
           average(steps, c->n_services));
    /* Per language other than the fallback: how much of it is missing. */
    char langs[16][LANG_CODE_SIZE];
    size_t n_langs = name_langs(c, langs, 16);
    for (size_t l = 1; l < n_langs; l++) {
        size_t no_name = 0, some_missing = 0;
        for (size_t i = 0; i < c->n_services; i++) {
            no_name += !ltext_exact(&c->services[i].name, langs[l]);
            some_missing += service_lacks(&c->services[i], langs[l]);
        }
        printf("services without a name in %-5s        %zu\n", langs[l], no_name);
        printf("services with any text not in %-5s     %zu\n", langs[l], some_missing);
    }
    printf("services without pinyin:               %zu\n", no_pinyin);
    printf("services without an online link:       %zu\n", no_url);
    catalog_free(c);
    return 0;
}

/* The configured languages, for the form checks. An explicit CONF that
 * cannot be read is a usage error; the default one may be absent. */
static bool use_languages(const char *conf)
{
    settings cfg;
    diag_list errors = DIAG_LIST_INIT;
    bool ok = settings_load(&cfg, conf ? conf : preflight_default_path(), &errors);
    if (ok) {
        ltext_set_fallback(cfg.fallback_lang);
        form_set_languages((const char (*)[LANG_CODE_SIZE])cfg.langs, (size_t)cfg.n_langs);
        if (cfg.assets_dir)
            snprintf(assets_dir, sizeof assets_dir, "%s", cfg.assets_dir);
    } else if (conf) {
        diag_print(&errors, stderr);
    }
    diag_clear(&errors);
    settings_free(&cfg);
    return ok || !conf;
}

int cmd_catalog(int argc, char **argv)
{
    const char *conf = NULL;
    if (argc == 5 && !strcmp(argv[3], "--config"))
        conf = argv[4];
    else if (argc != 3)
        return usage();
    if (!use_languages(conf))
        return 2;
    if (!strcmp(argv[1], "check"))
        return check(argv[2]);
    if (!strcmp(argv[1], "stats"))
        return stats(argv[2]);
    return usage();
}
