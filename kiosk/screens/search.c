/*
 * search: find a service by typing Chinese, English, full pinyin or pinyin
 * initials. Results update on every key; the on-screen keyboard stays in
 * place below them so the resident never loses it.
 *
 * A search that finds nothing is never a dead end: the results area then
 * offers the corrected query ("did you mean"), where to go for what the
 * kiosk does not do, the most used services, the categories and a person
 * (the window and the hotline). Where-to-go advice also shows above
 * results when the query asks for something handled elsewhere.
 */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "catalog/catalog_search.h"
#include "common/utf8.h"
#include "i18n/i18n.h"
#include "screens/screens.h"
#include "screens/widgets.h"
#include "ui/keyboard.h"

enum { ACT_KEY = SCREEN_ACTION_BASE, ACT_RESULT, ACT_SUGGEST, ACT_CATEGORY };

#define MAX_HITS 64

typedef struct search_state {
    catalog_hit hits[MAX_HITS];
    size_t n_hits;
    /* derived from the resident's words: wiped with each new query */
    catalog_suggestion sug;
    ui_scroll list;
} search_state;

/* The search text is the resident's own words: it lives in the session
 * store (guarded memory, wiped with the visit). Bounded here, not by the
 * store, so a query stays one line of the search box. */
#define QUERY_MAX 128

static char *query(app *a)
{
    static char none[QUERY_MAX];
    size_t cap;
    char *q = session_buffer(app_session(a), "search", SESSION_VISIT, &cap);
    if (!q) {
        explicit_bzero(none, sizeof none); /* store full: nothing kept */
        return none;
    }
    return q;
}

/* What is searched: the committed text and, while the resident composes
 * pinyin, the letters typed so far -- they search as pinyin at once. */
static void run_query(app *a, search_state *s)
{
    char q[QUERY_MAX + IME_CANDIDATE_SIZE * 2];
    snprintf(q, sizeof q, "%s%s", query(a), ime_composing());
    s->n_hits = catalog_search(a->cat, q, app_lang(a), s->hits, MAX_HITS);
    explicit_bzero(&s->sug, sizeof s->sug);
    catalog_search_suggest(a->cat, q, app_lang(a), &s->sug);
    explicit_bzero(q, sizeof q);
    s->list.offset = 0;
    s->list.velocity = 0;
}

static void append(app *a, search_state *s, const char *text)
{
    size_t len = strlen(query(a)), add = strlen(text);
    if (len + add >= QUERY_MAX)
        add = utf8_truncate(text, QUERY_MAX - 1 - len);
    memcpy(query(a) + len, text, add);
    query(a)[len + add] = '\0';
    run_query(a, s);
}

static void backspace(app *a, search_state *s)
{
    size_t len = strlen(query(a));
    if (len == 0)
        return;
    len--;
    while (len > 0 && ((unsigned char)query(a)[len] & 0xC0) == 0x80)
        len--;
    query(a)[len] = '\0';
    run_query(a, s);
}

static void search_enter(app *a, void *st, intptr_t arg)
{
    (void)arg;
    search_state *s = st;
    /* Chinese residents start in pinyin; visitors in another language in
     * letters, unless they chose a mode already this session */
    if (strncmp(app_lang(a), "zh", 2) != 0 && ime_get_mode() == IME_PINYIN)
        ime_set_mode(IME_LETTERS);
    run_query(a, s);
}

/* Where-to-go advice: a tinted box. Returns its height. */
static int advice(ui *u, const char *text, int x, int y, int w, bool draw)
{
    const theme *th = &u->th;
    int h = ui_paragraph(u, text, x + th->pad, y, w - 2 * th->pad, th->text_body,
                         TEXT_REGULAR, th->text, UI_LEFT, false) + th->pad;
    if (draw) {
        ui_round(u, (SDL_Rect){x, y, w, h}, th->radius, th->surface);
        ui_fill(u, (SDL_Rect){x, y, (int)(4 * th->u + 0.5f), h}, th->primary);
        ui_paragraph(u, text, x + th->pad, y + th->pad / 2, w - 2 * th->pad,
                     th->text_body, TEXT_REGULAR, th->text, UI_LEFT, true);
    }
    return h;
}

