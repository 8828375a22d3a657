/*
 * catalog_search: ranking services against what the resident has typed.
 *
 * Ranking, best first. Each service gets the best tier any of its fields
 * reaches:
 *
 *   7  name exact       the folded query equals the name in any language
 *   6  name prefix      a name starts with the query
 *   5  name substring   a name contains the query
 *   4  initials         a pinyin entry's initials start with the query
 *                       ("sbjf", "sb"); equal initials rank above a prefix
 *   3  pinyin           a full pinyin entry without spaces starts with the
 *                       query ("shebao"); from a later syllable ("jiaofei")
 *                       ranks below from the first
 *   2  keyword          a keyword contains the query
 *   1  department       a department name contains the query
 *
 * A query of several words ("pension certification") that does not match
 * as a whole also matches when every word matches somewhere; it then ranks
 * as its weakest word, and at most as a name substring (no single name
 * equals or starts with it).
 *
 * score = tier * 4 + detail * 2 + lang, where detail is the within-tier
 * refinement above and lang is 1 for a name match in the UI language. So
 * the UI language only breaks ties, and equal scores keep catalogue order.
 *
 * Speed: no allocation at all. The query is folded once into stack buffers,
 * and every service is matched against the search keys catalog.c folded
 * at load time, so a key press costs a few string scans per service.
 */
#include "catalog/catalog_search.h"

#include <string.h>

/* Longer input is cut (at a character boundary): nobody types 255 bytes
 * on a kiosk keyboard, and the buffers stay on the stack. */
#define QUERY_MAX 256
#define MAX_WORDS 16

enum tier {
    TIER_NONE = 0,
    TIER_DEPARTMENT,
    TIER_KEYWORD,
    TIER_PINYIN,
    TIER_INITIALS,
    TIER_NAME_SUBSTRING,
    TIER_NAME_PREFIX,
    TIER_NAME_EXACT,
};

typedef struct match {
    int tier;
    int detail;     /* 0 or 1, refines the tier */
    int lang;       /* 1: a name match in the UI language */
} match;

typedef struct span {
    const char *p;
    size_t n;
} span;

typedef struct query {
    char full[QUERY_MAX];       /* folded, one space between words */
    size_t full_len;
    char compact[QUERY_MAX];    /* folded, without spaces, for pinyin */
    size_t compact_len;
    bool pinyin_ok;             /* compact is all a-z: pinyin can match it */
    span words[MAX_WORDS];
    size_t n_words;
} query;

static bool all_az(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < 'a' || s[i] > 'z')
            return false;
    return n > 0;
}

static void query_init(query *q, const char *text)
{
    q->full_len = catalog_fold(text, q->full, sizeof q->full);
    q->compact_len = 0;
    q->n_words = 0;
    for (size_t i = 0; i < q->full_len; i++)
        if (q->full[i] != ' ')
            q->compact[q->compact_len++] = q->full[i];
    q->compact[q->compact_len] = '\0';
    q->pinyin_ok = all_az(q->compact, q->compact_len);
    /* Words past MAX_WORDS are ignored, which can only widen the results. */
    const char *p = q->full, *end = q->full + q->full_len;
    while (p < end && q->n_words < MAX_WORDS) {
        const char *sp = memchr(p, ' ', (size_t)(end - p));
        const char *we = sp ? sp : end;
        q->words[q->n_words++] = (span){p, (size_t)(we - p)};
        p = we + 1;
    }
}

/* Offset of needle in hay, or -1. Naive: both are a few dozen bytes. */
static long find(const char *hay, size_t hn, const char *needle, size_t nn)
{
    if (nn == 0 || nn > hn)
        return -1;
    for (size_t i = 0; i + nn <= hn; i++)
        if (hay[i] == needle[0] && !memcmp(hay + i, needle, nn))
            return (long)i;
    return -1;
}

static bool better(match a, match b)
{
    if (a.tier != b.tier)
        return a.tier > b.tier;
    if (a.detail != b.detail)
        return a.detail > b.detail;
    return a.lang > b.lang;
}

static void consider(match *best, int tier, int detail, int lang)
{
    match m = {tier, detail, lang};
    if (better(m, *best))
        *best = m;
}

/* Does raw pinyin ("she bao jiao fei"), read from offset k with its spaces
 * skipped, start with needle? */
static bool pinyin_starts_with(const char *raw, size_t k, const char *needle,
                               size_t nn)
{
    size_t i = 0;
    for (const char *p = raw + k; *p && i < nn; p++) {
        if (*p == ' ')
            continue;
        if (*p != needle[i])
            return false;
        i++;
    }
    return i == nn;
}

