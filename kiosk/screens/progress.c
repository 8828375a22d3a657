/*
 * progress: where an application stands (办件查询), reached from the home
 * screen. The resident types the number from their receipt on the letter
 * keyboard (the kiosk's own look like 20261122-000001-0713, the platform's
 * ZW20261105-0031) or, signed in with the ID card, asks for all of their
 * own. Each application shows its service, number, status in words and
 * when it last changed, and the platform's note when there is one.
 *
 * Offline or without an answer in time, the last known answer to the
 * same query is shown with its age ("the status as it was 5 minutes
 * ago") when the kiosk has one (platform/online.h keeps them, nothing
 * personal); otherwise the plain message and what to do instead.
 */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "i18n/i18n.h"
#include "screens/online_ui.h"
#include "screens/screens.h"
#include "ui/keyboard.h"

enum {
    ACT_KEY = SCREEN_ACTION_BASE, ACT_SEARCH, ACT_MINE, ACT_SIGNIN, ACT_AGAIN, ACT_FINISH,
    ACT_ASK_HELP, ACT_RETRY
};

#define NUMBER_MIN 4
#define NUMBER_MAX 64

typedef enum pg_phase { PG_INPUT, PG_ASKING, PG_RESULT } pg_phase;

typedef struct progress_state {
    pg_phase phase;
    char number[NUMBER_MAX + 8];    /* as typed: letters, digits, '-' */
    bool show_error;
    bool mine;              /* the query was "my applications" */
    online_asked q;         /* the answer is guarded */
    ui_scroll scroll;
} progress_state;

static void progress_enter(app *a, void *st, intptr_t arg)
{
    progress_state *s = st;
    (void)a;
    (void)arg;
    s->phase = PG_INPUT;
    ime_set_mode(IME_LETTERS);
}

static void progress_leave(app *a, void *st)
{
    progress_state *s = st;
    (void)a;
    online_asked_forget(&s->q);
    explicit_bzero(s->number, sizeof s->number);
}

/* The kiosk's own receipt numbers typed without their dashes
 * (20261122000001071A: 8 digits, 6 digits, 4 characters -- the letter
 * keyboard has no dash) get them back; anything else is sent as typed. */
static void add_dashes(char *v, size_t size)
{
    size_t n = strlen(v);
    if (n != 18 || strchr(v, '-') || size < 21)
        return;
    for (size_t i = 0; i < 14; i++)
        if (v[i] < '0' || v[i] > '9')
            return;
    char out[24];
    snprintf(out, sizeof out, "%.8s-%.6s-%.4s", v, v + 8, v + 14);
    snprintf(v, size, "%s", out);
}

static void ask(app *a, progress_state *s, bool mine)
{
    s->mine = mine;
    if (!mine)
        add_dashes(s->number, sizeof s->number);
    online_asked_start(&s->q, mine ? online_progress(NULL) : online_progress(s->number));
    s->phase = s->q.failed ? PG_RESULT : PG_ASKING;
    s->scroll.offset = 0;
    (void)a;
}

/* ---- drawing ----------------------------------------------------------------------- */

static int para(ui *u, const char *text, int x, int y, int w, int px, text_weight wt,
                SDL_Color c, bool draw)
{
    return ui_paragraph(u, text, x, y, w, px, wt, c, UI_LEFT, draw);
}

static int input_text(app *a, void *st, ui *u, int x, int y, int w, bool draw)
{
    const theme *th = &u->th;
    (void)a;
    (void)st;
    int y0 = y;
    y += para(u, tr("progress.enter"), x, y, w, th->text_title, TEXT_BOLD, th->text, draw);
    y += para(u, tr("progress.enter_hint"), x, y, w, th->text_body, TEXT_REGULAR, th->muted,
              draw);
    return y - y0 + th->gap;
}

/* The number typed, in a box with a caret, what is wrong under it;
 * bottom at y_end. Returns the height. */
