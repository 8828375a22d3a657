/*
 * chrome: the status bar and header every screen shares. The language,
 * large-font, help and call-staff switches and the hotline live here so
 * that they are reachable from every screen without each screen drawing
 * them.
 */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "app/speech.h"
#include "common/clock.h"
#include "i18n/i18n.h"
#include "status/status.h"

/* A pill-shaped switch on the blue status bar, in r. */
static void status_button(ui *u, SDL_Rect r, const char *label, int action, intptr_t arg)
{
    const theme *th = &u->th;
    int px = th->text_small;
    /* An outlined pill in both themes: a white ring on the blue bar shows
     * the shape (9:1), and the label stays on the bar's own colour -- a
     * translucent white fill took it to 4.7:1. */
    bool down = ui_is_pressed(u, action, arg);
    SDL_Color ring = th->contrast ? th->border : th->on_primary;
    SDL_Color fill = th->contrast ? (down ? th->pressed : th->bg)
                                  : (down ? th->primary_pressed : th->primary);
    int ring_w = (int)(2 * th->u + 0.5f);
    ui_round_border(u, r, r.h / 2, ring_w < 2 ? 2 : ring_w, ring, fill);
    int lh = text_line_height(px, TEXT_BOLD);
    ui_text(u, label, r.x, r.y + (r.h - lh) / 2, r.w, px, TEXT_BOLD,
            th->contrast ? th->text : th->on_primary, UI_CENTER, false);
    ui_target_add(u, r, action, arg, label);
}

/* One thing on the status bar: a switch (right, from the right edge) or a
 * text residents read (left: the time, the hotline, the date, notes). */
#define BAR_MAX_ITEMS 16
#define BAR_MAX_ROWS 4

typedef struct bar_item {
    char text[192];
    bool button;
    bool secondary;         /* may be set smaller when the bar is short of room */
    int action;
    intptr_t arg;
    int px;
    text_weight wt;
    int w;                  /* laid out: width, row, left edge */
    int row, x;
} bar_item;

typedef struct bar {
    bar_item items[BAR_MAX_ITEMS];
    int n;
} bar;

static bar_item *bar_add(bar *b, const char *text, int px, text_weight wt)
{
    if (b->n == BAR_MAX_ITEMS)
        return NULL;
    bar_item *it = &b->items[b->n++];
    memset(it, 0, sizeof *it);
    snprintf(it->text, sizeof it->text, "%s", text);
    it->px = px;
    it->wt = wt;
    return it;
}

static void bar_button(bar *b, const theme *th, const char *label, int action, intptr_t arg)
{
    bar_item *it = bar_add(b, label, th->text_small, TEXT_BOLD);
    if (it) {
        it->button = true;
        it->action = action;
        it->arg = arg;
    }
}

static void bar_text(bar *b, const char *text, int px, text_weight wt, bool secondary)
{
    bar_item *it = bar_add(b, text, px, wt);
    if (it)
        it->secondary = secondary;
}

/* Lays b out in rows of the bar, switches from the right edge of the last
 * row upwards, texts from the left of the first row downwards, the
 * secondary texts at small_px. False when something does not fit. */
static bool bar_layout(bar *b, const theme *th, int width, int rows, int small_px)
{
    int left = th->pad / 2 + th->gap / 2;
    int right[BAR_MAX_ROWS];
    for (int r = 0; r < rows; r++)
        right[r] = width - th->pad / 2;
    int r = rows - 1;
    for (int i = 0; i < b->n; i++) {
        bar_item *it = &b->items[i];
        if (!it->button)
            continue;
        it->w = text_width(it->text, strlen(it->text), it->px, it->wt) + th->pad;
        if (it->w < th->target)
            it->w = th->target;
        while (r >= 0 && right[r] - it->w < left)
            r--;
        if (r < 0)
            return false;
        it->row = r;
        it->x = right[r] - it->w;
        right[r] = it->x - th->gap / 2;
    }
    r = 0;
    int x = left;
    for (int i = 0; i < b->n; i++) {
        bar_item *it = &b->items[i];
        if (it->button)
            continue;
        int px = it->secondary ? small_px : it->px;
        it->w = text_width(it->text, strlen(it->text), px, it->wt);
        while (r < rows && x + it->w > right[r] - th->gap / 2) {
            r++;
            x = left;
        }
        if (r == rows)
            return false;
        it->row = r;
        it->x = x;
        x += it->w + th->gap;
    }
    return true;
}

/* What the status model says residents should know: a device or the
 * platform that is not working, whether the platform is reached, and
 * records still waiting to be sent. Each device's reason is its own short
 * text; a device with nothing to say reports none. */
