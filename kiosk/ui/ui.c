#include "ui.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/utf8.h"
#include "ui/linebreak.h"
#include "ui/qr.h"

#define ELLIPSIS "\xE2\x80\xA6"

/* ---------------------------------------------------------------- frame -- */

static SDL_Rect clip_stack[8];
static bool clip_stack_h[8];
static int clip_depth;

void ui_init(ui *u, SDL_Renderer *r)
{
    memset(u, 0, sizeof *u);
    u->r = r;
}

void ui_forget_frame(ui *u)
{
    explicit_bzero(u->arena, sizeof u->arena);
    explicit_bzero(u->texts, sizeof u->texts);
    u->n_texts = 0;
    u->arena_used = 0;
    /* target labels point into the arena: now "" */
}

void ui_begin(ui *u)
{
    u->has_pad = false;
    u->n_targets = 0;
    u->n_texts = 0;
    u->n_scrolls = 0;
    u->arena_used = 0;
    u->layer = 0;
    u->top_layer = 0;
    u->next_group = 1;
    u->clipping = false;
    clip_depth = 0;
    SDL_RenderSetClipRect(u->r, NULL);
    SDL_SetRenderDrawColor(u->r, u->th.bg.r, u->th.bg.g, u->th.bg.b, 255);
    SDL_RenderClear(u->r);
}

void ui_end(ui *u)
{
    SDL_RenderSetClipRect(u->r, NULL);
    u->clipping = false;
    ui_focus_refind(u);
    ui_focus_draw(u);
}

static ui_scroll *fling;

void ui_reset_input(ui *u)
{
    u->down = false;
    u->has_pressed = false;
    u->drag = NULL;
    u->dragging = false;
    u->has_action = false;
    u->n_targets = u->n_texts = u->n_scrolls = 0;
    if (u->inking)
        ink_end(u->inking_pad.k);
    u->inking = false;
    u->has_pad = false;
    fling = NULL;
}

void ui_pad(ui *u, SDL_Rect r, ink *k, int action, intptr_t arg)
{
    u->pad.rect = r;
    u->pad.k = k;
    u->pad.action = action;
    u->pad.arg = arg;
    u->pad.layer = u->layer;
    u->has_pad = true;
}

void ui_layer_push(ui *u)
{
    u->layer++;
    if (u->layer > u->top_layer)
        u->top_layer = u->layer;
}

static const char *arena_dup(ui *u, const char *s, size_t len)
{
    if (u->arena_used + len + 1 > sizeof u->arena)
        return "";      /* the record is for tests; drawing goes on */
    char *d = u->arena + u->arena_used;
    memcpy(d, s, len);
    d[len] = '\0';
    u->arena_used += len + 1;
    return d;
}

static SDL_Rect screen_rect(const ui *u)
{
    SDL_Rect s = {0, 0, u->th.w, u->th.h};
    return s;
}

static bool visible_part(const ui *u, SDL_Rect r, SDL_Rect *out)
{
    SDL_Rect s = screen_rect(u), a;
    if (!SDL_IntersectRect(&r, &s, &a))
        return false;
    if (u->clipping && !SDL_IntersectRect(&a, &u->clip, &a))
        return false;
    *out = a;
    return true;
}

bool ui_visible(const ui *u, SDL_Rect r)
{
    SDL_Rect dummy;
    return visible_part(u, r, &dummy);
}

static bool same_rect(SDL_Rect a, SDL_Rect b)
{
    return a.x == b.x && a.y == b.y && a.w == b.w && a.h == b.h;
}

/* How the visible part vis of r was cut: along the scroll axis of the
 * clipping scroll area (*scrolled: the resident scrolls to see the rest),
 * or otherwise (*clipped: across that axis, by the screen's edge, or by a
 * clip that does not scroll). */
static void classify_cut(const ui *u, SDL_Rect r, SDL_Rect vis, bool *scrolled, bool *clipped)
{
    *scrolled = *clipped = false;
    if (same_rect(r, vis))
        return;
    /* cut by the screen beyond what a scroll area cuts: a layout fault */
    SDL_Rect in_clip;
    if (!u->clipping || !SDL_IntersectRect(&r, &u->clip, &in_clip) || !same_rect(in_clip, vis)) {
        *clipped = true;
        return;
    }
    bool cut_x = vis.x > r.x || vis.x + vis.w < r.x + r.w;
    bool cut_y = vis.y > r.y || vis.y + vis.h < r.y + r.h;
    if (u->clip_horizontal ? !cut_y : !cut_x)
        *scrolled = true;
    else
        *clipped = true;
}

/* The most common colour of the pixels in r (already on screen): what a
 * text about to be drawn there sits on. False when they cannot be read. */
