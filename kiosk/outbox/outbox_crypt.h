/*
 * outbox_crypt: the resident's personal fields at rest.
 *
 * A transaction's personal fields (name, ID number, phone, address, free
 * text) never reach the database in the clear. They are packed into one
 * buffer and sealed with XChaCha20-Poly1305 under the device key, with the
 * row's idempotency key as associated data, so a sealed blob moved to
 * another row does not open. Only masked copies (张*, 3301**********1234,
 * 138****8000) are stored in the clear, for the technician's list and the
 * receipt.
 *
 * The device key is 32 random bytes in data_dir/keys/device.key, created
 * mode 0600 on first start and kept in libsodium guarded memory while the
 * process runs. It is never logged, printed or exported.
 */
#ifndef KIOSK_OUTBOX_CRYPT_H
#define KIOSK_OUTBOX_CRYPT_H

#include <stdbool.h>
#include <stddef.h>

#define OUTBOX_KEY_BYTES 32
/* nonce (24) + tag (16) around the packed fields */
#define OUTBOX_SEAL_OVERHEAD (24 + 16)
/* "3f2a...-..." text form of a random (version 4) UUID, with its NUL */
#define OUTBOX_UUID_SIZE 37

/* The personal fields of one transaction; any may be NULL for none. The
 * caller owns the strings. */
typedef struct outbox_personal {
    const char *name;
    const char *id_number;
    const char *phone;
    const char *address;
    const char *free_text;
} outbox_personal;

/* What the clear columns may hold. */
typedef struct outbox_masked {
    char name[64];
    char id_number[32];
    char phone[24];
    char address[48];
} outbox_masked;

/* The device key, in guarded memory. */
typedef struct outbox_key outbox_key;

/* Loads data_dir/keys/device.key (storage must be open), creating it with
 * mode 0600 when missing: written to a temporary name, synced and linked
 * into place, so a crash never leaves a short key and two processes
 * starting together agree on one. NULL with a reason in why (never the key
 * itself) when it cannot be read or made, or has the wrong size. */
outbox_key *outbox_key_load(char *why, size_t wsize);

/* Wipes and frees; NULL ok. */
void outbox_key_free(outbox_key *k);

/* A fresh random UUID (libsodium's generator) in text form. */
void outbox_uuid(char out[OUTBOX_UUID_SIZE]);

/* True when s is a UUID's text form: 8-4-4-4-12 lower-case hex digits. */
bool outbox_is_uuid(const char *s);

/* A key derived from text (a name-based UUID, version 8, from SHA-256 of
 * what || '\n' || text): the same inputs give the same key on every run,
 * different ones differ. For things that must be queued once only. */
void outbox_uuid_for(const char *what, const char *text, char out[OUTBOX_UUID_SIZE]);

/* Seals p for the row whose idempotency key is ad. Returns a malloc'd blob
 * of *len bytes (caller frees), NULL when out of memory or a field is
 * longer than 65535 bytes. The packed clear text lives only in guarded
 * memory and is wiped before return. */
unsigned char *outbox_seal(const outbox_key *k, const outbox_personal *p, const char *ad,
                           size_t *len);

/* The opened fields, in guarded memory: read them through p, free with
 * outbox_opened_free (which wipes). */
typedef struct outbox_opened {
    outbox_personal p;
    void *mem_;
} outbox_opened;

/* Opens a blob sealed by outbox_seal for ad. False when it was tampered
 * with, belongs to another row or key, or memory is short. */
bool outbox_unseal(const outbox_key *k, const unsigned char *blob, size_t len, const char *ad,
                   outbox_opened *out);
void outbox_opened_free(outbox_opened *o);

/* Masked copies for display (never NULL fields: "" for none). */
void outbox_mask(const outbox_personal *p, outbox_masked *m);

/* 13800138000 -> 138****8000: first 3 and last 4 digits of 8 or more;
 * shorter numbers become all stars. */
void outbox_mask_phone(const char *phone, char *out, size_t out_size);

#endif
