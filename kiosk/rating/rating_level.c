/*
 * rating_level: see rating_level.h.
 */
#include "rating/rating_level.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name, *zh;
} levels[RATING_LEVELS] = {
    [RATING_VERY_SATISFIED] = {"very_satisfied", "非常满意"},
    [RATING_SATISFIED] = {"satisfied", "满意"},
    [RATING_BASIC] = {"basic", "基本满意"},
    [RATING_DISSATISFIED] = {"dissatisfied", "不满意"},
    [RATING_VERY_DISSATISFIED] = {"very_dissatisfied", "非常不满意"},
};

const char *const rating_scheme_names[RATING_SCHEMES + 1] = {
    [RATING_SCHEME_GBT39046] = "gbt39046",
    [RATING_SCHEME_PROVINCIAL] = "provincial",
    [RATING_SCHEMES] = NULL,
};

/* Each scheme's code per level, in level order. */
static const char *const scheme_codes[RATING_SCHEMES][RATING_LEVELS] = {
    /* GB/T 39046-2020 annex A.8 (满意度代码) */
    [RATING_SCHEME_GBT39046] = {"1", "2", "3", "4", "5"},
    /* the provincial interfaces' `satisfaction`, counting upwards */
    [RATING_SCHEME_PROVINCIAL] = {"5", "4", "3", "2", "1"},
};

static bool is_level(rating_level l)
{
    return (int)l >= 0 && l < RATING_LEVELS;
}

const char *rating_level_name(rating_level l)
{
    return is_level(l) ? levels[l].name : "";
}

const char *rating_level_zh(rating_level l)
{
    return is_level(l) ? levels[l].zh : "";
}

bool rating_level_from_name(const char *name, rating_level *out)
{
    for (int i = 0; name && i < RATING_LEVELS; i++) {
        if (!strcmp(name, levels[i].name)) {
            *out = (rating_level)i;
            return true;
        }
    }
    return false;
}

bool rating_level_is_poor(rating_level l)
{
    return l == RATING_DISSATISFIED || l == RATING_VERY_DISSATISFIED;
}

const char *rating_scheme_name(rating_scheme s)
{
    return (int)s >= 0 && s < RATING_SCHEMES ? rating_scheme_names[s] : "";
}

bool rating_scheme_from_name(const char *name, rating_scheme *out)
{
    for (int i = 0; name && i < RATING_SCHEMES; i++) {
        if (!strcmp(name, rating_scheme_names[i])) {
            *out = (rating_scheme)i;
            return true;
        }
    }
    return false;
}

void rating_codes_of_scheme(rating_scheme s, rating_codes *out)
{
    if ((int)s < 0 || s >= RATING_SCHEMES)
        s = RATING_SCHEME_GBT39046;
    memset(out, 0, sizeof *out);
    out->scheme = s;
    for (int i = 0; i < RATING_LEVELS; i++)
        snprintf(out->code[i], sizeof out->code[i], "%s", scheme_codes[s][i]);
}

static bool code_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.';
}

static bool blank(char c)
{
    return c == ' ' || c == '\t';
}

bool rating_codes_override(rating_codes *c, const char *list, char *why, size_t wsize)
{
    if (!list || !*list)
        return true;
    char got[RATING_LEVELS][RATING_CODE_MAX + 1];
    int n = 0;
    for (const char *p = list;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        while (len && blank(*p)) {
            p++;
            len--;
        }
        while (len && blank(p[len - 1]))
            len--;
        n++;
        if (n <= RATING_LEVELS) {
            bool ok = len >= 1 && len <= RATING_CODE_MAX;
            for (size_t i = 0; ok && i < len; i++)
                ok = code_char(p[i]);
            if (!ok) {
                snprintf(why, wsize, "code %d must be 1 to %d letters, digits, '-', '_' or '.'",
                         n, RATING_CODE_MAX);
                return false;
            }
            memcpy(got[n - 1], p, len);
            got[n - 1][len] = '\0';
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    if (n != RATING_LEVELS) {
        snprintf(why, wsize, "must list %d codes separated by commas, one per level from "
                 "very_satisfied to very_dissatisfied (found %d)", RATING_LEVELS, n);
        return false;
    }
    for (int i = 0; i < RATING_LEVELS; i++) {
        for (int j = i + 1; j < RATING_LEVELS; j++) {
            if (!strcmp(got[i], got[j])) {
                snprintf(why, wsize, "codes %d and %d are both '%s': each level needs a code "
                         "of its own", i + 1, j + 1, got[i]);
                return false;
            }
        }
    }
    memcpy(c->code, got, sizeof got);
    c->overridden = true;
    return true;
}

const char *rating_code(const rating_codes *c, rating_level l)
{
    return is_level(l) ? c->code[l] : "";
}

bool rating_level_from_code(const rating_codes *c, const char *code, rating_level *out)
{
    for (int i = 0; code && i < RATING_LEVELS; i++) {
        if (!strcmp(code, c->code[i])) {
            *out = (rating_level)i;
            return true;
        }
    }
    return false;
}
