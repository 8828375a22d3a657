/*
 * escpos: a raster encoded into printer bytes and decoded back is the same
 * raster, in bands no taller than asked, at the printers' widths; and the
 * decoder (the checker every printing test relies on) refuses malformed
 * bytes with the offset and the reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../support/escpos_decode.h"
#include "print/escpos.h"
#include "print/raster.h"

/* A raster whose every bit depends on its position and the seed, with the
 * corners black so a lost or shifted row or column shows. */
static raster *pattern(int w, int h, uint32_t seed)
{
    raster *r = raster_new(w, h);
    assert_non_null(r);
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < (size_t)r->stride * (size_t)h; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        r->bits[i] = (uint8_t)x;
    }
    raster_set(r, 0, 0, true);
    raster_set(r, w - 1, 0, true);
    raster_set(r, 0, h - 1, true);
    raster_set(r, w - 1, h - 1, true);
    return r;
}

static void same(const raster *a, const raster *b)
{
    assert_int_equal(a->width, b->width);
    assert_int_equal(a->height, b->height);
    assert_memory_equal(a->bits, b->bits, (size_t)a->stride * (size_t)a->height);
}

static void decode_ok(const unsigned char *b, size_t n, int max_band, escpos_decoded *d)
{
    char err[160];
    bool ok = escpos_decode(b, n, max_band, d, err, sizeof err);
    if (!ok)
        fail_msg("decode: %s", err);
}

static void test_round_trip_widths(void **state)
{
    (void)state;
    static const int widths[] = {384, 512, 576};
    for (size_t i = 0; i < 3; i++) {
        raster *r = pattern(widths[i], 700, (uint32_t)i + 1);
        size_t n;
        unsigned char *b = escpos_encode(r, NULL, &n);
        assert_non_null(b);
        /* exactly: init, 3 band headers, the dots, ESC d 2, the cut */
        assert_int_equal(n, 2 + 3 * 8 + (size_t)r->stride * 700 + 3 + 4);
        assert_memory_equal(b, "\x1B\x40\x1D\x76\x30\x00", 6);
        assert_int_equal(b[6] | b[7] << 8, widths[i] / 8);   /* xL xH: bytes */
        assert_int_equal(b[8] | b[9] << 8, 256);             /* yL yH: rows */
        assert_memory_equal(b + n - 7, "\x1B\x64\x02\x1D\x56\x42\x00", 7);
        escpos_decoded d;
        decode_ok(b, n, 256, &d);
        same(r, d.image);
        assert_int_equal(d.feed_lines, ESCPOS_FEED_LINES_DEFAULT);
        assert_int_equal(d.cut_feed, 0);
        escpos_decoded_free(&d);
        free(b);
        raster_free(r);
    }
}

static void test_bands(void **state)
{
    (void)state;
    static const struct { int height, band, bands, last; } cases[] = {
        {600, 0, 3, 88},        /* default 256: 256 + 256 + 88 */
        {512, 256, 2, 256},     /* an exact multiple: no empty band */
        {255, 256, 1, 255},
        {1, 256, 1, 1},
        {1000, 100, 10, 100},
        {1001, 100, 11, 1},
        {70, 1, 70, 1},
        {5000, 4095, 2, 905},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        raster *r = pattern(576, cases[i].height, (uint32_t)i);
        escpos_options o = {.band_rows = cases[i].band, .feed_lines = 5};
        size_t n;
        unsigned char *b = escpos_encode(r, &o, &n);
        assert_non_null(b);
        int limit = cases[i].band ? cases[i].band : ESCPOS_BAND_ROWS_DEFAULT;
        escpos_decoded d;
        decode_ok(b, n, limit, &d);
        assert_int_equal(d.bands, cases[i].bands);
        for (int k = 0; k < d.bands - 1; k++)
            assert_int_equal(d.band_rows[k], limit);
        assert_int_equal(d.band_rows[d.bands - 1], cases[i].last);
        assert_int_equal(d.feed_lines, 5);
        same(r, d.image);
        escpos_decoded_free(&d);
        /* a printer that takes fewer rows per command refuses these bytes */
        if (limit > 1 && cases[i].height >= limit) {
            char err[160];
            assert_false(escpos_decode(b, n, limit - 1, &d, err, sizeof err));
            assert_non_null(strstr(err, "taller than the printer's"));
            assert_null(d.image);
        }
        free(b);
        raster_free(r);
    }
}

