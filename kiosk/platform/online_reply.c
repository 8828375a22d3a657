/*
 * online_reply: see online_reply.h.
 *
 * One walk per reply with a path for messages ("slots[3].start"); the first
 * problem ends it. Limits are in bytes: they bound memory, not what a
 * resident reads.
 */
#include "platform/online_reply.h"

#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "catalog/ltext.h"
#include "common/textcheck.h"

#define TEXT_MAX 1024       /* one language of one text */
#define VALUE_MAX 512       /* a certificate field's value */

typedef struct walk {
    online_data *d;
    char path[160];
    size_t depth_len[16];
    int depth;
    char *why;
    size_t wsize;
    bool failed;
} walk;

/* ---- the path and the message ---------------------------------------------- */

static void push(walk *w, const char *key, long index)
{
    size_t len = strlen(w->path);
    if (w->depth < 16)
        w->depth_len[w->depth] = len;
    w->depth++;
    if (key)
        snprintf(w->path + len, sizeof w->path - len, "%s%s", len ? "." : "", key);
    else
        snprintf(w->path + len, sizeof w->path - len, "[%ld]", index);
}

static void pop(walk *w)
{
    if (w->depth <= 0)
        return;
    w->depth--;
    if (w->depth < 16)
        w->path[w->depth_len[w->depth]] = '\0';
}

static bool fail(walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records the first problem at the current path; always false. */
static bool fail(walk *w, const char *fmt, ...)
{
    if (w->failed)
        return false;
    w->failed = true;
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(w->why, w->wsize, "%s%s%s", w->path[0] ? w->path : "reply",
             ": ", msg);
    return false;
}

/* ---- the arena ---------------------------------------------------------------- */

static const char *keep(walk *w, const char *s, size_t len)
{
    online_data *d = w->d;
    if (d->arena_used + len + 1 > sizeof d->arena) {
        fail(w, "the reply is larger than the kiosk keeps");
        return NULL;
    }
    char *p = d->arena + d->arena_used;
    memcpy(p, s, len);
    p[len] = '\0';
    d->arena_used += len + 1;
    return p;
}

/* ---- values -------------------------------------------------------------------- */

typedef enum charset {
    CH_TEXT,        /* visible text: common/textcheck.h's rule */
    CH_CODE,        /* A-Z a-z 0-9 - _ : . + (numbers, ids, codes, times) */
    CH_LOWER,       /* a-z 0-9 _ (status words, kinds) */
} charset;

/* For codes and words; texts (CH_TEXT) are shown to the resident and take
 * the catalogue's visible-text rule instead (str_member, text_ok): a
 * platform must not be able to show a reversed or empty-looking line. */
static bool chars_ok(const char *s, size_t len, charset cs)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            return false;
        /* C1 controls (U+0080..U+009F) are 0xC2 0x80..0x9F in UTF-8 */
        if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] < 0xa0)
            return false;
        bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
        if (cs == CH_LOWER && !(alnum || c == '_'))
            return false;
        if (cs == CH_CODE && !(alnum || (c >= 'A' && c <= 'Z') || c == '-' || c == '_' ||
                               c == ':' || c == '.' || c == '+'))
            return false;
    }
    return true;
}

static const char *rule(charset cs)
{
    return cs == CH_CODE    ? "letters, digits and - _ : . + only"
           : cs == CH_LOWER ? "lower-case letters, digits and _ only"
                            : "visible text without control or format characters";
}

/* Member key of obj as a string of 1..max bytes in cs; NULL (and the
 * problem) when absent and required, or wrong. *absent says it was not
 * there at all (optional members). */