static int heading(ui *u, const char *text, int x, int y, int w, bool draw)
{
    const theme *th = &u->th;
    return ui_paragraph(u, text, x, y, w, th->text_body, TEXT_BOLD, th->text, UI_LEFT,
                        draw) + th->gap / 2;
}

/* Everything after "nothing found", top to bottom; with draw false only
 * measures. Returns the height. */
static int way_on(app *a, search_state *s, ui *u, int x, int y, int w, bool draw)
{
    const theme *th = &u->th;
    const char *lang = app_lang(a);
    int y0 = y;
    char line[512];
    if (s->sug.did_you_mean[0]) {
        i18n_format(line, sizeof line, "search.did_you_mean", "word", s->sug.did_you_mean,
                    (char *)NULL);
        if (draw)
            ui_button(u, (SDL_Rect){x, y, w, th->target}, line, UI_SECONDARY, ACT_SUGGEST, 0);
        y += th->target + th->gap;
    }
    if (s->sug.elsewhere)
        y += advice(u, s->sug.elsewhere, x, y, w, draw) + th->gap;
    if (s->sug.n_featured) {
        y += heading(u, tr("search.popular"), x, y, w, draw);
        for (size_t i = 0; i < s->sug.n_featured; i++) {
            const catalog_service *svc = s->sug.featured[i];
            intptr_t idx = (intptr_t)(svc - a->cat->services);
            y += widget_service_row(u, x, y, w, svc, lang, ACT_RESULT, idx, draw) + th->gap;
        }
    }
    if (a->cat->n_categories) {
        y += heading(u, tr("search.categories"), x, y, w, draw);
        /* two columns, unless a name would be cut there (a long English
         * name in large text): then one, every name whole */
        int cols = 2, cw = (w - th->gap) / 2;
        for (size_t i = 0; i < a->cat->n_categories && cols == 2; i++) {
            const char *name = ltext_get(&a->cat->categories[i].name, lang);
            if (text_width(name, strlen(name), th->text_small, TEXT_BOLD) > cw - th->pad)
                cols = 1;
        }
        if (cols == 1)
            cw = w;
        for (size_t i = 0; i < a->cat->n_categories; i++) {
            int col = (int)(i % (size_t)cols);
            SDL_Rect r = {x + col * (cw + th->gap), y, cw, th->target};
            if (draw)
                ui_button(u, r, ltext_get(&a->cat->categories[i].name, lang), UI_SECONDARY,
                          ACT_CATEGORY, (intptr_t)i);
            if (col == cols - 1 || i + 1 == a->cat->n_categories)
                y += th->target + th->gap;
        }
    }
    i18n_format(line, sizeof line, "search.person", "hotline", a->cfg->hotline, (char *)NULL);
    y += ui_paragraph(u, line, x, y, w, th->text_body, TEXT_REGULAR, th->text, UI_LEFT, draw);
    return y - y0 + th->gap;
}

static void draw_way_on(app *a, search_state *s, ui *u, SDL_Rect view)
{
    int content = way_on(a, s, u, view.x, view.y, view.w, false);
    int off = ui_scroll_begin(u, &s->list, view, content);
    way_on(a, s, u, view.x, view.y - off, view.w, true);
    ui_scroll_end(u, &s->list, view);
}

/* The advice, then the results, in one scroll area. */
static int advised(app *a, search_state *s, ui *u, int x, int y, int w, bool draw)
{
    const theme *th = &u->th;
    int y0 = y;
    y += advice(u, s->sug.elsewhere, x, y, w, draw) + th->gap;
    for (size_t i = 0; i < s->n_hits; i++) {
        const catalog_service *svc = s->hits[i].service;
        y += widget_service_row(u, x, y, w, svc, app_lang(a), ACT_RESULT,
                                (intptr_t)(svc - a->cat->services), draw) + th->gap;
    }
    return y - y0;
}

