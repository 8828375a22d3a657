#include "keyboard.h"

#include <string.h>

#include "common/utf8.h"
#include "i18n/i18n.h"

/* Letter rows as drawn; the third ends with backspace. */
static const char *const letter_rows[] = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};
#define N_ROWS 5

/* The digits mode: five columns; "\x01" marks a full-width punctuation key
 * (its index in punct[]), anything else is the ASCII character itself. */
static const char *const punct[] = {"，", "。", "？", "！", "、", "："};
static const signed char digit_rows[4][5] = {
    {'1', '2', '3', -1, -2},    /* negative: -1 - index into punct */
    {'4', '5', '6', -3, -4},
    {'7', '8', '9', -5, -6},
    {'-', '0', '.', 0, 0},      /* 0: backspace, two keys wide */
};

static const char *const mode_keys[IME_N_MODES] = {
    [IME_PINYIN] = "keyboard.mode_pinyin",
    [IME_LETTERS] = "keyboard.mode_letters",
    [IME_DIGITS] = "keyboard.mode_digits",
    [IME_HANDWRITING] = "keyboard.mode_handwriting",
};

static int key_h(const ui *u)
{
    return u->th.target;
}

/* The writing pad is square-ish and large, whatever the rows are. */
static int pad_h(const ui *u, int w)
{
    int rows3 = 3 * key_h(u) + 2 * (u->th.gap / 2);
    int want = w * 9 / 20;
    return want > rows3 ? want : rows3;
}

int keyboard_height(const ui *u, int w)
{
    int g = u->th.gap / 2;
    int base = N_ROWS * key_h(u) + (N_ROWS - 1) * g;
    if (ime_get_mode() == IME_HANDWRITING)
        base += pad_h(u, w) - (3 * key_h(u) + 2 * g);
    return base;
}

static void key_style(ui *u, SDL_Rect r, const char *label, int px, int action, intptr_t arg,
                      bool special, bool active)
{
    const theme *th = &u->th;
    bool pressed = ui_is_pressed(u, action, arg);
    SDL_Color bg = pressed ? th->pressed : active ? th->primary
                                      : (special ? th->surface_alt : th->surface);
    ui_round_border(u, r, th->radius / 2, th->contrast ? 2 : 1, active ? th->primary : th->border,
                    bg);
    /* a label that does not fit steps down a size before it is cut
     * ("Pinyin" on a narrow key in large text) */
    if (text_width(label, strlen(label), px, TEXT_BOLD) > r.w - 4 && px > th->text_small)
        px = th->text_small;
    int lh = text_line_height(px, TEXT_BOLD);
    ui_text(u, label, r.x, r.y + (r.h - lh) / 2, r.w, px, TEXT_BOLD,
            active && !pressed ? th->on_primary : th->text, UI_CENTER, true);
    ui_target_add(u, r, action, arg, label);
}

static void key(ui *u, SDL_Rect r, const char *label, int action, intptr_t arg, bool special)
{
    key_style(u, r, label, special ? u->th.text_body : u->th.text_heading, action, arg, special,
              false);
}

/* The candidate bar: the composition, then the candidates in large type
 * (older eyes), then the page keys. In handwriting mode with nothing
 * written, the hint; when the engine is missing, why. */
