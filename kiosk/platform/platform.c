/*
 * platform: see platform.h.
 */
#include "platform/platform.h"
#include "common/textfile.h"

#include <ctype.h>
#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* A reply larger than this is not one of ours: cut, and a failure. */
#define MAX_BODY (16u * 1024 * 1024)

struct platform {
    CURL *curl;
    struct curl_slist *headers;
    char *endpoint;         /* "" when none */
    char *ca_file, *cert, *key, *pins;
    char device_id[80];
    long connect_ms, timeout_ms;
    bool fresh;             /* the last exchange broke: do not reuse its connection */
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void curl_global(void)
{
    /* once per process, before any thread makes a handle */
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static char *dup_or_null(const char *s)
{
    return s && *s ? strdup(s) : NULL;
}

/* kiosk-<16 hex of SHA-256(/etc/machine-id)>: stable per installation,
 * and the machine id itself never leaves the kiosk. */
static void derive_device_id(char *out, size_t size)
{
    char id[128] = "", why[200];
    int fd = textfile_open("/etc/machine-id", 0, NULL, why, sizeof why);
    FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
    if (fd >= 0 && !f)
        close(fd);
    if (f) {
        if (!fgets(id, sizeof id, f))
            id[0] = '\0';
        fclose(f);
    }
    id[strcspn(id, "\r\n")] = '\0';
    if (!*id) {
        snprintf(out, size, "kiosk-unknown");
        return;
    }
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)id, strlen(id));
    char hex[17];
    sodium_bin2hex(hex, sizeof hex, h, 8);
    snprintf(out, size, "kiosk-%s", hex);
}

/* The token: the first line of the file, surrounding blanks trimmed. */
static bool read_token(const char *path, char *out, size_t size, char *why, size_t wsize)
{
    char reason[200];
    int fd = textfile_open(path, 0, NULL, reason, sizeof reason);
    FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        snprintf(why, wsize, "[platform] token_file %s %s", path, reason);
        return false;
    }
    char line[2048] = "";
    if (!fgets(line, sizeof line, f))
        line[0] = '\0';
    fclose(f);
    char *s = line;
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strcspn(s, "\r\n");
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    bool ok = n > 0 && n < size;
    for (size_t i = 0; ok && i < n; i++)
        ok = s[i] > ' ' && s[i] < 0x7f;
    if (ok)
        snprintf(out, size, "%.*s", (int)n, s);
    else
        snprintf(why, wsize, "[platform] token_file %s does not hold one token on its first line",
                 path);
    sodium_memzero(line, sizeof line);
    return ok;
}

platform *platform_new(const settings *cfg, char *why, size_t wsize)
{
    pthread_once(&curl_once, curl_global);
    platform *p = calloc(1, sizeof *p);
    if (!p || curl_init_rc != CURLE_OK) {
        snprintf(why, wsize, "cannot start libcurl");
        free(p);
        return NULL;
    }
    p->endpoint = strdup(cfg->platform_endpoint ? cfg->platform_endpoint : "");
    p->ca_file = dup_or_null(cfg->platform_ca_file);
    p->cert = dup_or_null(cfg->platform_client_cert);
    p->key = dup_or_null(cfg->platform_client_key);
    p->pins = dup_or_null(cfg->platform_pins);
    p->connect_ms = cfg->platform_connect_timeout * 1000L;
    p->timeout_ms = cfg->platform_timeout * 1000L;
    platform_config_device_id(cfg, p->device_id, sizeof p->device_id);
    p->curl = curl_easy_init();
    struct curl_slist *h = NULL;
    h = curl_slist_append(h, "Content-Type: application/json");
    if (h)
        h = curl_slist_append(h, "Accept: application/json");
    if (h)
        h = curl_slist_append(h, "Expect:"); /* no 100-continue round trip */
    if (h && cfg->platform_token_file && *cfg->platform_token_file) {
        char token[1024], header[1100];
        if (!read_token(cfg->platform_token_file, token, sizeof token, why, wsize)) {
            curl_slist_free_all(h);
            p->headers = NULL;
            platform_free(p);
            return NULL;
        }
        snprintf(header, sizeof header, "Authorization: Bearer %s", token);
        h = curl_slist_append(h, header);
        sodium_memzero(token, sizeof token);
        sodium_memzero(header, sizeof header);
    }
    p->headers = h;
    if (!p->endpoint || !p->curl || !h) {
        snprintf(why, wsize, "out of memory");
        platform_free(p);
        return NULL;
    }
    return p;
}

void platform_free(platform *p)
{
    if (!p)
        return;
    if (p->curl)
        curl_easy_cleanup(p->curl);
    curl_slist_free_all(p->headers); /* the token header: libcurl frees it */
    free(p->endpoint);
    free(p->ca_file);
    free(p->cert);
    free(p->key);
    free(p->pins);
    free(p);
}

