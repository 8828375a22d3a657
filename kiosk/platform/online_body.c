/*
 * online_body: see online_body.h.
 */
#include "platform/online_body.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "common/utf8.h"

static void put(online_body *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        /* sodium_init is cheap once done, and guarded memory needs it */
        char *t = sodium_init() >= 0 ? sodium_malloc(cap) : NULL;
        if (!t) {
            b->oom = true;
            return;
        }
        if (b->text) {
            memcpy(t, b->text, b->len);
            sodium_free(b->text); /* wipes the old copy */
        }
        b->text = t;
        b->cap = cap;
    }
    memcpy(b->text + b->len, s, n);
    b->len += n;
    b->text[b->len] = '\0';
}

void online_body_raw(online_body *b, const char *json)
{
    put(b, json, strlen(json));
}

void online_body_raw_n(online_body *b, const char *json, size_t n)
{
    put(b, json, n);
}

void online_body_str(online_body *b, const char *s)
{
    put(b, "\"", 1);
    size_t len = s ? strlen(s) : 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        size_t n = utf8_valid_seq((const unsigned char *)s + i, len - i);
        if (n == 0) {
            put(b, "\xef\xbf\xbd", 3);
            i++;
        } else if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            put(b, e, 2);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            char e[8];
            snprintf(e, sizeof e, "\\u%04x", c);
            put(b, e, strlen(e));
            i++;
        } else {
            put(b, s + i, n);
            i += n;
        }
    }
    put(b, "\"", 1);
}

static void name(online_body *b, const char *n)
{
    if (!b->first)
        put(b, ",", 1);
    b->first = false;
    online_body_str(b, n);
    put(b, ":", 1);
}

void online_body_open(online_body *b, const char *n)
{
    if (n)
        name(b, n);
    put(b, "{", 1);
    b->first = true;
}

void online_body_close(online_body *b)
{
    put(b, "}", 1);
    b->first = false;
}

void online_body_member(online_body *b, const char *n, const char *value)
{
    if (!value)
        return;
    name(b, n);
    online_body_str(b, value);
}

void online_body_member_raw(online_body *b, const char *n, const char *json)
{
    name(b, n);
    online_body_raw(b, json);
}

void online_body_free(online_body *b)
{
    if (b->text)
        sodium_free(b->text);
    memset(b, 0, sizeof *b);
}

bool online_url_value(const char *s, char *out, size_t size)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '_' || c == '.' || c == '~';
        if (o + (plain ? 1 : 3) >= size)
            return false;
        if (plain) {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    if (size == 0)
        return false;
    out[o] = '\0';
    return true;
}
