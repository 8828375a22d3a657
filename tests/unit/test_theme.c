/*
 * theme: the large-font promise, orientation, and the contrast palette.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ui/theme.h"

static const int sizes[][2] = {{1080, 1920}, {1920, 1080}};

static void test_large_mode_factors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        theme n, l;
        theme_compute(&n, sizes[i][0], sizes[i][1], 1.0, false, false);
        theme_compute(&l, sizes[i][0], sizes[i][1], 1.0, true, false);
        assert_false(n.large);
        assert_true(l.large);
        /* the promise of theme.h, on the pixel sizes actually used */
        if (l.text_body < THEME_LARGE_TEXT * n.text_body)
            print_error("%dx%d: large body text %d px < %.1f x %d px\n", sizes[i][0],
                        sizes[i][1], l.text_body, THEME_LARGE_TEXT, n.text_body);
        assert_true(l.text_body >= THEME_LARGE_TEXT * n.text_body);
        if (l.target < THEME_LARGE_TARGET * n.target)
            print_error("%dx%d: large target %d px < %.1f x %d px\n", sizes[i][0],
                        sizes[i][1], l.target, THEME_LARGE_TARGET, n.target);
        assert_true(l.target >= THEME_LARGE_TARGET * n.target);
        assert_true(THEME_LARGE_TEXT >= 1.6f);
        assert_true(THEME_LARGE_TARGET >= 1.5f);
        /* nothing shrinks */
        assert_true(l.text_small >= n.text_small);
        assert_true(l.text_heading >= n.text_heading);
        assert_true(l.text_title >= n.text_title);
        assert_true(l.header_h >= n.header_h);
        /* the large type scale keeps its order */
        assert_true(l.text_small < l.text_body);
        assert_true(l.text_body < l.text_heading);
    }
}

static void test_orientation(void **state)
{
    (void)state;
    theme p, l;
    theme_compute(&p, 1080, 1920, 1.0, false, false);
    theme_compute(&l, 1920, 1080, 1.0, false, false);
    assert_true(p.portrait);
    assert_false(l.portrait);
    assert_int_equal(p.w, 1080);
    assert_int_equal(p.h, 1920);
    assert_int_equal(l.w, 1920);
    assert_int_equal(l.h, 1080);
    /* same short side, same text and target sizes */
    assert_int_equal(p.text_body, l.text_body);
    assert_int_equal(p.target, l.target);
    assert_true(fabsf(p.u - 1.0f) < 1e-6f);
    assert_true(fabsf(l.u - 1.0f) < 1e-6f);
    /* a smaller panel scales everything down by its short side */
    theme s;
    theme_compute(&s, 720, 1280, 1.0, false, false);
    assert_true(s.portrait);
    assert_true(s.text_body < p.text_body);
    assert_true(s.target < p.target);
}

/* WCAG 2.x relative luminance and contrast ratio, written out here rather
 * than taken from theme.c: the test must not trust the code it checks. */
static double channel(Uint8 v)
{
    double c = v / 255.0;
    return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double luminance(SDL_Color c)
{
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

static double ratio(SDL_Color a, SDL_Color b)
{
    double la = luminance(a), lb = luminance(b);
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

static bool same(SDL_Color a, SDL_Color b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a;
}

static void test_contrast(void **state)
{
    (void)state;
    theme n, c;
    theme_compute(&n, 1080, 1920, 1.0, false, false);
    theme_compute(&c, 1080, 1920, 1.0, false, true);
    assert_false(n.contrast);
    assert_true(c.contrast);
    assert_false(same(n.bg, c.bg));
    assert_false(same(n.text, c.text));
    assert_false(same(n.primary, c.primary));
    assert_false(same(n.surface, c.surface));
    /* sizes do not depend on the palette */
    assert_int_equal(n.text_body, c.text_body);
    assert_int_equal(n.target, c.target);
    /* the basic pairs by name, in case the table loses them */
    assert_true(ratio(n.text, n.bg) >= 7.0);
    assert_true(ratio(n.text, n.surface) >= 7.0);
    assert_true(ratio(n.on_primary, n.primary) >= 7.0);
    assert_true(ratio(c.text, c.bg) >= 7.0);
    assert_true(ratio(c.text, c.surface) >= 7.0);
    assert_true(ratio(c.on_primary, c.primary) >= 7.0);
    assert_true(ratio(c.muted, c.bg) >= 7.0);
    /* contrast in large mode is still contrast */
    theme cl;
    theme_compute(&cl, 1920, 1080, 1.0, true, true);
    assert_true(same(cl.bg, c.bg));
    assert_true(cl.text_body > c.text_body);
}

/* Every text/background pair the screens draw (theme_text_pairs) at 7:1
 * and every outline (theme_outline_pairs) at 3:1, in both palettes, both
 * orientations and both text sizes; the icon squares of tiles too. */
static void test_pairs(void **state)
{
    (void)state;
    assert_true(THEME_MIN_TEXT_CONTRAST >= 7.0);
    assert_true(THEME_MIN_OUTLINE_CONTRAST >= 3.0);
    assert_true(theme_n_text_pairs >= 20);
    assert_true(theme_n_outline_pairs >= 5);
    int failures = 0;
    for (int v = 0; v < 8; v++) {
        theme t;
        bool contrast = v & 1, large = v & 2;
        theme_compute(&t, v & 4 ? 1920 : 1080, v & 4 ? 1080 : 1920, 1.0, large, contrast);
        const char *name = contrast ? "high contrast" : "normal";
        for (size_t i = 0; i < theme_n_text_pairs; i++) {
            const theme_pair *p = &theme_text_pairs[i];
            SDL_Color fg = theme_color(&t, p->fg), bg = theme_color(&t, p->bg);
            double r = ratio(fg, bg);
            assert_true(fabs(r - theme_contrast(fg, bg)) < 1e-9);
            if (fg.a != 255 || bg.a != 255 || r < 7.0) {
                print_error("%s: text %s is %.2f:1 (alpha %d/%d), needs 7:1\n", name, p->name,
                            r, fg.a, bg.a);
                failures++;
            }
        }
        for (size_t i = 0; i < theme_n_outline_pairs; i++) {
            const theme_pair *p = &theme_outline_pairs[i];
            double r = ratio(theme_color(&t, p->fg), theme_color(&t, p->bg));
            if (r < 3.0) {
                print_error("%s: outline %s is %.2f:1, needs 3:1\n", name, p->name, r);
                failures++;
            }
        }
        for (int i = 0; i < THEME_N_TILE_COLOURS; i++) {
            double r = ratio(t.on_primary, theme_tile_colour(&t, i));
            if (r < 7.0) {
                print_error("%s: tile icon %d is %.2f:1, needs 7:1\n", name, i, r);
                failures++;
            }
        }
    }
    assert_int_equal(failures, 0);
    /* the formula itself: black on white is 21:1, a colour on itself 1:1 */
    SDL_Color black = {0, 0, 0, 255}, white = {255, 255, 255, 255};
    assert_true(fabs(ratio(black, white) - 21.0) < 1e-9);
    assert_true(fabs(theme_contrast(white, white) - 1.0) < 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_large_mode_factors),
        cmocka_unit_test(test_orientation),
        cmocka_unit_test(test_contrast),
        cmocka_unit_test(test_pairs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
