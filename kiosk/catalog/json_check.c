/*
 * json_check: the shape checker behind every JSON loader (see json_check.h).
 * Nothing here knows what a document describes; the loaders own the schema.
 */
#include "catalog/json_check.h"
#include "common/lang.h"
#include "common/suggest.h"
#include "common/textcheck.h"
#include "common/textfile.h"
#include "common/utf8.h"

#include <limits.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The closing quote always fits, so a cut value still reads as one value. */
void json_check_quote(const char *s, char *out, size_t size)
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

/* The value itself for scalars: a technician recognises "got \"yes\""
 * faster than "got a string". */
void json_check_describe(const json_t *j, char *out, size_t size)
{
    switch (json_typeof(j)) {
    case JSON_STRING:
        json_check_quote(json_string_value(j), out, size);
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

/* ---- the document ------------------------------------------------------ */

/* Only JSON white space in text[0..len)? */
static bool is_blank_n(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!strchr(" \t\r\n", text[i]) || text[i] == '\0')
            return false;
    return true;
}

/* ---- the tree's memory ------------------------------------------------ */

/* jansson allocates through these for the whole process. They are plain
 * malloc and free except on a thread inside json_check_load_bounded, where
 * they count malloc's chunks (usable size plus its header) and fail once
 * the budget would be passed; jansson then stops and frees what it built.
 * A tree costs 4 to 9 times its text (an object's hash table alone is 256
 * bytes), so the file's size limit alone does not bound it. */
static _Thread_local size_t tree_budget;    /* 0: not counting */
static _Thread_local size_t tree_bytes;
static _Thread_local size_t tree_last;
static _Thread_local bool tree_over;

static size_t chunk_size(void *p)
{
    return malloc_usable_size(p) + sizeof(size_t);
}

static void *tree_malloc(size_t n)
{
    if (!tree_budget)
        return malloc(n);
    if (tree_over)
        return NULL;
    void *p = malloc(n);
    if (!p)
        return NULL;
    size_t got = chunk_size(p);
    if (tree_bytes + got > tree_budget) {
        free(p);
        tree_over = true;
        return NULL;
    }
    tree_bytes += got;
    return p;
}

static void tree_free(void *p)
{
    if (p && tree_budget) {
        size_t got = chunk_size(p);
        tree_bytes = got < tree_bytes ? tree_bytes - got : 0;
    }
    free(p);
}

/* Before main, so that no jansson value is made with other functions. */
__attribute__((constructor)) static void tree_alloc_install(void)
{
    json_set_alloc_funcs(tree_malloc, tree_free);
}

size_t json_check_tree_bytes(void)
{
    return tree_last;
}

json_t *json_check_load_bounded(const char *text, size_t len, const char *name,
                                size_t max_tree, const char *what,
                                diag_list *errors)
{
    if (!textfile_check(text, len, name, 0, errors))
        return NULL;
    if (len == 0 || is_blank_n(text, len)) {
        diag_add(errors, name, 0, 0, "file is empty");
        return NULL;
    }
    json_error_t jerr;
    tree_budget = max_tree;
    tree_bytes = 0;
    tree_over = false;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    bool over = tree_over;
    tree_last = tree_bytes;
    tree_budget = 0;
    tree_over = false;
    if (!root && over)
        diag_add(errors, name, jerr.line > 0 ? jerr.line : 0,
                 jerr.column > 0 ? jerr.column : 0,
                 "too much to hold in memory: reading it needs more than %zu MiB "
                 "by this point (the limit for %s); is this the right file?",
                 max_tree >> 20, what ? what : "this file");
    else if (!root)
        diag_add(errors, name, jerr.line > 0 ? jerr.line : 0,
                 jerr.column > 0 ? jerr.column : 0, "JSON syntax error: %s",
                 jerr.text);
    return root;
}

json_t *json_check_load(const char *text, size_t len, const char *name,
                        diag_list *errors)
{
    return json_check_load_bounded(text, len, name, 0, NULL, errors);
}

void json_check_init(json_check *jc, const char *text, size_t len,
                     const char *name, diag_list *errors)
{
    *jc = (json_check){
        .text = text,
        .len = len,
        .name = name,
        .errors = errors,
        .first_diag = errors->count,
    };
}

bool json_check_finish(json_check *jc)
{
    json_pos_index_free(jc->pos);
    jc->pos = NULL;
    diag_sort(jc->errors, jc->first_diag);
    if (jc->problems > JSON_CHECK_MAX_PROBLEMS)
        diag_add(jc->errors, jc->name, 0, 0,
                 "%zu more problems not shown; fix these and check again",
                 jc->problems - JSON_CHECK_MAX_PROBLEMS);
    return !jc->problems && !jc->oom;
}

/* ---- the path ------------------------------------------------------------ */

void json_check_push_key(json_check *jc, const char *key)
{
    if (jc->depth < JSON_CHECK_MAX_DEPTH) {
        jc->path[jc->depth] = (json_pos_seg){key, 0};
        jc->ids[jc->depth] = NULL;
    }
    jc->depth++;
}

void json_check_push_index(json_check *jc, size_t index)
{
    if (jc->depth < JSON_CHECK_MAX_DEPTH) {
        jc->path[jc->depth] = (json_pos_seg){NULL, index};
        jc->ids[jc->depth] = NULL;
    }
    jc->depth++;
}

void json_check_pop(json_check *jc)
{
    if (jc->depth > 0)
        jc->depth--;
}

void json_check_set_id(json_check *jc, const char *id)
{
    if (jc->depth > 0 && jc->depth <= JSON_CHECK_MAX_DEPTH)
        jc->ids[jc->depth - 1] = id;
}

/* ---- reporting ----------------------------------------------------------- */

static size_t kept_depth(const json_check *jc)
{
    return jc->depth < JSON_CHECK_MAX_DEPTH ? jc->depth : JSON_CHECK_MAX_DEPTH;
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
 * with an entry's id after its index (json_check_set_id). */
static void format_label(const json_check *jc, char *out, size_t size)
{
    strbuf b;
    sb_init(&b, out, size);
    size_t n = kept_depth(jc);
    for (size_t i = 0; i < n; i++) {
        const json_pos_seg *seg = &jc->path[i];
        char part[256];
        if (seg->key) {
            if (i > 0)
                sb_puts(&b, (!jc->path[i - 1].key && jc->ids[i - 1]) ? " " : ".");
            if (is_plain_key(seg->key)) {
                sb_puts(&b, seg->key);
            } else {
                /* a key from the file: quoted, so odd characters show */
                json_check_quote(seg->key, part, sizeof part);
                sb_puts(&b, part);
            }
        } else if (jc->ids[i]) {
            snprintf(part, sizeof part, "[%zu] (id %s)", seg->index, jc->ids[i]);
            sb_puts(&b, part);
        } else {
            snprintf(part, sizeof part, "[%zu]", seg->index);
            sb_puts(&b, part);
        }
    }
}

/* Where the problem is: the value (or its key), or with at != SIZE_MAX the
 * character at byte at of the string value. */
static int locate(json_check *jc, bool at_key, size_t at, int *line, int *col)
{
    size_t n = kept_depth(jc);
    if (!jc->pos)
        jc->pos = json_pos_index_new(jc->text, jc->len);
    if (at != SIZE_MAX)
        return jc->pos ? json_pos_index_find_char(jc->pos, jc->path, n, at, line, col)
                       : json_pos_find_char(jc->text, jc->len, jc->path, n, at,
                                            line, col);
    return jc->pos ? json_pos_index_find(jc->pos, jc->path, n, at_key, line, col)
                   : json_pos_find(jc->text, jc->len, jc->path, n, at_key, line,
                                   col);
}

static void vreport(json_check *jc, bool at_key, size_t at, const char *fmt,
                    va_list ap)
{
    jc->problems++;
    if (jc->problems > JSON_CHECK_MAX_PROBLEMS)
        return;
    int line = 0, col = 0;
    int found = locate(jc, at_key, at, &line, &col);
    if (found < 0)
        line = col = 0;
    char label[512], msg[768];
    format_label(jc, label, sizeof label);
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (label[0])
        diag_add(jc->errors, jc->name, line, col, "%s: %s", label, msg);
    else
        diag_add(jc->errors, jc->name, line, col, "%s", msg);
}

void json_check_report(json_check *jc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(jc, false, SIZE_MAX, fmt, ap);
    va_end(ap);
}

void json_check_report_char(json_check *jc, size_t at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(jc, false, at, fmt, ap);
    va_end(ap);
}

void json_check_report_key(json_check *jc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(jc, true, SIZE_MAX, fmt, ap);
    va_end(ap);
}

/* ---- memory ------------------------------------------------------------ */

char *json_check_dup(json_check *jc, const char *s)
{
    char *d = strdup(s);
    if (!d)
        jc->oom = true;
    return d;
}

void *json_check_alloc(json_check *jc, size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        jc->oom = true;
    return p;
}

/* ---- objects and members ------------------------------------------------ */

bool json_check_object(json_check *jc, const json_t *j, const char *must)
{
    if (json_is_object(j))
        return true;
    char got[JSON_CHECK_GOT_SIZE];
    json_check_describe(j, got, sizeof got);
    json_check_report(jc, "%s, got %s", must, got);
    return false;
}

void json_check_keys(json_check *jc, json_t *obj, const char *const *allowed,
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
        json_check_push_key(jc, key);
        if (best) {
            json_check_report_key(jc, "unknown field; did you mean \"%s\"?", best);
        } else {
            char list[512];
            strbuf b;
            sb_init(&b, list, sizeof list);
            for (size_t i = 0; i < n_allowed; i++) {
                if (i)
                    sb_puts(&b, ", ");
                sb_puts(&b, allowed[i]);
            }
            json_check_report_key(jc, "unknown field; allowed here: %s", list);
        }
        json_check_pop(jc);
    }
}

json_t *json_check_member(json_check *jc, json_t *obj, const char *key,
                          bool required)
{
    json_t *val = json_object_get(obj, key);
    if (!val && required) {
        json_check_push_key(jc, key);
        json_check_report(jc, "required field is missing");
        json_check_pop(jc);
    }
    return val;
}

/* ---- values -------------------------------------------------------------- */

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

const char *json_check_string_value(json_check *jc, const json_t *j, size_t max)
{
    char got[JSON_CHECK_GOT_SIZE];
    if (!json_is_string(j)) {
        json_check_describe(j, got, sizeof got);
        json_check_report(jc, "must be a string, got %s", got);
        return NULL;
    }
    const char *s = json_string_value(j);
    size_t len = json_string_length(j);
    if (is_blank(s)) {
        json_check_report(jc, "must not be empty");
        return NULL;
    }
    size_t chars = utf8_chars(s, len);
    if (chars > max) {
        json_check_report(jc, "is too long (%zu characters, at most %zu)", chars, max);
        return NULL;
    }
    /* Control and format characters (SDL_ttf draws boxes, a line break
     * breaks the layout's line measuring, a bidi override reverses what
     * follows) and texts with nothing visible: textcheck.h has the rule. */
    text_problem tp;
    if (!text_check_visible(s, len, TEXT_NEED_VISIBLE, &tp)) {
        char why[160];
        text_problem_describe(&tp, why, sizeof why);
        if (tp.what)
            json_check_report_char(jc, tp.offset, "%s", why);
        else
            json_check_report(jc, "%s", why);
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

void json_check_text_value(json_check *jc, json_t *j, size_t wide_max,
                           size_t max, ltext *out)
{
    const char *fallback = ltext_fallback();
    if (json_is_string(j)) {
        const char *s = json_check_string_value(jc, j, wide_script(fallback) ? wide_max : max);
        if (s && !ltext_set(out, fallback, s))
            jc->oom = true;
        return;
    }
    if (!json_is_object(j)) {
        char got[JSON_CHECK_GOT_SIZE];
        json_check_describe(j, got, sizeof got);
        json_check_report(jc,
               "must be text: a string or {\"zh\": ..., \"en\": ...}, got %s", got);
        return;
    }
    for (void *it = json_object_iter(j); it; it = json_object_iter_next(j, it)) {
        const char *lang = json_object_iter_key(it);
        json_check_push_key(jc, lang);
        if (!lang_code_ok(lang, strlen(lang))) {
            json_check_report_key(jc, "is not a language code; %s", LANG_CODE_RULE);
        } else {
            const char *s = json_check_string_value(jc, json_object_iter_value(it),
                                                    wide_script(lang) ? wide_max : max);
            if (s && !ltext_set(out, lang, s))
                jc->oom = true;
        }
        json_check_pop(jc);
    }
    if (!json_object_get(j, fallback)) {
        json_check_push_key(jc, fallback);
        json_check_report(jc, "required field is missing");
        json_check_pop(jc);
    }
}

/* ---- typed members ----------------------------------------------------- */

static bool in_charset(const char *s, json_check_chars cs)
{
    for (; *s; s++) {
        char c = *s;
        bool digit = c >= '0' && c <= '9';
        bool lower = c >= 'a' && c <= 'z';
        bool upper = c >= 'A' && c <= 'Z';
        bool ok = true;
        switch (cs) {
        case JSON_CHECK_ANY: ok = true; break;
        case JSON_CHECK_ID: ok = digit || lower || upper || c == '-'; break;
        case JSON_CHECK_LOWER_ID: ok = digit || lower || c == '-'; break;
        case JSON_CHECK_PHONE: ok = digit || c == '-'; break;
        }
        if (!ok)
            return false;
    }
    return true;
}

static const char *charset_rule(json_check_chars cs)
{
    switch (cs) {
    case JSON_CHECK_ID: return "must contain only letters A-Z a-z, digits and '-'";
    case JSON_CHECK_LOWER_ID: return "must contain only lower-case letters a-z, digits and '-'";
    case JSON_CHECK_PHONE: return "must contain only digits and '-'";
    case JSON_CHECK_ANY: break;
    }
    return "";
}

/* s broke rule: "<rule>, got \"s\"" at the current path. */
static void report_rule(json_check *jc, const char *rule, const char *s)
{
    char got[JSON_CHECK_GOT_SIZE];
    json_check_quote(s, got, sizeof got);
    json_check_report(jc, "%s, got %s", rule, got);
}

const char *json_check_string(json_check *jc, json_t *obj, const char *key,
                              bool required, size_t max, json_check_chars chars)
{
    json_t *val = json_check_member(jc, obj, key, required);
    if (!val)
        return NULL;
    json_check_push_key(jc, key);
    const char *s = json_check_string_value(jc, val, max);
    if (s && !in_charset(s, chars)) {
        report_rule(jc, charset_rule(chars), s);
        s = NULL;
    }
    json_check_pop(jc);
    return s;
}

/* val (member key) is not what must says: "<must>, got X" at key. */
static void report_member(json_check *jc, const char *key, const json_t *val,
                          const char *must)
{
    char got[JSON_CHECK_GOT_SIZE];
    json_check_describe(val, got, sizeof got);
    json_check_push_key(jc, key);
    json_check_report(jc, "%s, got %s", must, got);
    json_check_pop(jc);
}

bool json_check_bool(json_check *jc, json_t *obj, const char *key, bool *out)
{
    json_t *val = json_check_member(jc, obj, key, true);
    if (!val)
        return false;
    if (json_is_boolean(val)) {
        *out = json_is_true(val);
        return true;
    }
    report_member(jc, key, val, "must be true or false");
    return false;
}

bool json_check_int(json_check *jc, json_t *obj, const char *key, int lo,
                    int hi, int *out)
{
    json_t *val = json_check_member(jc, obj, key, true);
    if (!val)
        return false;
    if (json_is_integer(val) && json_integer_value(val) >= lo &&
        json_integer_value(val) <= hi) {
        *out = (int)json_integer_value(val);
        return true;
    }
    char must[64];
    snprintf(must, sizeof must, "must be a whole number from %d to %d", lo, hi);
    report_member(jc, key, val, must);
    return false;
}

int json_check_enum(json_check *jc, json_t *obj, const char *key,
                    const char *const *names, size_t n)
{
    json_t *val = json_check_member(jc, obj, key, true);
    if (!val)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (json_is_string(val) && !strcmp(json_string_value(val), names[i]))
            return (int)i;
    char must[512], name[JSON_CHECK_GOT_SIZE];
    strbuf b;
    sb_init(&b, must, sizeof must);
    sb_puts(&b, "must be one of ");
    for (size_t i = 0; i < n; i++) {
        json_check_quote(names[i], name, sizeof name);
        if (i)
            sb_puts(&b, ", ");
        sb_puts(&b, name);
    }
    report_member(jc, key, val, must);
    return -1;
}

json_t *json_check_array(json_check *jc, json_t *obj, const char *key,
                         bool required, size_t min, size_t max,
                         const char *min_msg)
{
    json_t *val = json_check_member(jc, obj, key, required);
    if (!val)
        return NULL;
    json_check_push_key(jc, key);
    json_t *ret = NULL;
    char got[JSON_CHECK_GOT_SIZE];
    if (!json_is_array(val)) {
        json_check_describe(val, got, sizeof got);
        json_check_report(jc, "must be a list [...], got %s", got);
    } else if (json_array_size(val) > max) {
        json_check_report(jc, "has too many entries (%zu, at most %zu)",
                          json_array_size(val), max);
    } else {
        if (json_array_size(val) < min)
            json_check_report(jc, "%s", min_msg);
        ret = val;
    }
    json_check_pop(jc);
    return ret;
}

void json_check_text(json_check *jc, json_t *obj, const char *key,
                     bool required, size_t wide_max, size_t max, ltext *out)
{
    json_t *val = json_check_member(jc, obj, key, required);
    if (!val)
        return;
    json_check_push_key(jc, key);
    json_check_text_value(jc, val, wide_max, max, out);
    json_check_pop(jc);
}

ltext *json_check_text_list(json_check *jc, json_t *obj, const char *key,
                            size_t max_entries, size_t wide_max, size_t max,
                            const char *min_msg, size_t *n_out)
{
    json_t *arr = json_check_array(jc, obj, key, true, 1, max_entries, min_msg);
    if (!arr)
        return NULL;
    size_t n = json_array_size(arr);
    ltext *list = json_check_alloc(jc, n, sizeof *list);
    if (!list)
        return NULL;
    *n_out = n;
    json_check_push_key(jc, key);
    for (size_t i = 0; i < n; i++) {
        json_check_push_index(jc, i);
        json_check_text_value(jc, json_array_get(arr, i), wide_max, max, &list[i]);
        json_check_pop(jc);
    }
    json_check_pop(jc);
    return list;
}

char **json_check_string_list(json_check *jc, json_t *obj, const char *key,
                              size_t max_entries, size_t max,
                              bool (*valid)(const char *s), const char *rule,
                              size_t *n_out)
{
    json_t *arr = json_check_array(jc, obj, key, false, 0, max_entries, NULL);
    if (!arr)
        return NULL;
    size_t n = json_array_size(arr);
    char **list = json_check_alloc(jc, n, sizeof *list);
    if (!list)
        return NULL;
    *n_out = n;
    json_check_push_key(jc, key);
    for (size_t i = 0; i < n; i++) {
        json_check_push_index(jc, i);
        const char *s = json_check_string_value(jc, json_array_get(arr, i), max);
        if (s && valid && !valid(s))
            report_rule(jc, rule, s);
        else if (s)
            list[i] = json_check_dup(jc, s);
        json_check_pop(jc);
    }
    json_check_pop(jc);
    return list;
}