static void draw_advised(app *a, search_state *s, ui *u, SDL_Rect view)
{
    int content = advised(a, s, u, view.x, view.y, view.w, false);
    int off = ui_scroll_begin(u, &s->list, view, content);
    advised(a, s, u, view.x, view.y - off, view.w, true);
    ui_scroll_end(u, &s->list, view);
}

static void search_draw(app *a, void *st, ui *u)
{
    search_state *s = st;
    const theme *th = &u->th;
    const char *lang = app_lang(a);
    SDL_Rect c = app_chrome(a, u, tr("search.title"), true);

    /* Portrait: field, results, keyboard stacked. Landscape: field and
     * results on the left, the keyboard on the right. */
    int col_w = th->portrait ? c.w : (c.w - th->pad) * 9 / 20;
    int kb_w = th->portrait ? c.w : c.w - col_w - th->pad;

    /* the query field */
    SDL_Rect field = {c.x, c.y, col_w, th->target};
    ui_round_border(u, field, th->radius, (int)(3 * th->u + 0.5f), th->primary, th->surface);
    int lh = text_line_height(th->text_heading, TEXT_REGULAR);
    int fy = field.y + (field.h - lh) / 2;
    /* the field shows pinyin letters being composed after the text */
    char shown[QUERY_MAX + IME_CANDIDATE_SIZE * 2];
    snprintf(shown, sizeof shown, "%s%s", query(a), ime_composing());
    if (shown[0]) {
        /* show the end of a long query: that is where the typing is */
        const char *q = shown;
        int avail = field.w - 2 * th->pad;
        while (*q && text_width(q, strlen(q), th->text_heading, TEXT_REGULAR) > avail)
            utf8_next(&q);
        text_private(true);     /* the resident's words: dropped at session end */
        int tw = ui_text(u, q, field.x + th->pad, fy, avail, th->text_heading, TEXT_REGULAR,
                         th->text, UI_LEFT, false);
        text_private(false);
        SDL_Rect caret = {field.x + th->pad + tw + 2, field.y + field.h / 5, 3, field.h * 3 / 5};
        ui_fill(u, caret, th->primary);
    } else {
        ui_text(u, tr("search.prompt"), field.x + th->pad, fy, field.w - 2 * th->pad,
                th->text_body, TEXT_REGULAR, th->muted, UI_LEFT, true);
    }

    /* keyboard at the bottom */
    int kb_h = keyboard_height(u, kb_w);
    if (!th->portrait && kb_h > c.h)
        kb_h = c.h;     /* beside the results it may use the full height */
    SDL_Rect kb = {c.x + c.w - kb_w, c.y + c.h - kb_h, kb_w, kb_h};
    keyboard_draw(u, kb, ACT_KEY);

    /* results between */
    int y = field.y + field.h + th->gap;
    char line[256];
    bool searching = shown[0] != '\0';
    explicit_bzero(shown, sizeof shown);
    if (searching) {
        char n[16];
        snprintf(n, sizeof n, "%zu", s->n_hits);
        const char *key = s->n_hits == 0 ? "search.none"
                          : s->n_hits == 1 ? "search.found_one" : "search.found";
        i18n_format(line, sizeof line, key, "count", n, (char *)NULL);
    } else {
        snprintf(line, sizeof line, "%s", tr("search.hint"));
    }
    y += ui_paragraph(u, line, c.x, y, col_w, th->text_body, TEXT_REGULAR, th->muted,
                      UI_LEFT, true);
    y += th->gap / 2;
    SDL_Rect view = {c.x, y, col_w, (th->portrait ? kb.y - th->gap : c.y + c.h) - y};
    if (view.h <= 0)
        return;
    if (searching && s->n_hits == 0) {
        draw_way_on(a, s, u, view);
        return;
    }
    if (searching && s->sug.elsewhere) {
        /* asked for something handled elsewhere, and some services apply:
         * the advice scrolls with them, however large the text */
        draw_advised(a, s, u, view);
        return;
    }
    size_t idx[MAX_HITS];
    for (size_t i = 0; i < s->n_hits; i++)
        idx[i] = (size_t)(s->hits[i].service - a->cat->services);
    widget_service_list(u, &s->list, view, 1, a->cat, idx, s->n_hits, lang, ACT_RESULT);
}

