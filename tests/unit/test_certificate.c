/*
 * certificate: a Chinese and an English certificate of enrolment rendered
 * as PDF (cairo + pango, loaded on first use), written under
 * SHOTS_DIR/certificates/ for people to look at, and read back the way an
 * office would check the paper:
 *   - pdftotext: the title, every label and value of the table, the
 *     holder's name and ID number, the verification code, issuer, dates,
 *     print time and kiosk id are there as text;
 *   - pdfinfo / pdffonts: one A4 page, the Noto Sans CJK font embedded;
 *   - pdftoppm -r 150: the page as an image, whose QR code zbarimg scans
 *     as exactly verify_url, with its quiet zone white and no ink near the
 *     paper's edges. A page whose QR code is left out must not scan, or
 *     the scan would prove nothing.
 * A certificate of a kind not listed for full identity prints 张* and
 * 3301**********0014. Bad input gives a message (never personal data),
 * never a crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "../support/certificate_samples.h"
#include "common/diag.h"
#include "i18n/i18n.h"
#include "print/certificate.h"

#define STRINGS_DIR KIOSK_SOURCE_DIR "/assets/strings"
#define CERT_DIR SHOTS_DIR "/certificates"
#define DPI 150

static bool have_poppler, have_zbar;

static int group_setup(void **state)
{
    (void)state;
    setenv("TZ", "CST-8", 1);
    tzset();
    static const char langs[][8] = {"zh", "en"};
    diag_list errors = DIAG_LIST_INIT;
    if (!i18n_load(STRINGS_DIR, langs, 2, "zh", &errors)) {
        diag_print(&errors, stderr);
        return -1;
    }
    diag_clear(&errors);
    have_poppler = system("command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm "
                          ">/dev/null 2>&1 && command -v pdffonts >/dev/null 2>&1") == 0;
    have_zbar = system("command -v zbarimg >/dev/null 2>&1") == 0;
    mkdir(SHOTS_DIR, 0755);
    mkdir(CERT_DIR, 0755);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    i18n_unload();
    return 0;
}

#define NEED_TOOLS()                                                                    \
    do {                                                                                \
        if (!have_poppler || !have_zbar) {                                              \
            print_message("poppler-utils or zbar-tools missing (scripts/packages.txt): " \
                          "skipped\n");                                                 \
            skip();                                                                     \
        }                                                                               \
    } while (0)

/* The whole standard output of cmd, NUL-terminated, malloc'd. */
static char *run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    size_t n;
    while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (len + 1 == cap) {
            cap *= 2;
            out = realloc(out, cap);
            assert_non_null(out);
        }
    }
    out[len] = '\0';
    pclose(p);
    return out;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* A grey page image from pdftoppm -gray (binary PGM). */
typedef struct page_image {
    int w, h;
    unsigned char *px;
} page_image;

static page_image read_pgm(const char *path)
{
    page_image im = {0};
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    int max = 0;
    assert_int_equal(fscanf(f, "P5 %d %d %d", &im.w, &im.h, &max), 3);
    assert_int_equal(max, 255);
    fgetc(f);
    im.px = malloc((size_t)im.w * (size_t)im.h);
    assert_non_null(im.px);
    assert_int_equal(fread(im.px, 1, (size_t)im.w * (size_t)im.h, f), (size_t)im.w * im.h);
    fclose(f);
    return im;
}

static int px(double pt)
{
    return (int)(pt * DPI / 72.0 + 0.5);
}

static void expect_text(const char *text, const char *want, const char *name)
{
    if (!strstr(text, want))
        fail_msg("%s: pdftotext has no \"%s\" in:\n%s", name, want, text);
}

/* Renders d as NAME.pdf, checks it as described at the top, and returns
 * the PDF's text (malloc'd) for more checks. */
