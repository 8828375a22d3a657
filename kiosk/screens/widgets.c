#include "widgets.h"

#include <string.h>

#include "common/utf8.h"
#include "i18n/i18n.h"
#include "ui/icons.h"

#define TILE_NAME_LINES 3

static bool tile_compact(const ui *u);
static int tile_text_width(const ui *u, int w);

/* A category's name at the heading size, or one step down when it needs
 * more than TILE_NAME_LINES lines there ("Employment and Entrepreneurship"
 * in a narrow tile: the long word alone is wider than a line), and one more
 * step if need be: a name is what residents choose by, so it
 * shrinks before it is cut. */
static int tile_name_px(ui *u, int inner, const char *name)
{
    const theme *th = &u->th;
    const int sizes[3] = {th->text_heading, th->text_body, th->text_small};
    for (int i = 0; i < 2; i++) {
        int lh = text_line_height(sizes[i], TEXT_BOLD);
        if (ui_paragraph(u, name, 0, 0, inner, sizes[i], TEXT_BOLD, th->text, UI_LEFT, false) <=
            TILE_NAME_LINES * lh)
            return sizes[i];
    }
    return sizes[2];
}

int widget_tile_name_height(ui *u, int w, const char *name)
{
    int inner = tile_text_width(u, w);
    int px = tile_name_px(u, inner, name);
    int lh = text_line_height(px, TEXT_BOLD);
    int h = ui_paragraph(u, name, 0, 0, inner, px, TEXT_BOLD, u->th.text, UI_LEFT, false);
    return h > TILE_NAME_LINES * lh ? TILE_NAME_LINES * lh : h;
}

/* Landscape panels are short: tiles put the icon beside the name instead
 * of above it, so all categories fit without scrolling. */
static bool tile_compact(const ui *u)
{
    return !u->th.portrait;
}

static int tile_text_width(const ui *u, int w)
{
    const theme *th = &u->th;
    int inner = w - 2 * th->pad;
    return tile_compact(u) ? inner - th->target - th->gap : inner;
}

/* Outline width of cards and tiles: two design units, at least 2 px, in
 * every theme -- a hairline is lost on a bright panel. */
static int widget_outline(const theme *th)
{
    int w = (int)(2 * th->u + 0.5f);
    return w < 2 ? 2 : w;
}

int widget_tile_height(ui *u, int name_h)
{
    const theme *th = &u->th;
    int sub = text_line_height(th->text_small, TEXT_REGULAR);
    if (tile_compact(u)) {
        int text = name_h + sub;
        return th->pad + (text > th->target ? text : th->target) + th->pad;
    }
    return th->pad + th->target + th->gap / 2 + name_h + sub + th->pad;
}

void widget_tile(ui *u, SDL_Rect r, int index, const char *icon_name, const char *name,
                 const char *sub, int name_h, int action, intptr_t arg)
{
    const theme *th = &u->th;
    bool pressed = ui_is_pressed(u, action, arg);
    ui_round_border(u, r, th->radius, widget_outline(th), th->border,
                    pressed ? th->pressed : th->surface);
    int inner = tile_text_width(u, r.w);
    int y = r.y + th->pad;
    bool compact = tile_compact(u);
    int sub_h = text_line_height(th->text_small, TEXT_REGULAR);
    if (compact)
        y = r.y + (r.h - th->target) / 2;

    /* the catalogue's pictogram, in the text colour of a primary button on
     * a coloured square: a picture residents find a category by before
     * they read its name (a first letter repeated S/S, H/H told nothing) */
    SDL_Color ic = theme_tile_colour(th, index);
    SDL_Rect icon = {r.x + th->pad, y, th->target, th->target};
    ui_round(u, icon, th->radius, ic);
    int inset = th->target / 8;
    SDL_Rect pic = {icon.x + inset, icon.y + inset, icon.w - 2 * inset, icon.h - 2 * inset};
    icons_draw(u, icon_name, pic, th->on_primary);
    int tx = r.x + th->pad;
    if (compact) {
        tx += th->target + th->gap;
        y = r.y + (r.h - name_h - sub_h) / 2;
    } else {
        y += th->target + th->gap / 2;
    }
    ui_paragraph_max(u, name, tx, y, inner, tile_name_px(u, inner, name), TEXT_BOLD, th->text,
                     UI_LEFT, TILE_NAME_LINES);
    y += name_h;
    ui_text(u, sub, tx, y, inner, th->text_small, TEXT_REGULAR, th->muted, UI_LEFT, true);
    ui_target_add(u, r, action, arg, name);
}