static int number_box(progress_state *s, ui *u, int x, int y_end, int w)
{
    const theme *th = &u->th;
    const char *msg = s->show_error ? tr("progress.too_short") : "";
    int err_h = *msg ? ui_paragraph(u, msg, x, 0, w, th->text_body, TEXT_BOLD, th->danger, UI_LEFT,
                                    false) : 0;
    int lh = text_line_height(th->text_heading, TEXT_REGULAR);
    int box_h = lh + th->pad < th->target ? th->target : lh + th->pad;
    int y = y_end - err_h - box_h;
    if (*msg)
        ui_paragraph(u, msg, x, y + box_h, w, th->text_body, TEXT_BOLD, th->danger, UI_LEFT, true);
    SDL_Rect box = {x, y, w, box_h};
    ui_round_border(u, box, th->radius, (int)(3 * th->u + 0.5f), *msg ? th->danger : th->primary,
                    th->surface);
    const char *q = s->number;
    int avail = box.w - 2 * th->pad;
    while (*q && text_width(q, strlen(q), th->text_heading, TEXT_REGULAR) > avail)
        q++;
    int tw = *q ? ui_text(u, q, box.x + th->pad, box.y + (box.h - lh) / 2, avail,
                          th->text_heading, TEXT_REGULAR, th->text, UI_LEFT, false)
                : 0;
    SDL_Rect caret = {box.x + th->pad + tw + 2, box.y + box.h / 5, 3, box.h * 3 / 5};
    ui_fill(u, caret, th->primary);
    return err_h + box_h;
}

static void draw_input(app *a, progress_state *s, ui *u, SDL_Rect c)
{
    const theme *th = &u->th;
    int col_w = th->portrait ? c.w : (c.w - th->pad) * 9 / 20;
    int kb_w = th->portrait ? c.w : c.w - col_w - th->pad;
    int kb_h = keyboard_height(u, kb_w);
    if (!th->portrait && kb_h > c.h)
        kb_h = c.h;
    if (th->portrait && kb_h > c.h / 2)
        kb_h = c.h / 2;
    keyboard_draw(u, (SDL_Rect){c.x + c.w - kb_w, c.y + c.h - kb_h, kb_w, kb_h}, ACT_KEY);
    int bottom = th->portrait ? c.y + c.h - kb_h - th->gap : c.y + c.h;
    SDL_Rect col = {c.x, c.y, col_w, bottom - c.y};
    /* my applications: for the signed-in resident, or a way to sign in */
    bool signed_in = session_identity(app_session(a)) != NULL;
    SDL_Rect mine = {col.x, col.y + col.h - th->target, col.w, th->target};
    ui_button(u, mine, tr(signed_in ? "progress.mine" : "progress.mine_signin"), UI_SECONDARY,
              signed_in ? ACT_MINE : ACT_SIGNIN, 0);
    col.h -= th->target + th->gap;
    SDL_Rect search = {col.x, col.y + col.h - th->target, col.w, th->target};
    ui_button(u, search, tr("progress.search"), UI_PRIMARY, ACT_SEARCH, 0);
    col.h -= th->target + th->gap;
    int box_h = number_box(s, u, col.x, col.y + col.h, col.w) + th->gap;
    SDL_Rect view = {col.x, col.y, col.w, col.h - box_h};
    if (view.h > 0)
        online_ui_scrolled(a, s, u, &s->scroll, view, input_text);
}

static SDL_Color status_colour(const theme *th, const char *status)
{
    if (!strcmp(status, "done"))
        return th->ok;
    if (!strcmp(status, "returned"))
        return th->danger;
    return th->primary;
}

