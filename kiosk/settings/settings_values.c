/*
 * settings_values: from the text of a value to a field of struct settings,
 * by the key's type (set_value), with the paths and small text helpers that
 * takes. The defaults go through here too, so a default can never be a
 * value the parser would refuse. Each parser fills why (the part after
 * "key = value: ") and returns false on a bad value.
 */
#include "settings/settings_internal.h"
#include "common/hex.h"
#include "common/textcheck.h"
#include "common/utf8.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* ------------------------------------------------------------------------
 * Small text helpers. ASCII-only on purpose: <ctype.h> follows the locale,
 * and the kiosk's parsing must not change with LANG.
 */

bool settings_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Trims ASCII whitespace from both ends of s[0..*len); returns the start. */
const char *settings_trim(const char *s, size_t *len)
{
    while (*len && settings_is_space(*s)) {
        s++;
        (*len)--;
    }
    while (*len && settings_is_space(s[*len - 1]))
        (*len)--;
    return s;
}

bool settings_span_eq(const char *s, size_t len, const char *word)
{
    return strlen(word) == len && memcmp(s, word, len) == 0;
}

/* Copies s[0..len) into buf for a message: at most SHOWN_MAX bytes, cut on
 * a character boundary and marked "...", control characters and invalid
 * bytes as '?'. File content must not put escape sequences on a terminal,
 * and a 1000-byte value would drown the message it is part of. */
const char *settings_shown(char buf[SHOWN_SIZE], const char *s, size_t len)
{
    size_t o = 0, i = 0;
    while (i < len) {
        const unsigned char *p = (const unsigned char *)s + i;
        size_t seq = utf8_valid_seq(p, len - i);
        /* control and format characters as '?' (a bidi override would
         * reverse the rest of the technician's terminal line) */
        bool hidden = !text_char_shown((const char *)p, seq);
        size_t out = hidden ? 1 : seq;
        if (o + out > SHOWN_MAX) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        if (hidden)
            buf[o] = '?';
        else
            memcpy(buf + o, p, seq);
        o += out;
        i += seq ? seq : 1;
    }
    buf[o] = '\0';
    return buf;
}

/* ------------------------------------------------------------------------
 * Paths
 */

/* Joins base and rel (rel alone when it is absolute or base is NULL) and
 * drops "." components and repeated or trailing slashes. ".." is kept on
 * purpose: folding it away by text is wrong when a directory on the way is
 * a symlink. Idempotent, which settings_write's round trip relies on.
 * Returns a malloc'd string, or NULL when out of memory. */
static char *path_resolve(const char *base, const char *rel)
{
    size_t bl = (rel[0] == '/' || !base) ? 0 : strlen(base);
    size_t rl = strlen(rel);
    char *p = malloc(bl + 1 + rl + 1);
    if (!p)
        return NULL;
    if (bl) {
        memcpy(p, base, bl);
        p[bl] = '/';
        memcpy(p + bl + 1, rel, rl + 1);
    } else {
        memcpy(p, rel, rl + 1);
    }
    /* In place: the output never gets ahead of the input. */
    size_t r = 0, o = 0;
    if (p[0] == '/')
        p[o++] = '/';
    while (p[r]) {
        while (p[r] == '/')
            r++;
        size_t start = r;
        while (p[r] && p[r] != '/')
            r++;
        size_t n = r - start;
        if (n == 0 || (n == 1 && p[start] == '.'))
            continue;
        if (o > 0 && p[o - 1] != '/')
            p[o++] = '/';
        memmove(p + o, p + start, n);
        o += n;
    }
    if (o == 0)
        p[o++] = '.';
    p[o] = '\0';
    return p;
}

/* dir made absolute against the current directory (NULL or "" = the
 * current directory itself), normalised. Falls back to the relative form
 * if the current directory cannot be found. NULL when out of memory. */
char *settings_absolute_path(const char *dir)
{
    if (!dir || !*dir)
        dir = ".";
    if (dir[0] == '/')
        return path_resolve(NULL, dir);
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return path_resolve(NULL, dir);
    return path_resolve(cwd, dir);
}

/* ------------------------------------------------------------------------
 * Typed values. Each parser fills why (the part after "key = value: ") and
 * returns false on a bad value; the destination is untouched then.
 */

