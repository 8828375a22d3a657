/*
 * appoint: booking a visit to the window (预约) for a service, pushed from
 * its guide with the service index.
 *
 * The next seven working days (Monday to Friday, counted from tomorrow by
 * the platform's date: online_platform_time) and the free times of the
 * chosen day, asked of the platform one day at a time; the first day
 * with a free time is chosen by itself. Picking a time needs the signed-in
 * resident (the ID card, as forms do) and a mobile number for the
 * reminder, typed on the digit keyboard and kept as a session draft
 * (guarded memory, gone at sign-out); then a confirmation with everything
 * personal masked, then the booking and its confirmation code. A time
 * that filled up meanwhile (slot_full) sends the resident back to the
 * times with a plain sentence and the day asked afresh. Offline or
 * without an answer in time: what else to do (online_ui.h). A retry of
 * the same booking sends the same idempotency key. A booking comes with
 * a receipt (receipt_ui): the confirmation code, when and where, the
 * materials to bring, printed or shown on screen.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "common/utf8.h"
#include "i18n/i18n.h"
#include "outbox/outbox_crypt.h"
#include "screens/online_ui.h"
#include "screens/rating_prompt.h"
#include "screens/receipt_ui.h"
#include "screens/screens.h"
#include "ui/keyboard.h"

enum {
    ACT_DAY = SCREEN_ACTION_BASE, ACT_SLOT, ACT_RETRY_SLOTS, ACT_SIGNIN, ACT_KEY, ACT_NEXT,
    ACT_PREV, ACT_BOOK, ACT_RETRY_BOOK, ACT_FINISH, ACT_ASK_HELP
};

#define N_DAYS 7
#define PHONE_KEY "appoint.phone"

typedef enum ap_phase { AP_SLOTS, AP_PHONE, AP_CONFIRM, AP_BOOKING, AP_DONE, AP_FAILED } ap_phase;

typedef struct appoint_state {
    size_t index;
    char id[65];
    ap_phase phase;
    char day_date[N_DAYS][11];
    int day_wday[N_DAYS], day_mon[N_DAYS], day_mday[N_DAYS];
    int n_days, day;        /* the day shown */
    bool auto_next;         /* nothing free on it yet: move on by itself */
    online_asked slots;     /* of day */
    const char *notice_key; /* a sentence above the times (a time gone) */
    int chosen_day;         /* the time picked */
    online_slot chosen;
    bool phone_error;
    online_asked book;
    receipt_ui paper;       /* the booking's receipt */
    rating_prompt rate;     /* the rating that follows */
    ui_scroll scroll, scroll_days;  /* the page; the days' column in landscape */
} appoint_state;

static const catalog_service *service(app *a, appoint_state *s)
{
    return &a->cat->services[s->index];
}

static void ask_slots(app *a, appoint_state *s)
{
    online_asked_start(&s->slots, online_slots(service(a, s)->id, s->day_date[s->day]));
    s->scroll.offset = 0;
}

/* The next N_DAYS working days from tomorrow, by the platform's date. */
static void make_days(appoint_state *s)
{
    time_t now = online_platform_time();
    struct tm today;
    localtime_r(&now, &today);
    s->n_days = 0;
    for (int d = 1; s->n_days < N_DAYS && d < 3 * N_DAYS; d++) {
        struct tm t = today;
        t.tm_mday += d;
        t.tm_hour = 12;     /* clear of any daylight-saving edge */
        t.tm_isdst = -1;
        if (mktime(&t) == (time_t)-1 || t.tm_wday == 0 || t.tm_wday == 6)
            continue;
        int i = s->n_days++;
        strftime(s->day_date[i], sizeof s->day_date[i], "%Y-%m-%d", &t);
        s->day_wday[i] = t.tm_wday;
        s->day_mon[i] = t.tm_mon + 1;
        s->day_mday[i] = t.tm_mday;
    }
}

