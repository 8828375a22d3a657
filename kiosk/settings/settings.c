/*
 * settings: kiosk.conf. settings.h is the contract; this file holds the key
 * table and everything that walks it (defaults, parsing, checks, writing,
 * comparing).
 *
 * How a file is read
 * ------------------
 * inih (Debian's libinih 55) drives the parse through line_reader(), which
 * is the lexer of record for the shape of each line. Four properties of that
 * build make this necessary:
 *   1. It is built without INI_HANDLER_LINENO, so the handler is never told
 *      the line number. The reader counts physical lines; inih finishes one
 *      line (calling the handler at most once) before it asks for the next,
 *      so ctx->lineno is the line of the key the handler is looking at.
 *   2. It is built with INI_ALLOW_MULTILINE, so an indented line is handed
 *      to the handler as more of the previous key's value: an indented
 *      "height = 1920" under "width = 1080" would quietly become part of
 *      width. The reader strips indentation before inih sees a line, so
 *      indentation means nothing in kiosk.conf and there are no continuation
 *      lines; a line that only makes sense as a continuation is reported
 *      with a hint saying so.
 *   3. Its line buffer is 200 bytes on the stack, and a longer line would
 *      reach it as two lines. The reader hands inih whole lines only; a key
 *      line too long for the buffer goes through as "name=" while the value
 *      waits in ctx->value_buf (a full reader list is ~512 bytes).
 *   4. ini_parse_stream reports only the first malformed line. The reader
 *      reports every one, saying what is wrong, and hands inih an empty line
 *      instead; inih's own return value still becomes a diagnostic, in case
 *      its rules and ours ever differ (another libinih build, say).
 * The reader also tracks the current [section] itself, since it has to look
 * at every header anyway to report unknown ones at their own line.
 *
 * Values are checked in three layers: the text (length, control characters,
 * UTF-8), then type and range in set_value() -- which the defaults go
 * through too, so a default can never be a value the parser would refuse --
 * and last the rules between keys and against the file system
 * (check_after_parse).
 */
#include "settings/settings.h"
#include "common/suggest.h"
#include "common/hex.h"
#include "common/textfile.h"
#include "common/utf8.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------------
 * The table
 */

typedef enum key_type {
    KT_INT, KT_BOOL, KT_DOUBLE, KT_STRING, KT_PHONE, KT_PATH, KT_ENUM,
    KT_LANG, KT_LANGS, KT_LTEXT, KT_READERS
} key_type;

/* What check_after_parse verifies on the file system for a path key. */
typedef enum path_check {
    PC_NONE,
    PC_FILE,            /* a readable regular file */
    PC_DIR,             /* an existing directory */
    PC_DIR_OR_PARENT    /* a directory, or absent with an existing parent
                           (the kiosk creates the last level itself) */
} path_check;

typedef struct key_def {
    settings_key pub;       /* first, so settings_key_at can hand it out */
    key_type type;
    size_t offset;          /* of the field in struct settings */
    size_t count_offset;    /* lists: of the int holding the entry count */
    double min, max;        /* int and double: range; string, path: the
                               minimum length (0 = may be empty) in min */
    const char *unit;       /* int: "seconds" etc. for messages; may be NULL */
    const char *const *choices; /* enum: NULL-terminated, index = value */
    path_check check;
} key_def;

static const char *const simulate_choices[] = {"auto", "on", "off", NULL};
static const char *const renderer_choices[] = {"software", "accelerated", NULL};

/* Each row is one key. The default is text exactly as a technician would
 * write it, and goes through the same parser as the file: settings_defaults
 * and "an empty kiosk.conf" cannot disagree. */
#define F(field) offsetof(settings, field)
#define KEY_INT(sec, name, field, lo, hi, def, unit_, help) \
    {{sec, name, "int", def, help}, KT_INT, F(field), 0, lo, hi, unit_, NULL, PC_NONE}
#define KEY_BOOL(sec, name, field, def, help) \
    {{sec, name, "bool", def, help}, KT_BOOL, F(field), 0, 0, 1, NULL, NULL, PC_NONE}
#define KEY_DOUBLE(sec, name, field, lo, hi, def, help) \
    {{sec, name, "double", def, help}, KT_DOUBLE, F(field), 0, lo, hi, NULL, NULL, PC_NONE}
#define KEY_STRING(sec, name, field, minlen, def, help) \
    {{sec, name, "string", def, help}, KT_STRING, F(field), 0, minlen, SETTINGS_MAX_VALUE, NULL, NULL, PC_NONE}
#define KEY_PHONE(sec, name, field, def, help) \
    {{sec, name, "phone", def, help}, KT_PHONE, F(field), 0, 3, 20, NULL, NULL, PC_NONE}
#define KEY_PATH(sec, name, field, minlen, check_, def, help) \
    {{sec, name, "path", def, help}, KT_PATH, F(field), 0, minlen, SETTINGS_MAX_VALUE, NULL, NULL, check_}
#define KEY_ENUM(sec, name, field, choices_, def, help) \
    {{sec, name, "enum", def, help}, KT_ENUM, F(field), 0, 0, 0, NULL, choices_, PC_NONE}
#define KEY_LANG(sec, name, field, def, help) \
    {{sec, name, "lang", def, help}, KT_LANG, F(field), 0, 0, 0, NULL, NULL, PC_NONE}
#define KEY_LTEXT(sec, name, field, count, def, help) \
    {{sec, name, "lang-text", def, help}, KT_LTEXT, F(field), F(count), 1, SETTINGS_MAX_VALUE, NULL, NULL, PC_NONE}