static bool sample_background(ui *u, SDL_Rect r, SDL_Color *out)
{
    if (r.w <= 0 || r.h <= 0 || r.w > 4096 || r.h > 1024)
        return false;
    Uint32 *px = malloc((size_t)r.w * (size_t)r.h * sizeof *px);
    if (!px)
        return false;
    if (SDL_RenderReadPixels(u->r, &r, SDL_PIXELFORMAT_ARGB8888, px, r.w * 4) != 0) {
        free(px);
        return false;
    }
    /* a small open-addressed count table: backgrounds have few colours,
     * and anti-aliased edges that overflow it do not matter */
    enum { SLOTS = 64 };
    Uint32 key[SLOTS];
    int count[SLOTS] = {0};
    size_t n = (size_t)r.w * (size_t)r.h;
    for (size_t i = 0; i < n; i++) {
        Uint32 v = px[i] | 0xFF000000u;
        unsigned h = (unsigned)((v * 2654435761u) >> 26) % SLOTS;
        for (int k = 0; k < 8; k++, h = (h + 1) % SLOTS) {
            if (count[h] == 0) {
                key[h] = v;
                count[h] = 1;
                break;
            }
            if (key[h] == v) {
                count[h]++;
                break;
            }
        }
    }
    free(px);
    int best = -1;
    for (int i = 0; i < SLOTS; i++)
        if (count[i] && (best < 0 || count[i] > count[best]))
            best = i;
    if (best < 0)
        return false;
    Uint32 v = key[best];
    *out = (SDL_Color){(Uint8)(v >> 16), (Uint8)(v >> 8), (Uint8)v, 255};
    return true;
}

static ui_textrec *record_text(ui *u, SDL_Rect r, int group, const char *s, size_t len,
                               SDL_Color fg)
{
    SDL_Rect vis;
    if (u->n_texts >= UI_MAX_TEXTS || !visible_part(u, r, &vis))
        return NULL;
    ui_textrec *t = &u->texts[u->n_texts++];
    memset(t, 0, sizeof *t);
    t->rect = vis;
    t->group = group;
    t->layer = u->layer;
    t->text = arena_dup(u, s, len);
    t->fg = fg;
    classify_cut(u, r, vis, &t->scrolled, &t->clipped);
    if (u->sample_bg)
        t->bg_known = sample_background(u, vis, &t->bg);
    return t;
}

/* -------------------------------------------------------------- drawing -- */

void ui_fill(ui *u, SDL_Rect r, SDL_Color c)
{
    SDL_SetRenderDrawBlendMode(u->r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(u->r, c.r, c.g, c.b, c.a);
    SDL_RenderFillRect(u->r, &r);
}

void ui_dim(ui *u)
{
    SDL_Rect s = screen_rect(u);
    ui_fill(u, s, u->th.overlay);
}

/* Anti-aliased discs and rings, white with coverage in alpha, tinted at
 * draw time. One texture holds all four quadrants of a (2r x 2r) disc, so a
 * corner is a plain copy of a quarter of it: SDL_RenderCopyEx with a flip
 * was a third of a frame's instructions on the software renderer. A ring
 * (width > 0) draws a bordered corner without filling the corner twice. */
#define CORNER_SLOTS 12
static struct {
    SDL_Renderer *r;
    int radius, width;      /* width 0: solid disc */
    SDL_Texture *tex;
} corners[CORNER_SLOTS];
static int corner_next;

static float disc_coverage(float dist, float radius)
{
    float c = radius - dist + 0.5f;
    return c < 0 ? 0 : c > 1 ? 1 : c;
}

static SDL_Texture *corner_texture(ui *u, int radius, int width)
{
    for (int i = 0; i < CORNER_SLOTS; i++)
        if (corners[i].tex && corners[i].r == u->r && corners[i].radius == radius &&
            corners[i].width == width)
            return corners[i].tex;
    int side = 2 * radius;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, side, side, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s)
        return NULL;
    for (int y = 0; y < side; y++) {
        Uint32 *row = (Uint32 *)((Uint8 *)s->pixels + y * s->pitch);
        for (int x = 0; x < side; x++) {
            float dx = (float)radius - ((float)x + 0.5f);
            float dy = (float)radius - ((float)y + 0.5f);
            float d = sqrtf(dx * dx + dy * dy);
            float cov = disc_coverage(d, (float)radius);
            if (width > 0)
                cov -= disc_coverage(d, (float)(radius - width));
            if (cov < 0)
                cov = 0;
            row[x] = ((Uint32)(cov * 255.0f + 0.5f) << 24) | 0xFFFFFFu;
        }
    }
    SDL_Texture *t = SDL_CreateTextureFromSurface(u->r, s);
    SDL_FreeSurface(s);
    if (!t)
        return NULL;
    SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
    int slot = corner_next++ % CORNER_SLOTS;
    if (corners[slot].tex)
        SDL_DestroyTexture(corners[slot].tex);
    corners[slot].r = u->r;
    corners[slot].radius = radius;
    corners[slot].width = width;
    corners[slot].tex = t;
    return t;
}

