#include "diag.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

void diag_add(diag_list *list, const char *file, int line, int col,
              const char *fmt, ...)
{
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 8;
        diag *items = realloc(list->items, cap * sizeof *items);
        if (!items) {
            fputs("diag: out of memory, a problem report was dropped\n", stderr);
            return;
        }
        list->items = items;
        list->cap = cap;
    }
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* One line per problem: outside input may carry newlines into a message
     * (a quoted value, say), and a tool reading FILE:LINE: output would then
     * see a bogus second problem. */
    for (char *p = msg; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    diag *d = &list->items[list->count];
    d->file = dup_or_empty(file);
    d->msg = strdup(msg);
    d->line = line;
    d->col = col;
    if (!d->file || !d->msg) {
        free(d->file);
        free(d->msg);
        fputs("diag: out of memory, a problem report was dropped\n", stderr);
        return;
    }
    list->count++;
}

void diag_format(const diag *d, char *buf, size_t size)
{
    if (d->line > 0 && d->col > 0)
        snprintf(buf, size, "%s:%d:%d: %s", d->file, d->line, d->col, d->msg);
    else if (d->line > 0)
        snprintf(buf, size, "%s:%d: %s", d->file, d->line, d->msg);
    else
        snprintf(buf, size, "%s: %s", d->file, d->msg);
}

void diag_group_digits(size_t n, char *buf, size_t size)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%zu", n);
    size_t o = 0;
    for (int i = 0; i < len && o + 2 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

void diag_print(const diag_list *list, FILE *out)
{
    char buf[1400];
    size_t shown = list->count < DIAG_PRINT_MAX ? list->count : DIAG_PRINT_MAX;
    for (size_t i = 0; i < shown; i++) {
        diag_format(&list->items[i], buf, sizeof buf);
        fprintf(out, "%s\n", buf);
    }
    if (shown < list->count) {
        char n[40];
        diag_group_digits(list->count - shown, n, sizeof n);
        /* No FILE: prefix, so tools reading FILE:LINE: lines skip it. */
        fprintf(out, "... and %s more problem%s not shown (at most %d are "
                "listed); fix the ones above and check again\n", n,
                list->count - shown == 1 ? "" : "s", DIAG_PRINT_MAX);
    }
}

void diag_clear(diag_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i].file);
        free(list->items[i].msg);
    }
    free(list->items);
    list->items = NULL;
    list->count = list->cap = 0;
}

static bool diag_after(const diag *a, const diag *b)
{
    return a->line > b->line || (a->line == b->line && a->col > b->col);
}

void diag_sort(diag_list *list, size_t from)
{
    for (size_t i = from + 1; i < list->count; i++) {
        diag d = list->items[i];
        size_t j = i;
        for (; j > from && diag_after(&list->items[j - 1], &d); j--)
            list->items[j] = list->items[j - 1];
        list->items[j] = d;
    }
}
