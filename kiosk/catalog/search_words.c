/*
 * search_words: reading and checking search-words.json (see the header).
 *
 * The walk follows catalog.c: one json_check context, every problem
 * reported where it is, nothing kept unless the whole file is right.
 */
#include "catalog/search_words.h"

#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/json_check.h"

/* Generous bounds: the default file has a few hundred words; a file past
 * these is a generated mistake, not a vocabulary. */
#define MAX_ENTRIES 2000
#define MAX_WORDS_PER_ENTRY 64
#define MAX_WORD_CHARS 40
#define MAX_FEATURED 12
#define SAY_WIDE_MAX 200
#define SAY_MAX 400

static char *fold_dup(json_check *jc, const char *s)
{
    size_t size = strlen(s) + 1;
    char *out = json_check_alloc(jc, size, 1);
    if (out)
        catalog_fold(s, out, size);
    return out;
}

/* Does any service's search text or any category name contain word? The
 * check that keeps a `means` word from silently finding nothing. */
static bool catalogue_has(const catalog *c, const char *word)
{
    for (size_t i = 0; i < c->n_services; i++)
        if (c->services[i].search_text && strstr(c->services[i].search_text, word))
            return true;
    for (size_t i = 0; i < c->n_categories; i++)
        if (c->categories[i].search_text && strstr(c->categories[i].search_text, word))
            return true;
    return false;
}

/* A required list of 1..MAX_WORDS_PER_ENTRY words, stored folded. With c,
 * each must occur in the catalogue. */
static char **word_list(json_check *jc, json_t *obj, const char *key,
                        const catalog *c, size_t *n)
{
    *n = 0;
    json_t *arr = json_check_array(jc, obj, key, true, 1, MAX_WORDS_PER_ENTRY,
                                   "must list at least one word");
    if (!arr || json_array_size(arr) == 0)
        return NULL;
    json_check_push_key(jc, key);
    char **out = json_check_alloc(jc, json_array_size(arr), sizeof *out);
    for (size_t i = 0; out && i < json_array_size(arr); i++) {
        json_check_push_index(jc, i);
        const char *s = json_check_string_value(jc, json_array_get(arr, i),
                                                MAX_WORD_CHARS);
        if (s) {
            char *f = fold_dup(jc, s);
            if (f && c && !catalogue_has(c, f)) {
                char q[JSON_CHECK_GOT_SIZE];
                json_check_quote(s, q, sizeof q);
                json_check_report(jc, "no service name, keyword, department or "
                                  "category in the catalogue contains %s, so "
                                  "it would find nothing", q);
            }
            out[(*n)++] = f;
        }
        json_check_pop(jc);
    }
    json_check_pop(jc);
    return out;
}

/* An optional (or required) list of service ids, as catalogue indexes. */
static size_t *service_list(json_check *jc, json_t *obj, const char *key,
                            bool required, size_t max, const catalog *c, size_t *n)
{
    *n = 0;
    json_t *arr = json_check_array(jc, obj, key, required, required ? 1 : 0, max,
                                   "must list at least one service id");
    if (!arr || json_array_size(arr) == 0)
        return NULL;
    json_check_push_key(jc, key);
    size_t *out = json_check_alloc(jc, json_array_size(arr), sizeof *out);
    for (size_t i = 0; out && i < json_array_size(arr); i++) {
        json_check_push_index(jc, i);
        const char *id = json_check_string_value(jc, json_array_get(arr, i), 64);
        if (id) {
            const catalog_service *s = catalog_find(c, id);
            if (!s) {
                char q[JSON_CHECK_GOT_SIZE];
                json_check_quote(id, q, sizeof q);
                json_check_report(jc, "no service in the catalogue has the id %s", q);
            } else {
                out[(*n)++] = (size_t)(s - c->services);
            }
        }
        json_check_pop(jc);
    }
    json_check_pop(jc);
    return out;
}

static void walk_synonym(json_check *jc, json_t *obj, const catalog *c,
                         search_synonym *syn)
{
    static const char *const keys[] = {"words", "means"};
    if (!json_check_object(jc, obj, "must be an object {\"words\": [...], \"means\": [...]}"))
        return;
    json_check_keys(jc, obj, keys, 2);
    syn->words = word_list(jc, obj, "words", NULL, &syn->n_words);
    syn->means = word_list(jc, obj, "means", c, &syn->n_means);
}

