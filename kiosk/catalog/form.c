/*
 * form: the schema of a service's form (see form.h), checked with
 * json_check so a technician gets FILE:LINE:COL for every problem, and the
 * rules a resident's answer must meet.
 *
 * Beyond the shape, the loader refuses what would strand a resident in
 * front of the screen: a rule no answer can meet (min_length above
 * max_length, a phone that may only be 5 long), a question not written in
 * one of the kiosk's languages, and an ID-card field on a service that
 * never asks for the card.
 */
#include "catalog/form.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"

enum {
    ID_MAX = 32,
    LABEL_WIDE_MAX = 40,
    LABEL_NARROW_MAX = 80,
    TEXT_MAX = 1000,
};

#define MAX_LANGS 8
static char form_langs[MAX_LANGS][LANG_CODE_SIZE];
static size_t n_form_langs;

void form_set_languages(const char (*langs)[LANG_CODE_SIZE], size_t n)
{
    n_form_langs = 0;
    for (size_t i = 0; i < n && n_form_langs < MAX_LANGS; i++)
        if (lang_code_ok(langs[i], strlen(langs[i])))
            snprintf(form_langs[n_form_langs++], LANG_CODE_SIZE, "%s", langs[i]);
}

static const char *const type_names[] = {
    [FORM_TEXT] = "text", [FORM_DIGITS] = "digits", [FORM_PHONE] = "phone",
    [FORM_DATE] = "date", [FORM_CHOICE] = "choice", [FORM_YESNO] = "yesno",
};
static const char *const pattern_names[] = {
    "phone-cn", "digits", "postcode-cn",    /* FORM_PATTERN_* - 1 */
};
static const char *const card_names[] = {
    "name", "id_number", "sex", "birth", "address",  /* FORM_CARD_* - 1 */
};
static const char *const delivery_names[] = {[FORM_QUEUE] = "queue",
                                             [FORM_ONLINE] = "online"};

#define N(a) (sizeof a / sizeof a[0])

/* The text at obj.key (already read into t) must hold every configured
 * language: reported once, naming the languages missing. */
static void check_langs(json_check *jc, json_t *obj, const char *key, const ltext *t)
{
    if (!t->n)
        return;     /* absent or invalid: already reported */
    char missing[64] = "";
    size_t o = 0;
    const char *fallback = ltext_fallback();
    size_t n = n_form_langs;
    const char (*langs)[LANG_CODE_SIZE] = form_langs;
    char only[1][LANG_CODE_SIZE];
    if (n == 0) {
        snprintf(only[0], sizeof only[0], "%s", fallback);
        langs = only;
        n = 1;
    }
    /* the fallback's absence json_check_text has reported already */
    for (size_t i = 0; i < n; i++)
        if (strcmp(langs[i], fallback) != 0 && !ltext_exact(t, langs[i]))
            o += (size_t)snprintf(missing + o, sizeof missing - o, "%s\"%s\"",
                                  o ? ", " : "", langs[i]);
    if (!o || !json_object_get(obj, key))
        return;
    json_check_push_key(jc, key);
    json_check_report(jc, "has no text in %s; every form text must be in each "
                      "language the kiosk is configured for", missing);
    json_check_pop(jc);
}

static void text_all_langs(json_check *jc, json_t *obj, const char *key,
                           bool required, size_t wide, size_t narrow, ltext *out)
{
    json_check_text(jc, obj, key, required, wide, narrow, out);
    check_langs(jc, obj, key, out);
}

/* An optional member: the getters' "required" variants report a missing
 * one, so look first. */
static bool opt_int(json_check *jc, json_t *obj, const char *key, int lo, int hi, int *out)
{
    return json_object_get(obj, key) && json_check_int(jc, obj, key, lo, hi, out);
}

static bool opt_bool(json_check *jc, json_t *obj, const char *key, bool *out)
{
    return json_object_get(obj, key) && json_check_bool(jc, obj, key, out);
}

static int opt_enum(json_check *jc, json_t *obj, const char *key,
                    const char *const *names, size_t n)
{
    return json_object_get(obj, key) ? json_check_enum(jc, obj, key, names, n) : -1;
}

/* Reports member key of obj, when present, as not meaning anything for a
 * field of this type. */
static void not_for(json_check *jc, json_t *obj, const char *key, form_type t)
{
    if (!json_object_get(obj, key))
        return;
    json_check_push_key(jc, key);
    json_check_report_key(jc, "does not apply to a \"%s\" field", type_names[t]);
    json_check_pop(jc);
}

