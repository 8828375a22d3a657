/*
 * rating_sign: the signed link a resident may use to rate a service later
 * (补充评价), printed as a QR code on the receipt.
 *
 * The kiosk holds an Ed25519 key pair (libsodium crypto_sign) made on its
 * first start in data_dir/keys/rating.key; the platform holds the public
 * half, registered once per kiosk (`kioskctl device pubkey`). A link names
 * the transaction, the service item, the time and the kiosk, and carries
 * the kiosk's signature over them, so the platform's public rating page
 * takes a rating only for a transaction this kiosk really handled, and
 * only once -- without the kiosk being online when the resident rates.
 *
 * The link's shape comes from [rating] url, a template such as
 *     {endpoint}/rate?txn={txn}&item={item}&t={time}&dev={device}
 * Placeholders:
 *     {endpoint}  [platform] endpoint; only at the very start
 *     {txn}       the transaction number (办件编号)         required
 *     {item}      the service item code (事项编码)          required
 *     {time}      when it was handled, YYYYMMDDThhmmss,
 *                 the kiosk's local time (GB/T 39046 评价时间) required
 *     {device}    the kiosk's device id                   required
 *     {sig}       the signature; when absent, "sig={sig}" is appended
 * Each of {txn} {item} {time} {device} {sig} is the whole value of one
 * query parameter (name={txn}); other parameters are fixed text, copied
 * into every link and required back. Values are percent-encoded.
 *
 * The signature is Ed25519 over a canonical message, not over the URL
 * text, so the platform rebuilds it from the parameters whatever the host,
 * path, parameter order or encoding:
 *     "kiosk-rating-v1\n"
 *     "device=" DEVICE "\n"
 *     "txn=" TXN "\n"
 *     "item=" ITEM "\n"
 *     "time=" YYYYMMDDThhmmss "\n"
 * (ASCII; no value can hold a line break). In the link it is the 64 bytes
 * in base64url without padding: 86 characters.
 *
 * Below settings: callers pass the template, endpoint and device id.
 */
#ifndef KIOSK_RATING_SIGN_H
#define KIOSK_RATING_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RATING_PUBKEY_BYTES 32
#define RATING_SIG_BYTES 64
/* base64url of the signature, no padding, and its NUL */
#define RATING_SIG_TEXT_SIZE 87
/* "YYYYMMDDThhmmss" and its NUL */
#define RATING_TIME_SIZE 16
/* Longest values: 办件编号 is an..50 (GB/T 39046); catalogue item codes
 * and device ids are far shorter than 64. */
#define RATING_TXN_MAX 50
#define RATING_ITEM_MAX 64
#define RATING_DEVICE_MAX 64
/* Longest link: a QR code on a 58 mm receipt is unreadable long before. */
#define RATING_URL_MAX 2048
#define RATING_PARAMS_MAX 16
#define RATING_PARAM_NAME_MAX 32
#define RATING_PARAM_VALUE_MAX 128
/* The first line of the signed message: bump it when the message changes. */
#define RATING_MESSAGE_PREFIX "kiosk-rating-v1"
/* A link's time may be this far ahead of the checker's clock: kiosk
 * clocks are not always synchronised. */
#define RATING_FUTURE_SLACK_S 3600

/* ---- the key pair -------------------------------------------------------- */

/* The device's signing key, in libsodium guarded memory (read-only while
 * held). The secret half never leaves it: no function prints, logs or
 * returns it. */
typedef struct rating_key rating_key;

/* Loads data_dir/keys/rating.key (storage must be open: common/storage.h).
 * When it is missing and create is true, makes a new key pair the way the
 * device key is made: a random 32-byte seed written mode 0600 to a
 * temporary name, fsync'd, linked into place (so two processes starting
 * together agree on one key; a plain rename would let the second replace
 * the first's) and the directory fsync'd. *created (may be NULL) says
 * whether this call made it. NULL with why filled (naming the file, never
 * the key) when the file is missing and create is false, cannot be read or
 * made, or is damaged: a damaged key is never replaced, since links
 * already printed and the platform's registration depend on it. */
rating_key *rating_key_load(bool create, bool *created, char *why, size_t wsize);

/* Wipes and frees; NULL ok. */
void rating_key_free(rating_key *k);

/* The public half, for registration with the platform. */
void rating_key_public(const rating_key *k, unsigned char pk[RATING_PUBKEY_BYTES]);

/* ---- times -------------------------------------------------------------- */

/* epoch seconds -> "YYYYMMDDThhmmss" in the process's local time. */
void rating_time_format(int64_t epoch, char out[RATING_TIME_SIZE]);

/* "YYYYMMDDThhmmss" (a real calendar time, local) -> epoch seconds; false
 * for anything else, "20260230T120000" included. */
bool rating_time_parse(const char *s, int64_t *epoch);

/* ---- the template -------------------------------------------------------- */

typedef enum rating_field {
    RATING_FIELD_FIXED,     /* fixed text from the template */
    RATING_FIELD_TXN,
    RATING_FIELD_ITEM,
    RATING_FIELD_TIME,
    RATING_FIELD_DEVICE,
    RATING_FIELD_SIG,
} rating_field;

