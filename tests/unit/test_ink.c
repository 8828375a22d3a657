/*
 * ink: the pad's stroke store -- clamping into the pad, dropping repeated
 * points, running full, undo, one-point dots, and that clearing wipes the
 * resident's handwriting.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../support/bytes.h"

#include "ime/ink.h"

static ink k;   /* 8 KiB: static, not on cmocka's stack */

static void test_clamped_into_pad(void **state)
{
    (void)state;
    ink_clear(&k, 300, 200);
    assert_true(ink_begin(&k, -50, 999));
    assert_int_equal(k.x[0], 0);
    assert_int_equal(k.y[0], 199);
    assert_true(ink_add(&k, 400, -3));
    assert_int_equal(k.x[1], 299);
    assert_int_equal(k.y[1], 0);
    /* Sliding along outside the pad clamps onto the same edge point:
     * one point, not one per event. */
    assert_true(ink_add(&k, 500, -40));
    assert_int_equal(k.n_points, 2);
    ink_end(&k);
    assert_int_equal(k.n_strokes, 1);
    assert_false(k.in_stroke);
}

static void test_min_distance(void **state)
{
    (void)state;
    ink_clear(&k, 300, 300);
    assert_true(ink_begin(&k, 100, 100));
    assert_true(ink_add(&k, 100, 100));     /* same spot: dropped, not an error */
    assert_true(ink_add(&k, 101, 101));     /* 1.4 px: dropped */
    assert_int_equal(k.n_points, 1);
    assert_true(ink_add(&k, 102, 100));     /* 2 px: kept */
    assert_true(ink_add(&k, 103, 101));     /* 1.4 px from the last kept one */
    assert_true(ink_add(&k, 102, 102));     /* 2 px straight down from it */
    assert_int_equal(k.n_points, 3);
    assert_int_equal(k.x[2], 102);
    assert_int_equal(k.y[2], 102);
    int first = -1;
    assert_int_equal(ink_stroke_points(&k, 0, &first), 3);
    assert_int_equal(first, 0);
    assert_int_equal(k.stroke_end[0], 3);
}

static void test_add_needs_a_stroke(void **state)
{
    (void)state;
    ink_clear(&k, 300, 300);
    assert_false(ink_add(&k, 10, 10));
    assert_true(ink_begin(&k, 10, 10));
    ink_end(&k);
    assert_false(ink_add(&k, 50, 50));
    assert_int_equal(k.n_points, 1);
    ink_end(&k);                            /* a second end is harmless */
    assert_int_equal(k.n_strokes, 1);
}

static void test_strokes_and_points(void **state)
{
    (void)state;
    ink_clear(&k, 300, 300);
    assert_true(ink_begin(&k, 10, 10));
    assert_true(ink_add(&k, 20, 10));
    assert_true(ink_add(&k, 30, 10));
    ink_end(&k);
    assert_true(ink_begin(&k, 50, 10));
    /* No ink_end: a lost finger-up; the next begin starts a new stroke. */
    assert_true(ink_add(&k, 50, 30));
    assert_true(ink_begin(&k, 90, 90));
    ink_end(&k);
    assert_int_equal(k.n_strokes, 3);
    int first;
    assert_int_equal(ink_stroke_points(&k, 0, &first), 3);
    assert_int_equal(first, 0);
    assert_int_equal(ink_stroke_points(&k, 1, &first), 2);
    assert_int_equal(first, 3);
    assert_int_equal(ink_stroke_points(&k, 2, &first), 1);
    assert_int_equal(first, 5);
    assert_int_equal(ink_stroke_points(&k, 3, &first), 0);
    assert_int_equal(first, 6);
    assert_int_equal(ink_stroke_points(&k, -1, NULL), 0);
}

static void test_one_point_dot(void **state)
{
    (void)state;
    ink_clear(&k, 300, 300);
    assert_true(ink_begin(&k, 150, 150));
    assert_true(ink_add(&k, 151, 150));     /* a tremble, dropped */
    ink_end(&k);
    assert_int_equal(k.n_strokes, 1);
    assert_int_equal(ink_stroke_points(&k, 0, NULL), 1);
}

