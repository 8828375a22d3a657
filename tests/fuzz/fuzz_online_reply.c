/*
 * Fuzz target: the online services' reply parser (platform/online_reply.h)
 * on arbitrary bytes. The first byte picks the kind of reply ('1' ticket,
 * '2' slots, '3' booking, '4' progress, '5' certificate, '6' application;
 * any other byte: its value modulo 6), the rest is the body. Every parse
 * must end in data or a message naming the place; everything it keeps
 * must be in bounds, NUL-terminated and point into its own arena.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "platform/online_reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const online_data *d, const online_text *t)
{
    if (t->n > ONLINE_TEXT_LANGS)
        abort();
    for (size_t i = 0; i < t->n; i++) {
        const char *s = t->item[i].text;
        if (!s || s < d->arena || s >= d->arena + d->arena_used || !*s)
            abort();
        if (strnlen(t->item[i].lang, LANG_CODE_SIZE) >= LANG_CODE_SIZE)
            abort();
    }
    (void)strlen(online_text_get(t, "en"));
}

static void check_str(const online_data *d, const char *s)
{
    if (s && *s && (s < d->arena || s >= d->arena + d->arena_used))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static online_data *d;
    if (!d && !(d = malloc(sizeof *d)))
        abort();
    if (size == 0)
        return 0;
    int k = data[0] >= '1' && data[0] <= '6' ? data[0] - '0' : data[0] % 6 + 1;
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    char why[200];
    bool ok = online_reply_parse((online_kind)k, body, len, "0b7d0c9e-2f1a-4c3b-9d8e-1a2b3c4d5e6f",
                                 d, why, sizeof why);
    if (!ok && (!why[0] || strnlen(why, sizeof why) >= sizeof why))
        abort();
    if (ok) {
        if (d->arena_used > sizeof d->arena || d->slots.n > ONLINE_MAX_SLOTS ||
            d->progress.n > ONLINE_MAX_APPS || d->cert.n_fields > ONLINE_MAX_FIELDS)
            abort();
        check_text(d, &d->ticket.window);
        check_text(d, &d->booking.window);
        for (size_t i = 0; i < d->progress.n; i++) {
            check_text(d, &d->progress.app[i].title);
            check_text(d, &d->progress.app[i].status_text);
            check_text(d, &d->progress.app[i].note);
        }
        check_text(d, &d->cert.title);
        check_text(d, &d->cert.issuer);
        check_str(d, d->cert.holder_name);
        check_str(d, d->cert.id_number);
        check_str(d, d->cert.verify_url);
        for (size_t i = 0; i < d->cert.n_fields; i++) {
            check_text(d, &d->cert.field[i].label);
            check_str(d, d->cert.field[i].value);
        }
    }
    char code[48];
    online_reply_error(body, len, code, sizeof code);
    if (strnlen(code, sizeof code) >= sizeof code)
        abort();
    int64_t t;
    char text[64];
    size_t n = len < sizeof text - 1 ? len : sizeof text - 1;
    memcpy(text, body, n);
    text[n] = '\0';
    (void)online_parse_time(text, &t);
    return 0;
}
