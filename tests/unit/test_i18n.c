/*
 * i18n: loading the string tables, fallbacks, placeholders, and the shipped
 * assets/strings files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "common/diag.h"
#include "i18n/i18n.h"

#define STRINGS_DIR KIOSK_SOURCE_DIR "/assets/strings"

static const char ZH_EN[][8] = {"zh", "en"};

typedef struct fixture {
    char dir[64];
    char files[8][128];
    int n_files;
    diag_list errors;
} fixture;

static void put(fixture *f, const char *name, const char *text)
{
    assert_true(f->n_files < 8);
    char path[128];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    memcpy(f->files[f->n_files++], path, sizeof path);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/kiosk-i18n-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    i18n_unload();
    diag_clear(&f->errors);
    for (int i = 0; i < f->n_files; i++)
        unlink(f->files[i]);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* The formatted text of diagnostic i. */
static const char *diag_text(const fixture *f, size_t i)
{
    static char buf[1400];
    assert_true(i < f->errors.count);
    diag_format(&f->errors.items[i], buf, sizeof buf);
    return buf;
}

static void dump(const fixture *f)
{
    for (size_t i = 0; i < f->errors.count; i++)
        print_error("  %s\n", diag_text(f, i));
}

static const char ZH_TEXT[] =
    "{\n"
    "  \"home.title\": \"政务服务\",\n"
    "  \"home.count\": \"共{count}项服务\",\n"
    "  \"only.zh\": \"仅中文\",\n"
    "  \"two\": \"{a}与{b}与{a}\"\n"
    "}\n";
static const char EN_TEXT[] =
    "{\n"
    "  \"home.title\": \"Government Services\",\n"
    "  \"home.count\": \"{count} services\",\n"
    "  \"two\": \"{a} and {b} and {a}\"\n"
    "}\n";

static void load_ok(fixture *f)
{
    put(f, "zh.json", ZH_TEXT);
    put(f, "en.json", EN_TEXT);
    bool ok = i18n_load(f->dir, ZH_EN, 2, "zh", &f->errors);
    if (!ok)
        dump(f);
    assert_true(ok);
}

/* ------------------------------------------------------------------------ */

static void test_load_and_translate(void **state)
{
    fixture *f = *state;
    load_ok(f);
    assert_string_equal(i18n_lang(), "zh");
    assert_string_equal(tr("home.title"), "政务服务");
    assert_true(i18n_set_lang("en"));
    assert_string_equal(i18n_lang(), "en");
    assert_string_equal(tr("home.title"), "Government Services");
    assert_string_equal(tr_lang("zh", "home.title"), "政务服务");
    assert_string_equal(tr_lang("en", "home.title"), "Government Services");
    assert_true(i18n_set_lang("zh"));
    assert_string_equal(tr("home.title"), "政务服务");
}

static void test_fallbacks(void **state)
{
    fixture *f = *state;
    load_ok(f);
    /* the gap in en.json is reported as a warning naming key and file */
    assert_int_equal(f->errors.count, 1);
    assert_non_null(strstr(diag_text(f, 0), "en.json"));
    assert_non_null(strstr(diag_text(f, 0), "\"only.zh\""));
    assert_true(i18n_set_lang("en"));
    /* missing in en: the Chinese text, not the key */
    assert_string_equal(tr("only.zh"), "仅中文");
    assert_string_equal(tr_lang("en", "only.zh"), "仅中文");
    /* missing everywhere: the key itself */
    assert_string_equal(tr("no.such.key"), "no.such.key");
    assert_string_equal(tr_lang("zh", "no.such.key"), "no.such.key");
    /* a language that was never loaded falls back to Chinese */
    assert_string_equal(tr_lang("fr", "home.title"), "政务服务");
}

static void test_nothing_loaded(void **state)
{
    (void)state;
    i18n_unload();
    assert_string_equal(tr("home.title"), "home.title");
    assert_false(i18n_set_lang("en"));
    char buf[32];
    assert_string_equal(i18n_format(buf, sizeof buf, "a {x} b", "x", "1", (char *)NULL),
                        "a 1 b");
}

static void test_set_lang_unknown(void **state)
{
    fixture *f = *state;
    load_ok(f);
    assert_true(i18n_set_lang("en"));
    assert_false(i18n_set_lang("fr"));
    assert_false(i18n_set_lang(""));
    assert_false(i18n_set_lang("english"));
    assert_string_equal(i18n_lang(), "en");     /* unchanged */
    assert_string_equal(tr("home.title"), "Government Services");
}

