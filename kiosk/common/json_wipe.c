/*
 * json_wipe: see json_wipe.h.
 */
#include "json_wipe.h"

#include <jansson.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

void json_wipe_free(void *p)
{
    if (!p)
        return;
    /* the whole usable block: jansson's strbuffer writes past what it
     * reports as used, and realloc-like growth copies into new blocks */
    explicit_bzero(p, malloc_usable_size(p));
    free(p);
}

void json_wipe_install(void)
{
    json_set_alloc_funcs(malloc, json_wipe_free);
}
