/*
 * rating_sign: see rating_sign.h.
 */
#include "rating/rating_sign.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/hex.h"
#include "common/storage.h"
#include "common/textfile.h"

#define SEED_BYTES crypto_sign_SEEDBYTES
#define KEY_NAME "keys/rating.key"

_Static_assert(RATING_PUBKEY_BYTES == crypto_sign_PUBLICKEYBYTES, "Ed25519 public key size");
_Static_assert(RATING_SIG_BYTES == crypto_sign_BYTES, "Ed25519 signature size");

struct rating_key {
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
};

/* ---- the key file --------------------------------------------------------- */

/* Reads the seed; 1 done, 0 missing, -1 bad (why set). */
static int read_seed(const char *path, unsigned char *seed, char *why, size_t wsize)
{
    struct stat st;
    char reason[200];
    int fd = textfile_open(path, O_NOFOLLOW, &st, reason, sizeof reason);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        snprintf(why, wsize, "rating key %s %s", path, reason);
        return -1;
    }
    bool ok = st.st_size == SEED_BYTES && textfile_read_exact(fd, seed, SEED_BYTES);
    close(fd);
    if (!ok) {
        snprintf(why, wsize, "rating key %s is damaged (not %d bytes); it is not replaced, "
                 "since printed links and the platform's registration depend on it: move it "
                 "aside and register the new key (kioskctl device pubkey)",
                 path, SEED_BYTES);
        return -1;
    }
    return 1;
}

/* A fresh seed in place at path, unless another process put one there
 * first. False with why filled. */
static bool make_seed(const char *path, unsigned char *seed, char *why, size_t wsize)
{
    randombytes_buf(seed, SEED_BYTES);
    /* the name is durable before a link signed with it is printed */
    return storage_create_once(path, seed, SEED_BYTES, "rating key", why, wsize);
}

rating_key *rating_key_load(bool create, bool *created, char *why, size_t wsize)
{
    char path[4096];
    if (created)
        *created = false;
    if (!storage_path(KEY_NAME, path, sizeof path)) {
        snprintf(why, wsize, "no place for the rating key under the data directory: %s",
                 strerror(errno));
        return NULL;
    }
    if (sodium_init() < 0) {
        snprintf(why, wsize, "libsodium did not start");
        return NULL;
    }
    rating_key *k = sodium_malloc(sizeof *k);
    unsigned char *seed = sodium_malloc(SEED_BYTES);
    if (!k || !seed) {
        snprintf(why, wsize, "out of memory for the rating key");
        goto fail;
    }
    int r = read_seed(path, seed, why, wsize);
    if (r == 0 && !create) {
        snprintf(why, wsize, "this kiosk has no rating key yet (%s); the kiosk makes it on its "
                 "first start, or `kioskctl device pubkey`", path);
        goto fail;
    }
    if (r == 0) {
        if (!make_seed(path, seed, why, wsize))
            goto fail;
        /* read back what is in place: ours, or the winner's */
        r = read_seed(path, seed, why, wsize);
        if (r == 1 && created)
            *created = true; /* by this process or one racing it: new either way */
    }
    if (r != 1)
        goto fail;
    crypto_sign_seed_keypair(k->pk, k->sk, seed);
    sodium_free(seed); /* wipes */
    sodium_mprotect_readonly(k);
    return k;
fail:
    if (seed)
        sodium_free(seed);
    if (k)
        sodium_free(k);
    return NULL;
}

void rating_key_free(rating_key *k)
{
    if (k)
        sodium_free(k); /* makes it writable again, wipes, unmaps */
}

void rating_key_public(const rating_key *k, unsigned char pk[RATING_PUBKEY_BYTES])
{
    memcpy(pk, k->pk, RATING_PUBKEY_BYTES);
}

/* ---- times ---------------------------------------------------------------- */

