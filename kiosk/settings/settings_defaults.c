/*
 * settings_defaults: a settings value's life -- built from the table's
 * defaults, freed, compared, and read (the site name per language).
 */
#include "settings/settings_internal.h"

#include <stdlib.h>
#include <string.h>

bool settings_defaults(settings *s, const char *base_dir)
{
    memset(s, 0, sizeof *s);
    s->base_dir = settings_absolute_path(base_dir);
    if (!s->base_dir)
        return false;
    char why[256];
    for (size_t i = 0; i < settings_n_keys; i++) {
        /* Fails only when out of memory: the unit tests parse every default. */
        if (!settings_set_value(s, &settings_keys[i], settings_keys[i].pub.def,
                                why, sizeof why)) {
            settings_free(s);
            return false;
        }
    }
    return true;
}

void settings_free(settings *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < settings_n_keys; i++) {
        key_type t = settings_keys[i].type;
        if (t == KT_STRING || t == KT_PHONE || t == KT_PATH || t == KT_CODE || t == KT_DIGITS)
            free(*(char **)((char *)s + settings_keys[i].offset));
    }
    for (int i = 0; i < s->n_site_names; i++)
        free(s->site_names[i].text);
    for (int i = 0; i < s->n_staff_locations; i++)
        free(s->staff_locations[i].text);
    settings_reasons_free(s);
    settings_printers_free(s);
    free(s->path);
    free(s->base_dir);
    memset(s, 0, sizeof *s);
}

static bool str_eq(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

bool settings_equal(const settings *a, const settings *b)
{
    for (size_t i = 0; i < settings_n_keys; i++) {
        const key_def *k = &settings_keys[i];
        const char *fa = (const char *)a + k->offset;
        const char *fb = (const char *)b + k->offset;
        int na = 0, nb = 0;
        if (k->type == KT_LANGS || k->type == KT_READERS || k->type == KT_LTEXT) {
            na = *(const int *)((const char *)a + k->count_offset);
            nb = *(const int *)((const char *)b + k->count_offset);
            if (na != nb)
                return false;
        }
        switch (k->type) {
        case KT_INT:
        case KT_ENUM:
            if (*(const int *)fa != *(const int *)fb)
                return false;
            break;
        case KT_BOOL:
            if (*(const bool *)fa != *(const bool *)fb)
                return false;
            break;
        case KT_DOUBLE:
            if (*(const double *)fa != *(const double *)fb)
                return false;
            break;
        case KT_STRING:
        case KT_PHONE:
        case KT_PATH:
        case KT_CODE:
        case KT_DIGITS:
            if (!str_eq(*(char *const *)fa, *(char *const *)fb))
                return false;
            break;
        case KT_REASONS:
            if (!settings_reasons_equal(a, b))
                return false;
            break;
        case KT_LANG:
            if (strcmp(fa, fb))
                return false;
            break;
        case KT_LANGS:
            for (int j = 0; j < na; j++)
                if (strcmp(a->langs[j], b->langs[j]))
                    return false;
            break;
        case KT_LTEXT: {
            /* the same texts per language, in any order */
            const settings_text *la = (const settings_text *)fa;
            const settings_text *lb = (const settings_text *)fb;
            for (int j = 0; j < na; j++) {
                bool found = false;
                for (int m = 0; m < nb && !found; m++)
                    found = !strcmp(la[j].lang, lb[m].lang) &&
                            !strcmp(la[j].text, lb[m].text);
                if (!found)
                    return false;
            }
            break;
        }
        case KT_READERS:
            for (int j = 0; j < na; j++)
                if (a->readers[j].vid != b->readers[j].vid ||
                    a->readers[j].pid != b->readers[j].pid ||
                    a->readers[j].transport != b->readers[j].transport)
                    return false;
            break;
        }
    }
    return settings_printers_equal(a, b);
}

/* The text of a lang-text family in lang, else in the fallback
 * language, else the first one, else "". */
static const char *lang_text(const settings *s, const settings_text *list, int n,
                             const char *lang)
{
    const char *fallback = NULL;
    for (int i = 0; i < n; i++) {
        if (lang && !strcmp(list[i].lang, lang))
            return list[i].text;
        if (!strcmp(list[i].lang, s->fallback_lang))
            fallback = list[i].text;
    }
    if (fallback)
        return fallback;
    return n ? list[0].text : "";
}

const char *settings_site_name(const settings *s, const char *lang)
{
    return lang_text(s, s->site_names, s->n_site_names, lang);
}

const char *settings_staff_location(const settings *s, const char *lang)
{
    return lang_text(s, s->staff_locations, s->n_staff_locations, lang);
}
