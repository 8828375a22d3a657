#include "escpos.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

unsigned char *escpos_encode(const raster *r, const escpos_options *o, size_t *len)
{
    int band = o && o->band_rows ? o->band_rows : ESCPOS_BAND_ROWS_DEFAULT;
    int feed = o && o->feed_lines >= 0 ? o->feed_lines : ESCPOS_FEED_LINES_DEFAULT;
    if (!r || !len || band < 1 || band > ESCPOS_BAND_ROWS_MAX || feed > 255 ||
        r->stride < 1 || r->stride > 0xFFFF || r->height < 1)
        return NULL;
    size_t bands = ((size_t)r->height + (size_t)band - 1) / (size_t)band;
    size_t size = 2 + bands * 8 + (size_t)r->stride * (size_t)r->height +
                  (feed ? 3 : 0) + 4;
    unsigned char *out = malloc(size);
    if (!out)
        return NULL;
    unsigned char *p = out;
    *p++ = 0x1B;                    /* ESC @ */
    *p++ = 0x40;
    for (int y = 0; y < r->height; y += band) {
        int rows = r->height - y < band ? r->height - y : band;
        *p++ = 0x1D;                /* GS v 0, m = 0: one dot per dot */
        *p++ = 0x76;
        *p++ = 0x30;
        *p++ = 0x00;
        *p++ = (unsigned char)(r->stride & 0xFF);
        *p++ = (unsigned char)(r->stride >> 8);
        *p++ = (unsigned char)(rows & 0xFF);
        *p++ = (unsigned char)(rows >> 8);
        size_t n = (size_t)r->stride * (size_t)rows;
        memcpy(p, r->bits + (size_t)y * (size_t)r->stride, n);
        p += n;
    }
    if (feed) {
        *p++ = 0x1B;                /* ESC d n: a margin below the last line */
        *p++ = 0x64;
        *p++ = (unsigned char)feed;
    }
    /* GS V 66 0: feed to the cutter and cut partially. The hinge a partial
     * cut leaves holds the receipt in the slot until the resident takes
     * it, instead of dropping it on the floor of an unattended hall. */
    *p++ = 0x1D;
    *p++ = 0x56;
    *p++ = 0x42;
    *p++ = 0x00;
    *len = (size_t)(p - out);
    return out;
}
