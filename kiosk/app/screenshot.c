/*
 * screenshot: the current frame as PNG, for the script harness and the
 * technician's diagnostics. libpng, because SDL2 only writes BMP and the
 * review tools (and people) read PNG.
 */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>

#include "app/app.h"

bool app_screenshot(app *a, const char *path)
{
    int w = a->w, h = a->h;
    size_t pitch = (size_t)w * 4u;
    unsigned char *pixels = malloc(pitch * (size_t)h);
    if (!pixels)
        return false;
    /* ABGR8888 in memory order is R, G, B, A on little-endian: what PNG
     * wants, with no per-pixel swizzle here. */
    if (SDL_RenderReadPixels(a->ren, NULL, SDL_PIXELFORMAT_ABGR8888, pixels, (int)pitch) != 0) {
        fprintf(stderr, "screenshot: %s\n", SDL_GetError());
        free(pixels);
        return false;
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        free(pixels);
        return false;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    png_bytep *rows = malloc(sizeof *rows * (size_t)h);
    bool ok = false;
    if (png && info && rows && !setjmp(png_jmpbuf(png))) {
        png_init_io(png, f);
        /* fast compression: screenshots are many and only for looking at */
        png_set_compression_level(png, 1);
        png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGBA,
                     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                     PNG_FILTER_TYPE_DEFAULT);
        png_write_info(png, info);
        for (int y = 0; y < h; y++)
            rows[y] = pixels + (size_t)y * pitch;
        png_write_image(png, rows);
        png_write_end(png, NULL);
        ok = true;
    }
    png_destroy_write_struct(&png, &info);
    free(rows);
    free(pixels);
    if (fclose(f) != 0)
        ok = false;
    return ok;
}
