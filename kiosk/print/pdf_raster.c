/*
 * pdf_raster: see pdf_raster.h. PDF 1.4 (ISO 32000-1 7.5): header, five
 * objects (catalog, page tree, page, image, content stream), the
 * cross-reference table with each object's byte offset, trailer.
 */
#include "print/pdf_raster.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct out {
    unsigned char *buf;
    size_t len, cap;
    bool failed;
} out;

static void put(out *o, const void *data, size_t n)
{
    if (o->failed)
        return;
    if (o->len + n > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap < o->len + n)
            cap *= 2;
        unsigned char *b = realloc(o->buf, cap);
        if (!b) {
            o->failed = true;
            return;
        }
        o->buf = b;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, data, n);
    o->len += n;
}

static void putf(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void putf(out *o, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof text)
        o->failed = true;
    else
        put(o, text, (size_t)n);
}

/* Points (1/72 inch) for millimetres, with two decimals: printf's %f
 * follows LC_NUMERIC and a PDF needs a '.'. */
static void points(char *buf, size_t size, double mm)
{
    long hundredths = (long)(mm / 25.4 * 72.0 * 100.0 + 0.5);
    snprintf(buf, size, "%ld.%02ld", hundredths / 100, hundredths % 100);
}

unsigned char *pdf_raster_page(const raster *r, double width_mm, double height_mm, size_t *len)
{
    out o = {0};
    size_t offsets[6];
    char w[32], h[32];
    points(w, sizeof w, width_mm);
    points(h, sizeof h, height_mm);
    size_t image_len = (size_t)r->stride * (size_t)r->height;
    char content[160];
    int clen = snprintf(content, sizeof content, "q %s 0 0 %s 0 0 cm /Im0 Do Q\n", w, h);

    /* the comment's bytes above 127 tell transfer tools the file is binary */
    putf(&o, "%%PDF-1.4\n%%\xE2\xE3\xCF\xD3\n");
    offsets[1] = o.len;
    putf(&o, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    offsets[2] = o.len;
    putf(&o, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
    offsets[3] = o.len;
    putf(&o, "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] "
             "/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>\nendobj\n", w, h);
    offsets[4] = o.len;
    putf(&o, "4 0 obj\n<< /Type /XObject /Subtype /Image /Width %d /Height %d "
             "/ColorSpace /DeviceGray /BitsPerComponent 1 /Decode [1 0] /Length %zu >>\nstream\n",
         r->width, r->height, image_len);
    put(&o, r->bits, image_len);
    putf(&o, "\nendstream\nendobj\n");
    offsets[5] = o.len;
    putf(&o, "5 0 obj\n<< /Length %d >>\nstream\n%sendstream\nendobj\n", clen, content);
    size_t xref = o.len;
    /* each entry exactly 20 bytes, as the format requires */
    putf(&o, "xref\n0 6\n0000000000 65535 f \n");
    for (int i = 1; i <= 5; i++)
        putf(&o, "%010zu 00000 n \n", offsets[i]);
    putf(&o, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
    if (o.failed) {
        free(o.buf);
        return NULL;
    }
    *len = o.len;
    return o.buf;
}
