/*
 * settings: reading kiosk.conf -- the INI lexer around inih, each key's
 * value, the rules between keys and the file-system checks. settings.h is
 * the contract; the key table is in settings_keys.c, typed values in
 * settings_values.c, defaults and comparing in settings_defaults.c, writing
 * in settings_write.c (settings_internal.h is what they share).
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
#include "settings/settings_internal.h"
#include "common/suggest.h"
#include "common/textfile.h"
#include "common/utf8.h"
#include "rating/rating_sign.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ctx->section: an index into settings_sections[], or one of these;
 * SEC_PRINTER is a [printer.NAME] section, ctx->printer says which. */
enum { SEC_NONE = -1, SEC_UNKNOWN = -2, SEC_PRINTER = -3 };

/* Added to a message about an indented line, since it was most likely meant
 * as a continuation (which Python's configparser and Debian's inih build
 * have, and kiosk.conf does not). "0316:5020/bulk" under a readers line even
 * reads as key "0316", inih taking ':' as a separator too. */
#define INDENT_HINT "; an indented line does not continue the previous value, so keep each value on one line"

/* Lang-text families in the key table (site_name, staff_location): each
 * may add languages beyond its rows. */
#define LTEXT_FAMILIES 2

typedef struct parse_ctx {
    settings *s;
    diag_list *errors;
    const char *name;       /* file name for messages */
    size_t n_errors;        /* counted here: diag_add may drop one on OOM */
    const char *pos, *end;  /* unread part of the text */
    int lineno;             /* physical line last handed to inih */
    int section;            /* index into settings_sections[], or SEC_* */
    bool indented;          /* this line started with a space or tab */
    bool long_value;        /* this line's value is in value_buf */
    size_t value_len;       /* its full length, may exceed the buffer */
    char value_buf[SETTINGS_MAX_VALUE + 1];
    int key_line[SETTINGS_MAX_KEYS];   /* line each key was set on; 0 = not in the file */
    struct {                /* NAME.LANG keys beyond the table's rows */
        char name[40];
        int line;
    } extra[LTEXT_FAMILIES * SETTINGS_MAX_SITE_NAMES];
    int n_extra;
    bool key_bad[SETTINGS_MAX_KEYS];   /* its value was refused: skip later checks */
    int printer;            /* SEC_PRINTER: index into s->printers */
    int printer_key_line[SETTINGS_MAX_PRINTERS][PK_COUNT];
    bool printer_key_bad[SETTINGS_MAX_PRINTERS][PK_COUNT];
    /* [rating] reason.ID.* keys, kept until the whole file is read: they
     * depend on `reasons`, which may come after them */
    struct {
        char *name, *value;
        int line;
    } *reason_keys;
    size_t n_reason_keys, cap_reason_keys;
} parse_ctx;

/* More reason keys than a full list can use (12 reasons, a code and ten
 * labels each) is a file gone wrong, not a configuration. */
#define MAX_REASON_KEYS (SETTINGS_MAX_REASONS * (SETTINGS_MAX_SITE_NAMES + 1))

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
               settings_shown(show, v, len), why);
    else
        report(ctx, ctx->lineno, "[%s] %s: %s", k->pub.section, k->pub.name, why);
}

static int find_section(const char *name, size_t len)
{
    for (int i = 0; i < settings_n_sections; i++)
        if (settings_span_eq(name, len, settings_sections[i].name))
            return i;
    return SEC_UNKNOWN;
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
        was_space = settings_is_space(s[i]);
    }
    return len;
}

/* [printer.NAME], or a misspelling of it ("[printr.receipt]"): true when
 * the header was one of those and has been dealt with (ctx->section is
 * then SEC_PRINTER, or SEC_UNKNOWN after an error, so the keys under a
 * refused header are not reported one by one). */
