#include "a11y.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ui/theme.h"

double a11y_mm_per_px(double inches, int w, int h)
{
    double px = sqrt((double)w * w + (double)h * h);
    return px > 0 ? inches * 25.4 / px : 0;
}

typedef struct sink {
    char *out;
    size_t size, used;
    int n;
} sink;

static void finding(sink *k, const char *fmt, ...)
{
    k->n++;
    if (!k->out || k->used + 1 >= k->size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(k->out + k->used, k->size - k->used, fmt, ap);
    va_end(ap);
    if (w < 0)
        return;
    k->used += (size_t)w;
    if (k->used >= k->size)
        k->used = k->size - 1;
    if (k->used + 1 < k->size) {
        k->out[k->used++] = '\n';
        k->out[k->used] = '\0';
    }
}

static bool inside(SDL_Rect r, int x, int y)
{
    return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

/* A target's name for a finding: its label, else the first top-layer text
 * drawn inside it, else its place. */
static const char *target_name(const ui *u, const ui_target *t, char *buf, size_t size)
{
    if (t->label && *t->label)
        return t->label;
    for (int i = 0; i < u->n_texts; i++) {
        const ui_textrec *x = &u->texts[i];
        if (x->layer == t->layer && *x->text &&
            inside(t->rect, x->rect.x + x->rect.w / 2, x->rect.y + x->rect.h / 2))
            return x->text;
    }
    snprintf(buf, size, "(unlabelled at %d,%d)", t->rect.x, t->rect.y);
    return buf;
}

/* Pixels between two rects; negative when they overlap. */
static int gap_between(SDL_Rect a, SDL_Rect b)
{
    int dx = b.x - (a.x + a.w), dx2 = a.x - (b.x + b.w);
    int dy = b.y - (a.y + a.h), dy2 = a.y - (b.y + b.h);
    int g = dx > dx2 ? dx : dx2;
    int gy = dy > dy2 ? dy : dy2;
    return g > gy ? g : gy;
}

static void check_targets(const ui *u, double mm, sink *k)
{
    char b1[48], b2[48];
    for (int i = 0; i < u->n_targets; i++) {
        const ui_target *t = &u->targets[i];
        if (t->layer != u->top_layer || !t->enabled)
            continue;
        /* partly scrolled out of view: as big as it is laid out */
        SDL_Rect r = t->scrolled ? t->full : t->rect;
        double w = r.w * mm, h = r.h * mm;
        if (w < A11Y_MIN_TARGET_MM || h < A11Y_MIN_TARGET_MM)
            finding(k, "target \"%s\" is %.1f x %.1f mm (%dx%d px), under %.0f mm",
                    target_name(u, t, b1, sizeof b1), w, h, r.w, r.h, A11Y_MIN_TARGET_MM);
        for (int j = i + 1; j < u->n_targets; j++) {
            const ui_target *o = &u->targets[j];
            if (o->layer != u->top_layer || !o->enabled)
                continue;
            int g = gap_between(t->rect, o->rect);
            if (g * mm < A11Y_MIN_SPACING_MM) {
                if (g < 0)
                    finding(k, "targets \"%s\" and \"%s\" overlap",
                            target_name(u, t, b1, sizeof b1), target_name(u, o, b2, sizeof b2));
                else
                    finding(k, "targets \"%s\" and \"%s\" are %.1f mm (%d px) apart, under %.0f mm",
                            target_name(u, t, b1, sizeof b1), target_name(u, o, b2, sizeof b2),
                            g * mm, g, A11Y_MIN_SPACING_MM);
            }
        }
    }
}

/* A translucent text colour as it lands on bg. */
static SDL_Color over(SDL_Color fg, SDL_Color bg)
{
    if (fg.a == 255)
        return fg;
    SDL_Color c = {(Uint8)((fg.r * fg.a + bg.r * (255 - fg.a) + 127) / 255),
                   (Uint8)((fg.g * fg.a + bg.g * (255 - fg.a) + 127) / 255),
                   (Uint8)((fg.b * fg.a + bg.b * (255 - fg.a) + 127) / 255), 255};
    return c;
}

static void check_texts(const ui *u, sink *k)
{
    for (int i = 0; i < u->n_texts; i++) {
        const ui_textrec *t = &u->texts[i];
        if (t->layer != u->top_layer)
            continue;
        if (!t->bg_known) {
            finding(k, "text \"%s\": background not sampled", t->text);
        } else {
            SDL_Color fg = over(t->fg, t->bg);
            double r = theme_contrast(fg, t->bg);
            if (r < THEME_MIN_TEXT_CONTRAST)
                finding(k, "text \"%s\" is %.2f:1 (#%02X%02X%02X on #%02X%02X%02X), under %.0f:1",
                        t->text, r, fg.r, fg.g, fg.b, t->bg.r, t->bg.g, t->bg.b,
                        THEME_MIN_TEXT_CONTRAST);
        }
        if (t->ellipsised)
            finding(k, "text \"%s\" is cut with an ellipsis", t->text);
        else if (t->overflows)
            finding(k, "text \"%s\" is wider than its box", t->text);
        if (t->clipped)
            finding(k, "text \"%s\" is clipped at %d,%d %dx%d", t->text, t->rect.x, t->rect.y,
                    t->rect.w, t->rect.h);
    }
}

int a11y_check(const ui *u, double mm_per_px, char *out, size_t out_size)
{
    sink k = {out, out_size, 0, 0};
    if (out && out_size)
        out[0] = '\0';
    check_targets(u, mm_per_px, &k);
    check_texts(u, &k);
    if (k.used > 0 && k.used < out_size && out[k.used - 1] == '\n')
        out[k.used - 1] = '\0';
    return k.n;
}