static void day_label(const appoint_state *s, int i, char *out, size_t size)
{
    char wk[24], md[8], mk[16];
    snprintf(wk, sizeof wk, "weekday_short.%d", s->day_wday[i]);
    snprintf(mk, sizeof mk, "month.%d", s->day_mon[i]);
    snprintf(md, sizeof md, "%d", s->day_mday[i]);
    /* the month by name ("11月", "Nov"): its place in the date is the
     * language's */
    i18n_format(out, size, "appoint.day", "month", tr(mk), "day", md, "weekday", tr(wk),
                (char *)NULL);
}

static void appoint_enter(app *a, void *st, intptr_t arg)
{
    appoint_state *s = st;
    s->index = (arg >= 0 && (size_t)arg < a->cat->n_services) ? (size_t)arg : 0;
    snprintf(s->id, sizeof s->id, "%s", service(a, s)->id);
    s->phase = AP_SLOTS;
    make_days(s);
    s->day = 0;
    s->auto_next = true;
    if (s->n_days)
        ask_slots(a, s);
}

static void appoint_leave(app *a, void *st)
{
    appoint_state *s = st;
    (void)a;
    online_asked_forget(&s->slots);
    online_asked_forget(&s->book);
    receipt_ui_clear(&s->paper);
}

static const char *phone(app *a)
{
    const char *v = session_get(app_session(a), PHONE_KEY);
    return v ? v : "";
}

static bool phone_ok(app *a, const char **why)
{
    form_field f = {.type = FORM_PHONE, .required = true, .max_length = 20,
                    .pattern = FORM_PATTERN_PHONE_CN};
    long n;
    return form_value_ok(&f, phone(a), why, &n);
}

/* ---- drawing -------------------------------------------------------------------- */

static int para(ui *u, const char *text, int x, int y, int w, int px, text_weight wt,
                SDL_Color c, bool draw)
{
    return ui_paragraph(u, text, x, y, w, px, wt, c, UI_LEFT, draw);
}

/* Buttons in a grid of equal columns, as many as labels of this width
 * allow; returns the height. label(i) fills buf. */
static int grid_columns(ui *u, int w, int widest)
{
    const theme *th = &u->th;
    int cell = widest + 2 * th->pad;
    int cols = (w + th->gap) / (cell + th->gap);
    return cols < 1 ? 1 : cols;
}

static int days_part(app *a, appoint_state *s, ui *u, int x, int y, int w, bool draw)
{
    const theme *th = &u->th;
    int y0 = y;
    y += para(u, tr("appoint.pick_day"), x, y, w, th->text_heading, TEXT_BOLD, th->text, draw) +
         th->gap / 2;
    char label[96];
    int widest = 0;
    for (int i = 0; i < s->n_days; i++) {
        day_label(s, i, label, sizeof label);
        int tw = text_width(label, strlen(label), th->text_body, TEXT_BOLD);
        widest = tw > widest ? tw : widest;
    }
    int cols = grid_columns(u, w, widest);
    if (cols > s->n_days)
        cols = s->n_days ? s->n_days : 1;
    int cw = (w - (cols - 1) * th->gap) / cols;
    for (int i = 0; i < s->n_days; i++) {
        SDL_Rect r = {x + (i % cols) * (cw + th->gap), y + (i / cols) * (th->target + th->gap / 2),
                      cw, th->target};
        if (draw) {
            day_label(s, i, label, sizeof label);
            ui_button(u, r, label, i == s->day ? UI_PRIMARY : UI_SECONDARY, ACT_DAY, i);
        }
    }
    int rows = (s->n_days + cols - 1) / cols;
    y += rows * (th->target + th->gap / 2) + th->gap / 2;
    (void)a;
    return y - y0;
}

