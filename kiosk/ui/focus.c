#include "ui/focus.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "ui/ui.h"

/* ------------------------------------------------------------- geometry -- */

static int center_x(SDL_Rect r) { return r.x + r.w / 2; }
static int center_y(SDL_Rect r) { return r.y + r.h / 2; }

static bool inside(SDL_Rect inner, SDL_Rect outer)
{
    return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.w <= outer.x + outer.w &&
           inner.y + inner.h <= outer.y + outer.h;
}

static bool focusable(const ui *u, int i)
{
    const ui_target *t = &u->targets[i];
    return t->layer == u->top_layer && t->enabled && t->rect.w > 0 && t->rect.h > 0;
}

/* ---------------------------------------------------------------- order -- */

/* a before b: by centre line, then left to right, then recording order */
static bool before_y(const ui *u, int a, int b)
{
    SDL_Rect ra = u->targets[a].rect, rb = u->targets[b].rect;
    if (center_y(ra) != center_y(rb))
        return center_y(ra) < center_y(rb);
    if (ra.x != rb.x)
        return ra.x < rb.x;
    return a < b;
}

static bool before_x(const ui *u, int a, int b)
{
    SDL_Rect ra = u->targets[a].rect, rb = u->targets[b].rect;
    return ra.x != rb.x ? ra.x < rb.x : a < b;
}