static void bar_notes(bar *b, const theme *th)
{
    status_entry e;
    int first = b->n;
    for (size_t i = 0; status_at(i, &e); i++) {
        char nbuf[160] = "";
        if (e.reason_key[0])
            snprintf(nbuf, sizeof nbuf, "%s", tr(e.reason_key));
        if (e.pending > 0) {
            char q[16], more[96];
            snprintf(q, sizeof q, "%d", e.pending);
            size_t l = strlen(nbuf);
            i18n_format(more, sizeof more, "status.pending", "count", q, (char *)NULL);
            snprintf(nbuf + l, sizeof nbuf - l, "%s%s", l ? " " : "", more);
        }
        if (!nbuf[0])
            continue;
        /* two printers out of paper say it once */
        bool seen = false;
        for (int k = first; k < b->n && !seen; k++)
            seen = !strcmp(b->items[k].text, nbuf);
        if (!seen)
            bar_text(b, nbuf, th->text_small, TEXT_REGULAR, true);
    }
}

/* The status bar: every switch and every text a resident needs, on as
 * many rows as they take (one in most layouts; large text in portrait
 * takes more) -- nothing is dropped. Returns its height. */
static int draw_status(app *a, ui *u)
{
    const theme *th = &u->th;
    bar b = {.n = 0};
    /* switches, right to left: the way to a person first */
    bar_button(&b, th, tr("status.call_staff"), ACT_CALL_STAFF, 0);
    bar_button(&b, th, tr("status.help"), ACT_HELP, 0);
    if (speech_available())
        bar_button(&b, th, tr("status.voice"), ACT_VOICE, 0);
    bar_button(&b, th, a->large ? tr("status.normal_font") : tr("status.large_font"),
               ACT_LARGE, 0);
    char masked[64], number[64];
    if (app_identity_masked(a, masked, sizeof masked, number, sizeof number)) {
        char label[160];
        i18n_format(label, sizeof label, "status.signed_in", "name", masked, (char *)NULL);
        bar_button(&b, th, label, ACT_SIGN_OUT, 0);
    }
    if (a->cfg->n_langs > 1) {
        int cur = 0;
        for (int i = 0; i < a->cfg->n_langs; i++)
            if (!strcmp(a->cfg->langs[i], i18n_lang()))
                cur = i;
        int next = (cur + 1) % a->cfg->n_langs;
        bar_button(&b, th, tr_lang(a->cfg->langs[next], "lang.self"), ACT_LANG, next);
    }

    /* texts, left to right: the time, the hotline, the date, the notes */
    time_t now = clock_wall();
    struct tm tm;
    localtime_r(&now, &tm);
    char tbuf[16], dbuf[64], wd[16], hot[96];
    snprintf(tbuf, sizeof tbuf, "%02d:%02d", tm.tm_hour, tm.tm_min);
    snprintf(wd, sizeof wd, "weekday.%d", tm.tm_wday);
    char year[16], month[16], day[16];
    snprintf(year, sizeof year, "%04d", tm.tm_year + 1900);
    snprintf(month, sizeof month, "%02d", tm.tm_mon + 1);
    snprintf(day, sizeof day, "%02d", tm.tm_mday);
    i18n_format(dbuf, sizeof dbuf, "status.date", "year", year, "month", month, "day", day,
                "weekday", tr(wd), (char *)NULL);
    i18n_format(hot, sizeof hot, "status.hotline", "hotline", a->cfg->hotline, (char *)NULL);
    bar_text(&b, tbuf, th->text_heading, TEXT_BOLD, false);
    bar_text(&b, hot, th->text_small, TEXT_BOLD, true);
    bar_text(&b, dbuf, th->text_small, TEXT_REGULAR, true);
    bar_notes(&b, th);

    /* One row if all fits, with the secondary texts a step smaller if need
     * be (large text in landscape), else more rows: large text in
     * portrait, signed in, takes three. */
    static const struct { int rows; bool smaller; } tries[] = {
        {1, false}, {1, true}, {2, false}, {2, true}, {3, false}, {3, true}, {4, true}};
    int small_px = th->text_small, rows = 1;
    for (size_t i = 0; i < sizeof tries / sizeof *tries; i++) {
        rows = tries[i].rows;
        small_px = tries[i].smaller ? th->text_small * 4 / 5 : th->text_small;
        if (bar_layout(&b, th, a->w, rows, small_px))
            break;
    }

    int row_h = th->status_h;
    SDL_Rect area = {0, 0, a->w, rows * row_h};
    ui_fill(u, area, th->contrast ? th->bg : th->primary);
    if (th->contrast) {
        SDL_Rect line = {0, area.h - 2, a->w, 2};
        ui_fill(u, line, th->border);
    }
    int bh = row_h - 2 * (th->gap / 2);
    SDL_Color fg = th->contrast ? th->text : th->on_primary;
    for (int i = 0; i < b.n; i++) {
        bar_item *it = &b.items[i];
        int y0 = it->row * row_h;
        if (it->button) {
            SDL_Rect r = {it->x, y0 + (row_h - bh) / 2, it->w, bh};
            status_button(u, r, it->text, it->action, it->arg);
        } else {
            int px = it->secondary ? small_px : it->px;
            int lh = text_line_height(px, it->wt);
            ui_text(u, it->text, it->x, y0 + (row_h - lh) / 2, it->w, px, it->wt, fg,
                    UI_LEFT, false);
        }
    }
    return area.h;
}

