/*
 * catalog: loading and validating the service catalogue.
 *
 * The loader walks jansson's tree once, building the catalog as it goes and
 * reporting every problem it meets. It never stops at the first one: a
 * technician on site should fix a whole file in one round trip, not one line
 * per run. Positions come from json_pos, which re-scans the raw text along
 * the path being walked -- only when something is wrong, so a good file
 * costs nothing extra.
 *
 * Ownership: everything hanging off a catalog is owned by it and freed by
 * catalog_free. While loading, strings are copied out of the jansson tree as
 * they validate, so the tree can be dropped before returning.
 */
#include "catalog/catalog.h"
#include "common/suggest.h"
#include "common/textfile.h"
#include "common/utf8.h"

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "catalog/json_pos.h"

/* Limits in characters (code points), not bytes. A name must fit a home
 * screen tile or a title line; Latin and other narrow scripts get twice the
 * room of CJK (see wide_script), being about half as wide in the kiosk fonts.
 * Longer texts wrap and scroll, so their limit only stops a runaway field
 * (a whole document pasted into "fees") from stalling the layout code. */
enum {
    NAME_WIDE_MAX = 64,
    NAME_NARROW_MAX = 128,
    TEXT_MAX = 2000,
    SERVICE_ID_MAX = 64,
    CATEGORY_ID_MAX = 32,
    ICON_MAX = 32,
    VERSION_MAX = 32,
    PHONE_MAX = 32,
    URL_MAX = 512,
    KEYWORD_MAX = 64,   /* English keywords run longer than Chinese ones */
    PINYIN_MAX = 128,
    LIST_MAX = 50,      /* conditions, materials, steps, keywords, pinyin */
    COUNT_MIN = 1,
    COUNT_MAX = 99,
    LEGAL_DAYS_MIN = -1,
    DAYS_MAX = 3650,
};

/* Past this many problems the rest are counted but not described: each
 * description costs a re-scan of the text, and a file that is wrong in
 * thousands of places needs regenerating, not a thousand-line report. */
#define MAX_PROBLEMS 200

/* Deepest path the schema has is services[i].materials[j].name.zh (6). */
#define MAX_DEPTH 12

/* How values are quoted in messages: enough to recognise, never a page. */
#define QUOTE_CHARS 40

/* ---- small text helpers ------------------------------------------------ */

/* A bounded output buffer that never splits a character: once something
 * does not fit, it is dropped and the buffer stays as it was. */
typedef struct strbuf {
    char *p;
    size_t size;
    size_t len;
} strbuf;

static void sb_init(strbuf *b, char *p, size_t size)
{
    b->p = p;
    b->size = size;
    b->len = 0;
    if (size)
        p[0] = '\0';
}

static bool sb_putn(strbuf *b, const char *s, size_t n)
{
    if (b->size == 0 || n >= b->size - b->len)
        return false;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return true;
}

static bool sb_puts(strbuf *b, const char *s)
{
    return sb_putn(b, s, strlen(s));
}

static size_t utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

/* Writes s as a double-quoted string for a message: quotes, backslashes and
 * control characters (C0, DEL, C1) escaped, cut after QUOTE_CHARS characters -- or when
 * out is nearly full -- with "...". The closing quote always fits (out must
 * hold at least 16 bytes), so a cut value still reads as one value. */
static void quote(const char *s, char *out, size_t size)
{
    enum { RESERVE = 4 + 3 + 1 }; /* one "..." and the closing quote + NUL */
    if (size)
        out[0] = '\0';
    strbuf b;
    sb_init(&b, out, size > RESERVE ? size - RESERVE : 0);
    sb_puts(&b, "\"");
    size_t chars = 0;
    while (*s) {
        unsigned char c = (unsigned char)*s;
        char piece[8];
        size_t n, used = 1; /* bytes of s this piece stands for */
        if (c == '"' || c == '\\') {
            piece[0] = '\\';
            piece[1] = (char)c;
            n = 2;
        } else if (c < 0x20 || c == 0x7F) {
            n = (size_t)snprintf(piece, sizeof piece, "\\u%04X", c);
        } else if (c == 0xC2 && (unsigned char)s[1] >= 0x80 &&
                   (unsigned char)s[1] <= 0x9F) {
            /* C1 controls are invisible in a terminal too */
            n = (size_t)snprintf(piece, sizeof piece, "\\u%04X", (unsigned char)s[1]);
            used = 2;
        } else {
            n = 1;
            while (n < utf8_seq_len(c) && ((unsigned char)s[n] & 0xC0) == 0x80)
                n++;
            memcpy(piece, s, n);
            used = n;
        }
        if (chars == QUOTE_CHARS || !sb_putn(&b, piece, n)) {
            b.size = size; /* the reserve is for exactly this */
            sb_puts(&b, "...");
            break;
        }
        s += used;
        chars++;
    }
    b.size = size;
    sb_puts(&b, "\"");
}

/* Describes a JSON value for "..., got X": the value itself for scalars (a
 * technician recognises "got \"yes\"" faster than "got a string"), the kind
 * for containers. */
