/*
 * form: the one screen that fills in any service's form (catalog/form.h),
 * pushed with the service index.
 *
 * One question per page: a resident at a kiosk answers one thing at a
 * time, with large targets and the keyboard the question needs (digits for
 * phones, numbers and dates; Chinese entry for free text; big buttons for
 * choices and yes/no). What the ID card says comes first, read-only and
 * masked. A confirmation page lists everything (personal values masked)
 * before anything is sent. Submitting hands a finished transaction to the
 * outbox and shows "submitting" until the outbox thread answers on the
 * hub: the receipt number only once the row is durable, or why not and the
 * way to a window. A form whose delivery is `online` goes to the platform
 * instead (online_submit): the number once the platform has it; offline or
 * without an answer in time, not submitted, and what to do instead. With
 * no platform configured at all it says so before anything is typed.
 *
 * Answers are drafts in the session store ("draft.<service>.<field>",
 * SESSION_IDENTITY): guarded memory, gone at sign-out and at the idle
 * reset, and kept while the resident steps back and forth.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "common/utf8.h"
#include "i18n/i18n.h"
#include "common/clock.h"
#include "devices/printer.h"
#include "outbox/outbox.h"
#include "platform/online.h"
#include "screens/online_ui.h"
#include "screens/rating_prompt.h"
#include "screens/receipt_ui.h"
#include "screens/screens.h"
#include "ui/keyboard.h"

enum {
    ACT_KEY = SCREEN_ACTION_BASE, ACT_NEXT, ACT_PREV, ACT_PICK, ACT_EDIT, ACT_SUBMIT,
    ACT_FINISH, ACT_ASK_HELP, ACT_RETRY
};

typedef enum form_phase {
    PH_CARD,        /* what the ID card says, read-only */
    PH_FIELD,       /* one question */
    PH_CONFIRM,     /* everything, before sending */
    PH_SUBMITTING,  /* handed to the outbox, waiting for it to be durable */
    PH_DONE,        /* durable: the receipt number */
    PH_FAILED,      /* not saved: why, and the window */
    PH_ONLINE       /* needs the platform, which cannot be had: the window */
} form_phase;

typedef struct form_state {
    size_t index;           /* the service */
    char id[64];            /* its id, to find it again after a reload */
    size_t n_fields;        /* its form's, when entered */
    form_phase phase;
    size_t cur;             /* field index on PH_FIELD */
    bool show_error;        /* the current field was checked and failed */
    uint64_t ticket;        /* outbox_submit's (or online_submit's), while submitting */
    bool online;            /* the ticket is online_submit's */
    uint64_t asked_ms;      /* when it was online_submit'ted */
    bool online_tried;      /* PH_ONLINE after a try: outcome says why */
    online_outcome outcome;
    char receipt[40];       /* the transaction number (not personal) */
    const char *reason_key; /* PH_FAILED */
    ui_scroll scroll, scroll2;  /* the page; the second column of a wide one */
    bool right_column;      /* the done page's reply drawn apart (landscape) */
    receipt_ui paper;       /* PH_DONE: the receipt, printed or on screen */
    rating_prompt rate;     /* PH_DONE: the rating that follows */
} form_state;

static const catalog_service *service(app *a, form_state *s)
{
    return &a->cat->services[s->index];
}

static const catalog_form *form(app *a, form_state *s)
{
    return service(a, s)->form;
}

static void draft_key(app *a, form_state *s, const form_field *f, char *key, size_t size)
{
    snprintf(key, size, "draft.%s.%s", service(a, s)->id, f->id);
}

/* The draft of f, edited in place; an empty static buffer when the store is
 * full (nothing kept, the resident sees the field stay empty). */
static char *draft(app *a, form_state *s, const form_field *f, size_t *cap)
{
    static char none[8];
    char key[FORM_DRAFT_KEY_MAX];
    draft_key(a, s, f, key, sizeof key);
    char *v = session_buffer(app_session(a), key, SESSION_IDENTITY, cap);
    if (!v) {
        explicit_bzero(none, sizeof none);
        *cap = sizeof none;
        return none;
    }
    return v;
}

static const char *answer(app *a, form_state *s, const form_field *f)
{
    char key[FORM_DRAFT_KEY_MAX];
    draft_key(a, s, f, key, sizeof key);
    const char *v = session_get(app_session(a), key);
    return v ? v : "";
}

/* What the card says for f, into out; "" when nobody is signed in. */
static void card_value(app *a, const form_field *f, char *out, size_t size)
{
    const idcard_identity *id = session_identity(app_session(a));
    out[0] = '\0';
    if (!id)
        return;
    switch (f->from_card) {
    case FORM_CARD_NAME:
        snprintf(out, size, "%s", id->name[0] ? id->name : id->name_en);
        break;
    case FORM_CARD_ID_NUMBER:
        snprintf(out, size, "%s", id->id_number);
        break;
    case FORM_CARD_SEX:
        snprintf(out, size, "%s", tr(id->sex == IDCARD_SEX_MALE ? "form.sex_male"
                                     : id->sex == IDCARD_SEX_FEMALE ? "form.sex_female"
                                     : "form.sex_unknown"));
        break;
    case FORM_CARD_BIRTH:
        if (id->birth.year)
            snprintf(out, size, "%04d-%02d-%02d", id->birth.year, id->birth.month,
                     id->birth.day);
        break;
    case FORM_CARD_ADDRESS:
        snprintf(out, size, "%s", id->address);
        break;
    case FORM_CARD_NONE:
        break;
    }
}

/* What the screen may show of f's value: personal values masked the way
 * the outbox masks them (张*, 3301**********1234, 138****8000, 浙江****);
 * free text keeps its first character. */
