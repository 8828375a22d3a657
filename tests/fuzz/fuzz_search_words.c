/*
 * Fuzz target: the search-words.json parser on arbitrary bytes, checked
 * against a small fixed catalogue, and -- when the words load -- the
 * search with them on queries made of the input's own bytes. Everything is
 * freed, so LeakSanitizer reports any leak as a crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/catalog_search.h"
#include "catalog/search_words.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char CATALOG[] =
    "{\"version\": \"f\", \"categories\": [{\"id\": \"c\", \"name\": {\"zh\": \"社会保险\","
    " \"en\": \"Social Insurance\"}}], \"services\": [{\"id\": \"a\", \"name\": {\"zh\":"
    " \"社保缴费\", \"en\": \"Pay contributions\"}, \"department\": \"人社局\", \"category\":"
    " \"c\", \"kiosk\": true, \"needs_identity\": false, \"conditions\": [\"无\"],"
    " \"materials\": [], \"steps\": [\"办理\"], \"time_limit\": {\"legal_days\": 1,"
    " \"promised_days\": 1}, \"fees\": \"不收费\", \"window\": \"1\", \"address\": \"1\","
    " \"phone\": \"1\", \"hours\": \"1\", \"keywords\": [\"养老\", \"pension\"],"
    " \"pinyin\": [\"she bao jiao fei\"]}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static catalog *c;
    if (!c) {
        diag_list e = DIAG_LIST_INIT;
        c = catalog_parse(CATALOG, strlen(CATALOG), "fuzz-catalog.json", &e);
        diag_clear(&e);
        if (!c)
            abort();
    }
    diag_list errors = DIAG_LIST_INIT;
    search_words *w = search_words_parse((const char *)data, size, "fuzz.json", c, &errors);
    char buf[1400];
    for (size_t i = 0; i < errors.count; i++)
        diag_format(&errors.items[i], buf, sizeof buf);
    if ((w == NULL) == (errors.count == 0))
        abort(); /* a failure always says why; a success says nothing */
    diag_clear(&errors);
    if (w) {
        c->words = w;
        char q[64];
        size_t n = size < sizeof q - 1 ? size : sizeof q - 1;
        memcpy(q, data, n);
        q[n] = '\0';
        catalog_hit hits[4];
        catalog_suggestion s;
        const char *queries[] = {q, "退休", "pensoin", "visa", "社保 查询"};
        for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
            catalog_search(c, queries[i], i % 2 ? "en" : "zh", hits, 4);
            catalog_search_suggest(c, queries[i], "en", &s);
        }
        for (size_t i = 0; i < w->n_synonyms; i++)
            for (size_t k = 0; k < w->synonyms[i].n_words; k++)
                catalog_search(c, w->synonyms[i].words[k], "zh", hits, 4);
        c->words = NULL;
        search_words_free(w);
    }
    return 0;
}