static int times_part(app *a, appoint_state *s, ui *u, int x, int y, int w, bool draw)
{
    const theme *th = &u->th;
    int y0 = y;
    y += para(u, tr("appoint.pick_slot"), x, y, w, th->text_heading, TEXT_BOLD, th->text, draw) +
         th->gap / 2;
    if (s->notice_key)
        y += para(u, tr(s->notice_key), x, y, w, th->text_body, TEXT_BOLD, th->danger, draw) +
             th->gap / 2;
    if (online_asked_waiting(&s->slots))
        return y - y0 + online_ui_asking(u, "appoint.loading", x, y, w, draw);
    online_outcome o = online_asked_outcome(&s->slots);
    if (o == ONLINE_REFUSED && s->slots.ans && !strcmp(s->slots.ans->code, "unknown_service"))
        return y - y0 + online_ui_unavailable(a, u, "online.refused_title", "appoint.not_offered",
                                              service(a, s), x, y, w, ACT_ASK_HELP, draw);
    if (o != ONLINE_OK) {
        int h = online_ui_unavailable(a, u, online_ui_title_key(o),
                                      online_ui_body_key(o, "online.try_later"), service(a, s),
                                      x, y, w, ACT_ASK_HELP, draw);
        y += h;
        if (o == ONLINE_NONE)
            return y - y0;
        if (draw)
            ui_button(u, (SDL_Rect){x, y, w, th->target}, tr("online.retry"), UI_PRIMARY,
                      ACT_RETRY_SLOTS, 0);
        return y - y0 + th->target + th->gap;
    }
    const online_data *d = &s->slots.ans->data;
    if (d->slots.n == 0)
        return y - y0 + para(u, tr("appoint.no_slots"), x, y, w, th->text_body, TEXT_REGULAR,
                             th->text, draw) + th->gap;
    char label[128], n[16];
    int widest = 0;
    for (size_t i = 0; i < d->slots.n; i++) {
        const online_slot *t = &d->slots.slot[i];
        snprintf(n, sizeof n, "%d", t->free);
        i18n_format(label, sizeof label, t->free > 0 ? "appoint.slot" : "appoint.slot_full",
                    "start", t->start, "end", t->end, "free", n, (char *)NULL);
        int tw = text_width(label, strlen(label), th->text_body, TEXT_BOLD);
        widest = tw > widest ? tw : widest;
    }
    int cols = grid_columns(u, w, widest);
    int cw = (w - (cols - 1) * th->gap) / cols;
    for (size_t i = 0; i < d->slots.n; i++) {
        const online_slot *t = &d->slots.slot[i];
        SDL_Rect r = {x + (int)(i % (size_t)cols) * (cw + th->gap),
                      y + (int)(i / (size_t)cols) * (th->target + th->gap / 2), cw, th->target};
        if (!draw || !ui_visible(u, r))
            continue;
        snprintf(n, sizeof n, "%d", t->free);
        i18n_format(label, sizeof label, t->free > 0 ? "appoint.slot" : "appoint.slot_full",
                    "start", t->start, "end", t->end, "free", n, (char *)NULL);
        if (t->free > 0) {
            ui_button(u, r, label, UI_SECONDARY, ACT_SLOT, (intptr_t)i);
        } else {
            /* full: shown, so the day's hours are plain, but not a target */
            ui_round(u, r, th->radius, th->surface_alt);
            int lh = text_line_height(th->text_body, TEXT_REGULAR);
            ui_text(u, label, r.x, r.y + (r.h - lh) / 2, r.w, th->text_body, TEXT_REGULAR,
                    th->muted, UI_CENTER, true);
        }
    }
    int rows = (int)((d->slots.n + (size_t)cols - 1) / (size_t)cols);
    y += rows * (th->target + th->gap / 2) + th->gap;
    return y - y0;
}

static int days_page(app *a, void *st, ui *u, int x, int y, int w, bool draw)
{
    appoint_state *s = st;
    const theme *th = &u->th;
    int y0 = y;
    y += para(u, ltext_get(&service(a, s)->name, app_lang(a)), x, y, w, th->text_title, TEXT_BOLD,
              th->text, draw) + th->gap;
    return y - y0 + days_part(a, s, u, x, y, w, draw);
}

static int times_page(app *a, void *st, ui *u, int x, int y, int w, bool draw)
{
    return times_part(a, st, u, x, y, w, draw);
}

static int slots_page(app *a, void *st, ui *u, int x, int y, int w, bool draw)
{
    appoint_state *s = st;
    const theme *th = &u->th;
    int y0 = y;
    y += para(u, ltext_get(&service(a, s)->name, app_lang(a)), x, y, w, th->text_title, TEXT_BOLD,
              th->text, draw) + th->gap;
    y += days_part(a, s, u, x, y, w, draw);
    y += times_part(a, s, u, x, y, w, draw);
    return y - y0;
}

