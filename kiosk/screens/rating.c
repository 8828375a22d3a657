/*
 * rating: 好差评 -- the resident rates the service just done, on five equal
 * levels, pushed by rating_prompt (the transaction number in the session,
 * the service index as arg).
 *
 * What the standards ask and how this page answers:
 *   - five levels, 非常满意 to 非常不满意 (GB/T 39734): five buttons of one
 *     size and one style, each with its words and its stars, so no level
 *     is told by colour alone and none stands out; nothing is chosen
 *     before the resident taps, and one tap rates;
 *   - nobody may steer the choice (DB2203/T 8, 4.8): no default, no
 *     highlighted level, no "are you sure" after a poor one;
 *   - a poor rating (不满意, 非常不满意) is verified and followed up: the
 *     resident picks at least one reason ([rating] reasons), may add a
 *     comment (Chinese entry) and a phone number for the call back, or
 *     rate anonymously -- then neither name nor phone is kept;
 *   - the rater stays confidential (4.9): name, phone and comment travel
 *     only as the record's sealed personal fields;
 *   - 一次一评: one rating per transaction. The record's outbox key is
 *     derived from the transaction number (rating_record.h), so a second
 *     rating is refused by the outbox itself, politely, here;
 *   - skipping is always possible, and says that the QR code on the
 *     receipt still works.
 * The rating goes through the durable outbox (kind "rating") like every
 * transaction, and so reaches the platform exactly once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "catalog/form.h"
#include "common/clock.h"
#include "common/utf8.h"
#include "i18n/i18n.h"
#include "outbox/outbox.h"
#include "rating/rating_record.h"
#include "screens/online_ui.h"
#include "screens/rating_prompt.h"
#include "screens/screens.h"
#include "ui/keyboard.h"

enum {
    ACT_LEVEL = SCREEN_ACTION_BASE, ACT_SKIP, ACT_REASON, ACT_ANON, ACT_COMMENT, ACT_PHONE,
    ACT_SUBMIT, ACT_RELEVEL, ACT_KEY, ACT_ENTRY_OK, ACT_ENTRY_BACK, ACT_CLOSE
};

#define COMMENT_KEY "rating.comment"
#define PHONE_KEY "rating.phone"
/* characters of comment kept: what a follow-up call needs, not an essay */
#define COMMENT_MAX_CHARS 200
/* the thank-you page closes itself after this much kiosk time */
#define THANKS_MS 6000u

typedef enum rt_phase {
    RT_CHOOSE,      /* the five levels */
    RT_POOR,        /* reasons, comment, phone, anonymous */
    RT_COMMENT,     /* typing the comment */
    RT_PHONE,       /* typing the phone number */
    RT_SAVING,      /* handed to the outbox */
    RT_DONE,        /* durable: thanks */
    RT_ALREADY,     /* this transaction has its rating */
    RT_FAILED       /* not stored: rate later by the QR code */
} rt_phase;

typedef struct rating_state {
    size_t index;           /* the service */
    char id[65];            /* its id (the service-item code) */
    char txn[64];
    rating_then then;       /* where to go afterwards */
    rt_phase phase;
    rating_level level;
    bool picked[SETTINGS_MAX_REASONS];
    bool anonymous;
    bool reason_error;      /* submitted without a reason */
    bool phone_error;
    uint64_t ticket;        /* outbox_submit's, while saving */
    uint64_t done_ms;       /* when the thanks came */
    ui_scroll scroll;
    float poor_offset;      /* where the reasons page was, while typing */
} rating_state;

static const catalog_service *service(app *a, rating_state *s)
{
    return &a->cat->services[s->index];
}

static const char *entry(app *a, const char *key)
{
    const char *v = session_get(app_session(a), key);
    return v ? v : "";
}

static void forget_entries(app *a)
{
    session_set(app_session(a), COMMENT_KEY, NULL, SESSION_VISIT);
    session_set(app_session(a), PHONE_KEY, NULL, SESSION_VISIT);
}