static void describe(const json_t *j, char *out, size_t size)
{
    switch (json_typeof(j)) {
    case JSON_STRING:
        quote(json_string_value(j), out, size);
        break;
    case JSON_INTEGER:
        snprintf(out, size, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
        break;
    case JSON_REAL: {
        /* %g prints 5.0 as "5", which would read as a valid count in
         * "must be a whole number ..., got 5". */
        snprintf(out, size, "%.15g", json_real_value(j));
        if (!strpbrk(out, ".eEn"))
            strncat(out, ".0", size - strlen(out) - 1);
        break;
    }
    case JSON_TRUE:
        snprintf(out, size, "true");
        break;
    case JSON_FALSE:
        snprintf(out, size, "false");
        break;
    case JSON_NULL:
        snprintf(out, size, "null");
        break;
    case JSON_OBJECT:
        snprintf(out, size, "an object");
        break;
    case JSON_ARRAY:
        snprintf(out, size, "a list");
        break;
    default:
        snprintf(out, size, "something else");
        break;
    }
}

/* ---- validation context ---------------------------------------------- */

typedef struct vctx {
    const char *text;       /* raw file, for positions */
    size_t len;
    const char *name;       /* file name for messages */
    diag_list *errors;
    size_t first_diag;      /* errors->items[first_diag..] are ours */
    size_t problems;        /* every problem, reported or not */
    bool oom;
    json_pos_seg path[MAX_DEPTH];
    size_t depth;           /* may exceed MAX_DEPTH; only the first kept */
    const char *entry_id;   /* valid id of the categories[i] / services[i]
                               being walked, shown in messages; else NULL */
} vctx;

static void push_key(vctx *v, const char *key)
{
    if (v->depth < MAX_DEPTH)
        v->path[v->depth] = (json_pos_seg){key, 0};
    v->depth++;
}

static void push_index(vctx *v, size_t index)
{
    if (v->depth < MAX_DEPTH)
        v->path[v->depth] = (json_pos_seg){NULL, index};
    v->depth++;
}

static void pop(vctx *v)
{
    if (v->depth > 0)
        v->depth--;
}

static bool is_plain_key(const char *k)
{
    size_t n = 0;
    for (; k[n]; n++) {
        char c = k[n];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return n > 0 && n <= QUOTE_CHARS;
}

/* "services[3] (id 330106-000-00-004) materials[1].count": the JSON path,
 * with the entry's id after its index so the technician can search for it
 * (array indexes shift when entries are added; ids do not). */
static void format_label(const vctx *v, char *out, size_t size)
{
    strbuf b;
    sb_init(&b, out, size);
    size_t n = v->depth < MAX_DEPTH ? v->depth : MAX_DEPTH;
    for (size_t i = 0; i < n; i++) {
        const json_pos_seg *seg = &v->path[i];
        char part[256];
        if (seg->key) {
            if (i > 0)
                sb_puts(&b, (i == 2 && v->entry_id) ? " " : ".");
            if (is_plain_key(seg->key)) {
                sb_puts(&b, seg->key);
            } else {
                /* a key from the file: quoted, so odd characters show */
                quote(seg->key, part, sizeof part);
                sb_puts(&b, part);
            }
        } else if (i == 1 && v->entry_id) {
            snprintf(part, sizeof part, "[%zu] (id %s)", seg->index,
                     v->entry_id);
            sb_puts(&b, part);
        } else {
            snprintf(part, sizeof part, "[%zu]", seg->index);
            sb_puts(&b, part);
        }
    }
}

/* Reports a problem with the value at the current path, or with its key
 * when at_key (unknown fields). */
static void report(vctx *v, bool at_key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report(vctx *v, bool at_key, const char *fmt, ...)
{
    v->problems++;
    if (v->problems > MAX_PROBLEMS)
        return;
    int line = 0, col = 0;
    size_t n = v->depth < MAX_DEPTH ? v->depth : MAX_DEPTH;
    if (json_pos_find(v->text, v->len, v->path, n, at_key, &line, &col) < 0)
        line = col = 0;
    char label[512], msg[768];
    format_label(v, label, sizeof label);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (label[0])
        diag_add(v->errors, v->name, line, col, "%s: %s", label, msg);
    else
        diag_add(v->errors, v->name, line, col, "%s", msg);
}

static char *dup_str(vctx *v, const char *s)
{
    char *d = strdup(s);
    if (!d)
        v->oom = true;
    return d;
}

static void *alloc_n(vctx *v, size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        v->oom = true;
    return p;
}

/* Unknown keys are errors, not ignored: a technician's "promise_days"
 * silently skipped would leave the kiosk showing a time limit nobody set. */
static void check_keys(vctx *v, json_t *obj, const char *const *allowed,
                       size_t n_allowed)
{
    for (void *it = json_object_iter(obj); it;
         it = json_object_iter_next(obj, it)) {
        const char *key = json_object_iter_key(it);
        bool known = false;
        for (size_t i = 0; i < n_allowed && !known; i++)
            known = !strcmp(key, allowed[i]);
        if (known)
            continue;
        const char *best = NULL;
        size_t best_d = SIZE_MAX;
        for (size_t i = 0; i < n_allowed; i++) {
            int dist = suggest_distance(key, allowed[i]);
            size_t d = dist == INT_MAX ? SIZE_MAX : (size_t)dist;
            if (d < best_d && d <= 2 && d < strlen(allowed[i])) {
                best = allowed[i];
                best_d = d;
            }
        }
        push_key(v, key);
        if (best) {
            report(v, true, "unknown field; did you mean \"%s\"?", best);
        } else {
            char list[512];
            strbuf b;
            sb_init(&b, list, sizeof list);
            for (size_t i = 0; i < n_allowed; i++) {
                if (i)
                    sb_puts(&b, ", ");
                sb_puts(&b, allowed[i]);
            }
            report(v, true, "unknown field; allowed here: %s", list);
        }
        pop(v);
    }
}

/* ---- value checks ------------------------------------------------------ */

static bool is_blank(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        else if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)
            p += 3; /* U+3000 IDEOGRAPHIC SPACE */
        else
            return false;
    }
    return true;
}

/* Only JSON white space in text[0..len)? */
static bool is_blank_n(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!strchr(" \t\r\n", text[i]) || text[i] == '\0')
            return false;
    return true;
}