static void when_text(appoint_state *s, const char *date, const char *start_, const char *end,
                      char *out, size_t size)
{
    char day[96] = "";
    for (int i = 0; i < s->n_days; i++)
        if (!strcmp(s->day_date[i], date))
            day_label(s, i, day, sizeof day);
    if (!day[0])
        snprintf(day, sizeof day, "%s", date);
    i18n_format(out, size, "appoint.when_value", "day", day, "start", start_, "end", end,
                (char *)NULL);
}

static int confirm_page(app *a, void *st, ui *u, int x, int y, int w, bool draw)
{
    appoint_state *s = st;
    const theme *th = &u->th;
    int y0 = y;
    char when[256], name[64] = "", number[64] = "", ph[32];
    y += para(u, tr("appoint.confirm_title"), x, y, w, th->text_title, TEXT_BOLD, th->text,
              draw) + th->gap;
    y += online_ui_kv(u, tr("appoint.service"), ltext_get(&service(a, s)->name, app_lang(a)), x, y,
                      w, draw);
    when_text(s, s->day_date[s->chosen_day], s->chosen.start, s->chosen.end, when, sizeof when);
    y += online_ui_kv(u, tr("appoint.when"), when, x, y, w, draw);
    app_identity_masked(a, name, sizeof name, number, sizeof number);
    y += online_ui_kv(u, tr("signin.name"), name, x, y, w, draw);
    y += online_ui_kv(u, tr("signin.number"), number, x, y, w, draw);
    outbox_mask_phone(phone(a), ph, sizeof ph);
    y += online_ui_kv(u, tr("appoint.phone"), ph, x, y, w, draw);
    return y - y0 + th->gap;
}

static int result_page(app *a, void *st, ui *u, int x, int y, int w, bool draw)
{
    appoint_state *s = st;
    const theme *th = &u->th;
    const char *lang = app_lang(a);
    int y0 = y;
    if (s->phase == AP_BOOKING)
        return online_ui_asking(u, "appoint.booking", x, y, w, draw);
    online_outcome o = online_asked_outcome(&s->book);
    if (s->phase == AP_FAILED || o != ONLINE_OK)
        return online_ui_unavailable(a, u, online_ui_title_key(o),
                                     online_ui_body_key(o, "appoint.refused"), service(a, s), x,
                                     y, w, ACT_ASK_HELP, draw);
    const online_data *d = &s->book.ans->data;
    char line[512];
    y += para(u, tr("appoint.done"), x, y, w, th->text_title, TEXT_BOLD, th->ok, draw) + th->gap;
    y += para(u, tr("appoint.code"), x, y, w, th->text_body, TEXT_REGULAR, th->muted, draw);
    const char *code = d->booking.confirmation;
    int px = text_width(code, strlen(code), th->text_display, TEXT_BOLD) <= w ? th->text_display
                                                                               : th->text_title;
    y += para(u, code, x, y, w, px, TEXT_BOLD, th->text, draw) + th->gap;
    y += online_ui_kv(u, tr("appoint.service"), ltext_get(&service(a, s)->name, lang), x, y, w,
                      draw);
    when_text(s, d->booking.date, d->booking.start, d->booking.end, line, sizeof line);
    y += online_ui_kv(u, tr("appoint.when"), line, x, y, w, draw);
    i18n_format(line, sizeof line, "appoint.done_hint", "window",
                online_text_get(&d->booking.window, lang), (char *)NULL);
    y += para(u, line, x, y, w, th->text_body, TEXT_REGULAR, th->text, draw) + th->gap;
    y += receipt_ui_status(u, &s->paper, x, y, w, UI_LEFT, draw);
    if (s->paper.print == RECEIPT_UI_SCREEN)
        y += th->gap + receipt_ui_on_screen(a, u, &s->paper, x, y + th->gap, w, draw);
    return y - y0 + th->gap;
}

/* The phone number as typed, in a box with a caret, the error under it;
 * bottom at y_end. Returns the height. */
