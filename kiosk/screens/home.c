/*
 * home: the first screen a resident sees. Site name, a large search field,
 * the way to the progress of an application (办件查询), elder mode (长辈版,
 * in the header: app_set_elder), and the service
 * categories as big tiles that reflow with the orientation and the text
 * size.
 */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "common/utf8.h"
#include "i18n/i18n.h"
#include "screens/screens.h"
#include "screens/widgets.h"

enum { ACT_SEARCH = SCREEN_ACTION_BASE, ACT_CATEGORY, ACT_SIGNIN, ACT_PROGRESS };

typedef struct home_state {
    ui_scroll scroll;
} home_state;

static void home_draw(app *a, void *st, ui *u)
{
    home_state *s = st;
    const theme *th = &u->th;
    const char *lang = app_lang(a);
    const char *site = settings_site_name(a->cfg, lang);
    /* elder mode (长辈版) at the header's right, where other screens have
     * 首页: one tap in, the same button one tap out */
    SDL_Rect c = app_chrome_home(a, u, site ? site : tr("home.title"),
                                 a->elder ? tr("elder.leave") : tr("elder.enter"), ACT_ELDER);

    /* welcome lines and the search field: stacked in portrait, side by
     * side in landscape where height is scarce */
    int y = c.y;
    int col_w = th->portrait ? c.w : (c.w - th->gap) / 2;
    int wy = y;
    wy += ui_paragraph(u, tr("home.welcome"), c.x, wy, col_w, th->text_display, TEXT_BOLD,
                       th->primary, UI_LEFT, true);
    wy += ui_paragraph(u, tr("home.subtitle"), c.x, wy, col_w, th->text_body, TEXT_REGULAR,
                       th->muted, UI_LEFT, true);
    /* The search field, then the ID-card sign-in (unless signed in) and
     * the progress of an application (办件查询): all on one row when the
     * search hint still fits beside the buttons, else the buttons side by
     * side on a row of their own below. Portrait: a full-width block under
     * the welcome lines; landscape: the right half beside them. */
    const char *signin = tr("signin.button");
    const char *progress = tr("home.progress");
    const char *hint = tr("home.search_hint");
    int block_x = th->portrait ? c.x : c.x + col_w + th->gap;
    int block_w = th->portrait ? c.w : col_w;
    int sb_w = session_identity(app_session(a)) ? 0
                           : text_width(signin, strlen(signin), th->text_body, TEXT_BOLD) +
                                 2 * th->pad;
    int pb_w = text_width(progress, strlen(progress), th->text_body, TEXT_BOLD) + 2 * th->pad;
    int buttons_w = pb_w + th->gap + (sb_w ? sb_w + th->gap : 0);
    int hint_need = th->target * 4 / 3 + th->gap +
                    text_width(hint, strlen(hint), th->text_small, TEXT_REGULAR);
    bool own_row = block_w - buttons_w < hint_need;
    int block_h = th->target + (own_row ? th->gap + th->target : 0);
    int by;
    if (th->portrait) {
        by = wy + th->gap;
        y = by + block_h + th->gap * 2;
    } else {
        by = y + (wy - y - block_h) / 2;
        if (by < y)
            by = y;
        y = (wy > by + block_h ? wy : by + block_h) + th->gap * 2;
    }
    SDL_Rect sr = {block_x, by, block_w, th->target};
    if (own_row) {
        /* the row below: equal halves, or the one button full width */
        int ry = by + th->target + th->gap;
        int half = sb_w ? (block_w - th->gap) / 2 : block_w;
        if (sb_w)
            ui_button(u, (SDL_Rect){block_x, ry, half, th->target}, signin, UI_PRIMARY,
                      ACT_SIGNIN, 0);
        ui_button(u, (SDL_Rect){block_x + block_w - half, ry, half, th->target}, progress,
                  UI_SECONDARY, ACT_PROGRESS, 0);
    } else {
        int bx = sr.x + sr.w;
        if (sb_w) {
            bx -= sb_w;
            ui_button(u, (SDL_Rect){bx, sr.y, sb_w, sr.h}, signin, UI_PRIMARY, ACT_SIGNIN, 0);
            bx -= th->gap;
        }
        bx -= pb_w;
        ui_button(u, (SDL_Rect){bx, sr.y, pb_w, sr.h}, progress, UI_SECONDARY, ACT_PROGRESS, 0);
        sr.w = bx - th->gap - sr.x;
    }
    widget_search_field(u, sr, hint, ACT_SEARCH);

    y += ui_paragraph(u, tr("home.categories"), c.x, y, c.w, th->text_heading, TEXT_BOLD,
                      th->text, UI_LEFT, true);
    y += th->gap / 2;

    /* category tiles */
    SDL_Rect view = {c.x, y, c.w, c.y + c.h - y};
    /* landscape tiles put the icon beside the name and need more width */
    int min_tile = (int)((th->portrait ? 300 : 400) * th->u * (th->large ? 1.5f : 1.0f));
    int cols = c.w / min_tile;
    if (cols < 2)
        cols = 2;
    if (cols > 4)
        cols = 4;
    int tile_w = (c.w - (cols - 1) * th->gap) / cols;
    int n = (int)a->cat->n_categories;
    /* one height for every tile, from the longest name: a grid with
     * ragged rows is harder to scan */
    int name_h = 0;
    for (int i = 0; i < n; i++) {
        int h = widget_tile_name_height(u, tile_w, ltext_get(&a->cat->categories[i].name, lang));
        if (h > name_h)
            name_h = h;
    }
    int tile_h = widget_tile_height(u, name_h);
    int rows = (n + cols - 1) / cols;
    int content = rows * tile_h + (rows - 1) * th->gap;
    int off = ui_scroll_begin(u, &s->scroll, view, content);
    for (int i = 0; i < n; i++) {
        const catalog_category *cat = &a->cat->categories[i];
        SDL_Rect t = {view.x + (i % cols) * (tile_w + th->gap),
                      view.y - off + (i / cols) * (tile_h + th->gap), tile_w, tile_h};
        if (!ui_visible(u, t))
            continue;
        char count[64], num[16];
        snprintf(num, sizeof num, "%zu", cat->n_services);
        i18n_format(count, sizeof count, "home.service_count", "count", num, (char *)NULL);
        widget_tile(u, t, i, cat->icon, ltext_get(&cat->name, lang), count, name_h,
                    ACT_CATEGORY, i);
    }
    ui_scroll_end(u, &s->scroll, view);
}

static void home_action(app *a, void *st, int action, intptr_t arg)
{
    (void)st;
    if (action == ACT_SEARCH)
        app_push(a, &screen_search, 0);
    else if (action == ACT_CATEGORY)
        app_push(a, &screen_category, arg);
    else if (action == ACT_SIGNIN)
        app_push(a, &screen_signin, -1);
    else if (action == ACT_PROGRESS)
        app_push(a, &screen_progress, 0);
}

static void home_relayout(app *a, void *st)
{
    home_state *s = st;
    (void)a;
    s->scroll.offset = 0;
}

const screen_class screen_home = {
    .name = "home",
    .state_size = sizeof(home_state),
    .draw = home_draw,
    .action = home_action,
    .relayout = home_relayout,
    .is_root = true,
    .no_idle_warning = true,
};
