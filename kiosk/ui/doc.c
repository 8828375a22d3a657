#include "doc.h"

#include <stdlib.h>
#include <string.h>

bool doc_add(doc *d, doc_kind kind, const char *text, const char *text2, int num)
{
    if (d->n == d->cap) {
        int cap = d->cap ? d->cap * 2 : 32;
        doc_block *b = realloc(d->blocks, (size_t)cap * sizeof *b);
        if (!b)
            return false;
        d->blocks = b;
        d->cap = cap;
    }
    doc_block *b = &d->blocks[d->n];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->text = strdup(text ? text : "");
    b->text2 = text2 ? strdup(text2) : NULL;
    b->num = num;
    if (!b->text || (text2 && !b->text2)) {
        free(b->text);
        free(b->text2);
        return false;
    }
    d->n++;
    d->width = 0;
    return true;
}

void doc_clear(doc *d)
{
    for (int i = 0; i < d->n; i++) {
        free(d->blocks[i].text);
        free(d->blocks[i].text2);
    }
    free(d->blocks);
    memset(d, 0, sizeof *d);
}

static int item_indent(const ui *u)
{
    return (int)(64 * u->th.u * (u->th.large ? 1.4f : 1.0f));
}

static int qr_side(const ui *u, int w)
{
    int side = (int)(360 * u->th.u);
    return side < w ? side : w;
}

/* Measures (draw false) or draws one block; returns its height. */
static int block(ui *u, const doc_block *b, int x, int y, int w, bool draw)
{
    const theme *th = &u->th;
    switch (b->kind) {
    case DOC_TITLE:
        return ui_paragraph(u, b->text, x, y, w, th->text_title, TEXT_BOLD, th->text,
                            UI_LEFT, draw) + th->gap / 2;
    case DOC_NOTE:
        return ui_paragraph(u, b->text, x, y, w, th->text_small, TEXT_REGULAR, th->muted,
                            UI_LEFT, draw) + th->gap / 2;
    case DOC_HEADING: {
        int mark = (int)(8 * th->u + 0.5f);
        int top = th->gap * 2;
        int h = ui_paragraph(u, b->text, x + mark * 3, y + top, w - mark * 3,
                             th->text_heading, TEXT_BOLD, th->primary, UI_LEFT, draw);
        if (draw) {
            SDL_Rect m = {x, y + top + h / 8, mark, h - h / 4};
            ui_round(u, m, mark / 2, th->contrast ? th->primary : th->accent);
        }
        return top + h + th->gap / 2;
    }
    case DOC_PARA:
        return ui_paragraph(u, b->text, x, y, w, th->text_body, TEXT_REGULAR, th->text,
                            UI_LEFT, draw) + th->gap / 2;
    case DOC_ITEM: {
        int ind = item_indent(u);
        if (draw) {
            char mark[16];
            if (b->num > 0)
                snprintf(mark, sizeof mark, "%d.", b->num);
            else
                snprintf(mark, sizeof mark, "\xE2\x80\xA2");   /* bullet */
            ui_text(u, mark, x, y, ind - th->gap / 2, th->text_body, TEXT_BOLD, th->primary,
                    UI_LEFT, false);
        }
        int h = ui_paragraph(u, b->text, x + ind, y, w - ind, th->text_body, TEXT_REGULAR,
                             th->text, UI_LEFT, draw);
        if (b->text2 && *b->text2)
            h += ui_paragraph(u, b->text2, x + ind, y + h, w - ind, th->text_small,
                              TEXT_REGULAR, th->muted, UI_LEFT, draw);
        return h + th->gap / 2;
    }
    case DOC_KV: {
        int h = ui_paragraph(u, b->text, x, y, w, th->text_small, TEXT_BOLD, th->muted,
                             UI_LEFT, draw);
        h += ui_paragraph(u, b->text2 ? b->text2 : "", x, y + h, w, th->text_body,
                          TEXT_REGULAR, th->text, UI_LEFT, draw);
        return h + th->gap;
    }
    case DOC_QR: {
        int side = qr_side(u, w);
        int cap_w = w;
        int h = side;
        if (draw) {
            SDL_Rect card = {x, y, side, side};
            ui_round(u, card, th->radius, (SDL_Color){255, 255, 255, 255});
            SDL_Rect in = {x + th->gap / 2, y + th->gap / 2, side - th->gap, side - th->gap};
            ui_qr(u, in, b->text);
        }
        h += th->gap / 2;
        h += ui_paragraph(u, b->text2 ? b->text2 : "", x, y + h, cap_w, th->text_small,
                          TEXT_REGULAR, th->muted, UI_LEFT, draw);
        return h + th->gap;
    }
    case DOC_BADGE: {
        int px = th->text_small;
        int lh = text_line_height(px, TEXT_BOLD);
        if (draw) {
            int tw = text_width(b->text, strlen(b->text), px, TEXT_BOLD) + th->gap;
            SDL_Color fg = b->num ? th->ok : th->muted;
            /* the theme's solid soft green: a translucent tint of ok
             * over the page took the badge to 4.3:1 */
            SDL_Color bg = b->num ? th->ok_soft : th->surface_alt;
            SDL_Rect r = {x, y, tw, lh};
            ui_round(u, r, lh / 4, bg);
            ui_text(u, b->text, x, y, tw, px, TEXT_BOLD, fg, UI_CENTER, false);
        }
        return lh + th->gap / 2;
    }
    case DOC_END: {
        int top = th->gap * 2;
        int lh = text_line_height(th->text_small, TEXT_REGULAR);
        if (draw) {
            SDL_Rect rule = {x, y + top + lh / 2, w, 2};
            ui_fill(u, rule, th->border);
            int tw = text_width(b->text, strlen(b->text), th->text_small, TEXT_REGULAR) +
                     th->gap * 2;
            SDL_Rect gap = {x + (w - tw) / 2, y + top, tw, lh};
            ui_fill(u, gap, th->bg);
            ui_text(u, b->text, x, y + top, w, th->text_small, TEXT_REGULAR, th->muted,
                    UI_CENTER, false);
        }
        return top + lh + th->pad * 2;
    }
    }
    return 0;
}

void doc_layout(doc *d, ui *u, int w)
{
    int y = 0;
    for (int i = 0; i < d->n; i++) {
        d->blocks[i].y = y;
        d->blocks[i].h = block(u, &d->blocks[i], 0, 0, w, false);
        y += d->blocks[i].h;
    }
    d->height = y;
    d->width = w;
}

void doc_draw(doc *d, ui *u, int x, int y)
{
    for (int i = 0; i < d->n; i++) {
        doc_block *b = &d->blocks[i];
        SDL_Rect r = {x, y + b->y, d->width, b->h};
        if (ui_visible(u, r))
            block(u, b, x, y + b->y, d->width, true);
    }
}