static void rating_enter(app *a, void *st, intptr_t arg)
{
    rating_state *s = st;
    s->index = (arg >= 0 && (size_t)arg < a->cat->n_services) ? (size_t)arg : 0;
    snprintf(s->id, sizeof s->id, "%s", service(a, s)->id);
    snprintf(s->txn, sizeof s->txn, "%s", rating_prompt_txn(a));
    s->then = rating_prompt_then(a);
    forget_entries(a);
    s->phase = rating_prompt_rated(a, s->txn) ? RT_ALREADY : RT_CHOOSE;
    rating_prompt_mark_asked(a, s->txn);
}

static void rating_leave(app *a, void *st)
{
    (void)st;
    forget_entries(a);      /* a comment not sent is not kept */
}

/* Back to the page that finished the transaction, further back, or home:
 * where the resident was going when the rating opened. */
static void close_rating(app *a, rating_state *s)
{
    if (s->then == RATING_THEN_HOME) {
        app_go_home(a);
        return;
    }
    bool further = s->then == RATING_THEN_BACK;
    app_pop(a);
    if (further)
        app_pop(a);
}

/* ---- drawing ---------------------------------------------------------------- */

static int para(ui *u, const char *text, int x, int y, int w, int px, text_weight wt,
                SDL_Color c, bool draw)
{
    return ui_paragraph(u, text, x, y, w, px, wt, c, UI_LEFT, draw);
}

static const char *level_key(rating_level l)
{
    static const char *const keys[RATING_LEVELS] = {
        "rating.very_satisfied", "rating.satisfied", "rating.basic", "rating.dissatisfied",
        "rating.very_dissatisfied"};
    return l < RATING_LEVELS ? keys[l] : "rating.basic";
}

/* Five for the best down to one for the worst, filled then hollow: the
 * shape tells the level to a resident who cannot tell the words apart. */
static void stars(rating_level l, char *out, size_t size)
{
    int n = RATING_LEVELS - (int)l;
    out[0] = '\0';
    for (int i = 0; i < RATING_LEVELS; i++)
        snprintf(out + strlen(out), size - strlen(out), "%s", i < n ? "★" : "☆");
}

/* What the page is about: the service and its transaction number. */
static int about(app *a, rating_state *s, ui *u, int x, int y, int w, bool draw)
{
    const theme *th = &u->th;
    char line[160];
    int y0 = y;
    y += para(u, ltext_get(&service(a, s)->name, app_lang(a)), x, y, w, th->text_body,
              TEXT_BOLD, th->muted, draw);
    i18n_format(line, sizeof line, "rating.txn", "number", s->txn, (char *)NULL);
    y += para(u, line, x, y, w, th->text_small, TEXT_REGULAR, th->muted, draw);
    return y - y0 + th->gap;
}

/* The five levels, equal in size and style: a row when five fit side by
 * side at a comfortable width, else a column. */
static int levels(ui *u, int x, int y, int w, bool draw)
{
    const theme *th = &u->th;
    /* a row when each of the five gets at least two targets of width (its
     * words in body text, at most two lines), else a column */
    bool row = w - 4 * th->gap >= 5 * 2 * th->target;
    int bw = row ? (w - 4 * th->gap) / 5 : w;
    int star_px = row ? th->text_heading : th->text_title;
    int word_px = row ? th->text_body : th->text_heading;
    int lh_star = text_line_height(star_px, TEXT_REGULAR);
    int lh_word = text_line_height(word_px, TEXT_BOLD);
    int bh = row ? lh_star + 2 * lh_word + th->pad * 3 / 2
                 : (lh_star > lh_word ? lh_star : lh_word) + th->pad;
    if (bh < th->target)
        bh = th->target;
    for (int i = 0; draw && i < RATING_LEVELS; i++) {
        SDL_Rect r = row ? (SDL_Rect){x + i * (bw + th->gap), y, bw, bh}
                         : (SDL_Rect){x, y + i * (bh + th->gap), bw, bh};
        bool down = ui_is_pressed(u, ACT_LEVEL, i);
        ui_round_border(u, r, th->radius, (int)(2 * th->u + 0.5f), th->primary,
                        down ? th->pressed : th->surface);
        char st[32];
        stars((rating_level)i, st, sizeof st);
        const char *words = tr(level_key((rating_level)i));
        if (row) {
            int sy = r.y + th->pad / 2;
            ui_text(u, st, r.x, sy, r.w, star_px, TEXT_REGULAR, th->primary, UI_CENTER, false);
            ui_paragraph(u, words, r.x + th->pad / 4, sy + lh_star + th->pad / 2,
                         r.w - th->pad / 2, word_px, TEXT_BOLD, th->text, UI_CENTER, true);
        } else {
            int sw = text_width(st, strlen(st), star_px, TEXT_REGULAR);
            ui_text(u, st, r.x + th->pad, r.y + (r.h - lh_star) / 2, sw, star_px, TEXT_REGULAR,
                    th->primary, UI_LEFT, false);
            ui_text(u, words, r.x + 2 * th->pad + sw, r.y + (r.h - lh_word) / 2,
                    r.w - 3 * th->pad - sw, word_px, TEXT_BOLD, th->text, UI_LEFT, true);
        }
        ui_target_add(u, r, ACT_LEVEL, i, words);
    }
    return row ? bh + th->gap : RATING_LEVELS * (bh + th->gap);
}