static const char *str_member(walk *w, json_t *obj, const char *key, bool required, size_t max,
                              charset cs, size_t *len_out)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required) {
            push(w, key, 0);
            fail(w, "required field is missing");
            pop(w);
        }
        return NULL;
    }
    push(w, key, 0);
    const char *s = NULL;
    text_problem tp;
    if (!json_is_string(v)) {
        fail(w, "must be a string");
    } else if (json_string_length(v) == 0) {
        fail(w, "must not be empty");
    } else if (json_string_length(v) > max) {
        fail(w, "must be at most %zu bytes", max);
    } else if (strlen(json_string_value(v)) != json_string_length(v)) {
        fail(w, "must hold %s", rule(cs));
    } else if (cs == CH_TEXT && !text_check_visible(json_string_value(v), json_string_length(v),
                                                    TEXT_NEED_VISIBLE, &tp)) {
        char why[160];
        fail(w, "%s", text_problem_describe(&tp, why, sizeof why));
    } else if (cs != CH_TEXT && !chars_ok(json_string_value(v), json_string_length(v), cs)) {
        fail(w, "must hold %s", rule(cs));
    } else {
        s = json_string_value(v);
        if (len_out)
            *len_out = json_string_length(v);
    }
    pop(w);
    return s;
}

/* The same, copied into a fixed buffer of size bytes (max = size - 1). */
static bool str_into(walk *w, json_t *obj, const char *key, bool required, charset cs, char *out,
                     size_t size)
{
    size_t len = 0;
    const char *s = str_member(w, obj, key, required, size - 1, cs, &len);
    if (!s)
        return !w->failed;
    memcpy(out, s, len);
    out[len] = '\0';
    return true;
}

/* The same, kept in the arena ("" when absent and optional). */
static const char *str_keep(walk *w, json_t *obj, const char *key, bool required, size_t max,
                            charset cs)
{
    size_t len = 0;
    const char *s = str_member(w, obj, key, required, max, cs, &len);
    if (!s)
        return w->failed ? NULL : "";
    return keep(w, s, len);
}

static bool int_member(walk *w, json_t *obj, const char *key, long lo, long hi, int *out)
{
    json_t *v = json_object_get(obj, key);
    push(w, key, 0);
    bool ok = false;
    if (!v)
        fail(w, "required field is missing");
    else if (!json_is_integer(v))
        fail(w, "must be a whole number");
    else if (json_integer_value(v) < lo || json_integer_value(v) > hi)
        fail(w, "must be from %ld to %ld", lo, hi);
    else {
        *out = (int)json_integer_value(v);
        ok = true;
    }
    pop(w);
    return ok;
}

/* One language's text: a string of 1..TEXT_MAX bytes that passes the
 * visible-text rule; otherwise the problem, naming the character. */
static bool text_ok(walk *w, json_t *t)
{
    size_t len = json_is_string(t) ? json_string_length(t) : 0;
    if (!json_is_string(t) || len == 0 || len > TEXT_MAX ||
        strlen(json_string_value(t)) != len)
        return fail(w, "must be a text of 1 to %d bytes", TEXT_MAX);
    text_problem tp;
    if (!text_check_visible(json_string_value(t), len, TEXT_NEED_VISIBLE, &tp)) {
        char why[160];
        return fail(w, "%s", text_problem_describe(&tp, why, sizeof why));
    }
    return true;
}

/* A text in languages: {"zh": ..., "en": ...}, or a plain string (the
 * fallback language's). At least one language. */
static bool text_member(walk *w, json_t *obj, const char *key, bool required, online_text *out)
{
    memset(out, 0, sizeof *out);
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required) {
            push(w, key, 0);
            fail(w, "required field is missing");
            pop(w);
        }
        return !required;
    }
    push(w, key, 0);
    if (json_is_string(v)) {
        size_t len = json_string_length(v);
        if (text_ok(w, v)) {
            snprintf(out->item[0].lang, sizeof out->item[0].lang, "%s", ltext_fallback());
            out->item[0].text = keep(w, json_string_value(v), len);
            out->n = out->item[0].text ? 1 : 0;
        }
    } else if (!json_is_object(v)) {
        fail(w, "must be an object of texts by language, {\"zh\": ..., \"en\": ...}");
    } else {
        const char *lang;
        json_t *t;
        json_object_foreach(v, lang, t)
        {
            if (w->failed)
                break;
            if (!lang_code_ok(lang, strlen(lang))) {
                fail(w, "a member name is not a language code (%s)", LANG_CODE_RULE);
                break;
            }
            /* a language the kiosk cannot hold is skipped, not an error */
            if (out->n >= ONLINE_TEXT_LANGS)
                continue;
            push(w, lang, 0);
            size_t len = json_is_string(t) ? json_string_length(t) : 0;
            if (text_ok(w, t)) {
                snprintf(out->item[out->n].lang, sizeof out->item[out->n].lang, "%s", lang);
                out->item[out->n].text = keep(w, json_string_value(t), len);
                if (out->item[out->n].text)
                    out->n++;
            }
            pop(w);
        }
        if (!w->failed && out->n == 0)
            fail(w, "must hold at least one language");
    }
    pop(w);
    return !w->failed;
}