/* One application as a card; returns its height. */
static int app_card(app *a, ui *u, const online_application *x, int left, int y, int w, bool draw)
{
    const theme *th = &u->th;
    const char *lang = app_lang(a);
    int inner = w - 2 * th->pad;
    int cx = left + th->pad;
    char line[256], when[24];
    int h = th->pad;
    int title_h = para(u, online_text_get(&x->title, lang), cx, 0, inner, th->text_heading,
                       TEXT_BOLD, th->text, false);
    i18n_format(line, sizeof line, "progress.number", "number", x->number, (char *)NULL);
    int num_h = para(u, line, cx, 0, inner, th->text_small, TEXT_REGULAR, th->muted, false);
    int st_h = para(u, online_text_get(&x->status_text, lang), cx, 0, inner, th->text_title,
                    TEXT_BOLD, th->text, false);
    /* the platform's own local time, as it wrote it: 2026-11-20 10:15 */
    snprintf(when, sizeof when, "%.10s %.5s", x->updated_at, x->updated_at + 11);
    char upd[128];
    i18n_format(upd, sizeof upd, "progress.updated", "time", when, (char *)NULL);
    int upd_h = para(u, upd, cx, 0, inner, th->text_body, TEXT_REGULAR, th->muted, false);
    const char *note = online_text_get(&x->note, lang);
    int note_h = *note ? para(u, note, cx, 0, inner, th->text_body, TEXT_REGULAR, th->text, false)
                       : 0;
    int total = th->pad + title_h + num_h + th->gap / 2 + st_h + upd_h +
                (note_h ? th->gap / 2 + note_h : 0) + th->pad;
    if (draw) {
        ui_round(u, (SDL_Rect){left, y, w, total}, th->radius, th->surface);
        int yy = y + th->pad;
        yy += para(u, online_text_get(&x->title, lang), cx, yy, inner, th->text_heading,
                   TEXT_BOLD, th->text, true);
        yy += para(u, line, cx, yy, inner, th->text_small, TEXT_REGULAR, th->muted, true) +
              th->gap / 2;
        yy += para(u, online_text_get(&x->status_text, lang), cx, yy, inner, th->text_title,
                   TEXT_BOLD, status_colour(th, x->status), true);
        yy += para(u, upd, cx, yy, inner, th->text_body, TEXT_REGULAR, th->muted, true);
        if (note_h)
            para(u, note, cx, yy + th->gap / 2, inner, th->text_body, TEXT_REGULAR, th->text, true);
    }
    (void)h;
    return total;
}

static int result_page(app *a, void *st, ui *u, int x, int y, int w, bool draw)
{
    progress_state *s = st;
    const theme *th = &u->th;
    int y0 = y;
    char line[512], n[24];
    if (s->phase == PG_ASKING)
        return online_ui_asking(u, "progress.asking", x, y, w, draw);
    online_outcome o = online_asked_outcome(&s->q);
    bool cached = s->q.ans && s->q.ans->cached;
    if (!s->mine) {     /* what was asked, above whatever the answer is */
        i18n_format(line, sizeof line, "progress.asked", "number", s->number, (char *)NULL);
        y += para(u, line, x, y, w, th->text_body, TEXT_REGULAR, th->muted, draw) + th->gap / 2;
    }
    /* the same query again, when the platform could not answer it */
    bool retry = online_ui_can_retry(o);
    if (o != ONLINE_OK && !cached) {
        y += online_ui_unavailable(a, u, online_ui_title_key(o),
                                   online_ui_body_key(o, "progress.refused"), NULL, x, y, w,
                                   ACT_ASK_HELP, draw);
        if (retry && draw)
            ui_button(u, (SDL_Rect){x, y, w, th->target}, tr("online.retry"), UI_PRIMARY,
                      ACT_RETRY, 0);
        return y - y0 + (retry ? th->target + th->gap : 0);
    }
    const online_data *d = &s->q.ans->data;
    if (cached) {
        char age[64];
        online_ui_age(s->q.ans->cached_ms, age, sizeof age);
        i18n_format(line, sizeof line, "progress.cached", "age", age, (char *)NULL);
        y += para(u, tr(online_ui_title_key(o)), x, y, w, th->text_heading, TEXT_BOLD, th->warn,
                  draw);
        y += para(u, line, x, y, w, th->text_body, TEXT_BOLD, th->warn, draw) + th->gap;
    }
    if (d->progress.n == 0) {
        y += para(u, tr(s->mine ? "progress.none_mine" : "progress.none"), x, y, w,
                  th->text_title, TEXT_BOLD, th->text, draw) + th->gap;
        if (!s->mine)
            y += online_ui_instead(a, u, NULL, x, y, w, ACT_ASK_HELP, draw);
        return y - y0 + th->gap;
    }
    snprintf(n, sizeof n, "%zu", d->progress.total);
    i18n_format(line, sizeof line, "progress.found", "n", n, (char *)NULL);
    y += para(u, line, x, y, w, th->text_heading, TEXT_BOLD, th->text, draw) + th->gap / 2;
    for (size_t i = 0; i < d->progress.n; i++) {
        int h = app_card(a, u, &d->progress.app[i], x, y, w, false);
        if (draw && ui_visible(u, (SDL_Rect){x, y, w, h}))
            app_card(a, u, &d->progress.app[i], x, y, w, true);
        y += h + th->gap / 2;
    }
    if (d->progress.total > d->progress.n) {
        snprintf(n, sizeof n, "%zu", d->progress.n);
        i18n_format(line, sizeof line, "progress.cut", "n", n, (char *)NULL);
        y += para(u, line, x, y, w, th->text_body, TEXT_REGULAR, th->muted, draw);
    }
    if (cached) {
        y += th->gap;
        if (draw)
            ui_button(u, (SDL_Rect){x, y, w, th->target}, tr("online.retry"), UI_PRIMARY,
                      ACT_RETRY, 0);
        y += th->target + th->gap;
        y += online_ui_instead(a, u, NULL, x, y, w, ACT_ASK_HELP, draw);
    }
    return y - y0 + th->gap;
}

