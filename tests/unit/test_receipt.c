/*
 * receipt: a Chinese and an English receipt at 80 mm (576 dots), 58 mm
 * (384) and 80 mm at 180 dpi (512), rendered with the kiosk's fonts, sent
 * through the ESC/POS encoder, decoded back as a printer would read the
 * bytes, written as PNG (SHOTS_DIR/receipts/, for people to look at) and
 * scanned with zbarimg: the printed QR code must read back as exactly the
 * link. A receipt whose QR code is damaged must not scan, or the scan would
 * prove nothing. An unmasked identity is never rendered.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cmocka.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "../support/escpos_decode.h"
#include "../support/receipt_samples.h"
#include "common/diag.h"
#include "i18n/i18n.h"
#include "print/escpos.h"
#include "print/raster.h"
#include "print/receipt.h"
#include "ui/text.h"

#define STRINGS_DIR KIOSK_SOURCE_DIR "/assets/strings"
#define RECEIPTS_DIR SHOTS_DIR "/receipts"

static bool have_fonts, have_zbar;

static int group_setup(void **state)
{
    (void)state;
    /* the receipt prints the kiosk's local time: Beijing, with no tzdata */
    setenv("TZ", "CST-8", 1);
    tzset();
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
        return -1;
    }
    if (TTF_Init() == 0) {
        diag_list errors = DIAG_LIST_INIT;
        have_fonts = text_init(NULL, &errors);
        if (!have_fonts)
            diag_print(&errors, stderr);
        diag_clear(&errors);
    }
    static const char langs[][8] = {"zh", "en"};
    diag_list errors = DIAG_LIST_INIT;
    if (!i18n_load(STRINGS_DIR, langs, 2, "zh", &errors)) {
        diag_print(&errors, stderr);
        return -1;
    }
    diag_clear(&errors);
    have_zbar = system("command -v zbarimg >/dev/null 2>&1") == 0;
    mkdir(SHOTS_DIR, 0755);
    mkdir(RECEIPTS_DIR, 0755);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    i18n_unload();
    if (have_fonts)
        text_shutdown();
    TTF_Quit();
    SDL_Quit();
    return 0;
}

#define NEED_FONTS()                                                  \
    do {                                                              \
        if (!have_fonts) {                                            \
            print_message("no CJK font installed: skipped\n");        \
            skip();                                                   \
        }                                                             \
    } while (0)

#define ZBAR_MISSING "zbarimg not installed (apt-get install zbar-tools): QR scan skipped\n"

/* What zbarimg reads in the PNG at path: every symbol's text, one a line
 * ("" for none). */
static void scan(const char *path, char *out, size_t size)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "zbarimg --raw -q '%s' 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, size - 1, p);
    out[n] = '\0';
    pclose(p);
}

static bool column_white(const raster *r, int x)
{
    for (int y = 0; y < r->height; y++)
        if (raster_get(r, x, y))
            return false;
    return true;
}

static bool row_white(const raster *r, int y)
{
    for (int x = 0; x < r->width; x++)
        if (raster_get(r, x, y))
            return false;
    return true;
}

/* The quiet zone: the ring of 4 modules inside the QR square is white. */
static void quiet_zone_white(const raster *r, SDL_Rect q, int module)
{
    int z = RASTER_QR_QUIET * module;
    for (int y = q.y; y < q.y + q.h; y++)
        for (int x = q.x; x < q.x + q.w; x++) {
            bool inside = x >= q.x + z && x < q.x + q.w - z && y >= q.y + z &&
                          y < q.y + q.h - z;
            if (!inside && raster_get(r, x, y))
                fail_msg("black dot at %d,%d in the quiet zone", x, y);
        }
    /* and the code itself is there: its top-left finder's corner module */
    assert_true(raster_get(r, q.x + z, q.y + z));
    assert_true(raster_get(r, q.x + z + module - 1, q.y + z + module - 1));
}

