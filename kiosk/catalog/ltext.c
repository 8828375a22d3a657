/*
 * ltext: catalogue texts keyed by language. A service has a dozen texts in
 * two or three languages, so a linear scan of a few entries is the whole
 * lookup.
 */
#include "catalog/ltext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char fallback_lang[LANG_CODE_SIZE] = "zh";

void ltext_set_fallback(const char *lang)
{
    if (lang && lang_code_ok(lang, strlen(lang)))
        snprintf(fallback_lang, sizeof fallback_lang, "%s", lang);
}

const char *ltext_fallback(void)
{
    return fallback_lang;
}

const char *ltext_exact(const ltext *t, const char *lang)
{
    if (!t || !lang)
        return NULL;
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->items[i].lang, lang))
            return t->items[i].text;
    return NULL;
}

const char *ltext_get(const ltext *t, const char *lang)
{
    /* An empty text counts as absent (the loader never keeps one, but a
     * text built in code might). */
    const char *s = ltext_exact(t, lang);
    if (!s || !*s)
        s = ltext_exact(t, fallback_lang);
    return s ? s : "";
}

bool ltext_set(ltext *t, const char *lang, const char *text)
{
    char *copy = strdup(text);
    if (!copy)
        return false;
    for (size_t i = 0; i < t->n; i++) {
        if (!strcmp(t->items[i].lang, lang)) {
            free(t->items[i].text);
            t->items[i].text = copy;
            return true;
        }
    }
    ltext_entry *items = realloc(t->items, (t->n + 1) * sizeof *items);
    if (!items) {
        free(copy);
        return false;
    }
    t->items = items;
    snprintf(items[t->n].lang, sizeof items[t->n].lang, "%s", lang);
    items[t->n].text = copy;
    t->n++;
    return true;
}

void ltext_free(ltext *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        free(t->items[i].text);
    free(t->items);
    t->items = NULL;
    t->n = 0;
}
