/*
 * strokes: the tests' loader for the handwriting fixtures in
 * tests/fixtures/strokes/<char>.json (made by make_strokes.py):
 *
 *   {"char": "十", "width": 300, "height": 300,
 *    "strokes": [[[x,y],[x,y],...], ...]}
 *
 * It fills an ink through the real ink_begin/ink_add/ink_end calls, so a
 * fixture reaches the recogniser exactly as a resident's finger would,
 * optionally scaled onto a pad of another size.
 *
 * Header-only with static functions: each test program is one file and
 * includes this once. Problems are printed on stderr and reported as false,
 * so a broken fixture fails the test that loads it, with its name.
 */
#ifndef KIOSK_TEST_STROKES_H
#define KIOSK_TEST_STROKES_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "ime/ink.h"

#ifndef FIXTURES_DIR
#error "FIXTURES_DIR must name tests/fixtures"
#endif
#define STROKES_DIR FIXTURES_DIR "/strokes"

/* The path of the fixture for ch (one UTF-8 character) into buf. */
static const char *strokes_path(const char *ch, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s.json", STROKES_DIR, ch);
    return buf;
}

/* Loads the fixture at path into k, scaled onto a width x height pad
 * (0, 0: the fixture's own size). ch (may be NULL) receives the expected
 * character. false, with the reason on stderr, on any problem. */
static bool strokes_load_scaled(const char *path, int width, int height, ink *k,
                                char *ch, size_t ch_size)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    if (!root) {
        fprintf(stderr, "%s:%d:%d: %s\n", path, jerr.line, jerr.column, jerr.text);
        return false;
    }
    bool ok = false;
    json_t *strokes = json_object_get(root, "strokes");
    const char *c = json_string_value(json_object_get(root, "char"));
    int fw = (int)json_integer_value(json_object_get(root, "width"));
    int fh = (int)json_integer_value(json_object_get(root, "height"));
    if (!c || fw <= 0 || fh <= 0 || !json_is_array(strokes)) {
        fprintf(stderr, "%s: needs char, width, height and strokes\n", path);
        goto out;
    }
    if (width <= 0 || height <= 0) {
        width = fw;
        height = fh;
    }
    if (ch)
        snprintf(ch, ch_size, "%s", c);
    ink_clear(k, width, height);
    size_t i, j;
    json_t *stroke, *pt;
    json_array_foreach(strokes, i, stroke) {
        if (!json_is_array(stroke) || json_array_size(stroke) == 0) {
            fprintf(stderr, "%s: stroke %zu is not a list of points\n", path, i);
            goto out;
        }
        json_array_foreach(stroke, j, pt) {
            json_t *jx = json_array_get(pt, 0), *jy = json_array_get(pt, 1);
            if (!json_is_integer(jx) || !json_is_integer(jy) || json_array_size(pt) != 2) {
                fprintf(stderr, "%s: stroke %zu point %zu is not [x,y]\n", path, i, j);
                goto out;
            }
            /* Rounded scaling, the way a pad of another size samples. */
            long x = (json_integer_value(jx) * width * 2 + fw) / (2L * fw);
            long y = (json_integer_value(jy) * height * 2 + fh) / (2L * fh);
            bool room = j == 0 ? ink_begin(k, (int)x, (int)y) : ink_add(k, (int)x, (int)y);
            if (!room) {
                fprintf(stderr, "%s: more than the pad holds\n", path);
                goto out;
            }
        }
        ink_end(k);
    }
    ok = true;
out:
    json_decref(root);
    return ok;
}

/* The fixture at path at its own size. */
__attribute__((unused)) static bool strokes_load(const char *path, ink *k, char *ch,
                                                 size_t ch_size)
{
    return strokes_load_scaled(path, 0, 0, k, ch, ch_size);
}

#endif