/* Render, encode, decode, write, scan. */
static void print_and_scan(const receipt *rc, int width, int dpi, const char *name)
{
    receipt_format f = {width, dpi};
    receipt_layout l;
    char why[256];
    raster *r = receipt_render(rc, &f, &l, why, sizeof why);
    if (!r)
        fail_msg("%s: %s", name, why);
    assert_int_equal(r->width, width);
    /* nothing cut: the margins, the first and the last rows stay white */
    int margin = (int)(1.0 * dpi / 25.4 + 0.5);
    for (int x = 0; x < margin; x++) {
        if (!column_white(r, x) || !column_white(r, width - 1 - x))
            fail_msg("%s: ink in the margin column %d", name, x);
    }
    assert_true(row_white(r, 0));
    assert_true(row_white(r, r->height - 1));
    /* the QR code: whole modules of at least 4 dots, on the paper, with
     * its quiet zone */
    assert_true(l.qr_module >= RASTER_QR_MIN_MODULE);
    assert_int_equal(l.qr.w % l.qr_module, 0);
    assert_true(l.qr.x >= margin && l.qr.x + l.qr.w <= width - margin);
    quiet_zone_white(r, l.qr, l.qr_module);

    size_t n;
    unsigned char *bytes = escpos_encode(r, NULL, &n);
    assert_non_null(bytes);
    escpos_decoded d;
    char err[160];
    if (!escpos_decode(bytes, n, ESCPOS_BAND_ROWS_DEFAULT, &d, err, sizeof err))
        fail_msg("%s: decode: %s", name, err);
    assert_int_equal(d.image->width, r->width);
    assert_int_equal(d.image->height, r->height);
    assert_memory_equal(d.image->bits, r->bits, (size_t)r->stride * (size_t)r->height);
    assert_int_equal(d.bands, (r->height + 255) / 256);

    char path[512];
    snprintf(path, sizeof path, RECEIPTS_DIR "/%s.png", name);
    assert_true(raster_write_png(d.image, path));
    print_message("%s: %dx%d dots (%.0f mm long), %zu bytes in %d bands, QR %d dots/module\n",
                  path, r->width, r->height, r->height * 25.4 / dpi, n, d.bands, l.qr_module);
    escpos_decoded_free(&d);
    free(bytes);
    raster_free(r);

    if (!have_zbar) {
        print_message(ZBAR_MISSING);
        skip();
    }
    char text[1024], expect[1024];
    scan(path, text, sizeof text);
    snprintf(expect, sizeof expect, "%s\n", rc->qr_text);
    if (strcmp(text, expect) != 0)
        fail_msg("%s: zbarimg read \"%s\", expected \"%s\"", name, text, rc->qr_text);
}

static void test_zh_576(void **state)
{
    (void)state;
    NEED_FONTS();
    print_and_scan(&zh_receipt, 576, 203, "receipt_zh_576");
}

static void test_zh_384(void **state)
{
    (void)state;
    NEED_FONTS();
    print_and_scan(&zh_receipt, 384, 203, "receipt_zh_384");
}

static void test_en_576(void **state)
{
    (void)state;
    NEED_FONTS();
    print_and_scan(&en_receipt, 576, 203, "receipt_en_576");
}

static void test_en_384(void **state)
{
    (void)state;
    NEED_FONTS();
    print_and_scan(&en_receipt, 384, 203, "receipt_en_384");
}

/* 80 mm paper on a 180 dpi printer: same millimetres, fewer dots */
static void test_zh_512_180dpi(void **state)
{
    (void)state;
    NEED_FONTS();
    print_and_scan(&zh_receipt, 512, 180, "receipt_zh_512_180dpi");
}

/* Without a ticket, identity, next steps or materials: the bare receipt of
 * a service done on the spot. */
static void test_minimal(void **state)
{
    (void)state;
    NEED_FONTS();
    receipt rc = {.lang = "zh", .site_name = "文新街道便民服务中心",
                  .service_name = "社会保险参保证明打印", .transaction_no = "ZW20261202-0040",
                  .time = SAMPLE_TIME, .qr_text = "https://zwfw.example.gov.cn/p/ZW20261202-0040",
                  .hotline = "12345"};
    print_and_scan(&rc, 384, 203, "receipt_zh_384_minimal");
}

/* The receipt's renderer dies after each receipt, and its textures with it:
 * none may stay in the text cache, where a later renderer at the same
 * address would be handed a dead texture. */