/* The status bar and the header: back and home on either side (show_back),
 * or on the home screen nothing left and the screen's own button (label,
 * action; may be NULL) right. */
static SDL_Rect chrome(app *a, ui *u, const char *title, bool show_back, const char *label,
                       int action)
{
    const theme *th = &u->th;
    speech_note_title(a, title);
    int bar_h = draw_status(a, u);
    SDL_Rect head = {0, bar_h, a->w, th->header_h};
    ui_fill(u, head, th->surface);
    SDL_Rect rule = {0, head.y + head.h - 2, a->w, 2};
    ui_fill(u, rule, th->border);

    int bh = th->target;
    int by = head.y + (head.h - bh) / 2;
    int side = 0;
    if (show_back) {
        const char *back = tr("nav.back"), *home = tr("nav.home");
        int bw = text_width(back, strlen(back), th->text_body, TEXT_BOLD) + th->pad * 2;
        int hw = text_width(home, strlen(home), th->text_body, TEXT_BOLD) + th->pad * 2;
        side = bw > hw ? bw : hw;
        if (side < bh * 3 / 2)
            side = bh * 3 / 2;
        SDL_Rect b = {th->pad / 2, by, side, bh};
        ui_button(u, b, back, UI_SECONDARY, ACT_BACK, 0);
        SDL_Rect h = {a->w - th->pad / 2 - side, by, side, bh};
        ui_button(u, h, home, UI_SECONDARY, ACT_HOME, 0);
    }
    int tx = th->pad / 2 + side + th->gap;
    int tw = a->w - 2 * tx;
    if (!show_back && label) {
        /* the title keeps the rest of the header, left of the button */
        int lw = text_width(label, strlen(label), th->text_body, TEXT_BOLD) + th->pad * 2;
        if (lw < bh * 3 / 2)
            lw = bh * 3 / 2;
        SDL_Rect r = {a->w - th->pad / 2 - lw, by, lw, bh};
        ui_button(u, r, label, UI_SECONDARY, action, 0);
        tw = r.x - th->gap - tx;
    }
    /* A long title steps down through the type scale, then takes two
     * lines, before it is cut: residents need the whole name of the
     * service they opened. */
    const int sizes[] = {th->text_title, th->text_heading, th->text_body};
    int px = sizes[0];
    bool fits = false;
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes && !fits; i++) {
        px = sizes[i];
        fits = text_width(title, strlen(title), px, TEXT_BOLD) <= tw;
    }
    int lh = text_line_height(px, TEXT_BOLD);
    if (fits || 2 * lh > head.h) {
        ui_text(u, title, tx, head.y + (head.h - lh) / 2, tw, px, TEXT_BOLD, th->text,
                UI_CENTER, true);
    } else {
        /* two lines at the small size before the name is cut ("Social
         * Insurance Enrolment for Flexible Workers" in large text, portrait) */
        int small_lh = text_line_height(th->text_small, TEXT_BOLD);
        if (ui_paragraph(u, title, tx, 0, tw, px, TEXT_BOLD, th->text, UI_CENTER, false) >
                2 * lh && 2 * small_lh <= head.h) {
            px = th->text_small;
            lh = small_lh;
        }
        ui_paragraph_max(u, title, tx, head.y + (head.h - 2 * lh) / 2, tw, px, TEXT_BOLD,
                         th->text, UI_CENTER, 2);
    }

    /* above the notice's band while one shows (app_notice_height) */
    SDL_Rect content = {th->pad, head.y + head.h + th->gap, a->w - 2 * th->pad,
                        a->h - (head.y + head.h + th->gap) - th->pad - app_notice_height(a)};
    return content;
}

SDL_Rect app_chrome(app *a, ui *u, const char *title, bool show_back)
{
    return chrome(a, u, title, show_back, NULL, ACT_NONE);
}

SDL_Rect app_chrome_home(app *a, ui *u, const char *title, const char *label, int action)
{
    return chrome(a, u, title, false, label, action);
}
