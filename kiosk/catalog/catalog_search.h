/*
 * catalog_search: find services as the resident types.
 *
 * Matches names and department in every language present, keywords, full pinyin
 * ("shebao") and pinyin initials ("sbjf" finds 社保缴费). Case and full-width
 * letters are folded. Runs in well under a millisecond for a few hundred
 * services, so the UI calls it on every key press without a worker thread.
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

#endif
