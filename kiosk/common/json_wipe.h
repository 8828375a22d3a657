/*
 * json_wipe: jansson allocates through an allocator that wipes what it
 * frees, for the whole process.
 *
 * jansson copies every string it parses (keys, values, the lexer's growing
 * buffer) into memory of its own and frees it with json_decref, unwiped.
 * Card JSON (the simulator's fixtures, the sign-in screen's demo-card
 * labels) holds names, addresses and ID numbers, and freed heap keeps them
 * until the allocator hands the block out again: a core dump after the
 * session showed them (issue 13 item 8). jansson's allocator is one global
 * pair of functions, so the wipe covers every JSON the process reads -- the
 * catalogue, strings, forms, platform answers -- not only cards. What it
 * costs: one explicit_bzero over each freed block, about the cost of the
 * memcpy that filled it (docs-mem-wipe.md has the figure for the catalogue).
 *
 * jansson's free callback gets no size: malloc_usable_size (glibc, and the
 * sanitizer runtimes) gives it, so no header is added and a block jansson
 * allocated before the call is freed correctly too (it is the same malloc).
 */
#ifndef KIOSK_JSON_WIPE_H
#define KIOSK_JSON_WIPE_H

/* Installs the wiping allocator with json_set_alloc_funcs. Call first thing
 * in main, before any thread starts (jansson's allocator is not swapped
 * atomically). Idempotent. */
void json_wipe_install(void);

/* The free function installed: wipes the block's usable size, then frees.
 * NULL is fine. Exposed for the unit test. */
void json_wipe_free(void *p);

#endif
