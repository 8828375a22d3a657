/*
 * Fuzz target: the rating link's reader and verifier (rating/rating_sign.h)
 * on arbitrary bytes, and its template parser.
 *
 * The first byte picks what the rest is (its value modulo 3; the seeds use
 * the digits):
 *   '0'  a link, checked against the default template
 *        {endpoint}/rate?txn={txn}&item={item}&t={time}&dev={device}
 *        with endpoint https://zwfw.example.gov.cn/kiosk
 *   '1'  a template, as kiosk.conf's [rating] url
 *   '2'  a link, checked against a template with fixed parameters and
 *        {sig} inside: https://pj.example.cn/r?v=1&q={sig}&n={txn}&s={item}
 *        &w={time}&k={device}
 * Links are verified with the public key of the seed 32 x 0x42, as device
 * "kiosk-fuzz", at 2026-12-03 (TZ as the run has it), max age 30 days: the
 * seeds in corpus/rating_url/ that should pass were signed with that seed,
 * so the fuzzer starts from links that reach every check.
 *
 * Every verdict must come with a one-line reason; a link found good must
 * hold values of their forms and verify again the same way.
 */
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rating/rating_sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const templates[2] = {
    "{endpoint}/rate?txn={txn}&item={item}&t={time}&dev={device}",
    "https://pj.example.cn/r?v=1&q={sig}&n={txn}&s={item}&w={time}&k={device}",
};

static void check_why(rating_verdict v, const char *why, size_t size)
{
    size_t n = strnlen(why, size);
    if (n >= size || strchr(why, '\n'))
        abort();
    if ((v == RATING_URL_OK) != (n == 0))
        abort();
}

static bool plain(const char *s, size_t max, const char *extra)
{
    size_t n = strnlen(s, max + 1);
    if (n < 1 || n > max)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              strchr(extra, c)))
            return false;
    }
    return true;
}

static void fuzz_link(int which, const char *url)
{
    static rating_template t[2];
    static unsigned char pk[RATING_PUBKEY_BYTES];
    static bool ready;
    char why[400];
    if (!ready) {
        unsigned char seed[32], sk[64];
        memset(seed, 0x42, sizeof seed);
        if (sodium_init() < 0)
            abort();
        crypto_sign_seed_keypair(pk, sk, seed);
        for (int i = 0; i < 2; i++)
            if (!rating_template_parse(&t[i], templates[i], "https://zwfw.example.gov.cn/kiosk",
                                       why, sizeof why))
                abort();
        ready = true;
    }
    int64_t now;
    if (!rating_time_parse("20261203T120000", &now))
        abort();
    rating_check c = {pk, "kiosk-fuzz", now, 30};
    rating_parsed p;
    rating_verdict v = rating_url_verify(&t[which], url, &c, &p, why, sizeof why);
    if ((int)v < RATING_URL_OK || v > RATING_URL_FUTURE || !*rating_verdict_name(v))
        abort();
    check_why(v, why, sizeof why);
    if (v == RATING_URL_OK) {
        int64_t when;
        if (!plain(p.txn, RATING_TXN_MAX, "-_.") || !plain(p.item, RATING_ITEM_MAX, "-_.") ||
            strcmp(p.device_id, "kiosk-fuzz") || !rating_time_parse(p.time, &when) ||
            when != p.when)
            abort();
        rating_parsed again;
        if (rating_url_verify(&t[which], url, &c, &again, why, sizeof why) != RATING_URL_OK ||
            memcmp(&p, &again, sizeof p))
            abort();
    }
    /* the reader alone never says more than the verifier */
    rating_verdict pv = rating_url_parse(&t[which], url, &p, why, sizeof why);
    check_why(pv, why, sizeof why);
    if (pv != RATING_URL_OK && pv != v)
        abort();
}

static void fuzz_template(const char *text)
{
    static rating_template t;
    char why[400];
    bool checked = rating_template_check(text, why, sizeof why);
    check_why(checked ? RATING_URL_OK : RATING_URL_SHAPE, checked ? "" : why, sizeof why);
    if (!checked && !why[0])
        abort();
    bool parsed = rating_template_parse(&t, text, "https://zwfw.example.gov.cn/kiosk", why,
                                        sizeof why);
    if (!parsed && !why[0])
        abort();
    if (parsed) {
        int count[6] = {0};
        if (t.n_params < 5 || t.n_params > RATING_PARAMS_MAX ||
            strnlen(t.base, sizeof t.base) >= sizeof t.base)
            abort();
        for (int i = 0; i < t.n_params; i++) {
            if ((int)t.param[i].field < 0 || t.param[i].field > RATING_FIELD_SIG)
                abort();
            count[t.param[i].field]++;
        }
        for (int f = RATING_FIELD_TXN; f <= RATING_FIELD_SIG; f++)
            if (count[f] != 1)
                abort();
        /* with a real endpoint it parses only what the check accepts */
        if (!checked)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    char *text = malloc(size);
    if (!text)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    switch (data[0] % 3) {
    case 0: fuzz_link(0, text); break;
    case 1: fuzz_template(text); break;
    default: fuzz_link(1, text); break;
    }
    free(text);
    return 0;
}