void rating_time_format(int64_t epoch, char out[RATING_TIME_SIZE])
{
    time_t t = (time_t)epoch;
    struct tm tm;
    if (!localtime_r(&t, &tm) || strftime(out, RATING_TIME_SIZE, "%Y%m%dT%H%M%S", &tm) == 0)
        snprintf(out, RATING_TIME_SIZE, "00000000T000000");
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

bool rating_time_parse(const char *s, int64_t *epoch)
{
    if (!s || strlen(s) != RATING_TIME_SIZE - 1 || s[8] != 'T')
        return false;
    for (int i = 0; i < RATING_TIME_SIZE - 1; i++)
        if (i != 8 && (s[i] < '0' || s[i] > '9'))
            return false;
    struct tm tm = {0};
    tm.tm_year = digits(s, 4) - 1900;
    tm.tm_mon = digits(s + 4, 2) - 1;
    tm.tm_mday = digits(s + 6, 2);
    tm.tm_hour = digits(s + 9, 2);
    tm.tm_min = digits(s + 11, 2);
    tm.tm_sec = digits(s + 13, 2);
    tm.tm_isdst = -1;
    if (tm.tm_year < 70 || tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 ||
        tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59)
        return false;
    struct tm want = tm;
    time_t t = mktime(&tm);
    /* mktime moves 30 February to 2 March: a date it had to move is no date */
    if (t == (time_t)-1 || tm.tm_mday != want.tm_mday || tm.tm_mon != want.tm_mon ||
        tm.tm_year != want.tm_year)
        return false;
    *epoch = (int64_t)t;
    return true;
}

/* ---- values --------------------------------------------------------------- */

static bool id_char(char c, bool colon)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.' || (colon && c == ':');
}

static bool id_ok(const char *s, size_t max, bool colon)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 1 || n > max)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!id_char(s[i], colon))
            return false;
    return true;
}

static bool txn_ok(const char *s)
{
    return id_ok(s, RATING_TXN_MAX, false);
}

static bool item_ok(const char *s)
{
    return id_ok(s, RATING_ITEM_MAX, false);
}

static bool device_ok(const char *s)
{
    return id_ok(s, RATING_DEVICE_MAX, true);
}

static bool time_ok(const char *s)
{
    int64_t t;
    return rating_time_parse(s, &t);
}

#define TXN_RULE "1 to 50 letters, digits, '-', '_' or '.'"
#define ITEM_RULE "1 to 64 letters, digits, '-', '_' or '.'"
#define DEVICE_RULE "1 to 64 letters, digits, '-', '_', '.' or ':'"
#define TIME_RULE "YYYYMMDDThhmmss, a real date and time, e.g. 20261202T091500"

/* Which value is wrong, in words; NULL when all are fine. */
static const char *link_problem(const rating_link *l)
{
    if (!device_ok(l->device_id))
        return "the device id must be " DEVICE_RULE " (see [platform] device_id)";
    if (!txn_ok(l->txn))
        return "the transaction number must be " TXN_RULE;
    if (!item_ok(l->item))
        return "the service item code must be " ITEM_RULE;
    if (!time_ok(l->time))
        return "the time must be " TIME_RULE;
    return NULL;
}