static int phone_box(app *a, appoint_state *s, ui *u, int x, int y_end, int w)
{
    const theme *th = &u->th;
    const char *why = NULL;
    bool err = s->phone_error && !phone_ok(a, &why) && why;
    const char *msg = err ? tr(why) : "";
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
    const char *v = phone(a);
    text_private(true);     /* the resident's phone number: dropped at sign-out */
    int tw = *v ? ui_text(u, v, box.x + th->pad, box.y + (box.h - lh) / 2, box.w - 2 * th->pad,
                          th->text_heading, TEXT_REGULAR, th->text, UI_LEFT, false)
                : 0;
    text_private(false);
    SDL_Rect caret = {box.x + th->pad + tw + 2, box.y + box.h / 5, 3, box.h * 3 / 5};
    ui_fill(u, caret, th->primary);
    return err_h + box_h;
}

static int phone_text(app *a, void *st, ui *u, int x, int y, int w, bool draw)
{
    const theme *th = &u->th;
    (void)a;
    (void)st;
    int y0 = y;
    y += para(u, tr("appoint.phone_title"), x, y, w, th->text_title, TEXT_BOLD, th->text, draw);
    y += para(u, tr("appoint.phone_hint"), x, y, w, th->text_body, TEXT_REGULAR, th->muted, draw);
    return y - y0 + th->gap;
}

static int signin_text(app *a, void *st, ui *u, int x, int y, int w, bool draw)
{
    const theme *th = &u->th;
    (void)st;
    (void)a;
    int y0 = y;
    y += para(u, tr("appoint.signin_needed"), x, y, w, th->text_title, TEXT_BOLD, th->text, draw) +
         th->gap;
    if (draw)
        ui_button(u, (SDL_Rect){x, y, w, th->target}, tr("signin.start"), UI_PRIMARY, ACT_SIGNIN,
                  0);
    return y - y0 + th->target + th->gap;
}

static void draw_phone(app *a, appoint_state *s, ui *u, SDL_Rect c)
{
    const theme *th = &u->th;
    if (!session_identity(app_session(a))) {
        SDL_Rect view = online_ui_nav(u, c, NULL, 0, tr("appoint.back"), ACT_PREV);
        online_ui_scrolled(a, s, u, &s->scroll, view, signin_text);
        return;
    }
    /* as a form question: portrait stacks text, box, buttons, keyboard;
     * landscape puts the keyboard on the right */
    int col_w = th->portrait ? c.w : (c.w - th->pad) * 9 / 20;
    int kb_w = th->portrait ? c.w : c.w - col_w - th->pad;
    /* a phone number: the number pad, '-' for a landline's area code */
    int kb_h = keyboard_pad_height(u, kb_w);
    if (!th->portrait && kb_h > c.h)
        kb_h = c.h;
    if (th->portrait && kb_h > c.h / 2)
        kb_h = c.h / 2;     /* large text: as a form's number pad */
    keyboard_draw_pad(u, (SDL_Rect){c.x + c.w - kb_w, c.y + c.h - kb_h, kb_w, kb_h}, ACT_KEY,
                      "-");
    int bottom = th->portrait ? c.y + c.h - kb_h - th->gap : c.y + c.h;
    SDL_Rect col = {c.x, c.y, col_w, bottom - c.y};
    SDL_Rect above = online_ui_nav(u, col, tr("appoint.back"), ACT_PREV, tr("appoint.next"),
                                   ACT_NEXT);
    int box_h = phone_box(a, s, u, col.x, above.y + above.h, col.w) + th->gap;
    SDL_Rect view = {col.x, col.y, col.w, above.h - box_h};
    if (view.h > 0)
        online_ui_scrolled(a, s, u, &s->scroll, view, phone_text);
}

