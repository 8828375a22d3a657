/*
 * ltext: a text in any number of languages (the catalogue's names, guides
 * and notes; later forms and rating reasons), and the process-wide fallback
 * language a text is shown in when it lacks the UI language.
 *
 * catalog.h includes this header, so its users see these declarations as
 * before; json_check reads catalogue-shaped language-keyed texts into it
 * without needing the catalogue.
 */
#ifndef KIOSK_LTEXT_H
#define KIOSK_LTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/lang.h"

/* A text in any number of languages, keyed by language code ("zh", "en",
 * "xx"): a catalogue text is {"zh": ..., "en": ...} or a plain string,
 * which is the fallback language's. No language is special in the type;
 * the loader requires the fallback language's text where a text is
 * required. Each present text is non-empty; codes are unique. */
typedef struct ltext_entry {
    char lang[LANG_CODE_SIZE];
    char *text;         /* owned */
} ltext_entry;

typedef struct ltext {
    ltext_entry *items; /* owned, in file order */
    size_t n;
} ltext;

/* The text in exactly lang; else in the fallback language
 * (ltext_set_fallback); else "". Never NULL. */
const char *ltext_get(const ltext *t, const char *lang);

/* The text in exactly lang, or NULL when there is none (for tests and
 * `kioskctl catalog stats`: "is there text in this language?"). */
const char *ltext_exact(const ltext *t, const char *lang);

/* The language a plain-string catalogue text is in, required where a text
 * is required, and shown where the UI language has none: [ui]
 * fallback_language, "zh" until set. Process-wide, like the catalogue; set
 * it before catalog_load. lang is copied; an invalid code is ignored. */
void ltext_set_fallback(const char *lang);
const char *ltext_fallback(void);

/* Adds (a copy of) text in lang, replacing an earlier one in lang. False
 * when out of memory. */
bool ltext_set(ltext *t, const char *lang, const char *text);

/* Frees every text; t is empty afterwards. */
void ltext_free(ltext *t);

#endif