/* That skipping is fine: the receipt's QR code still works. */
static int skip_note(ui *u, int x, int y, int w, bool draw)
{
    const theme *th = &u->th;
    return para(u, tr("rating.skip_note"), x, y, w, th->text_body, TEXT_REGULAR, th->muted,
                draw) + th->gap;
}

/* "Not now" along the bottom, in view whatever the page's length, in the
 * quiet style: offered, never urged. Returns the rect left above it. */
static SDL_Rect skip_bar(ui *u, SDL_Rect c)
{
    const theme *th = &u->th;
    ui_button(u, (SDL_Rect){c.x, c.y + c.h - th->target, c.w, th->target}, tr("rating.skip"),
              UI_SECONDARY, ACT_SKIP, 0);
    return (SDL_Rect){c.x, c.y, c.w, c.h - th->target - th->gap};
}

static int choose_page(app *a, void *st, ui *u, int x, int y, int w, bool draw)
{
    rating_state *s = st;
    const theme *th = &u->th;
    int y0 = y;
    y += about(a, s, u, x, y, w, draw);
    y += para(u, tr("rating.ask"), x, y, w, th->text_title, TEXT_BOLD, th->text, draw) + th->gap;
    y += levels(u, x, y, w, draw) + th->gap;
    y += skip_note(u, x, y, w, draw);
    return y - y0;
}

/* A row that opens an entry page: label, what was entered (masked for a
 * phone) or an invitation. */
static int entry_row(ui *u, const char *label, const char *value, const char *empty, int action,
                     int x, int y, int w, bool draw)
{
    const theme *th = &u->th;
    int y0 = y;
    y += para(u, label, x, y, w, th->text_body, TEXT_BOLD, th->text, draw);
    if (draw) {
        SDL_Rect r = {x, y, w, th->target};
        bool down = ui_is_pressed(u, action, 0);
        ui_round_border(u, r, th->radius, (int)(2 * th->u + 0.5f), th->primary,
                        down ? th->pressed : th->surface);
        int lh = text_line_height(th->text_body, TEXT_REGULAR);
        ui_text(u, *value ? value : empty, r.x + th->pad, r.y + (r.h - lh) / 2, r.w - 2 * th->pad,
                th->text_body, TEXT_REGULAR, *value ? th->text : th->primary, UI_LEFT, true);
        /* the label and its box are one target: either opens the entry */
        ui_target_add(u, (SDL_Rect){x, y0, w, y - y0 + th->target}, action, 0, label);
    }
    return y - y0 + th->target + th->gap;
}