static void shown_value(app *a, form_state *s, const form_field *f, char *out, size_t size)
{
    char raw[SESSION_VALUE_MAX];
    if (f->from_card)
        card_value(a, f, raw, sizeof raw);
    else
        snprintf(raw, sizeof raw, "%s", answer(a, s, f));
    out[0] = '\0';
    if (!raw[0]) {
        snprintf(out, size, "%s", tr("form.empty"));
    } else if (f->type == FORM_CHOICE) {
        for (size_t i = 0; i < f->n_choices; i++)
            if (!strcmp(f->choices[i].id, raw))
                snprintf(out, size, "%s", ltext_get(&f->choices[i].label, app_lang(a)));
    } else if (f->type == FORM_YESNO) {
        snprintf(out, size, "%s", tr(!strcmp(raw, "yes") ? "form.yes" : "form.no"));
    } else if (!f->personal) {
        snprintf(out, size, "%s", raw);
    } else if (f->from_card == FORM_CARD_NAME || f->from_card == FORM_CARD_ID_NUMBER) {
        char name[64], number[64];
        if (app_identity_masked(a, name, sizeof name, number, sizeof number))
            snprintf(out, size, "%s", f->from_card == FORM_CARD_NAME ? name : number);
    } else if (f->type == FORM_PHONE) {
        outbox_mask_phone(raw, out, size);
    } else if (f->from_card == FORM_CARD_ADDRESS) {
        outbox_masked m;
        outbox_mask(&(outbox_personal){.address = raw}, &m);
        snprintf(out, size, "%s", m.address);
        explicit_bzero(&m, sizeof m);
    } else {
        size_t first = utf8_seq_len((unsigned char)raw[0]);
        snprintf(out, size, "%.*s****", (int)first, raw);
    }
    explicit_bzero(raw, sizeof raw);
}

/* ---- moving between pages ----------------------------------------------- */

static bool has_card_fields(const catalog_form *f)
{
    for (size_t i = 0; i < f->n_fields; i++)
        if (f->fields[i].from_card)
            return true;
    return false;
}

/* The keyboard a question needs; choices and yes/no have none. */
static void set_keyboard(app *a, const form_field *f)
{
    const char *k = form_keyboard(f);
    if (!k)
        return;
    if (!strcmp(k, "digits"))
        ime_set_mode(IME_DIGITS);
    else    /* Chinese entry for Chinese residents; letters for visitors */
        ime_set_mode(strncmp(app_lang(a), "zh", 2) ? IME_LETTERS : IME_PINYIN);
}

/* Shows field i, or the next input field from i on in direction dir;
 * past either end, the card page or the confirmation. */
static void go_field(app *a, form_state *s, long i, int dir)
{
    const catalog_form *f = form(a, s);
    while (i >= 0 && (size_t)i < f->n_fields && f->fields[i].from_card)
        i += dir;
    s->show_error = false;
    s->scroll.offset = 0;
    if (i < 0 && !has_card_fields(f)) {
        i = 0;      /* nothing before the first question */
        while ((size_t)i < f->n_fields && f->fields[i].from_card)
            i++;
    }
    if (i < 0) {
        s->phase = PH_CARD;
    } else if ((size_t)i >= f->n_fields) {
        s->phase = PH_CONFIRM;
    } else {
        s->phase = PH_FIELD;
        s->cur = (size_t)i;
        set_keyboard(a, &f->fields[i]);
    }
}

/* The first field that does not pass, or n_fields. */
static size_t first_invalid(app *a, form_state *s)
{
    const catalog_form *f = form(a, s);
    for (size_t i = 0; i < f->n_fields; i++) {
        const char *why;
        long arg;
        if (!f->fields[i].from_card && !form_value_ok(&f->fields[i], answer(a, s, &f->fields[i]),
                                                      &why, &arg))
            return i;
    }
    return f->n_fields;
}

static void form_enter(app *a, void *st, intptr_t arg)
{
    form_state *s = st;
    s->index = (arg >= 0 && (size_t)arg < a->cat->n_services) ? (size_t)arg : 0;
    snprintf(s->id, sizeof s->id, "%s", service(a, s)->id);
    const catalog_form *f = form(a, s);
    s->n_fields = f ? f->n_fields : 0;
    if (!f) {   /* pushed for a guide-only service: nothing to fill in */
        s->phase = PH_ONLINE;
        return;
    }
    if (f->delivery == FORM_ONLINE && !online_configured()) {
        /* no platform at all: say so before the resident types anything */
        s->phase = PH_ONLINE;
        return;
    }
    if (has_card_fields(f))
        s->phase = PH_CARD;
    else
        go_field(a, s, 0, 1);
}

/* ---- submitting ----------------------------------------------------------- */

/* The transaction: the payload holds the service, the delivery and every
 * answer that is not personal; personal answers go into the sealed fields
 * (name, ID number, phone, address from the card and the first phone;
 * the other personal answers as a JSON object in free_text). */