size_t rating_message(const rating_link *l, char *out, size_t size)
{
    if (link_problem(l))
        return 0;
    int n = snprintf(out, size, RATING_MESSAGE_PREFIX "\ndevice=%s\ntxn=%s\nitem=%s\ntime=%s\n",
                     l->device_id, l->txn, l->item, l->time);
    return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

void rating_sig_text(const unsigned char sig[RATING_SIG_BYTES], char out[RATING_SIG_TEXT_SIZE])
{
    sodium_bin2base64(out, RATING_SIG_TEXT_SIZE, sig, RATING_SIG_BYTES,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* ---- the template ----------------------------------------------------------- */

static const struct {
    const char *text;
    rating_field field;
    const char *what;       /* for messages */
    const char *example;    /* the parameter name the default template gives it */
} placeholders[] = {
    {"{txn}", RATING_FIELD_TXN, "the transaction number", "txn"},
    {"{item}", RATING_FIELD_ITEM, "the service item code", "item"},
    {"{time}", RATING_FIELD_TIME, "the time", "t"},
    {"{device}", RATING_FIELD_DEVICE, "the device id", "dev"},
    {"{sig}", RATING_FIELD_SIG, "the signature", "sig"},
};
#define N_PLACEHOLDERS (sizeof placeholders / sizeof placeholders[0])
#define ENDPOINT "{endpoint}"
#define KNOWN "{endpoint}, {txn}, {item}, {time}, {device}, {sig}"
/* What a template starting with {endpoint} is checked with in kiosk.conf,
 * where [platform] endpoint may still be empty (a kiosk without one). */
#define STAND_IN "https://endpoint.invalid"

static const char *field_what(rating_field f)
{
    for (size_t i = 0; i < N_PLACEHOLDERS; i++)
        if (placeholders[i].field == f)
            return placeholders[i].what;
    return "fixed in the template";
}

/* Percent-decodes s[0..n) into out (size bytes, NUL-terminated). False for
 * a '%' not followed by two hex digits, a decoded NUL, or no room. '+' is
 * itself: no value of ours has a space. */
static bool pct_decode(const char *s, size_t n, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= n)
                return false;
            int hi = hex_digit((unsigned char)s[i + 1]),
                lo = hi >= 0 ? hex_digit((unsigned char)s[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return false;
            c = (char)(hi * 16 + lo);
            if (c == '\0')
                return false;
            i += 2;
        }
        if (o + 1 >= size)
            return false;
        out[o++] = c;
    }
    out[o] = '\0';
    return true;
}

static bool name_char(char c)
{
    return id_char(c, false);
}

/* "https://host..." or "http://" to loopback, with a host. */
static bool base_ok(const char *b, char *why, size_t wsize)
{
    const char *host;
    if (!strncmp(b, "https://", 8))
        host = b + 8;
    else if (!strncmp(b, "http://127.", 11) || !strncmp(b, "http://localhost", 16) ||
             !strncmp(b, "http://[::1]", 12))
        host = b + 7;
    else {
        snprintf(why, wsize, "must start with https:// or {endpoint} (plain http:// only to "
                 "127.0.0.1, localhost or [::1])");
        return false;
    }
    if (!*host || *host == '/' || *host == '?') {
        snprintf(why, wsize, "has no host after the scheme");
        return false;
    }
    return true;
}

static bool template_parse(rating_template *t, const char *url, const char *endpoint,
                           bool check_only, char *why, size_t wsize)
{
    memset(t, 0, sizeof *t);
    if (!url || !*url) {
        snprintf(why, wsize, "must not be empty");
        return false;
    }
    size_t len = strlen(url);
    if (len >= RATING_URL_MAX / 2) {
        snprintf(why, wsize, "is longer than %d characters", RATING_URL_MAX / 2 - 1);
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)url[i];
        if (c <= ' ' || c >= 0x7f || strchr("\"'<>\\`^|", c)) {
            snprintf(why, wsize, "must be plain ASCII without spaces, quotes, '<', '>', '\\', "
                     "'`', '^' or '|' (percent-encode anything else)");
            return false;
        }
        if (c == '#') {
            snprintf(why, wsize, "must not have a fragment ('#')");
            return false;
        }
    }
    const char *rest = url;
    const char *ep = "";
    bool stand_in = false;
    if (!strncmp(url, ENDPOINT, strlen(ENDPOINT))) {
        rest = url + strlen(ENDPOINT);
        stand_in = check_only;
        ep = check_only ? STAND_IN : endpoint ? endpoint : "";
        if (!*ep) {
            snprintf(why, wsize, "starts with {endpoint}, but [platform] endpoint is empty");
            return false;
        }
    }
    if (strstr(rest, ENDPOINT)) {
        snprintf(why, wsize, "has {endpoint} elsewhere than at its start");
        return false;
    }
    const char *q = strchr(rest, '?');
    size_t blen = q ? (size_t)(q - rest) : strlen(rest);
    if (memchr(rest, '{', blen) || memchr(rest, '}', blen)) {
        snprintf(why, wsize, "has a placeholder before the '?'; each goes in a parameter of "
                 "its own, e.g. ?txn={txn}");
        return false;
    }
    int n = snprintf(t->base, sizeof t->base, "%s%.*s", ep, (int)blen, rest);
    if (n < 0 || (size_t)n >= sizeof t->base) {
        snprintf(why, wsize, "is too long with the endpoint put in");
        return false;
    }
    /* a stand-in endpoint is [platform]'s to check, not ours */
    if (!stand_in && !base_ok(t->base, why, wsize))
        return false;
    if (!q || !q[1]) {
        snprintf(why, wsize, "has no query: the placeholders go in parameters, e.g. "
                 "?txn={txn}&item={item}&t={time}&dev={device}");
        return false;
    }
    int seen[N_PLACEHOLDERS] = {0};
    for (const char *p = q + 1;;) {
        const char *amp = strchr(p, '&');
        size_t plen = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', plen);
        if (plen == 0) {
            snprintf(why, wsize, "has an empty parameter (a stray '&'?)");
            return false;
        }
        size_t nlen = eq ? (size_t)(eq - p) : plen;
        bool name_good = eq && nlen >= 1 && nlen <= RATING_PARAM_NAME_MAX;
        for (size_t i = 0; name_good && i < nlen; i++)
            name_good = name_char(p[i]);
        if (!name_good) {
            snprintf(why, wsize, "has parameter %d not of the form NAME=VALUE with a NAME of 1 "
                     "to %d letters, digits, '-', '_' or '.'", t->n_params + 1,
                     RATING_PARAM_NAME_MAX);
            return false;
        }
        if (t->n_params == RATING_PARAMS_MAX - 1) {
            snprintf(why, wsize, "has more than %d parameters", RATING_PARAMS_MAX - 1);
            return false;
        }
        rating_param *pa = &t->param[t->n_params];
        memcpy(pa->name, p, nlen);
        pa->name[nlen] = '\0';
        for (int i = 0; i < t->n_params; i++) {
            if (!strcmp(t->param[i].name, pa->name)) {
                snprintf(why, wsize, "has parameter '%s' twice", pa->name);
                return false;
            }
        }
        const char *v = eq + 1;
        size_t vlen = plen - nlen - 1;
        bool braces = memchr(v, '{', vlen) || memchr(v, '}', vlen);
        pa->field = RATING_FIELD_FIXED;
        if (braces) {
            size_t k = 0;
            while (k < N_PLACEHOLDERS && (strlen(placeholders[k].text) != vlen ||
                                          memcmp(v, placeholders[k].text, vlen)))
                k++;
            if (k == N_PLACEHOLDERS) {
                const char *close = memchr(v, '}', vlen);
                bool whole = v[0] == '{' && close == v + vlen - 1 && !memchr(v + 1, '{', vlen - 1);
                if (whole && vlen == strlen(ENDPOINT) && !memcmp(v, ENDPOINT, vlen))
                    snprintf(why, wsize, "has {endpoint} elsewhere than at its start");
                else if (whole)
                    snprintf(why, wsize, "has an unknown placeholder in parameter '%s' (known: "
                             KNOWN ")", pa->name);
                else
                    snprintf(why, wsize, "has a placeholder inside parameter '%s'; a "
                             "placeholder must be the whole value, as in txn={txn}", pa->name);
                return false;
            }
            if (seen[k]++) {
                snprintf(why, wsize, "has %s twice", placeholders[k].text);
                return false;
            }
            pa->field = placeholders[k].field;
        } else {
            char dec[RATING_PARAM_VALUE_MAX + 1];
            if (vlen > RATING_PARAM_VALUE_MAX || !pct_decode(v, vlen, dec, sizeof dec)) {
                snprintf(why, wsize, "has parameter '%s' whose fixed value is over %d "
                         "characters or has a '%%' without two hex digits after it", pa->name,
                         RATING_PARAM_VALUE_MAX);
                return false;
            }
            memcpy(pa->value, v, vlen);
            pa->value[vlen] = '\0';
        }
        t->n_params++;
        if (!amp)
            break;
        p = amp + 1;
    }
    for (size_t k = 0; k < N_PLACEHOLDERS; k++) {
        if (placeholders[k].field != RATING_FIELD_SIG && !seen[k]) {
            snprintf(why, wsize, "has no %s: the link must carry %s, e.g. &%s=%s",
                     placeholders[k].text, placeholders[k].what, placeholders[k].example,
                     placeholders[k].text);
            return false;
        }
    }
    bool sig_here = false;
    for (int i = 0; i < t->n_params; i++)
        sig_here |= t->param[i].field == RATING_FIELD_SIG;
    if (!sig_here) {
        for (int i = 0; i < t->n_params; i++) {
            if (!strcmp(t->param[i].name, "sig")) {
                snprintf(why, wsize, "has a parameter 'sig', which is kept for the signature: "
                         "write sig={sig}, or rename it");
                return false;
            }
        }
        rating_param *pa = &t->param[t->n_params++];
        snprintf(pa->name, sizeof pa->name, "sig");
        pa->field = RATING_FIELD_SIG;
    }
    return true;
}

bool rating_template_parse(rating_template *t, const char *url, const char *endpoint,
                           char *why, size_t wsize)
{
    return template_parse(t, url, endpoint, false, why, wsize);
}

bool rating_template_check(const char *url, char *why, size_t wsize)
{
    rating_template *t = malloc(sizeof *t);
    if (!t) {
        snprintf(why, wsize, "out of memory");
        return false;
    }
    bool ok = template_parse(t, url, NULL, true, why, wsize);
    free(t);
    return ok;
}

/* ---- building --------------------------------------------------------------- */

typedef struct out_buf {
    char *p;
    size_t size, len;
    bool full;
} out_buf;

static void put(out_buf *o, const char *s, size_t n)
{
    if (o->full || o->len + n >= o->size) {
        o->full = true;
        return;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = '\0';
}

static void put_str(out_buf *o, const char *s)
{
    put(o, s, strlen(s));
}

/* RFC 3986's unreserved characters stay, everything else is %XX. */
static void put_encoded(out_buf *o, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            put(o, (const char *)&c, 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            put(o, e, 3);
        }
    }
}

bool rating_url_build(const rating_key *k, const rating_template *t, const rating_link *l,
                      char *out, size_t size, char *why, size_t wsize)
{
    const char *problem = link_problem(l);
    if (problem) {
        snprintf(why, wsize, "%s", problem);
        return false;
    }
    char msg[256];
    size_t mlen = rating_message(l, msg, sizeof msg);
    unsigned char sig[RATING_SIG_BYTES];
    char sig_text[RATING_SIG_TEXT_SIZE];
    if (!mlen || crypto_sign_detached(sig, NULL, (const unsigned char *)msg, mlen, k->sk) != 0) {
        snprintf(why, wsize, "the link cannot be signed");
        return false;
    }
    rating_sig_text(sig, sig_text);
    out_buf o = {out, size, 0, size == 0};
    if (size)
        out[0] = '\0';
    put_str(&o, t->base);
    for (int i = 0; i < t->n_params; i++) {
        const rating_param *pa = &t->param[i];
        put_str(&o, i ? "&" : "?");
        put_str(&o, pa->name);
        put_str(&o, "=");
        switch (pa->field) {
        case RATING_FIELD_FIXED: put_str(&o, pa->value); break;
        case RATING_FIELD_TXN: put_encoded(&o, l->txn); break;
        case RATING_FIELD_ITEM: put_encoded(&o, l->item); break;
        case RATING_FIELD_TIME: put_encoded(&o, l->time); break;
        case RATING_FIELD_DEVICE: put_encoded(&o, l->device_id); break;
        case RATING_FIELD_SIG: put_str(&o, sig_text); break;
        }
    }
    if (o.full) {
        snprintf(why, wsize, "the link is longer than %zu characters", size ? size - 1 : 0);
        if (size)
            out[0] = '\0';
        return false;
    }
    return true;
}

/* ---- reading a link ------------------------------------------------------------ */

const char *rating_verdict_name(rating_verdict v)
{
    static const char *const names[] = {"ok", "shape", "missing", "duplicate", "malformed",
                                        "device", "signature", "expired", "future"};
    return (int)v >= 0 && (size_t)v < sizeof names / sizeof names[0] ? names[v] : "";
}

/* The part of the base up to the path: scheme and host compare without
 * case, as URLs do. */
static size_t authority_end(const char *base)
{
    const char *s = strstr(base, "://");
    if (!s)
        return 0;
    s += 3;
    return (size_t)(s - base) + strcspn(s, "/?");
}

static rating_verdict fail(char *why, size_t wsize, rating_verdict v, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static rating_verdict fail(char *why, size_t wsize, rating_verdict v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, wsize, fmt, ap);
    va_end(ap);
    return v;
}

/* v was checked to fit (its form's longest). */
static void copy_value(char *dst, size_t size, const char *v)
{
    size_t n = strnlen(v, size - 1);
    memcpy(dst, v, n);
    dst[n] = '\0';
}

rating_verdict rating_url_parse(const rating_template *t, const char *url, rating_parsed *out,
                                char *why, size_t wsize)
{
    memset(out, 0, sizeof *out);
    if (why && wsize)
        why[0] = '\0';
    if (sodium_init() < 0)
        return fail(why, wsize, RATING_URL_SHAPE, "libsodium did not start");
    if (!url)
        return fail(why, wsize, RATING_URL_SHAPE, "no link");
    /* blanks around a pasted link are not part of it */
    while (*url == ' ' || *url == '\t' || *url == '\r' || *url == '\n')
        url++;
    size_t len = strnlen(url, RATING_URL_MAX);
    if (len >= RATING_URL_MAX)
        return fail(why, wsize, RATING_URL_SHAPE, "the link is longer than %d characters",
                    RATING_URL_MAX - 1);
    while (len && (url[len - 1] == ' ' || url[len - 1] == '\t' || url[len - 1] == '\r' ||
                   url[len - 1] == '\n'))
        len--;
    const char *hash = memchr(url, '#', len);
    if (hash)
        len = (size_t)(hash - url);

    size_t blen = strlen(t->base), auth = authority_end(t->base);
    if (len <= blen || strncasecmp(url, t->base, auth) ||
        memcmp(url + auth, t->base + auth, blen - auth) || url[blen] != '?')
        return fail(why, wsize, RATING_URL_SHAPE,
                    "not a rating link of this template: it does not start with %.200s?",
                    t->base);

    /* where each template parameter's value is: the first of count */
    const char *at[RATING_PARAMS_MAX] = {0};
    size_t at_len[RATING_PARAMS_MAX] = {0};
    int count[RATING_PARAMS_MAX] = {0};
    const char *end = url + len;
    for (const char *p = url + blen + 1; p <= end;) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *pe = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(pe - p));
        size_t nlen = (size_t)((eq ? eq : pe) - p);
        char name[RATING_PARAM_NAME_MAX + 1];
        int which = -1;
        if (nlen && pct_decode(p, nlen, name, sizeof name))
            for (int i = 0; i < t->n_params && which < 0; i++)
                if (!strcmp(name, t->param[i].name))
                    which = i;
        if (which >= 0) {
            if (count[which]++ == 0) {
                at[which] = eq ? eq + 1 : pe;
                at_len[which] = eq ? (size_t)(pe - eq - 1) : 0;
            }
        } else if (pe > p) {
            out->ignored++;
        }
        if (!amp)
            break;
        p = amp + 1;
    }
    for (int i = 0; i < t->n_params; i++) {
        const rating_param *pa = &t->param[i];
        if (count[i] == 0)
            return fail(why, wsize, RATING_URL_MISSING,
                        "parameter '%s' (%s) is missing: the link may have been cut short",
                        pa->name, field_what(pa->field));
        if (count[i] > 1)
            return fail(why, wsize, RATING_URL_DUPLICATE, "parameter '%s' (%s) appears %d times",
                        pa->name, field_what(pa->field), count[i]);
    }
    for (int i = 0; i < t->n_params; i++) {
        const rating_param *pa = &t->param[i];
        char got[RATING_PARAM_VALUE_MAX + 1], want[RATING_PARAM_VALUE_MAX + 1];
        if (pa->field != RATING_FIELD_FIXED)
            continue;
        if (!pct_decode(at[i], at_len[i], got, sizeof got) ||
            !pct_decode(pa->value, strlen(pa->value), want, sizeof want) || strcmp(got, want))
            return fail(why, wsize, RATING_URL_SHAPE,
                        "parameter '%s' does not have the template's fixed value", pa->name);
    }
    for (int i = 0; i < t->n_params; i++) {
        const rating_param *pa = &t->param[i];
        char v[RATING_PARAM_VALUE_MAX + 1];
        if (pa->field == RATING_FIELD_FIXED)
            continue;
        bool decoded = pct_decode(at[i], at_len[i], v, sizeof v);
        switch (pa->field) {
        case RATING_FIELD_TXN:
            if (!decoded || !txn_ok(v))
                return fail(why, wsize, RATING_URL_MALFORMED,
                            "parameter '%s' (the transaction number) must be " TXN_RULE, pa->name);
            copy_value(out->txn, sizeof out->txn, v);
            break;
        case RATING_FIELD_ITEM:
            if (!decoded || !item_ok(v))
                return fail(why, wsize, RATING_URL_MALFORMED,
                            "parameter '%s' (the service item code) must be " ITEM_RULE, pa->name);
            copy_value(out->item, sizeof out->item, v);
            break;
        case RATING_FIELD_DEVICE:
            if (!decoded || !device_ok(v))
                return fail(why, wsize, RATING_URL_MALFORMED,
                            "parameter '%s' (the device id) must be " DEVICE_RULE, pa->name);
            copy_value(out->device_id, sizeof out->device_id, v);
            break;
        case RATING_FIELD_TIME:
            if (!decoded || !rating_time_parse(v, &out->when))
                return fail(why, wsize, RATING_URL_MALFORMED,
                            "parameter '%s' (the time) must be " TIME_RULE, pa->name);
            copy_value(out->time, sizeof out->time, v);
            break;
        case RATING_FIELD_SIG: {
            size_t bin_len = 0;
            const char *b64_end = NULL;
            if (!decoded || strlen(v) != RATING_SIG_TEXT_SIZE - 1 ||
                sodium_base642bin(out->sig, sizeof out->sig, v, strlen(v), NULL, &bin_len,
                                  &b64_end, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
                bin_len != RATING_SIG_BYTES || b64_end != v + strlen(v))
                return fail(why, wsize, RATING_URL_MALFORMED,
                            "parameter '%s' (the signature) must be %d characters of base64url "
                            "(%d bytes)", pa->name, RATING_SIG_TEXT_SIZE - 1, RATING_SIG_BYTES);
            break;
        }
        case RATING_FIELD_FIXED:
            break;
        }
    }
    return RATING_URL_OK;
}

