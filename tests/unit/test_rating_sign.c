/*
 * Unit tests for kiosk/rating/rating_sign: the key file (made once, 0600,
 * never replaced when damaged), times, templates, and signed links --
 * the round trip, a changed transaction number, item code or time, a link
 * signed by another key or for another device, and cut or garbled links,
 * each with the exact message a technician reads.
 *
 * Two data directories, one key each: A is this kiosk, B another one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/storage.h"
#include "rating/rating_sign.h"

#define TEMPLATE "{endpoint}/rate?txn={txn}&item={item}&t={time}&dev={device}"
#define ENDPOINT "https://zwfw.example.gov.cn/kiosk"
#define BASE ENDPOINT "/rate"
/* a time of day in 2026, as the kiosk would write it */
#define WHEN 1796103000

static char dir_a[64], dir_b[64];
static rating_key *key_a, *key_b;
static unsigned char pk_a[RATING_PUBKEY_BYTES], pk_b[RATING_PUBKEY_BYTES];
static rating_template tpl;
static char when_text[RATING_TIME_SIZE];

static void use_dir(const char *dir)
{
    storage_close();
    assert_true(storage_open(dir, NULL));
}

static int group_setup(void **state)
{
    snprintf(dir_a, sizeof dir_a, "/tmp/test_rating_sign.A.XXXXXX");
    snprintf(dir_b, sizeof dir_b, "/tmp/test_rating_sign.B.XXXXXX");
    if (!mkdtemp(dir_a) || !mkdtemp(dir_b))
        return -1;
    char why[300];
    if (!storage_open(dir_b, NULL) || !(key_b = rating_key_load(true, NULL, why, sizeof why)))
        return -1;
    rating_key_public(key_b, pk_b);
    storage_close();
    if (!storage_open(dir_a, NULL))
        return -1;
    if (!rating_template_parse(&tpl, TEMPLATE, ENDPOINT, why, sizeof why))
        return -1;
    rating_time_format(WHEN, when_text);
    return 0;
}

static int group_teardown(void **state)
{
    rating_key_free(key_a);
    rating_key_free(key_b);
    storage_close();
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", dir_a, dir_b);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- the key file ---- */

static void test_key_made_once(void **state)
{
    char why[400] = "", path[200];
    bool created = true;
    snprintf(path, sizeof path, "%s/keys/rating.key", dir_a);
    /* without create: says where the key would be and what makes it */
    assert_null(rating_key_load(false, &created, why, sizeof why));
    assert_false(created);
    char want[400];
    snprintf(want, sizeof want, "this kiosk has no rating key yet (%s); the kiosk makes it on "
             "its first start, or `kioskctl device pubkey`", path);
    assert_string_equal(why, want);
    assert_int_equal(access(path, F_OK), -1);

    key_a = rating_key_load(true, &created, why, sizeof why);
    assert_non_null(key_a);
    assert_true(created);
    rating_key_public(key_a, pk_a);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, 32);
    /* nothing left under a temporary name */
    char cmd[300];
    snprintf(cmd, sizeof cmd, "ls -a '%s/keys' | grep -q tmp", dir_a);
    assert_int_not_equal(system(cmd), 0);

    /* loaded again: the same key, not made anew */
    rating_key *again = rating_key_load(true, &created, why, sizeof why);
    assert_non_null(again);
    assert_false(created);
    unsigned char pk[RATING_PUBKEY_BYTES];
    rating_key_public(again, pk);
    assert_memory_equal(pk, pk_a, sizeof pk);
    rating_key_free(again);
    /* two devices, two keys */
    assert_memory_not_equal(pk_a, pk_b, sizeof pk);
}

