/*
 * settings_printers: the [printer.NAME] sections -- each printer of the
 * kiosk, the CUPS queue it is and what the kiosk sends it.
 *
 * Unlike every other section these repeat, one per printer, so their keys
 * are a small table of their own whose offsets are into settings_printer.
 * settings.c moves a row onto printer i (settings_printer_row) and parses
 * the value with the same typed parser as every other key, so a printer's
 * width is refused with the same words as a screen's.
 */
#include "settings/settings_internal.h"

#include <stdlib.h>
#include <string.h>

/* An A4 page drawn at 203 dpi looks coarse next to office print, and a
 * laser printer may spend 20 s warming up before its first page. */
#define A4_DPI_DEFAULT 300
#define A4_DEADLINE_DEFAULT 60

static const char *const kind_choices[] = {"receipt", "a4", NULL};

_Static_assert(sizeof(printer_kind) == sizeof(int), "enum stored as int");

#define P(field) offsetof(settings_printer, field)
const key_def settings_printer_keys[PK_COUNT] = {
    [PK_DESTINATION] = {{"printer", "destination", "string", "",
                         "The CUPS queue this printer is (CUPS打印队列), as lpstat -e lists it; required"},
                        KT_STRING, P(destination), 0, 1, 127, NULL, NULL, PC_NONE},
    [PK_KIND] = {{"printer", "kind", "enum", "receipt",
                  "receipt = an ESC/POS roll printer sent raw bytes (回执打印机); a4 = a page printer sent PDF (A4打印机)"},
                 KT_ENUM, P(kind), 0, 0, 0, NULL, kind_choices, PC_NONE},
    [PK_WIDTH] = {{"printer", "width", "int", "576",
                   "Printable width in dots (打印宽度), a multiple of 8: 576 for 80 mm at 203 dpi, 384 for 58 mm; receipt only"},
                  KT_INT, P(width), 0, 192, 2048, "dots", NULL, PC_NONE},
    [PK_DPI] = {{"printer", "dpi", "int", "203",
                 "Resolution in dots per inch (分辨率): 203 or 180 for most receipt printers; default 300 for a4"},
                KT_INT, P(dpi), 0, 100, 600, "dpi", NULL, PC_NONE},
    [PK_BAND_ROWS] = {{"printer", "band_rows", "int", "256",
                       "Rows per ESC/POS raster command (每段行数); lower it for a printer that drops tall images; receipt only"},
                      KT_INT, P(band_rows), 0, 1, 4095, "rows", NULL, PC_NONE},
    [PK_DEADLINE] = {{"printer", "deadline", "int", "30",
                      "Seconds a job may take before it is cancelled and the resident told (打印时限); default 60 for a4"},
                     KT_INT, P(deadline), 0, 5, 600, "seconds", NULL, PC_NONE},
};

size_t settings_printer_key_count(void)
{
    return PK_COUNT;
}

const settings_key *settings_printer_key_at(size_t i)
{
    return i < PK_COUNT ? &settings_printer_keys[i].pub : NULL;
}

const char *settings_printer_kind_name(printer_kind k)
{
    return k == PRINTER_KIND_A4 ? "a4" : "receipt";
}