#define KEY_LANGS(sec, name, field, count, def, help) \
    {{sec, name, "lang-list", def, help}, KT_LANGS, F(field), F(count), 1, SETTINGS_MAX_LANGS, NULL, NULL, PC_NONE}
#define KEY_READERS(sec, name, field, count, def, help) \
    {{sec, name, "reader-list", def, help}, KT_READERS, F(field), F(count), 0, SETTINGS_MAX_READERS, NULL, NULL, PC_NONE}

static const key_def keys[] = {
    KEY_INT("display", "width", width, 480, 7680, "1080", "pixels", "Screen width in pixels (屏幕宽度); portrait screens are narrower than tall"),
    KEY_INT("display", "height", height, 480, 7680, "1920", "pixels", "Screen height in pixels (屏幕高度); set width and height together"),
    KEY_BOOL("display", "fullscreen", fullscreen, "yes", "Cover the whole screen without a window frame (全屏); no is for testing on a desktop"),
    KEY_INT("display", "display_index", display_index, 0, 7, "0", NULL, "Which monitor to use when several are connected, 0 = the first (显示器编号)"),
    KEY_BOOL("display", "show_cursor", show_cursor, "no", "Show the mouse pointer (显示鼠标指针); no on a touch screen"),
    KEY_ENUM("display", "renderer", renderer, renderer_choices, "software", "How frames are drawn (渲染方式): software = CPU, same on every panel PC; accelerated = GPU driver, only with a real GPU"),
    KEY_PATH("fonts", "regular", font_regular, 0, PC_FILE, "", "Font file for body text (常规字体); empty = auto: Noto Sans CJK face 2, else WenQuanYi Micro Hei face 0"),
    KEY_INT("fonts", "regular_index", font_regular_index, 0, 15, "2", NULL, "Face inside the regular .ttc collection, used when regular is set (字体序号); 2 = Simplified Chinese in Noto Sans CJK"),
    KEY_PATH("fonts", "bold", font_bold, 0, PC_FILE, "", "Font file for headings (粗体); empty = auto: Noto Sans CJK Bold face 2, else the regular font"),
    KEY_INT("fonts", "bold_index", font_bold_index, 0, 15, "2", NULL, "Face inside the bold .ttc collection, used when bold is set"),
    KEY_DOUBLE("fonts", "scale", font_scale, 0.75, 1.5, "1.0", "Multiplies every text size (字号缩放); 1.0 = as designed, at most two decimals"),
    KEY_LANGS("ui", "languages", langs, n_langs, "zh, en", "UI languages, comma separated (界面语言), each with assets/strings/<code>.json; the first is the default"),
    KEY_LANG("ui", "fallback_language", fallback_lang, "zh", "Language shown where a text lacks the UI language (后备语言); one of languages"),
    KEY_BOOL("ui", "large_font", large_font, "no", "Start every session in large-font mode (大字模式)"),
    KEY_BOOL("ui", "high_contrast", high_contrast, "no", "Start every session in high-contrast colours (高对比度)"),
    KEY_LTEXT("ui", "site_name.zh", site_names, n_site_names, "文新街道便民服务中心", "Site name shown on the home screen (网点名称), one site_name.<code> line per language"),
    KEY_LTEXT("ui", "site_name.en", site_names, n_site_names, "Wenxin Subdistrict Service Centre", "Site name in English; a language without a site_name line shows the fallback's"),
    KEY_PHONE("ui", "hotline", hotline, "12345", "Help phone number shown on every screen (服务热线); digits and '-'"),
    KEY_INT("session", "idle_timeout", idle_timeout, 15, 1800, "90", "seconds", "No touch for this long opens the 'need more time?' dialog (空闲超时)"),
    KEY_INT("session", "idle_warning", idle_warning, 20, 300, "30", "seconds", "Countdown in that dialog before the session ends and its data is cleared (超时倒计时); less than idle_timeout"),
    KEY_INT("session", "attract_after", attract_after, 10, 3600, "120", "seconds", "No touch on the home screen for this long starts the attract loop (待机轮播)"),
    KEY_PATH("catalog", "path", catalog_path, 1, PC_FILE, "catalog.json", "Service catalogue JSON file (事项清单); must exist and be readable"),
    KEY_PATH("paths", "data_dir", data_dir, 1, PC_DIR_OR_PARENT, "../var", "Writable directory for logs and counters (数据目录); created if missing, its parent must exist"),
    KEY_PATH("paths", "assets_dir", assets_dir, 1, PC_DIR, "../assets", "Directory of images, icons and UI strings (资源目录); must exist"),
    KEY_ENUM("idcard", "simulate", idcard_simulate, simulate_choices, "auto", "ID card reader simulation (身份证读卡器模拟): auto = only when no reader is found, on = always, off = never"),
    KEY_BOOL("idcard", "remove_ends_session", idcard_remove_ends_session, "no", "Taking the card off the reader ends the session (取卡结束会话)"),
    KEY_INT("idcard", "transfer_timeout_ms", idcard_timeout_ms, 50, 10000, "1000", "milliseconds", "Timeout of one USB transfer to the reader (读卡超时)"),
    KEY_READERS("idcard", "readers", readers, n_readers, "0400:c35a/bulk, 0316:5020/bulk, 10c4:0007/hid", "USB readers to look for: VID:PID/transport, hex as lsusb shows it, transport bulk or hid"),
};

#define N_KEYS (sizeof keys / sizeof keys[0])

/* In file order; every key's section must be one of these (a unit test
 * checks), and settings_write walks this list. */
