/*
 * signin: the resident places an ID card on the reader. Shows where to put
 * it, the reading progress, plain-language errors with the alternative (a
 * service window), and the identity once read, masked (张*, 3301****1234).
 * In demo mode (no reader, simulator standing in) the demo cards are
 * offered as buttons, clearly marked.
 *
 * Each state says one thing: a reader fault shows only the fault, what to
 * do and where to go (no card picture, no "place your card" the resident
 * cannot follow); an expired card says until when it was valid and where
 * to renew it, until the card is lifted.
 */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "common/textfile.h"
#include "devices/idreader.h"
#include "i18n/i18n.h"
#include "screens/screens.h"

enum { ACT_DEMO = SCREEN_ACTION_BASE, ACT_CONTINUE };

#define MAX_DEMO 8

typedef struct signin_state {
    intptr_t service;       /* guide to return to, -1 for none */
    int n_demo;
    char demo_path[MAX_DEMO][512];
    /* the label of each card in each configured language (cfg->langs order) */
    char demo_label[MAX_DEMO][SETTINGS_MAX_LANGS][96];
    ui_scroll scroll;
    ui_scroll scroll_left;  /* landscape: what to do, when it needs more room */
} signin_state;

static int demo_order(const void *x, const void *y)
{
    const char *a = x, *b = y;
    /* the ordinary resident card first: it is the one to try */
    bool ra = strstr(a, "/resident") != NULL, rb = strstr(b, "/resident") != NULL;
    if (ra != rb)
        return ra ? -1 : 1;
    return strcmp(a, b);
}

static void load_demo_cards(app *a, signin_state *s)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/demo-cards", a->cfg->assets_dir);
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) && s->n_demo < MAX_DEMO) {
        size_t l = strlen(e->d_name);
        if (l < 6 || strcmp(e->d_name + l - 5, ".json"))
            continue;
        int n = snprintf(s->demo_path[s->n_demo], sizeof s->demo_path[0], "%s/%s", dir,
                         e->d_name);
        if (n > 0 && (size_t)n < sizeof s->demo_path[0])
            s->n_demo++;
    }
    closedir(d);
    qsort(s->demo_path, (size_t)s->n_demo, sizeof s->demo_path[0], demo_order);
    for (int i = 0; i < s->n_demo; i++) {
        /* A demo card is a few hundred bytes; textfile_read refuses a FIFO
         * or a huge file in the folder instead of blocking the UI thread. */
        diag_list errors = DIAG_LIST_INIT;
        size_t len;
        char *text = textfile_read(s->demo_path[i], 64u * 1024u, "a demo card", &len,
                                   &errors);
        diag_clear(&errors);
        json_t *root = text ? json_loadb(text, len, 0, NULL) : NULL;
        /* the whole card, name, address and number included: wiped before
         * it is freed (jansson's copies are wiped by common/json_wipe) */
        if (text)
            explicit_bzero(text, len);
        free(text);
        /* "label": {"zh": ..., "en": ...}; a language without one shows the
         * fallback's, else the generic words from the strings file */
        json_t *label = json_object_get(root, "label");
        for (int l = 0; l < a->cfg->n_langs; l++) {
            const char *t = json_string_value(json_object_get(label, a->cfg->langs[l]));
            if (!t)
                t = json_string_value(json_object_get(label, a->cfg->fallback_lang));
            snprintf(s->demo_label[i][l], sizeof s->demo_label[i][l], "%s",
                     t ? t : tr_lang(a->cfg->langs[l], "signin.demo_card"));
        }
        json_decref(root);
    }
}

static void signin_enter(app *a, void *st, intptr_t arg)
{
    signin_state *s = st;
    s->service = arg;
    if (!session_identity(app_session(a)))
        idreader_clear_failure();   /* an old error is not this visit's */
    load_demo_cards(a, s);
}

/* A card lying on a reader, drawn from shapes: residents recognise the
 * picture faster than any sentence. */