static int poor_page(app *a, void *st, ui *u, int x, int y, int w, bool draw)
{
    rating_state *s = st;
    const theme *th = &u->th;
    const settings *cfg = a->cfg;
    char line[256];
    int y0 = y;
    y += about(a, s, u, x, y, w, draw);
    char st_[32];
    stars(s->level, st_, sizeof st_);
    i18n_format(line, sizeof line, "rating.chosen", "level", tr(level_key(s->level)), "stars",
                st_, (char *)NULL);
    y += para(u, line, x, y, w, th->text_heading, TEXT_BOLD, th->text, draw);
    y += para(u, tr("rating.reasons_title"), x, y, w, th->text_body, TEXT_REGULAR, th->text,
              draw) + th->gap / 2;
    if (s->reason_error)
        y += para(u, tr("rating.reasons_needed"), x, y, w, th->text_body, TEXT_BOLD, th->danger,
                  draw) + th->gap / 2;
    /* the reasons as toggles, two to a row when there is room; a picked one
     * says so in words (✓) as well as in colour */
    int n = settings_rating_reason_count(cfg);
    int cols = w >= 8 * th->target ? 2 : 1;
    int bw = (w - (cols - 1) * th->gap) / cols;
    for (int i = 0; i < n; i++) {
        const char *label = settings_rating_reason_label(cfg, i, app_lang(a));
        snprintf(line, sizeof line, "%s%s", s->picked[i] ? "✓ " : "", label);
        SDL_Rect r = {x + (i % cols) * (bw + th->gap), y + (i / cols) * (th->target + th->gap), bw,
                      th->target};
        if (draw)
            ui_button(u, r, line, s->picked[i] ? UI_PRIMARY : UI_SECONDARY, ACT_REASON, i);
    }
    y += (n + cols - 1) / cols * (th->target + th->gap) + th->gap;
    y += entry_row(u, tr("rating.comment"), entry(a, COMMENT_KEY), tr("rating.comment_add"),
                   ACT_COMMENT, x, y, w, draw);
    if (!s->anonymous) {
        char masked[32];
        outbox_mask_phone(entry(a, PHONE_KEY), masked, sizeof masked);
        y += entry_row(u, tr("rating.phone"), masked, tr("rating.phone_add"), ACT_PHONE, x, y, w,
                       draw);
    }
    /* a toggle like the reasons: ✓ and the filled style when on */
    snprintf(line, sizeof line, "%s%s", s->anonymous ? "✓ " : "", tr("rating.anonymous"));
    if (draw)
        ui_button(u, (SDL_Rect){x, y, w, th->target}, line,
                  s->anonymous ? UI_PRIMARY : UI_SECONDARY, ACT_ANON, 0);
    y += th->target + th->gap;
    y += para(u, tr("rating.confidential"), x, y, w, th->text_small, TEXT_REGULAR, th->muted,
              draw) + th->gap;
    y += skip_note(u, x, y, w, draw);
    /* not now, at the end of the page: the bottom belongs to sending */
    if (draw)
        ui_button(u, (SDL_Rect){x, y, w, th->target}, tr("rating.skip"), UI_SECONDARY, ACT_SKIP,
                  0);
    return y - y0 + th->target + th->gap;
}

static int result_page(app *a, void *st, ui *u, int x, int y, int w, bool draw)
{
    rating_state *s = st;
    const theme *th = &u->th;
    int y0 = y;
    y += about(a, s, u, x, y, w, draw);
    const char *title, *body;
    SDL_Color c = th->text;
    switch (s->phase) {
    case RT_SAVING:
        title = "rating.saving", body = NULL;
        break;
    case RT_DONE:
        title = "rating.thanks";
        body = !rating_level_is_poor(s->level) ? "rating.thanks_note"
               : (!s->anonymous && *entry(a, PHONE_KEY)) ? "rating.thanks_callback"
                                                         : "rating.thanks_poor";
        c = th->ok;
        break;
    case RT_ALREADY:
        title = "rating.already_title", body = "rating.already";
        break;
    default:
        title = "rating.failed_title", body = "rating.failed";
        c = th->warn;
        break;
    }
    y += para(u, tr(title), x, y, w, th->text_title, TEXT_BOLD, c, draw) + th->gap;
    if (body)
        y += para(u, tr(body), x, y, w, th->text_body, TEXT_REGULAR, th->text, draw);
    return y - y0 + th->gap;
}

/* The comment or the phone number being typed, in a box with a caret and
 * the error under it, bottom at y_end; returns the height. */
