/*
 * icons: the pictogram format's problems with FILE:LINE:COL, the shipped
 * set (every catalogue icon has a file, each draws a distinct silhouette),
 * and the generic fallback. Writes SHOTS_DIR/icons.png, every pictogram at
 * tile size and large, for people to look at.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <SDL.h>
#include <png.h>

#include "catalog/catalog.h"
#include "common/diag.h"
#include "ui/icons.h"
#include "ui/ui.h"

#define ICON_DIR KIOSK_SOURCE_DIR "/assets/icons"
#define CATALOG KIOSK_SOURCE_DIR "/config/catalog.json"

/* The one problem text[0..len) gives, formatted, or "" when it parses. */
static const char *problem_of(const char *text, size_t len)
{
    static char line[512];
    icons *set = icons_new();
    assert_non_null(set);
    diag_list errors = DIAG_LIST_INIT;
    bool ok = icons_add(set, "t", text, len, "t.icon", &errors);
    line[0] = '\0';
    if (errors.count)
        diag_format(&errors.items[0], line, sizeof line);
    assert_int_equal(ok, errors.count == 0);
    assert_int_equal(icons_has(set, "t"), ok);
    diag_clear(&errors);
    icons_free(set);
    return line;
}

#define PROBLEM(text) problem_of(text, sizeof(text) - 1)

static void test_problems(void **state)
{
    (void)state;
    assert_string_equal(PROBLEM("circle 24 24 10\n"), "");
    assert_string_equal(PROBLEM("circle 24 24\n"),
                        "t.icon:1:1: 'circle' takes 3 values: cx cy r (2 values found)");
    assert_string_equal(PROBLEM("rect 10 10 50 5"),
                        "t.icon:1:12: w must be more than 0 and at most 48");
    assert_string_equal(PROBLEM("rect 30 10 20 5"),
                        "t.icon:1:12: the rectangle goes past the 48 x 48 grid");
    assert_string_equal(PROBLEM("# a comment\n\n  star 1 2\n"),
                        "t.icon:3:3: unknown shape 'star' (circle, ring, arc, rect, poly, "
                        "line or path)");
    assert_string_equal(PROBLEM("poly 0 0 10 10 0 10 10 0"),
                        "t.icon:1:1: the polygon's edges cross or touch: draw it as two shapes");
    assert_string_equal(PROBLEM("poly 0 0 5 5 10 10"),
                        "t.icon:1:1: the polygon has no area (its points lie on one line)");
    assert_string_equal(PROBLEM("poly 0 0 5 5"),
                        "t.icon:1:1: 'poly' takes 3 to 64 points: x1 y1 x2 y2 x3 y3 ... "
                        "(4 values found)");
    assert_string_equal(PROBLEM("line 1 2 3 x4 2"),
                        "t.icon:1:12: 'x4' is not a number (write 12 or 12.5)");
    assert_string_equal(PROBLEM("line 1 2 3 4 30"),
                        "t.icon:1:14: width must be more than 0 and at most 24");
    assert_string_equal(PROBLEM("path 2 1 1"),
                        "t.icon:1:1: 'path' takes a width and 2 to 64 points: width x1 y1 x2 "
                        "y2 ... (3 values found)");
    assert_string_equal(PROBLEM("arc 24 24 10 90 45 2"),
                        "t.icon:1:17: a1 must be more than a0, by at most 360 degrees");
    assert_string_equal(PROBLEM("circle 49 1 1"),
                        "t.icon:1:8: cx must be on the 48 x 48 grid (0 to 48)");
    assert_string_equal(PROBLEM("circle 4 24 5"),
                        "t.icon:1:1: 'circle' goes past the 48 x 48 grid (count half the "
                        "width of strokes)");
    assert_string_equal(PROBLEM("line 1 24 30 24 4"),
                        "t.icon:1:1: 'line' goes past the 48 x 48 grid (count half the "
                        "width of strokes)");
    assert_string_equal(PROBLEM("circle 1.5.5 1 1"),
                        "t.icon:1:8: '1.5.5' is not a number (write 12 or 12.5)");
    /* columns count characters, as the catalogue's messages do */
    assert_string_equal(PROBLEM("rect 1 1 \xef\xbc\x94 4"),
                        "t.icon:1:10: this value is not a number (write 12 or 12.5)");
    assert_string_equal(PROBLEM("\xe5\x9c\x86 24 24 5"),
                        "t.icon:1:1: unknown shape (circle, ring, arc, rect, poly, line or "
                        "path)");
    assert_string_equal(PROBLEM("# only a comment\n"),
                        "t.icon: no shapes: an icon needs at least one line such as "
                        "'circle 24 24 10'");
    assert_string_equal(PROBLEM("circle 1 1 1\0circle"), "t.icon:1:13: file contains a NUL byte; it is not a text file, or not UTF-8 (UTF-16?); save it as UTF-8");
    /* a wrong line does not stop the next from being checked */
    icons *set = icons_new();
    diag_list errors = DIAG_LIST_INIT;
    const char two[] = "circle 1 1\nring 1 1 1 0\nrect 0 0 48 48 3\n";
    assert_false(icons_add(set, "two", two, sizeof two - 1, "two.icon", &errors));
    assert_int_equal(errors.count, 2);
    assert_int_equal(errors.items[1].line, 2);
    diag_clear(&errors);
    /* too large */
    size_t big = ICONS_FILE_MAX + 1;
    char *text = malloc(big);
    memset(text, ' ', big);
    assert_false(icons_add(set, "big", text, big, "big.icon", &errors));
    assert_int_equal(errors.count, 1);
    assert_non_null(strstr(errors.items[0].msg, "is this really an icon?"));
    free(text);
    diag_clear(&errors);
    /* a bad name */
    assert_false(icons_add(set, "Big", "circle 1 1 1", 12, "Big.icon", &errors));
    diag_clear(&errors);
    icons_free(set);
}