/* First control character (C0, DEL, C1) in s, or -1. SDL_ttf draws them as
 * boxes, and a line break inside a one-line field breaks the layout's line
 * measuring; the UI wraps text itself. */
static long find_control(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len; i++) {
        if (p[i] < 0x20 || p[i] == 0x7F)
            return p[i];
        if (p[i] == 0xC2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F)
            return p[i + 1];
    }
    return -1;
}

/* A non-empty string of at most max characters without control characters.
 * Returns its value (owned by the tree) or NULL after reporting. */
static const char *check_string(vctx *v, const json_t *j, size_t max)
{
    char got[160];
    if (!json_is_string(j)) {
        describe(j, got, sizeof got);
        report(v, false, "must be a string, got %s", got);
        return NULL;
    }
    const char *s = json_string_value(j);
    size_t len = json_string_length(j);
    if (is_blank(s)) {
        report(v, false, "must not be empty");
        return NULL;
    }
    size_t chars = utf8_chars(s, len);
    if (chars > max) {
        report(v, false, "is too long (%zu characters, at most %zu)", chars, max);
        return NULL;
    }
    long c = find_control(s, len);
    if (c >= 0) {
        report(v, false, "must not contain control characters (found U+%04lX)", c);
        return NULL;
    }
    return s;
}

/* CJK ideographs and Hangul are about twice as wide as Latin letters in
 * the kiosk fonts, so these scripts get the narrow limits. */
static bool wide_script(const char *lang)
{
    return !strncmp(lang, "zh", 2) || !strncmp(lang, "ja", 2) ||
           !strncmp(lang, "ko", 2);
}

/* TEXT: a plain string (the fallback language's) or an object keyed by
 * language code {"zh": ..., "en": ...}; the fallback language is required. */
static void check_text(vctx *v, json_t *j, size_t wide_max, size_t max,
                       ltext *out)
{
    const char *fallback = ltext_fallback();
    if (json_is_string(j)) {
        const char *s = check_string(v, j, wide_script(fallback) ? wide_max : max);
        if (s && !ltext_set(out, fallback, s))
            v->oom = true;
        return;
    }
    if (!json_is_object(j)) {
        char got[160];
        describe(j, got, sizeof got);
        report(v, false,
               "must be text: a string or {\"zh\": ..., \"en\": ...}, got %s", got);
        return;
    }
    for (void *it = json_object_iter(j); it; it = json_object_iter_next(j, it)) {
        const char *lang = json_object_iter_key(it);
        push_key(v, lang);
        if (!lang_code_ok(lang, strlen(lang))) {
            report(v, true, "is not a language code; %s", LANG_CODE_RULE);
        } else {
            const char *s = check_string(v, json_object_iter_value(it),
                                         wide_script(lang) ? wide_max : max);
            if (s && !ltext_set(out, lang, s))
                v->oom = true;
        }
        pop(v);
    }
    if (!json_object_get(j, fallback)) {
        push_key(v, fallback);
        report(v, false, "required field is missing");
        pop(v);
    }
}

/* Looks up a member, reporting it when required and missing. A missing
 * field is reported at the object that should hold it. */
static json_t *member(vctx *v, json_t *obj, const char *key, bool required)
{
    json_t *val = json_object_get(obj, key);
    if (!val && required) {
        push_key(v, key);
        report(v, false, "required field is missing");
        pop(v);
    }
    return val;
}

static void field_text(vctx *v, json_t *obj, const char *key, bool required,
                       size_t zh_max, size_t en_max, ltext *out)
{
    json_t *val = member(v, obj, key, required);
    if (!val)
        return;
    push_key(v, key);
    check_text(v, val, zh_max, en_max, out);
    pop(v);
}

typedef enum charset {
    CHARS_ANY,
    CHARS_ID,           /* A-Z a-z 0-9 - */
    CHARS_LOWER_ID,     /* a-z 0-9 - */
    CHARS_PHONE,        /* 0-9 - */
} charset;

static bool in_charset(const char *s, charset cs)
{
    for (; *s; s++) {
        char c = *s;
        bool digit = c >= '0' && c <= '9';
        bool lower = c >= 'a' && c <= 'z';
        bool upper = c >= 'A' && c <= 'Z';
        bool ok = true;
        switch (cs) {
        case CHARS_ANY: ok = true; break;
        case CHARS_ID: ok = digit || lower || upper || c == '-'; break;
        case CHARS_LOWER_ID: ok = digit || lower || c == '-'; break;
        case CHARS_PHONE: ok = digit || c == '-'; break;
        }
        if (!ok)
            return false;
    }
    return true;
}

static const char *charset_rule(charset cs)
{
    switch (cs) {
    case CHARS_ID: return "must contain only letters A-Z a-z, digits and '-'";
    case CHARS_LOWER_ID: return "must contain only lower-case letters a-z, digits and '-'";
    case CHARS_PHONE: return "must contain only digits and '-'";
    case CHARS_ANY: break;
    }
    return "";
}

/* A string field checked by check_string and a character set. Returns the
 * value (owned by the tree) or NULL when missing or after reporting. */