static int entry_box(rating_state *s, ui *u, const char *value, int x, int y_end, int w)
{
    const theme *th = &u->th;
    bool err = s->phase == RT_PHONE && s->phone_error;
    const char *msg = err ? tr("form.err.phone") : "";
    int err_h = err ? ui_paragraph(u, msg, x, 0, w, th->text_body, TEXT_BOLD, th->danger, UI_LEFT,
                                   false) : 0;
    int lh = text_line_height(th->text_heading, TEXT_REGULAR);
    int box_h = lh + th->pad < th->target ? th->target : lh + th->pad;
    int y = y_end - err_h - box_h;
    if (err)
        ui_paragraph(u, msg, x, y + box_h, w, th->text_body, TEXT_BOLD, th->danger, UI_LEFT, true);
    SDL_Rect box = {x, y, w, box_h};
    ui_round_border(u, box, th->radius, (int)(3 * th->u + 0.5f), err ? th->danger : th->primary,
                    th->surface);
    char shown[SESSION_VALUE_MAX + IME_CANDIDATE_SIZE * 2];
    snprintf(shown, sizeof shown, "%s%s", value, ime_composing());
    const char *q = shown;
    int avail = box.w - 2 * th->pad;
    while (*q && text_width(q, strlen(q), th->text_heading, TEXT_REGULAR) > avail)
        utf8_next(&q);      /* the end is where the typing is */
    text_private(true);     /* the resident's words: dropped at session end */
    int tw = *q ? ui_text(u, q, box.x + th->pad, box.y + (box.h - lh) / 2, avail,
                          th->text_heading, TEXT_REGULAR, th->text, UI_LEFT, false)
                : 0;
    text_private(false);
    explicit_bzero(shown, sizeof shown);
    ui_fill(u, (SDL_Rect){box.x + th->pad + tw + 2, box.y + box.h / 5, 3, box.h * 3 / 5},
            th->primary);
    return err_h + box_h;
}

static int entry_text(app *a, void *st, ui *u, int x, int y, int w, bool draw)
{
    rating_state *s = st;
    const theme *th = &u->th;
    (void)a;
    bool phone = s->phase == RT_PHONE;
    int y0 = y;
    y += para(u, tr(phone ? "rating.phone_title" : "rating.comment_title"), x, y, w,
              th->text_title, TEXT_BOLD, th->text, draw);
    y += para(u, tr(phone ? "rating.phone_hint" : "rating.comment_hint"), x, y, w, th->text_body,
              TEXT_REGULAR, th->muted, draw);
    return y - y0 + th->gap;
}

/* A typing page: as a form question -- portrait stacks text, box, buttons
 * and keyboard; landscape puts the keyboard on the right. */
static void draw_entry(app *a, rating_state *s, ui *u, SDL_Rect c)
{
    const theme *th = &u->th;
    int col_w = th->portrait ? c.w : (c.w - th->pad) * 9 / 20;
    int kb_w = th->portrait ? c.w : c.w - col_w - th->pad;
    int kb_h = keyboard_height(u, kb_w);
    if (!th->portrait && kb_h > c.h)
        kb_h = c.h;
    if (th->portrait && kb_h > c.h * 3 / 5)
        kb_h = c.h * 3 / 5;
    keyboard_draw(u, (SDL_Rect){c.x + c.w - kb_w, c.y + c.h - kb_h, kb_w, kb_h}, ACT_KEY);
    int bottom = th->portrait ? c.y + c.h - kb_h - th->gap : c.y + c.h;
    SDL_Rect col = {c.x, c.y, col_w, bottom - c.y};
    SDL_Rect above = online_ui_nav(u, col, tr("rating.entry_back"), ACT_ENTRY_BACK,
                                   tr("rating.entry_ok"), ACT_ENTRY_OK);
    const char *v = entry(a, s->phase == RT_PHONE ? PHONE_KEY : COMMENT_KEY);
    int box_h = entry_box(s, u, v, col.x, above.y + above.h, col.w) + th->gap;
    SDL_Rect view = {col.x, col.y, col.w, above.h - box_h};
    if (view.h > 0)
        online_ui_scrolled(a, s, u, &s->scroll, view, entry_text);
}

