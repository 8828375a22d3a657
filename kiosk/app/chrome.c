/*
 * chrome: the status bar and header every screen shares. The language,
 * large-font and help switches live here so that they are reachable from
 * every screen without each screen drawing them.
 */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "app/speech.h"
#include "common/clock.h"
#include "i18n/i18n.h"
#include "status/status.h"

/* A pill-shaped switch on the blue status bar. Returns its width. */
static int status_button(app *a, ui *u, int right, int y, int h, const char *label,
                         int action, intptr_t arg)
{
    const theme *th = &u->th;
    int px = th->text_small;
    int w = text_width(label, strlen(label), px, TEXT_BOLD) + th->pad;
    int min_w = th->target;
    if (w < min_w)
        w = min_w;
    SDL_Rect r = {right - w, y, w, h};
    /* An outlined pill in both themes: a white ring on the blue bar shows
     * the shape (9:1), and the label stays on the bar's own colour -- a
     * translucent white fill took it to 4.7:1. */
    bool down = ui_is_pressed(u, action, arg);
    SDL_Color ring = th->contrast ? th->border : th->on_primary;
    SDL_Color fill = th->contrast ? (down ? th->pressed : th->bg)
                                  : (down ? th->primary_pressed : th->primary);
    int ring_w = (int)(2 * th->u + 0.5f);
    ui_round_border(u, r, h / 2, ring_w < 2 ? 2 : ring_w, ring, fill);
    int lh = text_line_height(px, TEXT_BOLD);
    ui_text(u, label, r.x, r.y + (h - lh) / 2, r.w, px, TEXT_BOLD,
            th->contrast ? th->text : th->on_primary, UI_CENTER, false);
    ui_target_add(u, r, action, arg, label);
    return w;
}

static void draw_status(app *a, ui *u)
{
    const theme *th = &u->th;
    SDL_Rect bar = {0, 0, a->w, th->status_h};
    ui_fill(u, bar, th->contrast ? th->bg : th->primary);
    if (th->contrast) {
        SDL_Rect line = {0, th->status_h - 2, a->w, 2};
        ui_fill(u, line, th->border);
    }
    int bh = th->status_h - 2 * (th->gap / 2);
    int by = (th->status_h - bh) / 2;
    int right = a->w - th->pad / 2;

    right -= status_button(a, u, right, by, bh, tr("status.help"), ACT_HELP, 0) + th->gap / 2;
    right -= status_button(a, u, right, by, bh,
                           a->large ? tr("status.normal_font") : tr("status.large_font"),
                           ACT_LARGE, 0) + th->gap / 2;
    char masked[64], number[64];
    if (app_identity_masked(a, masked, sizeof masked, number, sizeof number)) {
        char label[160];
        i18n_format(label, sizeof label, "status.signed_in", "name", masked, (char *)NULL);
        right -= status_button(a, u, right, by, bh, label, ACT_SIGN_OUT, 0) + th->gap / 2;
    }
    if (a->cfg->n_langs > 1) {
        int cur = 0;
        for (int i = 0; i < a->cfg->n_langs; i++)
            if (!strcmp(a->cfg->langs[i], i18n_lang()))
                cur = i;
        int next = (cur + 1) % a->cfg->n_langs;
        right -= status_button(a, u, right, by, bh, tr_lang(a->cfg->langs[next], "lang.self"),
                               ACT_LANG, next) + th->gap / 2;
    }

    /* Left: the time, then as much of date and network state as fits. */
    time_t now = clock_wall();
    struct tm tm;
    localtime_r(&now, &tm);
    char tbuf[16], dbuf[64], wd[16];
    snprintf(tbuf, sizeof tbuf, "%02d:%02d", tm.tm_hour, tm.tm_min);
    snprintf(wd, sizeof wd, "weekday.%d", tm.tm_wday);
    char year[16], month[16], day[16];
    snprintf(year, sizeof year, "%04d", tm.tm_year + 1900);
    snprintf(month, sizeof month, "%02d", tm.tm_mon + 1);
    snprintf(day, sizeof day, "%02d", tm.tm_mday);
    i18n_format(dbuf, sizeof dbuf, "status.date", "year", year, "month", month, "day", day,
                "weekday", tr(wd), (char *)NULL);
    SDL_Color fg = th->contrast ? th->text : th->on_primary;
    int x = th->pad / 2 + th->gap / 2;
    int avail = right - x - th->gap;
    int lh_big = text_line_height(th->text_heading, TEXT_BOLD);
    int lh = text_line_height(th->text_small, TEXT_REGULAR);
    int tw = text_width(tbuf, strlen(tbuf), th->text_heading, TEXT_BOLD);
    if (tw <= avail) {
        ui_text(u, tbuf, x, (th->status_h - lh_big) / 2, tw, th->text_heading, TEXT_BOLD,
                fg, UI_LEFT, false);
        x += tw + th->gap;
        avail -= tw + th->gap;
    }
    /* What the status model says residents should know: a device or the
     * platform that is not working, whether the platform is reached, and
     * records still waiting to be sent. Each device's reason is its own
     * short text; a device with nothing to say reports none. These come
     * before the date when the bar is short of room. */
    char notes[8][160];
    int widths[8], n_notes = 0, notes_w = 0;
    status_entry e;
    for (size_t i = 0; n_notes < 8 && status_at(i, &e); i++) {
        char *nbuf = notes[n_notes];
        nbuf[0] = '\0';
        if (e.reason_key[0])
            snprintf(nbuf, sizeof notes[0], "%s", tr(e.reason_key));
        if (e.pending > 0) {
            char q[16];
            snprintf(q, sizeof q, "%d", e.pending);
            size_t l = strlen(nbuf);
            char more[96];
            i18n_format(more, sizeof more, "status.pending", "count", q, (char *)NULL);
            snprintf(nbuf + l, sizeof notes[0] - l, "%s%s", l ? " " : "", more);
        }
        if (!nbuf[0])
            continue;
        /* two printers out of paper say it once */
        bool seen = false;
        for (int k = 0; k < n_notes && !seen; k++)
            seen = !strcmp(notes[k], nbuf);
        if (seen)
            continue;
        widths[n_notes] = text_width(nbuf, strlen(nbuf), th->text_small, TEXT_REGULAR);
        notes_w += widths[n_notes] + th->gap;
        n_notes++;
    }
    int dw = text_width(dbuf, strlen(dbuf), th->text_small, TEXT_REGULAR);
    if (dw + th->gap + notes_w <= avail || (n_notes == 0 && dw <= avail)) {
        ui_text(u, dbuf, x, (th->status_h - lh) / 2, dw, th->text_small, TEXT_REGULAR, fg,
                UI_LEFT, false);
        x += dw + th->gap;
        avail -= dw + th->gap;
    }
    for (int i = 0; i < n_notes; i++) {
        if (widths[i] > avail)
            break;
        ui_text(u, notes[i], x, (th->status_h - lh) / 2, widths[i], th->text_small,
                TEXT_REGULAR, fg, UI_LEFT, false);
        x += widths[i] + th->gap;
        avail -= widths[i] + th->gap;
    }
}

SDL_Rect app_chrome(app *a, ui *u, const char *title, bool show_back)
{
    const theme *th = &u->th;
    speech_note_title(a, title);
    draw_status(a, u);
    SDL_Rect head = {0, th->status_h, a->w, th->header_h};
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

    SDL_Rect content = {th->pad, head.y + head.h + th->gap, a->w - 2 * th->pad,
                        a->h - (head.y + head.h + th->gap) - th->pad};
    return content;
}