static char *render_and_check(const certificate_doc *d, const char *name, bool scan_qr)
{
    certificate_options o = {.omit_qr = !scan_qr};
    certificate_layout l;
    char why[300];
    size_t len = 0;
    unsigned char *pdf = certificate_render(d, &o, &len, &l, why, sizeof why);
    if (!pdf)
        fail_msg("%s: %s", name, why);
    assert_true(len > 1000);
    assert_memory_equal(pdf, "%PDF-", 5);
    char path[600], cmd[2600];
    snprintf(path, sizeof path, CERT_DIR "/%s.pdf", name);
    write_file(path, pdf, len);
    certificate_free(pdf, len);
    print_message("%s: %zu bytes, %d rows, QR %d modules of %.2f mm, %.0f mm free\n", path, len,
                  l.fields_drawn, l.qr_modules, l.qr_module * 25.4 / 72, l.room_left * 25.4 / 72);

    /* one A4 page, the kiosk's font embedded (subset) */
    snprintf(cmd, sizeof cmd, "pdfinfo '%s' 2>&1", path);
    char *info = run(cmd);
    const char *pages = strstr(info, "\nPages:");
    if (!pages || strtol(pages + 7, NULL, 10) != 1 || !strstr(info, "595.276 x 841.89 pts (A4)"))
        fail_msg("%s: not one A4 page:\n%s", name, info);
    free(info);
    snprintf(cmd, sizeof cmd, "pdffonts '%s' 2>&1", path);
    char *fonts = run(cmd);
    if (!strstr(fonts, "NotoSansCJK"))
        fail_msg("%s: Noto Sans CJK not embedded:\n%s", name, fonts);
    free(fonts);

    /* the page as an image: nothing near the paper's edges (8 mm), the
     * QR code's quiet zone white */
    char prefix[512];
    snprintf(prefix, sizeof prefix, CERT_DIR "/%s", name);
    snprintf(cmd, sizeof cmd,
             "pdftoppm -r %d -png -singlefile '%s' '%s' && pdftoppm -r %d -gray -singlefile "
             "'%s' '%s'",
             DPI, path, prefix, DPI, path, prefix);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof path, "%s.pgm", prefix);
    page_image im = read_pgm(path);
    assert_true(abs(im.w - px(595.276)) <= 1 && abs(im.h - px(841.89)) <= 1);
    int edge = (int)(8.0 / 25.4 * DPI);
    for (int y = 0; y < im.h; y++)
        for (int x = 0; x < im.w; x++)
            if ((x < edge || x >= im.w - edge || y < edge || y >= im.h - edge) &&
                im.px[y * im.w + x] < 250)
                fail_msg("%s: ink at %d,%d, within 8 mm of the edge", name, x, y);
    int x0 = px(l.qr_x), y0 = px(l.qr_y), side = px(l.qr_side);
    int quiet = (int)(4 * l.qr_module * DPI / 72.0);
    int dark_inside = 0;
    for (int y = y0 + 1; y < y0 + side - 1; y++)
        for (int x = x0 + 1; x < x0 + side - 1; x++) {
            bool ring = x < x0 + quiet - 1 || x > x0 + side - quiet || y < y0 + quiet - 1 ||
                        y > y0 + side - quiet;
            unsigned char v = im.px[y * im.w + x];
            if (ring && v < 240)
                fail_msg("%s: ink (%d) at %d,%d in the QR code's quiet zone", name, v, x, y);
            if (!ring && v < 128)
                dark_inside++;
        }
    free(im.px);
    remove(path);
    if (scan_qr) {
        assert_true(dark_inside > 100);
        snprintf(cmd, sizeof cmd, "zbarimg --raw -q '%s.png' 2>/dev/null", prefix);
        char *got = run(cmd);
        char want[700];
        snprintf(want, sizeof want, "%s\n", d->verify_url);
        if (strcmp(got, want) != 0)
            fail_msg("%s: zbarimg read \"%s\", expected \"%s\"", name, got, d->verify_url);
        free(got);
    } else {
        assert_int_equal(dark_inside, 0);
        assert_int_equal(l.qr_modules, 0);
    }

    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '" CERT_DIR "/%s.pdf' - 2>&1", name);
    return run(cmd);
}

static void test_zh(void **state)
{
    (void)state;
    NEED_TOOLS();
    const certificate_doc *d = &zh_certificate;
    char *t = render_and_check(d, "certificate_zh", true);
    expect_text(t, "社会保险参保证明", "zh");
    expect_text(t, "证明编号：SB330106-2026-004711", "zh");
    /* the enrolment certificate prints the identity in full: see
     * certificate_identity_for_kind */
    expect_text(t, "姓名", "zh");
    expect_text(t, "张三", "zh");
    expect_text(t, "公民身份号码", "zh");
    expect_text(t, "330106199003070014", "zh");
    for (size_t i = 0; i < d->n_fields; i++) {
        expect_text(t, d->fields[i].label.zh, "zh");
        expect_text(t, d->fields[i].value, "zh");
    }
    expect_text(t, "特此证明。", "zh");
    expect_text(t, "出具机构：杭州市西湖区社会保险管理服务中心（演示）", "zh");
    expect_text(t, "出具日期：2026年12月02日", "zh");
    expect_text(t, "验证码", "zh");
    expect_text(t, "54dafd9c5ba35b43", "zh");
    expect_text(t, "https://verify.example.com/zwfw/SB330106-2026-004711", "zh");
    expect_text(t, "打印时间：2026-12-02 09:20:11", "zh");
    expect_text(t, "终端编号：ZJ-HZ-XH-0007", "zh");
    expect_text(t, "第1页 共1页", "zh");
    free(t);
}