/* A rule no answer can meet, reported at key. */
static void never(json_check *jc, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void never(json_check *jc, const char *key, const char *fmt, ...)
{
    char why[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    json_check_push_key(jc, key);
    json_check_report(jc, "can never be satisfied: %s", why);
    json_check_pop(jc);
}

static void walk_choices(json_check *jc, json_t *obj, form_field *f)
{
    json_t *list = json_check_array(jc, obj, "choices", true, 2, FORM_MAX_CHOICES,
                                    "must list at least two choices");
    if (!list)
        return;
    size_t n = json_array_size(list);
    f->choices = json_check_alloc(jc, n, sizeof *f->choices);
    if (!f->choices)
        return;
    f->n_choices = n;
    json_check_push_key(jc, "choices");
    for (size_t i = 0; i < n; i++) {
        json_t *c = json_array_get(list, i);
        json_check_push_index(jc, i);
        if (json_check_object(jc, c, "must be an object {\"id\": ..., \"label\": ...}")) {
            static const char *const keys[] = {"id", "label"};
            json_check_keys(jc, c, keys, N(keys));
            const char *id = json_check_string(jc, c, "id", true, ID_MAX,
                                               JSON_CHECK_LOWER_ID);
            if (id)
                f->choices[i].id = json_check_dup(jc, id);
            for (size_t k = 0; id && k < i; k++)
                if (f->choices[k].id && !strcmp(f->choices[k].id, id)) {
                    json_check_push_key(jc, "id");
                    json_check_report(jc, "duplicate choice id, already used by "
                                      "choices[%zu]", k);
                    json_check_pop(jc);
                    break;
                }
            text_all_langs(jc, c, "label", true, LABEL_WIDE_MAX, LABEL_NARROW_MAX,
                           &f->choices[i].label);
        }
        json_check_pop(jc);
    }
    json_check_pop(jc);
}

/* The length rules, the pattern and the range, with what makes them
 * impossible together. */
static void walk_rules(json_check *jc, json_t *obj, form_field *f)
{
    bool lengths = f->type == FORM_TEXT || f->type == FORM_DIGITS || f->type == FORM_PHONE;
    f->min_length = 0;
    f->max_length = f->type == FORM_DATE ? 10 : FORM_VALUE_MAX;
    if (!lengths) {
        not_for(jc, obj, "min_length", f->type);
        not_for(jc, obj, "max_length", f->type);
        not_for(jc, obj, "pattern", f->type);
    } else {
        bool has_min = opt_int(jc, obj, "min_length", 0, FORM_VALUE_MAX, &f->min_length);
        bool has_max = opt_int(jc, obj, "max_length", 0, FORM_VALUE_MAX, &f->max_length);
        if (has_min && has_max && f->min_length > f->max_length)
            never(jc, "min_length", "min_length %d is more than max_length %d",
                  f->min_length, f->max_length);
        else if (has_max && f->max_length == 0)
            never(jc, "max_length", "a field of at most 0 characters holds no answer");
        int p = opt_enum(jc, obj, "pattern", pattern_names, N(pattern_names));
        if (p >= 0)
            f->pattern = (form_pattern)(p + 1);
        /* the shortest and longest answer each pattern admits */
        int lo = 0, hi = FORM_VALUE_MAX;
        if (f->pattern == FORM_PATTERN_PHONE_CN || f->type == FORM_PHONE)
            lo = 10, hi = 13;
        else if (f->pattern == FORM_PATTERN_POSTCODE_CN)
            lo = hi = 6;
        if (f->pattern == FORM_PATTERN_POSTCODE_CN && f->type == FORM_PHONE)
            lo = 1, hi = 0;
        const char *key = json_object_get(obj, "pattern") ? "pattern" : "type";
        if (lo > hi)
            never(jc, key, "a phone number is never a postcode");
        else if (has_max && f->max_length < lo)
            never(jc, key, "its answers have at least %d characters, but "
                  "max_length is %d", lo, f->max_length);
        else if (has_min && f->min_length > hi)
            never(jc, key, "its answers have at most %d characters, but "
                  "min_length is %d", hi, f->min_length);
    }
    if (f->type != FORM_DIGITS) {
        not_for(jc, obj, "min", f->type);
        not_for(jc, obj, "max", f->type);
    } else {
        int lo = 0, hi = 0;
        bool has_lo = opt_int(jc, obj, "min", -1000000000, 1000000000, &lo);
        bool has_hi = opt_int(jc, obj, "max", -1000000000, 1000000000, &hi);
        f->has_range = has_lo || has_hi;
        f->min = has_lo ? lo : -1000000000L;
        f->max = has_hi ? hi : 1000000000L;
        if (has_lo && has_hi && lo > hi)
            never(jc, "min", "min %d is more than max %d", lo, hi);
    }
    if (f->type == FORM_CHOICE)
        walk_choices(jc, obj, f);
    else
        not_for(jc, obj, "choices", f->type);
}

static void walk_field(json_check *jc, json_t *obj, form_field *f, const char *service_id,
                       bool needs_identity)
{
    if (!json_check_object(jc, obj, "must be an object {\"id\": ..., \"type\": ..., "
                           "\"label\": ...}"))
        return;
    const char *id = json_check_string(jc, obj, "id", true, ID_MAX, JSON_CHECK_LOWER_ID);
    if (id) {
        f->id = json_check_dup(jc, id);
        json_check_set_id(jc, f->id);
        if (service_id && strlen("draft..") + strlen(service_id) + strlen(id) >=
                              FORM_DRAFT_KEY_MAX) {
            json_check_push_key(jc, "id");
            json_check_report(jc, "is too long with the service id for a draft key "
                              "(\"draft.<service>.<field>\" must stay under %d bytes)",
                              FORM_DRAFT_KEY_MAX);
            json_check_pop(jc);
        }
    }
    static const char *const keys[] = {
        "id", "type", "label", "help", "required", "min_length", "max_length",
        "pattern", "min", "max", "choices", "from_card", "personal",
    };
    json_check_keys(jc, obj, keys, N(keys));
    int t = json_check_enum(jc, obj, "type", type_names, N(type_names));
    f->type = t >= 0 ? (form_type)t : FORM_TEXT;
    int card = opt_enum(jc, obj, "from_card", card_names, N(card_names));
    if (card >= 0) {
        f->from_card = (form_card)(card + 1);
        if (!needs_identity) {
            json_check_push_key(jc, "from_card");
            json_check_report(jc, "an ID-card field needs a service with "
                              "\"needs_identity\": true; nobody signs in for this one");
            json_check_pop(jc);
        }
    }
    text_all_langs(jc, obj, "label", true, LABEL_WIDE_MAX, LABEL_NARROW_MAX, &f->label);
    /* what the card says needs no explaining; every question does */
    text_all_langs(jc, obj, "help", !json_object_get(obj, "from_card"), TEXT_MAX,
                   TEXT_MAX, &f->help);
    opt_bool(jc, obj, "required", &f->required);
    if (t >= 0)
        walk_rules(jc, obj, f);
    /* Free text, phone numbers and the card's data are personal unless the
     * form says otherwise; answers picked from a list are not. */
    f->personal = f->from_card || f->type == FORM_TEXT || f->type == FORM_PHONE;
    opt_bool(jc, obj, "personal", &f->personal);
    if (f->from_card && !f->personal) {
        json_check_push_key(jc, "personal");
        json_check_report(jc, "must be true for an ID-card field");
        json_check_pop(jc);
    }
}

catalog_form *form_walk(json_check *jc, json_t *service, const char *service_id, bool kiosk,
                        bool needs_identity)
{
    json_t *obj = json_object_get(service, "form");
    if (!obj)
        return NULL;
    json_check_push_key(jc, "form");
    catalog_form *f = NULL;
    if (!json_check_object(jc, obj, "must be an object {\"delivery\": ..., \"fields\": "
                           "[...]}"))
        goto out;
    f = json_check_alloc(jc, 1, sizeof *f);
    if (!f)
        goto out;
    if (!kiosk)
        json_check_report(jc, "a form needs \"kiosk\": true; this service is only "
                          "handled at a window");
    static const char *const keys[] = {"delivery", "reply", "declaration", "fields"};
    json_check_keys(jc, obj, keys, N(keys));
    int d = json_check_enum(jc, obj, "delivery", delivery_names, N(delivery_names));
    f->delivery = d == FORM_ONLINE ? FORM_ONLINE : FORM_QUEUE;
    /* queued applications are answered later: the resident must be told
     * when and how, so the text is required */
    text_all_langs(jc, obj, "reply", d == FORM_QUEUE, TEXT_MAX, TEXT_MAX, &f->reply);
    text_all_langs(jc, obj, "declaration", false, TEXT_MAX, TEXT_MAX, &f->declaration);
    json_t *list = json_check_array(jc, obj, "fields", true, 1, FORM_MAX_FIELDS,
                                    "must list at least one field");
    if (list) {
        size_t n = json_array_size(list);
        f->fields = json_check_alloc(jc, n, sizeof *f->fields);
        if (f->fields) {
            f->n_fields = n;
            json_check_push_key(jc, "fields");
            for (size_t i = 0; i < n; i++) {
                json_check_push_index(jc, i);
                walk_field(jc, json_array_get(list, i), &f->fields[i], service_id,
                           needs_identity);
                for (size_t k = 0; f->fields[i].id && k < i; k++)
                    if (f->fields[k].id && !strcmp(f->fields[k].id, f->fields[i].id)) {
                        json_check_push_key(jc, "id");
                        json_check_report(jc, "duplicate field id, already used by "
                                          "fields[%zu]", k);
                        json_check_pop(jc);
                        break;
                    }
                json_check_pop(jc);
            }
            json_check_pop(jc);
        }
    }
out:
    json_check_pop(jc);
    return f;
}

void form_free(catalog_form *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_fields; i++) {
        form_field *x = &f->fields[i];
        free(x->id);
        ltext_free(&x->label);
        ltext_free(&x->help);
        for (size_t k = 0; k < x->n_choices; k++) {
            free(x->choices[k].id);
            ltext_free(&x->choices[k].label);
        }
        free(x->choices);
    }
    free(f->fields);
    ltext_free(&f->reply);
    ltext_free(&f->declaration);
    free(f);
}

const form_field *form_find(const catalog_form *f, const char *id)
{
    for (size_t i = 0; f && id && i < f->n_fields; i++)
        if (f->fields[i].id && !strcmp(f->fields[i].id, id))
            return &f->fields[i];
    return NULL;
}

const char *form_keyboard(const form_field *f)
{
    switch (f->type) {
    case FORM_DIGITS: case FORM_PHONE: case FORM_DATE: return "digits";
    case FORM_TEXT: return f->pattern ? "digits" : "pinyin";
    default: return NULL;
    }
}

const char *form_keypad(const form_field *f)
{
    switch (f->type) {
    case FORM_DIGITS: return "";
    case FORM_PHONE: case FORM_DATE: return "-";
    default: return NULL;
    }
}

/* ---- answers ------------------------------------------------------------ */

static bool all_digits(const char *s, bool dashes)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (dashes && *s == '-')))
            return false;
    return true;
}

