/*
 * raster: a 1-bit image the width of the printer's paper, the one form in
 * which anything is printed.
 *
 * Receipt printers differ in fonts, code pages and barcode commands, but
 * every ESC/POS printer prints a raster image (GS v 0). So the kiosk draws
 * the whole receipt itself -- Chinese text with its own fonts, the QR code
 * module by module -- and sends dots. The memory layout is the one GS v 0
 * and most printer drivers take: rows top to bottom, width/8 bytes per
 * row, the most significant bit is the leftmost dot, 1 is black.
 */
#ifndef KIOSK_RASTER_H
#define KIOSK_RASTER_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct raster {
    int width;      /* dots, a multiple of 8 */
    int height;     /* rows */
    int stride;     /* bytes per row: width / 8 */
    uint8_t *bits;  /* stride * height bytes */
} raster;

/* The grey level (0..255, after blending onto white paper) below which a
 * pixel of an anti-aliased drawing prints black: the midpoint keeps
 * strokes as wide as the font drew them. */
#define RASTER_THRESHOLD 128

/* The QR code's fixed parts: error correction level M (15 % of the code
 * may be lost to a crease or a smear), a quiet zone of 4 modules as ISO/IEC
 * 18004 asks, and at least 4 dots (0.5 mm at 203 dpi) per module, below
 * which phone cameras miss modules of a thermal print. */
#define RASTER_QR_QUIET 4
#define RASTER_QR_MIN_MODULE 4

/* An all-white raster. NULL when width is not a positive multiple of 8,
 * height is not positive, or memory is short. */
raster *raster_new(int width, int height);
void raster_free(raster *r);    /* NULL ok */

bool raster_get(const raster *r, int x, int y);        /* false outside */
void raster_set(raster *r, int x, int y, bool black);  /* ignored outside */
/* Fills rect (clipped to the raster) black or white. */
void raster_fill(raster *r, SDL_Rect rect, bool black);

/* A raster of s's size in which every pixel darker than threshold is
 * black; the alpha channel is blended onto white first, so text drawn on a
 * transparent surface prints too. NULL when s's width is not a multiple of
 * 8 or memory is short. */
raster *raster_from_surface(SDL_Surface *s, int threshold);

/* The QR code of text as raster_draw_qr draws it into a square at most
 * max_side dots wide: its module size (the largest whole number of dots
 * that fits, never below RASTER_QR_MIN_MODULE) and side in dots, quiet zone
 * included. False when text cannot be encoded or does not fit. */
bool raster_qr_size(const char *text, int max_side, int *module, int *side);

/* Draws text's QR code (EC level M, quiet zone included and cleared to
 * white) with its top-left corner at x, y, sized by raster_qr_size; the
 * square drawn goes to *drawn when drawn is not NULL. False (nothing
 * drawn) when it does not fit max_side or the raster. */
bool raster_draw_qr(raster *r, int x, int y, int max_side, const char *text,
                    SDL_Rect *drawn);

/* Writes r as a 1-bit greyscale PNG (white paper, black dots), for tests,
 * screenshots and the technician's print preview. */
bool raster_write_png(const raster *r, const char *path);

#endif
