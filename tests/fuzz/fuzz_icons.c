/*
 * Fuzz target for the pictogram format (icons_add, kiosk/ui/icons.c), with
 * oracles: every problem formats as one line with a line number inside the
 * input; a parsed icon has whole triangles whose corners are finite and on
 * the 48 x 48 grid (shapes never leave it); a rejected
 * icon leaves the set as it was.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/icons.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    icons *set = icons_new();
    if (!set)
        return 0;
    diag_list errors = DIAG_LIST_INIT;
    bool ok = icons_add(set, "fuzz", (const char *)data, size, "fuzz.icon", &errors);

    int lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    char line[1400];
    for (size_t i = 0; i < errors.count; i++) {
        diag_format(&errors.items[i], line, sizeof line);
        if (strchr(errors.items[i].msg, '\n') || errors.items[i].line > lines ||
            errors.items[i].line < 0)
            abort();
    }
    if (ok != (errors.count == 0) || ok != icons_has(set, "fuzz"))
        abort();
    size_t n;
    const float *xy = icons_vertices(set, "fuzz", &n);
    if (ok && (n == 0 || n % 3))
        abort();
    for (size_t i = 0; i < 2 * n; i++)
        if (!isfinite(xy[i]) || xy[i] < -0.01f || xy[i] > ICONS_GRID + 0.01f)
            abort();
    diag_clear(&errors);
    icons_free(set);
    return 0;
}