/* Strict UTF-8 check, independent of the kiosk's decoder. */
static bool valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n;
        uint32_t c;
        if (*p < 0x80) {
            p++;
            continue;
        } else if (*p >= 0xC2 && *p <= 0xDF) {
            n = 1;
            c = *p & 0x1F;
        } else if (*p >= 0xE0 && *p <= 0xEF) {
            n = 2;
            c = *p & 0x0F;
        } else if (*p >= 0xF0 && *p <= 0xF4) {
            n = 3;
            c = *p & 0x07;
        } else {
            return false;
        }
        for (int i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            c = (c << 6) | (p[i] & 0x3F);
        }
        if ((n == 2 && c < 0x800) || (n == 3 && (c < 0x10000 || c > 0x10FFFF)) ||
            (c >= 0xD800 && c <= 0xDFFF))
            return false;
        p += n + 1;
    }
    return true;
}

static void test_format_placeholders(void **state)
{
    fixture *f = *state;
    load_ok(f);
    char buf[128];
    assert_string_equal(i18n_format(buf, sizeof buf, "home.count", "count", "12", (char *)NULL),
                        "共12项服务");
    assert_true(i18n_set_lang("en"));
    assert_string_equal(i18n_format(buf, sizeof buf, "home.count", "count", "3", (char *)NULL),
                        "3 services");
    /* several names, one used twice, unused names ignored */
    assert_string_equal(i18n_format(buf, sizeof buf, "two", "b", "B", "zz", "Z", "a", "A",
                                    (char *)NULL),
                        "A and B and A");
    /* unknown placeholders are copied as written */
    assert_string_equal(i18n_format(buf, sizeof buf, "home.count", "other", "9", (char *)NULL),
                        "{count} services");
    assert_string_equal(i18n_format(buf, sizeof buf, "home.count", (char *)NULL),
                        "{count} services");
    /* a missing key formats the key itself; odd braces survive */
    assert_string_equal(i18n_format(buf, sizeof buf, "x {n} {} { {n", "n", "1", (char *)NULL),
                        "x 1 {} { {n");
    assert_string_equal(i18n_format(buf, sizeof buf, "100% {p}%", "p", "5", (char *)NULL),
                        "100% 5%");
    /* a value is not itself expanded */
    assert_string_equal(i18n_format(buf, sizeof buf, "{a}", "a", "{a}", (char *)NULL), "{a}");
    /* a given language whatever the current one (a receipt's) */
    assert_string_equal(i18n_format_lang(buf, sizeof buf, "zh", "home.count", "count", "7",
                                         (char *)NULL),
                        "共7项服务");
    assert_string_equal(i18n_lang(), "en");
}

static void test_format_truncates_on_code_point(void **state)
{
    fixture *f = *state;
    load_ok(f);
    const char *long_value = "办理社会保障卡和居民身份证";   /* 13 x 3 bytes */
    for (size_t size = 1; size <= 48; size++) {
        char buf[64];
        memset(buf, 0x5A, sizeof buf);
        i18n_format(buf, size, "home.count", "count", long_value, (char *)NULL);
        /* NUL-terminated inside size, nothing written after it */
        assert_non_null(memchr(buf, '\0', size));
        for (size_t k = size; k < sizeof buf; k++)
            assert_int_equal((unsigned char)buf[k], 0x5A);
        if (!valid_utf8(buf))
            print_error("size %zu: \"%s\" is not valid UTF-8\n", size, buf);
        assert_true(valid_utf8(buf));
        /* as much as fits: a prefix of the full text, losing < 1 character */
        const char *full = "共办理社会保障卡和居民身份证项服务";
        assert_memory_equal(buf, full, strlen(buf));
        if (strlen(full) >= size)
            assert_true(strlen(buf) + 2 >= size - 1);    /* < one 3-byte char lost */
        else
            assert_string_equal(buf, full);
    }
    /* the template itself cut inside a character */
    char buf[8];
    assert_true(i18n_set_lang("zh"));
    i18n_format(buf, sizeof buf, "home.title", (char *)NULL);
    assert_string_equal(buf, "政务");
    /* size 0 writes nothing */
    buf[0] = 'Q';
    assert_ptr_equal(i18n_format(buf, 0, "home.title", (char *)NULL), buf);
    assert_int_equal(buf[0], 'Q');
    i18n_format(buf, 1, "home.title", (char *)NULL);
    assert_string_equal(buf, "");
    /* ASCII still fills the buffer to the last byte */
    i18n_format(buf, sizeof buf, "abcdefghijk", (char *)NULL);
    assert_string_equal(buf, "abcdefg");
}

