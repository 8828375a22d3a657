/*
 * session: everything about the resident in front of the kiosk, in one
 * place, and one call that wipes it.
 *
 * What it holds: the identity read from the ID card, and text entries by
 * key -- the search text ("search"), form drafts ("draft.<service>.<field>"),
 * the transaction in progress ("txn.<field>"), its receipt
 * ("receipt.<field>") and the rating ("rating.<field>"). All of it lives in
 * one block of libsodium guarded memory (sodium_malloc: locked with mlock so
 * it never reaches swap, excluded from core dumps, fenced by guard pages)
 * and is wiped with sodium_memzero, which the compiler cannot drop.
 *
 * Two ends, as residents expect them:
 *   session_sign_out  the identity and what belongs to it (entries stored
 *                     with SESSION_IDENTITY: drafts, the transaction, the
 *                     receipt); the visit goes on in the same language;
 *   session_end       everything (the idle reset, the kiosk stopping).
 *
 * UI thread only: screens read and write through it, threads hand data to
 * it through the event hub.
 */
#ifndef KIOSK_SESSION_H
#define KIOSK_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "idcard/idcard_card.h"

typedef enum session_scope {
    SESSION_VISIT,      /* ends with the visit (idle reset) */
    SESSION_IDENTITY    /* ends at sign-out too */
} session_scope;

#define SESSION_MAX_ENTRIES 64
#define SESSION_KEY_MAX 48          /* bytes with the NUL */
#define SESSION_VALUE_MAX 1024      /* bytes with the NUL */

typedef struct session session;

/* A new empty session. NULL (with a line on stderr) when libsodium cannot
 * start or the guarded memory cannot be had: the kiosk must not run with
 * residents' data in ordinary memory. */
session *session_new(void);

/* Wipes and releases everything. NULL is fine. */
void session_free(session *s);

/* Signs the resident in: copies id (photo and fingerprint included) into
 * guarded memory, replacing any earlier identity and what belonged to it,
 * then wipes and frees id -- in every case, also on failure (false: a photo
 * larger than the kiosk keeps). */
bool session_sign_in(session *s, idcard_identity *id);

/* The signed-in identity, NULL when nobody is signed in. Valid until the
 * next sign-in or end. */
const idcard_identity *session_identity(const session *s);

/* Masked name and number for the screen ("张*", "3301**********1234");
 * false when nobody is signed in. With latin set, a card that carries a
 * Latin name (foreigner permanent residence cards) shows that one
 * ("S*****, A***"): a resident reading English knows their name in the
 * script they read. Otherwise, and on cards without one, the Chinese name;
 * a card without a Chinese name shows its Latin name. Both masked by
 * idcard_mask_name. */
bool session_identity_masked(const session *s, bool latin, char *name, size_t name_size,
                             char *number, size_t number_size);

/* Stores a copy of value under key (value NULL removes it). False when the
 * key or value is too long or the table is full; nothing changes then. */
bool session_set(session *s, const char *key, const char *value, session_scope scope);

/* The value of key, NULL when absent. Valid until key changes. */
const char *session_get(const session *s, const char *key);

/* A writable buffer of *cap bytes (SESSION_VALUE_MAX) for key, created
 * empty when absent, for text edited in place (the search box). NULL when
 * the key is too long or the table is full. */
char *session_buffer(session *s, const char *key, session_scope scope, size_t *cap);

/* Ends the identity and its entries; the visit's entries stay. */
void session_sign_out(session *s);

/* Ends everything. */
void session_end(session *s);

/* The guarded block itself, for the test that proves a wipe leaves nothing. */
void session_memory(const session *s, const unsigned char **bytes, size_t *len);

#endif