const char *online_text_get(const online_text *t, const char *lang)
{
    if (!t || t->n == 0)
        return "";
    for (size_t i = 0; lang && i < t->n; i++)
        if (!strcmp(t->item[i].lang, lang))
            return t->item[i].text;
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->item[i].lang, ltext_fallback()))
            return t->item[i].text;
    return t->item[0].text;
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* YYYY-MM-DD of a real day. */
static bool date_ok(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4) || !digits(s + 5, 2) ||
        !digits(s + 8, 2))
        return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

/* HH:MM of a day. */
static bool hhmm_ok(const char *s)
{
    return strlen(s) == 5 && s[2] == ':' && digits(s, 2) && digits(s + 3, 2) &&
           (s[0] - '0') * 10 + (s[1] - '0') < 24 && (s[3] - '0') * 10 + (s[4] - '0') < 60;
}

static bool date_member(walk *w, json_t *obj, const char *key, char out[11])
{
    char buf[16] = "";
    if (!str_into(w, obj, key, true, CH_CODE, buf, sizeof buf))
        return false;
    if (!date_ok(buf)) {
        push(w, key, 0);
        fail(w, "must be a date YYYY-MM-DD");
        pop(w);
        return false;
    }
    memcpy(out, buf, 11);
    return true;
}

static bool hhmm_member(walk *w, json_t *obj, const char *key, char out[6])
{
    char buf[8] = "";
    if (!str_into(w, obj, key, true, CH_CODE, buf, sizeof buf))
        return false;
    if (!hhmm_ok(buf)) {
        push(w, key, 0);
        fail(w, "must be a time of day HH:MM");
        pop(w);
        return false;
    }
    memcpy(out, buf, 6);
    return true;
}

bool online_parse_time(const char *s, int64_t *out)
{
    /* 2026-11-20T10:15:00[.fff](Z|+08:00) */
    size_t n = strlen(s);
    if (n < 20 || !date_ok((char[11]){s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9],
                                      '\0'}) ||
        (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':' ||
        !digits(s + 11, 2) || !digits(s + 14, 2) || !digits(s + 17, 2))
        return false;
    int hh = (s[11] - '0') * 10 + (s[12] - '0'), mm = (s[14] - '0') * 10 + (s[15] - '0'),
        ss = (s[17] - '0') * 10 + (s[18] - '0');
    if (hh > 23 || mm > 59 || ss > 60)
        return false;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        const char *f = p;
        while (*p >= '0' && *p <= '9')
            p++;
        if (p == f || p - f > 9)
            return false;
    }
    long off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':' && digits(p + 1, 2) &&
               digits(p + 4, 2)) {
        int oh = (p[1] - '0') * 10 + (p[2] - '0'), om = (p[4] - '0') * 10 + (p[5] - '0');
        if (oh > 23 || om > 59)
            return false;
        off = (oh * 3600L + om * 60L) * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return false;
    }
    if (*p)
        return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int mo = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
    /* days from the civil date (proleptic Gregorian), no time zone involved */
    int yy = y - (mo <= 2);
    long era = (yy >= 0 ? yy : yy - 399) / 400;
    long yoe = yy - era * 400;
    long doy = (153L * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = (int64_t)era * 146097 + doe - 719468;
    *out = days * 86400 + hh * 3600 + mm * 60 + ss - off;
    return true;
}