static void appoint_draw(app *a, void *st, ui *u)
{
    appoint_state *s = st;
    SDL_Rect c = app_chrome(a, u, tr("appoint.title"), s->phase != AP_BOOKING);
    switch (s->phase) {
    case AP_SLOTS:
        if (!u->th.portrait) {
            /* landscape: the days down the left, the times on the right */
            int left_w = (c.w - u->th.pad) / 3;
            online_ui_scrolled(a, s, u, &s->scroll_days, (SDL_Rect){c.x, c.y, left_w, c.h},
                               days_page);
            online_ui_scrolled(a, s, u, &s->scroll,
                               (SDL_Rect){c.x + left_w + u->th.pad, c.y, c.w - left_w - u->th.pad,
                                          c.h},
                               times_page);
            return;
        }
        online_ui_scrolled(a, s, u, &s->scroll, c, slots_page);
        return;
    case AP_PHONE:
        draw_phone(a, s, u, c);
        return;
    case AP_CONFIRM: {
        SDL_Rect view = online_ui_nav(u, c, tr("appoint.back"), ACT_PREV, tr("appoint.confirm"),
                                      ACT_BOOK);
        online_ui_scrolled(a, s, u, &s->scroll, view, confirm_page);
        return;
    }
    case AP_BOOKING:
        online_ui_scrolled(a, s, u, &s->scroll, c, result_page);
        return;
    default: {
        bool retry = s->phase != AP_DONE && online_asked_outcome(&s->book) != ONLINE_NONE;
        SDL_Rect view = online_ui_nav(u, c, retry ? tr("online.retry") : NULL, ACT_RETRY_BOOK,
                                      tr("form.finish"), ACT_FINISH);
        online_ui_scrolled(a, s, u, &s->scroll, view, result_page);
        return;
    }
    }
}

/* ---- answers ------------------------------------------------------------------------- */

static bool day_has_free(const online_answer *ans)
{
    for (size_t i = 0; ans && ans->outcome == ONLINE_OK && i < ans->data.slots.n; i++)
        if (ans->data.slots.slot[i].free > 0)
            return true;
    return false;
}

static void book(app *a, appoint_state *s)
{
    const idcard_identity *id = session_identity(app_session(a));
    char name[sizeof id->name + sizeof id->name_en];
    snprintf(name, sizeof name, "%s", id ? (id->name[0] ? id->name : id->name_en) : "");
    online_resident r = {.name = name, .id_number = id ? id->id_number : "", .phone = phone(a)};
    online_asked_start(&s->book, id ? online_book(service(a, s)->id, s->day_date[s->chosen_day],
                                     s->chosen.id, &r)
                       : 0);
    explicit_bzero(name, sizeof name);
    s->phase = s->book.failed ? AP_FAILED : AP_BOOKING;
    s->scroll.offset = 0;
}

/* The booking is made: its receipt. The confirmation code is unique and
 * is what the window asks for, so it is the transaction number too. */
static void booked(app *a, appoint_state *s)
{
    const online_data *d = &s->book.ans->data;
    char when[256], window[256], line[640];
    when_text(s, d->booking.date, d->booking.start, d->booking.end, when, sizeof when);
    i18n_format(window, sizeof window, "appoint.done_hint", "window",
                online_text_get(&d->booking.window, app_lang(a)), (char *)NULL);
    snprintf(line, sizeof line, "%s\n%s", when, window);
    receipt_ui_issue(a, &s->paper, &(receipt_ui_facts){
                                      .service = service(a, s),
                                      .number = d->booking.confirmation,
                                      .code_kind = RECEIPT_CODE_APPOINTMENT,
                                      .code = d->booking.confirmation,
                                      .next_steps = line,
                                      .materials = true,
                                  });
    rating_prompt_arm(a, &s->rate, s->index, d->booking.confirmation);
}

static void took(app *a, appoint_state *s, online_answer *ans)
{
    if (s->slots.req == ans->id) {
        s->slots.ans = ans;
        s->slots.req = 0;
        /* the first day with a free time is chosen by itself */
        if (s->auto_next && ans->outcome == ONLINE_OK && !day_has_free(ans) &&
            s->day + 1 < s->n_days) {
            s->day++;
            ask_slots(a, s);
        } else if (ans->outcome == ONLINE_OK) {
            s->auto_next = false;
        }
        return;
    }
    s->book.ans = ans;
    s->book.req = 0;
    if (ans->outcome == ONLINE_OK) {
        s->phase = AP_DONE;
        booked(a, s);
    } else if (ans->outcome == ONLINE_REFUSED &&
               (!strcmp(ans->code, "slot_full") || !strcmp(ans->code, "unknown_slot"))) {
        /* taken meanwhile: back to the times, asked afresh */
        s->notice_key = !strcmp(ans->code, "slot_full") ? "appoint.slot_taken" : "appoint.slot_gone";
        s->phase = AP_SLOTS;
        s->day = s->chosen_day;
        s->auto_next = false;
        ask_slots(a, s);
    } else {
        s->phase = AP_FAILED;
    }
    s->scroll.offset = 0;
}