static bool lex_printer_section(parse_ctx *ctx, const char *name, size_t nlen)
{
    char show[SHOWN_SIZE];
    const char *dot = memchr(name, '.', nlen);
    size_t plen = dot ? (size_t)(dot - name) : nlen;
    char prefix[40];
    snprintf(prefix, sizeof prefix, "%.*s", (int)(plen < 39 ? plen : 39), name);
    if (!settings_span_eq(name, plen, "printer")) {
        if (!dot || plen >= 39 || suggest_distance(prefix, "printer") > 2)
            return false;
        char show2[SHOWN_SIZE];
        report(ctx, ctx->lineno, "unknown section [%s]; did you mean [printer.%s]?",
               settings_shown(show, name, nlen), settings_shown(show2, dot + 1, nlen - plen - 1));
        return true;
    }
    if (!dot) {
        report(ctx, ctx->lineno, "[printer] needs a name: one [printer.NAME] section per "
               "printer, e.g. [printer.receipt]");
        return true;
    }
    const char *pname = dot + 1;
    size_t pn = nlen - plen - 1;
    if (!settings_printer_name_ok(pname, pn)) {
        report(ctx, ctx->lineno, "[%s]: a printer's NAME is 1 to %d lowercase letters, digits "
               "or '-', e.g. [printer.receipt]", settings_shown(show, name, nlen),
               SETTINGS_PRINTER_NAME_MAX);
        return true;
    }
    char pbuf[SETTINGS_PRINTER_NAME_MAX + 1];
    memcpy(pbuf, pname, pn);
    pbuf[pn] = '\0';
    const settings_printer *old = settings_printer_find(ctx->s, pbuf);
    if (old) {
        report(ctx, ctx->lineno, "[printer.%s] appears twice; the first is on line %d",
               pbuf, old->line);
        return true;
    }
    if (!settings_printer_add(ctx->s, pbuf, ctx->lineno)) {
        report(ctx, ctx->lineno, "[printer.%s]: at most %d printers ([printer.NAME] sections)",
               pbuf, SETTINGS_MAX_PRINTERS);
        return true;
    }
    ctx->section = SEC_PRINTER;
    ctx->printer = ctx->s->n_printers - 1;
    return true;
}

static void lex_section(parse_ctx *ctx, const char *line, size_t len)
{
    char show[SHOWN_SIZE], show2[SHOWN_SIZE];
    size_t close = 1 + find_stop(line + 1, len - 1, "]");
    if (close == len || line[close] != ']') {
        report(ctx, ctx->lineno, "section header '%s' has no closing ']'",
               settings_shown(show, line, len));
        /* Its keys would otherwise land in the previous section and each be
         * reported as unknown there; the one error above says it all. */
        ctx->section = SEC_UNKNOWN;
        return;
    }
    size_t nlen = close - 1;
    const char *name = settings_trim(line + 1, &nlen);
    size_t rlen = len - close - 1;
    const char *rest = settings_trim(line + close + 1, &rlen);
    ctx->section = find_section(name, nlen);
    /* inih ignores anything after ']', so "[display] width = 800" would drop
     * the width without a word. */
    if (rlen && rest[0] != ';' && rest[0] != '#')
        report(ctx, ctx->lineno, "unexpected text '%s' after [%s]; put each key on a line of its own",
               settings_shown(show, rest, rlen), settings_shown(show2, name, nlen));
    if (ctx->section != SEC_UNKNOWN || lex_printer_section(ctx, name, nlen))
        return;

    char key[40];
    snprintf(key, sizeof key, "%.*s", (int)(nlen < 39 ? nlen : 39), name);
    int best = -1, best_d = 3;
    for (int i = 0; i < settings_n_sections; i++) {
        int d = nlen < 39 ? suggest_distance(key, settings_sections[i].name) : INT_MAX;
        if (d < best_d) {
            best_d = d;
            best = i;
        }
    }
    /* "[printers]", "[Printer]": the family, which has no row of its own */
    if (nlen < 39 && suggest_distance(key, "printer") < best_d) {
        report(ctx, ctx->lineno, "unknown section [%s]; did you mean [printer.NAME], "
               "e.g. [printer.receipt]?", settings_shown(show, name, nlen));
        return;
    }
    if (best >= 0) {
        report(ctx, ctx->lineno, "unknown section [%s]; did you mean [%s]?",
               settings_shown(show, name, nlen), settings_sections[best].name);
        return;
    }
    char list[200] = "";
    for (int i = 0; i < settings_n_sections; i++) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s, ", settings_sections[i].name);
    }
    report(ctx, ctx->lineno, "unknown section [%s] (known sections: %sprinter.NAME)",
           settings_shown(show, name, nlen), list);
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
               settings_shown(show, line, len), indented ? INDENT_HINT : "");
        return;
    }
    size_t nlen = sep;
    const char *name = settings_trim(line, &nlen);
    if (nlen == 0) {
        report(ctx, ctx->lineno, "missing key name before '%c'", line[sep]);
        return;
    }
    /* The value as inih would cut it: comment search starts right after the
     * separator, then both ends are trimmed. */
    const char *value = line + sep + 1;
    size_t vlen = find_stop(value, len - sep - 1, NULL);
    value = settings_trim(value, &vlen);

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
    report(ctx, ctx->lineno, "key name '%s' is too long", settings_shown(show, name, nlen));
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
    line = settings_trim(line, &len);
    if (len == 0 || line[0] == ';' || line[0] == '#')
        return buf;
    if (line[0] == '[')
        lex_section(ctx, line, len);
    else
        lex_key(ctx, line, len, indented, buf, (size_t)size);
    return buf;
}