static void test_en(void **state)
{
    (void)state;
    NEED_TOOLS();
    const certificate_doc *d = &en_certificate;
    char *t = render_and_check(d, "certificate_en", true);
    expect_text(t, "Social Insurance Enrolment Certificate", "en");
    expect_text(t, "Certificate No. SB330106-2026-004712", "en");
    expect_text(t, "Name", "en");
    expect_text(t, "安娜 (SAMPLE, ANNA)", "en");
    expect_text(t, "Citizen ID number", "en");
    expect_text(t, "933124198804150025", "en");
    for (size_t i = 0; i < d->n_fields; i++) {
        expect_text(t, d->fields[i].label.en, "en");
        expect_text(t, d->fields[i].value, "en");   /* the platform's Chinese */
    }
    expect_text(t, "Issued by: Xihu District Social Insurance Service Centre", "en");
    expect_text(t, "Date of issue: 2026-12-02", "en");
    expect_text(t, "Verification code", "en");
    expect_text(t, "0b9e31d2a7c44f18", "en");
    expect_text(t, "Printed: 2026-12-02 09:20:11", "en");
    expect_text(t, "Kiosk: ZJ-HZ-XH-0007", "en");
    expect_text(t, "Page 1 of 1", "en");
    free(t);
}

/* The scan is a real check: without the code the same page reads nothing. */
static void test_without_qr_does_not_scan(void **state)
{
    (void)state;
    NEED_TOOLS();
    char *t = render_and_check(&zh_certificate, "certificate_zh_no_qr", false);
    char *got = run("zbarimg --raw -q '" CERT_DIR "/certificate_zh_no_qr.png' 2>/dev/null");
    assert_string_equal(got, "");
    free(got);
    expect_text(t, "54dafd9c5ba35b43", "no qr");     /* the rest of the page is there */
    free(t);
}

/* A long value wraps inside its cell; a field of the maximum length, with
 * a long label and an explicit verify_code, still makes one page. */
static void test_long_values_wrap(void **state)
{
    (void)state;
    NEED_TOOLS();
    static char value[CERTIFICATE_VALUE_MAX + 1];
    const char *phrase = "参保期间单位变更记录：";     /* 11 characters, 33 bytes */
    value[0] = '\0';
    while (strlen(value) + strlen(phrase) <= CERTIFICATE_VALUE_MAX)
        strcat(value, phrase);
    certificate_field f[8];
    memcpy(f, zh_cert_fields, sizeof zh_cert_fields);
    f[6] = (certificate_field){{"备注（以下为参保期间的单位变更记录，按时间先后排列）", NULL}, value};
    f[7] = (certificate_field){{"统一社会信用代码", "Credit code"},
                               "91330106MA2XXXXXXX91330106MA2XXXXXXX91330106MA2XXXXXXX"};
    certificate_doc d = zh_certificate;
    d.fields = f;
    d.n_fields = 8;
    d.verify_code = "54DA-FD9C";
    char *t = render_and_check(&d, "certificate_zh_long", true);
    expect_text(t, "54DA-FD9C", "long");
    expect_text(t, "备注", "long");
    free(t);
}

/* Kinds not listed for full identity print it masked. */
static void test_masked_identity(void **state)
{
    (void)state;
    NEED_TOOLS();
    assert_int_equal(certificate_identity_for_kind("si_enrolment"), CERTIFICATE_IDENTITY_FULL);
    assert_int_equal(certificate_identity_for_kind("mi_enrolment"), CERTIFICATE_IDENTITY_FULL);
    assert_int_equal(certificate_identity_for_kind("residence"), CERTIFICATE_IDENTITY_MASKED);
    assert_int_equal(certificate_identity_for_kind(NULL), CERTIFICATE_IDENTITY_MASKED);
    certificate_doc d = zh_certificate;
    d.kind = "residence";
    char *t = render_and_check(&d, "certificate_zh_masked", true);
    expect_text(t, "张*", "masked");
    expect_text(t, "3301**********0014", "masked");
    assert_null(strstr(t, "张三"));
    assert_null(strstr(t, "330106199003070014"));
    free(t);
}

