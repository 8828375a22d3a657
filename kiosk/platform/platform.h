/*
 * platform: the one HTTP(S) client to the government platform (libcurl).
 *
 * The uploader, the online services and `kioskctl platform check` all talk
 * through it, so TLS, pins, the token and the timeouts are set up in one
 * place from [platform]. A handle belongs to one thread (libcurl easy
 * handles are not shared); it keeps its connection alive between requests.
 *
 * Every failure is classified, so callers can say what went wrong in plain
 * words (the technician's `platform check`, the status bar) and decide
 * whether to retry: a reply with any HTTP status is PLATFORM_OK here, and
 * the status code is the caller's to judge.
 */
#ifndef KIOSK_PLATFORM_H
#define KIOSK_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "settings/settings.h"

typedef enum platform_err {
    PLATFORM_OK,            /* a reply arrived (any HTTP status) */
    PLATFORM_ERR_NONE,      /* no endpoint configured */
    PLATFORM_ERR_CONFIG,    /* e.g. the token file cannot be read */
    PLATFORM_ERR_DNS,       /* the host name does not resolve */
    PLATFORM_ERR_CONNECT,   /* refused or unreachable */
    PLATFORM_ERR_TIMEOUT,   /* connect, low speed or whole-request limit */
    PLATFORM_ERR_TLS,       /* handshake failed or the server's chain does not verify */
    PLATFORM_ERR_PIN,       /* the server's public key is not among the pins */
    PLATFORM_ERR_CERT,      /* our client certificate is bad, expired or refused */
    PLATFORM_ERR_BROKEN,    /* connection reset or reply cut short */
    PLATFORM_ERR_NOMEM,
} platform_err;

typedef struct platform_reply {
    platform_err err;
    long status;            /* HTTP status; 0 without a reply */
    char *body;             /* malloc'd and NUL-terminated, or NULL */
    size_t body_len;
    int64_t retry_after;    /* seconds from now; -1 when absent */
    int64_t server_date;    /* the Date header, epoch seconds; 0 when absent */
    double seconds;         /* the whole request */
    char error[256];        /* for technicians; never personal data */
} platform_reply;

typedef struct platform platform;

/* A client for cfg's [platform]. NULL (and why) only when out of memory or
 * the token file cannot be read; with no endpoint it is made, and every
 * request answers PLATFORM_ERR_NONE. */
platform *platform_new(const settings *cfg, char *why, size_t wsize);
void platform_free(platform *p);

bool platform_enabled(const platform *p);
const char *platform_endpoint(const platform *p);
/* The configured device id, or one derived from /etc/machine-id. */
const char *platform_device_id(const platform *p);
/* The same from cfg alone (for the receipt, the certificate, kioskctl):
 * [platform] device_id, else kiosk-<16 hex of SHA-256(/etc/machine-id)>. */
void platform_config_device_id(const settings *cfg, char *out, size_t size);

/* method "GET" or "POST"; path starts with '/' (appended to the endpoint);
 * body (JSON, may be NULL) is sent as it is, not copied: the caller keeps
 * it until this returns and wipes it if it holds personal data.
 * timeout_ms 0 = [platform] timeout. Fills *out (clear it after). */
void platform_request(platform *p, const char *method, const char *path, const char *body,
                      size_t body_len, int timeout_ms, platform_reply *out);

/* What the server's certificate says (platform_request_cert). */
typedef struct platform_cert {
    char subject[256];
    char expires_text[64];
    int64_t expires;        /* epoch seconds; 0 when unknown (plain http) */
    int chain;              /* certificates the server sent */
} platform_cert;

/* A GET over a fresh connection that also reads the server certificate:
 * for `kioskctl platform check`. */
void platform_request_cert(platform *p, const char *path, platform_reply *out,
                           platform_cert *cert);

void platform_reply_clear(platform_reply *r);

/* "dns", "connect", "timeout", "tls", "pin", "cert", "broken", ... */
const char *platform_err_name(platform_err e);
/* True for the failures that say the network or the platform is away
 * (as opposed to a configuration a technician must fix). */
bool platform_err_transient(platform_err e);

#endif