static void draw_illustration(ui *u, SDL_Rect r, bool reading)
{
    const theme *th = &u->th;
    SDL_Rect reader = {r.x + r.w / 6, r.y + r.h / 2, r.w * 2 / 3, r.h / 3};
    ui_round(u, reader, th->radius, th->contrast ? th->surface_alt : (SDL_Color){60, 70, 84, 255});
    SDL_Rect pad = {reader.x + reader.w / 6, reader.y + reader.h / 5, reader.w * 2 / 3,
                    reader.h * 3 / 5};
    ui_round(u, pad, th->radius, reading ? th->ok : th->primary);
    SDL_Rect card = {r.x + r.w / 4, r.y + r.h / 12, r.w / 2, r.h / 2};
    ui_round_border(u, card, th->radius, 3, th->border, th->surface);
    SDL_Rect photo = {card.x + card.w * 2 / 3, card.y + card.h / 5, card.w / 4, card.h / 2};
    ui_round(u, photo, th->radius / 2, th->surface_alt);
    for (int i = 0; i < 3; i++) {
        SDL_Rect line = {card.x + card.w / 10, card.y + card.h / 5 + i * card.h / 6,
                         card.w / 2, card.h / 14};
        ui_round(u, line, line.h / 2, th->surface_alt);
    }
    SDL_Rect num = {card.x + card.w / 10, card.y + card.h * 4 / 5, card.w * 4 / 5, card.h / 14};
    ui_round(u, num, num.h / 2, th->surface_alt);
}

/* "有效期至 2018年1月1日": the day and the month's name are placed as the
 * language's strings say. A line of its own under "此证件已过期", so the
 * date is not split across lines where the column is narrow. */
static void format_until(idcard_date d, char *out, size_t size)
{
    char ys[8], ds[4], mk[16], date[64];
    snprintf(ys, sizeof ys, "%d", d.year);
    snprintf(ds, sizeof ds, "%d", d.day);
    snprintf(mk, sizeof mk, "month.%d", d.month);
    i18n_format(date, sizeof date, "card.date", "year", ys, "month", tr(mk), "day", ds,
                (char *)NULL);
    i18n_format(out, size, "card.valid_until", "date", date, (char *)NULL);
}

/* The reader cannot read: only the fault, what to do and where to go,
 * centred in r. */
static void draw_fault(app *a, signin_state *s, ui *u, SDL_Rect r)
{
    const theme *th = &u->th;
    char hotline[128];
    i18n_format(hotline, sizeof hotline, "reader.fault_hotline", "hotline", a->cfg->hotline,
                (char *)NULL);
    /* where: the site's own words for where staff are ([ui] staff_location) */
    const char *where = settings_staff_location(a->cfg, app_lang(a));
    int inner = r.w - 2 * th->pad;
    int h_title = ui_paragraph(u, tr("reader.fault_title"), 0, 0, r.w, th->text_title,
                               TEXT_BOLD, th->danger, UI_CENTER, false);
    int h_action = ui_paragraph(u, tr("reader.fault_what_to_do"), 0, 0, r.w, th->text_body,
                              TEXT_REGULAR, th->text, UI_CENTER, false);
    int h_where = ui_paragraph(u, where, 0, 0, inner, th->text_heading,
                               TEXT_BOLD, th->text, UI_CENTER, false);
    int h_hot = ui_paragraph(u, hotline, 0, 0, inner, th->text_heading, TEXT_BOLD, th->text,
                             UI_CENTER, false);
    int card_h = th->pad + h_where + th->gap / 2 + h_hot + th->pad;
    int total = h_title + th->gap + h_action + 2 * th->gap + card_h;
    /* large text on a short panel: the block scrolls rather than being cut */
    bool scroll = total > r.h;
    int y = scroll ? r.y - ui_scroll_begin(u, &s->scroll, r, total) : r.y + (r.h - total) / 2;
    y += ui_paragraph(u, tr("reader.fault_title"), r.x, y, r.w, th->text_title, TEXT_BOLD,
                      th->danger, UI_CENTER, true) + th->gap;
    y += ui_paragraph(u, tr("reader.fault_what_to_do"), r.x, y, r.w, th->text_body, TEXT_REGULAR,
                      th->text, UI_CENTER, true) + 2 * th->gap;
    SDL_Rect card = {r.x, y, r.w, card_h};
    ui_round(u, card, th->radius, th->surface);
    int cy = card.y + th->pad;
    cy += ui_paragraph(u, where, card.x + th->pad, cy, inner, th->text_heading,
                       TEXT_BOLD, th->text, UI_CENTER, true) + th->gap / 2;
    ui_paragraph(u, hotline, card.x + th->pad, cy, inner, th->text_heading, TEXT_BOLD, th->text,
                 UI_CENTER, true);
    if (scroll)
        ui_scroll_end(u, &s->scroll, r);
}