/* The four corners of r from a disc or ring texture, tinted c. */
static void draw_corners(ui *u, SDL_Texture *t, SDL_Rect r, int radius, SDL_Color c)
{
    SDL_SetTextureColorMod(t, c.r, c.g, c.b);
    SDL_SetTextureAlphaMod(t, c.a);
    SDL_Rect src = {0, 0, radius, radius};
    SDL_Rect d = {r.x, r.y, radius, radius};
    SDL_RenderCopy(u->r, t, &src, &d);
    src.x = radius;
    d.x = r.x + r.w - radius;
    SDL_RenderCopy(u->r, t, &src, &d);
    src.y = radius;
    d.y = r.y + r.h - radius;
    SDL_RenderCopy(u->r, t, &src, &d);
    src.x = 0;
    d.x = r.x;
    SDL_RenderCopy(u->r, t, &src, &d);
}

static int clamp_radius(SDL_Rect r, int radius)
{
    if (radius * 2 > r.w)
        radius = r.w / 2;
    if (radius * 2 > r.h)
        radius = r.h / 2;
    return radius;
}

void ui_round(ui *u, SDL_Rect r, int radius, SDL_Color c)
{
    radius = clamp_radius(r, radius);
    SDL_Texture *t = radius > 1 ? corner_texture(u, radius, 0) : NULL;
    if (!t) {
        ui_fill(u, r, c);
        return;
    }
    SDL_Rect mid = {r.x, r.y + radius, r.w, r.h - 2 * radius};
    SDL_Rect top = {r.x + radius, r.y, r.w - 2 * radius, radius};
    SDL_Rect bot = {r.x + radius, r.y + r.h - radius, r.w - 2 * radius, radius};
    ui_fill(u, mid, c);
    ui_fill(u, top, c);
    ui_fill(u, bot, c);
    draw_corners(u, t, r, radius, c);
}

void ui_round_border(ui *u, SDL_Rect r, int radius, int width, SDL_Color border,
                     SDL_Color fill)
{
    radius = clamp_radius(r, radius);
    SDL_Texture *ring = radius > width && radius > 1 ? corner_texture(u, radius, width) : NULL;
    if (!ring || fill.a != 255) {
        /* translucent fills or tiny radii: the simple two-pass way */
        ui_round(u, r, radius, border);
        SDL_Rect in = {r.x + width, r.y + width, r.w - 2 * width, r.h - 2 * width};
        ui_round(u, in, radius > width ? radius - width : 0, fill);
        return;
    }
    /* fill once, then only the thin border on top */
    ui_round(u, r, radius, fill);
    ui_ring(u, r, radius, width, border);
}

void ui_ring(ui *u, SDL_Rect r, int radius, int width, SDL_Color border)
{
    radius = clamp_radius(r, radius);
    SDL_Texture *ring = radius > width && radius > 1 ? corner_texture(u, radius, width) : NULL;
    if (!ring)
        radius = 0;     /* square corners: the edges meet */
    SDL_Rect edges[4] = {
        {r.x + radius, r.y, r.w - 2 * radius, width},
        {r.x + radius, r.y + r.h - width, r.w - 2 * radius, width},
        {r.x, r.y + radius, width, r.h - 2 * radius},
        {r.x + r.w - width, r.y + radius, width, r.h - 2 * radius},
    };
    for (int i = 0; i < 4; i++)
        ui_fill(u, edges[i], border);
    if (ring)
        draw_corners(u, ring, r, radius, border);
}

/* ----------------------------------------------------------------- text -- */

typedef struct adv_ctx {
    int px;
    text_weight wt;
} adv_ctx;

static int advance_cb(void *ctx, uint32_t cp)
{
    adv_ctx *a = ctx;
    return text_advance(a->px, a->wt, cp);
}

/* Draws one line and records it; the record comes before the drawing so
 * that a sampled background is what lies under the text, not the text. */
static void draw_line(ui *u, const char *s, size_t len, int x, int y, int px,
                      text_weight wt, SDL_Color c, int group, bool ellipsised, bool overflows)
{
    int lh = text_line_height(px, wt);
    int box = text_ascent_box(px, wt);
    int w = text_width(s, len, px, wt);
    SDL_Rect r = {x, y, w, lh};
    if (!ui_visible(u, r))
        return;
    ui_textrec *t = record_text(u, r, group, s, len, c);
    if (t) {
        t->ellipsised = ellipsised;
        t->overflows = overflows;
    }
    text_draw(u->r, s, len, x, y + (lh - box) / 2, px, wt, c);
}

