/*
 * settings_write: writing a settings value out as a valid kiosk.conf, every
 * key with its help text, allowed values and default (`kioskctl config
 * defaults`).
 */
#include "settings/settings_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static bool value_is_empty(const settings *s, const key_def *k)
{
    const char *field = (const char *)s + k->offset;
    switch (k->type) {
    case KT_STRING:
    case KT_PHONE:
    case KT_PATH:
    case KT_CODE:
    case KT_DIGITS: {
        const char *v = *(char *const *)field;
        return !v || !*v;
    }
    case KT_LANGS:
    case KT_READERS:
    case KT_REASONS:
        return *(const int *)((const char *)s + k->count_offset) == 0;
    case KT_LANG:
        return !*field;
    default:
        return false;
    }
}

static void write_value(FILE *out, const settings *s, const key_def *k)
{
    const char *field = (const char *)s + k->offset;
    switch (k->type) {
    case KT_INT:
        fprintf(out, "%d", *(const int *)field);
        break;
    case KT_BOOL:
        fputs(*(const bool *)field ? "yes" : "no", out);
        break;
    case KT_DOUBLE: {
        char buf[32];
        settings_format_hundredths(lround(*(const double *)field * 100), buf, sizeof buf);
        fputs(buf, out);
        break;
    }
    case KT_ENUM: {
        int v = *(const int *)field, n = 0;
        while (k->choices[n])
            n++;
        fputs(v >= 0 && v < n ? k->choices[v] : k->choices[0], out);
        break;
    }
    case KT_STRING:
    case KT_PHONE:
    case KT_CODE:
    case KT_DIGITS:
        fputs(*(char *const *)field, out);
        break;
    case KT_REASONS:
        for (int i = 0; i < s->n_reasons; i++)
            fprintf(out, "%s%s", i ? ", " : "", s->reasons[i].id);
        break;
    case KT_PATH: {
        const char *p = *(char *const *)field;
        const char *base = s->base_dir;
        size_t bl = base ? strlen(base) : 0;
        /* Under base_dir: relative, so the file works wherever its tree is
         * copied. Paths are normalised, so base "/" is the only one that
         * ends in a slash. */
        const char *rel = NULL;
        if (bl == 1 && base[0] == '/' && p[0] == '/' && p[1])
            rel = p + 1;
        else if (bl > 1 && !strncmp(p, base, bl) && p[bl] == '/')
            rel = p + bl + 1;
        /* "./" keeps a first character that the parser would trim or read
         * as a comment or a quote part of the name. */
        if (rel && (rel[0] == ' ' || rel[0] == ';' || rel[0] == '"' || rel[0] == '\''))
            fputs("./", out);
        fputs(rel ? rel : p, out);
        break;
    }
    case KT_LANG:
        fputs(field, out);
        break;
    case KT_LTEXT: {
        /* the text of this row's language (settings_write writes the
         * family's other languages itself) */
        const char *lang = settings_lang_of_key(k->pub.name);
        const settings_text *list = (const settings_text *)field;
        int n = *(const int *)((const char *)s + k->count_offset);
        for (int i = 0; i < n; i++)
            if (!strcmp(list[i].lang, lang))
                fputs(list[i].text, out);
        break;
    }
    case KT_LANGS:
        for (int i = 0; i < s->n_langs; i++)
            fprintf(out, "%s%s", i ? ", " : "", s->langs[i]);
        break;
    case KT_READERS:
        for (int i = 0; i < s->n_readers; i++)
            fprintf(out, "%s%04x:%04x/%s", i ? ", " : "", s->readers[i].vid,
                    s->readers[i].pid, s->readers[i].transport == READER_HID ? "hid" : "bulk");
        break;
    }
}