/* The pinyin tiers (initials, full pinyin) for needle, which is all a-z. */
static void match_pinyin(const catalog_service *s, const char *needle,
                         size_t nn, match *best)
{
    const char *line = s->search_initials;
    while (line) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        if (len >= nn && !memcmp(line, needle, nn))
            consider(best, TIER_INITIALS, len == nn, 0);
        line = nl ? nl + 1 : NULL;
    }
    line = s->search_pinyin;
    while (line) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        if (len >= nn && !memcmp(line, needle, nn))
            consider(best, TIER_PINYIN, 1, 0);
        line = nl ? nl + 1 : NULL;
    }
    if (best->tier >= TIER_PINYIN)
        return;
    for (size_t i = 0; i < s->n_pinyin; i++) {
        const char *raw = s->pinyin[i];
        for (size_t k = 1; raw[k]; k++)
            if (raw[k - 1] == ' ' && pinyin_starts_with(raw, k, needle, nn)) {
                consider(best, TIER_PINYIN, 0, 0);
                return;
            }
    }
}

/* Best match of one needle anywhere in a service. exact_ok is false for
 * single words of a longer query, which cannot equal a whole name. */
static match match_needle(const catalog_service *s, span needle, span pinyin,
                          bool exact_ok, const char *ui_lang)
{
    match best = {TIER_NONE, 0, 0};
    /* search_text lines: the name in each language, keywords..., the
     * department in each language (catalog.h) */
    size_t first_dept = s->name.n + s->n_keywords;
    const char *line = s->search_text;
    for (size_t li = 0; line; li++) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        long at = find(line, len, needle.p, needle.n);
        if (at >= 0) {
            if (li < s->name.n) {
                int lang = ui_lang && !strcmp(s->name.items[li].lang, ui_lang);
                if (at == 0 && len == needle.n && exact_ok)
                    consider(&best, TIER_NAME_EXACT, 0, lang);
                else if (at == 0)
                    consider(&best, TIER_NAME_PREFIX, 0, lang);
                else
                    consider(&best, TIER_NAME_SUBSTRING, 0, lang);
            } else if (li < first_dept) {
                consider(&best, TIER_KEYWORD, 0, 0);
            } else {
                consider(&best, TIER_DEPARTMENT, 0, 0);
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    if (best.tier < TIER_INITIALS && pinyin.p)
        match_pinyin(s, pinyin.p, pinyin.n, &best);
    return best;
}

static match match_service(const catalog_service *s, const query *q,
                           const char *ui_lang)
{
    span full = {q->full, q->full_len};
    span compact = {q->pinyin_ok ? q->compact : NULL, q->compact_len};
    match best = match_needle(s, full, compact, true, ui_lang);
    if (q->n_words < 2 || best.tier >= TIER_NAME_SUBSTRING)
        return best;

    match all = {TIER_NAME_SUBSTRING, 0, 1};
    for (size_t i = 0; i < q->n_words; i++) {
        span w = q->words[i];
        span wp = {all_az(w.p, w.n) ? w.p : NULL, w.n};
        match m = match_needle(s, w, wp, false, ui_lang);
        if (m.tier == TIER_NONE)
            return best;
        if (m.tier < all.tier) {
            all.tier = m.tier;
            all.detail = m.detail;
        } else if (m.tier == all.tier && m.detail < all.detail) {
            all.detail = m.detail;
        }
        all.lang &= m.lang;
    }
    return better(all, best) ? all : best;
}

/* Keeps out[0..*n) sorted best first; a new hit goes after every hit with
 * an equal score, which is what keeps ties in catalogue order. */
static void insert_hit(catalog_hit *out, size_t *n, size_t max,
                       const catalog_service *s, int score)
{
    size_t pos = *n;
    while (pos > 0 && out[pos - 1].score < score)
        pos--;
    if (pos >= max)
        return;
    size_t end = *n < max ? *n : max - 1;
    memmove(&out[pos + 1], &out[pos], (end - pos) * sizeof *out);
    out[pos] = (catalog_hit){s, score};
    if (*n < max)
        (*n)++;
}

size_t catalog_search(const catalog *c, const char *query_text, const char *lang,
                      catalog_hit *out, size_t max)
{
    if (!c || !query_text || !out || max == 0)
        return 0;
    query q;
    query_init(&q, query_text);
    if (q.full_len == 0)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < c->n_services; i++) {
        const catalog_service *s = &c->services[i];
        if (!s->search_text)
            continue;
        match m = match_service(s, &q, lang);
        if (m.tier == TIER_NONE)
            continue;
        insert_hit(out, &n, max, s, m.tier * 4 + m.detail * 2 + m.lang);
    }
    return n;
}
