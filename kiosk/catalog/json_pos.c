#include "catalog/json_pos.h"
#include "common/hex.h"
#include "common/utf8.h"

#include <limits.h>
#include <string.h>

/* A cursor over the raw text that knows its own line and column. */
typedef struct scanner {
    const unsigned char *p;
    size_t len;
    size_t pos;
    int line;   /* of the byte at pos */
    int col;    /* of the byte at pos, in characters */
} scanner;

static bool at_end(const scanner *s)
{
    return s->pos >= s->len;
}

static int peek(const scanner *s)
{
    return at_end(s) ? -1 : s->p[s->pos];
}

static void advance(scanner *s)
{
    if (at_end(s))
        return;
    unsigned char c = s->p[s->pos++];
    /* Saturate rather than overflow: a pathological input of 2^31 lines is
     * not worth a signed-overflow trap in the error path. */
    if (c == '\n') {
        if (s->line < INT_MAX)
            s->line++;
        s->col = 1;
    } else if ((c & 0xC0) != 0x80 && s->col < INT_MAX) {
        /* Continuation bytes belong to the character already counted. */
        s->col++;
    }
}

static void skip_ws(scanner *s)
{
    for (;;) {
        int c = peek(s);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return;
        advance(s);
    }
}


/* Reads the 4 hex digits of a \u escape (the "\u" already consumed).
 * Returns -1 on a malformed escape, having consumed what it looked at. */
static long read_hex4(scanner *s)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hex_digit(peek(s));
        if (h < 0)
            return -1;
        v = v * 16 + h;
        advance(s);
    }
    return v;
}

/* Compares decoded bytes against want as they come; *matched stays true only
 * while every byte so far agreed. */
static void compare_bytes(const unsigned char *b, size_t n, const char *want,
                          size_t want_len, size_t *at, bool *matched)
{
    for (size_t i = 0; i < n; i++) {
        if (*at >= want_len || (unsigned char)want[*at] != b[i])
            *matched = false;
        else
            (*at)++;
    }
}

/* Reads the escape after a backslash (the backslash already consumed) and
 * feeds its decoded bytes to the comparison. A malformed escape simply makes
 * the comparison fail: this text is only being searched, not validated. */