static void rating_draw(app *a, void *st, ui *u)
{
    rating_state *s = st;
    SDL_Rect c = app_chrome(a, u, tr("rating.title"), s->phase != RT_SAVING);
    switch (s->phase) {
    case RT_CHOOSE:
        online_ui_scrolled(a, s, u, &s->scroll, skip_bar(u, c), choose_page);
        return;
    case RT_POOR: {
        SDL_Rect view = online_ui_nav(u, c, tr("rating.relevel"), ACT_RELEVEL,
                                      tr("rating.submit"), ACT_SUBMIT);
        online_ui_scrolled(a, s, u, &s->scroll, view, poor_page);
        return;
    }
    case RT_COMMENT:
    case RT_PHONE:
        draw_entry(a, s, u, c);
        return;
    case RT_SAVING:
        online_ui_scrolled(a, s, u, &s->scroll, c, result_page);
        return;
    default: {
        SDL_Rect view = online_ui_nav(u, c, NULL, 0, tr(s->then == RATING_THEN_HOME
                                                              ? "form.finish"
                                                              : "rating.close"),
                                      ACT_CLOSE);
        online_ui_scrolled(a, s, u, &s->scroll, view, result_page);
        return;
    }
    }
}

/* ---- saving ------------------------------------------------------------------ */

static void submit(app *a, rating_state *s)
{
    const settings *cfg = a->cfg;
    rating_codes codes;
    settings_rating_codes(cfg, &codes);
    const char *comment = entry(a, COMMENT_KEY), *phone = s->anonymous ? "" : entry(a, PHONE_KEY);
    rating_record r = {
        .transaction = s->txn,
        .level = s->level,
        .codes = &codes,
        .channel = cfg->rating_channel_code,
        .source = cfg->rating_source_code,
        .region = cfg->rating_region_code,
        .when = (int64_t)clock_wall(),
        .anonymous = s->anonymous,
        .comment = *comment != '\0',
        .phone = *phone != '\0',
    };
    for (int i = 0; rating_level_is_poor(s->level) && i < settings_rating_reason_count(cfg) &&
                    r.n_reasons < RATING_RECORD_MAX_REASONS;
         i++) {
        if (!s->picked[i])
            continue;
        r.reasons[r.n_reasons] = settings_rating_reason_id(cfg, i);
        r.indicators[r.n_reasons++] = settings_rating_reason_code(cfg, i);
    }
    char why[200], key[OUTBOX_UUID_SIZE];
    char *payload = rating_record_payload(&r, why, sizeof why);
    if (!payload) {
        fprintf(stderr, "rating: %s\n", why);
        s->phase = RT_FAILED;
        return;
    }
    outbox_uuid_for("rating", s->txn, key);
    /* 评价人: the signed-in resident unless anonymous; sealed, never shown */
    const idcard_identity *id = s->anonymous ? NULL : session_identity(app_session(a));
    outbox_txn t = {
        .kind = "rating",
        .key = key,
        .item_code = s->id,
        .payload = payload,
        .personal = {.name = id ? (id->name[0] ? id->name : id->name_en) : NULL,
                     .phone = *phone ? phone : NULL,
                     .free_text = *comment ? comment : NULL},
    };
    s->ticket = outbox_submit(&t);
    free(payload);
    s->phase = s->ticket ? RT_SAVING : RT_FAILED;
    s->scroll.offset = 0;
}

static void rating_event(app *a, void *st, hub_event *ev)
{
    rating_state *s = st;
    const outbox_done *d = outbox_event_done(ev);
    if (!d || s->phase != RT_SAVING || d->ticket != s->ticket)
        return;
    s->ticket = 0;
    if (ev->kind == OUTBOX_EV_DURABLE) {
        s->phase = RT_DONE;
        rating_prompt_mark_rated(a, s->txn);
    } else if (d->result == OUTBOX_ERR_DUPLICATE) {
        s->phase = RT_ALREADY;      /* 一次一评: rated before, maybe in another visit */
        rating_prompt_mark_rated(a, s->txn);
    } else {
        s->phase = RT_FAILED;
    }
    s->done_ms = clock_now_ms();
    s->scroll.offset = 0;
    app_note_activity(a);
    app_invalidate(a);
}

static uint64_t rating_wake_at(app *a, void *st)
{
    rating_state *s = st;
    (void)a;
    return s->phase == RT_DONE && s->done_ms ? s->done_ms + THANKS_MS : 0;
}