/* Whole decimal number with an optional '-'; no '+', spaces or units. */
static bool parse_long(const char *v, long *out)
{
    bool neg = *v == '-';
    if (neg)
        v++;
    if (!*v)
        return false;
    long x = 0;
    for (; *v; v++) {
        if (!is_digit(*v))
            return false;
        if (x > 100000000L) /* far outside every range; stop before overflow */
            x = 1000000000L;
        else
            x = x * 10 + (*v - '0');
    }
    *out = neg ? -x : x;
    return true;
}

/* Decimal with at most two decimals, in hundredths ("1.25" -> 125). Done
 * by hand rather than with strtod, which would follow LC_NUMERIC and accept
 * "inf", "0x1p0" and friends. */
static bool parse_hundredths(const char *v, long *out)
{
    long whole;
    const char *dot = strchr(v, '.');
    /* parse_long caps at 10^9; keep whole * 100 inside a 32-bit long too. */
    char intpart[16];
    size_t il = dot ? (size_t)(dot - v) : strlen(v);
    if (il == 0 || il >= sizeof intpart)
        return false;
    memcpy(intpart, v, il);
    intpart[il] = '\0';
    if (!parse_long(intpart, &whole) || whole < 0 || whole > 1000000)
        return false;
    long frac = 0;
    if (dot) {
        size_t fl = strlen(dot + 1);
        if (fl == 0 || fl > 2 || !is_digit(dot[1]) || (fl == 2 && !is_digit(dot[2])))
            return false;
        frac = (dot[1] - '0') * 10 + (fl == 2 ? dot[2] - '0' : 0);
    }
    *out = whole * 100 + frac;
    return true;
}

/* "1.50" for 150, the form settings_write uses (locale-proof, unlike %f). */
void settings_format_hundredths(long h, char *buf, size_t size)
{
    snprintf(buf, size, "%ld.%02ld", h / 100, h % 100);
}

static bool parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (!strcasecmp(v, yes[i])) {
            *out = true;
            return true;
        }
        if (!strcasecmp(v, no[i])) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* Calls fn for each comma-separated entry of v, trimmed, with its 1-based
 * number; stops at the first false. An empty v has no entries. */
typedef bool (*entry_fn)(void *state, int n, const char *item, size_t len,
                         char *why, size_t wsize);

static bool for_each_entry(const char *v, entry_fn fn, void *state,
                           char *why, size_t wsize)
{
    if (!*v)
        return true;
    int n = 1;
    for (const char *p = v;; n++) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *item = settings_trim(p, &len);
        if (len == 0) {
            snprintf(why, wsize, "entry %d is empty (a stray comma?)", n);
            return false;
        }
        if (!fn(state, n, item, len, why, wsize))
            return false;
        if (!comma)
            return true;
        p = comma + 1;
    }
}

typedef struct langs_state {
    char langs[SETTINGS_MAX_LANGS][LANG_CODE_SIZE];
    int n;
} langs_state;

static bool lang_entry(void *state, int n, const char *item, size_t len,
                       char *why, size_t wsize)
{
    langs_state *st = state;
    char show[SHOWN_SIZE];
    if (!lang_code_ok(item, len)) {
        snprintf(why, wsize, "'%s' is not a language code (%s)",
                 settings_shown(show, item, len), LANG_CODE_RULE);
        return false;
    }
    for (int i = 0; i < st->n; i++) {
        if (settings_span_eq(item, len, st->langs[i])) {
            snprintf(why, wsize, "'%s' is listed twice", st->langs[i]);
            return false;
        }
    }
    if (st->n == SETTINGS_MAX_LANGS) {
        snprintf(why, wsize, "at most %d languages", SETTINGS_MAX_LANGS);
        return false;
    }
    memcpy(st->langs[st->n], item, len);
    st->langs[st->n++][len] = '\0';
    return true;
}

typedef struct readers_state {
    reader_id readers[SETTINGS_MAX_READERS];
    int n;
} readers_state;

static bool read_hex4(const char *s, unsigned short *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hex_digit((unsigned char)s[i]);
        if (h < 0)
            return false;
        v = v * 16 + (unsigned)h;
    }
    *out = (unsigned short)v;
    return true;
}