int ui_text(ui *u, const char *s, int x, int y, int w, int px, text_weight wt,
            SDL_Color c, ui_align align, bool ellipsis)
{
    size_t len = strlen(s);
    int tw = text_width(s, len, px, wt);
    char buf[512];
    const char *draw = s;
    if (ellipsis && tw > w) {
        int ew = text_width(ELLIPSIS, 3, px, wt);
        const char *p = s;
        int acc = 0;
        while (*p) {
            const char *q = p;
            int a = text_advance(px, wt, utf8_next(&q));
            if (acc + a + ew > w)
                break;
            acc += a;
            p = q;
        }
        size_t keep = (size_t)(p - s);
        if (keep > sizeof buf - 4)
            keep = utf8_truncate(s, sizeof buf - 4);
        memcpy(buf, s, keep);
        memcpy(buf + keep, ELLIPSIS, 4);
        draw = buf;
        len = keep + 3;
        tw = acc + ew;
    }
    int dx = x;
    if (align == UI_CENTER)
        dx = x + (w - tw) / 2;
    else if (align == UI_RIGHT)
        dx = x + w - tw;
    draw_line(u, draw, len, dx, y, px, wt, c, u->next_group++, draw != s, tw > w);
    return tw;
}

int ui_paragraph(ui *u, const char *s, int x, int y, int w, int px,
                 text_weight wt, SDL_Color c, ui_align align, bool draw)
{
    adv_ctx ctx = {px, wt};
    linebreak_line stack_lines[48];
    linebreak_line *lines = stack_lines;
    size_t n = linebreak_wrap(s, w, advance_cb, &ctx, lines, 48);
    if (n > 48) {
        lines = malloc(n * sizeof *lines);
        if (!lines)
            return 0;
        linebreak_wrap(s, w, advance_cb, &ctx, lines, n);
    }
    int lh = text_line_height(px, wt);
    if (draw) {
        int group = u->next_group++;
        for (size_t i = 0; i < n; i++) {
            int ly = y + (int)i * lh;
            SDL_Rect lr = {x, ly, w, lh};
            if (!ui_visible(u, lr))
                continue;
            int lx = x;
            if (align == UI_CENTER)
                lx = x + (w - lines[i].width) / 2;
            else if (align == UI_RIGHT)
                lx = x + w - lines[i].width;
            draw_line(u, s + lines[i].start, lines[i].len, lx, ly, px, wt, c, group, false,
                      lines[i].width > w);
        }
    }
    if (lines != stack_lines)
        free(lines);
    return (int)n * lh;
}

int ui_paragraph_max(ui *u, const char *s, int x, int y, int w, int px,
                     text_weight wt, SDL_Color c, ui_align align, int max_lines)
{
    adv_ctx ctx = {px, wt};
    linebreak_line lines[16];
    if (max_lines > 16)
        max_lines = 16;
    if (max_lines < 1)
        return 0;
    size_t n = linebreak_wrap(s, w, advance_cb, &ctx, lines, (size_t)max_lines);
    if (n <= (size_t)max_lines)
        return ui_paragraph(u, s, x, y, w, px, wt, c, align, true);
    int lh = text_line_height(px, wt);
    int group = u->next_group++;
    for (int i = 0; i < max_lines - 1; i++) {
        int lx = x;
        if (align == UI_CENTER)
            lx = x + (w - lines[i].width) / 2;
        else if (align == UI_RIGHT)
            lx = x + w - lines[i].width;
        draw_line(u, s + lines[i].start, lines[i].len, lx, y + i * lh, px, wt, c, group,
                  false, lines[i].width > w);
    }
    ui_text(u, s + lines[max_lines - 1].start, x, y + (max_lines - 1) * lh, w, px, wt, c,
            align, true);
    return max_lines * lh;
}

/* -------------------------------------------------------------- targets -- */

void ui_target_add(ui *u, SDL_Rect r, int action, intptr_t arg, const char *label)
{
    SDL_Rect vis;
    if (u->n_targets >= UI_MAX_TARGETS || !visible_part(u, r, &vis))
        return;
    ui_target *t = &u->targets[u->n_targets++];
    t->rect = vis;
    t->whole = r;
    t->action = action;
    t->arg = arg;
    t->layer = u->layer;
    t->enabled = true;
    t->label = label ? arena_dup(u, label, strlen(label)) : "";
    t->full = r;
    bool clipped;
    classify_cut(u, r, vis, &t->scrolled, &clipped);
}

bool ui_is_pressed(const ui *u, int action, intptr_t arg)
{
    return u->has_pressed && u->pressed_inside && u->pressed.action == action &&
           u->pressed.arg == arg && u->pressed.layer == u->layer;
}