/* Row of the printer key called name, or -1. */
static int printer_key(const char *name)
{
    for (int k = 0; k < PK_COUNT; k++)
        if (!strcmp(settings_printer_keys[k].pub.name, name))
            return k;
    return -1;
}

static void report_unknown_key(parse_ctx *ctx, const char *name)
{
    char show[SHOWN_SIZE];
    const char *sec = settings_sections[ctx->section].name;
    const char *hint = ctx->indented ? INDENT_HINT : "";
    settings_shown(show, name, strlen(name));
    for (size_t i = 0; i < settings_n_keys; i++) {
        if (!strcmp(settings_keys[i].pub.name, name)) {
            report(ctx, ctx->lineno, "unknown key '%s' in [%s]; it belongs in [%s]%s",
                   show, sec, settings_keys[i].pub.section, hint);
            return;
        }
    }
    if (printer_key(name) >= 0) {
        report(ctx, ctx->lineno, "unknown key '%s' in [%s]; it belongs in a [printer.NAME] "
               "section%s", show, sec, hint);
        return;
    }
    /* Closest name, preferring this section on a tie. */
    int best = -1, best_d = 3;
    for (size_t i = 0; i < settings_n_keys; i++) {
        int d = suggest_distance(name, settings_keys[i].pub.name);
        bool here = !strcmp(settings_keys[i].pub.section, sec);
        if (d < best_d || (d == best_d && here && best >= 0 &&
                           strcmp(settings_keys[best].pub.section, sec))) {
            best_d = d;
            best = (int)i;
        }
    }
    if (best >= 0 && !strcmp(settings_keys[best].pub.section, sec)) {
        report(ctx, ctx->lineno, "unknown key '%s' in [%s]; did you mean '%s'?%s",
               show, sec, settings_keys[best].pub.name, hint);
        return;
    }
    if (best >= 0) {
        report(ctx, ctx->lineno, "unknown key '%s' in [%s]; did you mean '%s' in [%s]?%s",
               show, sec, settings_keys[best].pub.name, settings_keys[best].pub.section, hint);
        return;
    }
    char list[256] = "";
    for (size_t i = 0; i < settings_n_keys; i++) {
        if (strcmp(settings_keys[i].pub.section, sec))
            continue;
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", *list ? ", " : "",
                 settings_keys[i].pub.name);
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

/* site_name.fr and the like: the family's row k checks and stores it, and
 * its line is kept here for the "set twice" and language checks. */
static void on_extra_lang_key(parse_ctx *ctx, const key_def *k, const char *name,
                              const char *value, size_t vlen)
{
    char show[SHOWN_SIZE], show_value[SHOWN_SIZE];
    settings_shown(show, name, strlen(name));
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
    if (ok && ctx->n_extra == (int)(sizeof ctx->extra / sizeof ctx->extra[0])) {
        snprintf(why, sizeof why, "at most %d languages", SETTINGS_MAX_SITE_NAMES);
        ok = false;
    }
    if (ok)
        ok = settings_set_lang_text(ctx->s, k, name, value, why, sizeof why);
    if (!ok) {
        if (vlen)
            report(ctx, ctx->lineno, "[%s] %s = %s: %s", k->pub.section, show,
                   settings_shown(show_value, value, vlen), why);
        else
            report(ctx, ctx->lineno, "[%s] %s: %s", k->pub.section, show, why);
        return;
    }
    snprintf(ctx->extra[ctx->n_extra].name, sizeof ctx->extra[0].name, "%s", name);
    ctx->extra[ctx->n_extra++].line = ctx->lineno;
}

/* A key of [printer.NAME]: the printer table's row moved onto this
 * printer, so values are parsed and refused like any other key's. */
static void on_printer_key(parse_ctx *ctx, const char *name, const char *value, size_t vlen)
{
    char show[SHOWN_SIZE], section[PRINTER_SECTION_SIZE];
    int i = ctx->printer;
    snprintf(section, sizeof section, "printer.%s", ctx->s->printers[i].name);
    settings_shown(show, name, strlen(name));
    int k = printer_key(name);
    if (k < 0) {
        for (size_t j = 0; j < settings_n_keys; j++) {
            if (!strcmp(settings_keys[j].pub.name, name)) {
                report(ctx, ctx->lineno, "unknown key '%s' in [%s]; it belongs in [%s]",
                       show, section, settings_keys[j].pub.section);
                return;
            }
        }
        int best = -1, best_d = 3;
        for (int j = 0; j < PK_COUNT; j++) {
            int d = suggest_distance(name, settings_printer_keys[j].pub.name);
            if (d < best_d) {
                best_d = d;
                best = j;
            }
        }
        if (best >= 0) {
            report(ctx, ctx->lineno, "unknown key '%s' in [%s]; did you mean '%s'?", show,
                   section, settings_printer_keys[best].pub.name);
            return;
        }
        char list[128] = "";
        for (int j = 0; j < PK_COUNT; j++) {
            size_t used = strlen(list);
            snprintf(list + used, sizeof list - used, "%s%s", j ? ", " : "",
                     settings_printer_keys[j].pub.name);
        }
        report(ctx, ctx->lineno, "unknown key '%s' in [%s] (known keys: %s)", show, section, list);
        return;
    }
    if (ctx->printer_key_line[i][k]) {
        report(ctx, ctx->lineno, "[%s] %s is set twice; the first is on line %d", section,
               settings_printer_keys[k].pub.name, ctx->printer_key_line[i][k]);
        return;
    }
    ctx->printer_key_line[i][k] = ctx->lineno;
    key_def row = settings_printer_row(ctx->s, i, k, section);
    settings_printer *p = &ctx->s->printers[i];
    int width_before = p->width;
    char why[512];
    bool ok = check_text(value, vlen, why, sizeof why) &&
              (k != PK_DESTINATION || settings_printer_destination_ok(value, why, sizeof why)) &&
              settings_set_value(ctx->s, &row, value, why, sizeof why);
    /* GS v 0 counts a row in whole bytes */
    if (ok && k == PK_WIDTH && p->width % 8) {
        snprintf(why, sizeof why, "must be a multiple of 8 (576 for 80 mm paper at 203 dpi, "
                 "384 for 58 mm, 512 for 80 mm at 180 dpi)");
        p->width = width_before;
        ok = false;
    }
    if (!ok) {
        report_value(ctx, &row, value, vlen, why);
        ctx->printer_key_bad[i][k] = true;
    }
}

/* A reason.ID.* key of [rating]: its text checked now, the rest once the
 * file is read (check_rating). */
static void defer_reason_key(parse_ctx *ctx, const char *name, const char *value, size_t vlen)
{
    char show[SHOWN_SIZE], why[512];
    settings_shown(show, name, strlen(name));
    for (size_t i = 0; i < ctx->n_reason_keys; i++) {
        if (!strcmp(ctx->reason_keys[i].name, name)) {
            report(ctx, ctx->lineno, "[rating] %s is set twice; the first is on line %d", show,
                   ctx->reason_keys[i].line);
            return;
        }
    }
    if (!check_text(value, vlen, why, sizeof why)) {
        char show_value[SHOWN_SIZE];
        report(ctx, ctx->lineno, "[rating] %s = %s: %s", show,
               settings_shown(show_value, value, vlen), why);
        return;
    }
    if (ctx->n_reason_keys == MAX_REASON_KEYS) {
        report(ctx, ctx->lineno, "[rating] %s: more than %d reason.ID lines", show,
               MAX_REASON_KEYS);
        return;
    }
    if (ctx->n_reason_keys == ctx->cap_reason_keys) {
        size_t cap = ctx->cap_reason_keys ? ctx->cap_reason_keys * 2 : 16;
        void *grown = realloc(ctx->reason_keys, cap * sizeof *ctx->reason_keys);
        if (!grown) {
            report(ctx, ctx->lineno, "[rating] %s: out of memory", show);
            return;
        }
        ctx->reason_keys = grown;
        ctx->cap_reason_keys = cap;
    }
    char *n = strdup(name), *v = strndup(value, vlen);
    if (!n || !v) {
        free(n);
        free(v);
        report(ctx, ctx->lineno, "[rating] %s: out of memory", show);
        return;
    }
    ctx->reason_keys[ctx->n_reason_keys].name = n;
    ctx->reason_keys[ctx->n_reason_keys].value = v;
    ctx->reason_keys[ctx->n_reason_keys++].line = ctx->lineno;
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
        settings_shown(show, name, strlen(name));
        for (size_t i = 0; i < settings_n_keys; i++) {
            if (!strcmp(settings_keys[i].pub.name, name)) {
                report(ctx, ctx->lineno, "key '%s' is outside any section; it belongs in [%s]",
                       show, settings_keys[i].pub.section);
                return 1;
            }
        }
        if (printer_key(name) >= 0) {
            report(ctx, ctx->lineno, "key '%s' is outside any section; it belongs in a "
                   "[printer.NAME] section", show);
            return 1;
        }
        report(ctx, ctx->lineno, "key '%s' is outside any section; start with a [section] header", show);
        return 1;
    }
    if (ctx->section == SEC_PRINTER) {
        on_printer_key(ctx, name, value, vlen);
        return 1;
    }
    if (!strcmp(settings_sections[ctx->section].name, "rating") && !strncmp(name, "reason.", 7)) {
        defer_reason_key(ctx, name, value, vlen);
        return 1;
    }
    int k = settings_find_key(ctx->section, name);
    if (k < 0 && (k = settings_find_family(ctx->section, name)) >= 0) {
        on_extra_lang_key(ctx, &settings_keys[k], name, value, vlen);
        return 1;
    }
    if (k < 0) {
        report_unknown_key(ctx, name);
        return 1;
    }
    const key_def *kd = &settings_keys[k];
    if (ctx->key_line[k]) {
        report(ctx, ctx->lineno, "[%s] %s is set twice; the first is on line %d",
               kd->pub.section, kd->pub.name, ctx->key_line[k]);
        return 1;
    }
    ctx->key_line[k] = ctx->lineno;
    char why[512];
    if (!check_text(value, vlen, why, sizeof why) ||
        !settings_set_value(ctx->s, kd, value, why, sizeof why)) {
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
    int k = settings_key_at_offset(offset);
    return k >= 0 ? ctx->key_line[k] : 0;
}

static bool bad(const parse_ctx *ctx, size_t offset)
{
    int k = settings_key_at_offset(offset);
    return k >= 0 && ctx->key_bad[k];
}

static void check_path(parse_ctx *ctx, size_t i)
{
    const key_def *k = &settings_keys[i];
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

/* One pin: "sha256//" and the base64 of 32 bytes (44 characters, one '='). */
static bool pin_ok(const char *p, size_t n)
{
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (n != 8 + 44 || strncmp(p, "sha256//", 8) || p[n - 1] != '=')
        return false;
    for (size_t i = 8; i < n - 1; i++)
        if (!strchr(b64, p[i]) || !p[i])
            return false;
    return true;
}

/* [platform]: a URL the client can use, TLS unless on loopback, pins in
 * curl's form, a client certificate only with its key. */
static void check_platform(parse_ctx *ctx)
{
    const settings *s = ctx->s;
    const char *e = s->platform_endpoint ? s->platform_endpoint : "";
    int le = line_of(ctx, offsetof(settings, platform_endpoint));
    if (*e && !bad(ctx, offsetof(settings, platform_endpoint))) {
        bool https = !strncmp(e, "https://", 8);
        bool loop = !strncmp(e, "http://127.", 11) || !strncmp(e, "http://localhost", 16) ||
                    !strncmp(e, "http://[::1]", 12);
        const char *host = e + (https ? 8 : 7);
        if (!https && !loop)
            report(ctx, le, "[platform] endpoint must start with https:// (plain http:// "
                   "only to 127.0.0.1, localhost or [::1]), not '%.200s'", e);
        else if (!*host || *host == '/' || strpbrk(e, " \t\"'<>\\") || e[strlen(e) - 1] == '/')
            report(ctx, le, "[platform] endpoint '%.200s' is not a base URL like "
                   "https://platform.example.gov.cn/kiosk (no trailing '/')", e);
    }
    const char *pins = s->platform_pins ? s->platform_pins : "";
    int lp = line_of(ctx, offsetof(settings, platform_pins));
    for (const char *p = pins; *p && !bad(ctx, offsetof(settings, platform_pins));) {
        while (*p == ' ' || *p == ';')
            p++;
        size_t n = strcspn(p, "; ");
        if (n && !pin_ok(p, n)) {
            report(ctx, lp, "[platform] pins: '%.*s' is not sha256// followed by the base64 "
                   "of a SHA-256 (44 characters); see kioskctl platform check", (int)(n > 80 ? 80 : n), p);
            break;
        }
        p += n;
    }
    bool cert = s->platform_client_cert && *s->platform_client_cert;
    bool key = s->platform_client_key && *s->platform_client_key;
    if (cert != key)
        report(ctx, line_of(ctx, cert ? offsetof(settings, platform_client_cert)
                                      : offsetof(settings, platform_client_key)),
               "[platform] client_cert and client_key go together: set both for mutual TLS, "
               "or neither");
    if (s->platform_batch_kib * 1024 < 4096 && !bad(ctx, offsetof(settings, platform_batch_kib)))
        report(ctx, line_of(ctx, offsetof(settings, platform_batch_kib)),
               "[platform] batch_kib is too small for one record");
}

/* Each [printer.NAME]: a queue to print to, no receipt-only key on an A4
 * printer; then the kind's defaults for what the section left out. */
static void check_printers(parse_ctx *ctx)
{
    for (int i = 0; i < ctx->s->n_printers; i++) {
        settings_printer *p = &ctx->s->printers[i];
        const int *line = ctx->printer_key_line[i];
        const bool *refused = ctx->printer_key_bad[i];
        if (!p->destination && !refused[PK_DESTINATION])
            report(ctx, p->line, "[printer.%s] has no destination: name its CUPS queue "
                   "(lpstat -e lists them), e.g. destination = %s", p->name, p->name);
        if (p->kind == PRINTER_KIND_A4) {
            static const int receipt_only[] = {PK_WIDTH, PK_BAND_ROWS};
            for (size_t j = 0; j < 2; j++) {
                int k = receipt_only[j];
                if (line[k])
                    report(ctx, line[k], "[printer.%s] %s is for receipt printers only: an a4 "
                           "printer prints A4 pages (remove it, or set kind = receipt)",
                           p->name, settings_printer_keys[k].pub.name);
            }
        }
        bool set[PK_COUNT];
        for (int k = 0; k < PK_COUNT; k++)
            set[k] = line[k] && !refused[k];
        settings_printer_finish(p, set);
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
    for (size_t i = 0; i < settings_n_keys; i++) {
        const char *lang = settings_lang_of_key(settings_keys[i].pub.name);
        if (settings_keys[i].type == KT_LTEXT && ctx->key_line[i] && !ctx->key_bad[i] &&
            !configured(s, lang))
            report(ctx, ctx->key_line[i], "[%s] %s: %s is not one of [ui] languages (%s)",
                   settings_keys[i].pub.section, settings_keys[i].pub.name, lang, list);
    }
    for (int i = 0; i < ctx->n_extra; i++) {
        const char *lang = settings_lang_of_key(ctx->extra[i].name);
        if (!configured(s, lang))
            report(ctx, ctx->extra[i].line, "[ui] %s: %s is not one of [ui] languages (%s)",
                   ctx->extra[i].name, lang, list);
    }
}

/* "zh, en": [ui] languages for a message. */
static void lang_list(const settings *s, char *list, size_t size)
{
    list[0] = '\0';
    for (int i = 0; i < s->n_langs; i++) {
        size_t used = strlen(list);
        snprintf(list + used, size - used, "%s%s", i ? ", " : "", s->langs[i]);
    }
}

/* [rating]: the link template, the codes over the scheme, then the
 * reason.ID.* keys against the list, and what every listed reason needs. */
static void check_rating(parse_ctx *ctx)
{
    settings *s = ctx->s;
    char why[512], show[SHOWN_SIZE];
    if (!bad(ctx, offsetof(settings, rating_url)) &&
        !rating_template_check(s->rating_url, why, sizeof why))
        report(ctx, line_of(ctx, offsetof(settings, rating_url)), "[rating] url %s", why);

    rating_codes codes;
    rating_codes_of_scheme(s->rating_code_scheme, &codes);
    if (!bad(ctx, offsetof(settings, rating_codes)) &&
        !rating_codes_override(&codes, s->rating_codes, why, sizeof why)) {
        report(ctx, line_of(ctx, offsetof(settings, rating_codes)), "[rating] codes = %s: %s",
               settings_shown(show, s->rating_codes, strlen(s->rating_codes)), why);
        /* the scheme's own codes stand: the value written back must read
         * back the same, and the refused text is not a setting */
        free(s->rating_codes);
        s->rating_codes = strdup("");
    }

    char langs[SETTINGS_MAX_LANGS * LANG_CODE_SIZE + 16];
    lang_list(s, langs, sizeof langs);
    bool langs_ok = !bad(ctx, offsetof(settings, langs));
    for (size_t i = 0; i < ctx->n_reason_keys; i++) {
        const char *name = ctx->reason_keys[i].name, *value = ctx->reason_keys[i].value;
        int line = ctx->reason_keys[i].line;
        char lang[LANG_CODE_SIZE], show_value[SHOWN_SIZE];
        settings_shown(show, name, strlen(name));
        if (!settings_reason_key(s, name, value, lang, why, sizeof why)) {
            if (*value)
                report(ctx, line, "[rating] %s = %s: %s", show,
                       settings_shown(show_value, value, strlen(value)), why);
            else
                report(ctx, line, "[rating] %s: %s", show, why);
            continue;
        }
        if (*lang && langs_ok && !configured(s, lang))
            report(ctx, line, "[rating] %s: %s is not one of [ui] languages (%s)", show, lang,
                   langs);
    }

    int lr = line_of(ctx, offsetof(settings, reasons));
    for (int i = 0; i < s->n_reasons; i++) {
        const settings_reason *r = &s->reasons[i];
        if (!r->code[0])
            report(ctx, lr, "[rating] reason '%s' has no indicator code: add reason.%s.code = ...",
                   r->id, r->id);
        /* a language without a label shows another one's, as site names
         * do; a reason without any would show its bare id */
        if (!r->n_labels)
            report(ctx, lr, "[rating] reason '%s' has no label: add reason.%s.%s = ... (one line "
                   "per language)", r->id, r->id, s->fallback_lang);
        for (int j = 0; j < i; j++) {
            if (r->code[0] && !strcmp(r->code, s->reasons[j].code)) {
                int lc = 0;
                char key[64];
                snprintf(key, sizeof key, "reason.%s.code", r->id);
                for (size_t k = 0; k < ctx->n_reason_keys; k++)
                    if (!strcmp(ctx->reason_keys[k].name, key))
                        lc = ctx->reason_keys[k].line;
                report(ctx, lc ? lc : lr, "[rating] reasons '%s' and '%s' both have code %s; "
                       "each reason needs its own", s->reasons[j].id, r->id, r->code);
            }
        }
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
    check_platform(ctx);
    check_rating(ctx);
    check_printers(ctx);
    for (size_t i = 0; i < settings_n_keys; i++)
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
    for (size_t i = 0; i < ctx->n_reason_keys; i++) {
        free(ctx->reason_keys[i].name);
        free(ctx->reason_keys[i].value);
    }
    free(ctx->reason_keys);
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
    s->path = settings_absolute_path(path);
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