static const struct {
    const char *name;
    const char *help;
} sections[] = {
    {"display", "The screen (显示屏)"},
    {"fonts", "Fonts (字体)"},
    {"ui", "What the user sees (界面)"},
    {"session", "Session timing in seconds (会话)"},
    {"catalog", "Service catalogue (事项清单)"},
    {"paths", "Directories (目录)"},
    {"idcard", "ID card reader (身份证读卡器)"},
};

#define N_SECTIONS ((int)(sizeof sections / sizeof sections[0]))

/* The enum is stored through an int lvalue (the table has no per-type
 * setter); this keeps that honest if the enum ever grows a wider value. */
_Static_assert(sizeof(simulate_mode) == sizeof(int), "enum stored as int");
_Static_assert(sizeof(renderer_mode) == sizeof(int), "enum stored as int");

size_t settings_key_count(void)
{
    return N_KEYS;
}

const settings_key *settings_key_at(size_t i)
{
    return i < N_KEYS ? &keys[i].pub : NULL;
}

_Static_assert(sizeof keys / sizeof keys[0] <= SETTINGS_MAX_KEYS,
               "raise SETTINGS_MAX_KEYS");

int settings_key_line(const settings *s, const char *section, const char *name)
{
    for (size_t i = 0; i < N_KEYS; i++)
        if (!strcmp(keys[i].pub.section, section) && !strcmp(keys[i].pub.name, name))
            return s->key_line[i];
    return 0;
}

/* ------------------------------------------------------------------------
 * Small text helpers. ASCII-only on purpose: <ctype.h> follows the locale,
 * and the kiosk's parsing must not change with LANG.
 */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Trims ASCII whitespace from both ends of s[0..*len); returns the start. */
static const char *trim(const char *s, size_t *len)
{
    while (*len && is_space(*s)) {
        s++;
        (*len)--;
    }
    while (*len && is_space(s[*len - 1]))
        (*len)--;
    return s;
}

static bool span_eq(const char *s, size_t len, const char *word)
{
    return strlen(word) == len && memcmp(s, word, len) == 0;
}

/* Room for SHOWN_MAX bytes of text plus "..." and the NUL. */
#define SHOWN_MAX 48
#define SHOWN_SIZE (SHOWN_MAX + 4)

/* Copies s[0..len) into buf for a message: at most SHOWN_MAX bytes, cut on
 * a character boundary and marked "...", control characters and invalid
 * bytes as '?'. File content must not put escape sequences on a terminal,
 * and a 1000-byte value would drown the message it is part of. */
static const char *shown(char buf[SHOWN_SIZE], const char *s, size_t len)
{
    size_t o = 0, i = 0;
    while (i < len) {
        const unsigned char *p = (const unsigned char *)s + i;
        size_t seq = utf8_valid_seq(p, len - i);
        size_t out = seq ? seq : 1;
        if (o + out > SHOWN_MAX) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        if (!seq || p[0] < 0x20 || p[0] == 0x7F)
            buf[o] = '?';
        else
            memcpy(buf + o, p, seq);
        o += out;
        i += out;
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
static char *absolute_path(const char *dir)
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
static void format_hundredths(long h, char *buf, size_t size)
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
        const char *item = trim(p, &len);
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
                 shown(show, item, len), LANG_CODE_RULE);
        return false;
    }
    for (int i = 0; i < st->n; i++) {
        if (span_eq(item, len, st->langs[i])) {
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
                 n, shown(show, item, len));
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
                 n, shown(show, item, len));
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

/* "site_name.en" -> the code after the family name's '.', or NULL. */
static const char *lang_of_key(const char *name)
{
    const char *dot = strchr(name, '.');
    return dot ? dot + 1 : NULL;
}

/* Stores v as the text in the language that key name ("site_name.en")
 * names, in the list of family k, replacing an earlier one in that
 * language. */