/* The status line (waiting, reading, the card's error with, for an
 * expired one, until when and where to renew) and the window hint, from y
 * down. Returns its height. */
static int status_block(ui *u, int x, int y, int w, bool draw)
{
    const theme *th = &u->th;
    int y0 = y;
    const char *status = tr("signin.waiting");
    SDL_Color colour = th->muted;
    char until_text[256];
    const char *renew = NULL;
    idcard_date until;
    bool resident;
    if (idreader_phase_now() == IDREADER_READING) {
        status = tr("signin.reading");
        colour = th->ok;
    } else if (idreader_expired_until(&until, &resident)) {
        format_until(until, until_text, sizeof until_text);
        status = tr("card.expired_short");
        colour = th->danger;
        renew = tr(resident ? "card.renew_resident" : "card.renew_permit");
    } else if (idreader_error_key()) {
        status = tr(idreader_error_key());
        colour = th->danger;
    }
    /* room for a two-line error even while showing a one-line status, so
     * the layout does not jump when a card fails */
    int st_h = ui_paragraph(u, status, x, y, w, th->text_heading, TEXT_BOLD, colour, UI_CENTER,
                            draw);
    if (renew)  /* expired: until when, under "此证件已过期" */
        st_h += ui_paragraph(u, until_text, x, y + st_h, w, th->text_heading, TEXT_BOLD, colour,
                             UI_CENTER, draw);
    int two = 2 * text_line_height(th->text_heading, TEXT_BOLD);
    y += st_h > two ? st_h : two;
    if (renew)
        y += ui_paragraph(u, renew, x, y, w, th->text_body, TEXT_BOLD, th->text, UI_CENTER,
                          draw) + th->gap / 2;
    y += ui_paragraph(u, tr("signin.window"), x, y, w, th->text_small, TEXT_REGULAR, th->muted,
                      UI_CENTER, draw) + th->gap;
    return y - y0;
}

/* The instructions, the picture (pic_h high, none when too small), the
 * status line and the window hint, from y down; with status_first the
 * status comes before the picture (a short column that scrolls: what
 * happened to the card must be in view, the picture may scroll). Returns
 * the height used without the picture when measuring (draw false). */
static int draw_instructions(app *a, signin_state *s, ui *u, int x, int y, int w, int pic_h,
                             bool draw, bool status_first)
{
    const theme *th = &u->th;
    int y0 = y;
    if (s->service >= 0)
        y += ui_paragraph(u, tr("signin.needed"), x, y, w, th->text_body, TEXT_REGULAR,
                          th->muted, UI_CENTER, draw) + th->gap;
    y += ui_paragraph(u, tr("signin.place"), x, y, w, th->text_title, TEXT_BOLD, th->text,
                      UI_CENTER, draw);
    y += ui_paragraph(u, tr("signin.place_hint"), x, y, w, th->text_body, TEXT_REGULAR,
                      th->muted, UI_CENTER, draw) + th->gap;
    if (status_first)
        y += status_block(u, x, y, w, draw);
    int max_pic = (int)(520 * th->u);
    if (pic_h > max_pic)
        pic_h = max_pic;
    if (draw && pic_h >= 2 * th->target) {
        int pw = pic_h * 3 / 2 > w ? w : pic_h * 3 / 2;
        SDL_Rect pic = {x + (w - pw) / 2, y, pw, pw * 2 / 3};
        draw_illustration(u, pic, idreader_phase_now() == IDREADER_READING);
        y += pic.h + th->gap;
    }
    if (!status_first)
        y += status_block(u, x, y, w, draw);
    (void)a;
    return y - y0;
}