static void test_malformed_json_position(void **state)
{
    fixture *f = *state;
    put(f, "zh.json", ZH_TEXT);
    put(f, "en.json", "{\n  \"a\": \"x\",\n  \"b\" \"y\"\n}\n");
    assert_false(i18n_load(f->dir, ZH_EN, 2, "zh", &f->errors));
    assert_int_equal(f->errors.count, 1);
    char want[256];
    /* jansson points at the last character of the token it choked on */
    snprintf(want, sizeof want, "%s/en.json:3:9: ", f->dir);
    if (strncmp(diag_text(f, 0), want, strlen(want)))
        dump(f);
    assert_memory_equal(diag_text(f, 0), want, strlen(want));
    /* nothing was loaded */
    assert_string_equal(tr("home.title"), "home.title");
}

/* The visible-text rule of common/textcheck.h for UI strings: at the
 * offending character, in file order; line breaks are allowed (dialogs use
 * them), a value that is not a string is found by its key. */
static void test_invisible_strings(void **state)
{
    fixture *f = *state;
    put(f, "zh.json", ZH_TEXT);
    put(f, "en.json", "{\n  \"a\": \"two\\nlines\",\n"
                      "  \"b\": \"\\u202eyes\",\n"
                      "  \"c\": \"\xe2\x80\x8b\",\n"
                      "  \"d\": 5,\n"
                      "  \"e\": \"ok\xc2\xad" "ay\"\n}\n");
    assert_false(i18n_load(f->dir, ZH_EN, 2, "zh", &f->errors));
    const char *want[] = {
        "/en.json:3:9: key \"b\": must not contain U+202E (a bidi override, which shows the text after it reversed)",
        "/en.json:4:9: key \"c\": must not contain U+200B (a zero-width space, which is not shown)",
        "/en.json:5:8: key \"d\": value must be a string",
        "/en.json:6:11: key \"e\": must not contain U+00AD (a soft hyphen, which is not shown)",
    };
    if (f->errors.count != 4)
        dump(f);
    assert_int_equal(f->errors.count, 4);
    for (size_t i = 0; i < 4; i++) {
        char line[512];
        snprintf(line, sizeof line, "%s%s", f->dir, want[i]);
        if (strcmp(diag_text(f, i), line))
            dump(f);
        assert_string_equal(diag_text(f, i), line);
    }
}

static void test_bad_file_keeps_previous_tables(void **state)
{
    fixture *f = *state;
    load_ok(f);
    assert_true(i18n_set_lang("en"));
    diag_clear(&f->errors);
    /* a broken edit of zh.json: the running kiosk keeps its strings */
    put(f, "zh.json", "{\"home.title\": \"新\",}");
    assert_false(i18n_load(f->dir, ZH_EN, 2, "zh", &f->errors));
    assert_true(f->errors.count >= 1);
    assert_int_equal(f->errors.items[0].line, 1);
    assert_true(f->errors.items[0].col > 0);
    assert_string_equal(i18n_lang(), "en");
    assert_string_equal(tr("home.title"), "Government Services");
    assert_string_equal(tr_lang("zh", "home.title"), "政务服务");
}

static void test_non_string_value(void **state)
{
    fixture *f = *state;
    put(f, "zh.json", ZH_TEXT);
    put(f, "en.json", "{\"home.title\": \"x\", \"home.count\": 3, \"two\": [\"a\"]}");
    assert_false(i18n_load(f->dir, ZH_EN, 2, "zh", &f->errors));
    assert_int_equal(f->errors.count, 2);
    bool count_seen = false, two_seen = false;
    for (size_t i = 0; i < f->errors.count; i++) {
        const char *t = diag_text(f, i);
        assert_non_null(strstr(t, "en.json"));
        assert_non_null(strstr(t, "must be a string"));
        count_seen |= strstr(t, "\"home.count\"") != NULL;
        two_seen |= strstr(t, "\"two\"") != NULL;
    }
    assert_true(count_seen);
    assert_true(two_seen);
}