static void test_text_cache_left_clean(void **state)
{
    (void)state;
    NEED_FONTS();
    size_t before = text_get_stats().textures;
    receipt_format f = {576, 203};
    char why[256];
    raster *r = receipt_render(&zh_receipt, &f, NULL, why, sizeof why);
    assert_non_null(r);
    raster_free(r);
    text_stats st = text_get_stats();
    assert_int_equal(st.textures, before);
    assert_true(st.misses > 0);     /* it did draw through the cache */
}

/* The scan is a real check: damage the code and it must not read. */
static void test_damaged_qr_does_not_scan(void **state)
{
    (void)state;
    NEED_FONTS();
    if (!have_zbar) {
        print_message(ZBAR_MISSING);
        skip();
    }
    receipt_format f = {384, 203};
    receipt_layout l;
    char why[256], text[1024];
    raster *r = receipt_render(&zh_receipt, &f, &l, why, sizeof why);
    assert_non_null(r);
    int z = RASTER_QR_QUIET * l.qr_module;
    int inner = l.qr.w - 2 * z;

    /* the right 40 % of the code cut off, as by a paper jam */
    SDL_Rect crop = {l.qr.x + z + inner * 6 / 10, l.qr.y, l.qr.w, l.qr.h};
    raster_fill(r, crop, false);
    assert_true(raster_write_png(r, RECEIPTS_DIR "/receipt_zh_384_cropped_qr.png"));
    scan(RECEIPTS_DIR "/receipt_zh_384_cropped_qr.png", text, sizeof text);
    assert_string_equal(text, "");

    /* the quiet zone filled (text printed over it): no longer a code */
    raster *r2 = receipt_render(&zh_receipt, &f, &l, why, sizeof why);
    assert_non_null(r2);
    for (int y = l.qr.y; y < l.qr.y + l.qr.h; y += 2)
        for (int x = l.qr.x; x < l.qr.x + z; x++)
            raster_set(r2, x, y, true);
    SDL_Rect top = {l.qr.x, l.qr.y, l.qr.w, z};
    raster_fill(r2, top, true);
    assert_true(raster_write_png(r2, RECEIPTS_DIR "/receipt_zh_384_no_quiet_zone.png"));
    scan(RECEIPTS_DIR "/receipt_zh_384_no_quiet_zone.png", text, sizeof text);
    assert_string_equal(text, "");
    raster_free(r2);
    raster_free(r);
}

static void refused(const receipt *rc, int width, int dpi, const char *reason)
{
    receipt_format f = {width, dpi};
    char why[256] = "";
    raster *r = receipt_render(rc, &f, NULL, why, sizeof why);
    if (r) {
        raster_free(r);
        fail_msg("rendered, expected refusal: %s", reason);
    }
    if (!strstr(why, reason))
        fail_msg("expected \"%s\" in \"%s\"", reason, why);
}

static void test_refusals(void **state)
{
    (void)state;
    NEED_FONTS();
    receipt rc = zh_receipt;
    rc.masked_name = "张三";
    refused(&rc, 576, 203, "identity not masked");
    rc = zh_receipt;
    rc.masked_id_number = "330106199003070014";
    refused(&rc, 576, 203, "identity not masked");
    rc.masked_id_number = "330106*99003070014";      /* one star is not masking */
    refused(&rc, 576, 203, "identity not masked");
    assert_true(receipt_id_is_masked("3301**********0014"));
    assert_true(receipt_id_is_masked("*********"));
    assert_true(receipt_name_is_masked("张*丰"));
    assert_true(receipt_name_is_masked(NULL));

    rc = zh_receipt;
    refused(&rc, 380, 203, "multiple of 8");
    refused(&rc, 576, 50, "resolution");
    rc.qr_text = NULL;
    refused(&rc, 576, 203, "QR text");
    rc = zh_receipt;
    rc.hotline = "";
    refused(&rc, 576, 203, "hotline");

    /* a link too long for 4 dots a module on 58 mm paper */
    char longq[700];
    memset(longq, 'a', sizeof longq - 1);
    longq[sizeof longq - 1] = '\0';
    rc = zh_receipt;
    rc.qr_text = longq;
    refused(&rc, 384, 203, "does not fit");
}