static void appoint_event(app *a, void *st, hub_event *ev)
{
    appoint_state *s = st;
    if (receipt_ui_take(a, &s->paper, ev)) {
        app_invalidate(a);
        return;
    }
    const online_answer *ans = online_event_answer(ev);
    if (!ans || (ans->id != s->slots.req && ans->id != s->book.req) || !ans->id)
        return;
    took(a, s, online_take_answer(ev));
    app_note_activity(a);
    app_invalidate(a);
}

/* The booking's page has settled once its receipt is out of the printer:
 * the rating then follows (rating_prompt.h). */
static bool settled(const appoint_state *s)
{
    return s->phase == AP_DONE && s->paper.print != RECEIPT_UI_PRINTING;
}

static uint64_t earliest(uint64_t x, uint64_t y)
{
    return !x || (y && y < x) ? y : x;
}

static uint64_t appoint_wake_at(app *a, void *st)
{
    appoint_state *s = st;
    (void)a;
    uint64_t w = online_asked_wake_at(&s->slots), b = online_asked_wake_at(&s->book);
    return earliest(earliest(w, b), rating_prompt_wake_at(&s->rate, settled(s)));
}

static void appoint_tick(app *a, void *st)
{
    appoint_state *s = st;
    if (rating_prompt_tick(a, &s->rate, settled(s)))
        return;
    if (online_asked_tick(&s->slots))
        app_invalidate(a);
    if (online_asked_tick(&s->book)) {
        s->phase = AP_FAILED;
        app_invalidate(a);
    }
}

/* ---- input ---------------------------------------------------------------------------- */

static void edit_phone(app *a, const ime_edit *e)
{
    size_t cap;
    char *v = session_buffer(app_session(a), PHONE_KEY, SESSION_IDENTITY, &cap);
    if (!v)
        return;
    keyboard_apply(e, v, cap < 21 ? cap : 21);
}

static void appoint_action(app *a, void *st, int action, intptr_t arg)
{
    appoint_state *s = st;
    switch (action) {
    case ACT_DAY:
        if (s->phase == AP_SLOTS && arg >= 0 && arg < s->n_days) {
            s->day = (int)arg;
            s->auto_next = false;
            s->notice_key = NULL;
            ask_slots(a, s);
        }
        return;
    case ACT_RETRY_SLOTS:
        if (s->phase == AP_SLOTS && !online_asked_waiting(&s->slots))
            ask_slots(a, s);
        return;
    case ACT_SLOT:
        if (s->phase == AP_SLOTS && s->slots.ans && s->slots.ans->outcome == ONLINE_OK && arg >= 0 &&
            (size_t)arg < s->slots.ans->data.slots.n) {
            s->chosen = s->slots.ans->data.slots.slot[arg];
            s->chosen_day = s->day;
            s->notice_key = NULL;
            s->phone_error = false;
            s->phase = AP_PHONE;
            s->scroll.offset = 0;
            ime_set_mode(IME_DIGITS);
        }
        return;
    case ACT_SIGNIN:
        app_push(a, &screen_signin, (intptr_t)s->index);
        return;
    case ACT_KEY: {
        ime_edit e;
        if (s->phase == AP_PHONE && keyboard_press(arg, &e))
            edit_phone(a, &e);
        explicit_bzero(&e, sizeof e);
        return;
    }
    case ACT_NEXT: {
        const char *why;
        if (s->phase != AP_PHONE)
            return;
        if (!phone_ok(a, &why)) {
            s->phone_error = true;
            return;
        }
        s->phase = AP_CONFIRM;
        s->scroll.offset = 0;
        return;
    }
    case ACT_PREV:
        if (s->phase == AP_PHONE) {
            s->phase = AP_SLOTS;
        } else if (s->phase == AP_CONFIRM) {
            s->phase = AP_PHONE;
            ime_set_mode(IME_DIGITS);
        }
        s->scroll.offset = 0;
        return;
    case ACT_BOOK:
        if (s->phase == AP_CONFIRM)
            book(a, s);
        return;
    case ACT_RETRY_BOOK:
        if (s->phase == AP_FAILED)
            book(a, s);     /* the same booking: the same key */
        return;
    case ACT_FINISH:
        if (!rating_prompt_finish(a, &s->rate))
            app_go_home(a);
        return;
    case ACT_ASK_HELP:
        online_ui_open_help(a);
        return;
    default:
        return;
    }
}

