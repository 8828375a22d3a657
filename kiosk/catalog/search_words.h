/*
 * search_words: the words residents use that the catalogue does not, kept
 * beside it as search-words.json so technicians can extend them without a
 * rebuild:
 *
 *   synonyms   everyday words and what they mean in catalogue terms
 *              (退休金 -> 养老金, 医保卡 -> 社保卡, retire -> pension);
 *   elsewhere  things people look for that this kiosk does not handle
 *              (护照, 签证, 驾照, visa) and where to go instead, optionally
 *              with catalogue services that apply (foreigner -> 居住证);
 *   featured   the most used services, offered when a search finds nothing.
 *
 * Every word is stored folded (catalog_fold), the form catalog_search
 * compares. The file is checked against the catalogue it sits beside: a
 * `means` word no service or category contains, or a service id the
 * catalogue lacks, is an error at FILE:LINE:COL like any other.
 */
#ifndef KIOSK_SEARCH_WORDS_H
#define KIOSK_SEARCH_WORDS_H

#include <stddef.h>

#include "catalog/ltext.h"
#include "common/diag.h"

struct catalog;

/* The file's name, looked for in the catalogue file's directory. */
#define SEARCH_WORDS_FILE "search-words.json"

typedef struct search_synonym {
    char **words;   size_t n_words;     /* what residents type, folded */
    char **means;   size_t n_means;     /* catalogue words it stands for */
} search_synonym;

typedef struct search_elsewhere {
    char **words;   size_t n_words;     /* folded */
    ltext say;                          /* where to go, per language */
    size_t *services; size_t n_services;/* catalogue indexes that apply */
} search_elsewhere;

typedef struct search_words {
    char *version;
    search_synonym *synonyms;   size_t n_synonyms;
    search_elsewhere *elsewhere; size_t n_elsewhere;
    size_t *featured;           size_t n_featured;  /* catalogue indexes */
} search_words;

/* Checks text[0..len) (named name in messages) against catalogue c, whose
 * search keys must be derived. Returns the words (free with
 * search_words_free), or NULL with every problem appended to errors. */
search_words *search_words_parse(const char *text, size_t len, const char *name,
                                 const struct catalog *c, diag_list *errors);

void search_words_free(search_words *w);

#endif
