/*
 * online_body: the JSON bodies sent to the platform (README "The platform
 * API"): the online services' requests, and the uploader's batches of
 * records (platform/records.c), written straight into guarded memory.
 *
 * A booking carries a name, an ID number and a phone; a progress query or
 * a certificate an ID number; an online application everything the form
 * asked. So the text is built in libsodium guarded memory (sodium_malloc:
 * locked, never in a core dump) and wiped when freed, and it never passes
 * through jansson, whose copies would be freed unwiped. Strings are
 * escaped here; bytes that are not UTF-8 become U+FFFD, so the body is
 * valid JSON whatever it was given.
 */
#ifndef KIOSK_PLATFORM_ONLINE_BODY_H
#define KIOSK_PLATFORM_ONLINE_BODY_H

#include <stdbool.h>
#include <stddef.h>

typedef struct online_body {
    char *text;     /* guarded, NUL-terminated; NULL until the first write */
    size_t len, cap;
    bool oom;       /* a write failed: the body is incomplete */
    bool first;     /* no member yet in the innermost object */
} online_body;

/* Appends raw JSON text (a brace, a number, a literal). */
void online_body_raw(online_body *b, const char *json);
/* The same for the first n bytes of json. */
void online_body_raw_n(online_body *b, const char *json, size_t n);

/* Appends s as a JSON string. */
void online_body_str(online_body *b, const char *s);

/* Opens an object: "{", or "name": { inside one (name NULL at the top). */
void online_body_open(online_body *b, const char *name);
void online_body_close(online_body *b);

/* "name": "value" in the current object; nothing when value is NULL. */
void online_body_member(online_body *b, const char *name, const char *value);

/* "name": raw JSON (a number, true, an object's text). */
void online_body_member_raw(online_body *b, const char *name, const char *json);

/* Wipes and frees the text. */
void online_body_free(online_body *b);

/* Percent-encodes s for a URL query value into out (unreserved characters
 * kept). False when it does not fit. */
bool online_url_value(const char *s, char *out, size_t size);

#endif