static void appoint_text(app *a, void *st, const char *utf8)
{
    appoint_state *s = st;
    if (s->phase != AP_PHONE || !session_identity(app_session(a)))
        return;
    ime_edit e = {0};
    snprintf(e.commit, sizeof e.commit, "%s", utf8);
    edit_phone(a, &e);
    explicit_bzero(&e, sizeof e);
}

static void appoint_key(app *a, void *st, int key)
{
    appoint_state *s = st;
    if (key == SDLK_BACKSPACE && s->phase == AP_PHONE) {
        ime_edit e = {.backspaces = 1};
        edit_phone(a, &e);
    }
}

static void appoint_relayout(app *a, void *st)
{
    appoint_state *s = st;
    /* a catalogue reload: find the service again by its id */
    const catalog_service *svc = catalog_find(a->cat, s->id);
    s->index = svc ? (size_t)(svc - a->cat->services) : 0;
    s->scroll.offset = 0;
}

/* Leaving a booking by the header opens its rating first. */
static bool appoint_leaving(app *a, void *st, bool home)
{
    appoint_state *s = st;
    return s->phase == AP_DONE && rating_prompt_leave(a, &s->rate, home);
}

/* What the voice says (app/speech.h) in each step: choose a day and a
 * time, the phone number (never read back), the booking to confirm, the
 * booking made with its code and window, or why not and what instead. */
static void appoint_speech(app *a, void *st, char *out, size_t size)
{
    appoint_state *s = st;
    const char *lang = app_lang(a);
    char line[512];
    switch (s->phase) {
    case AP_SLOTS:
        i18n_format(out, size, online_asked_waiting(&s->slots) ? "voice.appoint.loading"
                                                              : "voice.screen.appoint",
                    (char *)NULL);
        return;
    case AP_PHONE:
        i18n_format(out, size, "voice.appoint.phone", (char *)NULL);
        return;
    case AP_CONFIRM:
        when_text(s, s->day_date[s->chosen_day], s->chosen.start, s->chosen.end, line,
                  sizeof line);
        i18n_format(out, size, "voice.appoint.confirm", "service",
                    ltext_get(&service(a, s)->name, lang), "when", line, (char *)NULL);
        return;
    case AP_BOOKING:
        i18n_format(out, size, "appoint.booking", (char *)NULL);
        return;
    default:
        break;
    }
    online_outcome o = online_asked_outcome(&s->book);
    if (s->phase == AP_FAILED || o != ONLINE_OK || !s->book.ans) {
        online_ui_speech_unavailable(a, o, online_ui_body_key(o, "appoint.refused"),
                                     service(a, s), out, size);
        return;
    }
    const online_data *d = &s->book.ans->data;
    char hint[512];
    when_text(s, d->booking.date, d->booking.start, d->booking.end, line, sizeof line);
    i18n_format(hint, sizeof hint, "appoint.done_hint", "window",
                online_text_get(&d->booking.window, lang), (char *)NULL);
    i18n_format(out, size, "voice.appoint.done", "code", d->booking.confirmation, "when", line,
                "hint", hint, (char *)NULL);
}

const screen_class screen_appoint = {
    .name = "appoint",
    .state_size = sizeof(appoint_state),
    .enter = appoint_enter,
    .leave = appoint_leave,
    .draw = appoint_draw,
    .action = appoint_action,
    .text = appoint_text,
    .key = appoint_key,
    .event = appoint_event,
    .wake_at = appoint_wake_at,
    .tick = appoint_tick,
    .leaving = appoint_leaving,
    .relayout = appoint_relayout,
    .speech = appoint_speech,
};
