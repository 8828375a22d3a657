/*
 * json_pos: where in a JSON text a value lives (for the JSON loaders: the
 * catalogue, its forms and search words, and the UI strings files).
 *
 * jansson keeps no position per value, and a technician told "materials[1]
 * count must be 1..99" without a line number has to hunt through a file of
 * several thousand lines. So when (and only when) a problem is reported, the
 * loader asks this module to re-scan the raw text along the same path it
 * walked in the parsed tree (through an index built at the first problem,
 * so that many problems cost one pass over the text, not one each).
 *
 * Positions are LINE:COLUMN, both 1-based. A line ends at '\n' only (a '\r'
 * before it is just a character), and the column counts characters, i.e.
 * UTF-8 lead bytes, not bytes -- the same convention jansson uses for its
 * syntax errors, so both kinds of message point the same way in an editor.
 *
 * The scanner trusts nothing: it works on any byte string (invalid UTF-8, NUL
 * bytes, unterminated strings, mismatched brackets, any nesting depth without
 * recursion) and stops at the deepest part of the path it could follow.
 */
#ifndef KIOSK_JSON_POS_H
#define KIOSK_JSON_POS_H

#include <stdbool.h>
#include <stddef.h>

/* One step of a path: an object member by name, or an array element. */
typedef struct json_pos_seg {
    const char *key;    /* member name (NUL-terminated, UTF-8); NULL: index */
    size_t index;       /* 0-based array index, used when key is NULL */
} json_pos_seg;

/* Follows path[0..n) from the root value of text[0..len).
 *
 * Returns how many steps were found, 0..n, and sets *line / *col to the
 * start of the value reached by those steps: all n found gives the value
 * itself; a missing member gives the opening brace of the object it was
 * looked up in. When all n steps are found, want_key is true and the last
 * step is a member name, the position is that of its key (the opening quote)
 * rather than its value -- for "unknown field" messages.
 *
 * Returns -1 when the text holds no value at all (empty or only white
 * space); *line / *col then point just past the end. Duplicate member names
 * resolve to the first one. */
int json_pos_find(const char *text, size_t len, const json_pos_seg *path,
                  size_t n, bool want_key, int *line, int *col);

/* For many lookups in one text. json_pos_find costs a scan from the start of
 * the text to the value, and so did every problem reported: 200 problems
 * near the end of a 16 MiB catalogue took 10 s. An index is built in one
 * pass (where each container longer than a few dozen bytes ends, and the
 * LINE:COL of every 1 KiB), after which a lookup skips whole containers,
 * resumes an array where the last lookup in it ended, and turns its offset
 * into LINE:COL by scanning at most 1 KiB. Results are exactly those of
 * json_pos_find. Memory: about 1 % of the text plus 16 bytes per indexed
 * container. */
typedef struct json_pos_index json_pos_index;

/* Indexes text[0..len), which must stay unchanged while the index lives.
 * Returns NULL when out of memory (callers fall back to json_pos_find). */
json_pos_index *json_pos_index_new(const char *text, size_t len);

/* json_pos_find in the indexed text. Not thread-safe: a lookup updates the
 * index's memory of where it last was. */
int json_pos_index_find(json_pos_index *ix, const json_pos_seg *path, size_t n,
                        bool want_key, int *line, int *col);

/* Like json_pos_find without want_key, but when all n steps lead to a
 * string, the position is that of the character starting at byte at of its
 * decoded content (an escape such as \u202E counts as the bytes it decodes
 * to, and is pointed at by its backslash): where a bad character is, not
 * where its string starts. */
int json_pos_find_char(const char *text, size_t len, const json_pos_seg *path,
                       size_t n, size_t at, int *line, int *col);
int json_pos_index_find_char(json_pos_index *ix, const json_pos_seg *path,
                             size_t n, size_t at, int *line, int *col);

/* Bytes the lookups through ix have stepped over so far (building the
 * index not included): what the tests count to prove that n lookups cost
 * O(n + size), not O(n * size), without timing anything. */
size_t json_pos_index_scanned(const json_pos_index *ix);

/* NULL is fine. */
void json_pos_index_free(json_pos_index *ix);

#endif