static bool reader_entry(void *state, int n, const char *item, size_t len,
                         char *why, size_t wsize)
{
    readers_state *st = state;
    char show[SHOWN_SIZE];
    reader_id r;
    /* VVVV:PPPP/transport, the IDs exactly as lsusb prints them. */
    if (len < 10 || item[4] != ':' || item[9] != '/' ||
        !read_hex4(item, &r.vid) || !read_hex4(item + 5, &r.pid)) {
        snprintf(why, wsize, "entry %d '%s' is not VID:PID/TRANSPORT "
                 "(4 hex digits each as lsusb shows them, e.g. 0400:c35a/bulk)",
                 n, settings_shown(show, item, len));
        return false;
    }
    const char *t = item + 10;
    size_t tl = len - 10;
    if (tl == 4 && !strncasecmp(t, "bulk", 4)) {
        r.transport = READER_BULK;
    } else if (tl == 3 && !strncasecmp(t, "hid", 3)) {
        r.transport = READER_HID;
    } else {
        snprintf(why, wsize, "entry %d '%s': the transport must be bulk or hid",
                 n, settings_shown(show, item, len));
        return false;
    }
    for (int i = 0; i < st->n; i++) {
        if (st->readers[i].vid == r.vid && st->readers[i].pid == r.pid) {
            snprintf(why, wsize, "%04x:%04x is listed twice (entries %d and %d)",
                     r.vid, r.pid, i + 1, n);
            return false;
        }
    }
    if (st->n == SETTINGS_MAX_READERS) {
        snprintf(why, wsize, "more than %d readers", SETTINGS_MAX_READERS);
        return false;
    }
    st->readers[st->n++] = r;
    return true;
}

/* Replaces the string at *slot with a copy of v (NULL for NULL). */
static bool replace_string(char **slot, const char *v, char *why, size_t wsize)
{
    char *copy = NULL;
    if (v && !(copy = strdup(v))) {
        snprintf(why, wsize, "out of memory");
        return false;
    }
    free(*slot);
    *slot = copy;
    return true;
}

/* Stores v as the text in the language that key name ("site_name.en")
 * names, in the list of family k, replacing an earlier one in that
 * language. */
bool settings_set_lang_text(settings *s, const key_def *k, const char *name,
                          const char *v, char *why, size_t wsize)
{
    const char *lang = settings_lang_of_key(name);
    if (!lang || !lang_code_ok(lang, strlen(lang))) {
        snprintf(why, wsize, "'%s' after the '.' is not a language code (%s)",
                 lang ? lang : "", LANG_CODE_RULE);
        return false;
    }
    if (!*v) {
        snprintf(why, wsize, "must not be empty");
        return false;
    }
    /* Shown to residents like a catalogue name: the same visible-text
     * rule (no bidi overrides or zero-width tricks, something to see). */
    text_problem tp;
    if (!text_check_visible(v, strlen(v), TEXT_NEED_VISIBLE, &tp)) {
        text_problem_describe(&tp, why, wsize);
        return false;
    }
    settings_text *list = (settings_text *)((char *)s + k->offset);
    int *n = (int *)((char *)s + k->count_offset);
    int at = *n;
    for (int i = 0; i < *n; i++)
        if (!strcmp(list[i].lang, lang))
            at = i;
    if (at == SETTINGS_MAX_SITE_NAMES) {
        snprintf(why, wsize, "at most %d languages", SETTINGS_MAX_SITE_NAMES);
        return false;
    }
    char *copy = strdup(v);
    if (!copy) {
        snprintf(why, wsize, "out of memory");
        return false;
    }
    if (at == *n) {
        snprintf(list[at].lang, sizeof list[at].lang, "%s", lang);
        (*n)++;
    } else {
        free(list[at].text);
    }
    list[at].text = copy;
    return true;
}

/* Parses v as key k's type and stores it in s. Relative paths resolve
 * against s->base_dir, which must be set. */