/* ---- the replies ------------------------------------------------------------------ */

static bool object_at(walk *w, json_t *v, const char *what)
{
    if (json_is_object(v))
        return true;
    return fail(w, "must be an object %s", what);
}

static bool parse_ticket(walk *w, json_t *root)
{
    online_data *d = w->d;
    return str_into(w, root, "ticket", true, CH_CODE, d->ticket.number, sizeof d->ticket.number) &&
           int_member(w, root, "waiting", 0, 100000, &d->ticket.waiting) &&
           text_member(w, root, "window", true, &d->ticket.window) &&
           str_into(w, root, "issued_at", false, CH_CODE, d->ticket.issued_at,
                    sizeof d->ticket.issued_at);
}

static bool parse_slots(walk *w, json_t *root)
{
    online_data *d = w->d;
    if (!date_member(w, root, "date", d->slots.date))
        return false;
    json_t *list = json_object_get(root, "slots");
    push(w, "slots", 0);
    if (!list)
        fail(w, "required field is missing");
    else if (!json_is_array(list))
        fail(w, "must be a list");
    else if (json_array_size(list) > ONLINE_MAX_SLOTS)
        fail(w, "must list at most %d slots", ONLINE_MAX_SLOTS);
    size_t i;
    json_t *it;
    json_array_foreach(w->failed ? NULL : list, i, it)
    {
        online_slot *s = &d->slots.slot[i];
        push(w, NULL, (long)i);
        if (object_at(w, it, "{\"slot_id\", \"start\", \"end\", \"free\"}") &&
            str_into(w, it, "slot_id", true, CH_CODE, s->id, sizeof s->id) &&
            hhmm_member(w, it, "start", s->start) && hhmm_member(w, it, "end", s->end) &&
            int_member(w, it, "free", 0, 100000, &s->free) && strcmp(s->start, s->end) >= 0) {
            push(w, "end", 0);
            fail(w, "must be later than start");
            pop(w);
        }
        pop(w);
        if (w->failed)
            break;
        d->slots.n = i + 1;
    }
    pop(w);
    return !w->failed;
}

static bool parse_booking(walk *w, json_t *root)
{
    online_data *d = w->d;
    return str_into(w, root, "confirmation", true, CH_CODE, d->booking.confirmation,
                    sizeof d->booking.confirmation) &&
           date_member(w, root, "date", d->booking.date) &&
           hhmm_member(w, root, "start", d->booking.start) &&
           hhmm_member(w, root, "end", d->booking.end) &&
           text_member(w, root, "window", true, &d->booking.window);
}

static bool parse_progress(walk *w, json_t *root)
{
    online_data *d = w->d;
    json_t *list = json_object_get(root, "applications");
    push(w, "applications", 0);
    if (!list)
        fail(w, "required field is missing");
    else if (!json_is_array(list))
        fail(w, "must be a list");
    d->progress.total = json_is_array(list) ? json_array_size(list) : 0;
    size_t i;
    json_t *it;
    json_array_foreach(w->failed ? NULL : list, i, it)
    {
        /* newest first: what is past the kiosk's room is the oldest */
        if (i >= ONLINE_MAX_APPS)
            break;
        online_application *a = &d->progress.app[i];
        push(w, NULL, (long)i);
        if (object_at(w, it, "{\"number\", \"status\", \"updated_at\", ...}") &&
            str_into(w, it, "number", true, CH_CODE, a->number, sizeof a->number) &&
            str_into(w, it, "service_code", false, CH_CODE, a->service_code,
                     sizeof a->service_code) &&
            text_member(w, it, "title", true, &a->title) &&
            str_into(w, it, "status", true, CH_LOWER, a->status, sizeof a->status) &&
            text_member(w, it, "status_text", true, &a->status_text) &&
            str_into(w, it, "updated_at", true, CH_CODE, a->updated_at, sizeof a->updated_at) &&
            text_member(w, it, "note", false, &a->note) &&
            !online_parse_time(a->updated_at, &a->updated)) {
            push(w, "updated_at", 0);
            fail(w, "must be an RFC 3339 time with an offset");
            pop(w);
        }
        pop(w);
        if (w->failed)
            break;
        d->progress.n = i + 1;
    }
    pop(w);
    return !w->failed;
}