static void test_full_pad(void **state)
{
    (void)state;
    ink_clear(&k, 300, 300);
    for (int s = 0; s < INK_MAX_STROKES; s++) {
        assert_true(ink_begin(&k, 5 * s, 0));
        ink_end(&k);
    }
    assert_false(ink_begin(&k, 200, 200));  /* no stroke left */
    assert_int_equal(k.n_strokes, INK_MAX_STROKES);
    assert_int_equal(k.n_points, INK_MAX_STROKES);

    /* Out of points: one long zig-zag stroke fills the pad. */
    ink_clear(&k, 300, 300);
    assert_true(ink_begin(&k, 0, 0));
    for (int i = 1; i < INK_MAX_POINTS; i++)
        assert_true(ink_add(&k, (i % 2) * 10, i % 290));
    assert_int_equal(k.n_points, INK_MAX_POINTS);
    assert_false(ink_add(&k, 100, 100));
    ink_end(&k);
    assert_false(ink_begin(&k, 100, 100));
    assert_int_equal(k.n_strokes, 1);
    assert_int_equal(k.stroke_end[0], INK_MAX_POINTS);
    /* Undo makes room again. */
    assert_true(ink_undo(&k));
    assert_true(ink_begin(&k, 100, 100));
}


static void test_undo(void **state)
{
    (void)state;
    ink_clear(&k, 300, 300);
    assert_false(ink_undo(&k));
    assert_true(ink_begin(&k, 10, 10));
    assert_true(ink_add(&k, 40, 10));
    ink_end(&k);
    assert_true(ink_begin(&k, 25, 0));
    assert_true(ink_add(&k, 25, 40));
    assert_true(ink_add(&k, 25, 80));
    ink_end(&k);
    assert_true(ink_undo(&k));
    assert_int_equal(k.n_strokes, 1);
    assert_int_equal(k.n_points, 2);
    assert_int_equal(k.stroke_end[1], 0);
    /* The undone stroke's points are wiped, not just forgotten. */
    assert_true(bytes_all_zero(&k.x[2], 3 * sizeof k.x[0]));
    assert_true(bytes_all_zero(&k.y[2], 3 * sizeof k.y[0]));
    assert_int_equal(k.x[1], 40);

    /* Undo of a stroke still being drawn ends it. */
    assert_true(ink_begin(&k, 70, 70));
    assert_true(ink_undo(&k));
    assert_false(k.in_stroke);
    assert_false(ink_add(&k, 90, 90));
    assert_true(ink_undo(&k));
    assert_false(ink_undo(&k));
    assert_int_equal(k.n_points, 0);
}

static void test_clear_wipes(void **state)
{
    (void)state;
    ink_clear(&k, 300, 300);
    for (int s = 0; s < 4; s++) {
        assert_true(ink_begin(&k, 10 + s * 50, 10));
        for (int i = 1; i < 20; i++)
            assert_true(ink_add(&k, 10 + s * 50, 10 + i * 10));
    }
    ink_clear(&k, 640, 480);
    assert_int_equal(k.width, 640);
    assert_int_equal(k.height, 480);
    assert_int_equal(k.n_strokes, 0);
    assert_int_equal(k.n_points, 0);
    assert_false(k.in_stroke);
    assert_true(bytes_all_zero(k.x, sizeof k.x));
    assert_true(bytes_all_zero(k.y, sizeof k.y));
    assert_true(bytes_all_zero(k.stroke_end, sizeof k.stroke_end));

    /* A nonsense size still gives a usable pad of at least one pixel. */
    ink_clear(&k, 0, -5);
    assert_int_equal(k.width, 1);
    assert_int_equal(k.height, 1);
    assert_true(ink_begin(&k, 7, 7));
    assert_int_equal(k.x[0], 0);
    assert_int_equal(k.y[0], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clamped_into_pad),
        cmocka_unit_test(test_min_distance),
        cmocka_unit_test(test_add_needs_a_stroke),
        cmocka_unit_test(test_strokes_and_points),
        cmocka_unit_test(test_one_point_dot),
        cmocka_unit_test(test_full_pad),
        cmocka_unit_test(test_undo),
        cmocka_unit_test(test_clear_wipes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