static void search_action(app *a, void *st, int action, intptr_t arg)
{
    search_state *s = st;
    if (action == ACT_RESULT) {
        app_push(a, &screen_guide, arg);
    } else if (action == ACT_SUGGEST) {
        /* the correction replaces what was typed */
        char *q = query(a);
        size_t n = strlen(s->sug.did_you_mean);
        if (n >= QUERY_MAX)
            n = utf8_truncate(s->sug.did_you_mean, QUERY_MAX - 1);
        memcpy(q, s->sug.did_you_mean, n);
        q[n] = '\0';
        run_query(a, s);
    } else if (action == ACT_CATEGORY) {
        app_push(a, &screen_category, arg);
    } else if (action == ACT_KEY) {
        ime_edit e;
        if (keyboard_press(arg, &e)) {
            keyboard_apply(&e, query(a), QUERY_MAX);
            explicit_bzero(&e, sizeof e);
            run_query(a, s);
        }
    }
}

static void search_text(app *a, void *st, const char *utf8)
{
    append(a, st, utf8);
}

static void search_key(app *a, void *st, int key)
{
    if (key == SDLK_BACKSPACE)
        backspace(a, st);
}

static void search_relayout(app *a, void *st)
{
    /* switched to another language here: letters, as on entering */
    if (strncmp(app_lang(a), "zh", 2) != 0 && ime_get_mode() == IME_PINYIN)
        ime_set_mode(IME_LETTERS);
    run_query(a, st);   /* ranking prefers the UI language */
}

/* What a resident who cannot see the screen needs after each key: what is
 * in the box now, and what it found -- the count, the first result and the
 * correction offered -- so the keypad's arrows lead on to a result. An
 * empty box says the screen's prompt (voice.screen.search). */
static void search_speech(app *a, void *st, char *out, size_t size)
{
    search_state *s = st;
    char typed[QUERY_MAX + IME_CANDIDATE_SIZE * 2];
    snprintf(typed, sizeof typed, "%s%s", query(a), ime_composing());
    if (!typed[0])
        return;
    /* a long run of digits may be an ID or phone number: it is on the
     * screen for the resident, never read out in the hall */
    size_t run = 0, longest = 0;
    for (const char *p = typed; *p; p++) {
        run = *p >= '0' && *p <= '9' ? run + 1 : 0;
        longest = run > longest ? run : longest;
    }
    if (longest >= 6)
        snprintf(typed, sizeof typed, "%s", tr("voice.search.typed_number"));
    char n[16];
    snprintf(n, sizeof n, "%zu", s->n_hits);
    const char *first = s->n_hits ? ltext_get(&s->hits[0].service->name, app_lang(a)) : "";
    char fix[256] = "";
    if (s->sug.did_you_mean[0])
        i18n_format(fix, sizeof fix, "search.did_you_mean", "word", s->sug.did_you_mean,
                    (char *)NULL);
    const char *key = s->n_hits == 0 ? "voice.search.none"
                      : s->n_hits == 1 ? "voice.search.one" : "voice.search.found";
    i18n_format(out, size, key, "typed", typed, "count", n, "first", first, "did_you_mean", fix,
                (char *)NULL);
    explicit_bzero(typed, sizeof typed);
}

const screen_class screen_search = {
    .name = "search",
    .state_size = sizeof(search_state),
    .enter = search_enter,
    .draw = search_draw,
    .action = search_action,
    .text = search_text,
    .key = search_key,
    .relayout = search_relayout,
    .speech = search_speech,
};