void ui_button(ui *u, SDL_Rect r, const char *label, ui_style style, int action,
               intptr_t arg)
{
    const theme *th = &u->th;
    bool pressed = ui_is_pressed(u, action, arg);
    SDL_Color fg = th->text;
    switch (style) {
    case UI_PRIMARY:
        ui_round(u, r, th->radius, pressed ? th->primary_pressed : th->primary);
        fg = th->on_primary;
        break;
    case UI_DANGER:
        ui_round(u, r, th->radius, pressed ? th->primary_pressed : th->danger);
        fg = th->on_primary;
        break;
    case UI_SECONDARY:
        ui_round_border(u, r, th->radius, (int)(2 * th->u + 0.5f), th->border,
                        pressed ? th->pressed : th->surface);
        fg = th->primary;
        if (th->contrast)
            fg = th->text;
        break;
    case UI_QUIET:
        if (pressed)
            ui_round(u, r, th->radius, th->pressed);
        fg = th->primary;
        if (th->contrast)
            fg = th->text;
        break;
    }
    /* one or two lines at body size, else at the small size, else cut:
     * a button's label is what the resident is about to do */
    int inner = r.w - 2 * (th->pad / 2);
    const int sizes[2] = {th->text_body, th->text_small};
    for (int i = 0; i < 2; i++) {
        int h = ui_paragraph(u, label, 0, 0, inner, sizes[i], TEXT_BOLD, fg, UI_CENTER, false);
        if (h <= r.h || (i == 0 && h <= text_line_height(sizes[i], TEXT_BOLD))) {
            ui_paragraph(u, label, r.x + th->pad / 2, r.y + (r.h - h) / 2, inner, sizes[i],
                         TEXT_BOLD, fg, UI_CENTER, true);
            ui_target_add(u, r, action, arg, label);
            return;
        }
    }
    int lh = text_line_height(th->text_small, TEXT_BOLD);
    ui_text(u, label, r.x + th->pad / 2, r.y + (r.h - lh) / 2, inner, th->text_small,
            TEXT_BOLD, fg, UI_CENTER, true);
    ui_target_add(u, r, action, arg, label);
}

/* ------------------------------------------------------------------- QR -- */

static struct { SDL_Renderer *r; char *text; SDL_Texture *tex; int size; } qr_cache[4];
static int qr_next;

static SDL_Texture *qr_texture(ui *u, const char *text, int *modules)
{
    for (int i = 0; i < 4; i++)
        if (qr_cache[i].tex && qr_cache[i].r == u->r && !strcmp(qr_cache[i].text, text)) {
            *modules = qr_cache[i].size;
            return qr_cache[i].tex;
        }
    QRcode *qr = qr_encode(text);
    if (!qr)
        return NULL;
    int quiet = QR_QUIET_MODULES, n = qr->width + 2 * quiet;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, n, n, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s) {
        QRcode_free(qr);
        return NULL;
    }
    for (int y = 0; y < n; y++) {
        Uint32 *row = (Uint32 *)((Uint8 *)s->pixels + y * s->pitch);
        for (int x = 0; x < n; x++) {
            int mx = x - quiet, my = y - quiet;
            bool dark = mx >= 0 && my >= 0 && mx < qr->width && my < qr->width &&
                        (qr->data[my * qr->width + mx] & 1);
            row[x] = dark ? 0xFF000000u : 0xFFFFFFFFu;
        }
    }
    QRcode_free(qr);
    SDL_Texture *t = SDL_CreateTextureFromSurface(u->r, s);
    SDL_FreeSurface(s);
    if (!t)
        return NULL;
    /* modules must stay crisp squares when scaled up */
    SDL_SetTextureScaleMode(t, SDL_ScaleModeNearest);
    int slot = qr_next++ % 4;
    if (qr_cache[slot].tex)
        SDL_DestroyTexture(qr_cache[slot].tex);
    free(qr_cache[slot].text);
    qr_cache[slot].r = u->r;
    qr_cache[slot].text = strdup(text);
    qr_cache[slot].tex = qr_cache[slot].text ? t : NULL;
    qr_cache[slot].size = n;
    if (!qr_cache[slot].tex) {
        SDL_DestroyTexture(t);
        return NULL;
    }
    *modules = n;
    return t;
}

void ui_qr(ui *u, SDL_Rect r, const char *text)
{
    int n = 0;
    SDL_Texture *t = qr_texture(u, text, &n);
    if (!t || n == 0)
        return;
    int side = r.w < r.h ? r.w : r.h;
    int scale = side / n;           /* whole pixels per module */
    if (scale < 1)
        scale = 1;
    SDL_Rect d = {r.x + (r.w - n * scale) / 2, r.y + (r.h - n * scale) / 2,
                  n * scale, n * scale};
    SDL_RenderCopy(u->r, t, NULL, &d);
}