static bool parse_certificate(walk *w, json_t *root)
{
    online_data *d = w->d;
    json_t *c = json_object_get(root, "certificate");
    push(w, "certificate", 0);
    if (!c)
        fail(w, "required field is missing");
    else if (object_at(w, c, "{\"kind\", \"title\", \"number\", \"fields\", ...}") &&
             str_into(w, c, "kind", true, CH_LOWER, d->cert.kind, sizeof d->cert.kind) &&
             text_member(w, c, "title", true, &d->cert.title) &&
             str_into(w, c, "number", true, CH_CODE, d->cert.number, sizeof d->cert.number) &&
             (d->cert.holder_name = str_keep(w, c, "holder_name", true, 128, CH_TEXT)) &&
             (d->cert.id_number = str_keep(w, c, "id_number", true, 32, CH_CODE)) &&
             str_into(w, c, "issued_at", false, CH_CODE, d->cert.issued_at,
                      sizeof d->cert.issued_at) &&
             text_member(w, c, "issuer", false, &d->cert.issuer)) {
        json_t *list = json_object_get(c, "fields");
        push(w, "fields", 0);
        if (!list)
            fail(w, "required field is missing");
        else if (!json_is_array(list))
            fail(w, "must be a list");
        else if (json_array_size(list) > ONLINE_MAX_FIELDS)
            fail(w, "must list at most %d fields", ONLINE_MAX_FIELDS);
        size_t i;
        json_t *it;
        json_array_foreach(w->failed ? NULL : list, i, it)
        {
            online_cert_field *f = &d->cert.field[i];
            push(w, NULL, (long)i);
            if (object_at(w, it, "{\"label\", \"value\"}") &&
                text_member(w, it, "label", true, &f->label))
                f->value = str_keep(w, it, "value", true, VALUE_MAX, CH_TEXT);
            pop(w);
            if (w->failed)
                break;
            d->cert.n_fields = i + 1;
        }
        pop(w);
    }
    pop(w);
    if (w->failed)
        return false;
    const char *url = str_keep(w, root, "verify_url", false, 512, CH_TEXT);
    if (!url)
        return false;
    if (*url && strncmp(url, "https://", 8) && strncmp(url, "http://", 7)) {
        push(w, "verify_url", 0);
        fail(w, "must be an http(s) address");
        pop(w);
        return false;
    }
    if (strpbrk(url, " \t")) {
        push(w, "verify_url", 0);
        fail(w, "must not hold spaces");
        pop(w);
        return false;
    }
    d->cert.verify_url = url;
    return true;
}

static bool parse_submit(walk *w, json_t *root, const char *key)
{
    online_data *d = w->d;
    json_t *list = json_object_get(root, "results");
    push(w, "results", 0);
    if (!list)
        fail(w, "required field is missing");
    else if (!json_is_array(list))
        fail(w, "must be a list");
    size_t i;
    json_t *it;
    json_array_foreach(w->failed ? NULL : list, i, it)
    {
        push(w, NULL, (long)i);
        char k[80] = "", status[16] = "";
        if (object_at(w, it, "{\"key\", \"status\", \"reason\"}") &&
            str_into(w, it, "key", true, CH_CODE, k, sizeof k) &&
            str_into(w, it, "status", true, CH_LOWER, status, sizeof status) &&
            str_into(w, it, "reason", false, CH_TEXT, d->submit.reason, sizeof d->submit.reason) &&
            key && !strcasecmp(k, key)) {
            d->submit.verdict = !strcmp(status, "accepted")    ? ONLINE_ACCEPTED
                                : !strcmp(status, "duplicate") ? ONLINE_DUPLICATE
                                : !strcmp(status, "rejected")  ? ONLINE_REJECTED
                                : !strcmp(status, "retry")     ? ONLINE_RETRY
                                                               : 0;
            if (!d->submit.verdict) {
                push(w, "status", 0);
                fail(w, "must be one of accepted, duplicate, rejected, retry");
                pop(w);
            }
        } else if (!w->failed) {
            d->submit.reason[0] = '\0';
        }
        pop(w);
        if (w->failed || d->submit.verdict)
            break;
    }
    if (!w->failed && !d->submit.verdict)
        fail(w, "holds no result for the application sent");
    pop(w);
    return !w->failed;
}

