/*
 * text: fonts, measuring and drawing text with SDL2_ttf.
 *
 * Two caches make redraws cheap, which is what lets the main loop redraw the
 * whole screen on every change and still stay within a few milliseconds on
 * the software renderer:
 *  - per font and size, the advance of every code point measured once
 *    (line breaking measures far more often than it draws);
 *  - rendered lines as textures keyed by (text, size, weight, colour), kept
 *    under a byte budget and evicted least-recently-used.
 * One font is open per weight and switched between the theme's few pixel
 * sizes (an open CJK face costs megabytes; see text.c).
 */
#ifndef KIOSK_TEXT_H
#define KIOSK_TEXT_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/diag.h"

typedef enum text_weight { TEXT_REGULAR, TEXT_BOLD } text_weight;

typedef struct text_font_spec {
    const char *regular; int regular_index;   /* NULL: auto-detect */
    const char *bold;    int bold_index;      /* NULL: auto-detect, else regular */
} text_font_spec;

/* Finds and checks the font files; problems go to errors. Must be called
 * after TTF_Init. Returns false when no usable CJK font was found. */
bool text_init(const text_font_spec *spec, diag_list *errors);

/* Drops every cached texture (they belong to renderer r) and closes fonts. */
void text_shutdown(void);

/* Drops cached textures only (call before destroying the renderer). */
void text_flush(void);

/* Lines drawn while on are the resident's own words (the search box, a
 * form's answer, a phone number): their cache entries are marked, also an
 * entry already cached for the same text, until text_forget_private drops
 * them. The cache is keyed by the text itself, so without this a typed ID
 * number stayed in memory until the LRU evicted it (issue 13 item 8). Set
 * it around one field's drawing and clear it right after. UI thread. */
void text_private(bool on);

/* Drops (and wipes) every cached line drawn under text_private: at sign-out
 * and at the end of the session (app.c). */
void text_forget_private(void);

/* Drops the cached textures drawn with r only, keeping the screen's. Call
 * it before destroying a renderer other than the window's (the printed
 * receipt draws with a software renderer of its own): a texture dies with
 * its renderer, and a new renderer may get the old one's address, so the
 * cache would otherwise hand out a dead texture. */
void text_flush_renderer(SDL_Renderer *r);

/* Which font files are in use, for diagnostics. */
const char *text_font_path(text_weight w);

int text_advance(int px, text_weight w, uint32_t cp);
int text_width(const char *s, size_t len, int px, text_weight w);
int text_line_height(int px, text_weight w);   /* recommended line spacing */
int text_ascent_box(int px, text_weight w);    /* height of a rendered line */

/* Draws one line (no wrapping) with its top-left at x, y. */
void text_draw(SDL_Renderer *r, const char *s, size_t len, int x, int y,
               int px, text_weight w, SDL_Color c);

/* Cache figures for benchmarks and the technician screen. */
typedef struct text_stats {
    size_t textures, bytes, hits, misses, fonts_open;
} text_stats;
text_stats text_get_stats(void);

#endif