/* --------------------------------------------------------------- scroll -- */

static float scroll_max(const ui_scroll *s)
{
    return s->content > s->view ? (float)(s->content - s->view) : 0.0f;
}

static void scroll_clamp(ui_scroll *s)
{
    float m = scroll_max(s);
    if (s->offset > m) {
        s->offset = m;
        s->velocity = 0;
    }
    if (s->offset < 0) {
        s->offset = 0;
        s->velocity = 0;
    }
}

int ui_scroll_begin(ui *u, ui_scroll *s, SDL_Rect view, int content)
{
    s->content = content;
    s->view = s->horizontal ? view.w : view.h;
    scroll_clamp(s);
    SDL_Rect vis;
    if (u->n_scrolls < UI_MAX_SCROLLS && visible_part(u, view, &vis)) {
        u->scrolls[u->n_scrolls].s = s;
        u->scrolls[u->n_scrolls].rect = vis;
        u->scrolls[u->n_scrolls].layer = u->layer;
        u->n_scrolls++;
    }
    if (clip_depth < 8) {
        clip_stack_h[clip_depth] = u->clip_horizontal;
        clip_stack[clip_depth++] = u->clipping ? u->clip : screen_rect(u);
    }
    SDL_Rect c = view;
    if (u->clipping)
        SDL_IntersectRect(&view, &u->clip, &c);
    u->clip = c;
    u->clipping = true;
    u->clip_horizontal = s->horizontal;
    SDL_RenderSetClipRect(u->r, &c);
    return (int)(s->offset + 0.5f);
}

/* More below: a thin bar alone is missed by many older residents (issue
 * 12), so the last lines fade into the page and a round arrow button-like
 * badge sits at the bottom edge, centred. Neither is a target: a tap goes
 * to what is under it, and dragging scrolls as anywhere else. Drawn while
 * anything is left below; gone at the end. */
static void more_below_cue(ui *u, const ui_scroll *s, SDL_Rect view)
{
    const theme *th = &u->th;
    if (s->offset >= (float)(s->content - s->view) - 1.0f || view.h < 2 * th->target)
        return;
    int fade = th->target / 2;
    SDL_Color bg = th->bg;
    SDL_Vertex v[4];
    float x0 = (float)view.x, x1 = (float)(view.x + view.w);
    float y0 = (float)(view.y + view.h - fade), y1 = (float)(view.y + view.h);
    SDL_Color clear = {bg.r, bg.g, bg.b, 0}, solid = {bg.r, bg.g, bg.b, 235};
    v[0] = (SDL_Vertex){{x0, y0}, clear, {0, 0}};
    v[1] = (SDL_Vertex){{x1, y0}, clear, {0, 0}};
    v[2] = (SDL_Vertex){{x1, y1}, solid, {0, 0}};
    v[3] = (SDL_Vertex){{x0, y1}, solid, {0, 0}};
    static const int quad[6] = {0, 1, 2, 0, 2, 3};
    SDL_SetRenderDrawBlendMode(u->r, SDL_BLENDMODE_BLEND);
    SDL_RenderGeometry(u->r, NULL, v, 4, quad, 6);
    /* the badge: the primary colour with a white arrow (yellow and black
     * in high contrast), outlined so it stands out on any page (3:1). At
     * the right end, next to the position bar: text starts on the left and
     * QR codes and headings sit in the middle, so it hides least there. */
    int d = th->target * 3 / 5;
    SDL_Rect b = {view.x + view.w - d - th->gap / 4, view.y + view.h - d - th->gap / 4, d, d};
    int ring = (int)(2 * th->u + 0.5f);
    ui_round_border(u, b, d / 2, ring < 2 ? 2 : ring, th->contrast ? th->text : th->surface,
                    th->primary);
    SDL_Color fg = th->on_primary;
    float cx = b.x + d / 2.0f, cy = b.y + d / 2.0f, r = d * 0.22f;
    SDL_Vertex arrow[3] = {
        {{cx - r * 1.3f, cy - r * 0.55f}, fg, {0, 0}},
        {{cx + r * 1.3f, cy - r * 0.55f}, fg, {0, 0}},
        {{cx, cy + r * 0.95f}, fg, {0, 0}},
    };
    SDL_RenderGeometry(u->r, NULL, arrow, 3, NULL, 0);
}