static void read_escape(scanner *s, const char *want, size_t want_len,
                        size_t *at, bool *matched)
{
    int c = peek(s);
    if (c < 0)
        return;
    advance(s);
    unsigned char b[4];
    switch (c) {
    case '"': case '\\': case '/':
        b[0] = (unsigned char)c;
        compare_bytes(b, 1, want, want_len, at, matched);
        return;
    case 'b': b[0] = '\b'; break;
    case 'f': b[0] = '\f'; break;
    case 'n': b[0] = '\n'; break;
    case 'r': b[0] = '\r'; break;
    case 't': b[0] = '\t'; break;
    case 'u': {
        long cp = read_hex4(s);
        if (cp < 0 || (cp >= 0xDC00 && cp <= 0xDFFF)) {
            *matched = false;
            return;
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            /* A high surrogate must be followed by \uDC00..\uDFFF. */
            if (peek(s) != '\\') {
                *matched = false;
                return;
            }
            advance(s);
            if (peek(s) != 'u') {
                *matched = false;
                return;
            }
            advance(s);
            long lo = read_hex4(s);
            if (lo < 0xDC00 || lo > 0xDFFF) {
                *matched = false;
                return;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        size_t n = utf8_encode((uint32_t)cp, (char *)b);
        compare_bytes(b, n, want, want_len, at, matched);
        return;
    }
    default:
        *matched = false;
        return;
    }
    compare_bytes(b, 1, want, want_len, at, matched);
}

/* Reads a string starting at its opening quote. With want non-NULL, sets
 * *matched to whether its decoded content equals want exactly. Returns false
 * when the string never ends. */
static bool scan_string(scanner *s, const char *want, bool *matched)
{
    size_t want_len = want ? strlen(want) : 0;
    size_t at = 0;
    bool ok = want != NULL;
    advance(s); /* opening quote */
    for (;;) {
        int c = peek(s);
        if (c < 0) {
            if (matched)
                *matched = false;
            return false;
        }
        advance(s);
        if (c == '"')
            break;
        if (c == '\\') {
            read_escape(s, want, want_len, &at, &ok);
        } else {
            unsigned char b = (unsigned char)c;
            compare_bytes(&b, 1, want, want_len, &at, &ok);
        }
    }
    if (matched)
        *matched = ok && at == want_len;
    return true;
}

/* Skips one value of any kind. Containers are skipped by counting brackets
 * rather than by recursion, so nesting depth cannot exhaust the stack; the
 * kinds of bracket are not matched against each other because the text is
 * only being searched. Returns false at end of text or when nothing that
 * could be a value is here (so callers never loop without progress). */
static bool skip_value(scanner *s)
{
    int c = peek(s);
    if (c == '"')
        return scan_string(s, NULL, NULL);
    if (c == '{' || c == '[') {
        size_t depth = 0;
        for (;;) {
            c = peek(s);
            if (c < 0)
                return false;
            if (c == '"') {
                if (!scan_string(s, NULL, NULL))
                    return false;
                continue;
            }
            if (c == '{' || c == '[')
                depth++;
            else if ((c == '}' || c == ']') && depth > 0)
                depth--;
            advance(s);
            if (depth == 0)
                return true;
        }
    }
    /* number, true, false, null -- or garbage, skipped the same way */
    size_t start = s->pos;
    while (!at_end(s) && !strchr(",:[]{}\" \t\r\n", s->p[s->pos]))
        advance(s);
    return s->pos > start;
}

/* At an object's '{': moves to the value of member key. Sets *kline and *kcol to
 * the key's opening quote. */
static bool find_member(scanner *s, const char *key, int *kline, int *kcol)
{
    advance(s); /* '{' */
    for (;;) {
        skip_ws(s);
        if (peek(s) != '"')
            return false; /* '}' (not there), end of text, or garbage */
        int line = s->line, col = s->col;
        bool matched = false;
        if (!scan_string(s, key, &matched))
            return false;
        skip_ws(s);
        if (peek(s) != ':')
            return false;
        advance(s);
        skip_ws(s);
        if (at_end(s))
            return false;
        if (matched) {
            *kline = line;
            *kcol = col;
            return true;
        }
        if (!skip_value(s))
            return false;
        skip_ws(s);
        if (peek(s) != ',')
            return false;
        advance(s);
    }
}

/* At an array's '[': moves to element index. */
static bool find_element(scanner *s, size_t index)
{
    advance(s); /* '[' */
    for (size_t i = 0;; i++) {
        skip_ws(s);
        int c = peek(s);
        if (c < 0 || c == ']')
            return false;
        if (i == index)
            return true;
        if (!skip_value(s))
            return false;
        skip_ws(s);
        if (peek(s) != ',')
            return false;
        advance(s);
    }
}

int json_pos_find(const char *text, size_t len, const json_pos_seg *path,
                  size_t n, bool want_key, int *line, int *col)
{
    scanner s = {(const unsigned char *)(text ? text : ""), text ? len : 0,
                 0, 1, 1};
    skip_ws(&s);
    if (at_end(&s)) {
        *line = s.line;
        *col = s.col;
        return -1;
    }
    int vline = s.line, vcol = s.col;
    int kline = vline, kcol = vcol;
    size_t found = 0;
    while (found < n && found < INT_MAX) {
        const json_pos_seg *seg = &path[found];
        int c = peek(&s);
        if (seg->key) {
            if (c != '{' || !find_member(&s, seg->key, &kline, &kcol))
                break;
        } else {
            if (c != '[' || !find_element(&s, seg->index))
                break;
            kline = s.line;
            kcol = s.col;
        }
        found++;
        vline = s.line;
        vcol = s.col;
    }
    if (found == n && n > 0 && want_key && path[n - 1].key) {
        *line = kline;
        *col = kcol;
    } else {
        *line = vline;
        *col = vcol;
    }
    return (int)found;
}
