/*
 * catalog_search: ranking services against what the resident has typed.
 *
 * Each needle (the whole query, or one word of it) gets, in each service,
 * the best tier any of its fields reaches:
 *
 *  10  name exact       the folded query equals the name in any language
 *   9  name prefix      a name starts with the needle
 *   8  name substring   a name contains the needle
 *   7  initials         a pinyin entry's initials start with the needle
 *                       ("sbjf", "sb"); equal initials rank above a prefix
 *   6  pinyin           a full pinyin entry without spaces starts with the
 *                       needle ("shebao"); from a later syllable ("jiaofei")
 *                       or only once zh/ch/sh and ng are merged ("sebao")
 *                       ranks below from the first
 *   5  keyword          a keyword contains the needle
 *   4  category         the service's category name contains it
 *   3  department       a department name contains the needle
 *   2  guide            the summary contains the needle
 *   1  advice           search-words.json sends this query here
 *
 * Latin text matches from the start of a word only, so "rent" finds "Pay
 * Rent" and "rental" but not "preferential"; a whole word ranks above a
 * word's beginning.
 *
 * When the whole query does not match, it is read as words (terms):
 *  - a word or phrase in search-words.json's synonyms stands for itself and
 *    what it means (退休金 -> 养老金), longest first;
 *  - the rest splits at spaces; Latin words are terms of their own, and
 *    Chinese runs split where two neighbouring characters occur together
 *    nowhere in the catalogue (查社保 -> 社保; 社保查询 -> 社保, 查询),
 *    dropping lone characters (查, 的), which carry no meaning alone.
 * Every Latin term must match (as before: "pension withdrawal" finds
 * nothing), Chinese terms may match in part (养老金 covers 养老 of
 * 养老待遇资格认证). The share of the query's terms covered ranks first,
 * then the tier: the weakest term's when all match (and at most a name
 * substring, since no single name matched the whole), else the best one's.
 *
 * score = coverage * 64 + tier * 4 + detail * 2 + lang, where detail is the
 * within-tier refinement above and lang is 1 for a name match in the UI
 * language. So the UI language only breaks ties, and equal scores keep
 * catalogue order.
 *
 * Nothing found at all: Latin words that are no word or pinyin in the
 * catalogue are corrected to the nearest one within one slip (two for
 * long words; a slip is a letter added, dropped, changed or two swapped),
 * and the corrected query searched instead.
 *
 * Speed: no allocation but OpenCC's conversion of non-ASCII queries. The
 * query is folded once into stack buffers and every service is matched
 * against the keys catalog.c derived at load time.
 */
#include "catalog/catalog_search.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <opencc.h>
#include <stdio.h>

#include "catalog/search_words.h"
#include "common/dynlib.h"
#include "common/utf8.h"

/* Longer input is cut (at a character boundary): nobody types 255 bytes
 * on a kiosk keyboard, and the buffers stay on the stack. */
#define QUERY_MAX 256
#define MAX_WORDS 16
#define MAX_TERMS 16
#define MAX_ALTS 8
/* Full coverage, the top of the coverage scale. */
#define COVER_FULL 64

enum tier {
    TIER_NONE = 0,
    TIER_ADVICE,
    TIER_GUIDE,
    TIER_DEPARTMENT,
    TIER_CATEGORY,
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

/* One word of the query and what stands in for it. */
typedef struct term {
    span alts[MAX_ALTS];    /* alts[0] is the resident's own word */
    size_t n_alts;
    int weight;             /* its share of the query: characters (CJK),
                               2 per Latin word */
    bool latin;             /* must match; never split */
    bool pinyin;            /* alts[0] is a-z: pinyin may match it */
    bool split;             /* a Chinese run: parts of it may match */
} term;

typedef struct query {
    char full[QUERY_MAX];       /* folded, simplified, one space between words */
    size_t full_len;
    char compact[QUERY_MAX];    /* folded, without spaces, for pinyin */
    size_t compact_len;
    char loose[QUERY_MAX];      /* compact, loosened (catalog_loosen) */
    size_t loose_len;
    bool pinyin_ok;             /* compact is all a-z: pinyin can match it */
    term terms[MAX_TERMS];
    size_t n_terms;
    int weight;                 /* sum of the terms' weights */
    bool words_differ;          /* the terms are not just the whole query */
    const search_elsewhere *advice;
} query;

static bool is_alnum(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           (ch >= 'A' && ch <= 'Z');
}

static bool all_az(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < 'a' || s[i] > 'z')
            return false;
    return n > 0;
}

