/*
 * settings_rating: the [rating] reasons -- why a resident gave a poor
 * rating (差评原因) -- as data: the list of ids in `reasons`, and for each
 * id its indicator code (reason.ID.code) and its label per language
 * (reason.ID.zh, reason.ID.en, ...). A technician adds, drops, reorders
 * or renames reasons in kiosk.conf; nothing here names a reason but the
 * built-in defaults.
 *
 * The list key is an ordinary row of the key table (type reason-list);
 * the reason.ID.* keys depend on it and are read once the whole file is,
 * so they may stand before or after the list (settings.c).
 */
#include "settings/settings_internal.h"

#include <stdlib.h>
#include <string.h>

/* The built-in reasons: the offline indicators of the service hall (服务态度,
 * 服务效率) and what residents most often name. The codes are LOCAL ones,
 * from no standard: a province's evalDetail codes replace them. */
static const struct {
    const char *id, *code, *zh, *en;
} builtin[] = {
    {"attitude", "L01", "服务态度", "Staff attitude"},
    {"efficiency", "L02", "办事效率", "Efficiency"},
    {"materials", "L03", "材料要求不清", "Unclear material requirements"},
    {"system", "L04", "系统故障", "System fault"},
    {"waiting", "L05", "等候时间长", "Long wait"},
    {"other", "L99", "其他", "Other"},
};