static size_t count_digits(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s >= '0' && *s <= '9';
    return n;
}

static bool phone_ok(const char *s)
{
    if (!all_digits(s, true))
        return false;
    size_t n = count_digits(s);
    if (s[0] == '1')    /* mobile: 11 digits, no dashes */
        return n == 11 && !strchr(s, '-');
    return s[0] == '0' && n >= 10 && n <= 12;   /* landline with area code */
}

static bool date_ok(const char *s)
{
    int y, m, d;
    char end;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
        sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3)
        return false;
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

static bool fail(const char **why_key, long *arg, const char *key, long n)
{
    *why_key = key;
    *arg = n;
    return false;
}

bool form_value_ok(const form_field *f, const char *value, const char **why_key, long *arg)
{
    *why_key = NULL;
    *arg = 0;
    if (!value)
        value = "";
    if (!*value)
        return f->required ? fail(why_key, arg, "form.err.required", 0) : true;
    size_t chars = utf8_length(value);
    switch (f->type) {
    case FORM_CHOICE:
        for (size_t i = 0; i < f->n_choices; i++)
            if (!strcmp(f->choices[i].id, value))
                return true;
        return fail(why_key, arg, "form.err.choice", 0);
    case FORM_YESNO:
        return !strcmp(value, "yes") || !strcmp(value, "no")
                   ? true : fail(why_key, arg, "form.err.choice", 0);
    case FORM_DATE:
        return date_ok(value) ? true : fail(why_key, arg, "form.err.date", 0);
    case FORM_PHONE:
        if (!phone_ok(value))
            return fail(why_key, arg, "form.err.phone", 0);
        break;
    case FORM_DIGITS:
        if (!all_digits(value, false))
            return fail(why_key, arg, "form.err.digits", 0);
        break;
    case FORM_TEXT:
        break;
    }
    if ((long)chars < f->min_length)
        return fail(why_key, arg, "form.err.too_short", f->min_length);
    if ((long)chars > f->max_length)
        return fail(why_key, arg, "form.err.too_long", f->max_length);
    switch (f->pattern) {
    case FORM_PATTERN_PHONE_CN:
        if (!phone_ok(value))
            return fail(why_key, arg, "form.err.phone", 0);
        break;
    case FORM_PATTERN_DIGITS:
        if (!all_digits(value, false))
            return fail(why_key, arg, "form.err.digits", 0);
        break;
    case FORM_PATTERN_POSTCODE_CN:
        if (!all_digits(value, false) || chars != 6)
            return fail(why_key, arg, "form.err.postcode", 0);
        break;
    case FORM_PATTERN_NONE:
        break;
    }
    if (f->type == FORM_DIGITS && f->has_range) {
        long v = chars > 10 ? f->max + 1 : strtol(value, NULL, 10);
        if (v < f->min)
            return fail(why_key, arg, "form.err.too_small", f->min);
        if (v > f->max)
            return fail(why_key, arg, "form.err.too_large", f->max);
    }
    return true;
}