static void progress_draw(app *a, void *st, ui *u)
{
    progress_state *s = st;
    SDL_Rect c = app_chrome(a, u, tr("progress.title"), true);
    if (s->phase == PG_INPUT) {
        draw_input(a, s, u, c);
        return;
    }
    SDL_Rect view = c;
    if (s->phase == PG_RESULT)
        view = online_ui_nav(u, c, tr("progress.again"), ACT_AGAIN, tr("form.finish"), ACT_FINISH);
    online_ui_scrolled(a, s, u, &s->scroll, view, result_page);
}

/* ---- input and answers ------------------------------------------------------------------ */

/* Keeps what a number may hold: letters (as capitals), digits and '-'. */
static void tidy(char *v)
{
    size_t o = 0;
    for (size_t i = 0; v[i]; i++) {
        char c = v[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')
            if (o < NUMBER_MAX)
                v[o++] = c;
    }
    v[o] = '\0';
}

static void edit(progress_state *s, const ime_edit *e)
{
    keyboard_apply(e, s->number, sizeof s->number);
    tidy(s->number);
    s->show_error = false;
}

static void progress_action(app *a, void *st, int action, intptr_t arg)
{
    progress_state *s = st;
    switch (action) {
    case ACT_KEY: {
        ime_edit e;
        if (s->phase == PG_INPUT && keyboard_press(arg, &e))
            edit(s, &e);
        explicit_bzero(&e, sizeof e);
        return;
    }
    case ACT_SEARCH:
        if (s->phase != PG_INPUT)
            return;
        if (strlen(s->number) < NUMBER_MIN) {
            s->show_error = true;
            return;
        }
        ask(a, s, false);
        return;
    case ACT_MINE:
        if (s->phase == PG_INPUT && session_identity(app_session(a)))
            ask(a, s, true);
        return;
    case ACT_SIGNIN:
        app_push(a, &screen_signin, -1);
        return;
    case ACT_RETRY:
        if (s->phase == PG_RESULT)
            ask(a, s, s->mine);
        return;
    case ACT_AGAIN:
        if (s->phase == PG_RESULT) {
            online_asked_forget(&s->q);
            explicit_bzero(s->number, sizeof s->number);
            s->show_error = false;
            s->phase = PG_INPUT;
            s->scroll.offset = 0;
            ime_set_mode(IME_LETTERS);
        }
        return;
    case ACT_FINISH:
        app_go_home(a);
        return;
    case ACT_ASK_HELP:
        online_ui_open_help(a);
        return;
    default:
        return;
    }
}

static void progress_text(app *a, void *st, const char *utf8)
{
    progress_state *s = st;
    (void)a;
    if (s->phase != PG_INPUT)
        return;
    ime_edit e = {0};
    snprintf(e.commit, sizeof e.commit, "%s", utf8);
    edit(s, &e);
}

static void progress_key(app *a, void *st, int key)
{
    progress_state *s = st;
    (void)a;
    if (s->phase == PG_INPUT && key == SDLK_BACKSPACE) {
        ime_edit e = {.backspaces = 1};
        edit(s, &e);
    } else if (s->phase == PG_INPUT && (key == SDLK_RETURN || key == SDLK_KP_ENTER)) {
        progress_action(a, st, ACT_SEARCH, 0);
    }
}

static void progress_event(app *a, void *st, hub_event *ev)
{
    progress_state *s = st;
    if (!online_asked_take(&s->q, ev))
        return;
    s->phase = PG_RESULT;
    s->scroll.offset = 0;
    app_note_activity(a);
    app_invalidate(a);
}

static uint64_t progress_wake_at(app *a, void *st)
{
    (void)a;
    return online_asked_wake_at(&((progress_state *)st)->q);
}

static void progress_tick(app *a, void *st)
{
    progress_state *s = st;
    if (online_asked_tick(&s->q)) {
        s->phase = PG_RESULT;
        app_invalidate(a);
    }
}

static void progress_relayout(app *a, void *st)
{
    progress_state *s = st;
    (void)a;
    s->scroll.offset = 0;
}

/* What the voice says (app/speech.h): what to type; asking; how many were
 * found, and each one's service and status (the first few); none; or why
 * not and what instead. */
static void progress_speech(app *a, void *st, char *out, size_t size)
{
    progress_state *s = st;
    const char *lang = app_lang(a);
    if (s->phase == PG_INPUT) {
        i18n_format(out, size, "voice.screen.progress", (char *)NULL);
        return;
    }
    if (s->phase == PG_ASKING) {
        i18n_format(out, size, "progress.asking", (char *)NULL);
        return;
    }
    online_outcome o = online_asked_outcome(&s->q);
    bool cached = s->q.ans && s->q.ans->cached;
    if (o != ONLINE_OK && !cached) {
        online_ui_speech_unavailable(a, o, online_ui_body_key(o, "progress.refused"), NULL, out,
                                     size);
        return;
    }
    const online_data *d = &s->q.ans->data;
    if (d->progress.n == 0) {
        i18n_format(out, size, s->mine ? "progress.none_mine" : "progress.none", (char *)NULL);
        return;
    }
    char n[24], line[512];
    snprintf(n, sizeof n, "%zu", d->progress.total);
    i18n_format(out, size, "progress.found", "n", n, (char *)NULL);
    for (size_t i = 0; i < d->progress.n && i < 3; i++) {
        const online_application *x = &d->progress.app[i];
        i18n_format(line, sizeof line, "voice.progress.one", "service",
                    online_text_get(&x->title, lang), "status",
                    online_text_get(&x->status_text, lang), (char *)NULL);
        size_t l = strlen(out);
        snprintf(out + l, size - l, " %s", line);
    }
}

const screen_class screen_progress = {
    .name = "progress",
    .state_size = sizeof(progress_state),
    .enter = progress_enter,
    .leave = progress_leave,
    .draw = progress_draw,
    .action = progress_action,
    .text = progress_text,
    .key = progress_key,
    .event = progress_event,
    .wake_at = progress_wake_at,
    .tick = progress_tick,
    .relayout = progress_relayout,
    .speech = progress_speech,
};