static bool all_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

/* ---- traditional to simplified ------------------------------------------ */

/* OpenCC costs a few megabytes and some milliseconds to open, so the
 * library is loaded (common/dynlib.h) and opened at the first query that
 * needs it, never at start-up. Without it or its data the search simply
 * runs on the text as typed. */
static pthread_once_t cc_once = PTHREAD_ONCE_INIT;
static opencc_t cc = (opencc_t)-1;
static struct {
    opencc_t (*open)(const char *);
    char *(*convert_utf8)(opencc_t, const char *, size_t);
    void (*convert_utf8_free)(char *);
} occ;

static void cc_open(void)
{
    const dynlib_symbol syms[] = {
        {"opencc_open", (void **)&occ.open},
        {"opencc_convert_utf8", (void **)&occ.convert_utf8},
        {"opencc_convert_utf8_free", (void **)&occ.convert_utf8_free},
    };
    char err[400];
    if (!dynlib_load("libopencc.so.1.1", "libopencc1.1", syms, sizeof syms / sizeof *syms, err,
                     sizeof err)) {
        fprintf(stderr, "search: %s; traditional characters are searched as typed\n", err);
        return;
    }
    cc = occ.open("t2s.json");
}

/* Converts text in place (size bytes) when it holds non-ASCII. */
static void to_simplified(char *text, size_t size)
{
    size_t len = strlen(text);
    if (all_ascii(text, len))
        return;
    /* OpenCC reads past the end of a truncated UTF-8 sequence (found by
     * fuzz_search_words): it only ever sees valid text */
    if (utf8_invalid_at(text, len) != len)
        return;
    pthread_once(&cc_once, cc_open);
    if (cc == (opencc_t)-1)
        return;
    char *out = occ.convert_utf8(cc, text, strlen(text));
    if (!out)
        return;
    size_t n = strlen(out);
    if (n < size) /* never cut a query: keep the original instead */
        memcpy(text, out, n + 1);
    occ.convert_utf8_free(out);
}

/* ---- finding ------------------------------------------------------------ */

/* Offset of needle in hay, or -1. A needle starting with a Latin letter or
 * digit matches only at the start of a word. Naive: both are short. */
static long find(const char *hay, size_t hn, const char *needle, size_t nn)
{
    if (nn == 0 || nn > hn)
        return -1;
    bool word = is_alnum(needle[0]);
    for (size_t i = 0; i + nn <= hn; i++)
        if (hay[i] == needle[0] && !memcmp(hay + i, needle, nn) &&
            (!word || i == 0 || !is_alnum(hay[i - 1])))
            return (long)i;
    return -1;
}

