#include "i18n.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/json_pos.h"
#include "common/lang.h"
#include "common/textcheck.h"
#include "common/textfile.h"
#include "common/utf8.h"

/* As many as kiosk.conf may list (settings.h SETTINGS_MAX_LANGS). */
#define MAX_LANGS 8

/* A strings file is a few kilobytes; anything this big is the wrong file. */
#define STRINGS_MAX_FILE_SIZE (4u * 1024u * 1024u)

static struct {
    char code[LANG_CODE_SIZE];
    json_t *table;      /* owned object: key -> string */
} langs_loaded[MAX_LANGS];
static int n_loaded;
static int current;
static int fallback;    /* index of the fallback language */

/* LINE:COL of the value of top-level member at[0] (or of the character at
 * byte at_char of it, unless SIZE_MAX), through an index built on first use
 * so a file with many problems is scanned once. */
static void locate(json_pos_index **pos, const char *text, size_t len,
                   const json_pos_seg *at, size_t at_char, int *line, int *col)
{
    if (!*pos)
        *pos = json_pos_index_new(text, len);
    int found;
    if (*pos)
        found = at_char == SIZE_MAX ? json_pos_index_find(*pos, at, 1, false, line, col)
                                    : json_pos_index_find_char(*pos, at, 1, at_char,
                                                               line, col);
    else
        found = at_char == SIZE_MAX ? json_pos_find(text, len, at, 1, false, line, col)
                                    : json_pos_find_char(text, len, at, 1, at_char,
                                                         line, col);
    if (found < 1)
        *line = *col = 0;
}

/* Parses and checks one strings file's text; name is for messages. Returns
 * the table, or NULL with every problem in errors. text is not kept. */
static json_t *parse_table(const char *text, size_t len, const char *path,
                           diag_list *errors)
{
    json_error_t err;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    if (!root) {
        diag_add(errors, path, err.line > 0 ? err.line : 0,
                 err.column > 0 ? err.column : 0, "%s", err.text);
        return NULL;
    }
    if (!json_is_object(root)) {
        diag_add(errors, path, 1, 1, "must be an object of \"key\": \"text\"");
        json_decref(root);
        return NULL;
    }
    bool ok = true;
    const char *key;
    json_t *value;
    json_pos_index *pos = NULL; /* built at the first problem */
    size_t first = errors->count;
    json_object_foreach(root, key, value) {
        json_pos_seg at[] = {{key, 0}};
        int line = 0, col = 0;
        if (!json_is_string(value)) {
            locate(&pos, text, len, at, SIZE_MAX, &line, &col);
            diag_add(errors, path, line, col, "key \"%s\": value must be a string",
                     key);
            ok = false;
            continue;
        }
        /* The rule every text people read follows (common/textcheck.h);
         * strings may hold line breaks, dialogs use them. */
        text_problem tp;
        if (!text_check_visible(json_string_value(value), json_string_length(value),
                                TEXT_MULTI_LINE | TEXT_NEED_VISIBLE, &tp)) {
            char why[160];
            text_problem_describe(&tp, why, sizeof why);
            locate(&pos, text, len, at, tp.what ? tp.offset : SIZE_MAX, &line, &col);
            diag_add(errors, path, line, col, "key \"%s\": %s", key, why);
            ok = false;
        }
    }
    json_pos_index_free(pos);
    /* jansson iterates in hash order; problems read best in file order */
    diag_sort(errors, first);
    if (!ok) {
        json_decref(root);
        return NULL;
    }
    return root;
}

static json_t *load_table(const char *dir, const char *lang, diag_list *errors)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.json", dir, lang);
    size_t len;
    char *text = textfile_load(path, STRINGS_MAX_FILE_SIZE, "a UI strings file", 0,
                               &len, errors);
    if (!text)
        return NULL;
    json_t *table = parse_table(text, len, path, errors);
    free(text);
    return table;
}

bool i18n_check_text(const char *text, size_t len, const char *name,
                     diag_list *errors)
{
    if (len > STRINGS_MAX_FILE_SIZE) {
        diag_add(errors, name, 0, 0, "file is larger than 4 MiB; is this really a "
                 "UI strings file?");
        return false;
    }
    if (!textfile_check(text, len, name, 0, errors))
        return false;
    json_t *table = parse_table(text, len, name, errors);
    bool ok = table != NULL;
    json_decref(table);
    return ok;
}

void i18n_unload(void)
{
    for (int i = 0; i < n_loaded; i++)
        json_decref(langs_loaded[i].table);
    n_loaded = 0;
    current = 0;
    fallback = 0;
}

