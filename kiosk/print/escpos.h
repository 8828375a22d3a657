/*
 * escpos: a raster as the bytes an ESC/POS receipt printer prints.
 *
 * Only commands every ESC/POS printer has are sent, so one byte stream
 * works on any of them, whatever its fonts, code page or barcode support:
 *   ESC @               1B 40                 initialise (forget earlier modes)
 *   GS v 0 m xL xH yL yH data
 *                       1D 76 30 00 ...       raster image, normal size, x in
 *                                             bytes per row, y in rows
 *   ESC d n             1B 64 n               print and feed n lines
 *   GS V 66 n           1D 56 42 00           feed to the cutter, partial cut
 * A tall image goes in bands of at most band_rows rows, each its own GS v 0
 * command, because many printers limit the height of one command (and
 * buffer a whole command before printing it).
 */
#ifndef KIOSK_ESCPOS_H
#define KIOSK_ESCPOS_H

#include <stddef.h>

#include "print/raster.h"

#define ESCPOS_BAND_ROWS_DEFAULT 256
/* GS v 0 takes at most 4095 rows per command on the printers that document
 * a limit at all. */
#define ESCPOS_BAND_ROWS_MAX 4095
#define ESCPOS_FEED_LINES_DEFAULT 2

typedef struct escpos_options {
    int band_rows;      /* rows per GS v 0 command, 1..ESCPOS_BAND_ROWS_MAX; 0: default */
    int feed_lines;     /* ESC d n before the cut, 0..255; -1: default */
} escpos_options;

/* The printer's commands for r (init, bands, feed, partial cut) in a
 * malloc'd buffer of *len bytes; the caller frees it. o may be NULL for the
 * defaults. NULL when an option is out of range, r is wider than GS v 0 can
 * say (65535 bytes a row), or memory is short. */
unsigned char *escpos_encode(const raster *r, const escpos_options *o, size_t *len);

#endif
