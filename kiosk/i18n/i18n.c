#include "i18n.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/utf8.h"

#define MAX_LANGS 4

static struct {
    char code[8];
    json_t *table;      /* owned object: key -> string */
} langs_loaded[MAX_LANGS];
static int n_loaded;
static int current;

static json_t *load_table(const char *dir, const char *lang, diag_list *errors)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.json", dir, lang);
    json_error_t err;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
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
    json_object_foreach(root, key, value) {
        if (!json_is_string(value)) {
            /* jansson keeps no positions; the key name is the way to find it */
            diag_add(errors, path, 0, 0, "key \"%s\": value must be a string", key);
            ok = false;
        }
    }
    if (!ok) {
        json_decref(root);
        return NULL;
    }
    return root;
}

void i18n_unload(void)
{
    for (int i = 0; i < n_loaded; i++)
        json_decref(langs_loaded[i].table);
    n_loaded = 0;
    current = 0;
}

bool i18n_load(const char *dir, const char (*langs)[8], int n_langs,
               diag_list *errors)
{
    json_t *tables[MAX_LANGS] = {0};
    if (n_langs < 1 || n_langs > MAX_LANGS || strcmp(langs[0], "zh") != 0) {
        diag_add(errors, dir, 0, 0, "the first language must be zh");
        return false;
    }
    bool ok = true;
    for (int i = 0; i < n_langs; i++) {
        tables[i] = load_table(dir, langs[i], errors);
        if (!tables[i])
            ok = false;
    }
    if (ok) {
        /* Report gaps so translators see them; they are not fatal. */
        const char *key;
        json_t *value;
        for (int i = 1; i < n_langs; i++) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%s.json", dir, langs[i]);
            json_object_foreach(tables[0], key, value) {
                if (!json_object_get(tables[i], key))
                    diag_add(errors, path, 0, 0,
                             "warning: key \"%s\" missing (Chinese shown instead)", key);
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
    return true;
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
        const char *s = lookup(0, key);
        if (s)
            return s;
    }
    return key;
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

char *i18n_format(char *buf, size_t size, const char *key, ...)
{
    const char *src = tr(key);
    size_t out = 0;
    if (size == 0)
        return buf;
    while (*src) {
        if (*src == '{') {
            const char *end = strchr(src, '}');
            if (end) {
                size_t nlen = (size_t)(end - src - 1);
                const char *val = NULL;
                va_list ap;
                va_start(ap, key);
                for (const char *name; (name = va_arg(ap, const char *));) {
                    const char *v = va_arg(ap, const char *);
                    if (strlen(name) == nlen && !strncmp(name, src + 1, nlen)) {
                        val = v;
                        break;
                    }
                }
                va_end(ap);
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