bool i18n_load(const char *dir, const char (*langs)[8], int n_langs,
               const char *fallback_lang, diag_list *errors)
{
    json_t *tables[MAX_LANGS] = {0};
    int fb = -1;
    for (int i = 0; i < n_langs && i < MAX_LANGS; i++)
        if (fallback_lang && !strcmp(langs[i], fallback_lang))
            fb = i;
    if (n_langs < 1 || n_langs > MAX_LANGS) {
        diag_add(errors, dir, 0, 0, "1 to %d languages, not %d", MAX_LANGS, n_langs);
        return false;
    }
    if (fb < 0) {
        diag_add(errors, dir, 0, 0, "the fallback language %s must be one of the "
                 "languages loaded", fallback_lang ? fallback_lang : "(none)");
        return false;
    }
    bool ok = true;
    for (int i = 0; i < n_langs; i++) {
        if (!lang_code_ok(langs[i], strlen(langs[i]))) {
            diag_add(errors, dir, 0, 0, "'%s' is not a language code (%s)",
                     langs[i], LANG_CODE_RULE);
            ok = false;
            continue;
        }
        tables[i] = load_table(dir, langs[i], errors);
        if (!tables[i])
            ok = false;
    }
    if (ok) {
        /* Report gaps so translators see them; they are not fatal. */
        const char *key;
        json_t *value;
        for (int i = 0; i < n_langs; i++) {
            if (i == fb)
                continue;
            char path[1024];
            snprintf(path, sizeof path, "%s/%s.json", dir, langs[i]);
            json_object_foreach(tables[fb], key, value) {
                if (!json_object_get(tables[i], key))
                    diag_add(errors, path, 0, 0,
                             "warning: key \"%s\" missing (%s shown instead)", key,
                             langs[fb]);
            }
        }
    }
    if (!ok) {
        for (int i = 0; i < n_langs; i++)
            json_decref(tables[i]);
        return false;
    }
    i18n_unload();
    for (int i = 0; i < n_langs; i++) {
        snprintf(langs_loaded[i].code, sizeof langs_loaded[i].code, "%s", langs[i]);
        langs_loaded[i].table = tables[i];
    }
    n_loaded = n_langs;
    current = 0;
    fallback = fb;
    return true;
}

const char *i18n_fallback_lang(void)
{
    return n_loaded ? langs_loaded[fallback].code : "zh";
}

const char *i18n_lang(void)
{
    return n_loaded ? langs_loaded[current].code : "zh";
}

bool i18n_set_lang(const char *lang)
{
    for (int i = 0; i < n_loaded; i++)
        if (!strcmp(langs_loaded[i].code, lang)) {
            current = i;
            return true;
        }
    return false;
}

static const char *lookup(int idx, const char *key)
{
    json_t *v = json_object_get(langs_loaded[idx].table, key);
    return v ? json_string_value(v) : NULL;
}

const char *tr_lang(const char *lang, const char *key)
{
    for (int i = 0; i < n_loaded; i++)
        if (!strcmp(langs_loaded[i].code, lang)) {
            const char *s = lookup(i, key);
            if (s)
                return s;
            break;
        }
    if (n_loaded) {
        const char *s = lookup(fallback, key);
        if (s)
            return s;
    }
    return key;
}

bool i18n_has(const char *lang, const char *key)
{
    for (int i = 0; i < n_loaded; i++)
        if (!strcmp(langs_loaded[i].code, lang))
            return lookup(i, key) != NULL;
    return false;
}

const char *tr(const char *key)
{
    return tr_lang(i18n_lang(), key);
}

/* Appends the character at *p to buf if all of it fits with room for the
 * NUL, so a cut never splits a multi-byte character. */
static bool put_char(char *buf, size_t size, size_t *out, const char **p)
{
    const char *q = *p;
    utf8_next(&q);
    size_t n = (size_t)(q - *p);
    if (*out + n + 1 > size)
        return false;
    memcpy(buf + *out, *p, n);
    *out += n;
    *p = q;
    return true;
}

/* Fills src's {name} placeholders from the name, value pairs in ap. ap is
 * walked once per placeholder, hence the copy each time. */
static char *format_from(char *buf, size_t size, const char *src, va_list ap)
{
    size_t out = 0;
    if (size == 0)
        return buf;
    while (*src) {
        if (*src == '{') {
            const char *end = strchr(src, '}');
            if (end) {
                size_t nlen = (size_t)(end - src - 1);
                const char *val = NULL;
                va_list aq;
                va_copy(aq, ap);
                for (const char *name; (name = va_arg(aq, const char *));) {
                    const char *v = va_arg(aq, const char *);
                    if (strlen(name) == nlen && !strncmp(name, src + 1, nlen)) {
                        val = v;
                        break;
                    }
                }
                va_end(aq);
                if (val) {
                    while (*val)
                        if (!put_char(buf, size, &out, &val))
                            goto full;
                    src = end + 1;
                    continue;
                }
            }
        }
        if (!put_char(buf, size, &out, &src))
            break;
    }
full:
    buf[out] = '\0';
    return buf;
}

char *i18n_format(char *buf, size_t size, const char *key, ...)
{
    va_list ap;
    va_start(ap, key);
    format_from(buf, size, tr(key), ap);
    va_end(ap);
    return buf;
}

char *i18n_format_lang(char *buf, size_t size, const char *lang, const char *key, ...)
{
    va_list ap;
    va_start(ap, key);
    format_from(buf, size, tr_lang(lang, key), ap);
    va_end(ap);
    return buf;
}

char *i18n_days(char *buf, size_t size, int days)
{
    if (days < 0)
        return i18n_format(buf, size, "days.none", (char *)NULL);
    if (days == 0)
        return i18n_format(buf, size, "days.on_the_spot", (char *)NULL);
    if (days == 1)
        return i18n_format(buf, size, "days.one", (char *)NULL);
    char n[16];
    snprintf(n, sizeof n, "%d", days);
    return i18n_format(buf, size, "days.n", "n", n, (char *)NULL);
}
