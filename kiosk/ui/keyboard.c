#include "keyboard.h"

#include <string.h>

/* Rows as drawn; the last row holds the special keys. */
static const char *const rows[] = {"1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"};
#define N_ROWS 5

static int key_h(const ui *u)
{
    return u->th.target;
}

int keyboard_height(const ui *u, int w)
{
    (void)w;
    return N_ROWS * key_h(u) + (N_ROWS - 1) * (u->th.gap / 2);
}

static void key(ui *u, SDL_Rect r, const char *label, int action, intptr_t arg, bool special)
{
    const theme *th = &u->th;
    bool pressed = ui_is_pressed(u, action, arg);
    SDL_Color bg = pressed ? th->pressed : (special ? th->surface_alt : th->surface);
    ui_round_border(u, r, th->radius / 2, th->contrast ? 2 : 1, th->border, bg);
    int px = special ? th->text_body : th->text_heading;
    int lh = text_line_height(px, TEXT_BOLD);
    ui_text(u, label, r.x, r.y + (r.h - lh) / 2, r.w, px, TEXT_BOLD, th->text, UI_CENTER,
            true);
    ui_target_add(u, r, action, arg, label);
}

void keyboard_draw(ui *u, SDL_Rect r, int action, const char *space_label,
                   const char *clear_label, const char *backspace_label)
{
    const theme *th = &u->th;
    int g = th->gap / 2;
    /* keys shrink only when the room is short (large text in landscape) */
    int kh = key_h(u);
    if (N_ROWS * kh + (N_ROWS - 1) * g > r.h)
        kh = (r.h - (N_ROWS - 1) * g) / N_ROWS;
    /* ten keys across the widest row decide the key width */
    int kw = (r.w - 9 * g) / 10;
    int y = r.y;
    for (int row = 0; row < 4; row++) {
        int n = (int)strlen(rows[row]);
        int extra = row == 3 ? 2 : 0;   /* backspace is two keys wide */
        int total = (n + extra) * kw + (n - 1 + (extra ? 1 : 0)) * g;
        int x = r.x + (r.w - total) / 2;
        for (int i = 0; i < n; i++) {
            char label[2] = {rows[row][i], 0};
            SDL_Rect k = {x, y, kw, kh};
            key(u, k, label, action, (unsigned char)rows[row][i], false);
            x += kw + g;
        }
        if (row == 3) {
            SDL_Rect k = {x, y, 2 * kw, kh};
            /* a word, not ⌫: the CJK fonts lack the symbol and older
             * residents read the word faster anyway */
            key(u, k, backspace_label, action, KEYBOARD_BACKSPACE, true);
        }
        y += kh + g;
    }
    int clear_w = 3 * kw + 2 * g;
    SDL_Rect sp = {r.x, y, r.w - clear_w - g, kh};
    key(u, sp, space_label, action, KEYBOARD_SPACE, true);
    SDL_Rect cl = {r.x + r.w - clear_w, y, clear_w, kh};
    key(u, cl, clear_label, action, KEYBOARD_CLEAR, true);
}