static void sort_range(const ui *u, int *v, int n, bool (*before)(const ui *, int, int))
{
    /* insertion sort: a few hundred targets at most, once per key press */
    for (int i = 1; i < n; i++) {
        int x = v[i], j = i;
        for (; j > 0 && before(u, x, v[j - 1]); j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* Reading order. Targets whose centres lie within the height of the first
 * target of a row form one row (buttons of different heights side by side
 * are one row), read left to right. Rows are made greedily in centre order,
 * so the result does not depend on the order the screen drew in. */
int ui_focus_order(const ui *u, int *order, int max)
{
    int n = 0;
    for (int i = 0; i < u->n_targets && n < max; i++)
        if (focusable(u, i))
            order[n++] = i;
    sort_range(u, order, n, before_y);
    for (int start = 0; start < n;) {
        SDL_Rect anchor = u->targets[order[start]].rect;
        int end = start + 1;
        while (end < n && center_y(u->targets[order[end]].rect) < anchor.y + anchor.h)
            end++;
        sort_range(u, order + start, end - start, before_x);
        start = end;
    }
    return n;
}

/* ---------------------------------------------------------- scroll areas -- */

/* The innermost top-layer scroll area holding rect r, or -1. */
static int area_of(const ui *u, SDL_Rect r)
{
    int best = -1;
    for (int i = 0; i < u->n_scrolls; i++) {
        if (u->scrolls[i].layer != u->top_layer || !inside(r, u->scrolls[i].rect))
            continue;
        SDL_Rect a = u->scrolls[i].rect;
        if (best < 0 || a.w * a.h < u->scrolls[best].rect.w * u->scrolls[best].rect.h)
            best = i;
    }
    return best;
}

static int area_index(const ui *u, const ui_scroll *s)
{
    for (int i = 0; i < u->n_scrolls; i++)
        if (u->scrolls[i].s == s && u->scrolls[i].layer == u->top_layer)
            return i;
    return -1;
}

static float scroll_room(const ui_scroll *s)
{
    return s->content > s->view ? (float)(s->content - s->view) : 0.0f;
}

/* Moves scroll area i by delta pixels, within its ends; true when it moved. */
static bool scroll_by(ui *u, int i, float delta)
{
    ui_scroll *s = u->scrolls[i].s;
    float to = s->offset + delta, room = scroll_room(s);
    if (to > room)
        to = room;
    if (to < 0)
        to = 0;
    s->velocity = 0;    /* a key stops a fling */
    if (to == s->offset)
        return false;
    s->offset = to;
    return true;
}

static bool can_scroll(const ui *u, int i, int dir)
{
    const ui_scroll *s = u->scrolls[i].s;
    return dir > 0 ? s->offset + 0.5f < scroll_room(s) : s->offset > 0.5f;
}

/* A target cut by its scroll area is scrolled whole into view (its start
 * first, when it is longer than the view). True when something moved. */
static bool scroll_into_view(ui *u, int t)
{
    const ui_target *tg = &u->targets[t];
    int i = area_of(u, tg->rect);
    if (i < 0)
        return false;
    SDL_Rect v = u->scrolls[i].rect, w = tg->whole;
    bool hz = u->scrolls[i].s->horizontal;
    int vs = hz ? v.x : v.y, ve = hz ? v.x + v.w : v.y + v.h;
    int ws = hz ? w.x : w.y, we = hz ? w.x + w.w : w.y + w.h;
    if (ws < vs)
        return scroll_by(u, i, (float)(ws - vs));
    if (we > ve)
        return scroll_by(u, i, (float)(we - ve < ws - vs ? we - ve : ws - vs));
    return false;
}

/* ----------------------------------------------------------------- focus -- */

static void update_spoken(ui *u);

static void focus_target(ui *u, int t)
{
    ui_focus *f = &u->focus;
    const ui_target *tg = &u->targets[t];
    f->has = true;
    f->area = NULL;
    f->index = t;
    f->rect = tg->rect;
    f->action = tg->action;
    f->arg = tg->arg;
    snprintf(f->label, sizeof f->label, "%s", tg->label);
    update_spoken(u);
}

static void focus_area(ui *u, int i)
{
    ui_focus *f = &u->focus;
    f->has = true;
    f->area = u->scrolls[i].s;
    f->index = -1;
    f->rect = u->scrolls[i].rect;
    f->label[0] = '\0';
    update_spoken(u);
}

/* Position of the focused target in order, or -1. */
static int position(const ui *u, const int *order, int n)
{
    if (!u->focus.has || u->focus.area || u->focus.index < 0)
        return -1;
    for (int k = 0; k < n; k++)
        if (order[k] == u->focus.index)
            return k;
    return -1;
}

/* A page of text: a top-layer scroll area with more to show and no target
 * in view. It is a stop of its own, or a keypad could never read it. */
static bool text_area(const ui *u, int i)
{
    if (u->scrolls[i].layer != u->top_layer || scroll_room(u->scrolls[i].s) <= 0)
        return false;
    for (int t = 0; t < u->n_targets; t++)
        if (focusable(u, t) && area_of(u, u->targets[t].rect) == i)
            return false;
    return true;
}

/* The page of text met first going from centre line y_from to y_to in
 * direction dir (wrap: to the end of the screen), or -1. */
static int text_area_between(const ui *u, int y_from, int y_to, int dir, bool wrap)
{
    int best = -1, best_y = 0;
    for (int i = 0; i < u->n_scrolls; i++) {
        if (!text_area(u, i))
            continue;
        int y = center_y(u->scrolls[i].rect);
        bool between = dir > 0 ? y > y_from && (wrap || y < y_to)
                               : y < y_from && (wrap || y > y_to);
        if (between && (best < 0 || (dir > 0 ? y < best_y : y > best_y))) {
            best = i;
            best_y = y;
        }
    }
    return best;
}

/* Pages scroll area i on by 3/4 of its view; the next record decides where
 * the focus lands (ui_focus_refind). */
static bool page(ui *u, int i, int dir)
{
    const ui_scroll *s = u->scrolls[i].s;
    SDL_Rect v = u->scrolls[i].rect;
    int step = (s->horizontal ? v.w : v.h) * 3 / 4;
    if (step < 1)
        step = 1;
    if (!scroll_by(u, i, (float)(dir * step)))
        return false;
    u->focus.pending = dir;
    return true;
}

/* Focuses target t, coming from scroll area from (-1: none). Entering a
 * scroll area starts at its start going forward (its end going back), so
 * what was scrolled past is not skipped; the next record decides where
 * the focus lands. */
static void go_to(ui *u, int t, int dir, int from)
{
    int i = area_of(u, u->targets[t].rect);
    if (i >= 0 && i != from && can_scroll(u, i, -dir)) {
        scroll_by(u, i, dir > 0 ? -u->scrolls[i].s->offset
                                : scroll_room(u->scrolls[i].s) - u->scrolls[i].s->offset);
        focus_area(u, i);
        u->focus.pending = dir;
        return;
    }
    focus_target(u, t);
    scroll_into_view(u, t);
}

bool ui_focus_move(ui *u, int dir)
{
    ui_focus *f = &u->focus;
    int order[UI_MAX_TARGETS];
    int n = ui_focus_order(u, order, UI_MAX_TARGETS);
    dir = dir < 0 ? -1 : 1;
    f->shown = true;
    f->pending = 0;

    /* on a page of text: page on while there is more, then leave the area */
    if (f->has && f->area) {
        int i = area_index(u, f->area);
        if (i >= 0 && can_scroll(u, i, dir) && page(u, i, dir))
            return true;
        SDL_Rect a = i >= 0 ? u->scrolls[i].rect : f->rect;
        int pick = -1;
        for (int k = 0; k < n && dir > 0 && pick < 0; k++)
            if (center_y(u->targets[order[k]].rect) >= a.y + a.h)
                pick = order[k];
        for (int k = n - 1; k >= 0 && dir < 0 && pick < 0; k--)
            if (center_y(u->targets[order[k]].rect) < a.y)
                pick = order[k];
        if (pick < 0 && n > 0)
            pick = order[dir > 0 ? 0 : n - 1];
        if (pick < 0)
            return true;
        go_to(u, pick, dir, i);
        return true;
    }
    if (n == 0) {
        f->has = false;
        return true;
    }
    int pos = position(u, order, n);
    if (pos < 0) {
        go_to(u, order[dir > 0 ? 0 : n - 1], dir, -1);
        return true;
    }
    /* the last target of a scroll area with more beyond it: page on */
    int area = area_of(u, u->targets[order[pos]].rect);
    int next = pos + dir;
    bool next_in_area = next >= 0 && next < n && area >= 0 &&
                        area_of(u, u->targets[order[next]].rect) == area;
    if (area >= 0 && !next_in_area && can_scroll(u, area, dir) && page(u, area, dir))
        return true;
    bool wrap = next < 0 || next >= n;
    next = (next + n) % n;
    int text = text_area_between(u, center_y(u->targets[order[pos]].rect),
                                 center_y(u->targets[order[next]].rect), dir, wrap);
    if (text >= 0) {
        focus_area(u, text);
        return true;
    }
    go_to(u, order[next], dir, area);
    return true;
}

const ui_target *ui_focus_target(const ui *u)
{
    const ui_focus *f = &u->focus;
    if (!f->has || f->area || f->index < 0 || f->index >= u->n_targets)
        return NULL;
    return &u->targets[f->index];
}

bool ui_focus_activate(ui *u)
{
    const ui_target *t = ui_focus_target(u);
    if (!t || !u->focus.shown)
        return false;
    u->has_action = true;
    u->action = t->action;
    u->action_arg = t->arg;
    return true;
}

/* The nearest focusable target (centre to centre) that matches. */
static int nearest(const ui *u, SDL_Rect near, const char *label, bool by_action)
{
    const ui_focus *f = &u->focus;
    int best = -1;
    long best_d = LONG_MAX;
    for (int i = 0; i < u->n_targets; i++) {
        if (!focusable(u, i))
            continue;
        const ui_target *t = &u->targets[i];
        if (by_action ? t->action != f->action || t->arg != f->arg : strcmp(t->label, label))
            continue;
        long dx = center_x(t->rect) - center_x(near), dy = center_y(t->rect) - center_y(near);
        long d = dx * dx + dy * dy;
        if (d < best_d) {
            best_d = d;
            best = i;
        }
    }
    return best;
}

/* The focused target in this record: the same label nearest the old rect
 * (equal when nothing moved; moved when scrolled or laid out again), else
 * the same action and arg (a button whose label changed: the language
 * switch names the next language). */
static int find_again(const ui *u)
{
    const ui_focus *f = &u->focus;
    int t = nearest(u, f->rect, f->label, false);
    return t >= 0 ? t : nearest(u, f->rect, NULL, true);
}

/* Text drawn inside r on the top layer, joined with spaces. */
static void text_in(const ui *u, SDL_Rect r, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; i < u->n_texts; i++) {
        const ui_textrec *x = &u->texts[i];
        if (x->layer != u->top_layer ||
            !SDL_PointInRect(&(SDL_Point){center_x(x->rect), center_y(x->rect)}, &r))
            continue;
        int w = snprintf(out + n, size - n, "%s%s", n ? " " : "", x->text);
        if (w < 0 || (size_t)w >= size - n)
            break;
        n += (size_t)w;
    }
}

static void update_spoken(ui *u)
{
    ui_focus *f = &u->focus;
    if (f->label[0])
        snprintf(f->spoken, sizeof f->spoken, "%s", f->label);
    else
        text_in(u, f->rect, f->spoken, sizeof f->spoken);
}

/* After a page step: the first target that came into view beyond the old
 * focus, else the old focus when still there, else the first (last) target
 * of the area, else the area itself. */
static void land_after_page(ui *u, int dir, int old)
{
    ui_focus *f = &u->focus;
    int i = f->area ? area_index(u, f->area) : -1;
    if (i < 0 && old >= 0)
        i = area_of(u, u->targets[old].rect);
    int order[UI_MAX_TARGETS];
    int n = ui_focus_order(u, order, UI_MAX_TARGETS);
    int in[UI_MAX_TARGETS], m = 0, at = -1;
    for (int k = 0; k < n; k++) {
        if (i < 0 || area_of(u, u->targets[order[k]].rect) != i)
            continue;
        if (order[k] == old)
            at = m;
        in[m++] = order[k];
    }
    int pick = -1;
    if (at >= 0)
        pick = at + dir >= 0 && at + dir < m ? in[at + dir] : old;
    else if (m > 0)
        pick = in[dir > 0 ? 0 : m - 1];
    if (pick >= 0) {
        focus_target(u, pick);
        if (scroll_into_view(u, pick))
            f->redraw = true;
    } else if (i >= 0) {
        focus_area(u, i);
    } else {
        f->has = false;
    }
}

void ui_focus_refind(ui *u)
{
    ui_focus *f = &u->focus;
    int pending = f->pending;
    f->pending = 0;
    if (!f->has)
        return;
    if (f->area) {
        int i = area_index(u, f->area);
        if (i < 0) {
            f->has = false;     /* the page is gone: another layout */
            return;
        }
        if (pending) {
            land_after_page(u, pending, -1);
        } else {
            f->rect = u->scrolls[i].rect;
        }
        if (f->has)
            update_spoken(u);
        return;
    }
    int t = find_again(u);
    if (pending) {
        /* the page step was taken from a target: find its area by where
         * it was, even when it scrolled out */
        if (t >= 0) {
            land_after_page(u, pending, t);
        } else {
            int i = area_of(u, f->rect);
            if (i >= 0)
                f->area = u->scrolls[i].s;
            land_after_page(u, pending, -1);
        }
    } else if (t >= 0) {
        focus_target(u, t);
    } else {
        f->has = false;         /* its target disappeared */
        f->index = -1;
        return;
    }
    if (f->has)
        update_spoken(u);
}

bool ui_focus_take_redraw(ui *u)
{
    bool r = u->focus.redraw;
    u->focus.redraw = false;
    return r;
}

void ui_focus_clear(ui *u)
{
    bool shown = u->focus.shown;
    memset(&u->focus, 0, sizeof u->focus);
    u->focus.index = -1;
    u->focus.shown = shown;
}

void ui_focus_hide(ui *u)
{
    ui_focus_clear(u);
    u->focus.shown = false;
}

const char *ui_focus_label(const ui *u)
{
    return u->focus.has && u->focus.shown ? u->focus.spoken : NULL;
}

/* ------------------------------------------------------------------ ring -- */

/* Two bands around the target: a thick dark one against the background,
 * a thin light one against the button (the government blue is under 3:1
 * against black, white is over 6:1). High contrast: yellow over black. */
void ui_focus_draw(ui *u)
{
    const ui_focus *f = &u->focus;
    if (!f->has || !f->shown)
        return;
    const theme *th = &u->th;
    int outer = (int)(4 * th->u + 0.5f), inner = (int)(2 * th->u + 0.5f);
    if (outer < 4)
        outer = 4;
    if (inner < 2)
        inner = 2;
    SDL_Rect screen = {0, 0, th->w, th->h}, r = f->rect;
    int grow = outer + inner;
    r.x -= grow;
    r.y -= grow;
    r.w += 2 * grow;
    r.h += 2 * grow;
    /* at the screen's edge the ring goes inside the target */
    if (!SDL_IntersectRect(&r, &screen, &r) || r.w <= 2 * grow || r.h <= 2 * grow)
        return;
    SDL_Color dark = th->contrast ? (SDL_Color){0xFF, 0xE1, 0x4D, 255}
                                  : (SDL_Color){0x0B, 0x0B, 0x0B, 255};
    SDL_Color light = th->contrast ? (SDL_Color){0, 0, 0, 255}
                                   : (SDL_Color){0xFF, 0xFF, 0xFF, 255};
    int radius = th->radius + grow;
    ui_ring(u, r, radius, outer, dark);
    SDL_Rect in = {r.x + outer, r.y + outer, r.w - 2 * outer, r.h - 2 * outer};
    ui_ring(u, in, radius - outer, inner, light);
}
