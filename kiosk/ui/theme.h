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
} theme;

/* Large-font factors promised to residents: body text >= 1.6x, every touch
 * target >= 1.5x. */
#define THEME_LARGE_TEXT 1.6f
#define THEME_LARGE_TARGET 1.5f

void theme_compute(theme *t, int w, int h, double font_scale, bool large,
                   bool contrast);

#endif