bool platform_enabled(const platform *p)
{
    return p && p->endpoint && *p->endpoint;
}

const char *platform_endpoint(const platform *p)
{
    return p && p->endpoint ? p->endpoint : "";
}

void platform_config_device_id(const settings *cfg, char *out, size_t size)
{
    if (cfg->platform_device_id && *cfg->platform_device_id)
        snprintf(out, size, "%s", cfg->platform_device_id);
    else
        derive_device_id(out, size);
}

const char *platform_device_id(const platform *p)
{
    return p ? p->device_id : "";
}

/* ---- one request ---------------------------------------------------------- */

typedef struct sink {
    platform_reply *r;
    size_t cap;
    bool too_big;
} sink;

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
    sink *s = user;
    size_t len = size * n;
    platform_reply *r = s->r;
    if (r->body_len + len + 1 > MAX_BODY) {
        s->too_big = true;
        return 0; /* libcurl stops with CURLE_WRITE_ERROR */
    }
    if (r->body_len + len + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (cap < r->body_len + len + 1)
            cap *= 2;
        char *b = realloc(r->body, cap);
        if (!b)
            return 0;
        r->body = b;
        s->cap = cap;
    }
    memcpy(r->body + r->body_len, data, len);
    r->body_len += len;
    r->body[r->body_len] = '\0';
    return len;
}

/* Header value when line is "name: value", else NULL; value trimmed into buf. */
static const char *header_value(const char *line, size_t len, const char *name, char *buf,
                                size_t size)
{
    size_t nl = strlen(name);
    if (len <= nl || strncasecmp(line, name, nl) || line[nl] != ':')
        return NULL;
    const char *v = line + nl + 1;
    size_t vl = len - nl - 1;
    while (vl && (*v == ' ' || *v == '\t'))
        v++, vl--;
    while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
        vl--;
    if (vl >= size)
        vl = size - 1;
    memcpy(buf, v, vl);
    buf[vl] = '\0';
    return buf;
}

static size_t on_header(char *data, size_t size, size_t n, void *user)
{
    platform_reply *r = user;
    size_t len = size * n;
    char v[128];
    if (header_value(data, len, "Retry-After", v, sizeof v)) {
        /* seconds, or an HTTP date (RFC 9110 section 10.2.3) */
        char *end;
        long long secs = strtoll(v, &end, 10);
        if (end != v && !*end && secs >= 0) {
            r->retry_after = secs;
        } else {
            time_t at = curl_getdate(v, NULL);
            if (at > 0) {
                time_t now = time(NULL);
                r->retry_after = at > now ? (int64_t)(at - now) : 0;
            }
        }
    } else if (header_value(data, len, "Date", v, sizeof v)) {
        time_t at = curl_getdate(v, NULL);
        if (at > 0)
            r->server_date = at;
    }
    return len;
}

static platform_err classify(CURLcode c, const char *msg)
{
    switch (c) {
    case CURLE_OK:
        return PLATFORM_OK;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return PLATFORM_ERR_DNS;
    case CURLE_COULDNT_CONNECT:
        return PLATFORM_ERR_CONNECT;
    case CURLE_OPERATION_TIMEDOUT:
        return PLATFORM_ERR_TIMEOUT;
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        return PLATFORM_ERR_PIN;
    case CURLE_SSL_CERTPROBLEM:
        return PLATFORM_ERR_CERT;
    case CURLE_OUT_OF_MEMORY:
        return PLATFORM_ERR_NOMEM;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_ISSUER_ERROR:
    default:
        break;
    }
    /* a server refusing our certificate answers with a TLS alert, which
     * libcurl reports as a failed handshake or a failed receive */
    if (msg && (strstr(msg, "certificate expired") || strstr(msg, "bad certificate") ||
                strstr(msg, "unknown ca") || strstr(msg, "certificate required") ||
                strstr(msg, "certificate unknown")))
        return PLATFORM_ERR_CERT;
    if (c == CURLE_PEER_FAILED_VERIFICATION || c == CURLE_SSL_CACERT_BADFILE ||
        c == CURLE_SSL_CONNECT_ERROR || c == CURLE_SSL_ISSUER_ERROR)
        return PLATFORM_ERR_TLS;
    return PLATFORM_ERR_BROKEN;
}

/* The server certificate's subject and "Expire date" as libcurl's
 * certificate info gives them (first certificate of the chain). */
