/*
 * receipt: what a resident takes home, drawn as a raster the width of the
 * paper.
 *
 * The receipt is drawn with the kiosk's own text stack (its fonts, its
 * measuring, its Chinese line breaking through ui_paragraph, as on screen)
 * into an SDL surface, turned 1-bit, and the QR code is then drawn into the
 * raster module by module. So a receipt prints the same on any ESC/POS
 * printer, in any language the kiosk has a strings file for, with no
 * printer font or code page involved. Sizes are millimetres on paper,
 * converted at the printer's resolution: text stays the size elderly
 * readers can read on a 58 mm or an 80 mm roll, at 203 or 180 dpi.
 *
 * Labels come from assets/strings/<lang>.json (keys receipt.*) in the
 * receipt's language, whatever the screen shows at the time.
 *
 * Personal data: the receipt only ever receives masked identity (张*,
 * 3301**********0014); the caller masks (idcard_mask_name,
 * idcard_mask_number, or outbox_mask). receipt_render refuses a name
 * without a '*' and an ID number with a '*' missing or more than 8
 * characters left in clear, so an unmasked identity never reaches paper
 * that may be left behind in a public hall.
 *
 * UI thread only: the text stack's fonts and caches belong to it. Render
 * there (tens of milliseconds) and hand the bytes to the printer's thread.
 */
#ifndef KIOSK_RECEIPT_H
#define KIOSK_RECEIPT_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "print/raster.h"

typedef enum receipt_code_kind {
    RECEIPT_CODE_NONE,
    RECEIPT_CODE_TICKET,        /* queue number (取号), e.g. A013 */
    RECEIPT_CODE_APPOINTMENT    /* appointment confirmation, e.g. YY20261207-0041 */
} receipt_code_kind;

/* Everything on one receipt. The strings belong to the caller. */
typedef struct receipt {
    const char *lang;               /* the resident's language, e.g. "zh" */
    const char *site_name;          /* the service centre (site_name.<lang>) */
    const char *service_name;
    const char *transaction_no;     /* 受理编号 */
    time_t time;                    /* printed in the kiosk's local time */
    const char *masked_name;        /* ALREADY MASKED (张*), or NULL/"" for none */
    const char *masked_id_number;   /* ALREADY MASKED (3301**********0014), or NULL/"" */
    receipt_code_kind code_kind;
    const char *code;               /* the ticket or appointment code, by code_kind */
    const char *next_steps;         /* what happens next; NULL/"" for none */
    const char *const *materials;   /* the materials still needed, n_materials of them */
    size_t n_materials;
    const char *qr_text;            /* the rating link (for now: the progress link) */
    const char *hotline;            /* e.g. "12345" */
} receipt;

/* The printer: its printable width in dots and its resolution.
 * 576 dots at 203 dpi (80 mm paper), 384 at 203 (58 mm), 512 at 180 (80 mm). */
typedef struct receipt_format {
    int width;                      /* dots, a multiple of 8, 192..2048 */
    int dpi;                        /* 100..600; 0: 203 */
} receipt_format;

/* Where things landed, for tests and the print preview. */
typedef struct receipt_layout {
    SDL_Rect qr;                    /* the QR code, quiet zone included */
    int qr_module;                  /* dots per module */
} receipt_layout;

/* Renders rc at format f. Needs TTF_Init, text_init and the strings loaded
 * (i18n_load) with rc->lang among them. Returns a raster of f->width dots
 * and the receipt's height, or NULL with the reason in why (a required text
 * missing, an identity not masked, a QR code that cannot fit, a bad
 * format, memory). layout may be NULL. */
raster *receipt_render(const receipt *rc, const receipt_format *f, receipt_layout *layout,
                       char *why, size_t why_size);

/* The checks receipt_render applies to the identity, for callers that want
 * to know before rendering: NULL or "" pass. */
bool receipt_name_is_masked(const char *name);
bool receipt_id_is_masked(const char *id_number);

#endif