static void test_not_an_object_and_duplicates(void **state)
{
    fixture *f = *state;
    put(f, "zh.json", "[\"政务服务\"]");
    put(f, "en.json", EN_TEXT);
    assert_false(i18n_load(f->dir, ZH_EN, 2, "zh", &f->errors));
    assert_int_equal(f->errors.count, 1);
    assert_non_null(strstr(diag_text(f, 0), "zh.json"));
    diag_clear(&f->errors);
    /* a key pasted twice: the translator must learn which one wins */
    put(f, "zh.json", "{\"a\": \"一\",\n \"a\": \"二\"}");
    assert_false(i18n_load(f->dir, ZH_EN, 2, "zh", &f->errors));
    assert_int_equal(f->errors.count, 1);
    assert_int_equal(f->errors.items[0].line, 2);
    assert_non_null(strstr(diag_text(f, 0), "duplicate"));
}

static void test_missing_file(void **state)
{
    fixture *f = *state;
    put(f, "zh.json", ZH_TEXT);
    assert_false(i18n_load(f->dir, ZH_EN, 2, "zh", &f->errors));
    assert_int_equal(f->errors.count, 1);
    char want[128];
    snprintf(want, sizeof want, "%s/en.json", f->dir);
    assert_string_equal(f->errors.items[0].file, want);
    assert_string_equal(tr("home.title"), "home.title");
}

static void test_fallback_must_be_loaded(void **state)
{
    fixture *f = *state;
    put(f, "zh.json", ZH_TEXT);
    put(f, "en.json", EN_TEXT);
    static const char EN_ZH[][8] = {"en", "zh"};
    /* the fallback must be one of the languages loaded */
    assert_false(i18n_load(f->dir, EN_ZH, 2, "fr", &f->errors));
    assert_int_equal(f->errors.count, 1);
    assert_non_null(strstr(diag_text(f, 0), "fr"));
    assert_false(i18n_load(f->dir, EN_ZH, 1, "zh", &f->errors));
    assert_false(i18n_load(f->dir, ZH_EN, 0, "zh", &f->errors));
    assert_false(i18n_load(f->dir, ZH_EN, 2, NULL, &f->errors));
    assert_string_equal(tr("home.title"), "home.title");
    /* zh alone is fine */
    diag_clear(&f->errors);
    assert_true(i18n_load(f->dir, ZH_EN, 1, "zh", &f->errors));
    assert_int_equal(f->errors.count, 0);
    assert_false(i18n_set_lang("en"));
}

/* English first and Chinese as fallback, or English as fallback: no
 * language is special any more. */
static void test_any_language_first(void **state)
{
    fixture *f = *state;
    put(f, "zh.json", ZH_TEXT);
    put(f, "en.json", EN_TEXT);
    static const char EN_ZH[][8] = {"en", "zh"};
    assert_true(i18n_load(f->dir, EN_ZH, 2, "zh", &f->errors));
    assert_string_equal(i18n_lang(), "en");
    assert_string_equal(i18n_fallback_lang(), "zh");
    assert_string_equal(tr("only.zh"), "仅中文");
    diag_clear(&f->errors);
    assert_true(i18n_load(f->dir, ZH_EN, 2, "en", &f->errors));
    assert_string_equal(i18n_fallback_lang(), "en");
    /* only.zh is in zh.json alone: with en as the fallback, English asks
     * find it nowhere and show the key */
    assert_string_equal(tr_lang("en", "only.zh"), "only.zh");
    assert_string_equal(tr_lang("fr", "home.title"), "Government Services");
}

/* Time limits and material forms: words from the shipped strings files. */
static void test_days_and_forms(void **state)
{
    fixture *f = *state;
    assert_true(i18n_load(STRINGS_DIR, ZH_EN, 2, "zh", &f->errors));
    char buf[64];
    assert_true(i18n_set_lang("zh"));
    assert_string_equal(i18n_days(buf, sizeof buf, 5), "5个工作日");
    assert_string_equal(i18n_days(buf, sizeof buf, 1), "1个工作日");
    assert_string_equal(i18n_days(buf, sizeof buf, 0), "即办");
    assert_string_equal(i18n_days(buf, sizeof buf, -1), "无");
    assert_string_equal(i18n_days(buf, sizeof buf, 3650), "3650个工作日");
    /* a short buffer never ends in half a character */
    assert_string_equal(i18n_days(buf, 5, 5), "5个");
    assert_string_equal(i18n_days(buf, 4, 5), "5");
    assert_string_equal(i18n_days(buf, 3, 0), "");
    buf[0] = 'x';
    i18n_days(buf, 0, 5);
    assert_int_equal(buf[0], 'x');
    assert_true(i18n_set_lang("en"));
    assert_string_equal(i18n_days(buf, sizeof buf, 5), "5 working days");
    assert_string_equal(i18n_days(buf, sizeof buf, 1), "1 working day");
    assert_string_equal(i18n_days(buf, sizeof buf, 0), "On the spot");
    assert_string_equal(i18n_days(buf, sizeof buf, -1), "None");

    assert_string_equal(tr_lang("zh", "material.original"), "原件");
    assert_string_equal(tr_lang("zh", "material.copy"), "复印件");
    assert_string_equal(tr_lang("zh", "material.original_and_copy"), "原件及复印件");
    assert_string_equal(tr_lang("zh", "material.electronic"), "电子材料");
    assert_string_equal(tr_lang("en", "material.original"), "Original");
    assert_string_equal(tr_lang("en", "material.copy"), "Copy");
    assert_string_equal(tr_lang("en", "material.original_and_copy"), "Original and copy");
    assert_string_equal(tr_lang("en", "material.electronic"), "Electronic");
}