static void candidate_bar(ui *u, SDL_Rect r, int action)
{
    const theme *th = &u->th;
    int g = th->gap / 2;
    ui_round(u, r, th->radius / 2, th->surface_alt);
    const char *err = ime_error();
    if (err[0]) {
        const char *key = ime_get_mode() == IME_HANDWRITING ? "keyboard.handwriting_unavailable"
                                                            : "keyboard.pinyin_unavailable";
        int lh = text_line_height(th->text_small, TEXT_BOLD);
        ui_text(u, tr(key), r.x + g, r.y + (r.h - lh) / 2, r.w - 2 * g, th->text_small,
                TEXT_BOLD, th->danger, UI_LEFT, true);
        return;
    }
    char cand[IME_MAX_CANDIDATES][IME_CANDIDATE_SIZE];
    int n = ime_candidates(cand, IME_MAX_CANDIDATES);
    int x = r.x + g;
    const char *pre = ime_preedit();
    if (pre[0]) {
        int lh = text_line_height(th->text_small, TEXT_REGULAR);
        int pw = text_width(pre, strlen(pre), th->text_small, TEXT_REGULAR);
        if (pw > r.w / 3)
            pw = r.w / 3;
        ui_text(u, pre, x, r.y + (r.h - lh) / 2, pw, th->text_small, TEXT_REGULAR, th->muted,
                UI_LEFT, true);
        x += pw + g;
    } else if (n == 0) {
        const char *hint = ime_get_mode() == IME_HANDWRITING ? tr("keyboard.handwriting_hint")
                                                             : tr("keyboard.pinyin_hint");
        int lh = text_line_height(th->text_small, TEXT_REGULAR);
        ui_text(u, hint, x, r.y + (r.h - lh) / 2, r.w - 2 * g, th->text_small, TEXT_REGULAR,
                th->muted, UI_LEFT, true);
        return;
    }
    bool prev = ime_has_prev_page(), next = ime_has_next_page();
    int page_w = (prev || next) ? 2 * (r.h + g) : 0;
    int right = r.x + r.w - g - page_w;
    int px = th->text_title;
    for (int i = 0; i < n; i++) {
        int cw = text_width(cand[i], strlen(cand[i]), px, TEXT_BOLD) + th->pad;
        if (cw < r.h)
            cw = r.h;
        if (x + cw > right)
            break;
        SDL_Rect c = {x, r.y + 2, cw, r.h - 4};
        key_style(u, c, cand[i], px, action, KEYBOARD_CANDIDATE - i, false, i == 0);
        x += cw + g;
    }
    if (page_w) {
        SDL_Rect pr = {r.x + r.w - g - 2 * r.h - g, r.y + 2, r.h, r.h - 4};
        SDL_Rect nr = {r.x + r.w - g - r.h, r.y + 2, r.h, r.h - 4};
        if (prev)
            key(u, pr, tr("keyboard.prev"), action, KEYBOARD_PAGE_PREV, true);
        if (next)
            key(u, nr, tr("keyboard.next"), action, KEYBOARD_PAGE_NEXT, true);
    }
}

/* A stroke as a thick line: squares stamped along each segment. */
static void draw_ink(ui *u, SDL_Rect pad, const ink *k)
{
    const theme *th = &u->th;
    int w = (int)(7 * th->u + 0.5f);
    if (w < 3)
        w = 3;
    for (int s = 0; s < k->n_strokes + (k->in_stroke ? 1 : 0); s++) {
        int first = 0;
        int n = ink_stroke_points(k, s, &first);
        for (int i = 0; i < n; i++) {
            int x0 = k->x[first + (i ? i - 1 : 0)], y0 = k->y[first + (i ? i - 1 : 0)];
            int x1 = k->x[first + i], y1 = k->y[first + i];
            int dx = x1 - x0, dy = y1 - y0;
            int steps = (dx < 0 ? -dx : dx) > (dy < 0 ? -dy : dy) ? (dx < 0 ? -dx : dx)
                                                                    : (dy < 0 ? -dy : dy);
            steps = steps / 2 + 1;
            for (int t = 0; t <= steps; t++) {
                SDL_Rect dot = {pad.x + x0 + dx * t / steps - w / 2,
                                pad.y + y0 + dy * t / steps - w / 2, w, w};
                ui_fill(u, dot, th->text);
            }
        }
    }
}

static void writing_pad(ui *u, SDL_Rect pad, int action)
{
    const theme *th = &u->th;
    ink *k = ime_ink();
    if (k->width != pad.w || k->height != pad.h)
        ink_clear(k, pad.w, pad.h);     /* new size (rotation, text size) */
    ui_round_border(u, pad, th->radius, 2, th->border, th->surface);
    /* 米字格-style guides help older hands place the character */
    SDL_Color guide = th->surface_alt;
    SDL_Rect hl = {pad.x + th->pad, pad.y + pad.h / 2, pad.w - 2 * th->pad, 2};
    SDL_Rect vl = {pad.x + pad.w / 2, pad.y + th->pad / 2, 2, pad.h - th->pad};
    ui_fill(u, hl, guide);
    ui_fill(u, vl, guide);
    if (k->n_strokes == 0 && !k->in_stroke) {
        int lh = text_line_height(th->text_body, TEXT_REGULAR);
        ui_text(u, tr("keyboard.pad_hint"), pad.x, pad.y + pad.h / 4 - lh / 2, pad.w,
                th->text_body, TEXT_REGULAR, th->muted, UI_CENTER, true);
    }
    draw_ink(u, pad, k);
    ui_pad(u, pad, k, action, KEYBOARD_STROKE);
}

