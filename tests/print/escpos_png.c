/*
 * escpos_png FILE.bin FILE.png: the ESC/POS bytes a printer received,
 * decoded as the printer reads them (tests/support/escpos_decode, which
 * refuses anything but the kiosk's command set, with the offset) and
 * written as the PNG of what it prints, for zbarimg to scan.
 * Exit 0 when decoded and written; 1 with "offset N: reason" otherwise.
 */
#include <stdio.h>
#include <stdlib.h>

#include "escpos_decode.h"
#include "print/raster.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: escpos_png FILE.bin FILE.png\n", stderr);
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    size_t cap = 1 << 20, len = 0;
    unsigned char *b = malloc(cap);
    for (size_t n; b && (n = fread(b + len, 1, cap - len, f)) > 0;) {
        len += n;
        if (len == cap) {
            unsigned char *bigger = realloc(b, cap *= 2);
            if (!bigger)
                free(b);
            b = bigger;
        }
    }
    fclose(f);
    if (!b) {
        fputs("escpos_png: out of memory\n", stderr);
        return 1;
    }
    escpos_decoded d;
    char err[200];
    if (!escpos_decode(b, len, 0, &d, err, sizeof err)) {
        fprintf(stderr, "escpos_png: %s: %s\n", argv[1], err);
        free(b);
        return 1;
    }
    free(b);
    bool ok = raster_write_png(d.image, argv[2]);
    printf("%d x %d dots, %d bands, cut after %d lines\n", d.image->width, d.image->height,
           d.bands, d.feed_lines);
    escpos_decoded_free(&d);
    return ok ? 0 : 1;
}
