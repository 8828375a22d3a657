#include "theme.h"

#include <math.h>

static SDL_Color rgb(unsigned v)
{
    SDL_Color c = {(Uint8)(v >> 16), (Uint8)(v >> 8), (Uint8)v, 255};
    return c;
}

static int px(float u, float v)
{
    return (int)(u * v + 0.5f);
}

/* Text sizes round up: the large-font promise (>= 1.6x) must hold after
 * rounding to whole pixels, not just before it. */
static int px_up(float u, float v)
{
    return (int)ceilf(u * v - 0.001f);
}

void theme_compute(theme *t, int w, int h, double font_scale, bool large,
                   bool contrast)
{
    t->w = w;
    t->h = h;
    t->portrait = h > w;
    t->large = large;
    t->contrast = contrast;
    t->u = (float)(w < h ? w : h) / 1080.0f;
    float u = t->u;
    float ts = (float)font_scale * (large ? THEME_LARGE_TEXT : 1.0f);
    /* Titles grow less than body text in large mode: they are already big
     * and must still fit one line of the header. */
    float tt = (float)font_scale * (large ? 1.35f : 1.0f);
    float tg = large ? THEME_LARGE_TARGET : 1.0f;

    t->text_small = px_up(u * ts, 26);
    t->text_body = px_up(u * ts, 32);
    t->text_heading = px_up(u * ts, 36);
    t->text_title = px(u * tt, 46);
    t->text_display = px(u * tt, 60);
    t->target = px(u * tg, 96);
    t->pad = px(u, 32);
    t->gap = px(u, 20);
    t->radius = px(u, 18);
    t->status_h = px(u * tg, 76);
    t->header_h = px(u * tg, 120);

    if (!contrast) {
        t->bg = rgb(0xF2F5FA);
        t->surface = rgb(0xFFFFFF);
        t->surface_alt = rgb(0xE8EEF7);
        t->pressed = rgb(0xC9D8EE);
        t->border = rgb(0xD0D8E4);
        t->primary = rgb(0x1659B8);         /* government blue */
        t->primary_pressed = rgb(0x0E3F86);
        t->on_primary = rgb(0xFFFFFF);
        t->text = rgb(0x1B2430);
        t->muted = rgb(0x5A6675);
        t->accent = rgb(0xC8102E);          /* national red, sparingly */
        t->ok = rgb(0x1E7B34);
        t->warn = rgb(0xB45309);
        t->danger = rgb(0xB91C1C);
        t->overlay = (SDL_Color){0, 0, 0, 150};
    } else {
        /* WCAG AAA-level contrast: white and yellow on black */
        t->bg = rgb(0x000000);
        t->surface = rgb(0x111111);
        t->surface_alt = rgb(0x222222);
        t->pressed = rgb(0x444400);
        t->border = rgb(0xFFFFFF);
        t->primary = rgb(0xFFE14D);
        t->primary_pressed = rgb(0xFFFFFF);
        t->on_primary = rgb(0x000000);
        t->text = rgb(0xFFFFFF);
        t->muted = rgb(0xE0E0E0);
        t->accent = rgb(0xFFE14D);
        t->ok = rgb(0x7CFC7C);
        t->warn = rgb(0xFFB347);
        t->danger = rgb(0xFF7A7A);
        t->overlay = (SDL_Color){0, 0, 0, 200};
    }
}