static void read_certinfo(CURL *c, platform_cert *cert)
{
    struct curl_certinfo *ci = NULL;
    if (curl_easy_getinfo(c, CURLINFO_CERTINFO, &ci) != CURLE_OK || !ci || ci->num_of_certs < 1)
        return;
    for (struct curl_slist *l = ci->certinfo[0]; l; l = l->next) {
        if (!strncmp(l->data, "Subject:", 8))
            snprintf(cert->subject, sizeof cert->subject, "%s", l->data + 8);
        else if (!strncmp(l->data, "Expire date:", 12)) {
            snprintf(cert->expires_text, sizeof cert->expires_text, "%s", l->data + 12);
            time_t t = curl_getdate(l->data + 12, NULL);
            cert->expires = t > 0 ? (int64_t)t : 0;
        }
    }
    cert->chain = ci->num_of_certs;
}

static void perform(platform *p, const char *method, const char *path, const char *body,
                    size_t body_len, int timeout_ms, platform_reply *out, platform_cert *cert);

void platform_request(platform *p, const char *method, const char *path, const char *body,
                      size_t body_len, int timeout_ms, platform_reply *out)
{
    perform(p, method, path, body, body_len, timeout_ms, out, NULL);
}

void platform_request_cert(platform *p, const char *path, platform_reply *out,
                           platform_cert *cert)
{
    memset(cert, 0, sizeof *cert);
    perform(p, "GET", path, NULL, 0, 0, out, cert);
}

static void perform(platform *p, const char *method, const char *path, const char *body,
                    size_t body_len, int timeout_ms, platform_reply *out, platform_cert *cert)
{
    memset(out, 0, sizeof *out);
    out->retry_after = -1;
    if (!platform_enabled(p)) {
        out->err = PLATFORM_ERR_NONE;
        snprintf(out->error, sizeof out->error, "no [platform] endpoint configured");
        return;
    }
    size_t ulen = strlen(p->endpoint) + strlen(path) + 1;
    char *url = malloc(ulen);
    if (!url) {
        out->err = PLATFORM_ERR_NOMEM;
        snprintf(out->error, sizeof out->error, "out of memory");
        return;
    }
    snprintf(url, ulen, "%s%s", p->endpoint, path);
    CURL *c = p->curl;
    char errbuf[CURL_ERROR_SIZE] = "";
    sink s = {.r = out};
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM for DNS */
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, p->headers);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "kiosk/0.1");
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, p->connect_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? (long)timeout_ms : p->timeout_ms);
    /* a connection that trickles is as dead as one that hangs */
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 64L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, p->timeout_ms / 2000 > 0 ? p->timeout_ms / 2000 : 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (p->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, p->ca_file);
    if (p->cert) {
        curl_easy_setopt(c, CURLOPT_SSLCERT, p->cert);
        curl_easy_setopt(c, CURLOPT_SSLKEY, p->key);
    }
    if (p->pins)
        curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, p->pins);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
    if (!strcmp(method, "POST")) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? body_len : 0));
    } else {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    if (p->fresh)
        curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
    if (cert) {
        curl_easy_setopt(c, CURLOPT_CERTINFO, 1L);
        curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L); /* a fresh handshake */
    }
    CURLcode rc = curl_easy_perform(c);
    if (cert)
        read_certinfo(c, cert);
    double t = 0;
    curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &t);
    out->seconds = t;
    /* the response code only counts when the exchange finished */
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    out->err = s.too_big ? PLATFORM_ERR_BROKEN : classify(rc, errbuf);
    p->fresh = rc != CURLE_OK;
    if (rc != CURLE_OK)
        snprintf(out->error, sizeof out->error, "%s: %.200s", platform_err_name(out->err),
                 s.too_big ? "reply larger than 16 MB" : *errbuf ? errbuf : curl_easy_strerror(rc));
    if (rc != CURLE_OK) {
        free(out->body);
        out->body = NULL;
        out->body_len = 0;
        out->status = 0;
    }
    free(url);
}

void platform_reply_clear(platform_reply *r)
{
    if (!r)
        return;
    if (r->body) {
        /* replies of online services carry personal data */
        sodium_memzero(r->body, r->body_len);
        free(r->body);
    }
    memset(r, 0, sizeof *r);
}

const char *platform_err_name(platform_err e)
{
    static const char *const names[] = {"ok",      "none",    "config", "dns",
                                        "connect", "timeout", "tls",    "pin",
                                        "cert",    "broken",  "nomem"};
    return (unsigned)e < sizeof names / sizeof *names ? names[e] : "?";
}

bool platform_err_transient(platform_err e)
{
    return e == PLATFORM_ERR_DNS || e == PLATFORM_ERR_CONNECT || e == PLATFORM_ERR_TIMEOUT ||
           e == PLATFORM_ERR_BROKEN || e == PLATFORM_ERR_NOMEM;
}