static bool id_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static bool code_ok(const char *v)
{
    size_t n = strlen(v);
    if (n < 1 || n > SETTINGS_REASON_CODE_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

static void reason_free(settings_reason *r)
{
    for (int i = 0; i < r->n_labels; i++)
        free(r->labels[i].text);
    memset(r, 0, sizeof *r);
}

void settings_reasons_free(settings *s)
{
    for (int i = 0; i < s->n_reasons; i++)
        reason_free(&s->reasons[i]);
    s->n_reasons = 0;
}

/* Stores text as r's label in lang, replacing one in that language. */
static bool set_label(settings_reason *r, const char *lang, const char *text)
{
    int at = r->n_labels;
    for (int i = 0; i < r->n_labels; i++)
        if (!strcmp(r->labels[i].lang, lang))
            at = i;
    if (at == SETTINGS_MAX_SITE_NAMES)
        return false;
    char *copy = strdup(text);
    if (!copy)
        return false;
    if (at == r->n_labels) {
        snprintf(r->labels[at].lang, sizeof r->labels[at].lang, "%s", lang);
        r->n_labels++;
    } else {
        free(r->labels[at].text);
    }
    r->labels[at].text = copy;
    return true;
}

bool settings_reasons_set(settings *s, const char *v, char *why, size_t wsize)
{
    settings_reason list[SETTINGS_MAX_REASONS];
    int n = 0;
    memset(list, 0, sizeof list);
    char show[SHOWN_SIZE];
    bool ok = true;
    size_t vlen = strlen(v);
    if (!*settings_trim(v, &vlen) || vlen == 0) {
        snprintf(why, wsize, "must list at least one reason, e.g. other");
        return false;
    }
    for (const char *p = v; ok; n++) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *item = settings_trim(p, &len);
        bool good = len >= 1 && len <= SETTINGS_REASON_ID_MAX;
        for (size_t i = 0; good && i < len; i++)
            good = id_char(item[i]);
        if (len == 0) {
            snprintf(why, wsize, "entry %d is empty (a stray comma?)", n + 1);
            ok = false;
        } else if (!good) {
            snprintf(why, wsize, "entry %d '%s' is not a reason id (1 to %d lowercase letters, "
                     "digits or '_')", n + 1, settings_shown(show, item, len),
                     SETTINGS_REASON_ID_MAX);
            ok = false;
        } else if (n == SETTINGS_MAX_REASONS) {
            snprintf(why, wsize, "at most %d reasons", SETTINGS_MAX_REASONS);
            ok = false;
        }
        for (int i = 0; i < n && ok; i++) {
            if (settings_span_eq(item, len, list[i].id)) {
                snprintf(why, wsize, "'%s' is listed twice", list[i].id);
                ok = false;
            }
        }
        if (!ok)
            break;
        settings_reason *r = &list[n];
        memcpy(r->id, item, len);
        r->id[len] = '\0';
        for (size_t b = 0; b < sizeof builtin / sizeof builtin[0]; b++) {
            if (strcmp(builtin[b].id, r->id))
                continue;
            snprintf(r->code, sizeof r->code, "%s", builtin[b].code);
            if (!set_label(r, "zh", builtin[b].zh) || !set_label(r, "en", builtin[b].en)) {
                snprintf(why, wsize, "out of memory");
                ok = false;
            }
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    if (!ok) {
        for (int i = 0; i < SETTINGS_MAX_REASONS; i++)
            reason_free(&list[i]);
        return false;
    }
    settings_reasons_free(s);
    memcpy(s->reasons, list, sizeof list);
    s->n_reasons = n + 1;
    return true;
}

bool settings_reason_key(settings *s, const char *name, const char *value,
                         char lang_out[LANG_CODE_SIZE], char *why, size_t wsize)
{
    char show[SHOWN_SIZE];
    const char *rest = name + strlen("reason.");
    const char *dot = strchr(rest, '.');
    if (strncmp(name, "reason.", 7) || !dot || dot == rest) {
        snprintf(why, wsize, "a reason's key is reason.ID.code or reason.ID.LANG, e.g. "
                 "reason.attitude.zh");
        return false;
    }
    size_t idlen = (size_t)(dot - rest);
    int at = -1;
    for (int i = 0; i < s->n_reasons; i++)
        if (settings_span_eq(rest, idlen, s->reasons[i].id))
            at = i;
    if (at < 0) {
        snprintf(why, wsize, "'%s' is not in [rating] reasons; add it there",
                 settings_shown(show, rest, idlen));
        return false;
    }
    settings_reason *r = &s->reasons[at];
    const char *tail = dot + 1;
    if (!*value) {
        snprintf(why, wsize, "must not be empty");
        return false;
    }
    if (!strcmp(tail, "code")) {
        if (!code_ok(value)) {
            snprintf(why, wsize, "must be 1 to %d letters, digits, '-', '_' or '.', e.g. L01",
                     SETTINGS_REASON_CODE_MAX);
            return false;
        }
        snprintf(r->code, sizeof r->code, "%s", value);
        if (lang_out)
            lang_out[0] = '\0';
        return true;
    }
    if (!lang_code_ok(tail, strlen(tail))) {
        snprintf(why, wsize, "'%s' after the reason id is neither 'code' nor a language code (%s)",
                 settings_shown(show, tail, strlen(tail)), LANG_CODE_RULE);
        return false;
    }
    if (!set_label(r, tail, value)) {
        snprintf(why, wsize, "at most %d languages, or out of memory", SETTINGS_MAX_SITE_NAMES);
        return false;
    }
    if (lang_out)
        snprintf(lang_out, LANG_CODE_SIZE, "%s", tail);
    return true;
}

void settings_reasons_write(const settings *s, FILE *out)
{
    fputs("\n# Each reason's indicator code (指标代码), 1..16 letters, digits, '-', '_' or '.';\n"
          "# the built-in L01..L99 are local codes: replace them with the platform's.\n"
          "# Then its label per language (原因名称), shown on the rating screen; a\n"
          "# language without one shows the fallback language's.\n", out);
    for (int i = 0; i < s->n_reasons; i++) {
        const settings_reason *r = &s->reasons[i];
        if (r->code[0])
            fprintf(out, "reason.%s.code = %s\n", r->id, r->code);
        for (int j = 0; j < r->n_labels; j++)
            fprintf(out, "reason.%s.%s = %s\n", r->id, r->labels[j].lang, r->labels[j].text);
    }
}

static bool labels_equal(const settings_reason *a, const settings_reason *b)
{
    if (a->n_labels != b->n_labels)
        return false;
    for (int i = 0; i < a->n_labels; i++) {
        bool found = false;
        for (int j = 0; j < b->n_labels && !found; j++)
            found = !strcmp(a->labels[i].lang, b->labels[j].lang) &&
                    !strcmp(a->labels[i].text, b->labels[j].text);
        if (!found)
            return false;
    }
    return true;
}

bool settings_reasons_equal(const settings *a, const settings *b)
{
    if (a->n_reasons != b->n_reasons)
        return false;
    for (int i = 0; i < a->n_reasons; i++) {
        const settings_reason *x = &a->reasons[i], *y = &b->reasons[i];
        if (strcmp(x->id, y->id) || strcmp(x->code, y->code) || !labels_equal(x, y))
            return false;
    }
    return true;
}

/* ---- reading them (settings.h) ----------------------------------------------- */

int settings_rating_reason_count(const settings *s)
{
    return s->n_reasons;
}

static const settings_reason *reason_at(const settings *s, int i)
{
    return i >= 0 && i < s->n_reasons ? &s->reasons[i] : NULL;
}

const char *settings_rating_reason_id(const settings *s, int i)
{
    const settings_reason *r = reason_at(s, i);
    return r ? r->id : "";
}

const char *settings_rating_reason_label(const settings *s, int i, const char *lang)
{
    const settings_reason *r = reason_at(s, i);
    if (!r)
        return "";
    const char *fallback = NULL;
    for (int j = 0; j < r->n_labels; j++) {
        if (lang && !strcmp(r->labels[j].lang, lang))
            return r->labels[j].text;
        if (!strcmp(r->labels[j].lang, s->fallback_lang))
            fallback = r->labels[j].text;
    }
    if (fallback)
        return fallback;
    return r->n_labels ? r->labels[0].text : r->id;
}

const char *settings_rating_reason_code(const settings *s, int i)
{
    const settings_reason *r = reason_at(s, i);
    return r ? r->code : "";
}

int settings_rating_reason_find(const settings *s, const char *id)
{
    for (int i = 0; id && i < s->n_reasons; i++)
        if (!strcmp(s->reasons[i].id, id))
            return i;
    return -1;
}

void settings_rating_codes(const settings *s, rating_codes *out)
{
    char why[200];
    rating_codes_of_scheme(s->rating_code_scheme, out);
    /* a refused list was reported when the file was read; the scheme's
     * own codes stand then */
    rating_codes_override(out, s->rating_codes, why, sizeof why);
}