/* Second comment line: the allowed values and the default. */
static void write_allowed(FILE *out, const key_def *k)
{
    const char *def = *k->pub.def ? k->pub.def : "empty";
    switch (k->type) {
    case KT_INT:
        fprintf(out, "# %ld..%ld%s%s; default: %s\n", (long)k->min, (long)k->max,
                k->unit ? " " : "", k->unit ? k->unit : "", def);
        break;
    case KT_DOUBLE: {
        char a[24], b[24];
        settings_format_hundredths(lround(k->min * 100), a, sizeof a);
        settings_format_hundredths(lround(k->max * 100), b, sizeof b);
        fprintf(out, "# %s..%s; default: %s\n", a, b, def);
        break;
    }
    case KT_BOOL:
        fprintf(out, "# yes or no; default: %s\n", def);
        break;
    case KT_ENUM:
        fputs("# one of", out);
        for (int i = 0; k->choices[i]; i++)
            fprintf(out, "%s %s", i ? "," : "", k->choices[i]);
        fprintf(out, "; default: %s\n", def);
        break;
    case KT_PATH:
        fprintf(out, "# a path (a relative one starts from this file's directory)%s; default: %s\n",
                k->min > 0 ? "" : ", or empty = auto-detect", def);
        break;
    case KT_LANG:
        fprintf(out, "# a language code from languages; default: %s\n", def);
        break;
    case KT_LANGS:
        fprintf(out, "# language codes, the first is the default, at most %d; default: %s\n",
                SETTINGS_MAX_LANGS, def);
        break;
    case KT_LTEXT:
        fprintf(out, "# text, not empty; default: %s\n", def);
        break;
    case KT_READERS:
        fprintf(out, "# comma separated, at most %d; default: %s\n", SETTINGS_MAX_READERS, def);
        break;
    case KT_STRING:
    case KT_PHONE:
        fprintf(out, "# default: %s\n", def);
        break;
    case KT_CODE:
    case KT_DIGITS:
        fprintf(out, "# %s%ld..%ld %s; default: %s\n", k->min > 0 ? "" : "empty or ", k->min > 0 ? (long)k->min : 1L,
                (long)k->max, k->type == KT_CODE ? "letters, digits, '-', '_' or '.'" : "digits", def);
        break;
    case KT_REASONS:
        fprintf(out, "# ids (a-z, 0-9, '_'), comma separated, at most %d; default: %s\n",
                SETTINGS_MAX_REASONS, def);
        break;
    }
}

/* After the last row of a lang-text family: its languages without a row
 * of their own ("site_name.fr = ..."). */
static void write_extra_lang_texts(FILE *out, const settings *s, size_t row)
{
    const key_def *k = &settings_keys[row];
    const char *dot = strchr(k->pub.name, '.');
    size_t flen = (size_t)(dot - k->pub.name);
    if (row + 1 < settings_n_keys && settings_keys[row + 1].type == KT_LTEXT &&
        !strncmp(settings_keys[row + 1].pub.name, k->pub.name, flen + 1))
        return; /* not the last row yet */
    const settings_text *list = (const settings_text *)((const char *)s + k->offset);
    int n = *(const int *)((const char *)s + k->count_offset);
    for (int i = 0; i < n; i++) {
        char name[64];
        snprintf(name, sizeof name, "%.*s.%s", (int)flen, k->pub.name, list[i].lang);
        bool has_row = false;
        for (size_t j = 0; j < settings_n_keys; j++)
            has_row |= !strcmp(settings_keys[j].pub.name, name);
        if (!has_row)
            fprintf(out, "%s = %s\n", name, list[i].text);
    }
}

void settings_write(const settings *s, FILE *out)
{
    fputs("# kiosk.conf: settings of the self-service kiosk (政务服务自助一体机).\n"
          "# Check after every edit: kioskctl config check FILE\n"
          "# Relative paths start from the directory of this file. Indentation is\n"
          "# ignored and each value stays on one line; ';' after a space starts a\n"
          "# comment.\n", out);
    for (int sec = 0; sec < settings_n_sections; sec++) {
        fprintf(out, "\n# %s\n[%s]\n", settings_sections[sec].help, settings_sections[sec].name);
        for (size_t i = 0; i < settings_n_keys; i++) {
            const key_def *k = &settings_keys[i];
            if (strcmp(k->pub.section, settings_sections[sec].name))
                continue;
            fprintf(out, "\n# %s\n", k->pub.help);
            write_allowed(out, k);
            fprintf(out, "%s =", k->pub.name);
            if (!value_is_empty(s, k)) {
                fputc(' ', out);
                write_value(out, s, k);
            }
            fputc('\n', out);
            if (k->type == KT_LTEXT)
                write_extra_lang_texts(out, s, i);
            if (k->type == KT_REASONS)
                settings_reasons_write(s, out);
        }
    }
    settings_printers_write(s, out);
}

