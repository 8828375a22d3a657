/*
 * json_check: checking the shape of a JSON document that people edit (the
 * service catalogue today; forms, rating reasons and server replies later)
 * and saying exactly where and what is wrong.
 *
 * A loader walks jansson's tree once with a json_check context, pushing a
 * path step (member name or array index) for each value it enters. Every
 * problem is reported at the current path as
 *     FILE:LINE:COL: categories[1].name.en: must not be empty
 * where LINE:COL come from json_pos, which re-scans the raw text along the
 * path -- only when something is wrong, so a good file costs nothing extra
 * (and a bad one one pass to index it, however many problems it has).
 * Checking never stops at the first problem: a technician on site should fix
 * a whole file in one round trip.
 *
 * The getters (json_check_string, _int, _bool, _array, _text, ...) each look
 * a member up, check it against one rule and report anything else in words
 * a technician understands ("must be a whole number from 1 to 99, got 5.0").
 * They know nothing of what the document describes: the loader owns the
 * schema, the limits and the meaning.
 *
 * Strings returned by getters point into the jansson tree (valid while the
 * tree is); ltext and lists they fill are copies the caller owns.
 */
#ifndef KIOSK_JSON_CHECK_H
#define KIOSK_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "catalog/json_pos.h"
#include "catalog/ltext.h"
#include "common/diag.h"

/* Past this many problems the rest are counted but not described: each
 * description costs a re-scan of the text, and a file that is wrong in
 * thousands of places needs regenerating, not a thousand-line report. */
#define JSON_CHECK_MAX_PROBLEMS 200

/* Path steps kept for messages and positions; deeper paths can still be
 * pushed and popped, but only their first JSON_CHECK_MAX_DEPTH steps show. */
#define JSON_CHECK_MAX_DEPTH 12

/* Room for json_check_quote / json_check_describe output of one value. */
#define JSON_CHECK_GOT_SIZE 160

/* One walk over one document. Fill with json_check_init; the fields are
 * read-only for callers except through the functions below. */
typedef struct json_check {
    const char *text;       /* raw document, for positions */
    size_t len;
    const char *name;       /* file name for messages */
    diag_list *errors;
    size_t first_diag;      /* errors->items[first_diag..] are this walk's */
    size_t problems;        /* every problem, described or not */
    bool oom;               /* an allocation failed (json_check_alloc, ...) */
    json_pos_seg path[JSON_CHECK_MAX_DEPTH];
    const char *ids[JSON_CHECK_MAX_DEPTH]; /* json_check_set_id per step */
    size_t depth;           /* may exceed JSON_CHECK_MAX_DEPTH */
    json_pos_index *pos;    /* built at the first problem; freed by finish */
} json_check;

/* Character sets for json_check_string. */
typedef enum json_check_chars {
    JSON_CHECK_ANY,
    JSON_CHECK_ID,          /* A-Z a-z 0-9 - */
    JSON_CHECK_LOWER_ID,    /* a-z 0-9 - */
    JSON_CHECK_PHONE,       /* 0-9 - */
} json_check_chars;

/* ---- the document ------------------------------------------------------ */

/* Checks text[0..len) is UTF-8 text holding JSON and parses it (duplicate
 * member names are refused). Returns the tree (json_decref it), or NULL with
 * one problem appended to errors: the encoding problem textfile_check
 * found, "file is empty" (nothing but white space), or "JSON syntax error:
 * ..." at jansson's LINE:COL. */
json_t *json_check_load(const char *text, size_t len, const char *name,
                        diag_list *errors);

/* json_check_load with the tree's memory bounded: jansson's allocations for
 * this text (malloc's chunks, headers included) may total at most max_tree
 * bytes (0: no bound). Past that, jansson stops, frees what it built, and
 * one problem is appended at the LINE:COL it reached: "too much to hold in
 * memory: reading it needs more than N MiB by this point (the limit for
 * WHAT); is this the right file?". */
json_t *json_check_load_bounded(const char *text, size_t len, const char *name,
                                size_t max_tree, const char *what,
                                diag_list *errors);

/* The bytes the tree of this thread's last json_check_load took (for the
 * benchmarks and tests). */
size_t json_check_tree_bytes(void);

/* Starts a walk over text[0..len) (the text the tree was parsed from),
 * reporting to errors under name. Nothing is allocated until a problem is
 * reported; json_check_finish frees it, so every walk must end with it. */
void json_check_init(json_check *jc, const char *text, size_t len,
                     const char *name, diag_list *errors);

/* Ends a walk: sorts this walk's problems by position and, when more than
 * JSON_CHECK_MAX_PROBLEMS were found, adds "N more problems not shown; fix
 * these and check again". Returns true when the walk found no problem and
 * ran out of no memory; the caller reports jc->oom in its own words. */
bool json_check_finish(json_check *jc);

/* ---- the path ------------------------------------------------------------ */

/* Enters member key of the current object. key is not copied: it must live
 * until the matching pop. */
void json_check_push_key(json_check *jc, const char *key);

/* Enters element index of the current array. */
void json_check_push_index(json_check *jc, size_t index);

/* Leaves the innermost step (nothing at the root). */
void json_check_pop(json_check *jc);

/* Names the entry at the innermost step, which should be an array index,
 * by its id in messages until that step is popped: "services[3] (id
 * 330106-000-00-004) materials[1].count" -- array indexes shift when
 * entries are added, ids do not. id is not copied; NULL removes it. */
void json_check_set_id(json_check *jc, const char *id);