bool settings_printer_name_ok(const char *name, size_t len)
{
    if (len == 0 || len > SETTINGS_PRINTER_NAME_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return true;
}

settings_printer *settings_printer_add(settings *s, const char *name, int line)
{
    if (s->n_printers == SETTINGS_MAX_PRINTERS)
        return NULL;
    settings_printer *p = &s->printers[s->n_printers++];
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    /* the table's defaults, as numbers: they are the receipt printer's */
    p->kind = PRINTER_KIND_RECEIPT;
    p->width = 576;
    p->dpi = 203;
    p->band_rows = 256;
    p->deadline = 30;
    p->line = line;
    return p;
}

key_def settings_printer_row(const settings *s, int i, int k, char section[PRINTER_SECTION_SIZE])
{
    key_def d = settings_printer_keys[k];
    d.offset += offsetof(settings, printers) + (size_t)i * sizeof(settings_printer);
    snprintf(section, PRINTER_SECTION_SIZE, "printer.%s", s->printers[i].name);
    d.pub.section = section;
    return d;
}

bool settings_printer_destination_ok(const char *v, char *why, size_t wsize)
{
    size_t n = strlen(v);
    if (n == 0) {
        snprintf(why, wsize, "must not be empty");
        return false;
    }
    if (n > 127) {
        snprintf(why, wsize, "a CUPS queue name is at most 127 bytes");
        return false;
    }
    for (const char *c = v; *c; c++) {
        if ((unsigned char)*c <= ' ' || strchr("/\\'\"?#,", *c)) {
            snprintf(why, wsize, "a CUPS queue name has no spaces or any of / \\ ' \" ? # , "
                     "(lpstat -e lists the queues)");
            return false;
        }
    }
    return true;
}

void settings_printer_finish(settings_printer *p, const bool set[PK_COUNT])
{
    if (p->kind != PRINTER_KIND_A4)
        return;
    if (!set[PK_DPI])
        p->dpi = A4_DPI_DEFAULT;
    if (!set[PK_DEADLINE])
        p->deadline = A4_DEADLINE_DEFAULT;
    p->width = 576;
    p->band_rows = 256;
}

const settings_printer *settings_printer_find(const settings *s, const char *name)
{
    for (int i = 0; name && i < s->n_printers; i++)
        if (!strcmp(s->printers[i].name, name))
            return &s->printers[i];
    return NULL;
}

/* ---- writing, comparing, freeing ----------------------------------------- */

static bool applies(const settings_printer *p, int k)
{
    return p->kind != PRINTER_KIND_A4 || (k != PK_WIDTH && k != PK_BAND_ROWS);
}

static void write_help(FILE *out, const char *prefix, const key_def *k)
{
    fprintf(out, "%s%s\n", prefix, k->pub.help);
    if (k->type == KT_INT)
        fprintf(out, "%s%ld..%ld %s; default: %s\n", prefix, (long)k->min, (long)k->max,
                k->unit, k->pub.def);
    else if (k->type == KT_ENUM)
        fprintf(out, "%sone of receipt, a4; default: %s\n", prefix, k->pub.def);
}

void settings_printers_write(const settings *s, FILE *out)
{
    fprintf(out, "\n# Printers (打印机): one [printer.NAME] section each, at most %d; NAME is\n"
                 "# lowercase letters, digits and '-', at most %d. Each is a CUPS queue\n"
                 "# (lpadmin); `kioskctl print-test` prints a test page on every one.\n",
            SETTINGS_MAX_PRINTERS, SETTINGS_PRINTER_NAME_MAX);
    if (s->n_printers == 0) {
        /* a commented example: a kiosk without printers reads the same */
        fputs("# None configured: nothing is printed. For example:\n#\n"
              "# [printer.receipt]\n", out);
        for (int k = 0; k < PK_COUNT; k++) {
            write_help(out, "# ; ", &settings_printer_keys[k]);
            fprintf(out, "# %s = %s\n", settings_printer_keys[k].pub.name,
                    k == PK_DESTINATION ? "receipt" : settings_printer_keys[k].pub.def);
        }
        return;
    }
    for (int i = 0; i < s->n_printers; i++) {
        const settings_printer *p = &s->printers[i];
        fprintf(out, "\n[printer.%s]\n", p->name);
        for (int k = 0; k < PK_COUNT; k++) {
            if (!applies(p, k))
                continue;
            const key_def *d = &settings_printer_keys[k];
            fputc('\n', out);
            write_help(out, "# ", d);
            fprintf(out, "%s =", d->pub.name);
            switch (k) {
            case PK_DESTINATION:
                if (p->destination)
                    fprintf(out, " %s", p->destination);
                break;
            case PK_KIND: fprintf(out, " %s", settings_printer_kind_name(p->kind)); break;
            case PK_WIDTH: fprintf(out, " %d", p->width); break;
            case PK_DPI: fprintf(out, " %d", p->dpi); break;
            case PK_BAND_ROWS: fprintf(out, " %d", p->band_rows); break;
            case PK_DEADLINE: fprintf(out, " %d", p->deadline); break;
            }
            fputc('\n', out);
        }
    }
}

bool settings_printers_equal(const settings *a, const settings *b)
{
    if (a->n_printers != b->n_printers)
        return false;
    for (int i = 0; i < a->n_printers; i++) {
        const settings_printer *p = &a->printers[i], *q = &b->printers[i];
        bool dest = p->destination == q->destination ||
                    (p->destination && q->destination && !strcmp(p->destination, q->destination));
        if (!dest || strcmp(p->name, q->name) || p->kind != q->kind || p->width != q->width ||
            p->dpi != q->dpi || p->band_rows != q->band_rows || p->deadline != q->deadline)
            return false;
    }
    return true;
}

void settings_printers_free(settings *s)
{
    for (int i = 0; i < s->n_printers; i++) {
        free(s->printers[i].destination);
        s->printers[i].destination = NULL;
    }
    s->n_printers = 0;
}