static void walk_elsewhere(json_check *jc, json_t *obj, const catalog *c,
                           search_elsewhere *e)
{
    static const char *const keys[] = {"words", "say", "services"};
    if (!json_check_object(jc, obj, "must be an object {\"words\": [...], \"say\": ...}"))
        return;
    json_check_keys(jc, obj, keys, 3);
    e->words = word_list(jc, obj, "words", NULL, &e->n_words);
    json_check_text(jc, obj, "say", true, SAY_WIDE_MAX, SAY_MAX, &e->say);
    e->services = service_list(jc, obj, "services", false, 8, c, &e->n_services);
}

static void walk_root(json_check *jc, json_t *root, const catalog *c, search_words *w)
{
    static const char *const keys[] = {"version", "featured", "synonyms", "elsewhere"};
    if (!json_check_object(jc, root, "must be an object {\"version\": ..., \"synonyms\": [...], ...}"))
        return;
    json_check_keys(jc, root, keys, 4);
    const char *version = json_check_string(jc, root, "version", true, 40, JSON_CHECK_ANY);
    if (version)
        w->version = json_check_dup(jc, version);
    w->featured = service_list(jc, root, "featured", true, MAX_FEATURED, c, &w->n_featured);

    json_t *syns = json_check_array(jc, root, "synonyms", true, 0, MAX_ENTRIES, NULL);
    if (syns && json_array_size(syns)) {
        json_check_push_key(jc, "synonyms");
        w->synonyms = json_check_alloc(jc, json_array_size(syns), sizeof *w->synonyms);
        for (size_t i = 0; w->synonyms && i < json_array_size(syns); i++) {
            json_check_push_index(jc, i);
            walk_synonym(jc, json_array_get(syns, i), c, &w->synonyms[w->n_synonyms++]);
            json_check_pop(jc);
        }
        json_check_pop(jc);
    }
    json_t *els = json_check_array(jc, root, "elsewhere", true, 0, MAX_ENTRIES, NULL);
    if (els && json_array_size(els)) {
        json_check_push_key(jc, "elsewhere");
        w->elsewhere = json_check_alloc(jc, json_array_size(els), sizeof *w->elsewhere);
        for (size_t i = 0; w->elsewhere && i < json_array_size(els); i++) {
            json_check_push_index(jc, i);
            walk_elsewhere(jc, json_array_get(els, i), c, &w->elsewhere[w->n_elsewhere++]);
            json_check_pop(jc);
        }
        json_check_pop(jc);
    }
}

search_words *search_words_parse(const char *text, size_t len, const char *name,
                                 const catalog *c, diag_list *errors)
{
    if (!name)
        name = "";
    if (!text) {
        text = "";
        len = 0;
    }
    if (!c) {
        diag_add(errors, name, 0, 0, "no catalogue to check the search words against");
        return NULL;
    }
    if (len > CATALOG_MAX_FILE_SIZE) {
        diag_add(errors, name, 0, 0, "file is larger than 16 MiB -- is this the right file?");
        return NULL;
    }
    json_t *root = json_check_load(text, len, name, errors);
    if (!root)
        return NULL;
    json_check jc;
    json_check_init(&jc, text, len, name, errors);
    search_words *w = calloc(1, sizeof *w);
    if (!w)
        jc.oom = true;
    else
        walk_root(&jc, root, c, w);
    json_decref(root);
    bool ok = json_check_finish(&jc);
    if (jc.oom)
        diag_add(errors, name, 0, 0, "out of memory while loading the search words");
    if (!ok) {
        search_words_free(w);
        return NULL;
    }
    return w;
}

static void free_words(char **words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(words[i]);
    free(words);
}

void search_words_free(search_words *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->n_synonyms; i++) {
        free_words(w->synonyms[i].words, w->synonyms[i].n_words);
        free_words(w->synonyms[i].means, w->synonyms[i].n_means);
    }
    free(w->synonyms);
    for (size_t i = 0; i < w->n_elsewhere; i++) {
        free_words(w->elsewhere[i].words, w->elsewhere[i].n_words);
        ltext_free(&w->elsewhere[i].say);
        free(w->elsewhere[i].services);
    }
    free(w->elsewhere);
    free(w->featured);
    free(w->version);
    free(w);
}