static void test_shapes(void **state)
{
    (void)state;
    icons *set = icons_new();
    diag_list errors = DIAG_LIST_INIT;
    /* a concave polygon (an L) is cut into points - 2 triangles */
    const char l[] = "poly 0 0 20 0 20 10 10 10 10 30 0 30";
    assert_true(icons_add(set, "l", l, sizeof l - 1, "l.icon", &errors));
    assert_int_equal(icons_triangles(set, "l"), 4);
    /* the same, clockwise the other way, and with a repeated and a
     * collinear point that change nothing */
    const char l2[] = "poly 0 30 10 30 10 10 20 10 20 0 10 0 0 0 0 0";
    assert_true(icons_add(set, "l", l2, sizeof l2 - 1, "l.icon", &errors));
    assert_int_equal(icons_triangles(set, "l"), 4);
    const char r[] = "rect 0 0 48 48";
    assert_true(icons_add(set, "r", r, sizeof r - 1, "r.icon", &errors));
    assert_int_equal(icons_triangles(set, "r"), 2);
    assert_int_equal(errors.count, 0);
    assert_true(icons_has(set, ICONS_GENERIC));
    assert_false(icons_has(set, "nothing"));
    assert_int_equal(icons_triangles(set, "nothing"), 0);
    icons_free(set);
}

static void test_load_folder(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_icons_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    const char *files[][2] = {{"good.icon", "circle 24 24 10\n"},
                              {"bad.icon", "circle 24 24\n"},
                              {"Bad_Name.icon", "circle 24 24 10\n"},
                              {"notes.txt", "not an icon\n"}};
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i][0]);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(files[i][1], f);
        fclose(f);
    }
    diag_list errors = DIAG_LIST_INIT;
    icons *set = icons_load(dir, &errors);
    assert_non_null(set);
    assert_true(icons_has(set, "good"));
    assert_false(icons_has(set, "bad"));
    assert_true(icons_has(set, ICONS_GENERIC));
    assert_int_equal(errors.count, 2);  /* Bad_Name.icon, then bad.icon:1:1 */
    assert_non_null(strstr(errors.items[0].file, "Bad_Name.icon"));
    assert_non_null(strstr(errors.items[1].file, "bad.icon"));
    assert_int_equal(errors.items[1].line, 1);
    diag_clear(&errors);
    icons_free(set);
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i][0]);
        unlink(path);
    }
    rmdir(dir);
    /* no folder: one problem, the generic pictogram still there */
    set = icons_load("/nonexistent/icons", &errors);
    assert_non_null(set);
    assert_int_equal(errors.count, 1);
    assert_true(icons_has(set, ICONS_GENERIC));
    diag_clear(&errors);
    icons_free(set);
}

/* ---- the shipped set, drawn ------------------------------------------------- */

#define CELL 112                /* one large pictogram per cell */
#define SMALL 40                /* the tile's size at the smallest theme */

static SDL_Surface *surf;
static SDL_Renderer *ren;
static ui *U;

static void draw_one(const char *name, SDL_Rect r)
{
    SDL_SetRenderDrawColor(ren, 0, 0, 0, 255);
    SDL_RenderFillRect(ren, &r);
    icons_draw(U, name, r, (SDL_Color){255, 255, 255, 255});
}