typedef struct rating_param {
    char name[RATING_PARAM_NAME_MAX + 1];
    rating_field field;
    char value[RATING_PARAM_VALUE_MAX + 1];  /* FIXED: the text as written */
} rating_param;

/* A template taken apart: the part before '?' ({endpoint} put in) and the
 * query's parameters in order, "sig" last when the template has no {sig}. */
typedef struct rating_template {
    char base[RATING_URL_MAX];
    rating_param param[RATING_PARAMS_MAX];
    int n_params;
} rating_template;

/* Takes url apart, with endpoint for {endpoint} (may be NULL or "" when
 * the template does not use it). False with why filled when it is not a
 * template of the shape above: no http(s) URL (plain http only to
 * loopback), {endpoint} elsewhere than at the start or without an
 * endpoint, a placeholder unknown, repeated, missing, in the path or only
 * part of a value, a parameter named twice or not name=value, "sig"
 * taken by another parameter, a fragment, a space or quote, too long. */
bool rating_template_parse(rating_template *t, const char *url, const char *endpoint,
                           char *why, size_t wsize);

/* The same checks for kiosk.conf, where the endpoint may be empty: a
 * template starting with {endpoint} is checked with a stand-in. */
bool rating_template_check(const char *url, char *why, size_t wsize);

/* ---- links --------------------------------------------------------------- */

/* What a link says. */
typedef struct rating_link {
    const char *device_id;  /* 1..RATING_DEVICE_MAX of A-Z a-z 0-9 . _ : - */
    const char *txn;        /* 1..RATING_TXN_MAX of A-Z a-z 0-9 . _ - */
    const char *item;       /* 1..RATING_ITEM_MAX of A-Z a-z 0-9 . _ - */
    const char *time;       /* YYYYMMDDThhmmss */
} rating_link;

/* The canonical message for l into out (NUL-terminated); its length, or 0
 * when it does not fit or a value is not of its form. */
size_t rating_message(const rating_link *l, char *out, size_t size);

/* The signed link for l into out. False with why filled when a value is
 * not of its form (the message names the field, e.g. "the transaction
 * number must be 1 to 50 letters, digits, '-', '_' or '.'") or the link
 * does not fit in size. */
bool rating_url_build(const rating_key *k, const rating_template *t, const rating_link *l,
                      char *out, size_t size, char *why, size_t wsize);

/* What is wrong with a link, the first problem found, in this order. */
typedef enum rating_verdict {
    RATING_URL_OK,
    RATING_URL_SHAPE,       /* not a link of the template's shape */
    RATING_URL_MISSING,     /* a parameter of the template is missing */
    RATING_URL_DUPLICATE,   /* a parameter of the template appears twice */
    RATING_URL_MALFORMED,   /* a value is not of its form */
    RATING_URL_DEVICE,      /* signed for another device id than the expected */
    RATING_URL_SIGNATURE,   /* the signature does not match */
    RATING_URL_EXPIRED,     /* older than the maximum age */
    RATING_URL_FUTURE,      /* later than now by more than RATING_FUTURE_SLACK_S */
} rating_verdict;

/* "ok", "shape", "missing", "duplicate", "malformed", "device",
 * "signature", "expired", "future". */
const char *rating_verdict_name(rating_verdict v);

/* What a link was found to say (the values decoded). */
typedef struct rating_parsed {
    char device_id[RATING_DEVICE_MAX + 1];
    char txn[RATING_TXN_MAX + 1];
    char item[RATING_ITEM_MAX + 1];
    char time[RATING_TIME_SIZE];
    int64_t when;           /* time as epoch seconds */
    unsigned char sig[RATING_SIG_BYTES];
    int ignored;            /* parameters not in the template: messengers
                               append their own (from=singlemessage) */
} rating_parsed;

/* Takes url apart by template t and checks each value's form, without the
 * signature: SHAPE, MISSING, DUPLICATE, MALFORMED or OK. why names the
 * parameter and what it should be; it quotes no value but the device id. */
rating_verdict rating_url_parse(const rating_template *t, const char *url, rating_parsed *out,
                                char *why, size_t wsize);

/* How rating_url_verify checks a link beyond its shape. */
typedef struct rating_check {
    const unsigned char *pubkey;    /* RATING_PUBKEY_BYTES; required */
    const char *device_id;          /* expected signer; NULL: any */
    int64_t now;                    /* epoch seconds, for the age checks */
    int max_age_days;               /* 0: no age check at all */
} rating_check;

/* rating_url_parse, then the device id, the signature and the age, in that
 * order: the first problem is the verdict, with why in plain words (e.g.
 * "the signature does not match: the transaction number, item code, time
 * or device id was changed, or another key signed it"). out (may be NULL)
 * holds what the link says, as far as it was read. */
rating_verdict rating_url_verify(const rating_template *t, const char *url,
                                 const rating_check *c, rating_parsed *out, char *why,
                                 size_t wsize);

/* base64url (no padding) of a signature, for tests and tools. */
void rating_sig_text(const unsigned char sig[RATING_SIG_BYTES], char out[RATING_SIG_TEXT_SIZE]);

#endif
