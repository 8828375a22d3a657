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

    /* Both palettes hold every pair of theme_text_pairs to 7:1 and every
     * outline of theme_outline_pairs to 3:1 (test_theme checks). The
     * government blue is a darker shade than before (0x1659B8 gave white
     * text 6.7:1 and 4.7:1 on the status-bar switches); status colours
     * went darker the same way. */
    if (!contrast) {
        t->bg = rgb(0xF2F5FA);
        t->surface = rgb(0xFFFFFF);
        t->surface_alt = rgb(0xEEF2F8);
        t->pressed = rgb(0xDCE6F5);
        t->border = rgb(0x6B7A8F);          /* 3.9:1 or more on bg, surfaces */
        t->primary = rgb(0x0A4596);         /* government blue */
        t->primary_pressed = rgb(0x06306C);
        t->on_primary = rgb(0xFFFFFF);
        t->text = rgb(0x1B2430);
        t->muted = rgb(0x3D4857);
        t->accent = rgb(0xC8102E);          /* national red, marks only, never text */
        t->ok = rgb(0x125A26);
        t->warn = rgb(0x7F3600);
        t->danger = rgb(0x9A1212);
        t->overlay = (SDL_Color){0, 0, 0, 150};
        t->ok_soft = rgb(0xE9F0EB);
        t->info_soft = rgb(0xE8EEF7);
    } else {
        /* white and yellow on black */
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
        t->danger = rgb(0xFF9494);          /* 0xFF7A7A was 6.3:1 on surface_alt */
        t->overlay = (SDL_Color){0, 0, 0, 200};
        t->ok_soft = rgb(0x0B2A0B);
        t->info_soft = rgb(0x222222);
    }
}

/* Darker shades of the earlier icon colours: white on each is 7:1 or more. */
static const unsigned tile_colours[THEME_N_TILE_COLOURS] = {
    0x0A4596, 0x115E59, 0x8A3A00, 0x6227C9, 0x9F1239, 0x065F46,
    0x1E40AF, 0x7C2D12, 0x3F6212, 0x155E75, 0x86198F, 0x374151,
};

SDL_Color theme_tile_colour(const theme *t, int i)
{
    if (t->contrast)
        return t->primary;
    if (i < 0)
        i = -i;
    return rgb(tile_colours[i % THEME_N_TILE_COLOURS]);
}

#define P(fg_, bg_) {#fg_ " on " #bg_, offsetof(theme, fg_), offsetof(theme, bg_)}

/* What the screens draw: body and secondary text on every surface,
 * labels of secondary and quiet buttons (primary; text in high contrast),
 * white (black) on filled buttons, the status bar and its switches
 * (on_primary on primary; text on bg in high contrast), status texts
 * (ok, warn, danger) on the page and on cards, badges on their soft
 * backgrounds. */
const theme_pair theme_text_pairs[] = {
    P(text, bg), P(text, surface), P(text, surface_alt), P(text, pressed),
    P(muted, bg), P(muted, surface), P(muted, surface_alt), P(muted, pressed),
    P(primary, bg), P(primary, surface), P(primary, surface_alt), P(primary, pressed),
    P(primary, info_soft), P(text, info_soft), P(muted, info_soft),
    P(on_primary, primary), P(on_primary, primary_pressed), P(on_primary, danger),
    P(ok, bg), P(ok, surface), P(ok, surface_alt), P(ok, ok_soft),
    P(warn, bg), P(warn, surface), P(warn, surface_alt),
    P(danger, bg), P(danger, surface), P(danger, surface_alt),
};
const size_t theme_n_text_pairs = sizeof theme_text_pairs / sizeof *theme_text_pairs;

/* Outlines: borders of secondary buttons, cards and tiles on the page and
 * on the header; the primary ring of input fields; the status-bar
 * switches' ring (on_primary on primary; border on bg in high contrast). */
const theme_pair theme_outline_pairs[] = {
    P(border, bg), P(border, surface), P(border, surface_alt),
    P(primary, bg), P(primary, surface),
    P(on_primary, primary), P(danger, surface),
};
const size_t theme_n_outline_pairs = sizeof theme_outline_pairs / sizeof *theme_outline_pairs;

static double channel(Uint8 v)
{
    double c = v / 255.0;
    return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

double theme_luminance(SDL_Color c)
{
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

double theme_contrast(SDL_Color a, SDL_Color b)
{
    double la = theme_luminance(a), lb = theme_luminance(b);
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}
