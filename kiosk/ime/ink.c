/*
 * ink: see ink.h.
 */
#include "ime/ink.h"

#include <limits.h>
#include <string.h>

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

void ink_clear(ink *k, int width, int height)
{
    /* The whole struct, not just the used points: undo already wiped the
     * rest, but a caller may hand us memory that never went through here. */
    explicit_bzero(k, sizeof *k);
    k->width = clamp(width, 1, SHRT_MAX);
    k->height = clamp(height, 1, SHRT_MAX);
}

static void put_point(ink *k, int x, int y)
{
    k->x[k->n_points] = (short)clamp(x, 0, k->width - 1);
    k->y[k->n_points] = (short)clamp(y, 0, k->height - 1);
    k->n_points++;
    k->stroke_end[k->n_strokes - 1] = k->n_points;
}

bool ink_begin(ink *k, int x, int y)
{
    ink_end(k);
    if (k->n_strokes >= INK_MAX_STROKES || k->n_points >= INK_MAX_POINTS)
        return false;
    k->n_strokes++;
    k->in_stroke = true;
    put_point(k, x, y);
    return true;
}

bool ink_add(ink *k, int x, int y)
{
    if (!k->in_stroke || k->n_points >= INK_MAX_POINTS)
        return false;
    /* Compare after clamping: a finger sliding along outside the pad
     * clamps to the same edge point again and again. */
    int cx = clamp(x, 0, k->width - 1), cy = clamp(y, 0, k->height - 1);
    int dx = cx - k->x[k->n_points - 1], dy = cy - k->y[k->n_points - 1];
    if (dx * dx + dy * dy < INK_MIN_DISTANCE * INK_MIN_DISTANCE)
        return true;
    put_point(k, cx, cy);
    return true;
}

void ink_end(ink *k)
{
    k->in_stroke = false;
}

bool ink_undo(ink *k)
{
    if (k->n_strokes == 0)
        return false;
    int first = k->n_strokes > 1 ? k->stroke_end[k->n_strokes - 2] : 0;
    size_t n = (size_t)(k->n_points - first);
    explicit_bzero(&k->x[first], n * sizeof k->x[0]);
    explicit_bzero(&k->y[first], n * sizeof k->y[0]);
    k->n_points = first;
    k->stroke_end[--k->n_strokes] = 0;
    k->in_stroke = false;
    return true;
}

int ink_stroke_points(const ink *k, int i, int *first)
{
    if (i < 0 || i >= k->n_strokes) {
        if (first)
            *first = k->n_points;
        return 0;
    }
    int start = i > 0 ? k->stroke_end[i - 1] : 0;
    if (first)
        *first = start;
    return k->stroke_end[i] - start;
}