void ui_scroll_end(ui *u, ui_scroll *s, SDL_Rect view)
{
    SDL_Rect prev = screen_rect(u);
    if (clip_depth > 0) {
        prev = clip_stack[--clip_depth];
        u->clip_horizontal = clip_stack_h[clip_depth];
    }
    u->clip = prev;
    u->clipping = clip_depth > 0;
    SDL_RenderSetClipRect(u->r, u->clipping ? &u->clip : NULL);
    if (s->content <= s->view || s->view <= 0)
        return;
    /* a slim position indicator: residents must see there is more */
    const theme *th = &u->th;
    int thick = (int)(8 * th->u + 0.5f);
    if (thick < 3)
        thick = 3;
    float frac = (float)s->view / (float)s->content;
    float pos = s->offset / (float)s->content;
    SDL_Color c = th->muted;
    c.a = 160;
    if (!s->horizontal) {
        int len = (int)(view.h * frac), at = view.y + (int)(view.h * pos);
        if (len < thick * 4)
            len = thick * 4;
        /* in the page margin right of the view, not over the content */
        SDL_Rect bar = {view.x + view.w + thick / 2, at, thick, len};
        ui_round(u, bar, thick / 2, c);
        more_below_cue(u, s, view);
    } else {
        int len = (int)(view.w * frac), at = view.x + (int)(view.w * pos);
        if (len < thick * 4)
            len = thick * 4;
        SDL_Rect bar = {at, view.y + view.h - thick - 2, len, thick};
        ui_round(u, bar, thick / 2, c);
    }
}

/* ---------------------------------------------------------------- input -- */