static const char *field_string(vctx *v, json_t *obj, const char *key,
                                bool required, size_t max, charset cs)
{
    json_t *val = member(v, obj, key, required);
    if (!val)
        return NULL;
    push_key(v, key);
    const char *s = check_string(v, val, max);
    if (s && !in_charset(s, cs)) {
        char got[160];
        quote(s, got, sizeof got);
        report(v, false, "%s, got %s", charset_rule(cs), got);
        s = NULL;
    }
    pop(v);
    return s;
}

static void field_bool(vctx *v, json_t *obj, const char *key, bool *out)
{
    json_t *val = member(v, obj, key, true);
    if (!val)
        return;
    if (json_is_boolean(val)) {
        *out = json_is_true(val);
        return;
    }
    char got[160];
    describe(val, got, sizeof got);
    push_key(v, key);
    report(v, false, "must be true or false, got %s", got);
    pop(v);
}

static bool field_int(vctx *v, json_t *obj, const char *key, int lo, int hi,
                      int *out)
{
    json_t *val = member(v, obj, key, true);
    if (!val)
        return false;
    if (json_is_integer(val) && json_integer_value(val) >= lo &&
        json_integer_value(val) <= hi) {
        *out = (int)json_integer_value(val);
        return true;
    }
    char got[160];
    describe(val, got, sizeof got);
    push_key(v, key);
    report(v, false, "must be a whole number from %d to %d, got %s", lo, hi, got);
    pop(v);
    return false;
}

/* The array at key when it is one of at most max entries; NULL when it is
 * missing or after reporting. Having fewer than min entries is reported with
 * min_msg but still returns the array. */
static json_t *field_array(vctx *v, json_t *obj, const char *key,
                           bool required, size_t min, size_t max,
                           const char *min_msg)
{
    json_t *val = member(v, obj, key, required);
    if (!val)
        return NULL;
    push_key(v, key);
    json_t *ret = NULL;
    char got[160];
    if (!json_is_array(val)) {
        describe(val, got, sizeof got);
        report(v, false, "must be a list [...], got %s", got);
    } else if (json_array_size(val) > max) {
        report(v, false, "has too many entries (%zu, at most %zu)",
               json_array_size(val), max);
    } else {
        if (json_array_size(val) < min)
            report(v, false, "%s", min_msg);
        ret = val;
    }
    pop(v);
    return ret;
}

static ltext *field_text_list(vctx *v, json_t *obj, const char *key,
                              const char *min_msg, size_t *n_out)
{
    json_t *arr = field_array(v, obj, key, true, 1, LIST_MAX, min_msg);
    if (!arr)
        return NULL;
    size_t n = json_array_size(arr);
    ltext *list = alloc_n(v, n, sizeof *list);
    if (!list)
        return NULL;
    *n_out = n;
    push_key(v, key);
    for (size_t i = 0; i < n; i++) {
        push_index(v, i);
        check_text(v, json_array_get(arr, i), TEXT_MAX, TEXT_MAX, &list[i]);
        pop(v);
    }
    pop(v);
    return list;
}

/* "she bao jiao fei": syllables of a-z separated by single spaces. */
static bool is_pinyin(const char *s)
{
    if (!*s || *s == ' ')
        return false;
    for (; *s; s++) {
        if (*s == ' ') {
            if (s[1] == ' ' || s[1] == '\0')
                return false;
        } else if (*s < 'a' || *s > 'z') {
            return false;
        }
    }
    return true;
}

static char **field_string_list(vctx *v, json_t *obj, const char *key,
                                size_t max_chars, bool pinyin, size_t *n_out)
{
    json_t *arr = field_array(v, obj, key, false, 0, LIST_MAX, NULL);
    if (!arr)
        return NULL;
    size_t n = json_array_size(arr);
    char **list = alloc_n(v, n, sizeof *list);
    if (!list)
        return NULL;
    *n_out = n;
    push_key(v, key);
    for (size_t i = 0; i < n; i++) {
        push_index(v, i);
        const char *s = check_string(v, json_array_get(arr, i), max_chars);
        if (s && pinyin && !is_pinyin(s)) {
            char got[160];
            quote(s, got, sizeof got);
            report(v, false,
                   "must be lower-case pinyin: syllables of a-z separated by "
                   "single spaces, e.g. \"she bao jiao fei\", got %s", got);
        } else if (s) {
            list[i] = dup_str(v, s);
        }
        pop(v);
    }
    pop(v);
    return list;
}

/* ---- the schema ------------------------------------------------------ */

static void walk_category(vctx *v, json_t *obj, catalog_category *cat)
{
    char got[160];
    if (!json_is_object(obj)) {
        describe(obj, got, sizeof got);
        report(v, false, "must be an object {\"id\": ..., \"name\": ...}, got %s", got);
        return;
    }
    const char *id = field_string(v, obj, "id", true, CATEGORY_ID_MAX,
                                  CHARS_LOWER_ID);
    if (id) {
        cat->id = dup_str(v, id);
        v->entry_id = cat->id;
    }
    static const char *const keys[] = {"id", "name", "icon"};
    check_keys(v, obj, keys, sizeof keys / sizeof keys[0]);
    field_text(v, obj, "name", true, NAME_WIDE_MAX, NAME_NARROW_MAX, &cat->name);
    const char *icon = field_string(v, obj, "icon", false, ICON_MAX,
                                    CHARS_LOWER_ID);
    if (icon)
        cat->icon = dup_str(v, icon);
}

static const char *const form_names[] = {
    [MATERIAL_ORIGINAL] = "original",
    [MATERIAL_COPY] = "copy",
    [MATERIAL_ORIGINAL_AND_COPY] = "original_and_copy",
    [MATERIAL_ELECTRONIC] = "electronic",
};

