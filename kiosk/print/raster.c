#include "raster.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/qr.h"

raster *raster_new(int width, int height)
{
    if (width <= 0 || width % 8 != 0 || height <= 0)
        return NULL;
    raster *r = malloc(sizeof *r);
    if (!r)
        return NULL;
    r->width = width;
    r->height = height;
    r->stride = width / 8;
    r->bits = calloc((size_t)r->stride, (size_t)height);
    if (!r->bits) {
        free(r);
        return NULL;
    }
    return r;
}

void raster_free(raster *r)
{
    if (!r)
        return;
    free(r->bits);
    free(r);
}

bool raster_get(const raster *r, int x, int y)
{
    if (x < 0 || y < 0 || x >= r->width || y >= r->height)
        return false;
    return r->bits[(size_t)y * (size_t)r->stride + (size_t)(x >> 3)] & (0x80u >> (x & 7));
}

void raster_set(raster *r, int x, int y, bool black)
{
    if (x < 0 || y < 0 || x >= r->width || y >= r->height)
        return;
    uint8_t *b = &r->bits[(size_t)y * (size_t)r->stride + (size_t)(x >> 3)];
    uint8_t m = (uint8_t)(0x80u >> (x & 7));
    *b = black ? (uint8_t)(*b | m) : (uint8_t)(*b & ~m);
}

void raster_fill(raster *r, SDL_Rect rect, bool black)
{
    SDL_Rect all = {0, 0, r->width, r->height}, a;
    if (!SDL_IntersectRect(&rect, &all, &a))
        return;
    for (int y = a.y; y < a.y + a.h; y++)
        for (int x = a.x; x < a.x + a.w; x++)
            raster_set(r, x, y, black);
}

raster *raster_from_surface(SDL_Surface *s, int threshold)
{
    if (!s || s->w % 8 != 0)
        return NULL;
    /* One known layout to read from, whatever the caller drew into. */
    SDL_Surface *c = s->format->format == SDL_PIXELFORMAT_ARGB8888
                         ? s
                         : SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
    if (!c)
        return NULL;
    raster *r = raster_new(c->w, c->h);
    if (r) {
        if (SDL_MUSTLOCK(c))
            SDL_LockSurface(c);
        for (int y = 0; y < c->h; y++) {
            const Uint32 *px = (const Uint32 *)((const Uint8 *)c->pixels + (size_t)y * (size_t)c->pitch);
            uint8_t *row = r->bits + (size_t)y * (size_t)r->stride;
            for (int x = 0; x < c->w; x++) {
                Uint32 p = px[x];
                int a = (int)(p >> 24), red = (int)(p >> 16 & 0xFF), g = (int)(p >> 8 & 0xFF),
                    b = (int)(p & 0xFF);
                /* Rec. 601 luma, then onto white paper by alpha */
                int luma = (299 * red + 587 * g + 114 * b) / 1000;
                int grey = 255 - a * (255 - luma) / 255;
                if (grey < threshold)
                    row[x >> 3] |= (uint8_t)(0x80u >> (x & 7));
            }
        }
        if (SDL_MUSTLOCK(c))
            SDL_UnlockSurface(c);
    }
    if (c != s)
        SDL_FreeSurface(c);
    return r;
}

static bool qr_fit(const QRcode *qr, int max_side, int *module, int *side)
{
    int n = qr->width + 2 * RASTER_QR_QUIET;
    int m = max_side / n;
    if (m < RASTER_QR_MIN_MODULE)
        return false;
    *module = m;
    *side = n * m;
    return true;
}

bool raster_qr_size(const char *text, int max_side, int *module, int *side)
{
    QRcode *qr = qr_encode(text);
    if (!qr)
        return false;
    bool ok = qr_fit(qr, max_side, module, side);
    QRcode_free(qr);
    return ok;
}

bool raster_draw_qr(raster *r, int x, int y, int max_side, const char *text,
                    SDL_Rect *drawn)
{
    QRcode *qr = qr_encode(text);
    if (!qr)
        return false;
    int m, side;
    bool ok = qr_fit(qr, max_side, &m, &side) && x >= 0 && y >= 0 &&
              x + side <= r->width && y + side <= r->height;
    if (ok) {
        SDL_Rect sq = {x, y, side, side};
        /* the quiet zone is part of the code: clear whatever was there */
        raster_fill(r, sq, false);
        int q = RASTER_QR_QUIET * m;
        for (int my = 0; my < qr->width; my++)
            for (int mx = 0; mx < qr->width; mx++)
                if (qr->data[my * qr->width + mx] & 1) {
                    SDL_Rect dot = {x + q + mx * m, y + q + my * m, m, m};
                    raster_fill(r, dot, true);
                }
        if (drawn)
            *drawn = sq;
    }
    QRcode_free(qr);
    return ok;
}

bool raster_write_png(const raster *r, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return false;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    png_bytep *rows = malloc(sizeof *rows * (size_t)r->height);
    bool ok = false;
    if (png && info && rows && !setjmp(png_jmpbuf(png))) {
        png_init_io(png, f);
        /* 1-bit greyscale is exactly the raster's layout, but 0 is black in
         * PNG: libpng inverts on the way out, so rows go out as they are */
        png_set_IHDR(png, info, (png_uint_32)r->width, (png_uint_32)r->height, 1,
                     PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                     PNG_FILTER_TYPE_DEFAULT);
        png_write_info(png, info);
        png_set_invert_mono(png);
        for (int y = 0; y < r->height; y++)
            rows[y] = r->bits + (size_t)y * (size_t)r->stride;
        png_write_image(png, rows);
        png_write_end(png, NULL);
        ok = true;
    }
    png_destroy_write_struct(&png, &info);
    free(rows);
    if (fclose(f) != 0)
        ok = false;
    return ok;
}
