/*
 * handwriting: see handwriting.h.
 */
#include "ime/handwriting.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include <zinnia.h>

#include "common/dynlib.h"
#include "common/textfile.h"
#include "common/utf8.h"

#define PACKAGE "tegaki-zinnia-simplified-chinese"

/* zinnia scales every point by the box it is told (x / width, y / height),
 * and the Tegaki model was trained on characters that fill a ~300x300 box.
 * NORM_BOX is the box we hand it; NORM_MARGIN leaves a border as a writer
 * would. See normalise() for why we do not pass the pad's own size. */
#define NORM_BOX 300
#define NORM_MARGIN 30

struct handwriting {
    zinnia_recognizer_t *rec;
    zinnia_character_t *ch;   /* scratch, reused for every recognition */
};

/* zinnia, loaded on first use (common/dynlib.h says why): the functions
 * this file calls, bound by name. */
static struct {
    zinnia_character_t *(*character_new)(void);
    void (*character_destroy)(zinnia_character_t *);
    void (*character_set_width)(zinnia_character_t *, size_t);
    void (*character_set_height)(zinnia_character_t *, size_t);
    void (*character_clear)(zinnia_character_t *);
    int (*character_add)(zinnia_character_t *, size_t, int, int);
    const char *(*result_value)(zinnia_result_t *, size_t);
    size_t (*result_size)(zinnia_result_t *);
    void (*result_destroy)(zinnia_result_t *);
    zinnia_recognizer_t *(*recognizer_new)(void);
    void (*recognizer_destroy)(zinnia_recognizer_t *);
    int (*recognizer_open)(zinnia_recognizer_t *, const char *);
    const char *(*recognizer_strerror)(zinnia_recognizer_t *);
    zinnia_result_t *(*recognizer_classify)(zinnia_recognizer_t *, const zinnia_character_t *,
                                            size_t);
} zn;

static bool load_zinnia(char *err, size_t err_size)
{
#define SYM(n) {"zinnia_" #n, (void **)&zn.n}
    const dynlib_symbol syms[] = {
        SYM(character_new), SYM(character_destroy), SYM(character_set_width),
        SYM(character_set_height), SYM(character_clear), SYM(character_add),
        SYM(result_value), SYM(result_size), SYM(result_destroy), SYM(recognizer_new),
        SYM(recognizer_destroy), SYM(recognizer_open), SYM(recognizer_strerror),
        SYM(recognizer_classify),
    };
#undef SYM
    char why[400];
    if (dynlib_load("libzinnia.so.0", "libzinnia0", syms, sizeof syms / sizeof *syms, why,
                    sizeof why))
        return true;
    if (err && err_size)
        snprintf(err, err_size, "handwriting: %s", why);
    return false;
}

static void set_err(char *err, size_t size, const char *fmt, const char *path,
                    const char *why)
{
    if (err && size)
        snprintf(err, size, fmt, path, why, PACKAGE);
}

handwriting *handwriting_open(const char *model_path, char *err, size_t err_size)
{
    if (err && err_size)
        err[0] = '\0';
    if (!model_path || !*model_path) {
        set_err(err, err_size, "handwriting model %s: %s (install the Debian package %s)",
                "(none)", "no path given");
        return NULL;
    }
    /* zinnia's own message for a missing file is a bare "no such file";
     * checking first lets us name errno's reason and the package -- and
     * refuse a FIFO or device, which zinnia would block on or read. */
    char why[200];
    int fd = textfile_open(model_path, 0, NULL, why, sizeof why);
    if (fd < 0) {
        set_err(err, err_size, "handwriting model %s: %s (install the Debian package %s)",
                model_path, why);
        return NULL;
    }
    close(fd);

    if (!load_zinnia(err, err_size))
        return NULL;
    handwriting *h = calloc(1, sizeof *h);
    if (h) {
        h->rec = zn.recognizer_new();
        h->ch = zn.character_new();
    }
    if (!h || !h->rec || !h->ch) {
        set_err(err, err_size, "handwriting model %s: %s (Debian package %s)", model_path,
                "out of memory");
        handwriting_close(h);
        return NULL;
    }
    if (!zn.recognizer_open(h->rec, model_path)) {
        set_err(err, err_size,
                "handwriting model %s: not a zinnia model (%s); reinstall the Debian package %s",
                model_path, zn.recognizer_strerror(h->rec));
        handwriting_close(h);
        return NULL;
    }
    return h;
}