/* "3 hours", "2 days": how far apart, in the unit a person reads. */
static void span_text(int64_t s, char *out, size_t size)
{
    if (s < 7200)
        snprintf(out, size, "%lld minutes", (long long)(s / 60));
    else if (s < 2 * 86400)
        snprintf(out, size, "%lld hours", (long long)(s / 3600));
    else
        snprintf(out, size, "%lld days", (long long)(s / 86400));
}

rating_verdict rating_url_verify(const rating_template *t, const char *url,
                                 const rating_check *c, rating_parsed *out, char *why,
                                 size_t wsize)
{
    rating_parsed local;
    if (!out)
        out = &local;
    rating_verdict v = rating_url_parse(t, url, out, why, wsize);
    if (v != RATING_URL_OK)
        return v;
    if (c->device_id && strcmp(c->device_id, out->device_id))
        return fail(why, wsize, RATING_URL_DEVICE, "signed for device '%s', not for this kiosk "
                    "'%.64s'", out->device_id, c->device_id);
    rating_link l = {out->device_id, out->txn, out->item, out->time};
    char msg[256];
    size_t mlen = rating_message(&l, msg, sizeof msg);
    if (!mlen || crypto_sign_verify_detached(out->sig, (const unsigned char *)msg, mlen,
                                             c->pubkey) != 0)
        return fail(why, wsize, RATING_URL_SIGNATURE,
                    "the signature does not match: the transaction number, item code, time or "
                    "device id was changed, or another key signed it");
    if (c->max_age_days > 0) {
        char span[32];
        if (out->when > c->now + RATING_FUTURE_SLACK_S) {
            span_text(out->when - c->now, span, sizeof span);
            return fail(why, wsize, RATING_URL_FUTURE,
                        "the link's time %s is %s ahead of this clock", out->time, span);
        }
        if (c->now - out->when > (int64_t)c->max_age_days * 86400) {
            span_text(c->now - out->when, span, sizeof span);
            return fail(why, wsize, RATING_URL_EXPIRED,
                        "the link is %s old; a link takes ratings for %d days "
                        "([rating] max_age_days)", span, c->max_age_days);
        }
    }
    return RATING_URL_OK;
}
