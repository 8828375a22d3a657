/*
 * escpos_decode (tests only): ESC/POS bytes back into the raster they
 * print, and the checker that the bytes are what the kiosk means to send.
 *
 * It is strict on purpose: it accepts exactly the kiosk's command set
 * (ESC @ first; GS v 0 in normal mode, every band as wide as the first;
 * ESC d n; GS V 66 n last, nothing after it) and refuses anything else,
 * malformed or merely unexpected, with the byte offset and the reason, so
 * a test that decodes the encoder's output also proves it well-formed.
 */
#ifndef KIOSK_TEST_ESCPOS_DECODE_H
#define KIOSK_TEST_ESCPOS_DECODE_H

#include <stdbool.h>
#include <stddef.h>

#include "print/raster.h"

#define ESCPOS_DECODE_MAX_BANDS 256

typedef struct escpos_decoded {
    raster *image;          /* every band, top to bottom */
    int bands;              /* GS v 0 commands */
    int band_rows[ESCPOS_DECODE_MAX_BANDS];
    int feed_lines;         /* sum of ESC d n */
    int cut_feed;           /* n of GS V 66 n */
} escpos_decoded;

/* Decodes n bytes. max_band_rows > 0 also refuses a band taller than that
 * (the printer's limit). On failure returns false with "offset N: reason"
 * in err and out left empty; on success free out with escpos_decoded_free. */
bool escpos_decode(const unsigned char *b, size_t n, int max_band_rows, escpos_decoded *out,
                   char *err, size_t err_size);

void escpos_decoded_free(escpos_decoded *d);

#endif