static const char *syntax_kind(const json_error_t *e)
{
    switch (json_error_code(e)) {
    case json_error_premature_end_of_input:
        return "cut short";
    case json_error_end_of_input_expected:
        return "something follows the JSON value";
    case json_error_invalid_utf8:
        return "not UTF-8";
    case json_error_duplicate_key:
        return "a member appears twice";
    case json_error_null_character:
    case json_error_null_byte_in_key:
        return "a NUL character";
    case json_error_numeric_overflow:
        return "a number too large";
    default:
        return "invalid syntax";
    }
}

/* jansson frees without wiping: every string of the tree is wiped first,
 * names and ID numbers included. */
static void wipe_tree(json_t *j, int depth)
{
    if (!j || depth > 64)
        return;
    if (json_is_string(j)) {
        sodium_memzero((char *)json_string_value(j), json_string_length(j));
    } else if (json_is_object(j)) {
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v)
            wipe_tree(v, depth + 1);
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v)
            wipe_tree(v, depth + 1);
    }
}

bool online_reply_parse(online_kind kind, const char *body, size_t len, const char *key,
                        online_data *out, char *why, size_t wsize)
{
    memset(out, 0, sizeof *out);
    out->kind = kind;
    walk w = {.d = out, .why = why, .wsize = wsize};
    if (wsize)
        why[0] = '\0';
    json_error_t err;
    /* JSON_REJECT_DUPLICATES: two values for one member is not a reply to
     * pick from; JSON_DISABLE_EOF_CHECK off: nothing may follow it */
    json_t *root = body && len ? json_loadb(body, len, JSON_REJECT_DUPLICATES, &err) : NULL;
    if (!root) {
        if (!body || !len)
            fail(&w, "empty, not JSON");
        else    /* jansson's own text may quote the reply: only its kind */
            fail(&w, "not JSON (line %d, column %d: %s)", err.line, err.column,
                 syntax_kind(&err));
    } else if (object_at(&w, root, "{...}")) {
        switch (kind) {
        case ONLINE_TICKET:
            parse_ticket(&w, root);
            break;
        case ONLINE_SLOTS:
            parse_slots(&w, root);
            break;
        case ONLINE_BOOK:
            parse_booking(&w, root);
            break;
        case ONLINE_PROGRESS:
            parse_progress(&w, root);
            break;
        case ONLINE_CERTIFICATE:
            parse_certificate(&w, root);
            break;
        case ONLINE_SUBMIT:
            parse_submit(&w, root, key);
            break;
        default:
            fail(&w, "no reply of this kind is known");
            break;
        }
    }
    wipe_tree(root, 0);
    json_decref(root);
    if (w.failed) {
        sodium_memzero(out, sizeof *out);
        out->kind = kind;
        return false;
    }
    return true;
}

void online_reply_error(const char *body, size_t len, char *code, size_t size)
{
    if (size)
        code[0] = '\0';
    json_t *root = body && len ? json_loadb(body, len, 0, NULL) : NULL;
    json_t *e = json_object_get(root, "error");
    const char *s = json_is_string(e) ? json_string_value(e) : "";
    size_t n = strlen(s);
    if (n && n < size && n < 48 && chars_ok(s, n, CH_LOWER))
        memcpy(code, s, n + 1);
    wipe_tree(root, 0);
    json_decref(root);
}