void widget_search_field(ui *u, SDL_Rect r, const char *text, int action)
{
    const theme *th = &u->th;
    bool pressed = ui_is_pressed(u, action, 0);
    ui_round_border(u, r, r.h / 2, (int)(3 * th->u + 0.5f), th->primary,
                    pressed ? th->pressed : th->surface);
    /* magnifier drawn from two shapes: a ring and a handle */
    int d = r.h / 2;
    SDL_Rect ring = {r.x + r.h / 3, r.y + (r.h - d) / 2 - d / 8, d, d};
    ui_round(u, ring, d / 2, th->primary);
    SDL_Rect hole = {ring.x + d / 6, ring.y + d / 6, d - d / 3, d - d / 3};
    ui_round(u, hole, hole.w / 2, pressed ? th->pressed : th->surface);
    for (int i = 0; i < d / 3; i++) {
        SDL_Rect dot = {ring.x + d - d / 6 + i - d / 12, ring.y + d - d / 6 + i - d / 12,
                        d / 6, d / 6};
        ui_fill(u, dot, th->primary);
    }
    int tx = ring.x + d + th->gap;
    int tw = r.x + r.w - tx - r.h / 2;
    /* the hint tells how to search: step down a size before cutting it */
    int px = th->text_body;
    if (text_width(text, strlen(text), px, TEXT_REGULAR) > tw)
        px = th->text_small;
    int lh = text_line_height(px, TEXT_REGULAR);
    /* then two lines when the field is tall enough (large text, a
     * landscape row shared with other buttons), and only then cut */
    if (text_width(text, strlen(text), px, TEXT_REGULAR) > tw &&
        2 * lh <= r.h - 2 * (int)(3 * th->u + 0.5f)) {
        int h = ui_paragraph(u, text, tx, 0, tw, px, TEXT_REGULAR, th->muted, UI_LEFT, false);
        if (h > 2 * lh)
            h = 2 * lh;
        ui_paragraph_max(u, text, tx, r.y + (r.h - h) / 2, tw, px, TEXT_REGULAR, th->muted,
                         UI_LEFT, 2);
    } else {
        ui_text(u, text, tx, r.y + (r.h - lh) / 2, tw, px, TEXT_REGULAR, th->muted, UI_LEFT,
                true);
    }
    ui_target_add(u, r, action, 0, text);
}

int widget_badge(ui *u, int x, int y, const char *text, SDL_Color fg, SDL_Color bg)
{
    const theme *th = &u->th;
    int px = th->text_small;
    int w = text_width(text, strlen(text), px, TEXT_BOLD) + th->gap;
    int h = text_line_height(px, TEXT_BOLD);
    SDL_Rect r = {x, y, w, h};
    ui_round(u, r, h / 4, bg);
    ui_text(u, text, x, y, w, px, TEXT_BOLD, fg, UI_CENTER, false);
    return w;
}

/* The badges of a service row, flowing onto a second line when the row is
 * narrow (large text, landscape columns). Returns their height. */
static int badges(ui *u, int x, int y, int w, const catalog_service *svc, bool draw)
{
    const theme *th = &u->th;
    const char *labels[2];
    SDL_Color fg[2], bg[2];
    int n = 0;
    /* solid soft backgrounds from the theme: a translucent tint of the
     * text colour took the ratio under 7:1 (4.3:1 for the green) */
    labels[n] = svc->kiosk ? tr("badge.kiosk") : tr("badge.window");
    fg[n] = svc->kiosk ? th->ok : th->muted;
    bg[n++] = svc->kiosk ? th->ok_soft : th->surface_alt;
    if (svc->needs_identity) {
        labels[n] = tr("badge.identity");
        fg[n] = th->contrast ? th->text : th->primary;
        bg[n++] = th->info_soft;
    }
    int lh = text_line_height(th->text_small, TEXT_BOLD);
    int bx = 0, by = 0;
    for (int i = 0; i < n; i++) {
        int bw = text_width(labels[i], strlen(labels[i]), th->text_small, TEXT_BOLD) + th->gap;
        if (bx > 0 && bx + bw > w) {
            bx = 0;
            by += lh + th->gap / 2;
        }
        if (draw)
            widget_badge(u, x + bx, y + by, labels[i], fg[i], bg[i]);
        bx += bw + th->gap / 2;
    }
    return by + lh;
}

