/*
 * Fuzz target: the catalogue loader on arbitrary bytes.
 *
 * Every input goes through catalog_parse (encoding checks, jansson, the
 * validator, the position finder for each problem, indexed and not) and, when it loads,
 * through the search and display helpers too, so the derived search keys
 * are exercised on whatever the fuzzer managed to make valid. Everything is
 * freed, so LeakSanitizer reports any leak as a crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/catalog_search.h"
#include "catalog/json_pos.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    diag_list errors = DIAG_LIST_INIT;
    catalog *c = catalog_parse((const char *)data, size, "fuzz.json", &errors);
    char buf[1400];
    for (size_t i = 0; i < errors.count; i++)
        diag_format(&errors.items[i], buf, sizeof buf);
    diag_clear(&errors);

    /* The position finder on its own, on raw bytes jansson may have
     * refused: a path into the first service's first material. */
    static const json_pos_seg path[] = {
        {"services", 0}, {NULL, 0}, {"materials", 0}, {NULL, 1}, {"count", 0},
    };
    int line, col;
    /* ... and through an index, which must find exactly the same (twice:
     * the second lookup resumes from what the first remembered) */
    json_pos_index *ix = json_pos_index_new((const char *)data, size);
    for (size_t n = 0; n <= sizeof path / sizeof path[0]; n++) {
        int found = json_pos_find((const char *)data, size, path, n, n % 2 == 1,
                                  &line, &col);
        for (int round = 0; ix && round < 2; round++) {
            int l2, c2;
            if (json_pos_index_find(ix, path, n, n % 2 == 1, &l2, &c2) != found ||
                l2 != line || c2 != col)
                abort();
        }
    }
    json_pos_index_free(ix);

    if (c) {
        /* Queries taken from the loaded data itself, plus fixed ones. */
        catalog_hit hits[8];
        const char *queries[] = {"sbjf", "ＳＢ", "she bao", "a b c", "证明"};
        for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++)
            catalog_search(c, queries[i], i % 2 ? "en" : "zh", hits, 8);
        for (size_t i = 0; i < c->n_services && i < 4; i++) {
            const catalog_service *s = &c->services[i];
            catalog_search(c, ltext_get(&s->name, "zh"), "zh", hits, 8);
            catalog_search(c, s->search_initials, "en", hits, 1);
            if (catalog_find(c, s->id) == NULL)
                abort();
            for (size_t j = 0; j < s->n_materials; j++)
                if (!catalog_form_key(s->materials[j].form)[0])
                    abort();
        }
        catalog_free(c);
    }
    return 0;
}