static void rating_tick(app *a, void *st)
{
    rating_state *s = st;
    if (s->phase == RT_DONE && s->done_ms && clock_now_ms() >= s->done_ms + THANKS_MS)
        close_rating(a, s);
}

/* ---- input -------------------------------------------------------------------- */

static void edit_entry(app *a, rating_state *s, const ime_edit *e)
{
    bool phone = s->phase == RT_PHONE;
    size_t cap;
    char *v = session_buffer(app_session(a), phone ? PHONE_KEY : COMMENT_KEY, SESSION_VISIT, &cap);
    if (!v)
        return;
    keyboard_apply(e, v, phone ? (cap < 21 ? cap : 21) : cap);
    if (!phone && utf8_length(v) > COMMENT_MAX_CHARS) {
        /* cut at a character boundary: what fits the follow-up form */
        const char *q = v;
        for (int i = 0; i < COMMENT_MAX_CHARS; i++)
            utf8_next(&q);
        char *rest = v + (q - v);
        explicit_bzero(rest, strlen(rest));
    }
    s->phone_error = false;
}

static bool phone_ok(app *a)
{
    const char *v = entry(a, PHONE_KEY);
    if (!*v)
        return true;    /* optional */
    form_field f = {.type = FORM_PHONE, .max_length = 20, .pattern = FORM_PATTERN_PHONE_CN};
    const char *why;
    long n;
    return form_value_ok(&f, v, &why, &n);
}

static void start_entry(app *a, rating_state *s, rt_phase phase)
{
    s->poor_offset = s->scroll.offset;
    s->phase = phase;
    s->phone_error = false;
    s->scroll.offset = 0;
    ime_reset(phase == RT_PHONE ? IME_DIGITS
                                : strncmp(app_lang(a), "zh", 2) ? IME_LETTERS : IME_PINYIN);
}

static void rating_action(app *a, void *st, int action, intptr_t arg)
{
    rating_state *s = st;
    switch (action) {
    case ACT_LEVEL:
        if (s->phase != RT_CHOOSE || arg < 0 || arg >= RATING_LEVELS)
            return;
        s->level = (rating_level)arg;
        s->scroll.offset = 0;
        if (rating_level_is_poor(s->level)) {
            s->phase = RT_POOR;
            s->reason_error = false;
        } else {
            submit(a, s);       /* one tap rates */
        }
        return;
    case ACT_REASON:
        if (s->phase == RT_POOR && arg >= 0 && arg < settings_rating_reason_count(a->cfg)) {
            s->picked[arg] = !s->picked[arg];
            s->reason_error = false;
        }
        return;
    case ACT_ANON:
        if (s->phase == RT_POOR) {
            s->anonymous = !s->anonymous;
            if (s->anonymous)   /* anonymous: no phone kept either */
                session_set(app_session(a), PHONE_KEY, NULL, SESSION_VISIT);
        }
        return;
    case ACT_COMMENT:
        if (s->phase == RT_POOR)
            start_entry(a, s, RT_COMMENT);
        return;
    case ACT_PHONE:
        if (s->phase == RT_POOR && !s->anonymous)
            start_entry(a, s, RT_PHONE);
        return;
    case ACT_KEY: {
        ime_edit e;
        if ((s->phase == RT_COMMENT || s->phase == RT_PHONE) && keyboard_press(arg, &e))
            edit_entry(a, s, &e);
        explicit_bzero(&e, sizeof e);
        return;
    }
    case ACT_ENTRY_OK:
        if (s->phase != RT_COMMENT && s->phase != RT_PHONE)
            return;
        if (*ime_composing()) {     /* what is being composed is meant too */
            ime_edit e;
            ime_space(&e);
            edit_entry(a, s, &e);
            explicit_bzero(&e, sizeof e);
        }
        if (s->phase == RT_PHONE && !phone_ok(a)) {
            s->phone_error = true;
            return;
        }
        s->phase = RT_POOR;
        ime_reset(IME_PINYIN);      /* nothing of this resident's typing stays */
        s->scroll.offset = s->poor_offset;
        return;
    case ACT_ENTRY_BACK:
        if (s->phase == RT_COMMENT || s->phase == RT_PHONE) {
            if (s->phase == RT_PHONE && !phone_ok(a))
                session_set(app_session(a), PHONE_KEY, NULL, SESSION_VISIT);
            s->phase = RT_POOR;
            ime_reset(IME_PINYIN);
            s->scroll.offset = s->poor_offset;
        }
        return;
    case ACT_RELEVEL:
        if (s->phase == RT_POOR) {
            s->phase = RT_CHOOSE;
            s->scroll.offset = 0;
        }
        return;
    case ACT_SUBMIT:
        if (s->phase != RT_POOR)
            return;
        for (int i = 0; i < settings_rating_reason_count(a->cfg); i++)
            if (s->picked[i]) {
                submit(a, s);
                return;
            }
        s->reason_error = true;     /* said on the page, at the reasons */
        s->scroll.offset = 0;
        return;
    case ACT_SKIP:
    case ACT_CLOSE:
        if (s->phase != RT_SAVING)
            close_rating(a, s);
        return;
    default:
        return;
    }
}