int widget_service_row(ui *u, int x, int y, int w, const catalog_service *svc,
                       const char *lang, int action, intptr_t arg, bool draw)
{
    const theme *th = &u->th;
    int inner = w - 2 * th->pad;
    const char *name = ltext_get(&svc->name, lang);
    const char *dept = ltext_get(&svc->department, lang);
    int name_h = ui_paragraph(u, name, 0, 0, inner, th->text_heading, TEXT_BOLD, th->text,
                              UI_LEFT, false);
    int dept_h = ui_paragraph(u, dept, 0, 0, inner, th->text_small, TEXT_REGULAR,
                              th->muted, UI_LEFT, false);
    int badge_h = badges(u, 0, 0, inner, svc, false);
    int h = th->pad + name_h + th->gap / 2 + dept_h + th->gap / 2 + badge_h + th->pad;
    if (h < th->target)
        h = th->target;
    if (!draw)
        return h;
    SDL_Rect r = {x, y, w, h};
    if (!ui_visible(u, r))
        return h;
    bool pressed = ui_is_pressed(u, action, arg);
    ui_round_border(u, r, th->radius, widget_outline(th), th->border,
                    pressed ? th->pressed : th->surface);
    int ty = y + th->pad;
    ui_paragraph(u, name, x + th->pad, ty, inner, th->text_heading, TEXT_BOLD, th->text,
                 UI_LEFT, true);
    ty += name_h + th->gap / 2;
    ui_paragraph(u, dept, x + th->pad, ty, inner, th->text_small, TEXT_REGULAR, th->muted,
                 UI_LEFT, true);
    ty += dept_h + th->gap / 2;
    badges(u, x + th->pad, ty, inner, svc, true);
    ui_target_add(u, r, action, arg, name);
    return h;
}

/* A row of the list is as tall as its tallest entry. */
static int list_row_height(ui *u, int col_w, int cols, const catalog *cat, const size_t *idx,
                           size_t first, size_t n, const char *lang)
{
    int row_h = 0;
    for (size_t k = first; k < n && k < first + (size_t)cols; k++) {
        int h = widget_service_row(u, 0, 0, col_w, &cat->services[idx[k]], lang, 0, 0, false);
        if (h > row_h)
            row_h = h;
    }
    return row_h;
}

void widget_service_list(ui *u, ui_scroll *scroll, SDL_Rect view, int cols,
                         const catalog *cat, const size_t *idx, size_t n, const char *lang,
                         int action)
{
    const theme *th = &u->th;
    if (cols < 1)
        cols = 1;
    int col_w = (view.w - (cols - 1) * th->gap) / cols;
    int content = 0;
    for (size_t i = 0; i < n; i += (size_t)cols)
        content += list_row_height(u, col_w, cols, cat, idx, i, n, lang) + th->gap;
    int off = ui_scroll_begin(u, scroll, view, content);
    int y = view.y - off;
    for (size_t i = 0; i < n; i += (size_t)cols) {
        int row_h = list_row_height(u, col_w, cols, cat, idx, i, n, lang);
        SDL_Rect r = {view.x, y, view.w, row_h};
        if (ui_visible(u, r))
            for (size_t k = i; k < n && k < i + (size_t)cols; k++)
                widget_service_row(u, view.x + (int)(k - i) * (col_w + th->gap), y, col_w,
                                   &cat->services[idx[k]], lang, action, (intptr_t)idx[k],
                                   true);
        y += row_h + th->gap;
    }
    ui_scroll_end(u, scroll, view);
}