static void walk_material(vctx *v, json_t *obj, catalog_material *m)
{
    char got[160];
    if (!json_is_object(obj)) {
        describe(obj, got, sizeof got);
        report(v, false,
               "must be an object {\"name\": ..., \"count\": ..., \"form\": ...}, got %s",
               got);
        return;
    }
    static const char *const keys[] = {"name", "count", "form", "notes"};
    check_keys(v, obj, keys, sizeof keys / sizeof keys[0]);
    field_text(v, obj, "name", true, NAME_WIDE_MAX, NAME_NARROW_MAX, &m->name);
    field_int(v, obj, "count", COUNT_MIN, COUNT_MAX, &m->count);
    json_t *form = member(v, obj, "form", true);
    if (form) {
        bool found = false;
        for (size_t i = 0; i < sizeof form_names / sizeof form_names[0]; i++) {
            if (json_is_string(form) && !strcmp(json_string_value(form), form_names[i])) {
                m->form = (material_form)i;
                found = true;
            }
        }
        if (!found) {
            describe(form, got, sizeof got);
            push_key(v, "form");
            report(v, false,
                   "must be one of \"original\", \"copy\", \"original_and_copy\", "
                   "\"electronic\", got %s", got);
            pop(v);
        }
    }
    field_text(v, obj, "notes", false, TEXT_MAX, TEXT_MAX, &m->notes);
}

static void walk_time_limit(vctx *v, json_t *obj, catalog_service *s)
{
    json_t *tl = member(v, obj, "time_limit", true);
    if (!tl)
        return;
    push_key(v, "time_limit");
    if (!json_is_object(tl)) {
        char got[160];
        describe(tl, got, sizeof got);
        report(v, false,
               "must be an object {\"legal_days\": ..., \"promised_days\": ...}, got %s",
               got);
    } else {
        static const char *const keys[] = {"legal_days", "promised_days"};
        check_keys(v, tl, keys, 2);
        bool legal_ok = field_int(v, tl, "legal_days", LEGAL_DAYS_MIN, DAYS_MAX,
                                  &s->legal_days);
        bool promised_ok = field_int(v, tl, "promised_days", 0, DAYS_MAX,
                                     &s->promised_days);
        /* A promise is a shortening of the legal limit; promising more
         * than the law allows is a data-entry error (often swapped). */
        if (legal_ok && promised_ok && s->legal_days >= 0 &&
            s->promised_days > s->legal_days) {
            push_key(v, "promised_days");
            report(v, false, "must not be more than legal_days (%d), got %d",
                   s->legal_days, s->promised_days);
            pop(v);
        }
    }
    pop(v);
}

static void check_url(vctx *v, json_t *obj, catalog_service *s)
{
    const char *url = field_string(v, obj, "online_url", false, URL_MAX, CHARS_ANY);
    if (!url)
        return;
    /* Only https: the link becomes a QR code the resident opens on a phone,
     * and a government service must not be reachable over plain http. */
    if (strncmp(url, "https://", 8) != 0 || url[8] == '\0' || strpbrk(url, " \t")) {
        char got[160];
        quote(url, got, sizeof got);
        push_key(v, "online_url");
        report(v, false, "must be an https:// address without spaces, got %s", got);
        pop(v);
        return;
    }
    s->online_url = dup_str(v, url);
}

static void walk_service(vctx *v, json_t *obj, catalog_service *s,
                         const char **category_ref)
{
    char got[160];
    if (!json_is_object(obj)) {
        describe(obj, got, sizeof got);
        report(v, false, "must be an object {\"id\": ..., \"name\": ..., ...}, got %s", got);
        return;
    }
    /* The id first, so every later message can name the service. */
    const char *id = field_string(v, obj, "id", true, SERVICE_ID_MAX, CHARS_ID);
    if (id) {
        s->id = dup_str(v, id);
        v->entry_id = s->id;
    }
    static const char *const keys[] = {
        "id", "name", "department", "category", "kiosk", "needs_identity",
        "summary", "conditions", "materials", "steps", "time_limit", "fees",
        "window", "address", "phone", "hours", "online_url", "keywords",
        "pinyin",
    };
    check_keys(v, obj, keys, sizeof keys / sizeof keys[0]);
    field_text(v, obj, "name", true, NAME_WIDE_MAX, NAME_NARROW_MAX, &s->name);
    field_text(v, obj, "department", true, NAME_WIDE_MAX, NAME_NARROW_MAX, &s->department);
    *category_ref = field_string(v, obj, "category", true, CATEGORY_ID_MAX, CHARS_ANY);
    field_bool(v, obj, "kiosk", &s->kiosk);
    field_bool(v, obj, "needs_identity", &s->needs_identity);
    field_text(v, obj, "summary", false, TEXT_MAX, TEXT_MAX, &s->summary);
    s->conditions = field_text_list(v, obj, "conditions",
                                    "must list at least one condition",
                                    &s->n_conditions);

    json_t *mats = field_array(v, obj, "materials", true, 0, LIST_MAX, NULL);
    if (mats) {
        size_t n = json_array_size(mats);
        s->materials = alloc_n(v, n, sizeof *s->materials);
        if (s->materials) {
            s->n_materials = n;
            push_key(v, "materials");
            for (size_t i = 0; i < n; i++) {
                push_index(v, i);
                walk_material(v, json_array_get(mats, i), &s->materials[i]);
                pop(v);
            }
            pop(v);
        }
    }

    s->steps = field_text_list(v, obj, "steps", "must list at least one step",
                               &s->n_steps);
    walk_time_limit(v, obj, s);
    field_text(v, obj, "fees", true, TEXT_MAX, TEXT_MAX, &s->fees);
    field_text(v, obj, "window", true, TEXT_MAX, TEXT_MAX, &s->window);
    field_text(v, obj, "address", true, TEXT_MAX, TEXT_MAX, &s->address);
    const char *phone = field_string(v, obj, "phone", true, PHONE_MAX, CHARS_PHONE);
    if (phone)
        s->phone = dup_str(v, phone);
    field_text(v, obj, "hours", true, TEXT_MAX, TEXT_MAX, &s->hours);
    check_url(v, obj, s);
    s->keywords = field_string_list(v, obj, "keywords", KEYWORD_MAX, false,
                                    &s->n_keywords);
    s->pinyin = field_string_list(v, obj, "pinyin", PINYIN_MAX, true, &s->n_pinyin);
}