static void submit(app *a, form_state *s)
{
    const catalog_service *svc = service(a, s);
    const catalog_form *f = form(a, s);
    json_t *pay = json_object(), *answers = json_object(), *sealed = json_object(),
           *which = json_array();
    char name[SESSION_VALUE_MAX] = "", number[SESSION_VALUE_MAX] = "",
         phone[SESSION_VALUE_MAX] = "", address[SESSION_VALUE_MAX] = "";
    if (pay && answers && sealed && which) {
        json_object_set_new(pay, "service", json_string(svc->id));
        json_object_set_new(pay, "delivery", json_string(f->delivery == FORM_QUEUE ? "queue"
                                                                                    : "online"));
        for (size_t i = 0; i < f->n_fields; i++) {
            const form_field *x = &f->fields[i];
            char card[SESSION_VALUE_MAX];
            const char *v = answer(a, s, x);
            if (x->from_card) {
                card_value(a, x, card, sizeof card);
                v = card;
            }
            if (!x->personal) {
                json_object_set_new(answers, x->id, json_string(v));
            } else {
                json_array_append_new(which, json_string(x->id));
                if (x->from_card == FORM_CARD_NAME)
                    snprintf(name, sizeof name, "%s", v);
                else if (x->from_card == FORM_CARD_ID_NUMBER)
                    snprintf(number, sizeof number, "%s", v);
                else if (x->from_card == FORM_CARD_ADDRESS)
                    snprintf(address, sizeof address, "%s", v);
                else if (x->type == FORM_PHONE && !phone[0])
                    snprintf(phone, sizeof phone, "%s", v);
                else if (*v)
                    json_object_set_new(sealed, x->id, json_string(v));
            }
            explicit_bzero(card, sizeof card);
        }
        json_object_set(pay, "answers", answers);
        json_object_set(pay, "personal_fields", which);
    }
    char *payload = pay ? json_dumps(pay, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    char *free_text = json_object_size(sealed) ? json_dumps(sealed, JSON_COMPACT) : NULL;
    outbox_txn t = {
        .kind = "application",
        .item_code = svc->id,
        .payload = payload,
        .personal = {.name = name[0] ? name : NULL, .id_number = number[0] ? number : NULL,
                     .phone = phone[0] ? phone : NULL, .address = address[0] ? address : NULL,
                     .free_text = free_text},
    };
    s->online = f->delivery == FORM_ONLINE;
    s->asked_ms = clock_now_ms();
    if (s->online)
        s->ticket = payload ? online_submit(&t) : 0;
    else
        s->ticket = payload ? outbox_submit(&t) : 0;
    if (s->ticket) {
        s->phase = PH_SUBMITTING;
    } else if (s->online) {
        s->phase = PH_ONLINE;
        s->online_tried = true;
        s->outcome = ONLINE_OFFLINE;
    } else {
        s->phase = PH_FAILED;
        s->reason_key = "outbox.failed";
    }
    /* personal data leaves this screen only through outbox_submit's copy */
    explicit_bzero(name, sizeof name);
    explicit_bzero(number, sizeof number);
    explicit_bzero(phone, sizeof phone);
    explicit_bzero(address, sizeof address);
    if (free_text) {
        explicit_bzero(free_text, strlen(free_text));
        free(free_text);
    }
    free(payload);
    /* jansson's copies of the sealed answers: wipe them before freeing */
    const char *k;
    json_t *v;
    json_object_foreach(sealed, k, v)
        if (json_is_string(v))
            explicit_bzero((char *)json_string_value(v), json_string_length(v));
    json_decref(sealed);
    json_decref(which);
    json_decref(answers);
    json_decref(pay);
}

/* The drafts are done with once the application is durable. */
static void drop_drafts(app *a, form_state *s)
{
    const catalog_form *f = form(a, s);
    for (size_t i = 0; f && i < f->n_fields; i++) {
        char key[FORM_DRAFT_KEY_MAX];
        draft_key(a, s, &f->fields[i], key, sizeof key);
        session_set(app_session(a), key, NULL, SESSION_IDENTITY);
    }
}

/* The transaction is complete (durable, or the platform has it): its
 * receipt, printed or on screen (receipt_ui). */
static void receipt_made(app *a, form_state *s, const char *key)
{
    const catalog_form *f = form(a, s);
    receipt_ui_issue(a, &s->paper, &(receipt_ui_facts){
                                      .service = service(a, s),
                                      .number = s->receipt,
                                      .key = key,
                                      .next_steps = f ? ltext_get(&f->reply, app_lang(a)) : "",
                                  });
    rating_prompt_arm(a, &s->rate, s->index, s->receipt);
}

/* The platform's answer to an online application. */
static void online_answered(app *a, form_state *s, const online_answer *ans)
{
    s->ticket = 0;
    if (ans->outcome == ONLINE_OK) {
        snprintf(s->receipt, sizeof s->receipt, "%s", ans->receipt);
        s->phase = PH_DONE;
        receipt_made(a, s, NULL);
        drop_drafts(a, s);
    } else if (ans->outcome == ONLINE_REFUSED) {
        s->phase = PH_FAILED;
        s->reason_key = "form.online_refused";
    } else {    /* the drafts stay: the resident may try again */
        s->phase = PH_ONLINE;
        s->online_tried = true;
        s->outcome = ans->outcome;
    }
    s->scroll.offset = 0;
}

static void form_event(app *a, void *st, hub_event *ev)
{
    form_state *s = st;
    if (receipt_ui_take(a, &s->paper, ev)) {
        app_invalidate(a);
        return;
    }
    const online_answer *ans = online_event_answer(ev);
    if (ans) {
        if (s->phase == PH_SUBMITTING && s->online && ans->id == s->ticket) {
            online_answered(a, s, ans);
            app_note_activity(a);
            app_invalidate(a);
        }
        return;
    }
    const outbox_done *d = outbox_event_done(ev);
    if (!d || s->phase != PH_SUBMITTING || s->online || d->ticket != s->ticket)
        return;
    if (ev->kind == OUTBOX_EV_DURABLE) {
        snprintf(s->receipt, sizeof s->receipt, "%s", d->receipt.number);
        s->phase = PH_DONE;
        receipt_made(a, s, d->receipt.key);
        drop_drafts(a, s);
    } else {
        s->phase = PH_FAILED;
        s->reason_key = d->reason_key ? d->reason_key : "outbox.failed";
    }
    app_note_activity(a);
    app_invalidate(a);
}

/* ---- drawing ---------------------------------------------------------------- */

static int para(ui *u, const char *text, int x, int y, int w, int px, text_weight wt,
                SDL_Color c, bool draw)
{
    return ui_paragraph(u, text, x, y, w, px, wt, c, UI_LEFT, draw);
}

/* A label above a value in a card-like row; returns its height. */
static int kv(ui *u, const char *label, const char *value, int x, int y, int w, bool draw)
{
    const theme *th = &u->th;
    int h = para(u, label, x, y, w, th->text_small, TEXT_BOLD, th->muted, draw);
    h += para(u, value, x, y + h, w, th->text_heading, TEXT_BOLD, th->text, draw);
    return h + th->gap / 2;
}

/* Content of a scrolling page, drawn at y (measured when draw is false). */
typedef int (*page_fn)(app *a, form_state *s, ui *u, int x, int y, int w, bool draw);

/* view with content that scrolls when it does not fit */
static void scrolled_in(app *a, form_state *s, ui *u, ui_scroll *sc, SDL_Rect view,
                        page_fn fn)
{
    int content = fn(a, s, u, view.x, view.y, view.w, false);
    int off = ui_scroll_begin(u, sc, view, content);
    fn(a, s, u, view.x, view.y - off, view.w, true);
    ui_scroll_end(u, sc, view);
}

static void scrolled(app *a, form_state *s, ui *u, SDL_Rect view, page_fn fn)
{
    scrolled_in(a, s, u, &s->scroll, view, fn);
}

/* When and how the resident hears back (queue delivery). */
static int reply_part(app *a, form_state *s, ui *u, int x, int y, int w, bool draw)
{
    const theme *th = &u->th;
    const char *reply = form(a, s) ? ltext_get(&form(a, s)->reply, app_lang(a)) : "";
    if (!*reply)
        return 0;
    int y0 = y;
    y += para(u, tr("form.reply"), x, y, w, th->text_body, TEXT_BOLD, th->text, draw);
    y += para(u, reply, x, y, w, th->text_body, TEXT_REGULAR, th->text, draw);
    return y - y0 + th->gap;
}

/* What goes in the second column of a wide done page. */
static int after_part(app *a, form_state *s, ui *u, int x, int y, int w, bool draw)
{
    int h = reply_part(a, s, u, x, y, w, draw);
    if (s->phase != PH_DONE)
        return h;
    return h + receipt_ui_on_screen(a, u, &s->paper, x, y + h, w, draw);
}

/* Buttons along the bottom of r: back on the left, forward on the right
 * (stacked when large text leaves no room side by side). Returns the
 * height they take. */
static int nav_height(ui *u, int w)
{
    const theme *th = &u->th;
    return w >= 4 * th->target ? th->target : 2 * th->target + th->gap;
}

static void nav(ui *u, SDL_Rect r, const char *back, int back_act, const char *fwd, int fwd_act)
{
    const theme *th = &u->th;
    int h = nav_height(u, r.w);
    int y = r.y + r.h - h;
    if (h == th->target) {
        int bw = (r.w - th->gap) / 2;
        if (back)
            ui_button(u, (SDL_Rect){r.x, y, bw, th->target}, back, UI_SECONDARY, back_act, 0);
        ui_button(u, (SDL_Rect){r.x + r.w - bw, y, bw, th->target}, fwd, UI_PRIMARY, fwd_act, 0);
    } else {
        ui_button(u, (SDL_Rect){r.x, y, r.w, th->target}, fwd, UI_PRIMARY, fwd_act, 0);
        if (back)
            ui_button(u, (SDL_Rect){r.x, y + th->target + th->gap, r.w, th->target}, back,
                      UI_SECONDARY, back_act, 0);
    }
}

static int card_page(app *a, form_state *s, ui *u, int x, int y, int w, bool draw)
{
    const theme *th = &u->th;
    const catalog_form *f = form(a, s);
    int y0 = y;
    y += para(u, tr("form.card_title"), x, y, w, th->text_title, TEXT_BOLD, th->text, draw);
    y += para(u, tr("form.card_hint"), x, y, w, th->text_body, TEXT_REGULAR, th->muted, draw) +
         th->gap;
    for (size_t i = 0; i < f->n_fields; i++) {
        const form_field *x2 = &f->fields[i];
        if (!x2->from_card)
            continue;
        char v[SESSION_VALUE_MAX];
        shown_value(a, s, x2, v, sizeof v);
        y += kv(u, ltext_get(&x2->label, app_lang(a)), v, x, y, w, draw);
        explicit_bzero(v, sizeof v);
    }
    return y - y0;
}

/* "第 2 / 5 项": among the questions the resident answers */
static void progress(app *a, form_state *s, char *out, size_t size)
{
    const catalog_form *f = form(a, s);
    size_t n = 0, at = 0;
    for (size_t i = 0; i < f->n_fields; i++)
        if (!f->fields[i].from_card) {
            n++;
            if (i <= s->cur)
                at = n;
        }
    char a1[16], a2[16];
    snprintf(a1, sizeof a1, "%zu", at);
    snprintf(a2, sizeof a2, "%zu", n);
    i18n_format(out, size, "form.progress", "n", a1, "total", a2, (char *)NULL);
}

/* The error under the current field, in plain words; "" when none. */
static void error_text(app *a, form_state *s, char *out, size_t size)
{
    const form_field *f = &form(a, s)->fields[s->cur];
    const char *why;
    long arg;
    out[0] = '\0';
    if (!s->show_error || form_value_ok(f, answer(a, s, f), &why, &arg))
        return;
    char n[24];
    snprintf(n, sizeof n, "%ld", arg);
    i18n_format(out, size, why, "n", n, (char *)NULL);
}

/* Label, help, the value box and the error: the question's top part. */
static int question(app *a, form_state *s, ui *u, int x, int y, int w, bool draw)
{
    const theme *th = &u->th;
    const form_field *f = &form(a, s)->fields[s->cur];
    const char *lang = app_lang(a);
    int y0 = y;
    char line[256];
    progress(a, s, line, sizeof line);
    y += para(u, line, x, y, w, th->text_small, TEXT_REGULAR, th->muted, draw);
    char label[256];
    snprintf(label, sizeof label, "%s%s", ltext_get(&f->label, lang),
             f->required ? tr("form.required_mark") : "");
    y += para(u, label, x, y, w, th->text_title, TEXT_BOLD, th->text, draw);
    char err[256];
    error_text(a, s, err, sizeof err);
    /* A typed answer's error sits under its value box and says what is
     * wanted; with large text and the keyboard up there is no room for the
     * help too, and half a line of it cut off reads as a fault. */
    bool help = *ltext_get(&f->help, lang) && !(err[0] && form_keyboard(f) && a->large);
    if (help)
        y += para(u, ltext_get(&f->help, lang), x, y, w, th->text_body, TEXT_REGULAR, th->muted,
                  draw);
    y += th->gap / 2;
    if (!form_keyboard(f)) {
        /* what is wrong above the buttons: below them it is out of view
         * when the buttons fill the page (large text in landscape) */
        if (err[0])
            y += para(u, err, x, y, w, th->text_body, TEXT_BOLD, th->danger, draw) + th->gap / 2;
        /* choices and yes/no: one big button each, the chosen one filled */
        const char *v = answer(a, s, f);
        size_t n = f->type == FORM_YESNO ? 2 : f->n_choices;
        for (size_t i = 0; i < n; i++) {
            const char *id = f->type == FORM_YESNO ? (i == 0 ? "yes" : "no") : f->choices[i].id;
            const char *text = f->type == FORM_YESNO ? tr(i == 0 ? "form.yes" : "form.no")
                                                     : ltext_get(&f->choices[i].label, lang);
            bool on = !strcmp(v, id);
            char shown[192];
            snprintf(shown, sizeof shown, "%s%s", on ? "✓ " : "", text);
            if (draw)
                ui_button(u, (SDL_Rect){x, y, w, th->target}, shown,
                          on ? UI_PRIMARY : UI_SECONDARY, ACT_PICK, (intptr_t)i);
            y += th->target + th->gap / 2;
        }
    }
    return y - y0 + th->gap / 2;
}

/* The value box of a typed answer -- what is there and the letters being
 * composed -- with the error under it, bottom at y_end so it stays in
 * view above the buttons whatever the question above does. Returns the
 * height used. */
static int value_box(app *a, form_state *s, ui *u, int x, int y_end, int w)
{
    const theme *th = &u->th;
    const form_field *f = &form(a, s)->fields[s->cur];
    char err[256];
    error_text(a, s, err, sizeof err);
    int err_h = err[0] ? ui_paragraph(u, err, x, 0, w, th->text_body, TEXT_BOLD, th->danger,
                                      UI_LEFT, false) : 0;
    int lh = text_line_height(th->text_heading, TEXT_REGULAR);
    int box_h = lh + th->pad < th->target ? th->target : lh + th->pad;
    int y = y_end - err_h - box_h;
    if (err[0])
        ui_paragraph(u, err, x, y + box_h, w, th->text_body, TEXT_BOLD, th->danger, UI_LEFT,
                     true);
    SDL_Rect box = {x, y, w, box_h};
    ui_round_border(u, box, th->radius, (int)(3 * th->u + 0.5f),
                    err[0] ? th->danger : th->primary, th->surface);
    char shown[SESSION_VALUE_MAX + IME_CANDIDATE_SIZE * 2];
    snprintf(shown, sizeof shown, "%s%s", answer(a, s, f), ime_composing());
    const char *q = shown;
    int avail = box.w - 2 * th->pad;
    /* the end of a long answer: that is where the typing is */
    while (*q && text_width(q, strlen(q), th->text_heading, TEXT_REGULAR) > avail)
        utf8_next(&q);
    int tw = 0;
    if (*q) {
        text_private(true);     /* the resident's answer: dropped at sign-out */
        tw = ui_text(u, q, box.x + th->pad, box.y + (box.h - lh) / 2, avail,
                     th->text_heading, TEXT_REGULAR, th->text, UI_LEFT, false);
        text_private(false);
    } else if (f->type == FORM_DATE)
        ui_text(u, tr("form.date_hint"), box.x + th->pad, box.y + (box.h - lh) / 2,
                avail, th->text_body, TEXT_REGULAR, th->muted, UI_LEFT, true);
    explicit_bzero(shown, sizeof shown);
    SDL_Rect caret = {box.x + th->pad + tw + 2, box.y + box.h / 5, 3, box.h * 3 / 5};
    ui_fill(u, caret, th->primary);
    return err_h + box_h;
}

static void draw_field(app *a, form_state *s, ui *u, SDL_Rect c)
{
    const theme *th = &u->th;
    const form_field *f = &form(a, s)->fields[s->cur];
    bool keys = form_keyboard(f) != NULL;
    /* Portrait: question, buttons, keyboard stacked. Landscape: question
     * and buttons on the left, the keyboard on the right. */
    int col_w = (!keys || th->portrait) ? c.w : (c.w - th->pad) * 9 / 20;
    int kb_w = th->portrait ? c.w : c.w - col_w - th->pad;
    int kb_h = 0;
    if (keys) {
        /* numbers only: the number pad; otherwise the whole keyboard */
        const char *pad = form_keypad(f);
        kb_h = pad ? keyboard_pad_height(u, kb_w) : keyboard_height(u, kb_w);
        if (!th->portrait && kb_h > c.h)
            kb_h = c.h;
        /* large text: the question keeps some room; twelve keys can give
         * more of it than fifty and stay big */
        int most = pad ? c.h / 2 : c.h * 3 / 5;
        if (th->portrait && kb_h > most)
            kb_h = most;
        SDL_Rect kb = {c.x + c.w - kb_w, c.y + c.h - kb_h, kb_w, kb_h};
        if (pad)
            keyboard_draw_pad(u, kb, ACT_KEY, pad);
        else
            keyboard_draw(u, kb, ACT_KEY);
    }
    int bottom = (keys && th->portrait) ? c.y + c.h - kb_h - th->gap : c.y + c.h;
    int nh = nav_height(u, col_w);
    SDL_Rect col = {c.x, c.y, col_w, bottom - c.y};
    const catalog_form *fm = form(a, s);
    size_t next = s->cur + 1;
    while (next < fm->n_fields && fm->fields[next].from_card)
        next++;
    const char *fwd = next >= fm->n_fields ? tr("form.review") : tr("form.next");
    bool can_back = has_card_fields(fm);   /* the card page, or an earlier question */
    for (size_t i = 0; i < s->cur; i++)
        can_back |= !fm->fields[i].from_card;
    nav(u, col, can_back ? tr("form.prev") : NULL, ACT_PREV, fwd, ACT_NEXT);
    int box_h = keys ? value_box(a, s, u, col.x, col.y + col.h - nh - th->gap, col.w) + th->gap
                     : 0;
    SDL_Rect view = {col.x, col.y, col.w, col.h - nh - th->gap - box_h};
    if (view.h > 0)
        scrolled(a, s, u, view, question);
}

static int confirm_page(app *a, form_state *s, ui *u, int x, int y, int w, bool draw)
{
    const theme *th = &u->th;
    const catalog_form *f = form(a, s);
    const char *lang = app_lang(a);
    int y0 = y;
    y += para(u, tr("form.confirm_title"), x, y, w, th->text_title, TEXT_BOLD, th->text, draw);
    y += para(u, tr("form.confirm_hint"), x, y, w, th->text_body, TEXT_REGULAR, th->muted,
              draw) + th->gap;
    /* what the resident declares by submitting: first, where it is read */
    if (*ltext_get(&f->declaration, lang))
        y += para(u, ltext_get(&f->declaration, lang), x, y, w, th->text_body, TEXT_BOLD,
                  th->text, draw) + th->gap;
    for (size_t i = 0; i < f->n_fields; i++) {
        const form_field *x2 = &f->fields[i];
        char v[SESSION_VALUE_MAX];
        shown_value(a, s, x2, v, sizeof v);
        int h = kv(u, ltext_get(&x2->label, lang), v, x, y, w - th->target * 2, false);
        if (draw) {
            kv(u, ltext_get(&x2->label, lang), v, x, y, w - th->target * 2 - th->gap, true);
            if (!x2->from_card)
                ui_button(u, (SDL_Rect){x + w - th->target * 2, y, th->target * 2, th->target},
                          tr("form.change"), UI_QUIET, ACT_EDIT, (intptr_t)i);
        }
        explicit_bzero(v, sizeof v);
        y += (h > th->target ? h : th->target) + th->gap / 2;
    }
    return y - y0;
}

/* A result page: a heading in colour, then sentences. */
static int result_page(app *a, form_state *s, ui *u, int x, int y, int w, bool draw)
{
    const theme *th = &u->th;
    const catalog_service *svc = service(a, s);
    const char *lang = app_lang(a);
    int y0 = y;
    char line[1024];
    switch (s->phase) {
    case PH_SUBMITTING:
        y += para(u, tr("form.submitting"), x, y, w, th->text_title, TEXT_BOLD, th->text, draw);
        y += para(u, tr("form.submitting_hint"), x, y, w, th->text_body, TEXT_REGULAR,
                  th->muted, draw);
        break;
    case PH_DONE:
        y += para(u, tr("form.done"), x, y, w, th->text_title, TEXT_BOLD, th->ok, draw) + th->gap;
        y += para(u, tr("form.receipt"), x, y, w, th->text_body, TEXT_REGULAR, th->muted, draw);
        {
            /* the number on one line: a line break inside it misleads */
            int px = text_width(s->receipt, strlen(s->receipt), th->text_display, TEXT_BOLD) <= w
                         ? th->text_display : th->text_title;
            y += para(u, s->receipt, x, y, w, px, TEXT_BOLD, th->text, draw) + th->gap;
        }
        y += para(u, tr("form.receipt_hint"), x, y, w, th->text_body, TEXT_REGULAR, th->muted,
                  draw);
        /* online: the platform has it; otherwise it is in the outbox, and
         * the status bar may say "离线 1 笔待上传" beside "已提交": say that
         * it goes on by itself, so nobody applies twice */
        y += th->gap + para(u, tr(s->online ? "form.online_accepted" : "form.kept"), x,
                            y + th->gap, w, th->text_body, TEXT_BOLD,
                            s->online ? th->ok : th->text, draw);
        if (s->paper.print != RECEIPT_UI_NONE)
            y += th->gap + receipt_ui_status(u, &s->paper, x, y + th->gap, w, UI_LEFT, draw);
        /* the reply in a column of its own: no gaps below the hint, or
         * this column scrolls by them alone (large text in landscape) */
        if (s->right_column)
            return y - y0;
        y += th->gap;
        y += after_part(a, s, u, x, y, w, draw);
        break;
    case PH_FAILED:
        y += para(u, tr("form.failed"), x, y, w, th->text_title, TEXT_BOLD, th->danger, draw);
        y += para(u, tr(s->reason_key), x, y, w, th->text_body, TEXT_REGULAR, th->text, draw) +
             th->gap;
        i18n_format(line, sizeof line, "form.go_window", "window", ltext_get(&svc->window, lang),
                    "address", ltext_get(&svc->address, lang), (char *)NULL);
        y += para(u, line, x, y, w, th->text_body, TEXT_REGULAR, th->text, draw);
        break;
    default:    /* PH_ONLINE */
        if (s->online_tried) {  /* tried, and the platform could not be had */
            y += para(u, tr("form.failed"), x, y, w, th->text_title, TEXT_BOLD, th->warn, draw);
            y += para(u, tr(online_ui_title_key(s->outcome)), x, y, w, th->text_heading,
                      TEXT_BOLD, th->text, draw);
            const char *why = s->outcome == ONLINE_NONE ? "online.none_body"
                                                        : "form.online_failed";
            y += para(u, tr(why), x, y, w, th->text_body, TEXT_REGULAR, th->text, draw) +
                 th->gap;
        } else {
            y += para(u, tr("form.online_title"), x, y, w, th->text_title, TEXT_BOLD, th->warn,
                      draw);
            y += para(u, tr("form.online_body"), x, y, w, th->text_body, TEXT_REGULAR, th->text,
                      draw) + th->gap;
        }
        i18n_format(line, sizeof line, "form.go_window", "window", ltext_get(&svc->window, lang),
                    "address", ltext_get(&svc->address, lang), (char *)NULL);
        y += para(u, line, x, y, w, th->text_body, TEXT_REGULAR, th->text, draw) + th->gap / 2;
        i18n_format(line, sizeof line, "online.hotline", "hotline", a->cfg->hotline,
                    (char *)NULL);
        y += para(u, line, x, y, w, th->text_body, TEXT_REGULAR, th->text, draw) + th->gap / 2;
        /* the help request, unless this is it */
        if (a->help_form && a->cat->help_service >= 0 &&
            (size_t)a->cat->help_service != s->index) {
            if (draw)
                ui_button(u, (SDL_Rect){x, y, w, th->target}, tr("help.ask_staff"), UI_SECONDARY,
                          ACT_ASK_HELP, 0);
            y += th->target;
        }
        break;
    }
    return y - y0 + th->gap;
}

static void form_draw(app *a, void *st, ui *u)
{
    form_state *s = st;
    const theme *th = &u->th;
    SDL_Rect c = app_chrome(a, u, ltext_get(&service(a, s)->name, app_lang(a)),
                            s->phase != PH_SUBMITTING);
    int nh = nav_height(u, c.w);
    SDL_Rect view = {c.x, c.y, c.w, c.h - nh - th->gap};
    switch (s->phase) {
    case PH_FIELD:
        draw_field(a, s, u, c);
        return;
    case PH_CARD:
        nav(u, c, NULL, 0, tr("form.next"), ACT_NEXT);
        scrolled(a, s, u, view, card_page);
        return;
    case PH_CONFIRM:
        nav(u, c, tr("form.prev"), ACT_PREV, tr("form.submit"), ACT_SUBMIT);
        scrolled(a, s, u, view, confirm_page);
        return;
    case PH_SUBMITTING:
        scrolled(a, s, u, c, result_page);
        return;
    default:
        /* not sent for want of the platform: the same application again
         * (the same key: the platform never takes it twice) */
        nav(u, c,
            s->phase == PH_ONLINE && s->online_tried && s->outcome != ONLINE_NONE
                ? tr("online.retry")
                : NULL,
            ACT_RETRY, tr("form.finish"), ACT_FINISH);
        /* landscape: the number on the left, how they hear back on the
         * right, so neither needs scrolling to be read */
        s->right_column = false;
        if (s->phase == PH_DONE && !th->portrait &&
            result_page(a, s, u, view.x, view.y, view.w, false) > view.h) {
            s->right_column = true;
            int half = (view.w - th->pad) / 2;
            scrolled(a, s, u, (SDL_Rect){view.x, view.y, half, view.h}, result_page);
            scrolled_in(a, s, u, &s->scroll2,
                        (SDL_Rect){view.x + half + th->pad, view.y, half, view.h}, after_part);
            return;
        }
        scrolled(a, s, u, view, result_page);
        return;
    }
}

/* ---- input ------------------------------------------------------------------ */

/* Keeps an answer within the field's length: the keyboard cannot know it. */
static void clamp(const form_field *f, char *v)
{
    int max = f->max_length > 0 ? f->max_length : FORM_VALUE_MAX;
    if ((int)utf8_length(v) > max) {
        const char *p = v;
        for (int i = 0; i < max; i++)
            utf8_next(&p);
        v[p - v] = '\0';
    }
}

static void edit(app *a, form_state *s, const ime_edit *e)
{
    const form_field *f = &form(a, s)->fields[s->cur];
    size_t cap;
    char *v = draft(a, s, f, &cap);
    keyboard_apply(e, v, cap);
    clamp(f, v);
}

static void form_action(app *a, void *st, int action, intptr_t arg)
{
    form_state *s = st;
    const catalog_form *f = form(a, s);
    switch (action) {
    case ACT_KEY: {
        ime_edit e;
        if (s->phase == PH_FIELD && keyboard_press(arg, &e))
            edit(a, s, &e);
        explicit_bzero(&e, sizeof e);
        return;
    }
    case ACT_PICK:
        if (s->phase == PH_FIELD) {
            const form_field *x = &f->fields[s->cur];
            const char *id = x->type == FORM_YESNO ? (arg == 0 ? "yes" : "no")
                             : (arg >= 0 && (size_t)arg < x->n_choices) ? x->choices[arg].id
                                                                         : "";
            char key[FORM_DRAFT_KEY_MAX];
            draft_key(a, s, x, key, sizeof key);
            session_set(app_session(a), key, id, SESSION_IDENTITY);
            s->show_error = false;
        }
        return;
    case ACT_NEXT:
        if (s->phase == PH_CARD) {
            go_field(a, s, 0, 1);
        } else if (s->phase == PH_FIELD) {
            const form_field *x = &f->fields[s->cur];
            const char *why;
            long n;
            /* a composition in progress is part of what the resident sees */
            if (*ime_composing()) {
                ime_edit e;
                ime_space(&e);
                edit(a, s, &e);
                explicit_bzero(&e, sizeof e);
            }
            if (!form_value_ok(x, answer(a, s, x), &why, &n)) {
                s->show_error = true;
                return;
            }
            go_field(a, s, (long)s->cur + 1, 1);
        }
        return;
    case ACT_PREV:
        if (s->phase == PH_FIELD)
            go_field(a, s, (long)s->cur - 1, -1);
        else if (s->phase == PH_CONFIRM)
            go_field(a, s, (long)f->n_fields - 1, -1);
        return;
    case ACT_EDIT:
        if (s->phase == PH_CONFIRM && arg >= 0 && (size_t)arg < f->n_fields)
            go_field(a, s, (long)arg, 1);
        return;
    case ACT_SUBMIT:
        if (s->phase != PH_CONFIRM)
            return;
        /* every page was checked on the way, but a draft can be edited
         * back to invalid: show the first such question again */
        if (first_invalid(a, s) < f->n_fields) {
            go_field(a, s, (long)first_invalid(a, s), 1);
            s->show_error = true;
            return;
        }
        submit(a, s);
        return;
    case ACT_FINISH:
        if (!rating_prompt_finish(a, &s->rate))
            app_go_home(a);
        return;
    case ACT_ASK_HELP:
        online_ui_open_help(a);
        return;
    case ACT_RETRY:
        if (s->phase == PH_ONLINE && s->online_tried && first_invalid(a, s) >= f->n_fields)
            submit(a, s);
        return;
    default:
        return;
    }
}

/* An online application whose answer went to another screen (this one
 * was covered meanwhile) is treated as unanswered once overdue. */
/* The done page has settled once its receipt is out of the printer (or on
 * the screen): then the rating follows (rating_prompt.h). */
static bool settled(const form_state *s)
{
    return s->phase == PH_DONE && s->paper.print != RECEIPT_UI_PRINTING;
}

static uint64_t form_wake_at(app *a, void *st)
{
    form_state *s = st;
    (void)a;
    if (s->phase == PH_DONE)
        return rating_prompt_wake_at(&s->rate, settled(s));
    return s->phase == PH_SUBMITTING && s->online ? online_ui_overdue_at(s->asked_ms) : 0;
}

static void form_tick(app *a, void *st)
{
    form_state *s = st;
    if (s->phase == PH_DONE) {
        rating_prompt_tick(a, &s->rate, settled(s));
        return;
    }
    if (s->phase == PH_SUBMITTING && s->online &&
        clock_now_ms() >= online_ui_overdue_at(s->asked_ms)) {
        s->ticket = 0;
        s->phase = PH_ONLINE;
        s->online_tried = true;
        s->outcome = ONLINE_TIMEOUT;
        app_invalidate(a);
    }
}

static void form_text(app *a, void *st, const char *utf8)
{
    form_state *s = st;
    if (s->phase != PH_FIELD || !form_keyboard(&form(a, s)->fields[s->cur]))
        return;
    ime_edit e = {0};
    snprintf(e.commit, sizeof e.commit, "%s", utf8);
    edit(a, s, &e);
    explicit_bzero(&e, sizeof e);
}

static void form_key(app *a, void *st, int key)
{
    form_state *s = st;
    if (key == SDLK_BACKSPACE && s->phase == PH_FIELD &&
        form_keyboard(&form(a, s)->fields[s->cur])) {
        ime_edit e = {.backspaces = 1};
        edit(a, s, &e);
    }
}

static void form_relayout(app *a, void *st)
{
    form_state *s = st;
    /* The catalogue may have been replaced: find the service again. A form
     * that changed under the resident cannot be finished here; the drafts
     * no longer match its questions. */
    const catalog_service *svc = catalog_find(a->cat, s->id);
    if (!svc || !svc->form || svc->form->n_fields != s->n_fields) {
        s->index = svc ? (size_t)(svc - a->cat->services) : 0;
        if (s->phase != PH_DONE && s->phase != PH_SUBMITTING) {
            s->phase = PH_FAILED;
            s->reason_key = "form.changed";
        }
        return;
    }
    s->index = (size_t)(svc - a->cat->services);
    /* switched language on a text question: the keyboard follows */
    if (s->phase == PH_FIELD)
        set_keyboard(a, &form(a, s)->fields[s->cur]);
}

/* What the voice says (app/speech.h): the question with its help and its
 * error, or the page's result -- never an answer typed (personal data). */
static void form_speech(app *a, void *st, char *out, size_t size)
{
    form_state *s = st;
    const catalog_service *svc = service(a, s);
    const char *lang = app_lang(a);
    const char *title = ltext_get(&svc->name, lang);
    char line[1024];
    switch (s->phase) {
    case PH_FIELD: {
        const form_field *f = &form(a, s)->fields[s->cur];
        char prog[128], err[256];
        progress(a, s, prog, sizeof prog);
        error_text(a, s, err, sizeof err);
        i18n_format(out, size, "voice.form.field", "progress", prog, "label",
                    ltext_get(&f->label, lang), "required",
                    f->required ? tr("form.required_mark") : "", "help",
                    ltext_get(&f->help, lang), "error", err, (char *)NULL);
        return;
    }
    case PH_CARD:
        i18n_format(out, size, "voice.form.card", "title", title, (char *)NULL);
        return;
    case PH_CONFIRM:
        i18n_format(out, size, "voice.form.confirm", "title", title, (char *)NULL);
        return;
    case PH_SUBMITTING:
        i18n_format(out, size, "voice.form.submitting", (char *)NULL);
        return;
    case PH_DONE:
        i18n_format(out, size, "voice.form.done", "receipt", s->receipt, (char *)NULL);
        return;
    case PH_FAILED:
        i18n_format(line, sizeof line, "form.go_window", "window", ltext_get(&svc->window, lang),
                    "address", ltext_get(&svc->address, lang), (char *)NULL);
        i18n_format(out, size, "voice.form.failed", "reason", tr(s->reason_key), "window", line,
                    (char *)NULL);
        return;
    default:    /* PH_ONLINE */
        i18n_format(line, sizeof line, "form.go_window", "window", ltext_get(&svc->window, lang),
                    "address", ltext_get(&svc->address, lang), (char *)NULL);
        i18n_format(out, size, "voice.form.online", "window", line, "hotline", a->cfg->hotline,
                    (char *)NULL);
        return;
    }
}

/* Leaving a finished transaction by the header opens its rating first. */
static bool form_leaving(app *a, void *st, bool home)
{
    form_state *s = st;
    return s->phase == PH_DONE && rating_prompt_leave(a, &s->rate, home);
}

const screen_class screen_form = {
    .name = "form",
    .state_size = sizeof(form_state),
    .enter = form_enter,
    .draw = form_draw,
    .action = form_action,
    .text = form_text,
    .key = form_key,
    .leaving = form_leaving,
    .speech = form_speech,
    .relayout = form_relayout,
    .event = form_event,
    .wake_at = form_wake_at,
    .tick = form_tick,
};