static bool in_rect(SDL_Rect r, int x, int y)
{
    return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

bool ui_pointer_down(ui *u, int x, int y)
{
    ui_focus_hide(u);   /* touch users never see the ring */
    /* the writing pad takes its touches whole: a stroke is neither a tap
     * nor a scroll */
    if (u->has_pad && u->pad.layer == u->top_layer && in_rect(u->pad.rect, x, y)) {
        u->inking_pad = u->pad;
        u->inking = ink_begin(u->pad.k, x - u->pad.rect.x, y - u->pad.rect.y);
        u->down = u->inking;
        u->has_pressed = false;
        u->dragging = false;
        u->drag = NULL;
        return true;
    }
    u->down = true;
    u->down_x = u->last_x = x;
    u->down_y = u->last_y = y;
    u->last_move_ms = clock_now_ms();
    u->has_pressed = false;
    u->dragging = false;
    u->drag = NULL;
    /* A touch that stops a moving list only stops it: the resident was
     * aiming at the motion, not at the row that happened to be under it. */
    bool stopping_fling = fling && fabsf(fling->velocity) > 100.0f;
    /* later records are drawn on top: search from the end */
    for (int i = u->n_targets - 1; i >= 0 && !stopping_fling; i--) {
        const ui_target *t = &u->targets[i];
        if (t->layer == u->top_layer && t->enabled && in_rect(t->rect, x, y)) {
            u->pressed = *t;
            u->pressed.label = NULL;    /* the arena is rebuilt each frame */
            u->has_pressed = true;
            u->pressed_inside = true;
            break;
        }
    }
    for (int i = u->n_scrolls - 1; i >= 0; i--)
        if (u->scrolls[i].layer == u->top_layer && in_rect(u->scrolls[i].rect, x, y)) {
            u->drag = u->scrolls[i].s;
            u->drag->velocity = 0;      /* a touch stops a fling */
            break;
        }
    if (fling && fling != u->drag)
        fling->velocity = 0;
    fling = NULL;
    return true;
}

bool ui_pointer_move(ui *u, int x, int y)
{
    if (!u->down)
        return false;
    if (u->inking) {
        ink_add(u->inking_pad.k, x - u->inking_pad.rect.x, y - u->inking_pad.rect.y);
        return true;
    }
    uint64_t now = clock_now_ms();
    bool redraw = false;
    if (!u->dragging) {
        int dx = x - u->down_x, dy = y - u->down_y;
        int slop = (int)(20 * u->th.u + 0.5f);
        bool far = dx * dx + dy * dy > slop * slop;
        if (far && u->drag) {
            u->dragging = true;
            u->has_pressed = false;     /* a drag never also taps */
            redraw = true;
            /* the content catches up with the finger: the way moved inside
             * the slop counts too (but not towards the fling velocity) */
            ui_scroll *s = u->drag;
            s->offset += s->horizontal ? (float)(u->down_x - u->last_x)
                                       : (float)(u->down_y - u->last_y);
            scroll_clamp(s);
        } else if (u->has_pressed) {
            bool inside = in_rect(u->pressed.rect, x, y);
            if (inside != u->pressed_inside) {
                u->pressed_inside = inside;
                redraw = true;
            }
        }
    }
    if (u->dragging && u->drag) {
        ui_scroll *s = u->drag;
        float delta = s->horizontal ? (float)(u->last_x - x) : (float)(u->last_y - y);
        s->offset += delta;
        scroll_clamp(s);
        float dt = (float)(now - u->last_move_ms);
        if (dt < 1)
            dt = 1;
        float inst = delta * 1000.0f / dt;
        s->velocity = 0.6f * inst + 0.4f * s->velocity;
        redraw = true;
    }
    u->last_x = x;
    u->last_y = y;
    u->last_move_ms = now;
    return redraw;
}

bool ui_pointer_up(ui *u, int x, int y)
{
    if (!u->down)
        return false;
    if (u->inking) {
        ink_add(u->inking_pad.k, x - u->inking_pad.rect.x, y - u->inking_pad.rect.y);
        ink_end(u->inking_pad.k);
        u->inking = false;
        u->down = false;
        u->has_action = true;
        u->action = u->inking_pad.action;
        u->action_arg = u->inking_pad.arg;
        return true;
    }
    /* measured before the final move below, which resets last_move_ms */
    uint64_t rested = clock_now_ms() - u->last_move_ms;
    ui_pointer_move(u, x, y);
    u->down = false;
    if (u->dragging && u->drag) {
        /* a finger that rested before lifting means "stop here" */
        if (rested > 80)
            u->drag->velocity = 0;
        if (fabsf(u->drag->velocity) > 50.0f)
            fling = u->drag;
    } else if (u->has_pressed && in_rect(u->pressed.rect, x, y)) {
        u->has_action = true;
        u->action = u->pressed.action;
        u->action_arg = u->pressed.arg;
    }
    u->has_pressed = false;
    u->dragging = false;
    u->drag = NULL;
    return true;
}

bool ui_animate(ui *u, int dt_ms)
{
    (void)u;
    if (!fling)
        return false;
    ui_scroll *s = fling;
    s->offset += s->velocity * (float)dt_ms / 1000.0f;
    /* exponential decay: about a third of the speed is left after 300 ms */
    s->velocity *= expf(-(float)dt_ms / 280.0f);
    scroll_clamp(s);
    if (fabsf(s->velocity) < 20.0f) {
        s->velocity = 0;
        fling = NULL;
        return false;
    }
    return true;
}

bool ui_take_action(ui *u, int *action, intptr_t *arg)
{
    if (!u->has_action)
        return false;
    u->has_action = false;
    *action = u->action;
    *arg = u->action_arg;
    return true;
}

/* -------------------------------------------------------------- queries -- */

const ui_target *ui_find_target(const ui *u, const char *text)
{
    const ui_target *partial = NULL;
    for (int i = u->n_targets - 1; i >= 0; i--) {
        const ui_target *t = &u->targets[i];
        if (t->layer != u->top_layer || !t->enabled)
            continue;
        if (!strcmp(t->label, text))
            return t;
        if (!partial && *t->label && strstr(t->label, text))
            partial = t;
    }
    if (partial)
        return partial;
    /* text drawn inside a target (a tile's second line, say) */
    for (int i = 0; i < u->n_texts; i++) {
        const ui_textrec *x = &u->texts[i];
        if (x->layer != u->top_layer || !strstr(x->text, text))
            continue;
        int cx = x->rect.x + x->rect.w / 2, cy = x->rect.y + x->rect.h / 2;
        for (int j = u->n_targets - 1; j >= 0; j--) {
            const ui_target *t = &u->targets[j];
            if (t->layer == u->top_layer && t->enabled && in_rect(t->rect, cx, cy))
                return t;
        }
    }
    return NULL;
}

bool ui_text_visible(const ui *u, const char *text)
{
    for (int i = 0; i < u->n_texts; i++)
        if (strstr(u->texts[i].text, text))
            return true;
    /* across the lines of one wrapped paragraph */
    char buf[4096];
    for (int i = 0; i < u->n_texts; i++) {
        int g = u->texts[i].group;
        if (i > 0 && u->texts[i - 1].group == g)
            continue;   /* start of a group only */
        /* a wrapped Latin line lost its space at the break -- unless it
         * was broken after '/' or '-' or inside a word: try both joins */
        for (int space = 1; space >= 0; space--) {
            size_t n = 0;
            for (int j = i; j < u->n_texts && u->texts[j].group == g; j++) {
                size_t l = strlen(u->texts[j].text);
                if (n + l + 2 > sizeof buf)
                    break;
                if (space && n > 0 && (unsigned char)buf[n - 1] < 0x80 &&
                    (unsigned char)u->texts[j].text[0] < 0x80)
                    buf[n++] = ' ';
                memcpy(buf + n, u->texts[j].text, l);
                n += l;
            }
            buf[n] = '\0';
            if (strstr(buf, text))
                return true;
        }
    }
    return false;
}

void ui_dump_text(const ui *u, FILE *out)
{
    for (int i = 0; i < u->n_texts; i++)
        fprintf(out, "  [%d,%d %dx%d] %s\n", u->texts[i].rect.x, u->texts[i].rect.y,
                u->texts[i].rect.w, u->texts[i].rect.h, u->texts[i].text);
}