static void test_key_damaged_kept(void **state)
{
    char dir[64], path[200], why[400];
    snprintf(dir, sizeof dir, "/tmp/test_rating_sign.C.XXXXXX");
    assert_non_null(mkdtemp(dir));
    use_dir(dir);
    snprintf(path, sizeof path, "%s/keys", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/keys/rating.key", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("short", f);
    fclose(f);
    assert_null(rating_key_load(true, NULL, why, sizeof why));
    char want[600];
    snprintf(want, sizeof want, "rating key %s is damaged (not 32 bytes); it is not replaced, "
             "since printed links and the platform's registration depend on it: move it aside "
             "and register the new key (kioskctl device pubkey)", path);
    assert_string_equal(why, want);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 5); /* still the technician's to look at */
    use_dir(dir_a);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* ---- times ---- */

static void test_times(void **state)
{
    int64_t t;
    assert_int_equal(strlen(when_text), 15);
    assert_int_equal(when_text[8], 'T');
    assert_true(rating_time_parse(when_text, &t));
    assert_int_equal(t, WHEN);
    assert_true(rating_time_parse("20261202T091500", &t));
    char back[RATING_TIME_SIZE];
    rating_time_format(t, back);
    assert_string_equal(back, "20261202T091500");
    static const char *const bad[] = {"", "20261202", "20261202 091500", "20261202T0915",
                                      "20261202T09150O", "20260230T120000", "20261301T000000",
                                      "20261200T000000", "20261202T240000", "20261202T126000",
                                      "19691231T235959", "2026-12-02T09:1", "20261202T0915001"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(rating_time_parse(bad[i], &t));
    assert_false(rating_time_parse(NULL, &t));
    assert_true(rating_time_parse("20240229T000000", &t)); /* a leap day */
    assert_false(rating_time_parse("20250229T000000", &t));
}

/* ---- templates ---- */

static void test_template(void **state)
{
    assert_string_equal(tpl.base, BASE);
    assert_int_equal(tpl.n_params, 5);
    static const char *const names[] = {"txn", "item", "t", "dev", "sig"};
    static const rating_field fields[] = {RATING_FIELD_TXN, RATING_FIELD_ITEM, RATING_FIELD_TIME,
                                          RATING_FIELD_DEVICE, RATING_FIELD_SIG};
    for (int i = 0; i < 5; i++) {
        assert_string_equal(tpl.param[i].name, names[i]);
        assert_int_equal(tpl.param[i].field, fields[i]);
    }
    rating_template t;
    char why[300];
    /* {sig} placed by the template, fixed parameters kept as written */
    assert_true(rating_template_parse(&t, "https://pj.example.cn/p/q?v=1&q={sig}&n={txn}&x=a%2Fb"
                                          "&s={item}&w={time}&k={device}", NULL, why, sizeof why));
    assert_string_equal(t.base, "https://pj.example.cn/p/q");
    assert_int_equal(t.n_params, 7);
    assert_int_equal(t.param[1].field, RATING_FIELD_SIG);
    assert_int_equal(t.param[3].field, RATING_FIELD_FIXED);
    assert_string_equal(t.param[3].value, "a%2Fb");
    /* {endpoint} needs an endpoint, except when kiosk.conf is checked */
    assert_false(rating_template_parse(&t, TEMPLATE, "", why, sizeof why));
    assert_string_equal(why, "starts with {endpoint}, but [platform] endpoint is empty");
    assert_true(rating_template_check(TEMPLATE, why, sizeof why));
    assert_true(rating_template_parse(&t, TEMPLATE, "http://127.0.0.1:8443", why, sizeof why));
    assert_string_equal(t.base, "http://127.0.0.1:8443/rate");

    static const struct {
        const char *url, *why;
    } bad[] = {
        {"https://x.cn/r?txn={txn}&item={item}&t={time}&dev={device}#top",
         "must not have a fragment ('#')"},
        {"https://x.cn/r?txn={txn}&item={item}&t={time}&dev={device}&&a=1",
         "has an empty parameter (a stray '&'?)"},
        {"https://x.cn/r?txn={txn}&item={item}&t={time}&dev={device}&flag",
         "has parameter 5 not of the form NAME=VALUE with a NAME of 1 to 32 letters, digits, "
         "'-', '_' or '.'"},
        {"https://x.cn/r?txn={txn}&item={item}&t={time}&dev={device}&n={txn}", "has {txn} twice"},
        {"https://x.cn/r?txn={txn}&item={item}&t={time}&dev={endpoint}",
         "has {endpoint} elsewhere than at its start"},
        {"https://x.cn/r?txn={txn}&item={item}&t={time}", "has no {device}: the link must carry "
         "the device id, e.g. &dev={device}"},
        {"https://x.cn/r?txn={txn}&item={item}&dev={device}", "has no {time}: the link must carry "
         "the time, e.g. &t={time}"},
        {"https://x.cn/r?txn={txn}&t={time}&dev={device}", "has no {item}: the link must carry "
         "the service item code, e.g. &item={item}"},
        {"https://x.cn/r?txn={txn}&item={item}&t={time}&dev={device}&x=50%",
         "has parameter 'x' whose fixed value is over 128 characters or has a '%' without two "
         "hex digits after it"},
        {"https:///r?txn={txn}&item={item}&t={time}&dev={device}", "has no host after the scheme"},
        {"ftp://x.cn/r?txn={txn}&item={item}&t={time}&dev={device}",
         "must start with https:// or {endpoint} (plain http:// only to 127.0.0.1, localhost or "
         "[::1])"},
        {"https://x.cn/r?txn={txn}&item={item}&t={time}&dev={device}&name=张三",
         "must be plain ASCII without spaces, quotes, '<', '>', '\\', '`', '^' or '|' "
         "(percent-encode anything else)"},
        {"", "must not be empty"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why[0] = '\0';
        assert_false(rating_template_check(bad[i].url, why, sizeof why));
        assert_string_equal(why, bad[i].why);
    }
}

/* ---- links ---- */

static void build(const rating_key *k, const char *device, const char *txn, const char *item,
                  const char *time, char *out, size_t size)
{
    char why[300] = "";
    rating_link l = {device, txn, item, time};
    bool ok = rating_url_build(k, &tpl, &l, out, size, why, sizeof why);
    if (!ok)
        print_error("build: %s\n", why);
    assert_true(ok);
}

/* Verifies url as kiosk A at WHEN plus a day, expecting verdict v and
 * (when want is not NULL) exactly want. */
static rating_verdict check(const char *url, rating_verdict v, const char *want)
{
    rating_check c = {pk_a, "kiosk-a", WHEN + 86400, 30};
    rating_parsed p;
    char why[400] = "";
    rating_verdict got = rating_url_verify(&tpl, url, &c, &p, why, sizeof why);
    if (got != v || (want && strcmp(why, want)))
        print_error("%s\n  verdict %s, want %s\n  why:  %s\n  want: %s\n", url,
                    rating_verdict_name(got), rating_verdict_name(v), why, want ? want : "");
    assert_int_equal(got, v);
    if (want)
        assert_string_equal(why, want);
    if (v == RATING_URL_OK)
        assert_string_equal(why, "");
    return got;
}

static void test_round_trip(void **state)
{
    char url[RATING_URL_MAX], want[RATING_URL_MAX];
    build(key_a, "kiosk-a", "20261202-091500-E33F", "330106-001-00-005", when_text, url,
          sizeof url);
    /* the shape: the template with the values, the signature last */
    snprintf(want, sizeof want, BASE "?txn=20261202-091500-E33F&item=330106-001-00-005&t=%s"
             "&dev=kiosk-a&sig=", when_text);
    assert_memory_equal(url, want, strlen(want));
    assert_int_equal(strlen(url), strlen(want) + 86);

    rating_check c = {pk_a, "kiosk-a", WHEN + 60, 30};
    rating_parsed p;
    char why[300];
    assert_int_equal(rating_url_verify(&tpl, url, &c, &p, why, sizeof why), RATING_URL_OK);
    assert_string_equal(p.device_id, "kiosk-a");
    assert_string_equal(p.txn, "20261202-091500-E33F");
    assert_string_equal(p.item, "330106-001-00-005");
    assert_string_equal(p.time, when_text);
    assert_int_equal(p.when, WHEN);
    assert_int_equal(p.ignored, 0);

    /* the signature is over the documented message, so a platform can
     * rebuild it from the parameters */
    char msg[300];
    snprintf(msg, sizeof msg, "kiosk-rating-v1\ndevice=kiosk-a\ntxn=20261202-091500-E33F\n"
             "item=330106-001-00-005\ntime=%s\n", when_text);
    rating_link l = {"kiosk-a", "20261202-091500-E33F", "330106-001-00-005", when_text};
    char built[300];
    assert_int_equal(rating_message(&l, built, sizeof built), strlen(msg));
    assert_string_equal(built, msg);
    assert_int_equal(crypto_sign_verify_detached(p.sig, (const unsigned char *)msg, strlen(msg),
                                                 pk_a), 0);

    /* not the URL text: another order, percent-encoding, a messenger's
     * own parameter, a fragment and blanks around a pasted link all
     * verify the same */
    char other[RATING_URL_MAX];
    const char *sig = strstr(url, "&sig=") + 5;
    snprintf(other, sizeof other, "  " BASE "?sig=%s&from=singlemessage&dev=kiosk%%2Da"
             "&t=%s&item=330106-001-00-005&txn=20261202-091500-E33F#x\n", sig, when_text);
    assert_int_equal(rating_url_verify(&tpl, other, &c, &p, why, sizeof why), RATING_URL_OK);
    assert_int_equal(p.ignored, 1);
    /* scheme and host compare without case, as URLs do */
    snprintf(other, sizeof other, "HTTPS://ZWFW.EXAMPLE.GOV.CN%s", url + strlen("https://zwfw.example.gov.cn"));
    check(other, RATING_URL_OK, NULL);
    /* no device expected, no age: the platform's own checks */
    rating_check any = {pk_a, NULL, 0, 0};
    assert_int_equal(rating_url_verify(&tpl, url, &any, NULL, why, sizeof why), RATING_URL_OK);

    /* a colon in a device id is percent-encoded and signed decoded */
    build(key_a, "kiosk:a", "T1", "I1", when_text, url, sizeof url);
    assert_non_null(strstr(url, "&dev=kiosk%3Aa&"));
    rating_check colon = {pk_a, "kiosk:a", WHEN, 30};
    assert_int_equal(rating_url_verify(&tpl, url, &colon, &p, why, sizeof why), RATING_URL_OK);
    assert_string_equal(p.device_id, "kiosk:a");
}

#define FORGED "the signature does not match: the transaction number, item code, time or " \
               "device id was changed, or another key signed it"

/* url with the value of parameter name replaced by value. */
static void replace_param(const char *url, const char *name, const char *value, char *out,
                          size_t size)
{
    char key[40];
    snprintf(key, sizeof key, "%s=", name);
    const char *at = strstr(url, key);
    assert_non_null(at);
    const char *v = at + strlen(key);
    const char *end = v + strcspn(v, "&");
    snprintf(out, size, "%.*s%s%s", (int)(v - url), url, value, end);
}

static void test_changed(void **state)
{
    char url[RATING_URL_MAX], bad[RATING_URL_MAX], later[RATING_TIME_SIZE];
    build(key_a, "kiosk-a", "20261202-091500-E33F", "330106-001-00-005", when_text, url,
          sizeof url);
    check(url, RATING_URL_OK, NULL);
    replace_param(url, "txn", "20261202-091500-E33E", bad, sizeof bad);
    check(bad, RATING_URL_SIGNATURE, FORGED);
    replace_param(url, "item", "330106-001-00-006", bad, sizeof bad);
    check(bad, RATING_URL_SIGNATURE, FORGED);
    rating_time_format(WHEN + 3600, later);
    replace_param(url, "t", later, bad, sizeof bad);
    check(bad, RATING_URL_SIGNATURE, FORGED);
    /* the same device id, another key: a copied or made-up kiosk */
    build(key_b, "kiosk-a", "20261202-091500-E33F", "330106-001-00-005", when_text, bad,
          sizeof bad);
    check(bad, RATING_URL_SIGNATURE, FORGED);
    /* B's own link: good for B's key, but not this kiosk's */
    build(key_b, "kiosk-b", "20261202-091500-E33F", "330106-001-00-005", when_text, bad,
          sizeof bad);
    check(bad, RATING_URL_DEVICE, "signed for device 'kiosk-b', not for this kiosk 'kiosk-a'");
    rating_check c = {pk_b, "kiosk-b", WHEN, 30};
    char why[300];
    assert_int_equal(rating_url_verify(&tpl, bad, &c, NULL, why, sizeof why), RATING_URL_OK);
    /* A's link claiming to be B's */
    replace_param(url, "dev", "kiosk-b", bad, sizeof bad);
    assert_int_equal(rating_url_verify(&tpl, bad, &c, NULL, why, sizeof why),
                     RATING_URL_SIGNATURE);
    /* a signature with one bit flipped */
    snprintf(bad, sizeof bad, "%s", url);
    char *s = strstr(bad, "&sig=") + 5;
    s[10] = s[10] == 'A' ? 'B' : 'A';
    check(bad, RATING_URL_SIGNATURE, FORGED);
}

static void test_cut_and_garbled(void **state)
{
    /* room for what the tests append to a link */
    char url[RATING_URL_MAX / 2], bad[RATING_URL_MAX];
    build(key_a, "kiosk-a", "20261202-091500-E33F", "330106-001-00-005", when_text, url,
          sizeof url);
    const char *not_ours = "not a rating link of this template: it does not start with "
                           BASE "?";
    check("", RATING_URL_SHAPE, not_ours);
    check("hello", RATING_URL_SHAPE, not_ours);
    check("https://zwfw.example.gov.cn/kiosk/rat", RATING_URL_SHAPE, not_ours);
    check(BASE, RATING_URL_SHAPE, not_ours);
    check(BASE "?", RATING_URL_MISSING,
          "parameter 'txn' (the transaction number) is missing: the link may have been cut short");
    check("https://other.example.cn/rate?txn=1", RATING_URL_SHAPE, not_ours);
    check("https://zwfw.example.gov.cn/KIOSK/rate?txn=1", RATING_URL_SHAPE, not_ours);
    rating_verdict v = rating_url_verify(&tpl, NULL, &(rating_check){pk_a, NULL, 0, 0}, NULL,
                                         bad, sizeof bad);
    assert_int_equal(v, RATING_URL_SHAPE);

    /* cut short, at every length: never OK, never a crash */
    for (size_t n = 0; n < strlen(url); n++) {
        snprintf(bad, sizeof bad, "%.*s", (int)n, url);
        rating_check c = {pk_a, "kiosk-a", WHEN, 30};
        char why[300];
        assert_int_not_equal(rating_url_verify(&tpl, bad, &c, NULL, why, sizeof why),
                             RATING_URL_OK);
        assert_true(why[0]);
    }
    snprintf(bad, sizeof bad, "%.*s", (int)(strstr(url, "&sig=") - url), url);
    check(bad, RATING_URL_MISSING,
          "parameter 'sig' (the signature) is missing: the link may have been cut short");
    snprintf(bad, sizeof bad, "%.*s", (int)(strstr(url, "&dev=") - url), url);
    check(bad, RATING_URL_MISSING,
          "parameter 'dev' (the device id) is missing: the link may have been cut short");
    snprintf(bad, sizeof bad, "%.*s", (int)strlen(url) - 1, url);
    const char *bad_sig = "parameter 'sig' (the signature) must be 86 characters of base64url "
                          "(64 bytes)";
    check(bad, RATING_URL_MALFORMED, bad_sig);

    /* twice */
    snprintf(bad, sizeof bad, "%s&txn=20261202-091500-E33F", url);
    check(bad, RATING_URL_DUPLICATE, "parameter 'txn' (the transaction number) appears 2 times");

    /* values not of their form */
    const char *bad_time = "parameter 't' (the time) must be YYYYMMDDThhmmss, a real date and "
                           "time, e.g. 20261202T091500";
    replace_param(url, "t", "2026-12-02T09:15:00", bad, sizeof bad);
    check(bad, RATING_URL_MALFORMED, bad_time);
    replace_param(url, "t", "20260230T120000", bad, sizeof bad);
    check(bad, RATING_URL_MALFORMED, bad_time);
    replace_param(url, "t", "", bad, sizeof bad);
    check(bad, RATING_URL_MALFORMED, bad_time);
    const char *bad_txn = "parameter 'txn' (the transaction number) must be 1 to 50 letters, "
                          "digits, '-', '_' or '.'";
    replace_param(url, "txn", "2026%2F1", bad, sizeof bad);
    check(bad, RATING_URL_MALFORMED, bad_txn);
    replace_param(url, "txn", "2026%ZZ", bad, sizeof bad);
    check(bad, RATING_URL_MALFORMED, bad_txn);
    replace_param(url, "txn", "a%00b", bad, sizeof bad);
    check(bad, RATING_URL_MALFORMED, bad_txn);
    replace_param(url, "txn", "123456789012345678901234567890123456789012345678901", bad,
                  sizeof bad);
    check(bad, RATING_URL_MALFORMED, bad_txn);
    replace_param(url, "item", "%E5%8A%9E", bad, sizeof bad);
    check(bad, RATING_URL_MALFORMED, "parameter 'item' (the service item code) must be 1 to 64 "
          "letters, digits, '-', '_' or '.'");
    replace_param(url, "dev", "kiosk a", bad, sizeof bad);
    check(bad, RATING_URL_MALFORMED, "parameter 'dev' (the device id) must be 1 to 64 letters, "
          "digits, '-', '_', '.' or ':'");
    /* base64 (not base64url), padding, too long */
    snprintf(bad, sizeof bad, "%s", url);
    char *s = strstr(bad, "&sig=") + 5;
    s[3] = '+';
    check(bad, RATING_URL_MALFORMED, bad_sig);
    snprintf(bad, sizeof bad, "%s==", url);
    check(bad, RATING_URL_MALFORMED, bad_sig);
    snprintf(bad, sizeof bad, "%sAA", url);
    check(bad, RATING_URL_MALFORMED, bad_sig);

    /* a fixed parameter of the template must come back as it was */
    rating_template t;
    char why[300], furl[RATING_URL_MAX];
    assert_true(rating_template_parse(&t, "https://x.cn/r?src=kiosk%2Dhall&n={txn}&i={item}"
                                          "&w={time}&d={device}", NULL, why, sizeof why));
    rating_link l = {"kiosk-a", "T1", "I1", when_text};
    assert_true(rating_url_build(key_a, &t, &l, furl, sizeof furl, why, sizeof why));
    assert_memory_equal(furl, "https://x.cn/r?src=kiosk%2Dhall&n=T1&i=I1&w=", 44);
    rating_check c = {pk_a, "kiosk-a", WHEN, 30};
    assert_int_equal(rating_url_verify(&t, furl, &c, NULL, why, sizeof why), RATING_URL_OK);
    replace_param(furl, "src", "kiosk-hall", bad, sizeof bad); /* the same, decoded */
    assert_int_equal(rating_url_verify(&t, bad, &c, NULL, why, sizeof why), RATING_URL_OK);
    replace_param(furl, "src", "web", bad, sizeof bad);
    assert_int_equal(rating_url_verify(&t, bad, &c, NULL, why, sizeof why), RATING_URL_SHAPE);
    assert_string_equal(why, "parameter 'src' does not have the template's fixed value");

    /* too long to be a link of ours */
    static char huge[RATING_URL_MAX + 10];
    memset(huge, 'a', sizeof huge - 1);
    check(huge, RATING_URL_SHAPE, "the link is longer than 2047 characters");
}

static void test_age(void **state)
{
    char url[RATING_URL_MAX], why[300];
    build(key_a, "kiosk-a", "T1", "I1", when_text, url, sizeof url);
    rating_check c = {pk_a, "kiosk-a", WHEN + 30 * 86400, 30};
    assert_int_equal(rating_url_verify(&tpl, url, &c, NULL, why, sizeof why), RATING_URL_OK);
    c.now = WHEN + 30 * 86400 + 1;
    assert_int_equal(rating_url_verify(&tpl, url, &c, NULL, why, sizeof why), RATING_URL_EXPIRED);
    assert_string_equal(why, "the link is 30 days old; a link takes ratings for 30 days "
                        "([rating] max_age_days)");
    c.now = WHEN + 45 * 86400;
    rating_url_verify(&tpl, url, &c, NULL, why, sizeof why);
    assert_string_equal(why, "the link is 45 days old; a link takes ratings for 30 days "
                        "([rating] max_age_days)");
    /* a kiosk clock a little ahead is forgiven, more is not */
    c.now = WHEN - 3600;
    assert_int_equal(rating_url_verify(&tpl, url, &c, NULL, why, sizeof why), RATING_URL_OK);
    c.now = WHEN - 3 * 3600;
    assert_int_equal(rating_url_verify(&tpl, url, &c, NULL, why, sizeof why), RATING_URL_FUTURE);
    char want[200];
    snprintf(want, sizeof want, "the link's time %s is 3 hours ahead of this clock", when_text);
    assert_string_equal(why, want);
    /* no age check at all */
    c.max_age_days = 0;
    assert_int_equal(rating_url_verify(&tpl, url, &c, NULL, why, sizeof why), RATING_URL_OK);
    /* the signature first: a forged link is forged, whatever its age */
    char bad[RATING_URL_MAX];
    replace_param(url, "txn", "T2", bad, sizeof bad);
    c.max_age_days = 30;
    c.now = WHEN + 90 * 86400;
    assert_int_equal(rating_url_verify(&tpl, bad, &c, NULL, why, sizeof why),
                     RATING_URL_SIGNATURE);
}

static void test_build_refused(void **state)
{
    char url[RATING_URL_MAX], why[300];
    static const struct {
        rating_link l;
        const char *why;
    } bad[] = {
        {{"kiosk a", "T1", "I1", "20261202T091500"},
         "the device id must be 1 to 64 letters, digits, '-', '_', '.' or ':' (see [platform] "
         "device_id)"},
        {{"", "T1", "I1", "20261202T091500"},
         "the device id must be 1 to 64 letters, digits, '-', '_', '.' or ':' (see [platform] "
         "device_id)"},
        {{"kiosk-a", "T/1", "I1", "20261202T091500"},
         "the transaction number must be 1 to 50 letters, digits, '-', '_' or '.'"},
        {{"kiosk-a", NULL, "I1", "20261202T091500"},
         "the transaction number must be 1 to 50 letters, digits, '-', '_' or '.'"},
        {{"kiosk-a", "T1", "事项", "20261202T091500"},
         "the service item code must be 1 to 64 letters, digits, '-', '_' or '.'"},
        {{"kiosk-a", "T1", "I1", "2026-12-02"},
         "the time must be YYYYMMDDThhmmss, a real date and time, e.g. 20261202T091500"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(rating_url_build(key_a, &tpl, &bad[i].l, url, sizeof url, why, sizeof why));
        assert_string_equal(why, bad[i].why);
        char msg[300];
        assert_int_equal(rating_message(&bad[i].l, msg, sizeof msg), 0);
    }
    rating_link l = {"kiosk-a", "T1", "I1", "20261202T091500"};
    assert_false(rating_url_build(key_a, &tpl, &l, url, 100, why, sizeof why));
    assert_string_equal(why, "the link is longer than 99 characters");
    assert_string_equal(url, "");
    assert_true(rating_url_build(key_a, &tpl, &l, url, sizeof url, why, sizeof why));
    char sig_text[RATING_SIG_TEXT_SIZE];
    rating_parsed p;
    assert_int_equal(rating_url_parse(&tpl, url, &p, why, sizeof why), RATING_URL_OK);
    rating_sig_text(p.sig, sig_text);
    assert_string_equal(strstr(url, "&sig=") + 5, sig_text);
    assert_string_equal(rating_verdict_name(RATING_URL_FUTURE), "future");
    assert_string_equal(rating_verdict_name(RATING_URL_OK), "ok");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_made_once),
        cmocka_unit_test(test_key_damaged_kept),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_template),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_changed),
        cmocka_unit_test(test_cut_and_garbled),
        cmocka_unit_test(test_age),
        cmocka_unit_test(test_build_refused),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