/* Does the match at hay[at..at+nn) end a word (for Latin needles)? */
static bool ends_word(const char *hay, size_t hn, long at, size_t nn)
{
    size_t end = (size_t)at + nn;
    return end >= hn || !is_alnum(hay[end]);
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

/* Does any '\n'-separated line of lines start with needle? */
static bool line_starts_with(const char *lines, const char *needle, size_t nn,
                             bool *equal)
{
    bool found = false;
    for (const char *line = lines; line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        if (len >= nn && !memcmp(line, needle, nn)) {
            found = true;
            if (equal && len == nn)
                *equal = true;
        }
        line = nl ? nl + 1 : NULL;
    }
    return found;
}

/* The pinyin tiers (initials, full pinyin) for needle, which is all a-z;
 * loose is needle loosened, or NULL. */
static void match_pinyin(const catalog_service *s, const char *needle,
                         size_t nn, span loose, match *best)
{
    bool equal = false;
    if (line_starts_with(s->search_initials, needle, nn, &equal))
        consider(best, TIER_INITIALS, equal, 0);
    if (line_starts_with(s->search_pinyin, needle, nn, NULL))
        consider(best, TIER_PINYIN, 1, 0);
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
    /* "sebao", "gongjijing": three letters at least, or every s would
     * also find every sh */
    if (loose.p && loose.n >= 3 && s->search_loose &&
        line_starts_with(s->search_loose, loose.p, loose.n, NULL))
        consider(best, TIER_PINYIN, 0, 0);
}

/* Best match of one needle anywhere in a service. exact_ok is false for
 * single words of a longer query, which cannot equal a whole name. */
static match match_needle(const catalog *c, const catalog_service *s, span needle,
                          span pinyin, span loose, bool exact_ok, const char *ui_lang)
{
    match best = {TIER_NONE, 0, 0};
    /* search_text lines: the name in each language, keywords..., the
     * department in each language, the summary in each (catalog.h) */
    size_t first_dept = s->name.n + s->n_keywords;
    size_t first_guide = first_dept + s->department.n;
    const char *line = s->search_text;
    for (size_t li = 0; line; li++) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        long at = find(line, len, needle.p, needle.n);
        if (at >= 0) {
            int whole = is_alnum(needle.p[0]) && ends_word(line, len, at, needle.n);
            if (li < s->name.n) {
                int lang = ui_lang && !strcmp(s->name.items[li].lang, ui_lang);
                if (at == 0 && len == needle.n && exact_ok)
                    consider(&best, TIER_NAME_EXACT, 0, lang);
                else if (at == 0)
                    consider(&best, TIER_NAME_PREFIX, whole, lang);
                else
                    consider(&best, TIER_NAME_SUBSTRING, whole, lang);
            } else if (li < first_dept) {
                consider(&best, TIER_KEYWORD, whole, 0);
            } else if (li < first_guide) {
                consider(&best, TIER_DEPARTMENT, 0, 0);
            } else {
                consider(&best, TIER_GUIDE, 0, 0);
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    if (best.tier < TIER_CATEGORY && s->category < c->n_categories) {
        const char *k = c->categories[s->category].search_text;
        if (k && find(k, strlen(k), needle.p, needle.n) >= 0)
            consider(&best, TIER_CATEGORY, 0, 0);
    }
    if (best.tier < TIER_INITIALS && pinyin.p)
        match_pinyin(s, pinyin.p, pinyin.n, loose, &best);
    return best;
}

/* ---- reading the query as words ------------------------------------------ */

static bool pair_known(const catalog *c, uint32_t a, uint32_t b)
{
    unsigned long long key = (unsigned long long)a << 32 | b;
    size_t lo = 0, hi = c->n_search_pairs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->search_pairs[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->n_search_pairs && c->search_pairs[lo] == key;
}

/* Offset of word in text[0..n) at a word boundary when word is Latin (at
 * both ends: "retire" is not in "retirement"), or -1. */
static long find_word(const char *text, size_t n, const char *word)
{
    size_t wn = strlen(word);
    for (size_t from = 0; from + wn <= n;) {
        long at = find(text + from, n - from, word, wn);
        if (at < 0)
            return -1;
        size_t abs = from + (size_t)at;
        if (abs > 0 && is_alnum(word[0]) && is_alnum(text[abs - 1])) {
            from = abs + 1;
            continue;
        }
        if (!is_alnum(word[wn - 1]) || ends_word(text, n, (long)abs, wn))
            return (long)abs;
        from = abs + 1;
    }
    return -1;
}

static int weight_of(const char *p, size_t n)
{
    if (all_ascii(p, n))
        return 2;
    int w = 0;
    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)p[i] & 0xC0) != 0x80;
    return w;
}

static term *add_term(query *q, const char *p, size_t n)
{
    if (q->n_terms == MAX_TERMS || n == 0)
        return NULL;
    term *t = &q->terms[q->n_terms++];
    *t = (term){.n_alts = 1};
    t->alts[0] = (span){p, n};
    t->weight = weight_of(p, n);
    t->latin = all_ascii(p, n);
    t->pinyin = all_az(p, n);
    q->weight += t->weight;
    return t;
}

typedef struct found_syn {
    size_t at, n;
    const search_synonym *syn;
    const char *word;
} found_syn;

/* Synonym words in the query, longest first, not overlapping. */
static void take_synonyms(const catalog *c, query *q, bool *covered)
{
    if (!c->words)
        return;
    found_syn found[MAX_TERMS];
    size_t n_found = 0;
    const search_words *w = c->words;
    for (size_t i = 0; i < w->n_synonyms; i++)
        for (size_t k = 0; k < w->synonyms[i].n_words; k++) {
            const char *word = w->synonyms[i].words[k];
            long at = word ? find_word(q->full, q->full_len, word) : -1;
            if (at < 0)
                continue;
            size_t wn = strlen(word);
            bool clash = false;
            for (size_t j = 0; j < n_found && !clash; j++) {
                bool overlap = (size_t)at < found[j].at + found[j].n &&
                               found[j].at < (size_t)at + wn;
                if (overlap && found[j].n >= wn)
                    clash = true;
                else if (overlap) /* the longer word wins */
                    found[j--] = found[--n_found];
            }
            if (!clash && n_found < MAX_TERMS)
                found[n_found++] = (found_syn){(size_t)at, wn, &w->synonyms[i], word};
        }
    for (size_t j = 0; j < n_found; j++) {
        term *t = add_term(q, q->full + found[j].at, found[j].n);
        if (!t)
            break;
        t->pinyin = false; /* a synonym is a word, not a spelling */
        for (size_t m = 0; m < found[j].syn->n_means && t->n_alts < MAX_ALTS; m++)
            if (found[j].syn->means[m])
                t->alts[t->n_alts++] = (span){found[j].syn->means[m],
                                              strlen(found[j].syn->means[m])};
        memset(covered + found[j].at, 1, found[j].n);
    }
}

/* Splits a Chinese run text[0..n) into terms where the catalogue never has
 * two neighbouring characters together; lone characters are dropped. */
static void split_run(const catalog *c, query *q, const char *text, size_t n)
{
    const char *p = text, *end = text + n;
    const char *start = p;
    uint32_t prev = 0;
    size_t chars = 0;
    while (p < end) {
        const char *at = p;
        uint32_t cp = utf8_next(&p);
        if (chars > 0 && !pair_known(c, prev, cp)) {
            if (chars >= 2) {
                term *t = add_term(q, start, (size_t)(at - start));
                if (t)
                    t->split = true;
            }
            start = at;
            chars = 0;
        }
        prev = cp;
        chars++;
    }
    if (chars >= 2) {
        term *t = add_term(q, start, (size_t)(end - start));
        if (t)
            t->split = true;
    }
}

/* The uncovered rest of the query: Latin words, Chinese runs. */
static void take_words(const catalog *c, query *q, const bool *covered)
{
    size_t i = 0;
    while (i < q->full_len) {
        if (covered[i] || q->full[i] == ' ') {
            i++;
            continue;
        }
        size_t j = i;
        bool latin = (unsigned char)q->full[i] < 0x80;
        while (j < q->full_len && !covered[j] && q->full[j] != ' ' &&
               ((unsigned char)q->full[j] < 0x80) == latin)
            j++;
        if (latin)
            add_term(q, q->full + i, j - i);
        else
            split_run(c, q, q->full + i, j - i);
        i = j;
    }
}

static const search_elsewhere *find_advice(const catalog *c, const query *q)
{
    if (!c->words)
        return NULL;
    for (size_t i = 0; i < c->words->n_elsewhere; i++) {
        const search_elsewhere *e = &c->words->elsewhere[i];
        for (size_t k = 0; k < e->n_words; k++)
            if (e->words[k] && find_word(q->full, q->full_len, e->words[k]) >= 0)
                return e;
    }
    return NULL;
}

static void query_init(const catalog *c, query *q, const char *text)
{
    char raw[QUERY_MAX];
    catalog_fold(text, raw, sizeof raw);
    to_simplified(raw, sizeof raw);
    q->full_len = catalog_fold(raw, q->full, sizeof q->full);
    q->compact_len = 0;
    for (size_t i = 0; i < q->full_len; i++)
        if (q->full[i] != ' ')
            q->compact[q->compact_len++] = q->full[i];
    q->compact[q->compact_len] = '\0';
    q->pinyin_ok = all_az(q->compact, q->compact_len);
    q->loose_len = catalog_loosen(q->compact, q->loose, sizeof q->loose);
    q->n_terms = 0;
    q->weight = 0;

    bool covered[QUERY_MAX] = {false};
    take_synonyms(c, q, covered);
    take_words(c, q, covered);
    q->words_differ = q->n_terms != 1 || q->terms[0].n_alts > 1 ||
                      q->terms[0].alts[0].n != q->full_len;
    q->advice = find_advice(c, q);
}

/* ---- matching a service -------------------------------------------------- */

/* How much of term t service s covers (0..t->weight), and how well. */
static int match_term(const catalog *c, const catalog_service *s, const term *t,
                      const char *ui_lang, match *how)
{
    *how = (match){TIER_NONE, 0, 0};
    for (size_t a = 0; a < t->n_alts; a++) {
        bool own = a == 0;
        span pin = {own && t->pinyin ? t->alts[0].p : NULL, t->alts[0].n};
        char loose[QUERY_MAX];
        span lo = {NULL, 0};
        if (pin.p && t->alts[0].n < sizeof loose) {
            char tmp[QUERY_MAX];
            memcpy(tmp, pin.p, pin.n);
            tmp[pin.n] = '\0';
            lo.n = catalog_loosen(tmp, loose, sizeof loose);
            lo.p = loose;
        }
        match m = match_needle(c, s, t->alts[a], pin, lo, false, ui_lang);
        if (better(m, *how))
            *how = m;
    }
    if (how->tier != TIER_NONE || !t->split)
        return how->tier != TIER_NONE ? t->weight : 0;

    /* Parts of a Chinese run, longest first from the left: 养老金 covers
     * 养老 of 养老待遇资格认证. */
    const char *p = t->alts[0].p, *end = p + t->alts[0].n;
    int covered = 0;
    while (p < end) {
        const char *next = p;
        utf8_next(&next);
        bool took = false;
        /* ends of parts from the longest down to two characters */
        const char *ends[QUERY_MAX];
        size_t n_ends = 0;
        for (const char *e = next; e < end && n_ends < QUERY_MAX;) {
            utf8_next(&e);
            ends[n_ends++] = e;
        }
        for (size_t k = n_ends; k-- > 0 && !took;) {
            span part = {p, (size_t)(ends[k] - p)};
            if (part.n == t->alts[0].n)
                continue; /* the whole run did not match */
            match m = match_needle(c, s, part, (span){NULL, 0}, (span){NULL, 0},
                                   false, ui_lang);
            if (m.tier != TIER_NONE) {
                covered += weight_of(part.p, part.n);
                if (better(m, *how))
                    *how = m;
                p = ends[k];
                took = true;
            }
        }
        if (!took)
            p = next;
    }
    return covered;
}

/* The score of s for q, or -1 when it does not match. */
static int score_service(const catalog *c, const catalog_service *s, const query *q,
                         const char *ui_lang)
{
    span full = {q->full, q->full_len};
    span compact = {q->pinyin_ok ? q->compact : NULL, q->compact_len};
    span loose = {q->pinyin_ok ? q->loose : NULL, q->loose_len};
    match best = match_needle(c, s, full, compact, loose, true, ui_lang);
    if (best.tier >= TIER_NAME_SUBSTRING || !q->words_differ || q->weight == 0)
        return best.tier ? COVER_FULL * 64 + best.tier * 4 + best.detail * 2 + best.lang
                         : -1;

    match all = {TIER_NAME_SUBSTRING, 1, 1}, top = {TIER_NONE, 0, 0};
    int covered = 0;
    for (size_t i = 0; i < q->n_terms; i++) {
        match m;
        int got = match_term(c, s, &q->terms[i], ui_lang, &m);
        if (got == 0 && q->terms[i].latin)
            got = -1; /* every Latin word must match */
        if (got < 0) {
            covered = -1;
            break;
        }
        covered += got;
        if (got < q->terms[i].weight || m.tier == TIER_NONE)
            all.tier = TIER_NONE;
        if (m.tier == TIER_NONE)
            continue;
        if (better(m, top))
            top = m;
        if (all.tier != TIER_NONE) {
            if (m.tier < all.tier || (m.tier == all.tier && m.detail < all.detail)) {
                all.tier = m.tier;
                all.detail = m.detail;
            }
            all.lang &= m.lang;
        }
    }
    if (covered > 0 && covered >= q->weight && all.tier != TIER_NONE && better(all, best))
        best = all;
    if (best.tier != TIER_NONE)
        return COVER_FULL * 64 + best.tier * 4 + best.detail * 2 + best.lang;
    /* in part: at least two characters and half the query */
    if (covered < 2 || covered * 2 < q->weight || top.tier == TIER_NONE)
        return -1;
    int share = covered * COVER_FULL / q->weight;
    return share * 64 + top.tier * 4 + top.detail * 2 + top.lang;
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

static size_t search_query(const catalog *c, const query *q, const char *lang,
                           catalog_hit *out, size_t max)
{
    size_t n = 0;
    bool advised[64] = {false};
    for (size_t i = 0; i < c->n_services; i++) {
        const catalog_service *s = &c->services[i];
        if (!s->search_text)
            continue;
        int score = score_service(c, s, q, lang);
        if (score < 0)
            continue;
        insert_hit(out, &n, max, s, score);
        if (q->advice)
            for (size_t k = 0; k < q->advice->n_services && k < 64; k++)
                if (q->advice->services[k] == i)
                    advised[k] = true;
    }
    /* what search-words.json says applies, after what matched by itself */
    if (q->advice)
        for (size_t k = 0; k < q->advice->n_services && k < 64; k++)
            if (!advised[k] && q->advice->services[k] < c->n_services)
                insert_hit(out, &n, max, &c->services[q->advice->services[k]],
                           COVER_FULL * 64 + TIER_ADVICE * 4);
    return n;
}

/* ---- slips ------------------------------------------------------------- */

/* Longest word or pinyin compared; longer ones are cut. */
#define SLIP_MAX 48

typedef struct slip {
    const char *word;   /* the resident's word */
    size_t n;
    int limit;          /* most slips forgiven */
    int best;           /* fewest slips found so far */
    char fix[SLIP_MAX + 1];
} slip;

/* Slips between word and the best prefix of cand[0..cn) (letters added,
 * dropped, changed, two swapped: optimal string alignment), considering
 * only prefixes within limit of the word's length. A better one replaces
 * sl->fix. */
static void try_candidate(slip *sl, const char *cand, size_t cn)
{
    size_t n = sl->n;
    if (cn > SLIP_MAX)
        cn = SLIP_MAX;
    if (n == 0 || cn == 0 || cand[0] != sl->word[0]) /* slips are rarely first */
        return;
    if (cn + (size_t)sl->limit < n)
        return;
    int rows[3][SLIP_MAX + 1];
    int *r2 = rows[0], *r1 = rows[1], *r0 = rows[2];
    for (size_t j = 0; j <= cn; j++)
        r1[j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        r0[0] = (int)i;
        int row_min = r0[0];
        for (size_t j = 1; j <= cn; j++) {
            int cost = sl->word[i - 1] != cand[j - 1];
            int v = r1[j - 1] + cost;
            if (r1[j] + 1 < v)
                v = r1[j] + 1;
            if (r0[j - 1] + 1 < v)
                v = r0[j - 1] + 1;
            if (i > 1 && j > 1 && sl->word[i - 1] == cand[j - 2] &&
                sl->word[i - 2] == cand[j - 1] && r2[j - 2] + 1 < v)
                v = r2[j - 2] + 1;
            r0[j] = v;
            if (v < row_min)
                row_min = v;
        }
        if (row_min > sl->limit)
            return;
        int *t = r2;
        r2 = r1;
        r1 = r0;
        r0 = t;
    }
    /* r1 is the last row: prefixes of n - limit .. n + limit letters; the
     * whole candidate first, then the length nearest the word's */
    size_t lo = n > (size_t)sl->limit ? n - (size_t)sl->limit : 1;
    size_t hi = n + (size_t)sl->limit < cn ? n + (size_t)sl->limit : cn;
    int best = sl->best;
    size_t best_j = 0;
    for (size_t j = lo; j <= hi; j++) {
        int d = r1[j];
        size_t dist_j = j > n ? j - n : n - j;
        size_t dist_b = best_j > n ? best_j - n : n - best_j;
        if (d < best || (d == best && best_j && j == cn) ||
            (d == best && best_j && best_j != cn && dist_j < dist_b)) {
            best = d;
            best_j = j;
        }
    }
    if (best_j && best <= sl->limit && (best < sl->best || !sl->fix[0])) {
        sl->best = best;
        memcpy(sl->fix, cand, best_j);
        sl->fix[best_j] = '\0';
    }
}

/* Every Latin word (letters only) of text as a candidate. */
static void try_words(slip *sl, const char *text)
{
    for (const char *p = text ? text : ""; *p;) {
        while (*p && !(*p >= 'a' && *p <= 'z'))
            p++;
        const char *w = p;
        while (*p >= 'a' && *p <= 'z')
            p++;
        if (p - w >= 3)
            try_candidate(sl, w, (size_t)(p - w));
    }
}

static void try_lines(slip *sl, const char *lines)
{
    for (const char *line = lines; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        try_candidate(sl, line, len);
        line = nl ? nl + 1 : NULL;
    }
}

/* The nearest catalogue word or pinyin to word[0..n) within the limit for
 * its length (none under min letters), into sl. 0 slips: it is known. */
static void find_fix(const catalog *c, slip *sl)
{
    for (size_t i = 0; i < c->n_services && sl->best > 0; i++) {
        const catalog_service *s = &c->services[i];
        try_words(sl, s->search_text);
        try_lines(sl, s->search_pinyin);
    }
    for (size_t i = 0; i < c->n_categories && sl->best > 0; i++)
        try_words(sl, c->categories[i].search_text);
    if (c->words) {
        for (size_t i = 0; i < c->words->n_synonyms && sl->best > 0; i++)
            for (size_t k = 0; k < c->words->synonyms[i].n_words; k++)
                try_words(sl, c->words->synonyms[i].words[k]);
        for (size_t i = 0; i < c->words->n_elsewhere && sl->best > 0; i++)
            for (size_t k = 0; k < c->words->elsewhere[i].n_words; k++)
                try_words(sl, c->words->elsewhere[i].words[k]);
    }
}

/* Writes the query with its unknown Latin words corrected into out; false
 * when nothing was corrected. loose allows one slip more (for "did you
 * mean", where the resident decides). */
static bool correct_query(const catalog *c, const query *q, bool loose, char *out,
                          size_t size)
{
    size_t o = 0;
    bool changed = false;
    const char *p = q->full, *end = q->full + q->full_len;
    while (p < end) {
        const char *sp = memchr(p, ' ', (size_t)(end - p));
        const char *we = sp ? sp : end;
        size_t n = (size_t)(we - p);
        const char *put = p;
        size_t put_n = n;
        slip sl = {.word = p, .n = n};
        sl.limit = n >= 8 ? 2 : n >= 5 ? 1 : 0;
        if (loose)
            sl.limit = n >= 6 ? 2 : n >= 4 ? 1 : 0;
        sl.best = sl.limit + 1;
        if (sl.limit > 0 && all_az(p, n) && n <= SLIP_MAX) {
            find_fix(c, &sl);
            if (sl.fix[0] && sl.best > 0) {
                put = sl.fix;
                put_n = strlen(sl.fix);
                changed = true;
            }
        }
        if (o + put_n + 2 > size)
            break;
        if (o)
            out[o++] = ' ';
        memcpy(out + o, put, put_n);
        o += put_n;
        p = we + 1;
    }
    out[o] = '\0';
    return changed;
}

/* ---- the API ------------------------------------------------------------ */

size_t catalog_search(const catalog *c, const char *query_text, const char *lang,
                      catalog_hit *out, size_t max)
{
    if (!c || !query_text || !out || max == 0)
        return 0;
    query q;
    query_init(c, &q, query_text);
    if (q.full_len == 0)
        return 0;
    size_t n = search_query(c, &q, lang, out, max);
    if (n > 0 || !all_ascii(q.full, q.full_len))
        return n;
    char fixed[QUERY_MAX];
    if (!correct_query(c, &q, false, fixed, sizeof fixed))
        return 0;
    query_init(c, &q, fixed);
    return search_query(c, &q, lang, out, max);
}

void catalog_search_suggest(const catalog *c, const char *query_text, const char *lang,
                            catalog_suggestion *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    if (!c)
        return;
    if (c->words) {
        for (size_t i = 0; i < c->words->n_featured && out->n_featured < CATALOG_FEATURED_MAX; i++)
            if (c->words->featured[i] < c->n_services)
                out->featured[out->n_featured++] = &c->services[c->words->featured[i]];
    } else {
        for (size_t i = 0; i < c->n_categories && out->n_featured < CATALOG_FEATURED_MAX; i++)
            if (c->categories[i].n_services && c->categories[i].services[0] < c->n_services)
                out->featured[out->n_featured++] = &c->services[c->categories[i].services[0]];
    }
    if (!query_text)
        return;
    query q;
    query_init(c, &q, query_text);
    if (q.full_len == 0)
        return;
    if (q.advice)
        out->elsewhere = ltext_get(&q.advice->say, lang);

    /* only for a query that finds nothing as typed: "sebao" finds 社保
     * already, and correcting it would only distract */
    char fixed[QUERY_MAX];
    catalog_hit hit;
    if (search_query(c, &q, lang, &hit, 1) > 0)
        return;
    for (int loose = 0; loose < 2 && !out->did_you_mean[0]; loose++) {
        if (!all_ascii(q.full, q.full_len) || !correct_query(c, &q, loose, fixed, sizeof fixed))
            continue;
        query fq;
        query_init(c, &fq, fixed);
        /* worth offering when it finds a service or knows where to go
         * ("pasport") */
        if ((fq.advice || search_query(c, &fq, lang, &hit, 1) > 0) &&
            strlen(fixed) < sizeof out->did_you_mean)
            memcpy(out->did_you_mean, fixed, strlen(fixed) + 1);
    }
}