/* ---- reporting ----------------------------------------------------------- */

/* Reports a problem with the value at the current path:
 * "NAME:LINE:COL: PATH: message", or "NAME:LINE:COL: message" at the root.
 * Always counted; described only for the first JSON_CHECK_MAX_PROBLEMS. */
void json_check_report(json_check *jc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The same, positioned at the key of the innermost member rather than its
 * value (for "unknown field" and "is not a language code"). */
void json_check_report_key(json_check *jc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The same, positioned at the character starting at byte at of the string
 * value at the current path (for "must not contain U+202E ..."). */
void json_check_report_char(json_check *jc, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes s as a double-quoted string for a message: quotes, backslashes and
 * control characters (C0, DEL, C1) escaped, cut after 40 characters -- or
 * when out is nearly full -- with "...". out must hold at least 16 bytes;
 * JSON_CHECK_GOT_SIZE is always enough. */
void json_check_quote(const char *s, char *out, size_t size);

/* Describes a value for "..., got X": the value itself for scalars (a
 * quoted string, 5, 5.0, true, null), "an object" or "a list" for
 * containers. */
void json_check_describe(const json_t *j, char *out, size_t size);

/* ---- memory ------------------------------------------------------------ */

/* calloc for n items (at least one) and strdup; on failure they set jc->oom
 * and return NULL, so a loader can carry on and fail once at the end. */
void *json_check_alloc(json_check *jc, size_t n, size_t size);
char *json_check_dup(json_check *jc, const char *s);

/* ---- objects and members ------------------------------------------------ */

/* True when j is an object; otherwise reports "<must>, got <j>" (must is
 * e.g. "must be an object {\"id\": ..., \"name\": ...}") and returns false. */
bool json_check_object(json_check *jc, const json_t *j, const char *must);

/* Reports every member of obj not in allowed[0..n): "unknown field; did
 * you mean \"x\"?" when one allowed name is within two edits, else
 * "unknown field; allowed here: a, b, c". Unknown fields are errors, never
 * skipped: a misspelt key silently ignored leaves a value nobody set. */
void json_check_keys(json_check *jc, json_t *obj, const char *const *allowed,
                     size_t n);

/* Member key of obj, or NULL when absent -- reporting "required field is
 * missing" (at obj, which should hold it) when required. */
json_t *json_check_member(json_check *jc, json_t *obj, const char *key,
                          bool required);

/* ---- typed members ----------------------------------------------------- */
/* Each looks up member key of obj (required or not, as its arguments say),
 * checks it and reports at obj.key. Nothing is stored on failure. */

/* A non-empty (not only white space) string of at most max characters
 * that passes text_check_visible (common/textcheck.h: no control or format
 * characters, something visible), in charset chars. Returns it (owned by the
 * tree), or NULL when absent or after reporting. */
const char *json_check_string(json_check *jc, json_t *obj, const char *key,
                              bool required, size_t max, json_check_chars chars);

/* A whole number from lo to hi, stored in *out. Required. Returns whether
 * *out was set. */
bool json_check_int(json_check *jc, json_t *obj, const char *key, int lo,
                    int hi, int *out);

/* true or false, stored in *out. Required. Returns whether *out was set. */
bool json_check_bool(json_check *jc, json_t *obj, const char *key, bool *out);

/* One of names[0..n), returning its index; -1 when absent or after
 * reporting "must be one of \"a\", \"b\", got X". Required. */
int json_check_enum(json_check *jc, json_t *obj, const char *key,
                    const char *const *names, size_t n);

/* A list of at most max entries. Returns it (owned by the tree), or NULL
 * when absent or not a list of at most max. Fewer than min entries is
 * reported with min_msg ("must list at least one step") but the list is
 * still returned. */
json_t *json_check_array(json_check *jc, json_t *obj, const char *key,
                         bool required, size_t min, size_t max,
                         const char *min_msg);

/* A text in languages (see ltext.h), added to *out: a plain string, which
 * is the fallback language's (ltext_fallback), or an object keyed by
 * language code {"zh": ..., "en": ...} that must hold the fallback
 * language. Each text is checked like json_check_string with at most
 * wide_max characters in CJK scripts (zh, ja, ko) and max in others. */
void json_check_text(json_check *jc, json_t *obj, const char *key,
                     bool required, size_t wide_max, size_t max, ltext *out);

/* A required list of 1 to max_entries texts (fewer reported with min_msg),
 * each as json_check_text. Returns a new array (free each with ltext_free,
 * then the array) with its length in *n, or NULL when there is none. */
ltext *json_check_text_list(json_check *jc, json_t *obj, const char *key,
                            size_t max_entries, size_t wide_max, size_t max,
                            const char *min_msg, size_t *n);

/* An optional list of at most max_entries strings, each as
 * json_check_string with max characters and, when valid is not NULL,
 * passing valid() -- else reported as "<rule>, got X". Returns a new array
 * of copies (free each, then the array; an entry that failed is NULL) with
 * its length in *n, or NULL when there is none. */
char **json_check_string_list(json_check *jc, json_t *obj, const char *key,
                              size_t max_entries, size_t max,
                              bool (*valid)(const char *s), const char *rule,
                              size_t *n);

/* ---- values (array elements, or members already looked up) -------------- */

/* json_check_string on the value at the current path. */
const char *json_check_string_value(json_check *jc, const json_t *j,
                                    size_t max);

/* json_check_text on the value at the current path. */
void json_check_text_value(json_check *jc, json_t *j, size_t wide_max,
                           size_t max, ltext *out);

#endif