/* The demo-card block: a marked heading and one button per card. */
static int draw_demo(app *a, signin_state *s, ui *u, int x, int y, int w, bool en, bool draw)
{
    const theme *th = &u->th;
    int y0 = y;
    y += ui_paragraph(u, tr("signin.demo"), x, y, w, th->text_body, TEXT_BOLD, th->warn,
                      UI_CENTER, draw);
    for (int i = 0; i < s->n_demo; i++) {
        if (draw) {
            SDL_Rect b = {x, y, w, th->target};
            int l = 0;
            for (int k = 0; k < a->cfg->n_langs; k++)
                if (!strcmp(a->cfg->langs[k], app_lang(a)))
                    l = k;
            ui_button(u, b, s->demo_label[i][l], UI_SECONDARY, ACT_DEMO, i);
        }
        y += th->target + th->gap / 2;
    }
    return y - y0;
}

static void signin_draw(app *a, void *st, ui *u)
{
    signin_state *s = st;
    const theme *th = &u->th;
    bool en = !strcmp(app_lang(a), "en");
    SDL_Rect c = app_chrome(a, u, tr("signin.title"), true);
    int y = c.y;

    char name[64], number[64];
    if (app_identity_masked(a, name, sizeof name, number, sizeof number)) {
        y += ui_paragraph(u, tr("signin.done"), c.x, y, c.w, th->text_title, TEXT_BOLD, th->ok,
                          UI_CENTER, true) + th->gap;
        /* landscape is short: name and number side by side (with the
         * status bar's second row in large text the buttons fell off) */
        bool cols = !th->portrait;
        int field_h = text_line_height(th->text_small, TEXT_BOLD) +
                      text_line_height(th->text_title, TEXT_BOLD);
        int card_h = cols ? field_h + 2 * th->pad : 2 * field_h + 3 * th->pad;
        SDL_Rect card = {c.x, y, c.w, card_h};
        ui_round(u, card, th->radius, th->surface);
        const char *labels[2] = {tr("signin.name"), tr("signin.number")};
        const char *values[2] = {name, number};
        int fw = cols ? card.w / 2 - 2 * th->pad : card.w - 2 * th->pad;
        int cy = card.y + th->pad;
        for (int i = 0; i < 2; i++) {
            int fx = card.x + th->pad + (cols ? i * card.w / 2 : 0);
            if (cols)
                cy = card.y + th->pad;
            cy += ui_paragraph(u, labels[i], fx, cy, fw, th->text_small, TEXT_BOLD, th->muted,
                               UI_LEFT, true);
            cy += ui_paragraph(u, values[i], fx, cy, fw, th->text_title, TEXT_BOLD, th->text,
                               UI_LEFT, true) + th->pad / 2;
        }
        y += card_h + th->pad;
        /* landscape is short: the two buttons side by side, or in large
         * text the second fell off the bottom of the screen */
        SDL_Rect b1 = {c.x, y, c.w, th->target}, b2 = b1;
        if (th->portrait) {
            b2.y += th->target + th->gap;
        } else {
            b1.w = b2.w = (c.w - th->gap) / 2;
            b2.x = c.x + c.w - b2.w;
        }
        ui_button(u, b1, tr("signin.continue"), UI_PRIMARY, ACT_CONTINUE, 0);
        ui_button(u, b2, tr("signin.sign_out"), UI_SECONDARY, ACT_SIGN_OUT, 0);
        return;
    }

    if (idreader_fault()) {
        draw_fault(a, s, u, c);
        return;
    }
    bool demo = idreader_demo() && s->n_demo > 0;
    bool two_cols = !th->portrait && demo;
    int col_w = two_cols ? (c.w - th->pad) / 2 : c.w;
    int instr_h = draw_instructions(a, s, u, 0, 0, col_w, 0, false, false);
    int demo_h = demo ? draw_demo(a, s, u, 0, 0, col_w, en, false) : 0;

    /* The picture of a card on the reader stays in every layout: it is
     * what shows where the card goes. At its smallest it is two targets
     * high; what does not fit then scrolls. */
    int min_pic = 2 * th->target;
    if (two_cols) {
        /* landscape: what to do on the left, the demo cards on the right */
        SDL_Rect left = {c.x, c.y, col_w, c.h};
        int pic = c.h - instr_h;
        if (pic >= min_pic) {
            draw_instructions(a, s, u, left.x, left.y, col_w, pic, true, false);
        } else {
            int off = ui_scroll_begin(u, &s->scroll_left, left, instr_h + min_pic + th->gap);
            draw_instructions(a, s, u, left.x, left.y - off, col_w, min_pic, true, true);
            ui_scroll_end(u, &s->scroll_left, left);
        }
        SDL_Rect right = {c.x + col_w + th->pad, c.y, col_w, c.h};
        if (demo_h <= c.h) {
            draw_demo(a, s, u, right.x, c.y + (c.h - demo_h) / 2, col_w, en, true);
        } else {    /* large text: the cards scroll rather than fall off */
            int off = ui_scroll_begin(u, &s->scroll, right, demo_h);
            draw_demo(a, s, u, right.x, right.y - off, col_w, en, true);
            ui_scroll_end(u, &s->scroll, right);
        }
        return;
    }
    /* portrait: the picture takes the room the text leaves; with large text
     * and little room everything scrolls instead of overlapping */
    int room = c.h - instr_h - demo_h - th->gap;
    if (room >= 2 * th->target) {
        draw_instructions(a, s, u, c.x, c.y, c.w, room, true, false);
        if (demo)
            draw_demo(a, s, u, c.x, c.y + c.h - demo_h, c.w, en, true);
        return;
    }
    int content = instr_h + min_pic + th->gap + th->gap + demo_h;
    int off = ui_scroll_begin(u, &s->scroll, c, content);
    draw_instructions(a, s, u, c.x, c.y - off, c.w, min_pic, true, true);
    if (demo)
        draw_demo(a, s, u, c.x, c.y - off + instr_h + min_pic + 2 * th->gap, c.w, en, true);
    ui_scroll_end(u, &s->scroll, c);
}