bool settings_set_value(settings *s, const key_def *k, const char *v,
                      char *why, size_t wsize)
{
    char *field = (char *)s + k->offset;
    switch (k->type) {
    case KT_INT: {
        long x;
        if (!parse_long(v, &x) || x < (long)k->min || x > (long)k->max) {
            snprintf(why, wsize, "must be a whole number%s%s from %ld to %ld",
                     k->unit ? " of " : "", k->unit ? k->unit : "",
                     (long)k->min, (long)k->max);
            return false;
        }
        *(int *)field = (int)x;
        return true;
    }
    case KT_DOUBLE: {
        long h, lo = lround(k->min * 100), hi = lround(k->max * 100);
        if (!parse_hundredths(v, &h) || h < lo || h > hi) {
            char a[24], b[24];
            settings_format_hundredths(lo, a, sizeof a);
            settings_format_hundredths(hi, b, sizeof b);
            snprintf(why, wsize, "must be a number from %s to %s with at most two decimals", a, b);
            return false;
        }
        *(double *)field = (double)h / 100.0;
        return true;
    }
    case KT_BOOL:
        if (!parse_bool(v, (bool *)field)) {
            snprintf(why, wsize, "must be yes or no (true/false, on/off and 1/0 also work)");
            return false;
        }
        return true;
    case KT_ENUM:
        for (int i = 0; k->choices[i]; i++) {
            if (!strcasecmp(v, k->choices[i])) {
                *(int *)field = i;
                return true;
            }
        }
        snprintf(why, wsize, "must be one of:");
        for (int i = 0; k->choices[i]; i++) {
            size_t used = strlen(why);
            snprintf(why + used, wsize - used, "%s %s", i ? "," : "", k->choices[i]);
        }
        return false;
    case KT_STRING:
        if (strlen(v) < (size_t)k->min) {
            snprintf(why, wsize, "must not be empty");
            return false;
        }
        return replace_string((char **)field, v, why, wsize);
    case KT_PHONE: {
        size_t len = strlen(v);
        bool ok = len >= (size_t)k->min && len <= (size_t)k->max;
        for (const char *p = v; ok && *p; p++)
            ok = is_digit(*p) || *p == '-';
        if (!ok) {
            snprintf(why, wsize, "must be %d to %d digits or '-', e.g. 12345 or 0571-87654321",
                     (int)k->min, (int)k->max);
            return false;
        }
        return replace_string((char **)field, v, why, wsize);
    }
    case KT_PATH: {
        if (!*v) {
            if (k->min > 0) {
                snprintf(why, wsize, "must not be empty");
                return false;
            }
            return replace_string((char **)field, NULL, why, wsize);
        }
        if (v[0] == '"' || v[0] == '\'') {
            snprintf(why, wsize, "must not be quoted (values are taken literally)");
            return false;
        }
        char *abs = path_resolve(s->base_dir, v);
        if (!abs) {
            snprintf(why, wsize, "out of memory");
            return false;
        }
        /* "dir /" would otherwise become "dir " -- a trailing space that no
         * technician can see, and that the file could not carry back. */
        if (abs[strlen(abs) - 1] == ' ') {
            free(abs);
            snprintf(why, wsize, "must not end in a space");
            return false;
        }
        free(*(char **)field);
        *(char **)field = abs;
        return true;
    }
    case KT_LANGS: {
        langs_state st = {.n = 0};
        if (!for_each_entry(v, lang_entry, &st, why, wsize))
            return false;
        if (st.n == 0) {
            snprintf(why, wsize, "must list at least one language, e.g. zh, en");
            return false;
        }
        memcpy(field, st.langs, sizeof st.langs);
        *(int *)((char *)s + k->count_offset) = st.n;
        return true;
    }
    case KT_LANG:
        if (!lang_code_ok(v, strlen(v))) {
            snprintf(why, wsize, "must be a language code (%s)", LANG_CODE_RULE);
            return false;
        }
        snprintf(field, LANG_CODE_SIZE, "%s", v);
        return true;
    case KT_LTEXT:
        return settings_set_lang_text(s, k, k->pub.name, v, why, wsize);
    case KT_READERS: {
        readers_state st = {.n = 0};
        if (!for_each_entry(v, reader_entry, &st, why, wsize))
            return false;
        memcpy(field, st.readers, sizeof st.readers);
        *(int *)((char *)s + k->count_offset) = st.n;
        return true;
    }
    case KT_CODE:
    case KT_DIGITS: {
        size_t len = strlen(v);
        bool ok = len >= (size_t)k->min && len <= (size_t)k->max;
        for (const char *p = v; ok && *p; p++)
            ok = is_digit(*p) || (k->type == KT_CODE &&
                                  ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                                   *p == '-' || *p == '_' || *p == '.'));
        if (!ok) {
            const char *what = k->type == KT_CODE ? "letters, digits, '-', '_' or '.'" : "digits";
            if (k->min > 0)
                snprintf(why, wsize, "must be %d to %d %s, e.g. %s", (int)k->min, (int)k->max,
                         what, k->unit);
            else
                snprintf(why, wsize, "must be empty or up to %d %s, e.g. %s", (int)k->max,
                         what, k->unit);
            return false;
        }
        return replace_string((char **)field, v, why, wsize);
    }
    case KT_REASONS:
        return settings_reasons_set(s, v, why, wsize);
    }
    snprintf(why, wsize, "internal error: unknown key type");
    return false;
}