/* ---- cross-references ------------------------------------------------ */

typedef struct id_ref {
    const char *id;
    size_t index;
} id_ref;

static int cmp_id_ref(const void *a, const void *b)
{
    const id_ref *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c)
        return c;
    return (x->index > y->index) - (x->index < y->index);
}

/* Sorts the valid ids of one list and reports every repeat at the later
 * entry. Returns the sorted refs (the caller frees) for lookups, and sets
 * dup[i] for every entry that repeats an earlier id. */
static id_ref *check_unique(vctx *v, const char *list, size_t n,
                            const char *(*id_at)(const catalog *, size_t),
                            const catalog *cat, bool *dup, size_t *n_refs)
{
    *n_refs = 0;
    id_ref *refs = alloc_n(v, n, sizeof *refs);
    if (!refs)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *id = id_at(cat, i);
        if (id)
            refs[k++] = (id_ref){id, i};
    }
    qsort(refs, k, sizeof *refs, cmp_id_ref);
    for (size_t i = 1, first = 0; i < k; i++) {
        if (strcmp(refs[i].id, refs[first].id) != 0) {
            first = i;
            continue;
        }
        dup[refs[i].index] = true;
        push_key(v, list);
        push_index(v, refs[i].index);
        v->entry_id = refs[i].id;
        push_key(v, "id");
        report(v, false, "duplicate id, already used by %s[%zu]", list,
               refs[first].index);
        pop(v);
        pop(v);
        pop(v);
        v->entry_id = NULL;
    }
    *n_refs = k;
    return refs;
}

static const char *category_id_at(const catalog *c, size_t i)
{
    return c->categories[i].id;
}

static const char *service_id_at(const catalog *c, size_t i)
{
    return c->services[i].id;
}

/* Index of the first category with this id in the sorted refs, or -1. */
static long lookup_category(const id_ref *refs, size_t n, const char *id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(refs[mid].id, id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < n && !strcmp(refs[lo].id, id))
        return (long)refs[lo].index;
    return -1;
}

static void link_services(vctx *v, catalog *cat, const char **category_refs,
                          bool services_listed)
{
    bool *cat_dup = alloc_n(v, cat->n_categories, sizeof *cat_dup);
    bool *svc_dup = alloc_n(v, cat->n_services, sizeof *svc_dup);
    size_t *counts = alloc_n(v, cat->n_categories, sizeof *counts);
    size_t n_cat_refs = 0, n_svc_refs = 0;
    id_ref *cat_refs = NULL, *svc_refs = NULL;
    if (!cat_dup || !svc_dup || !counts)
        goto out;
    cat_refs = check_unique(v, "categories", cat->n_categories, category_id_at,
                            cat, cat_dup, &n_cat_refs);
    svc_refs = check_unique(v, "services", cat->n_services, service_id_at,
                            cat, svc_dup, &n_svc_refs);
    if (!cat_refs || !svc_refs)
        goto out;

    for (size_t i = 0; i < cat->n_services; i++) {
        catalog_service *s = &cat->services[i];
        if (!category_refs[i])
            continue;
        long c = lookup_category(cat_refs, n_cat_refs, category_refs[i]);
        if (c >= 0) {
            s->category = (size_t)c;
            counts[c]++;
            continue;
        }
        char got[160];
        quote(category_refs[i], got, sizeof got);
        push_key(v, "services");
        push_index(v, i);
        v->entry_id = s->id;
        push_key(v, "category");
        report(v, false, "unknown category %s; it must be the id of one of the categories",
               got);
        pop(v);
        pop(v);
        pop(v);
        v->entry_id = NULL;
        category_refs[i] = NULL; /* unresolved: listed in no category */
    }

    for (size_t c = 0; c < cat->n_categories; c++) {
        catalog_category *k = &cat->categories[c];
        k->services = alloc_n(v, counts[c], sizeof *k->services);
        if (!k->services)
            goto out;
        /* An empty category would be a home-screen tile leading nowhere.
         * Not judged when the services list itself is missing or empty,
         * or every category would be reported for one problem there. */
        if (counts[c] == 0 && k->id && !cat_dup[c] && services_listed) {
            push_key(v, "categories");
            push_index(v, c);
            v->entry_id = k->id;
            report(v, false,
                   "no service is in this category, so its home-screen tile "
                   "would lead nowhere; add a service or remove the category");
            v->entry_id = NULL;
            pop(v);
            pop(v);
        }
    }
    for (size_t i = 0; i < cat->n_services; i++) {
        if (!category_refs[i])
            continue;
        catalog_category *k = &cat->categories[cat->services[i].category];
        if (k->services && k->n_services < counts[cat->services[i].category])
            k->services[k->n_services++] = i;
    }
out:
    free(cat_refs);
    free(svc_refs);
    free(cat_dup);
    free(svc_dup);
    free(counts);
}