void keyboard_draw(ui *u, SDL_Rect r, int action)
{
    const theme *th = &u->th;
    int g = th->gap / 2;
    ime_mode mode = ime_get_mode();
    /* keys shrink only when the room is short (large text in landscape) */
    int kh = key_h(u);
    int need = keyboard_height(u, r.w);
    int extra = need - (N_ROWS * kh + (N_ROWS - 1) * g);
    if (need > r.h) {
        kh = (r.h - extra - (N_ROWS - 1) * g) / N_ROWS;
        if (kh < th->target * 2 / 3) {     /* then the pad gives way */
            kh = th->target * 2 / 3;
            extra = r.h - (N_ROWS * kh + (N_ROWS - 1) * g);
            if (extra < 0)
                extra = 0;
        }
    }
    int kw = (r.w - 9 * g) / 10;
    int y = r.y;

    /* row 0 */
    if (mode == IME_PINYIN || mode == IME_HANDWRITING) {
        SDL_Rect bar = {r.x, y, r.w, kh};
        candidate_bar(u, bar, action);
        y += kh + g;
    } else if (mode == IME_LETTERS) {
        int x = r.x;
        for (int i = 0; i < 10; i++) {
            char label[2] = {"1234567890"[i], 0};
            SDL_Rect k = {x, y, kw, kh};
            key(u, k, label, action, (unsigned char)label[0], false);
            x += kw + g;
        }
        y += kh + g;
    }

    /* rows 1..3 (digits: rows 0..3) */
    if (mode == IME_PINYIN || mode == IME_LETTERS) {
        for (int row = 0; row < 3; row++) {
            int n = (int)strlen(letter_rows[row]);
            int wide = row == 2 ? 2 : 0;    /* backspace is two keys wide */
            int total = (n + wide) * kw + (n - 1 + (wide ? 1 : 0)) * g;
            int x = r.x + (r.w - total) / 2;
            for (int i = 0; i < n; i++) {
                char label[2] = {letter_rows[row][i], 0};
                SDL_Rect k = {x, y, kw, kh};
                key(u, k, label, action, (unsigned char)label[0], false);
                x += kw + g;
            }
            if (wide) {
                /* a word, not ⌫: the CJK fonts lack the symbol and older
                 * residents read the word faster anyway */
                SDL_Rect k = {x, y, 2 * kw, kh};
                key(u, k, tr("search.backspace"), action, KEYBOARD_BACKSPACE, true);
            }
            y += kh + g;
        }
    } else if (mode == IME_DIGITS) {
        int cw = (r.w - 4 * g) / 5;
        for (int row = 0; row < 4; row++) {
            int x = r.x;
            for (int c = 0; c < 5; c++) {
                int v = digit_rows[row][c];
                SDL_Rect k = {x, y, cw, kh};
                if (v > 0) {
                    char label[2] = {(char)v, 0};
                    key(u, k, label, action, v, false);
                } else if (v < 0) {
                    key(u, k, punct[-v - 1], action, KEYBOARD_PUNCT - (-v - 1), false);
                } else {
                    k.w = 2 * cw + g;
                    key(u, k, tr("search.backspace"), action, KEYBOARD_BACKSPACE, true);
                    break;
                }
                x += cw + g;
            }
            y += kh + g;
        }
    } else {    /* handwriting: the pad, and its keys beside it */
        int ph = 3 * kh + 2 * g + extra;
        /* a pad about as wide as tall: a character is written in a square,
         * and the keys beside it get the rest */
        int side = 2 * kw + g;
        int pw = r.w - side - g;
        if (pw > ph * 5 / 4) {
            pw = ph * 5 / 4;
            side = r.w - pw - g;
        }
        SDL_Rect pad = {r.x, y, pw, ph};
        writing_pad(u, pad, action);
        int bh = (ph - 2 * g) / 3;
        SDL_Rect b1 = {r.x + r.w - side, y, side, bh};
        SDL_Rect b2 = {b1.x, y + bh + g, side, bh};
        SDL_Rect b3 = {b1.x, y + 2 * (bh + g), side, ph - 2 * (bh + g)};
        key(u, b1, tr("keyboard.undo"), action, KEYBOARD_UNDO, true);
        key(u, b2, tr("keyboard.rewrite"), action, KEYBOARD_REWRITE, true);
        key(u, b3, tr("search.backspace"), action, KEYBOARD_BACKSPACE, true);
        y += ph + g;
    }

    /* bottom row: the modes, space, clear */
    int mw = kw * 3 / 2;
    int x = r.x;
    for (int m = 0; m < IME_N_MODES; m++) {
        SDL_Rect k = {x, y, mw, kh};
        key_style(u, k, tr(mode_keys[m]), th->text_body, action, KEYBOARD_MODE - m, true,
                  m == (int)mode);
        x += mw + g;
    }
    int clear_w = 2 * kw + g;
    SDL_Rect sp = {x, y, r.x + r.w - clear_w - g - x, kh};
    key(u, sp, tr("search.space"), action, KEYBOARD_SPACE, true);
    SDL_Rect cl = {r.x + r.w - clear_w, y, clear_w, kh};
    key(u, cl, tr("search.clear"), action, KEYBOARD_CLEAR, true);
}

