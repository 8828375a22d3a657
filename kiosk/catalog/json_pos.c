#include "catalog/json_pos.h"
#include "common/hex.h"
#include "common/utf8.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Containers shorter than this are skipped by scanning them: indexing them
 * would cost more memory than the scan costs time (and keeps the table at
 * most about 2 * len / INDEX_MIN_SPAN entries whatever the input). */
#define INDEX_MIN_SPAN 64
/* Containers nested deeper than this are not indexed (skipped by scanning),
 * so a text of nothing but '[' cannot grow the build stack without bound. */
#define INDEX_MAX_DEPTH 4096
/* Bytes between two line/column checkpoints: a lookup scans at most this
 * many bytes, whatever the length of the line it lands on. */
#define CHECKPOINT_BYTES 1024
/* Arrays whose last element lookup is remembered (direct-mapped by offset). */
#define MEMO_SLOTS 32

/* Where the last element lookup in one array ended, so the next lookup of a
 * later element resumes there instead of skipping from the first. */
typedef struct array_memo {
    size_t array;       /* offset of the '[' + 1; 0 = slot empty */
    size_t index;
    size_t pos;         /* offset of element index */
} array_memo;

struct json_pos_index {
    const unsigned char *text;
    size_t len;
    size_t *start;      /* offsets of indexed containers' opening brackets, ascending */
    size_t *end;        /* offset just past each one's closing bracket */
    size_t n, cap;
    int *cp_line;       /* line and column of byte k * CHECKPOINT_BYTES */
    int *cp_col;
    size_t n_cp;
    array_memo memo[MEMO_SLOTS];
    size_t scanned;     /* bytes stepped over by lookups (json_pos_index_scanned) */
};

/* A cursor over the raw text. Positions are byte offsets; they become
 * LINE:COL only once, at the end of a lookup (pos_to_line_col). */
typedef struct scanner {
    const unsigned char *p;
    size_t len;
    size_t pos;
    json_pos_index *ix; /* may be NULL: containers are then skipped by scanning */
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
    if (!at_end(s)) {
        s->pos++;
        if (s->ix)
            s->ix->scanned++;
    }
}

/* Moves a LINE:COL pair over byte c. Saturates rather than overflows: a
 * pathological input of 2^31 lines is not worth a signed-overflow trap in
 * the error path. Continuation bytes belong to the character already
 * counted. */
static void step_line_col(unsigned char c, int *line, int *col)
{
    if (c == '\n') {
        if (*line < INT_MAX)
            (*line)++;
        *col = 1;
    } else if ((c & 0xC0) != 0x80 && *col < INT_MAX) {
        (*col)++;
    }
}

/* LINE:COL of byte off: from the nearest checkpoint at or before it when
 * there is an index (at most CHECKPOINT_BYTES scanned), else from the start
 * of the text. */
static void pos_to_line_col(const scanner *s, size_t off, int *line, int *col)
{
    size_t from = 0;
    int l = 1, c = 1;
    if (s->ix && s->ix->n_cp) {
        size_t k = off / CHECKPOINT_BYTES;
        if (k >= s->ix->n_cp)
            k = s->ix->n_cp - 1;
        from = k * CHECKPOINT_BYTES;
        l = s->ix->cp_line[k];
        c = s->ix->cp_col[k];
    }
    for (size_t i = from; i < off && i < s->len; i++)
        step_line_col(s->p[i], &l, &c);
    if (s->ix && off > from)
        s->ix->scanned += (off < s->len ? off : s->len) - from;
    *line = l;
    *col = c;
}

/* The end of the indexed container opening at off, or 0 when it is not
 * indexed (too short, too deep, never closed, or no index). */
