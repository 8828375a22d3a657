/*
 * pdf_raster: a 1-bit raster as a one-page PDF, the form an A4 printer's
 * CUPS queue takes (application/pdf) whatever its driver.
 *
 * The page is one image the size of the paper: every dot the kiosk drew,
 * nothing left to a printer's fonts (as on the receipt, the text was drawn
 * with the kiosk's own). The image is stored uncompressed, 1 bit a dot
 * with /Decode [1 0] so a raster's 1 prints black: an A4 page at 300 dpi
 * is about 1.1 MB, nothing for a loopback socket or a USB printer, and no
 * compression library to link.
 */
#ifndef KIOSK_PDF_RASTER_H
#define KIOSK_PDF_RASTER_H

#include <stddef.h>

#include "print/raster.h"

#define PDF_A4_WIDTH_MM 210.0
#define PDF_A4_HEIGHT_MM 297.0

/* The PDF of one page width_mm x height_mm that r fills, in a malloc'd
 * buffer of *len bytes (the caller frees it); NULL when memory is short. */
unsigned char *pdf_raster_page(const raster *r, double width_mm, double height_mm, size_t *len);

#endif