/* --- the shipped strings --------------------------------------------------- */


static json_t *read_table(const char *lang)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.json", STRINGS_DIR, lang);
    json_error_t err;
    json_t *t = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    if (!t)
        print_error("%s:%d:%d: %s\n", path, err.line, err.column, err.text);
    assert_non_null(t);
    assert_true(json_is_object(t));
    return t;
}

/* The {names} in s, sorted, as one string "a,b,". */
static void placeholders(const char *s, char *out, size_t size)
{
    char names[16][32];
    int n = 0;
    for (const char *p = strchr(s, '{'); p; p = strchr(p + 1, '{')) {
        const char *e = strchr(p, '}');
        if (!e)
            break;
        size_t l = (size_t)(e - p - 1);
        if (l == 0 || l >= sizeof names[0] || n == 16)
            continue;
        memcpy(names[n], p + 1, l);
        names[n][l] = '\0';
        n++;
    }
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char t[32];
            memcpy(t, names[j], sizeof t);
            memcpy(names[j], names[j - 1], sizeof t);
            memcpy(names[j - 1], t, sizeof t);
        }
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (i > 0 && !strcmp(names[i], names[i - 1]))
            continue;
        strncat(out, names[i], size - strlen(out) - 1);
        strncat(out, ",", size - strlen(out) - 1);
    }
}

static void test_shipped_strings(void **state)
{
    fixture *f = *state;
    bool ok = i18n_load(STRINGS_DIR, ZH_EN, 2, "zh", &f->errors);
    if (!ok || f->errors.count)
        dump(f);
    assert_true(ok);
    assert_int_equal(f->errors.count, 0);      /* not even a warning */

    json_t *zh = read_table("zh"), *en = read_table("en");
    int problems = 0;
    const char *key;
    json_t *v;
    json_object_foreach(zh, key, v) {
        if (!json_object_get(en, key)) {
            print_error("en.json lacks \"%s\" (present in zh.json)\n", key);
            problems++;
        }
    }
    json_object_foreach(en, key, v) {
        if (!json_object_get(zh, key)) {
            print_error("zh.json lacks \"%s\" (present in en.json)\n", key);
            problems++;
        }
    }
    assert_int_equal(json_object_size(zh), json_object_size(en));
    /* every text non-empty, valid, and with the same placeholders */
    json_object_foreach(zh, key, v) {
        json_t *e = json_object_get(en, key);
        const char *zs = json_string_value(v), *es = e ? json_string_value(e) : "";
        if (!zs || !*zs || !es || !*es) {
            print_error("\"%s\": empty or not a string\n", key);
            problems++;
            continue;
        }
        if (!valid_utf8(zs) || !valid_utf8(es)) {
            print_error("\"%s\": not valid UTF-8\n", key);
            problems++;
        }
        char pz[256], pe[256];
        placeholders(zs, pz, sizeof pz);
        placeholders(es, pe, sizeof pe);
        if (e && strcmp(pz, pe)) {
            print_error("\"%s\": placeholders zh {%s} en {%s}\n", key, pz, pe);
            problems++;
        }
    }
    json_decref(zh);
    json_decref(en);
    assert_int_equal(problems, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_load_and_translate),
        T(test_fallbacks),
        T(test_nothing_loaded),
        T(test_set_lang_unknown),
        T(test_format_placeholders),
        T(test_format_truncates_on_code_point),
        T(test_malformed_json_position),
        T(test_invisible_strings),
        T(test_bad_file_keeps_previous_tables),
        T(test_non_string_value),
        T(test_not_an_object_and_duplicates),
        T(test_missing_file),
        T(test_fallback_must_be_loaded),
        T(test_any_language_first),
        T(test_shipped_strings),
        T(test_days_and_forms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