/* The raster's own QR drawing: the largest whole module that fits, never
 * under 4 dots, the quiet zone cleared even over black. */
static void test_raster_qr(void **state)
{
    (void)state;
    const char *t = "https://zwfw.example.gov.cn/progress/ZW20261202-0031?k=7f3a9c2e";
    int m, side;
    assert_true(raster_qr_size(t, 400, &m, &side));
    int n = side / m;
    assert_int_equal(n * m, side);
    assert_int_equal(m, 400 / n);
    assert_true(side <= 400 && side + n > 400);     /* one more dot a module would not fit */
    assert_false(raster_qr_size(t, n * RASTER_QR_MIN_MODULE - 1, &m, &side));
    assert_true(raster_qr_size(t, n * RASTER_QR_MIN_MODULE, &m, &side));
    assert_int_equal(m, RASTER_QR_MIN_MODULE);
    assert_false(raster_qr_size("", 400, &m, &side));

    raster *r = raster_new(416, 416);
    SDL_Rect all = {0, 0, 416, 416}, q;
    raster_fill(r, all, true);
    assert_false(raster_draw_qr(r, 100, 100, 400, t, &q));     /* off the raster */
    assert_true(raster_draw_qr(r, 8, 8, 400, t, &q));
    assert_true(raster_qr_size(t, 400, &m, &side));
    assert_int_equal(q.w, side);
    quiet_zone_white(r, q, m);
    assert_true(raster_get(r, 7, 7));                           /* outside: untouched */
    assert_true(raster_write_png(r, RECEIPTS_DIR "/raster_qr.png"));
    raster_free(r);
    if (!have_zbar) {
        print_message(ZBAR_MISSING);
        skip();
    }
    char text[512];
    scan(RECEIPTS_DIR "/raster_qr.png", text, sizeof text);
    assert_string_equal(text, "https://zwfw.example.gov.cn/progress/ZW20261202-0031?k=7f3a9c2e\n");
}

/* Surfaces of any format, alpha onto white, the threshold at mid-grey. */
static void test_raster_from_surface(void **state)
{
    (void)state;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 16, 2, 32, SDL_PIXELFORMAT_ABGR8888);
    assert_non_null(s);
    SDL_FillRect(s, NULL, SDL_MapRGBA(s->format, 255, 255, 255, 255));
    SDL_Rect a = {0, 0, 1, 1}, b = {9, 0, 1, 1}, c = {15, 1, 1, 1}, d = {3, 1, 1, 1};
    SDL_FillRect(s, &a, SDL_MapRGBA(s->format, 0, 0, 0, 255));        /* black */
    SDL_FillRect(s, &b, SDL_MapRGBA(s->format, 100, 100, 100, 255));  /* dark grey */
    SDL_FillRect(s, &c, SDL_MapRGBA(s->format, 0, 0, 0, 40));         /* faint: paper */
    SDL_FillRect(s, &d, SDL_MapRGBA(s->format, 200, 200, 200, 255));  /* light grey */
    raster *r = raster_from_surface(s, RASTER_THRESHOLD);
    assert_non_null(r);
    assert_int_equal(r->bits[0], 0x80);
    assert_int_equal(r->bits[1], 0x40);
    assert_int_equal(r->bits[2], 0x00);
    assert_int_equal(r->bits[3], 0x00);
    raster_free(r);
    SDL_FreeSurface(s);
    SDL_Surface *odd = SDL_CreateRGBSurfaceWithFormat(0, 12, 2, 32, SDL_PIXELFORMAT_ARGB8888);
    assert_null(raster_from_surface(odd, RASTER_THRESHOLD));
    SDL_FreeSurface(odd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_raster_from_surface),
        cmocka_unit_test(test_raster_qr),
        cmocka_unit_test(test_zh_576),
        cmocka_unit_test(test_zh_384),
        cmocka_unit_test(test_en_576),
        cmocka_unit_test(test_en_384),
        cmocka_unit_test(test_zh_512_180dpi),
        cmocka_unit_test(test_minimal),
        cmocka_unit_test(test_text_cache_left_clean),
        cmocka_unit_test(test_damaged_qr_does_not_scan),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
