/*
 * category: the services of one category, with a bar of all categories on
 * top so a resident who picked the wrong one moves sideways in one tap.
 */
#include <string.h>

#include "app/app.h"
#include "i18n/i18n.h"
#include "screens/screens.h"
#include "screens/widgets.h"

enum { ACT_SERVICE = SCREEN_ACTION_BASE, ACT_SWITCH };

typedef struct category_state {
    size_t index;
    ui_scroll bar;      /* horizontal */
    ui_scroll list;
    bool bar_placed;    /* scrolled the bar so the current chip shows */
} category_state;

static void category_enter(app *a, void *st, intptr_t arg)
{
    category_state *s = st;
    s->index = (arg >= 0 && (size_t)arg < a->cat->n_categories) ? (size_t)arg : 0;
    s->bar.horizontal = true;
}

/* The category bar; returns its height. */
static int draw_bar(app *a, category_state *s, ui *u, SDL_Rect c)
{
    const theme *th = &u->th;
    const char *lang = app_lang(a);
    int h = th->target;
    SDL_Rect view = {c.x, c.y, c.w, h};
    int px = th->text_body;
    int widths[64];
    int n = (int)a->cat->n_categories;
    if (n > 64)
        n = 64;
    int content = 0, cur_x = 0;
    for (int i = 0; i < n; i++) {
        const char *name = ltext_get(&a->cat->categories[i].name, lang);
        widths[i] = text_width(name, strlen(name), px, TEXT_BOLD) + th->pad * 2;
        if ((size_t)i == s->index)
            cur_x = content;
        content += widths[i] + th->gap / 2;
    }
    content -= th->gap / 2;
    if (!s->bar_placed) {
        /* bring the current chip into view, roughly centred */
        s->bar.offset = (float)(cur_x - (c.w - widths[s->index < 64 ? s->index : 0]) / 2);
        s->bar_placed = true;
    }
    int off = ui_scroll_begin(u, &s->bar, view, content);
    int x = view.x - off;
    for (int i = 0; i < n; i++) {
        SDL_Rect r = {x, view.y, widths[i], h - th->gap / 2};
        const char *name = ltext_get(&a->cat->categories[i].name, lang);
        if ((size_t)i == s->index) {
            ui_round(u, r, r.h / 2, th->primary);
            int lh = text_line_height(px, TEXT_BOLD);
            ui_text(u, name, r.x, r.y + (r.h - lh) / 2, r.w, px, TEXT_BOLD, th->on_primary,
                    UI_CENTER, false);
        } else if (ui_visible(u, r)) {
            bool pressed = ui_is_pressed(u, ACT_SWITCH, i);
            ui_round_border(u, r, r.h / 2, 2, th->border, pressed ? th->pressed : th->surface);
            int lh = text_line_height(px, TEXT_BOLD);
            ui_text(u, name, r.x, r.y + (r.h - lh) / 2, r.w, px, TEXT_BOLD, th->text,
                    UI_CENTER, false);
            ui_target_add(u, r, ACT_SWITCH, i, name);
        }
        x += widths[i] + th->gap / 2;
    }
    ui_scroll_end(u, &s->bar, view);
    return h;
}

static void category_draw(app *a, void *st, ui *u)
{
    category_state *s = st;
    const theme *th = &u->th;
    const char *lang = app_lang(a);
    const catalog_category *cat = &a->cat->categories[s->index];
    SDL_Rect c = app_chrome(a, u, ltext_get(&cat->name, lang), true);

    int bar_h = draw_bar(a, s, u, c);
    SDL_Rect view = {c.x, c.y + bar_h + th->gap, c.w, c.h - bar_h - th->gap};

    /* two columns in landscape: full-width rows would be hard to read */
    widget_service_list(u, &s->list, view, th->portrait ? 1 : 2, a->cat, cat->services,
                        cat->n_services, lang, ACT_SERVICE);
}

static void category_action(app *a, void *st, int action, intptr_t arg)
{
    category_state *s = st;
    if (action == ACT_SERVICE) {
        app_push(a, &screen_guide, arg);
    } else if (action == ACT_SWITCH && arg >= 0 && (size_t)arg < a->cat->n_categories) {
        s->index = (size_t)arg;
        s->list.offset = 0;
        s->list.velocity = 0;
    }
}

static void category_relayout(app *a, void *st)
{
    category_state *s = st;
    (void)a;
    s->bar_placed = false;
}

const screen_class screen_category = {
    .name = "category",
    .state_size = sizeof(category_state),
    .enter = category_enter,
    .draw = category_draw,
    .action = category_action,
    .relayout = category_relayout,
};