static bool set_lang_text(settings *s, const key_def *k, const char *name,
                          const char *v, char *why, size_t wsize)
{
    const char *lang = lang_of_key(name);
    if (!lang || !lang_code_ok(lang, strlen(lang))) {
        snprintf(why, wsize, "'%s' after the '.' is not a language code (%s)",
                 lang ? lang : "", LANG_CODE_RULE);
        return false;
    }
    if (!*v) {
        snprintf(why, wsize, "must not be empty");
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
static bool set_value(settings *s, const key_def *k, const char *v,
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
            format_hundredths(lo, a, sizeof a);
            format_hundredths(hi, b, sizeof b);
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
        return set_lang_text(s, k, k->pub.name, v, why, wsize);
    case KT_READERS: {
        readers_state st = {.n = 0};
        if (!for_each_entry(v, reader_entry, &st, why, wsize))
            return false;
        memcpy(field, st.readers, sizeof st.readers);
        *(int *)((char *)s + k->count_offset) = st.n;
        return true;
    }
    }
    snprintf(why, wsize, "internal error: unknown key type");
    return false;
}

/* ------------------------------------------------------------------------
 * Defaults, free, compare
 */

bool settings_defaults(settings *s, const char *base_dir)
{
    memset(s, 0, sizeof *s);
    s->base_dir = absolute_path(base_dir);
    if (!s->base_dir)
        return false;
    char why[256];
    for (size_t i = 0; i < N_KEYS; i++) {
        /* Fails only when out of memory: the unit tests parse every default. */
        if (!set_value(s, &keys[i], keys[i].pub.def, why, sizeof why)) {
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
    for (size_t i = 0; i < N_KEYS; i++) {
        key_type t = keys[i].type;
        if (t == KT_STRING || t == KT_PHONE || t == KT_PATH)
            free(*(char **)((char *)s + keys[i].offset));
    }
    for (int i = 0; i < s->n_site_names; i++)
        free(s->site_names[i].text);
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
    for (size_t i = 0; i < N_KEYS; i++) {
        const key_def *k = &keys[i];
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
            if (!str_eq(*(char *const *)fa, *(char *const *)fb))
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
    return true;
}

/* ------------------------------------------------------------------------
 * Parsing
 */

enum { SEC_NONE = -1, SEC_UNKNOWN = -2 };

/* Added to a message about an indented line, since it was most likely meant
 * as a continuation (which Python's configparser and Debian's inih build
 * have, and kiosk.conf does not). "0316:5020/bulk" under a readers line even
 * reads as key "0316", inih taking ':' as a separator too. */
#define INDENT_HINT "; an indented line does not continue the previous value, so keep each value on one line"

typedef struct parse_ctx {
    settings *s;
    diag_list *errors;
    const char *name;       /* file name for messages */
    size_t n_errors;        /* counted here: diag_add may drop one on OOM */
    const char *pos, *end;  /* unread part of the text */
    int lineno;             /* physical line last handed to inih */
    int section;            /* index into sections[], or SEC_* */
    bool indented;          /* this line started with a space or tab */
    bool long_value;        /* this line's value is in value_buf */
    size_t value_len;       /* its full length, may exceed the buffer */
    char value_buf[SETTINGS_MAX_VALUE + 1];
    int key_line[N_KEYS];   /* line each key was set on; 0 = not in the file */
    struct {                /* NAME.LANG keys beyond the table's rows */
        char name[40];
        int line;
    } extra[SETTINGS_MAX_SITE_NAMES];
    int n_extra;
    bool key_bad[N_KEYS];   /* its value was refused: skip later checks */
} parse_ctx;

static void report(parse_ctx *ctx, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report(parse_ctx *ctx, int line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_add(ctx->errors, ctx->name, line, 0, "%s", msg);
    ctx->n_errors++;
}

/* "[session] idle_warning = 10: why", or without " = value" when empty. */
static void report_value(parse_ctx *ctx, const key_def *k, const char *v,
                         size_t len, const char *why)
{
    char show[SHOWN_SIZE];
    if (len)
        report(ctx, ctx->lineno, "[%s] %s = %s: %s", k->pub.section, k->pub.name,
               shown(show, v, len), why);
    else
        report(ctx, ctx->lineno, "[%s] %s: %s", k->pub.section, k->pub.name, why);
}

static int find_section(const char *name, size_t len)
{
    for (int i = 0; i < N_SECTIONS; i++)
        if (span_eq(name, len, sections[i].name))
            return i;
    return SEC_UNKNOWN;
}

static int find_key(int section, const char *name)
{
    for (size_t i = 0; i < N_KEYS; i++)
        if (!strcmp(keys[i].pub.section, sections[section].name) &&
            !strcmp(keys[i].pub.name, name))
            return (int)i;
    return -1;
}

/* Index of the key whose value lives at offset (for the cross-key rules). */
static int key_at_offset(size_t offset)
{
    for (size_t i = 0; i < N_KEYS; i++)
        if (keys[i].offset == offset)
            return (int)i;
    return -1;
}

/* Mirrors inih's find_chars_or_comment: the first byte of s[0..len) that is
 * in stops, or a ';' right after whitespace (an inline comment), or len. */
static size_t find_stop(const char *s, size_t len, const char *stops)
{
    bool was_space = false;
    for (size_t i = 0; i < len; i++) {
        if (stops && s[i] && strchr(stops, s[i]))
            return i;
        if (was_space && s[i] == ';')
            return i;
        was_space = is_space(s[i]);
    }
    return len;
}

static void lex_section(parse_ctx *ctx, const char *line, size_t len)
{
    char show[SHOWN_SIZE], show2[SHOWN_SIZE];
    size_t close = 1 + find_stop(line + 1, len - 1, "]");
    if (close == len || line[close] != ']') {
        report(ctx, ctx->lineno, "section header '%s' has no closing ']'",
               shown(show, line, len));
        /* Its keys would otherwise land in the previous section and each be
         * reported as unknown there; the one error above says it all. */
        ctx->section = SEC_UNKNOWN;
        return;
    }
    size_t nlen = close - 1;
    const char *name = trim(line + 1, &nlen);
    size_t rlen = len - close - 1;
    const char *rest = trim(line + close + 1, &rlen);
    ctx->section = find_section(name, nlen);
    /* inih ignores anything after ']', so "[display] width = 800" would drop
     * the width without a word. */
    if (rlen && rest[0] != ';' && rest[0] != '#')
        report(ctx, ctx->lineno, "unexpected text '%s' after [%s]; put each key on a line of its own",
               shown(show, rest, rlen), shown(show2, name, nlen));
    if (ctx->section != SEC_UNKNOWN)
        return;

    char key[40];
    snprintf(key, sizeof key, "%.*s", (int)(nlen < 39 ? nlen : 39), name);
    int best = -1, best_d = 3;
    for (int i = 0; i < N_SECTIONS; i++) {
        int d = nlen < 39 ? suggest_distance(key, sections[i].name) : INT_MAX;
        if (d < best_d) {
            best_d = d;
            best = i;
        }
    }
    if (best >= 0) {
        report(ctx, ctx->lineno, "unknown section [%s]; did you mean [%s]?",
               shown(show, name, nlen), sections[best].name);
        return;
    }
    char list[160] = "";
    for (int i = 0; i < N_SECTIONS; i++) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", sections[i].name);
    }
    report(ctx, ctx->lineno, "unknown section [%s] (known sections: %s)",
           shown(show, name, nlen), list);
}

/* Hands inih a key line as "name=value" -- or "name=" with the value in
 * ctx->value_buf when that does not fit its buffer -- and reports lines that
 * are not key lines (inih gets "" for those). */
static void lex_key(parse_ctx *ctx, const char *line, size_t len, bool indented,
                    char *buf, size_t size)
{
    char show[SHOWN_SIZE];
    size_t sep = find_stop(line, len, "=:");
    if (sep == len || line[sep] == ';') {
        report(ctx, ctx->lineno, "'%s' is not a 'key = value' line, a [section] header or a comment%s",
               shown(show, line, len), indented ? INDENT_HINT : "");
        return;
    }
    size_t nlen = sep;
    const char *name = trim(line, &nlen);
    if (nlen == 0) {
        report(ctx, ctx->lineno, "missing key name before '%c'", line[sep]);
        return;
    }
    /* The value as inih would cut it: comment search starts right after the
     * separator, then both ends are trimmed. */
    const char *value = line + sep + 1;
    size_t vlen = find_stop(value, len - sep - 1, NULL);
    value = trim(value, &vlen);

    if (nlen + 1 + vlen < size) {
        memcpy(buf, name, nlen);
        buf[nlen] = '=';
        memcpy(buf + nlen + 1, value, vlen);
        buf[nlen + 1 + vlen] = '\0';
        return;
    }
    if (nlen + 1 < size) {
        memcpy(buf, name, nlen);
        memcpy(buf + nlen, "=", 2);
        ctx->long_value = true;
        ctx->value_len = vlen;
        size_t keep = vlen < SETTINGS_MAX_VALUE ? vlen : SETTINGS_MAX_VALUE;
        memcpy(ctx->value_buf, value, keep);
        ctx->value_buf[keep] = '\0';
        return;
    }
    report(ctx, ctx->lineno, "key name '%s' is too long", shown(show, name, nlen));
}

/* inih's reader: one physical line per call (see the top of this file). */
static char *line_reader(char *buf, int size, void *stream)
{
    parse_ctx *ctx = stream;
    if (ctx->pos >= ctx->end || size < 2)
        return NULL;
    const char *line = ctx->pos;
    const char *nl = memchr(line, '\n', (size_t)(ctx->end - line));
    size_t len = nl ? (size_t)(nl - line) : (size_t)(ctx->end - line);
    ctx->pos = nl ? nl + 1 : ctx->end;
    ctx->lineno++;
    ctx->long_value = false;
    buf[0] = '\0';

    if (len && line[len - 1] == '\r') /* CRLF from Windows editors */
        len--;
    if (ctx->lineno == 1 && len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3)) {
        line += 3; /* Notepad's UTF-8 byte order mark */
        len -= 3;
    }
    bool indented = len && (line[0] == ' ' || line[0] == '\t');
    ctx->indented = indented;
    line = trim(line, &len);
    if (len == 0 || line[0] == ';' || line[0] == '#')
        return buf;
    if (line[0] == '[')
        lex_section(ctx, line, len);
    else
        lex_key(ctx, line, len, indented, buf, (size_t)size);
    return buf;
}

static void report_unknown_key(parse_ctx *ctx, const char *name)
{
    char show[SHOWN_SIZE];
    const char *sec = sections[ctx->section].name;
    const char *hint = ctx->indented ? INDENT_HINT : "";
    shown(show, name, strlen(name));
    for (size_t i = 0; i < N_KEYS; i++) {
        if (!strcmp(keys[i].pub.name, name)) {
            report(ctx, ctx->lineno, "unknown key '%s' in [%s]; it belongs in [%s]%s",
                   show, sec, keys[i].pub.section, hint);
            return;
        }
    }
    /* Closest name, preferring this section on a tie. */
    int best = -1, best_d = 3;
    for (size_t i = 0; i < N_KEYS; i++) {
        int d = suggest_distance(name, keys[i].pub.name);
        bool here = !strcmp(keys[i].pub.section, sec);
        if (d < best_d || (d == best_d && here && best >= 0 &&
                           strcmp(keys[best].pub.section, sec))) {
            best_d = d;
            best = (int)i;
        }
    }
    if (best >= 0 && !strcmp(keys[best].pub.section, sec)) {
        report(ctx, ctx->lineno, "unknown key '%s' in [%s]; did you mean '%s'?%s",
               show, sec, keys[best].pub.name, hint);
        return;
    }
    if (best >= 0) {
        report(ctx, ctx->lineno, "unknown key '%s' in [%s]; did you mean '%s' in [%s]?%s",
               show, sec, keys[best].pub.name, keys[best].pub.section, hint);
        return;
    }
    char list[256] = "";
    for (size_t i = 0; i < N_KEYS; i++) {
        if (strcmp(keys[i].pub.section, sec))
            continue;
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", *list ? ", " : "", keys[i].pub.name);
    }
    report(ctx, ctx->lineno, "unknown key '%s' in [%s] (known keys: %s)%s", show, sec, list, hint);
}

/* Checks the text of a value whatever its type; why says what is wrong. */
static bool check_text(const char *v, size_t len, char *why, size_t wsize)
{
    if (len > SETTINGS_MAX_VALUE) {
        snprintf(why, wsize, "the value is %zu bytes long; at most %d are allowed",
                 len, SETTINGS_MAX_VALUE);
        return false;
    }
    for (size_t i = 0; i < len;) {
        const unsigned char *p = (const unsigned char *)v + i;
        if (p[0] < 0x20 || p[0] == 0x7F) {
            snprintf(why, wsize, "contains control character 0x%02X", p[0]);
            return false;
        }
        size_t seq = utf8_valid_seq(p, len - i);
        if (!seq) {
            snprintf(why, wsize, "is not valid UTF-8 (save kiosk.conf as UTF-8, not GBK)");
            return false;
        }
        i += seq;
    }
    /* A written-back "key = ;x" would read as an empty value. */
    if (v[0] == ';') {
        snprintf(why, wsize, "must not start with ';'");
        return false;
    }
    return true;
}

/* The lang-text row whose family ("site_name") the key NAME.LANG belongs
 * to, for a LANG without a row of its own; -1 when none. */
static int find_family(int section, const char *name)
{
    const char *dot = strchr(name, '.');
    if (!dot)
        return -1;
    size_t flen = (size_t)(dot - name);
    for (size_t i = 0; i < N_KEYS; i++)
        if (keys[i].type == KT_LTEXT &&
            !strcmp(keys[i].pub.section, sections[section].name) &&
            !strncmp(keys[i].pub.name, name, flen) && keys[i].pub.name[flen] == '.')
            return (int)i;
    return -1;
}

/* site_name.fr and the like: the family's row k checks and stores it, and
 * its line is kept here for the "set twice" and language checks. */
static void on_extra_lang_key(parse_ctx *ctx, const key_def *k, const char *name,
                              const char *value, size_t vlen)
{
    char show[SHOWN_SIZE], show_value[SHOWN_SIZE];
    shown(show, name, strlen(name));
    for (int i = 0; i < ctx->n_extra; i++) {
        if (!strcmp(ctx->extra[i].name, name)) {
            report(ctx, ctx->lineno, "[%s] %s is set twice; the first is on line %d",
                   k->pub.section, show, ctx->extra[i].line);
            return;
        }
    }
    char why[512];
    bool ok = check_text(value, vlen, why, sizeof why);
    if (ok && strlen(name) >= sizeof ctx->extra[0].name) {
        snprintf(why, sizeof why, "the key name is too long");
        ok = false;
    }
    if (ok && ctx->n_extra == SETTINGS_MAX_SITE_NAMES) {
        snprintf(why, sizeof why, "at most %d languages", SETTINGS_MAX_SITE_NAMES);
        ok = false;
    }
    if (ok)
        ok = set_lang_text(ctx->s, k, name, value, why, sizeof why);
    if (!ok) {
        if (vlen)
            report(ctx, ctx->lineno, "[%s] %s = %s: %s", k->pub.section, show,
                   shown(show_value, value, vlen), why);
        else
            report(ctx, ctx->lineno, "[%s] %s: %s", k->pub.section, show, why);
        return;
    }
    snprintf(ctx->extra[ctx->n_extra].name, sizeof ctx->extra[0].name, "%s", name);
    ctx->extra[ctx->n_extra++].line = ctx->lineno;
}

/* inih's handler. section is ignored: the reader tracks sections itself. */
static int on_key(void *user, const char *section, const char *name, const char *value)
{
    (void)section;
    parse_ctx *ctx = user;
    size_t vlen = strlen(value);
    if (ctx->long_value) {
        value = ctx->value_buf;
        vlen = ctx->value_len;
    }
    if (ctx->section == SEC_UNKNOWN)
        return 1; /* reported once, at the header */
    if (ctx->section == SEC_NONE) {
        char show[SHOWN_SIZE];
        shown(show, name, strlen(name));
        for (size_t i = 0; i < N_KEYS; i++) {
            if (!strcmp(keys[i].pub.name, name)) {
                report(ctx, ctx->lineno, "key '%s' is outside any section; it belongs in [%s]",
                       show, keys[i].pub.section);
                return 1;
            }
        }
        report(ctx, ctx->lineno, "key '%s' is outside any section; start with a [section] header", show);
        return 1;
    }
    int k = find_key(ctx->section, name);
    if (k < 0 && (k = find_family(ctx->section, name)) >= 0) {
        on_extra_lang_key(ctx, &keys[k], name, value, vlen);
        return 1;
    }
    if (k < 0) {
        report_unknown_key(ctx, name);
        return 1;
    }
    const key_def *kd = &keys[k];
    if (ctx->key_line[k]) {
        report(ctx, ctx->lineno, "[%s] %s is set twice; the first is on line %d",
               kd->pub.section, kd->pub.name, ctx->key_line[k]);
        return 1;
    }
    ctx->key_line[k] = ctx->lineno;
    char why[512];
    if (!check_text(value, vlen, why, sizeof why) ||
        !set_value(ctx->s, kd, value, why, sizeof why)) {
        report_value(ctx, kd, value, vlen, why);
        ctx->key_bad[k] = true;
    }
    return 1; /* never stop inih: every problem is reported */
}

static bool reported_at(const parse_ctx *ctx, int line)
{
    for (size_t i = 0; i < ctx->errors->count; i++)
        if (ctx->errors->items[i].line == line &&
            !strcmp(ctx->errors->items[i].file, ctx->name))
            return true;
    return false;
}

/* Line of the key at offset, 0 when it came from the defaults. */
static int line_of(const parse_ctx *ctx, size_t offset)
{
    int k = key_at_offset(offset);
    return k >= 0 ? ctx->key_line[k] : 0;
}

static bool bad(const parse_ctx *ctx, size_t offset)
{
    int k = key_at_offset(offset);
    return k >= 0 && ctx->key_bad[k];
}

static void check_path(parse_ctx *ctx, size_t i)
{
    const key_def *k = &keys[i];
    if (k->type != KT_PATH || k->check == PC_NONE || ctx->key_bad[i])
        return;
    const char *p = *(char *const *)((const char *)ctx->s + k->offset);
    int line = ctx->key_line[i];
    const char *sec = k->pub.section, *name = k->pub.name;
    struct stat st;
    if (!p) /* empty font path: auto-detect, nothing to check */
        return;
    switch (k->check) {
    case PC_NONE:
        return;
    case PC_FILE:
        if (stat(p, &st) != 0)
            report(ctx, line, "[%s] %s: cannot read %s: %s", sec, name, p, strerror(errno));
        else if (!S_ISREG(st.st_mode))
            report(ctx, line, "[%s] %s: %s is not a regular file", sec, name, p);
        else if (access(p, R_OK) != 0)
            report(ctx, line, "[%s] %s: cannot read %s: %s", sec, name, p, strerror(errno));
        return;
    case PC_DIR:
        if (stat(p, &st) != 0)
            report(ctx, line, "[%s] %s: directory %s: %s", sec, name, p, strerror(errno));
        else if (!S_ISDIR(st.st_mode))
            report(ctx, line, "[%s] %s: %s is not a directory", sec, name, p);
        return;
    case PC_DIR_OR_PARENT: {
        if (stat(p, &st) == 0) {
            if (!S_ISDIR(st.st_mode))
                report(ctx, line, "[%s] %s: %s is not a directory", sec, name, p);
            return;
        }
        /* Paths are normalised and absolute, so the parent is everything
         * before the last slash ("/" for a top-level directory). */
        char *parent = strdup(p);
        if (!parent) {
            report(ctx, line, "[%s] %s: out of memory", sec, name);
            return;
        }
        char *slash = strrchr(parent, '/');
        if (slash)
            slash[slash == parent ? 1 : 0] = '\0';
        else
            strcpy(parent, "."); /* relative only if getcwd failed; fits: p is not "" */
        if (stat(parent, &st) != 0 || !S_ISDIR(st.st_mode))
            report(ctx, line, "[%s] %s: neither %s nor its parent directory exists "
                   "(the kiosk creates only the last level)", sec, name, p);
        free(parent);
        return;
    }
    }
}

static bool configured(const settings *s, const char *lang)
{
    for (int i = 0; i < s->n_langs; i++)
        if (!strcmp(s->langs[i], lang))
            return true;
    return false;
}

/* The fallback language and every site name from the file must be in
 * [ui] languages: a text nobody can switch to is a typo. */
static void check_langs(parse_ctx *ctx)
{
    const settings *s = ctx->s;
    char list[SETTINGS_MAX_LANGS * LANG_CODE_SIZE + 16] = "";
    for (int i = 0; i < s->n_langs; i++) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", s->langs[i]);
    }
    if (!bad(ctx, offsetof(settings, langs)) && !bad(ctx, offsetof(settings, fallback_lang)) &&
        !configured(s, s->fallback_lang)) {
        int lf = line_of(ctx, offsetof(settings, fallback_lang));
        report(ctx, lf ? lf : line_of(ctx, offsetof(settings, langs)),
               "[ui] fallback_language (%s) must be one of [ui] languages (%s)",
               s->fallback_lang, list);
    }
    if (bad(ctx, offsetof(settings, langs)))
        return;
    for (size_t i = 0; i < N_KEYS; i++) {
        const char *lang = lang_of_key(keys[i].pub.name);
        if (keys[i].type == KT_LTEXT && ctx->key_line[i] && !ctx->key_bad[i] &&
            !configured(s, lang))
            report(ctx, ctx->key_line[i], "[%s] %s: %s is not one of [ui] languages (%s)",
                   keys[i].pub.section, keys[i].pub.name, lang, list);
    }
    for (int i = 0; i < ctx->n_extra; i++) {
        const char *lang = lang_of_key(ctx->extra[i].name);
        if (!configured(s, lang))
            report(ctx, ctx->extra[i].line, "[ui] %s: %s is not one of [ui] languages (%s)",
                   ctx->extra[i].name, lang, list);
    }
}

/* Rules between keys and against the file system, once every key is in. */
static void check_after_parse(parse_ctx *ctx)
{
    const settings *s = ctx->s;
    int lw = line_of(ctx, offsetof(settings, width));
    int lh = line_of(ctx, offsetof(settings, height));
    /* Setting only one would pair it with the other's default, e.g. a
     * 1920 x 1920 "landscape" screen. */
    if (lw && !lh)
        report(ctx, lw, "[display] width is set but height is not; set both "
               "(e.g. width = 1920 and height = 1080 for a landscape screen)");
    if (lh && !lw)
        report(ctx, lh, "[display] height is set but width is not; set both "
               "(e.g. width = 1080 and height = 1920 for a portrait screen)");

    if (s->idle_warning >= s->idle_timeout &&
        !bad(ctx, offsetof(settings, idle_warning)) &&
        !bad(ctx, offsetof(settings, idle_timeout))) {
        int lwarn = line_of(ctx, offsetof(settings, idle_warning));
        report(ctx, lwarn ? lwarn : line_of(ctx, offsetof(settings, idle_timeout)),
               "[session] idle_warning (%d) must be less than idle_timeout (%d)",
               s->idle_warning, s->idle_timeout);
    }

    check_langs(ctx);
    for (size_t i = 0; i < N_KEYS; i++)
        check_path(ctx, i);
}

/* Parses text over the defaults already in s. */
static bool parse_into(settings *s, const char *text, size_t len,
                       const char *name, diag_list *errors)
{
    size_t first = errors->count;
    parse_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) {
        diag_add(errors, name, 0, 0, "out of memory");
        return false;
    }
    ctx->s = s;
    ctx->errors = errors;
    ctx->name = name;
    ctx->pos = text;
    ctx->end = text + len;
    ctx->section = SEC_NONE;

    int rc = ini_parse_stream(line_reader, ctx, on_key, ctx);
    if (rc > 0 && !reported_at(ctx, rc))
        report(ctx, rc, "syntax error (not a 'key = value' line, a [section] header or a comment)");
    else if (rc < 0)
        report(ctx, 0, "out of memory while parsing");
    check_after_parse(ctx);
    diag_sort(errors, first);

    bool ok = ctx->n_errors == 0;
    memcpy(s->key_line, ctx->key_line, sizeof ctx->key_line);
    free(ctx);
    return ok;
}

bool settings_parse(settings *s, const char *text, const char *name,
                    const char *base_dir, diag_list *errors)
{
    if (!name)
        name = "";
    if (!settings_defaults(s, base_dir)) {
        diag_add(errors, name, 0, 0, "out of memory");
        return false;
    }
    return parse_into(s, text, strlen(text), name, errors);
}

/* kiosk.conf is a few kilobytes; anything this big is the wrong file. */
#define MAX_FILE_SIZE (1024 * 1024)

bool settings_load(settings *s, const char *path, diag_list *errors)
{
    /* Relative paths in the file start from the file's own directory. */
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path))
                      : strdup(".");
    if (!dir) {
        diag_add(errors, path, 0, 0, "out of memory");
        return false;
    }
    bool ok = settings_defaults(s, dir);
    free(dir);
    if (!ok) {
        diag_add(errors, path, 0, 0, "out of memory");
        return false;
    }

    size_t len;
    char *text = textfile_read(path, MAX_FILE_SIZE, "kiosk.conf", &len, errors);
    if (!text)
        return false;
    s->path = absolute_path(path);
    if (!s->path) {
        free(text);
        diag_add(errors, path, 0, 0, "out of memory");
        return false;
    }
    /* Parse up to a NUL byte, then say where it is (last, as nothing after
     * it was read): a binary file or a UTF-16 save from Notepad. */
    const char *nul = memchr(text, '\0', len);
    ok = parse_into(s, text, nul ? (size_t)(nul - text) : len, path, errors);
    if (nul) {
        int line = 1;
        for (const char *p = text; p < nul; p++)
            line += *p == '\n';
        diag_add(errors, path, line, 0,
                 "contains a NUL byte; kiosk.conf must be UTF-8 text (not UTF-16)");
        ok = false;
    }
    free(text);
    return ok;
}