static void walk_root(vctx *v, json_t *root, catalog *cat)
{
    char got[160];
    if (!json_is_object(root)) {
        describe(root, got, sizeof got);
        report(v, false,
               "the catalogue must be an object {\"version\": ..., \"categories\": "
               "[...], \"services\": [...]}, got %s", got);
        return;
    }
    static const char *const keys[] = {"version", "categories", "services"};
    check_keys(v, root, keys, 3);
    const char *version = field_string(v, root, "version", true, VERSION_MAX,
                                       CHARS_ANY);
    if (version)
        cat->version = dup_str(v, version);

    json_t *cats = field_array(v, root, "categories", true, 1, SIZE_MAX,
                               "must list at least one category");
    if (cats) {
        size_t n = json_array_size(cats);
        cat->categories = alloc_n(v, n, sizeof *cat->categories);
        if (cat->categories) {
            cat->n_categories = n;
            push_key(v, "categories");
            for (size_t i = 0; i < n; i++) {
                push_index(v, i);
                walk_category(v, json_array_get(cats, i), &cat->categories[i]);
                v->entry_id = NULL;
                pop(v);
            }
            pop(v);
        }
    }

    json_t *svcs = field_array(v, root, "services", true, 1, SIZE_MAX,
                               "must list at least one service");
    const char **category_refs = NULL;
    if (svcs) {
        size_t n = json_array_size(svcs);
        cat->services = alloc_n(v, n, sizeof *cat->services);
        /* category ids as written, resolved once all categories are known;
         * they point into the tree, which outlives this function */
        category_refs = alloc_n(v, n, sizeof *category_refs);
        if (cat->services && category_refs) {
            cat->n_services = n;
            push_key(v, "services");
            for (size_t i = 0; i < n; i++) {
                push_index(v, i);
                walk_service(v, json_array_get(svcs, i), &cat->services[i],
                             &category_refs[i]);
                v->entry_id = NULL;
                pop(v);
            }
            pop(v);
        }
    }
    if (!v->oom)
        link_services(v, cat, category_refs,
                      svcs && json_array_size(svcs) > 0);
    free(category_refs);
}

/* ---- derived search keys ----------------------------------------------- */

size_t catalog_fold(const char *in, char *out, size_t size)
{
    if (!out || size == 0)
        return 0;
    const unsigned char *p = (const unsigned char *)(in ? in : "");
    size_t o = 0;
    bool space = false;
    out[0] = '\0';
    while (*p) {
        char ascii = 0;
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
            *p == '\f' || *p == '\v') {
            space = true;
            p++;
            continue;
        }
        if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
            space = true; /* U+3000 IDEOGRAPHIC SPACE */
            p += 3;
            continue;
        }
        const unsigned char *ch = p;
        size_t n;
        if (p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x81 && p[2] <= 0xBF) {
            ascii = (char)(0x21 + (p[2] - 0x81)); /* U+FF01..U+FF3F */
            ch = (const unsigned char *)&ascii;
            n = 1;
            p += 3;
        } else if (p[0] == 0xEF && p[1] == 0xBD && p[2] >= 0x80 && p[2] <= 0x9E) {
            ascii = (char)(0x60 + (p[2] - 0x80)); /* U+FF40..U+FF5E */
            ch = (const unsigned char *)&ascii;
            n = 1;
            p += 3;
        } else {
            /* a lead byte and the continuation bytes that actually follow
             * it, so a broken sequence never swallows an ASCII letter */
            size_t max = utf8_seq_len(*p);
            n = 1;
            while (n < max && (p[n] & 0xC0) == 0x80)
                n++;
            p += n;
            if (n == 1) {
                ascii = (char)*ch;
                ch = (const unsigned char *)&ascii;
            }
        }
        if (n == 1 && ascii >= 'A' && ascii <= 'Z')
            ascii = (char)(ascii - 'A' + 'a');
        size_t need = n + (space && o > 0);
        if (need >= size - o)
            break; /* cut at a character boundary */
        if (space && o > 0)
            out[o++] = ' ';
        space = false;
        memcpy(out + o, ch, n);
        o += n;
        out[o] = '\0';
    }
    return o;
}

/* Joins parts, each folded, with '\n'. Folding never lengthens text, so the
 * sum of the lengths is enough room. */
static char *join_folded(vctx *v, const char *const *parts, size_t n)
{
    size_t total = 1;
    for (size_t i = 0; i < n; i++)
        total += strlen(parts[i] ? parts[i] : "") + 1;
    char *buf = alloc_n(v, total, 1);
    if (!buf)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf[o++] = '\n';
        o += catalog_fold(parts[i], buf + o, total - o);
    }
    buf[o] = '\0';
    return buf;
}