static void test_no_feed(void **state)
{
    (void)state;
    raster *r = pattern(384, 10, 9);
    escpos_options o = {.band_rows = 0, .feed_lines = 0};
    size_t n;
    unsigned char *b = escpos_encode(r, &o, &n);
    assert_non_null(b);
    assert_memory_equal(b + n - 4, "\x1D\x56\x42\x00", 4);
    escpos_decoded d;
    decode_ok(b, n, 0, &d);
    assert_int_equal(d.feed_lines, 0);
    escpos_decoded_free(&d);
    free(b);
    raster_free(r);
}

static void test_encode_refuses(void **state)
{
    (void)state;
    raster *r = pattern(384, 10, 3);
    size_t n;
    escpos_options too_tall = {.band_rows = ESCPOS_BAND_ROWS_MAX + 1, .feed_lines = -1};
    escpos_options negative = {.band_rows = -1, .feed_lines = -1};
    escpos_options feed = {.band_rows = 0, .feed_lines = 256};
    assert_null(escpos_encode(r, &too_tall, &n));
    assert_null(escpos_encode(r, &negative, &n));
    assert_null(escpos_encode(r, &feed, &n));
    assert_null(escpos_encode(NULL, NULL, &n));
    raster_free(r);
    /* and a raster's own shape rules */
    assert_null(raster_new(380, 10));
    assert_null(raster_new(0, 10));
    assert_null(raster_new(384, 0));
}

/* A valid stream to break: 16 dots wide, two bands of 2 rows. */
static size_t valid(unsigned char *b)
{
    static const unsigned char s[] = {
        0x1B, 0x40,
        0x1D, 0x76, 0x30, 0x00, 0x02, 0x00, 0x02, 0x00, 0xF0, 0x0F, 0xAA, 0x55,
        0x1D, 0x76, 0x30, 0x00, 0x02, 0x00, 0x02, 0x00, 0x01, 0x80, 0xFF, 0x00,
        0x1B, 0x64, 0x03,
        0x1D, 0x56, 0x42, 0x00};
    memcpy(b, s, sizeof s);
    return sizeof s;
}

static void refused(const unsigned char *b, size_t n, const char *offset, const char *reason)
{
    escpos_decoded d;
    char err[160];
    assert_false(escpos_decode(b, n, 0, &d, err, sizeof err));
    assert_null(d.image);
    if (strncmp(err, offset, strlen(offset)) != 0 || !strstr(err, reason))
        fail_msg("expected \"%s ...%s...\", got \"%s\"", offset, reason, err);
}

static void test_decode_valid_stream(void **state)
{
    (void)state;
    unsigned char b[64];
    size_t n = valid(b);
    escpos_decoded d;
    decode_ok(b, n, 0, &d);
    assert_int_equal(d.image->width, 16);
    assert_int_equal(d.image->height, 4);
    assert_true(raster_get(d.image, 0, 0));     /* F0: leftmost dots first */
    assert_false(raster_get(d.image, 4, 0));
    assert_true(raster_get(d.image, 12, 0));
    assert_true(raster_get(d.image, 7, 2));     /* 01 80: the two dots either side */
    assert_true(raster_get(d.image, 8, 2));     /* of the byte boundary */
    assert_false(raster_get(d.image, 15, 2));
    assert_false(raster_get(d.image, 0, 2));
    assert_int_equal(d.feed_lines, 3);
    escpos_decoded_free(&d);
}