/* The lit pixels of r as bits (1 byte each), for comparing silhouettes. */
static void bitmap(SDL_Rect r, unsigned char *out)
{
    const uint32_t *px = surf->pixels;
    int pitch = surf->pitch / 4;
    for (int y = 0; y < r.h; y++)
        for (int x = 0; x < r.w; x++)
            out[y * r.w + x] = (px[(r.y + y) * pitch + r.x + x] & 0xff) > 128;
}

static bool write_png(const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        fclose(f);
        return false;
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, (png_uint_32)surf->w, (png_uint_32)surf->h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    unsigned char *row = malloc((size_t)surf->w * 3);
    const uint32_t *px = surf->pixels;
    for (int y = 0; y < surf->h; y++) {
        for (int x = 0; x < surf->w; x++) {
            uint32_t p = px[y * (surf->pitch / 4) + x];
            row[3 * x] = (unsigned char)(p >> 16), row[3 * x + 1] = (unsigned char)(p >> 8);
            row[3 * x + 2] = (unsigned char)p;
        }
        png_write_row(png, row);
    }
    free(row);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return fclose(f) == 0;
}

static void test_shipped_set(void **state)
{
    (void)state;
    diag_list errors = DIAG_LIST_INIT;
    catalog *cat = catalog_load(CATALOG, &errors);
    diag_print(&errors, stderr);
    assert_non_null(cat);
    icons *set = icons_load(ICON_DIR, &errors);
    diag_print(&errors, stderr);
    assert_int_equal(errors.count, 0);
    diag_clear(&errors);

    size_t n = cat->n_categories;
    assert_true(n >= 14);
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    assert_int_equal(SDL_Init(SDL_INIT_VIDEO), 0);
    int cols = 8, rows = (int)(n + 1 + cols - 1) / cols;
    surf = SDL_CreateRGBSurfaceWithFormat(0, cols * CELL, rows * (CELL + SMALL + 8), 32,
                                          SDL_PIXELFORMAT_ARGB8888);
    assert_non_null(surf);
    ren = SDL_CreateSoftwareRenderer(surf);
    assert_non_null(ren);
    U = calloc(1, sizeof *U);
    ui_init(U, ren);
    U->icons = set;
    SDL_SetRenderDrawColor(ren, 40, 40, 40, 255);
    SDL_RenderClear(ren);

    int big = CELL - 16, area = big * big;
    unsigned char *bits = calloc(n + 1, (size_t)area);
    for (size_t i = 0; i <= n; i++) {
        /* the last one: a name nobody drew is the generic pictogram */
        const char *name = i < n ? cat->categories[i].icon : "no-such-icon";
        assert_non_null(name);
        if (i < n)
            assert_true(icons_has(set, name));
        int cx = (int)(i % (size_t)cols) * CELL, cy = (int)(i / (size_t)cols) * (CELL + SMALL + 8);
        SDL_Rect r = {cx + 8, cy + 8, big, big};
        draw_one(name, r);
        draw_one(name, (SDL_Rect){cx + 8, cy + CELL, SMALL, SMALL});
        SDL_RenderPresent(ren);
        bitmap(r, bits + i * (size_t)area);
        int lit = 0;
        for (int k = 0; k < area; k++)
            lit += bits[i * (size_t)area + (size_t)k];
        /* a silhouette: neither a speck nor a filled square */
        if (lit < area / 12 || lit > area * 2 / 3)
            fail_msg("%s covers %d of %d pixels", name, lit, area);
    }
    /* each differs from every other, the generic one included */
    for (size_t i = 0; i <= n; i++)
        for (size_t j = i + 1; j <= n; j++) {
            int diff = 0;
            for (int k = 0; k < area; k++)
                diff += bits[i * (size_t)area + (size_t)k] != bits[j * (size_t)area + (size_t)k];
            if (i < n && j < n && !strcmp(cat->categories[i].icon, cat->categories[j].icon))
                continue;
            if (diff < area / 20)
                fail_msg("%s and %s look alike (%d pixels differ)",
                         i < n ? cat->categories[i].icon : "generic",
                         j < n ? cat->categories[j].icon : "generic", diff);
        }
    mkdir(SHOTS_DIR, 0755);
    assert_true(write_png(SHOTS_DIR "/icons.png"));
    free(bits);
    free(U);
    SDL_DestroyRenderer(ren);
    SDL_FreeSurface(surf);
    SDL_Quit();
    icons_free(set);
    catalog_free(cat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_problems),
        cmocka_unit_test(test_shapes),
        cmocka_unit_test(test_load_folder),
        cmocka_unit_test(test_shipped_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
