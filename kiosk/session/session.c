/*
 * session: see session.h.
 *
 * One fixed block rather than an allocation per field: one sodium_malloc
 * costs a guard page on each side and an mlock, so a block sized for the
 * largest session is both cheaper and easier to wipe completely -- a single
 * sodium_memzero over it, with no pointer that could be missed.
 */
#include "session.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PHOTO_MAX 4096          /* a WLT photo is 1024 bytes */
#define FINGERPRINT_MAX 2048    /* two templates of 512, with room */

typedef struct entry {
    char key[SESSION_KEY_MAX];
    char value[SESSION_VALUE_MAX];
    unsigned char used, scope;
} entry;

typedef struct secret {
    idcard_identity identity;
    bool signed_in;
    uint8_t photo[PHOTO_MAX];
    uint8_t fingerprint[FINGERPRINT_MAX];
    entry entries[SESSION_MAX_ENTRIES];
} secret;

struct session {
    secret *sec;                /* guarded */
};

session *session_new(void)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "kiosk: libsodium cannot start; refusing to hold personal data\n");
        return NULL;
    }
    session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    /* sodium_malloc mlocks the block and marks it MADV_DONTDUMP. Lock it
     * again through the system call itself: sanitizer runtimes replace
     * mlock() with a no-op, and the test that proves the lock runs under
     * them. Locking a locked range is harmless. */
    s->sec = sodium_malloc(sizeof *s->sec);
    if (!s->sec) {
        fprintf(stderr, "kiosk: no guarded memory for the session; refusing to start\n");
        free(s);
        return NULL;
    }
    (void)sodium_mlock(s->sec, sizeof *s->sec);
    (void)syscall(SYS_mlock, (void *)s->sec, sizeof *s->sec);
    sodium_memzero(s->sec, sizeof *s->sec);
    return s;
}

void session_free(session *s)
{
    if (!s)
        return;
    sodium_memzero(s->sec, sizeof *s->sec);
    sodium_free(s->sec);    /* wipes again and unlocks */
    free(s);
}

static void clear_identity(session *s)
{
    sodium_memzero(&s->sec->identity, sizeof s->sec->identity);
    sodium_memzero(s->sec->photo, sizeof s->sec->photo);
    sodium_memzero(s->sec->fingerprint, sizeof s->sec->fingerprint);
    s->sec->signed_in = false;
}

static void clear_entries(session *s, bool identity_only)
{
    for (int i = 0; i < SESSION_MAX_ENTRIES; i++) {
        entry *e = &s->sec->entries[i];
        if (e->used && (!identity_only || e->scope == SESSION_IDENTITY))
            sodium_memzero(e, sizeof *e);
    }
}

bool session_sign_in(session *s, idcard_identity *id)
{
    if (!id)
        return false;
    clear_identity(s);
    clear_entries(s, true);     /* a new resident's drafts start empty */
    bool ok = id->photo_len <= PHOTO_MAX && id->fingerprint_len <= FINGERPRINT_MAX;
    if (ok) {
        secret *g = s->sec;
        g->identity = *id;
        if (id->photo_len)
            memcpy(g->photo, id->photo, id->photo_len);
        if (id->fingerprint_len)
            memcpy(g->fingerprint, id->fingerprint, id->fingerprint_len);
        g->identity.photo = id->photo_len ? g->photo : NULL;
        g->identity.fingerprint = id->fingerprint_len ? g->fingerprint : NULL;
        g->signed_in = true;
    }
    idcard_identity_wipe(id);
    return ok;
}

const idcard_identity *session_identity(const session *s)
{
    return s && s->sec->signed_in ? &s->sec->identity : NULL;
}

bool session_identity_masked(const session *s, bool latin, char *name, size_t name_size,
                             char *number, size_t number_size)
{
    const idcard_identity *id = session_identity(s);
    if (!id)
        return false;
    bool use_latin = id->name_en[0] && (latin || !id->name[0]);
    idcard_mask_name(use_latin ? id->name_en : id->name, name, name_size);
    idcard_mask_number(id->id_number, number, number_size);
    return true;
}

static entry *find(const session *s, const char *key)
{
    for (int i = 0; i < SESSION_MAX_ENTRIES; i++)
        if (s->sec->entries[i].used && !strcmp(s->sec->entries[i].key, key))
            return &s->sec->entries[i];
    return NULL;
}

static entry *find_or_add(session *s, const char *key, session_scope scope)
{
    if (strlen(key) >= SESSION_KEY_MAX)
        return NULL;
    entry *e = find(s, key);
    if (e)
        return e;
    for (int i = 0; i < SESSION_MAX_ENTRIES; i++) {
        e = &s->sec->entries[i];
        if (!e->used) {
            snprintf(e->key, sizeof e->key, "%s", key);
            e->value[0] = '\0';
            e->used = 1;
            e->scope = (unsigned char)scope;
            return e;
        }
    }
    return NULL;
}

bool session_set(session *s, const char *key, const char *value, session_scope scope)
{
    if (!value) {
        entry *e = find(s, key);
        if (e)
            sodium_memzero(e, sizeof *e);
        return true;
    }
    size_t len = strlen(value);
    if (len >= SESSION_VALUE_MAX)
        return false;
    entry *e = find_or_add(s, key, scope);
    if (!e)
        return false;
    sodium_memzero(e->value, sizeof e->value);
    memcpy(e->value, value, len + 1);
    e->scope = (unsigned char)scope;
    return true;
}

const char *session_get(const session *s, const char *key)
{
    entry *e = find(s, key);
    return e ? e->value : NULL;
}

char *session_buffer(session *s, const char *key, session_scope scope, size_t *cap)
{
    entry *e = find_or_add(s, key, scope);
    if (!e)
        return NULL;
    *cap = sizeof e->value;
    return e->value;
}

void session_sign_out(session *s)
{
    clear_identity(s);
    clear_entries(s, true);
}

void session_end(session *s)
{
    sodium_memzero(s->sec, sizeof *s->sec);
}

void session_memory(const session *s, const unsigned char **bytes, size_t *len)
{
    *bytes = (const unsigned char *)s->sec;
    *len = sizeof *s->sec;
}