void handwriting_close(handwriting *h)
{
    if (!h)
        return;
    if (h->ch) {
        /* The scratch character holds the resident's last strokes. */
        zn.character_clear(h->ch);
        zn.character_destroy(h->ch);
    }
    if (h->rec)
        zn.recognizer_destroy(h->rec);
    free(h);
}

/* Fills h->ch with the ink, moved and scaled uniformly so that its bounding
 * box is centred in NORM_BOX with NORM_MARGIN around its longer side.
 *
 * Why not just the pad's size: zinnia would then see the character as the
 * share of the pad it covers. A resident on a large pad writes a small
 * character in one part of it, and a wide pad squashes it (x and y scaled
 * differently). Measured on the 11 stroke fixtures before they were tuned:
 * scaled with the pad (200..600 px) both ways rank alike, but written at
 * half size in the middle of a 600x600 pad 1 of 11 came first with the
 * pad's size against 6 normalised, centred on an 800x400 pad 2 against 6.
 * Margins of 0-30 did best; 50 and more lost first places. Scaling by
 * the longer side keeps the aspect, so 一 stays a flat line and 丨 a thin
 * one. The cost: size alone no longer tells 口 from 囗 (the fixture's
 * shape does). */
static void normalise(handwriting *h, const ink *k)
{
    int minx = k->x[0], maxx = k->x[0], miny = k->y[0], maxy = k->y[0];
    for (int i = 1; i < k->n_points; i++) {
        if (k->x[i] < minx) minx = k->x[i];
        if (k->x[i] > maxx) maxx = k->x[i];
        if (k->y[i] < miny) miny = k->y[i];
        if (k->y[i] > maxy) maxy = k->y[i];
    }
    int side = maxx - minx > maxy - miny ? maxx - minx : maxy - miny;
    /* A lone dot has no size: keep it at 1 so it lands in the middle. */
    double scale = side > 0 ? (double)(NORM_BOX - 2 * NORM_MARGIN) / side : 1.0;
    double ox = NORM_BOX / 2.0 - scale * (minx + maxx) / 2.0;
    double oy = NORM_BOX / 2.0 - scale * (miny + maxy) / 2.0;

    zn.character_clear(h->ch);
    zn.character_set_width(h->ch, NORM_BOX);
    zn.character_set_height(h->ch, NORM_BOX);
    for (int s = 0; s < k->n_strokes; s++) {
        int first, n = ink_stroke_points(k, s, &first);
        for (int i = first; i < first + n; i++)
            zn.character_add(h->ch, (size_t)s, (int)(ox + scale * k->x[i] + 0.5),
                                 (int)(oy + scale * k->y[i] + 0.5));
        /* zinnia describes a stroke by its start and end; a one-point
         * stroke (a dot) gets its point twice so it still counts. */
        if (n == 1)
            zn.character_add(h->ch, (size_t)s, (int)(ox + scale * k->x[first] + 0.5),
                                 (int)(oy + scale * k->y[first] + 0.5));
    }
}

/* True when s is exactly one UTF-8 character that fits a candidate. */
static bool one_char(const char *s)
{
    size_t len = strlen(s);
    return len > 0 && len < HANDWRITING_CAND_SIZE &&
           utf8_valid_seq((const unsigned char *)s, len) == len;
}

size_t handwriting_recognize(handwriting *h, const ink *k, char out[][HANDWRITING_CAND_SIZE],
                             size_t max)
{
    if (!h || !k || max == 0 || k->n_strokes == 0 || k->n_points == 0)
        return 0;
    normalise(h, k);
    /* A few spare so that dropping a value that is not one character
     * (the model holds none we know of) still leaves max to offer. */
    zinnia_result_t *r = zn.recognizer_classify(h->rec, h->ch, max + 4);
    size_t n = 0;
    if (r) {
        for (size_t i = 0; i < zn.result_size(r) && n < max; i++) {
            const char *v = zn.result_value(r, i);
            if (v && one_char(v))
                memcpy(out[n++], v, strlen(v) + 1);
        }
        zn.result_destroy(r);
    }
    zn.character_clear(h->ch);
    return n;
}