/* Refused with a message naming the problem, never the personal data. */
static void refused(const certificate_doc *d, const char *reason)
{
    char why[300] = "";
    size_t len = 99;
    unsigned char *pdf = certificate_render(d, NULL, &len, NULL, why, sizeof why);
    if (pdf) {
        certificate_free(pdf, len);
        fail_msg("rendered, expected refusal: %s", reason);
    }
    assert_int_equal(len, 0);
    if (!strstr(why, reason))
        fail_msg("expected \"%s\" in \"%s\"", reason, why);
    assert_null(strstr(why, "张三"));
    assert_null(strstr(why, "330106199003070014"));
}

static void test_refusals(void **state)
{
    (void)state;
    certificate_doc d = zh_certificate;
    d.title = (certificate_text){NULL, ""};
    refused(&d, "certificate: the title is missing");
    d = zh_certificate;
    d.title = (certificate_text){NULL, "Enrolment Certificate"};  /* en stands in */
    char why[300];
    size_t len;
    unsigned char *pdf = certificate_render(&d, NULL, &len, NULL, why, sizeof why);
    if (!pdf)
        fail_msg("%s", why);
    certificate_free(pdf, len);

    d = zh_certificate;
    d.holder_name = "";
    refused(&d, "the holder's name is missing");
    d = zh_certificate;
    d.id_number = NULL;
    refused(&d, "the ID number is missing");
    d = zh_certificate;
    d.verify_url = NULL;
    refused(&d, "the verification link is missing");
    d = zh_certificate;
    d.verify_url = "https://verify.example.com/zwfw/SB330106-2026-004711";
    refused(&d, "no verification code");
    d = zh_certificate;
    d.issued_at = "2 December 2026";
    refused(&d, "not an RFC 3339 time");
    d = zh_certificate;
    d.kiosk_id = "";
    refused(&d, "the kiosk id is missing");
    d = zh_certificate;
    d.fields = NULL;
    refused(&d, "6 fields announced, none given");

    /* too many fields */
    certificate_field many[CERTIFICATE_MAX_FIELDS + 1];
    for (int i = 0; i <= CERTIFICATE_MAX_FIELDS; i++)
        many[i] = zh_cert_fields[i % 6];
    d = zh_certificate;
    d.fields = many;
    d.n_fields = CERTIFICATE_MAX_FIELDS + 1;
    refused(&d, "15 fields, at most 14 fit on the page");
    d.n_fields = CERTIFICATE_MAX_FIELDS;        /* the most: one page */
    pdf = certificate_render(&d, NULL, &len, NULL, why, sizeof why);
    if (!pdf)
        fail_msg("%d fields: %s", CERTIFICATE_MAX_FIELDS, why);
    write_file(CERT_DIR "/certificate_zh_max_fields.pdf", pdf, len);
    certificate_free(pdf, len);

    /* a value too long for a field, and values too long for the page */
    static char huge[3000], big[CERTIFICATE_VALUE_MAX + 1];
    memset(huge, 0, sizeof huge);
    while (strlen(huge) + 3 < sizeof huge)
        strcat(huge, "张");
    certificate_field f[8];
    for (int i = 0; i < 8; i++)
        f[i] = zh_cert_fields[i % 6];
    f[1].value = huge;
    d = zh_certificate;
    d.fields = f;
    d.n_fields = 6;
    refused(&d, "the value of field 2 (参保状态) is 2997 bytes, more than 512");
    memset(big, 0, sizeof big);
    while (strlen(big) + 3 <= CERTIFICATE_VALUE_MAX)
        strcat(big, "险");
    for (int i = 0; i < 8; i++)
        f[i].value = big;
    d.n_fields = 8;
    refused(&d, "the fields do not fit on one A4 page (the table needs");

    /* not UTF-8, and a label missing */
    for (int i = 0; i < 8; i++)
        f[i] = zh_cert_fields[i % 6];
    f[2].value = "\xe5\x8f";
    d.n_fields = 6;
    refused(&d, "the value of field 3 (参保单位) is not UTF-8 (byte 0)");
    f[2] = (certificate_field){{NULL, NULL}, "x"};
    refused(&d, "the label of field 3 is missing");
    refused(NULL, "certificate: no data");

    /* a character no installed font has (plane 16, private use): refused
     * rather than printed as an empty box on an official paper */
    f[2] = zh_cert_fields[2];
    f[2].value = "杭州\xf4\x8f\xbf\xbd科技";
    refused(&d, "the fonts have no glyph for some characters of field 3");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zh),
        cmocka_unit_test(test_en),
        cmocka_unit_test(test_without_qr_does_not_scan),
        cmocka_unit_test(test_long_values_wrap),
        cmocka_unit_test(test_masked_identity),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