static void test_decode_refuses(void **state)
{
    (void)state;
    unsigned char b[64] = {0};
    size_t n;

    refused(b, 0, "offset 0:", "ESC @");
    n = valid(b);
    b[1] = 0x41;
    refused(b, n, "offset 0:", "does not start with ESC @");

    n = valid(b);                       /* truncated in the second band's data */
    refused(b, 24, "offset 22:", "needs 4 data bytes, 2 left");
    refused(b, 18, "offset 14:", "header truncated");

    n = valid(b);
    b[4] = 0x31;                        /* GS v 1 */
    refused(b, n, "offset 4:", "only GS v 0");
    n = valid(b);
    b[5] = 0x01;                        /* double width */
    refused(b, n, "offset 5:", "mode m = 1");
    n = valid(b);
    b[6] = 0;                           /* width 0 */
    refused(b, n, "offset 6:", "width of 0 bytes");
    n = valid(b);
    b[8] = 0;                           /* height 0 */
    refused(b, n, "offset 8:", "height of 0 rows");
    n = valid(b);
    b[8] = 0xFF;                        /* 4095 < 0x0FFF + ... : 0x10FF rows */
    b[9] = 0x10;
    refused(b, n, "offset 8:", "height of 4351 rows");
    n = valid(b);
    b[18] = 0x03;                       /* second band 3 bytes wide, 2 rows: 6 bytes */
    refused(b, n, "offset 18:", "band 3 bytes wide after bands 2 bytes wide");

    n = valid(b);
    refused(b, n - 4, "offset 29:", "without the cut");
    refused(b, n - 1, "offset 29:", "GS V cut truncated");
    n = valid(b);
    b[n - 2] = 0x41;                    /* full cut, not the kiosk's */
    refused(b, n, "offset 29:", "m = 65");
    n = valid(b);
    b[n++] = 0x0A;                      /* a line feed after the cut */
    refused(b, n, "offset 33:", "1 byte(s) after the cut");

    n = valid(b);
    b[26] = 'A';                        /* text where ESC d was */
    refused(b, n, "offset 26:", "byte 41 is text");
    n = valid(b);
    b[27] = 0x61;                       /* ESC a (justification) */
    refused(b, n, "offset 26:", "ESC 61 is not a command");
    n = valid(b);
    b[15] = 0x6B;                       /* GS k (barcode) */
    refused(b, n, "offset 14:", "GS 6B is not a command");

    static const unsigned char twice[] = {0x1B, 0x40, 0x1B, 0x40};
    refused(twice, sizeof twice, "offset 2:", "second ESC @");
    static const unsigned char nothing[] = {0x1B, 0x40, 0x1D, 0x56, 0x42, 0x00};
    refused(nothing, sizeof nothing, "offset 6:", "no image");
}

/* Every prefix and every single-byte change of a real stream either
 * decodes or is refused: never a crash or an over-read (ASan watches). */
static void test_decode_mutations(void **state)
{
    (void)state;
    raster *r = pattern(384, 40, 5);
    escpos_options o = {.band_rows = 16, .feed_lines = -1};
    size_t n;
    unsigned char *b = escpos_encode(r, &o, &n);
    assert_non_null(b);
    char err[160];
    escpos_decoded d;
    for (size_t len = 0; len < n; len++) {
        unsigned char *cut = malloc(len ? len : 1);
        memcpy(cut, b, len);
        assert_false(escpos_decode(cut, len, 0, &d, err, sizeof err));
        assert_true(strncmp(err, "offset ", 7) == 0);
        free(cut);
    }
    static const size_t spots[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 60, 2 + 8 + 48 * 16};
    for (size_t i = 0; i < sizeof spots / sizeof *spots; i++)
        for (int v = 0; v < 256; v += 7) {
            unsigned char *m = malloc(n);
            memcpy(m, b, n);
            m[spots[i]] = (unsigned char)v;
            if (escpos_decode(m, n, 0, &d, err, sizeof err))
                escpos_decoded_free(&d);
            free(m);
        }
    free(b);
    raster_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_widths),
        cmocka_unit_test(test_bands),
        cmocka_unit_test(test_no_feed),
        cmocka_unit_test(test_encode_refuses),
        cmocka_unit_test(test_decode_valid_stream),
        cmocka_unit_test(test_decode_refuses),
        cmocka_unit_test(test_decode_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
