/*
 * theme: sizes and colours, computed from the display size and the
 * resident's choices (large font, high contrast).
 *
 * Layout code never uses a pixel constant: it uses these fields, which are
 * derived from one unit u = short side / 1080. A 1080x1920 portrait panel and
 * a 1920x1080 landscape panel therefore get the same text and target sizes,
 * and the screens lay out the remaining room differently.
 */
#ifndef KIOSK_THEME_H
#define KIOSK_THEME_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct theme {
    float u;            /* pixels per design unit */
    bool large, contrast, portrait;
    int w, h;

    /* text sizes in pixels */
    int text_small, text_body, text_heading, text_title, text_display;
    /* touch targets and spacing */
    int target;         /* minimum target height (and width) */
    int pad, gap, radius;
    int status_h, header_h;

    SDL_Color bg, surface, surface_alt, pressed, border;
    SDL_Color primary, primary_pressed, on_primary;
    SDL_Color text, muted, accent, ok, warn, danger, overlay;
    /* quiet backgrounds of badges: ok text on ok_soft, primary (text in
     * high contrast) on info_soft */
    SDL_Color ok_soft, info_soft;
} theme;

/* Accessibility floors, from issue 12 (WCAG 2.x AAA for text, 1.4.11 for
 * shapes): every text at least 7:1 against what it is drawn on, every
 * outline of a button or card at least 3:1 against its surroundings. */
#define THEME_MIN_TEXT_CONTRAST 7.0
#define THEME_MIN_OUTLINE_CONTRAST 3.0

/* The colour pairs the screens draw, as offsets of SDL_Color fields of
 * struct theme: fg on bg. The unit test holds every theme to the floors
 * above on each of them; a screen that draws a new combination adds it
 * here first. */
typedef struct theme_pair {
    const char *name;
    size_t fg, bg;
} theme_pair;
extern const theme_pair theme_text_pairs[];
extern const size_t theme_n_text_pairs;
extern const theme_pair theme_outline_pairs[];
extern const size_t theme_n_outline_pairs;

static inline SDL_Color theme_color(const theme *t, size_t off)
{
    return *(const SDL_Color *)(const void *)((const char *)t + off);
}

/* Icon squares of category tiles (white letter on each); the contrast
 * theme draws them all in primary. */
#define THEME_N_TILE_COLOURS 12
SDL_Color theme_tile_colour(const theme *t, int i);

/* WCAG 2.x relative luminance of an opaque colour and the contrast ratio
 * of two, 1..21. */
double theme_luminance(SDL_Color c);
double theme_contrast(SDL_Color a, SDL_Color b);

/* Large-font factors promised to residents: body text >= 1.6x, every touch
 * target >= 1.5x. */
#define THEME_LARGE_TEXT 1.6f
#define THEME_LARGE_TARGET 1.5f

void theme_compute(theme *t, int w, int h, double font_scale, bool large,
                   bool contrast);

#endif