static void derive_search_keys(vctx *v, catalog_service *s)
{
    size_t n_parts = s->name.n + s->n_keywords + s->department.n;
    const char **parts = alloc_n(v, n_parts, sizeof *parts);
    if (!parts)
        return;
    size_t k = 0;
    for (size_t i = 0; i < s->name.n; i++)
        parts[k++] = s->name.items[i].text;
    for (size_t i = 0; i < s->n_keywords; i++)
        parts[k++] = s->keywords[i];
    for (size_t i = 0; i < s->department.n; i++)
        parts[k++] = s->department.items[i].text;
    s->search_text = join_folded(v, parts, n_parts);
    free(parts);

    size_t total = 1;
    for (size_t i = 0; i < s->n_pinyin; i++)
        total += strlen(s->pinyin[i]) + 1;
    s->search_pinyin = alloc_n(v, total, 1);
    s->search_initials = alloc_n(v, total, 1);
    if (!s->search_pinyin || !s->search_initials)
        return;
    size_t op = 0, oi = 0;
    for (size_t i = 0; i < s->n_pinyin; i++) {
        if (i) {
            s->search_pinyin[op++] = '\n';
            s->search_initials[oi++] = '\n';
        }
        /* validated: a-z syllables separated by single spaces */
        for (const char *p = s->pinyin[i]; *p; p++) {
            if (*p == ' ')
                continue;
            s->search_pinyin[op++] = *p;
            if (p == s->pinyin[i] || p[-1] == ' ')
                s->search_initials[oi++] = *p;
        }
    }
    s->search_pinyin[op] = '\0';
    s->search_initials[oi] = '\0';
}

/* ---- file level -------------------------------------------------------- */

catalog *catalog_parse(const char *text, size_t len, const char *name,
                       diag_list *errors)
{
    if (!name)
        name = "";
    if (!text) {
        text = "";
        len = 0;
    }
    if (len > CATALOG_MAX_FILE_SIZE) {
        diag_add(errors, name, 0, 0,
                 "file is larger than 16 MiB; a catalogue of a few hundred "
                 "services is well under 1 MiB -- is this the right file?");
        return NULL;
    }
    if (!textfile_check(text, len, name, 0, errors))
        return NULL;
    if (len == 0 || is_blank_n(text, len)) {
        diag_add(errors, name, 0, 0, "file is empty");
        return NULL;
    }
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        diag_add(errors, name, jerr.line > 0 ? jerr.line : 0,
                 jerr.column > 0 ? jerr.column : 0, "JSON syntax error: %s",
                 jerr.text);
        return NULL;
    }

    catalog *cat = calloc(1, sizeof *cat);
    vctx v = {
        .text = text,
        .len = len,
        .name = name,
        .errors = errors,
        .first_diag = errors->count,
    };
    if (!cat) {
        v.oom = true;
    } else {
        cat->path = dup_str(&v, name);
        walk_root(&v, root, cat);
        for (size_t i = 0; i < cat->n_services && !v.problems && !v.oom; i++)
            derive_search_keys(&v, &cat->services[i]);
    }
    json_decref(root);

    diag_sort(errors, v.first_diag);
    if (v.problems > MAX_PROBLEMS)
        diag_add(errors, name, 0, 0,
                 "%zu more problems not shown; fix these and check again",
                 v.problems - MAX_PROBLEMS);
    if (v.oom)
        diag_add(errors, name, 0, 0, "out of memory while loading the catalogue");
    if (v.problems || v.oom) {
        catalog_free(cat);
        return NULL;
    }
    return cat;
}

char *catalog_read_file(const char *path, size_t *len, diag_list *errors)
{
    return textfile_read(path, CATALOG_MAX_FILE_SIZE, "a service catalogue",
                         len, errors);
}

catalog *catalog_load(const char *path, diag_list *errors)
{
    size_t len;
    char *text = catalog_read_file(path, &len, errors);
    if (!text)
        return NULL;
    catalog *c = catalog_parse(text, len, path, errors);
    free(text);
    return c;
}

void catalog_free(catalog *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_categories; i++) {
        catalog_category *k = &c->categories[i];
        free(k->id);
        ltext_free(&k->name);
        free(k->icon);
        free(k->services);
    }
    free(c->categories);
    for (size_t i = 0; i < c->n_services; i++) {
        catalog_service *s = &c->services[i];
        free(s->id);
        ltext_free(&s->name);
        ltext_free(&s->department);
        ltext_free(&s->summary);
        for (size_t j = 0; j < s->n_conditions; j++)
            ltext_free(&s->conditions[j]);
        free(s->conditions);
        for (size_t j = 0; j < s->n_materials; j++) {
            ltext_free(&s->materials[j].name);
            ltext_free(&s->materials[j].notes);
        }
        free(s->materials);
        for (size_t j = 0; j < s->n_steps; j++)
            ltext_free(&s->steps[j]);
        free(s->steps);
        ltext_free(&s->fees);
        ltext_free(&s->window);
        ltext_free(&s->address);
        free(s->phone);
        ltext_free(&s->hours);
        free(s->online_url);
        for (size_t j = 0; j < s->n_keywords; j++)
            free(s->keywords[j]);
        free(s->keywords);
        for (size_t j = 0; j < s->n_pinyin; j++)
            free(s->pinyin[j]);
        free(s->pinyin);
        free(s->search_text);
        free(s->search_pinyin);
        free(s->search_initials);
    }
    free(c->services);
    free(c->path);
    free(c->version);
    free(c);
}

/* ---- lookups and display helpers ------------------------------------ */

/* A linear scan: a few hundred services, looked up when a screen opens. */
const catalog_service *catalog_find(const catalog *c, const char *id)
{
    if (!c || !id)
        return NULL;
    for (size_t i = 0; i < c->n_services; i++)
        if (c->services[i].id && !strcmp(c->services[i].id, id))
            return &c->services[i];
    return NULL;
}

const char *catalog_form_key(material_form f)
{
    static const char *const keys[] = {
        [MATERIAL_ORIGINAL] = "material.original",
        [MATERIAL_COPY] = "material.copy",
        [MATERIAL_ORIGINAL_AND_COPY] = "material.original_and_copy",
        [MATERIAL_ELECTRONIC] = "material.electronic",
    };
    return (unsigned)f < sizeof keys / sizeof keys[0] ? keys[f] : "";
}
