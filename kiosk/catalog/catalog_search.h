/*
 * catalog_search: find services as residents type, not as the catalogue
 * is worded.
 *
 * Matches names, keywords, category, department and summary in every
 * language present, full pinyin ("shebao") and pinyin initials ("sbjf"
 * finds 社保缴费). Case and full-width letters are folded; traditional
 * characters are read as simplified (OpenCC, opened at the first Chinese
 * query); a Chinese query matches by the words in it (查社保, 社保查询);
 * the catalogue's search-words.json adds everyday words (退休金 -> 养老金)
 * and says where to go for what the kiosk does not do (护照); pinyin and
 * English slips are forgiven (sebao, yangloa, pensoin), English matches
 * whole words ("rent" is not in "preferential"). A search with no result
 * still has somewhere to go: catalog_search_suggest.
 *
 * A few hundred services take well under a millisecond per key press and
 * 2,000 a few (tests/bench/bench_search.c), so the UI calls it on every
 * key without a worker thread.
 */
#ifndef KIOSK_CATALOG_SEARCH_H
#define KIOSK_CATALOG_SEARCH_H

#include "catalog/catalog.h"

typedef struct catalog_hit {
    const catalog_service *service;
    int score;          /* higher is better */
} catalog_hit;

/* Fills out with at most max hits, best first (ties in catalogue order), and
 * returns how many. An empty or all-space query returns 0. lang (the UI
 * language code) only breaks ties: a name match in the UI language ranks first. */
size_t catalog_search(const catalog *c, const char *query, const char *lang,
                      catalog_hit *out, size_t max);

/* Most services catalog_search_suggest offers as "most used". */
#define CATALOG_FEATURED_MAX 12

typedef struct catalog_suggestion {
    /* The query with its slips corrected ("pensoin" -> "pension"), to offer
     * as "did you mean"; "" when there is nothing to correct or the
     * correction finds nothing either. */
    char did_you_mean[128];
    /* Where to go for what the query asks (search-words.json "elsewhere"),
     * in lang or the fallback language; NULL when it says nothing. Points
     * into the catalogue. */
    const char *elsewhere;
    /* The most used services (search-words.json "featured"; without that
     * file the first service of each category), best first. */
    const catalog_service *featured[CATALOG_FEATURED_MAX];
    size_t n_featured;
} catalog_suggestion;

/* Fills out with what to offer beside (or instead of) the results of the
 * same query. Always fills it: every field is empty for a NULL c. */
void catalog_search_suggest(const catalog *c, const char *query, const char *lang,
                            catalog_suggestion *out);

#endif
