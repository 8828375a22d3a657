/*
 * outbox_crypt: see outbox_crypt.h.
 */
#include "outbox/outbox_crypt.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/storage.h"
#include "common/textfile.h"
#include "idcard/idcard_card.h"

struct outbox_key {
    unsigned char bytes[OUTBOX_KEY_BYTES];
};

#define N_FIELDS 5

/* Reads an existing key file; 1 done, 0 missing, -1 bad (why set). */
static int read_key(const char *path, outbox_key *k, char *why, size_t wsize)
{
    struct stat st;
    char reason[200];
    int fd = textfile_open(path, O_NOFOLLOW, &st, reason, sizeof reason);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        snprintf(why, wsize, "device key %s %s", path, reason);
        return -1;
    }
    bool ok = st.st_size == OUTBOX_KEY_BYTES && textfile_read_exact(fd, k->bytes, OUTBOX_KEY_BYTES);
    close(fd);
    if (!ok) {
        /* a wrong-sized key is never replaced: rows sealed under it would
         * be lost for good; a technician decides */
        snprintf(why, wsize, "device key %s is damaged (not %d bytes)", path, OUTBOX_KEY_BYTES);
        return -1;
    }
    return 1;
}

outbox_key *outbox_key_load(char *why, size_t wsize)
{
    char path[4096];
    if (!storage_path("keys/device.key", path, sizeof path)) {
        snprintf(why, wsize, "no place for the device key under the data directory: %s",
                 strerror(errno));
        return NULL;
    }
    if (sodium_init() < 0) {
        snprintf(why, wsize, "libsodium did not start");
        return NULL;
    }
    outbox_key *k = sodium_malloc(sizeof *k);
    if (!k) {
        snprintf(why, wsize, "out of memory for the device key");
        return NULL;
    }
    int r = read_key(path, k, why, wsize);
    if (r == 1)
        return k;
    if (r < 0)
        goto fail;

    /* First start (storage_create_once: durable before any row depends on
     * it; a process that lost the race reads back the winner's key) */
    randombytes_buf(k->bytes, sizeof k->bytes);
    if (!storage_create_once(path, k->bytes, sizeof k->bytes, "device key", why, wsize))
        goto fail;
    /* read back what is in place: ours, or the winner's */
    if (read_key(path, k, why, wsize) == 1)
        return k;
fail:
    sodium_free(k);
    return NULL;
}

void outbox_key_free(outbox_key *k)
{
    if (k)
        sodium_free(k); /* sodium_free wipes */
}

static void uuid_text(unsigned char b[16], int version, char out[OUTBOX_UUID_SIZE])
{
    b[6] = (unsigned char)((b[6] & 0x0f) | (version << 4));
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 15];
    }
    out[o] = '\0';
}

void outbox_uuid(char out[OUTBOX_UUID_SIZE])
{
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    uuid_text(b, 4, out);
}

void outbox_uuid_for(const char *what, const char *text, char out[OUTBOX_UUID_SIZE])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)what, strlen(what));
    crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
    crypto_hash_sha256_update(&st, (const unsigned char *)text, strlen(text));
    crypto_hash_sha256_final(&st, h);
    uuid_text(h, 8, out);   /* version 8: "custom", RFC 9562 */
}

bool outbox_is_uuid(const char *s)
{
    if (!s || strlen(s) != OUTBOX_UUID_SIZE - 1)
        return false;
    for (int i = 0; i < OUTBOX_UUID_SIZE - 1; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    }
    return true;
}

static const char *field(const outbox_personal *p, int i)
{
    const char *f[N_FIELDS] = {p->name, p->id_number, p->phone, p->address, p->free_text};
    return f[i] ? f[i] : "";
}

/* Packed form: for each field a 2-byte big-endian length and its bytes.
 * A flat layout, not JSON, so no parser's allocations ever hold a copy. */