static size_t indexed_end(const json_pos_index *ix, size_t off)
{
    if (!ix)
        return 0;
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ix->start[mid] < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ix->n && ix->start[lo] == off ? ix->end[lo] : 0;
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
        size_t end = indexed_end(s->ix, s->pos);
        if (end) {
            s->pos = end;
            return true;
        }
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
static bool find_member(scanner *s, const char *key, size_t *kpos)
{
    advance(s); /* '{' */
    for (;;) {
        skip_ws(s);
        if (peek(s) != '"')
            return false; /* '}' (not there), end of text, or garbage */
        size_t at = s->pos;
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
            *kpos = at;
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

static array_memo *memo_slot(json_pos_index *ix, size_t array)
{
    return &ix->memo[(array * 2654435761u) % MEMO_SLOTS];
}

/* At an array's '[': moves to element index. With an index, a lookup of a
 * later element of the same array resumes where the last one ended: the
 * checker reports in file order, so a list of thousands of services is
 * walked once, not once per problem. */
static bool find_element(scanner *s, size_t index)
{
    advance(s); /* '[' */
    size_t array = s->pos;
    size_t i = 0;
    array_memo *m = s->ix ? memo_slot(s->ix, array) : NULL;
    if (m && m->array == array && m->index <= index) {
        i = m->index;
        s->pos = m->pos;
    }
    for (;; i++) {
        skip_ws(s);
        int c = peek(s);
        if (c < 0 || c == ']')
            return false;
        if (i == index) {
            if (m)
                *m = (array_memo){array, i, s->pos};
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

static int find_path(scanner *s, const json_pos_seg *path, size_t n,
                     bool want_key, int *line, int *col)
{
    skip_ws(s);
    if (at_end(s)) {
        pos_to_line_col(s, s->pos, line, col);
        return -1;
    }
    size_t vpos = s->pos, kpos = vpos;
    size_t found = 0;
    while (found < n && found < INT_MAX) {
        const json_pos_seg *seg = &path[found];
        int c = peek(s);
        if (seg->key) {
            if (c != '{' || !find_member(s, seg->key, &kpos))
                break;
        } else {
            if (c != '[' || !find_element(s, seg->index))
                break;
            kpos = s->pos;
        }
        found++;
        vpos = s->pos;
    }
    bool at_key = found == n && n > 0 && want_key && path[n - 1].key;
    pos_to_line_col(s, at_key ? kpos : vpos, line, col);
    return (int)found;
}

int json_pos_find(const char *text, size_t len, const json_pos_seg *path,
                  size_t n, bool want_key, int *line, int *col)
{
    scanner s = {(const unsigned char *)(text ? text : ""), text ? len : 0, 0,
                 NULL};
    return find_path(&s, path, n, want_key, line, col);
}

int json_pos_index_find(json_pos_index *ix, const json_pos_seg *path, size_t n,
                        bool want_key, int *line, int *col)
{
    scanner s = {ix->text, ix->len, 0, ix};
    return find_path(&s, path, n, want_key, line, col);
}

/* At a string's opening quote: moves to the raw byte where decoded byte
 * at of its content starts (escapes decode to 1..4 bytes). Stops at the
 * closing quote (or the end of the text) when the string is shorter. */
static void seek_in_string(scanner *s, size_t at)
{
    advance(s); /* opening quote */
    size_t decoded = 0;
    while (decoded < at) {
        int c = peek(s);
        if (c < 0 || c == '"')
            return;
        if (c != '\\') {
            advance(s);
            decoded++;
            continue;
        }
        size_t before = s->pos;
        advance(s);
        int e = peek(s);
        if (e == 'u') {
            advance(s);
            long cp = read_hex4(s);
            if (cp >= 0xD800 && cp <= 0xDBFF && peek(s) == '\\') {
                advance(s);
                if (peek(s) == 'u') {
                    advance(s);
                    long lo = read_hex4(s);
                    cp = lo >= 0xDC00 && lo <= 0xDFFF
                             ? 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
                             : -1;
                }
            }
            char b[4];
            decoded += cp < 0 ? 1 : utf8_encode((uint32_t)cp, b);
        } else {
            advance(s);
            decoded++;
        }
        if (decoded > at) {
            s->pos = before; /* inside one escape: point at its backslash */
            return;
        }
    }
}

static int find_char(scanner *s, const json_pos_seg *path, size_t n, size_t at,
                     int *line, int *col)
{
    int found = find_path(s, path, n, false, line, col);
    if (found != (int)n || peek(s) != '"')
        return found;
    seek_in_string(s, at);
    pos_to_line_col(s, s->pos, line, col);
    return found;
}

int json_pos_find_char(const char *text, size_t len, const json_pos_seg *path,
                       size_t n, size_t at, int *line, int *col)
{
    scanner s = {(const unsigned char *)(text ? text : ""), text ? len : 0, 0,
                 NULL};
    return find_char(&s, path, n, at, line, col);
}

int json_pos_index_find_char(json_pos_index *ix, const json_pos_seg *path,
                             size_t n, size_t at, int *line, int *col)
{
    scanner s = {ix->text, ix->len, 0, ix};
    return find_char(&s, path, n, at, line, col);
}

/* ---- the index ----------------------------------------------------------- */

/* Makes room for need offsets in *p (capacity *cap), doubling. */
static bool grow_offsets(size_t **p, size_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap * 2 : 64;
    while (n < need)
        n *= 2;
    size_t *q = realloc(*p, n * sizeof *q);
    if (!q)
        return false;
    *p = q;
    *cap = n;
    return true;
}

/* Appends a container opening at off; its end is filled when it closes.
 * start and end always have the same capacity, ix->cap. */
static bool index_open(json_pos_index *ix, size_t off)
{
    if (ix->n == ix->cap) {
        size_t cap_start = ix->cap, cap_end = ix->cap;
        if (!grow_offsets(&ix->start, &cap_start, ix->n + 1) ||
            !grow_offsets(&ix->end, &cap_end, ix->n + 1))
            return false;
        ix->cap = cap_start < cap_end ? cap_start : cap_end;
    }
    ix->start[ix->n] = off;
    ix->end[ix->n] = 0;
    ix->n++;
    return true;
}

json_pos_index *json_pos_index_new(const char *text, size_t len)
{
    json_pos_index *ix = calloc(1, sizeof *ix);
    if (!ix)
        return NULL;
    ix->text = (const unsigned char *)(text ? text : "");
    ix->len = text ? len : 0;
    ix->n_cp = ix->len / CHECKPOINT_BYTES + 1;
    ix->cp_line = malloc(ix->n_cp * sizeof *ix->cp_line);
    ix->cp_col = malloc(ix->n_cp * sizeof *ix->cp_col);
    size_t *open = NULL; /* entries of ix->start of the containers still open */
    size_t open_cap = 0, n_open = 0, depth = 0;
    bool ok = ix->cp_line && ix->cp_col;

    /* Line and column checkpoints: one pass over the bytes. */
    int line = 1, col = 1;
    for (size_t i = 0; ok && i < ix->len; i++) {
        if (i % CHECKPOINT_BYTES == 0) {
            ix->cp_line[i / CHECKPOINT_BYTES] = line;
            ix->cp_col[i / CHECKPOINT_BYTES] = col;
        }
        step_line_col(ix->text[i], &line, &col);
    }
    if (ok && ix->len % CHECKPOINT_BYTES == 0) {
        ix->cp_line[ix->n_cp - 1] = line;
        ix->cp_col[ix->n_cp - 1] = col;
    }

    /* Container ends: one pass that reads strings exactly as the lookup
     * does (scan_string), so both agree on what is inside a string, and
     * counts brackets without matching their kinds, as skip_value does. */
    scanner s = {ix->text, ix->len, 0, NULL};
    while (ok && !at_end(&s)) {
        int c = peek(&s);
        if (c == '"') {
            if (!scan_string(&s, NULL, NULL))
                break; /* never ends: what is still open never closes */
            continue;
        }
        if (c == '{' || c == '[') {
            if (depth < INDEX_MAX_DEPTH) {
                ok = grow_offsets(&open, &open_cap, n_open + 1) &&
                     index_open(ix, s.pos);
                if (ok)
                    open[n_open++] = ix->n - 1;
            }
            depth++;
        } else if ((c == '}' || c == ']') && depth > 0) {
            if (depth <= INDEX_MAX_DEPTH && n_open > 0) {
                size_t k = open[--n_open];
                ix->end[k] = s.pos + 1;
                /* Its children closed before it, and the short ones were
                 * dropped, so a short container is always the last entry. */
                if (ix->end[k] - ix->start[k] < INDEX_MIN_SPAN && k == ix->n - 1)
                    ix->n--;
            }
            depth--;
        }
        advance(&s);
    }
    /* Containers never closed keep end 0: skipped by scanning, which runs
     * off the end the same way. */
    free(open);
    if (!ok) {
        json_pos_index_free(ix);
        return NULL;
    }
    return ix;
}

size_t json_pos_index_scanned(const json_pos_index *ix)
{
    return ix ? ix->scanned : 0;
}

void json_pos_index_free(json_pos_index *ix)
{
    if (!ix)
        return;
    free(ix->start);
    free(ix->end);
    free(ix->cp_line);
    free(ix->cp_col);
    free(ix);
}