/* ------------------------------------------------------------------------
 * Writing
 */

static bool value_is_empty(const settings *s, const key_def *k)
{
    const char *field = (const char *)s + k->offset;
    switch (k->type) {
    case KT_STRING:
    case KT_PHONE:
    case KT_PATH: {
        const char *v = *(char *const *)field;
        return !v || !*v;
    }
    case KT_LANGS:
    case KT_READERS:
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
        format_hundredths(lround(*(const double *)field * 100), buf, sizeof buf);
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
        fputs(*(char *const *)field, out);
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
        const char *lang = lang_of_key(k->pub.name);
        const settings_text *list = (const settings_text *)field;
        for (int i = 0; i < s->n_site_names; i++)
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
        format_hundredths(lround(k->min * 100), a, sizeof a);
        format_hundredths(lround(k->max * 100), b, sizeof b);
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
    }
}

/* After the last row of a lang-text family: its languages without a row
 * of their own ("site_name.fr = ..."). */
static void write_extra_lang_texts(FILE *out, const settings *s, size_t row)
{
    const key_def *k = &keys[row];
    const char *dot = strchr(k->pub.name, '.');
    size_t flen = (size_t)(dot - k->pub.name);
    if (row + 1 < N_KEYS && keys[row + 1].type == KT_LTEXT &&
        !strncmp(keys[row + 1].pub.name, k->pub.name, flen + 1))
        return; /* not the last row yet */
    const settings_text *list = (const settings_text *)((const char *)s + k->offset);
    int n = *(const int *)((const char *)s + k->count_offset);
    for (int i = 0; i < n; i++) {
        char name[64];
        snprintf(name, sizeof name, "%.*s.%s", (int)flen, k->pub.name, list[i].lang);
        bool has_row = false;
        for (size_t j = 0; j < N_KEYS; j++)
            has_row |= !strcmp(keys[j].pub.name, name);
        if (!has_row)
            fprintf(out, "%s = %s\n", name, list[i].text);
    }
}

const char *settings_site_name(const settings *s, const char *lang)
{
    const char *fallback = NULL;
    for (int i = 0; i < s->n_site_names; i++) {
        if (lang && !strcmp(s->site_names[i].lang, lang))
            return s->site_names[i].text;
        if (!strcmp(s->site_names[i].lang, s->fallback_lang))
            fallback = s->site_names[i].text;
    }
    if (fallback)
        return fallback;
    return s->n_site_names ? s->site_names[0].text : "";
}

void settings_write(const settings *s, FILE *out)
{
    fputs("# kiosk.conf: settings of the self-service kiosk (政务服务自助一体机).\n"
          "# Check after every edit: kioskctl config check FILE\n"
          "# Relative paths start from the directory of this file. Indentation is\n"
          "# ignored and each value stays on one line; ';' after a space starts a\n"
          "# comment.\n", out);
    for (int sec = 0; sec < N_SECTIONS; sec++) {
        fprintf(out, "\n# %s\n[%s]\n", sections[sec].help, sections[sec].name);
        for (size_t i = 0; i < N_KEYS; i++) {
            const key_def *k = &keys[i];
            if (strcmp(k->pub.section, sections[sec].name))
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
        }
    }
}