/* What the voice says (app/speech.h): the state the screen shows -- the
 * fault and where to go; the card being read; the card's error with, for
 * an expired one, until when and where to renew; signed in. Never the
 * name or the number: the screen shows them masked, the voice not at all. */
static void signin_speech(app *a, void *st, char *out, size_t size)
{
    (void)st;
    char name[64], number[64];
    if (app_identity_masked(a, name, sizeof name, number, sizeof number)) {
        i18n_format(out, size, "voice.signin.done", (char *)NULL);
        return;
    }
    if (idreader_fault()) {
        i18n_format(out, size, "voice.signin.fault", "where",
                    settings_staff_location(a->cfg, app_lang(a)), "hotline", a->cfg->hotline,
                    (char *)NULL);
        return;
    }
    idcard_date until;
    bool resident;
    if (idreader_phase_now() == IDREADER_READING) {
        i18n_format(out, size, "voice.signin.reading", (char *)NULL);
    } else if (idreader_expired_until(&until, &resident)) {
        char until_text[256];
        format_until(until, until_text, sizeof until_text);
        i18n_format(out, size, "voice.signin.expired", "until", until_text, "renew",
                    tr(resident ? "card.renew_resident" : "card.renew_permit"), (char *)NULL);
    } else if (idreader_error_key()) {
        i18n_format(out, size, "voice.signin.error", "error", tr(idreader_error_key()),
                    (char *)NULL);
    }
    /* else: the default, voice.screen.signin */
}

static void signin_action(app *a, void *st, int action, intptr_t arg)
{
    signin_state *s = st;
    if (action == ACT_DEMO && arg >= 0 && arg < s->n_demo) {
        char err[256];
        if (!idreader_place_demo_card(a, s->demo_path[arg], err, sizeof err))
            SDL_Log("signin: demo card not placed: %s", err);
    } else if (action == ACT_CONTINUE) {
        app_pop(a);
    }
}

/* This screen asked for the card: a valid one signs the resident in, and
 * placing or lifting it counts as activity while they are signed in here.
 * Anywhere else the reader's identity is dropped unread (idreader.h). */
static void signin_event(app *a, void *st, hub_event *ev)
{
    (void)st;
    session *ss = app_session(a);
    idcard_identity *id = idreader_take_identity(ev);
    if (id) {
        if (!session_sign_in(ss, id))
            SDL_Log("signin: identity not kept (photo larger than the session holds)");
        app_note_activity(a);
    } else if (idreader_is_removal(ev) && session_identity(ss)) {
        app_note_activity(a);
    }
}

const screen_class screen_signin = {
    .name = "signin",
    .state_size = sizeof(signin_state),
    .enter = signin_enter,
    .draw = signin_draw,
    .action = signin_action,
    .event = signin_event,
    .speech = signin_speech,
};