unsigned char *outbox_seal(const outbox_key *k, const outbox_personal *p, const char *ad,
                           size_t *len)
{
    size_t plain_len = 0;
    for (int i = 0; i < N_FIELDS; i++) {
        size_t n = strlen(field(p, i));
        if (n > 65535)
            return NULL;
        plain_len += 2 + n;
    }
    unsigned char *plain = sodium_malloc(plain_len ? plain_len : 1);
    if (!plain)
        return NULL;
    size_t o = 0;
    for (int i = 0; i < N_FIELDS; i++) {
        size_t n = strlen(field(p, i));
        plain[o++] = (unsigned char)(n >> 8);
        plain[o++] = (unsigned char)(n & 0xff);
        memcpy(plain + o, field(p, i), n);
        o += n;
    }
    size_t out_len = plain_len + OUTBOX_SEAL_OVERHEAD;
    unsigned char *out = malloc(out_len);
    if (out) {
        unsigned char *nonce = out;
        randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
        unsigned long long clen = 0;
        crypto_aead_xchacha20poly1305_ietf_encrypt(
            out + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen, plain, plain_len,
            (const unsigned char *)ad, strlen(ad), NULL, nonce, k->bytes);
        *len = out_len;
    }
    sodium_free(plain);
    return out;
}

bool outbox_unseal(const outbox_key *k, const unsigned char *blob, size_t len, const char *ad,
                   outbox_opened *out)
{
    memset(out, 0, sizeof *out);
    if (!blob || len < OUTBOX_SEAL_OVERHEAD)
        return false;
    size_t plain_len = len - OUTBOX_SEAL_OVERHEAD;
    /* the fields as NUL-terminated strings follow the packed text */
    unsigned char *mem = sodium_malloc(plain_len + plain_len + N_FIELDS + 1);
    if (!mem)
        return false;
    unsigned long long plen = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            mem, &plen, NULL, blob + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
            len - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, (const unsigned char *)ad,
            strlen(ad), blob, k->bytes) != 0)
        goto bad;
    char *strs = (char *)mem + plain_len, *s = strs;
    const char **dst[N_FIELDS] = {&out->p.name, &out->p.id_number, &out->p.phone,
                                  &out->p.address, &out->p.free_text};
    size_t o = 0;
    for (int i = 0; i < N_FIELDS; i++) {
        if (o + 2 > plain_len)
            goto bad;
        size_t n = ((size_t)mem[o] << 8) | mem[o + 1];
        o += 2;
        if (o + n > plain_len)
            goto bad;
        memcpy(s, mem + o, n);
        s[n] = '\0';
        *dst[i] = s;
        s += n + 1;
        o += n;
    }
    out->mem_ = mem;
    return true;
bad:
    sodium_free(mem);
    memset(out, 0, sizeof *out);
    return false;
}

void outbox_opened_free(outbox_opened *o)
{
    if (o && o->mem_)
        sodium_free(o->mem_);
    if (o)
        memset(o, 0, sizeof *o);
}

void outbox_mask_phone(const char *phone, char *out, size_t out_size)
{
    if (!out_size)
        return;
    char digits[32];
    size_t n = 0;
    for (const char *c = phone ? phone : ""; *c && n < sizeof digits - 1; c++)
        if (*c >= '0' && *c <= '9')
            digits[n++] = *c;
    digits[n] = '\0';
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < out_size; i++)
        out[o++] = (n >= 8 && (i < 3 || i >= n - 4)) ? digits[i] : '*';
    out[o] = '\0';
    sodium_memzero(digits, sizeof digits);
}

/* An address keeps its first two characters (the province or city, as a
 * window clerk would read it aloud) and stars for the rest. */
static void mask_address(const char *addr, char *out, size_t out_size)
{
    size_t o = 0, chars = 0;
    const unsigned char *s = (const unsigned char *)(addr ? addr : "");
    out[0] = '\0';
    if (!*s)
        return;
    while (*s && chars < 2) {
        size_t len = *s < 0x80 ? 1 : *s < 0xe0 ? 2 : *s < 0xf0 ? 3 : 4;
        size_t i;
        for (i = 0; i < len && s[i]; i++)
            ;
        if (i < len || o + len + 1 >= out_size)
            break;
        memcpy(out + o, s, len);
        o += len;
        s += len;
        chars++;
    }
    for (int i = 0; i < 4 && o + 1 < out_size; i++)
        out[o++] = '*';
    out[o] = '\0';
}

void outbox_mask(const outbox_personal *p, outbox_masked *m)
{
    memset(m, 0, sizeof *m);
    if (p->name && *p->name)
        idcard_mask_name(p->name, m->name, sizeof m->name);
    if (p->id_number && *p->id_number)
        idcard_mask_number(p->id_number, m->id_number, sizeof m->id_number);
    if (p->phone && *p->phone)
        outbox_mask_phone(p->phone, m->phone, sizeof m->phone);
    mask_address(p->address, m->address, sizeof m->address);
}