static void rating_text(app *a, void *st, const char *utf8)
{
    rating_state *s = st;
    if (s->phase != RT_COMMENT && s->phase != RT_PHONE)
        return;
    ime_edit e = {0};
    snprintf(e.commit, sizeof e.commit, "%s", utf8);
    edit_entry(a, s, &e);
    explicit_bzero(&e, sizeof e);
}

static void rating_key(app *a, void *st, int key)
{
    rating_state *s = st;
    if (key == SDLK_BACKSPACE && (s->phase == RT_COMMENT || s->phase == RT_PHONE)) {
        ime_edit e = {.backspaces = 1};
        edit_entry(a, s, &e);
    }
}

static void rating_relayout(app *a, void *st)
{
    rating_state *s = st;
    const catalog_service *svc = catalog_find(a->cat, s->id);
    s->index = svc ? (size_t)(svc - a->cat->services) : 0;
    s->scroll.offset = 0;
}

/* The header's back is "not now" (or, while typing, back to the reasons);
 * home is home. */
static bool rating_leaving(app *a, void *st, bool home)
{
    rating_state *s = st;
    if (home || s->phase == RT_SAVING)
        return false;
    if (s->phase == RT_COMMENT || s->phase == RT_PHONE)
        rating_action(a, s, ACT_ENTRY_BACK, 0);
    else
        close_rating(a, s);
    return true;
}

/* What the voice says (app/speech.h) in each step: the five levels (the
 * default prompt), the reasons to choose, what to type, saving, thanks,
 * already rated, or not saved. What was typed is never read back. */
static void rating_speech(app *a, void *st, char *out, size_t size)
{
    rating_state *s = st;
    switch (s->phase) {
    case RT_POOR:
        i18n_format(out, size, "voice.rating.poor", (char *)NULL);
        return;
    case RT_COMMENT:
        i18n_format(out, size, "voice.rating.comment", (char *)NULL);
        return;
    case RT_PHONE:
        i18n_format(out, size, "voice.rating.phone", (char *)NULL);
        return;
    case RT_SAVING:
        i18n_format(out, size, "rating.saving", (char *)NULL);
        return;
    case RT_DONE: {
        const char *body = !rating_level_is_poor(s->level) ? "rating.thanks_note"
                           : (!s->anonymous && *entry(a, PHONE_KEY)) ? "rating.thanks_callback"
                                                                     : "rating.thanks_poor";
        i18n_format(out, size, "voice.rating.done", "body", tr(body), (char *)NULL);
        return;
    }
    case RT_ALREADY:
        i18n_format(out, size, "voice.rating.already", (char *)NULL);
        return;
    case RT_FAILED:
        i18n_format(out, size, "voice.rating.failed", (char *)NULL);
        return;
    default:
        return;     /* RT_CHOOSE: voice.screen.rating */
    }
}

const screen_class screen_rating = {
    .name = "rating",
    .state_size = sizeof(rating_state),
    .enter = rating_enter,
    .leave = rating_leave,
    .draw = rating_draw,
    .action = rating_action,
    .text = rating_text,
    .key = rating_key,
    .event = rating_event,
    .wake_at = rating_wake_at,
    .tick = rating_tick,
    .leaving = rating_leaving,
    .relayout = rating_relayout,
    .speech = rating_speech,
};