/* Four rows, a third taller than the keyboard's: the same height as the
 * five-row keyboard, on fewer and bigger keys. */
static int pad_key_h(const ui *u)
{
    return key_h(u) * 5 / 4;
}

int keyboard_pad_height(const ui *u, int w)
{
    (void)w;
    return 4 * pad_key_h(u) + 3 * (u->th.gap / 2);
}

void keyboard_draw_pad(ui *u, SDL_Rect r, int action, const char *extras)
{
    const theme *th = &u->th;
    int g = th->gap / 2;
    int kh = pad_key_h(u);
    if (4 * kh + 3 * g > r.h)   /* short of room (large text): keys give way */
        kh = (r.h - 3 * g) / 4;
    int kw = (r.w - 3 * g) / 4;
    static const char digits[4][3] = {{'1', '2', '3'}, {'4', '5', '6'}, {'7', '8', '9'},
                                      {0, '0', 0}};
    size_t n_extra = extras ? strlen(extras) : 0;
    for (int row = 0; row < 4; row++) {
        for (int c = 0; c < 3; c++) {
            char ch = digits[row][c];
            if (!ch && row == 3)    /* beside the 0: the extras, first left */
                ch = c == 0 && n_extra > 0 ? extras[0] : c == 2 && n_extra > 1 ? extras[1] : 0;
            if (!ch)
                continue;
            char label[2] = {ch, 0};
            SDL_Rect k = {r.x + c * (kw + g), r.y + row * (kh + g), kw, kh};
            key_style(u, k, label, th->text_title, action, (unsigned char)ch, false, false);
        }
    }
    int x = r.x + 3 * (kw + g), w = r.x + r.w - x;
    SDL_Rect del = {x, r.y, w, 2 * kh + g};
    SDL_Rect clr = {x, r.y + 2 * (kh + g), w, 2 * kh + g};
    key(u, del, tr("search.backspace"), action, KEYBOARD_BACKSPACE, true);
    key(u, clr, tr("search.clear"), action, KEYBOARD_CLEAR, true);
}

bool keyboard_press(intptr_t arg, ime_edit *e)
{
    memset(e, 0, sizeof *e);
    if (arg > 0 && arg < 127) {
        ime_key((int)arg, e);
    } else if (arg == KEYBOARD_BACKSPACE) {
        ime_backspace(e);
    } else if (arg == KEYBOARD_CLEAR) {
        ime_clear(e);
    } else if (arg == KEYBOARD_SPACE) {
        ime_space(e);
    } else if (arg <= KEYBOARD_MODE && arg > KEYBOARD_MODE - IME_N_MODES) {
        ime_set_mode((ime_mode)(KEYBOARD_MODE - arg));
    } else if (arg == KEYBOARD_PAGE_PREV || arg == KEYBOARD_PAGE_NEXT) {
        ime_page(arg == KEYBOARD_PAGE_PREV ? -1 : 1);
    } else if (arg == KEYBOARD_UNDO) {
        ime_undo_stroke();
    } else if (arg == KEYBOARD_REWRITE) {
        while (ime_undo_stroke())
            ;
    } else if (arg == KEYBOARD_STROKE) {
        ime_stroke_done();
    } else if (arg <= KEYBOARD_CANDIDATE && arg > KEYBOARD_CANDIDATE - IME_MAX_CANDIDATES) {
        ime_select((int)(KEYBOARD_CANDIDATE - arg), e);
    } else if (arg <= KEYBOARD_PUNCT &&
               arg > KEYBOARD_PUNCT - (intptr_t)(sizeof punct / sizeof *punct)) {
        ime_text(punct[KEYBOARD_PUNCT - arg], e);
    } else {
        return false;
    }
    return true;
}

void keyboard_apply(const ime_edit *e, char *field, size_t size)
{
    if (!size)
        return;
    if (e->clear)
        explicit_bzero(field, size);
    size_t len = strlen(field);
    for (int i = 0; i < e->backspaces && len > 0; i++) {
        len--;
        while (len > 0 && ((unsigned char)field[len] & 0xC0) == 0x80)
            len--;
        field[len] = '\0';
    }
    size_t add = strlen(e->commit);
    if (len + add >= size)
        add = utf8_truncate(e->commit, size - 1 - len);
    memcpy(field + len, e->commit, add);
    field[len + add] = '\0';
}
