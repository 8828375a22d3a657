#include "escpos_decode.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool fail(char *err, size_t size, size_t off, const char *fmt, ...)
{
    if (!size)
        return false;
    int k = snprintf(err, size, "offset %zu: ", off);
    if (k >= 0 && (size_t)k < size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err + k, size - (size_t)k, fmt, ap);
        va_end(ap);
    }
    return false;
}

static bool decode(const unsigned char *b, size_t n, int max_band_rows, escpos_decoded *out,
                   char *err, size_t err_size)
{
    size_t band_at[ESCPOS_DECODE_MAX_BANDS];
    int width_bytes = 0, height = 0;
    bool cut = false;
    if (n < 2 || b[0] != 0x1B || b[1] != 0x40)
        return fail(err, err_size, 0, "does not start with ESC @ (1B 40), the initialisation");
    size_t i = 2;
    while (i < n) {
        if (cut)
            return fail(err, err_size, i, "%zu byte(s) after the cut (GS V)", n - i);
        size_t at = i;
        unsigned char c = b[i];
        if (c == 0x1B) {
            if (i + 1 >= n)
                return fail(err, err_size, at, "ESC at the end with no command");
            if (b[i + 1] == 0x40)
                return fail(err, err_size, at, "second ESC @: initialise once, first");
            if (b[i + 1] != 0x64)
                return fail(err, err_size, at, "ESC %02X is not a command the kiosk sends",
                            b[i + 1]);
            if (i + 2 >= n)
                return fail(err, err_size, at, "ESC d without its line count");
            out->feed_lines += b[i + 2];
            i += 3;
        } else if (c == 0x1D) {
            if (i + 1 >= n)
                return fail(err, err_size, at, "GS at the end with no command");
            if (b[i + 1] == 0x56) {
                if (i + 3 >= n)
                    return fail(err, err_size, at, "GS V cut truncated (needs m and n)");
                if (b[i + 2] != 0x42)
                    return fail(err, err_size, at,
                                "GS V m = %u: the kiosk cuts with m = 66 (feed, partial cut)",
                                b[i + 2]);
                out->cut_feed = b[i + 3];
                cut = true;
                i += 4;
                continue;
            }
            if (b[i + 1] != 0x76)
                return fail(err, err_size, at, "GS %02X is not a command the kiosk sends",
                            b[i + 1]);
            if (i + 8 > n)
                return fail(err, err_size, at, "GS v header truncated (%zu of 8 bytes)", n - i);
            if (b[i + 2] != 0x30)
                return fail(err, err_size, at + 2, "GS v %02X: only GS v 0 (30) prints a raster",
                            b[i + 2]);
            if (b[i + 3] != 0x00)
                return fail(err, err_size, at + 3,
                            "GS v 0 mode m = %u scales the image; the kiosk sends m = 0",
                            b[i + 3]);
            int x = b[i + 4] | b[i + 5] << 8, y = b[i + 6] | b[i + 7] << 8;
            if (x == 0)
                return fail(err, err_size, at + 4, "GS v 0 width of 0 bytes");
            if (y == 0 || y > 4095)
                return fail(err, err_size, at + 6, "GS v 0 height of %d rows (1..4095)", y);
            if (max_band_rows > 0 && y > max_band_rows)
                return fail(err, err_size, at + 6,
                            "band of %d rows is taller than the printer's %d", y, max_band_rows);
            if (width_bytes && x != width_bytes)
                return fail(err, err_size, at + 4,
                            "band %d bytes wide after bands %d bytes wide", x, width_bytes);
            size_t need = (size_t)x * (size_t)y;
            if (n - (i + 8) < need)
                return fail(err, err_size, at + 8,
                            "GS v 0 band needs %zu data bytes, %zu left", need, n - (i + 8));
            if (out->bands == ESCPOS_DECODE_MAX_BANDS)
                return fail(err, err_size, at, "more than %d bands", ESCPOS_DECODE_MAX_BANDS);
            width_bytes = x;
            out->band_rows[out->bands] = y;
            band_at[out->bands++] = i + 8;
            height += y;
            i += 8 + need;
        } else {
            return fail(err, err_size, at,
                        "byte %02X is text or a command the kiosk does not send", c);
        }
    }
    if (!out->bands)
        return fail(err, err_size, n, "no image (GS v 0) at all");
    if (!cut)
        return fail(err, err_size, n, "ends without the cut (GS V 66 n)");
    out->image = raster_new(width_bytes * 8, height);
    if (!out->image)
        return fail(err, err_size, 0, "out of memory for a %dx%d raster", width_bytes * 8, height);
    size_t row = 0;
    for (int k = 0; k < out->bands; k++) {
        size_t bytes = (size_t)width_bytes * (size_t)out->band_rows[k];
        memcpy(out->image->bits + row * (size_t)width_bytes, b + band_at[k], bytes);
        row += (size_t)out->band_rows[k];
    }
    return true;
}

bool escpos_decode(const unsigned char *b, size_t n, int max_band_rows, escpos_decoded *out,
                   char *err, size_t err_size)
{
    memset(out, 0, sizeof *out);
    if (err_size)
        err[0] = '\0';
    if (decode(b, n, max_band_rows, out, err, err_size))
        return true;
    memset(out, 0, sizeof *out);    /* no image was made on any failing path */
    return false;
}

void escpos_decoded_free(escpos_decoded *d)
{
    raster_free(d->image);
    memset(d, 0, sizeof *d);
}
