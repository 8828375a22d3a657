/*
 * kioskctl platform check: can this kiosk reach its platform, and if not,
 * why -- in the order a technician fixes things: the name, the connection
 * and TLS, the server's certificate and pins, our client certificate, the
 * token, the clock, the speed. Each line says ok, warn or FAIL; the exit
 * status is 1 when any line failed.
 */
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "platform/platform.h"
#include "preflight/preflight.h"
#include "settings/settings.h"

#define LATENCY_TRIES 5

static int usage(void)
{
    fputs("usage: kioskctl platform check [--config FILE]\n", stderr);
    return 2;
}

static int problems;

static void line(const char *what, const char *verdict, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void line(const char *what, const char *verdict, const char *fmt, ...)
{
    char text[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    printf("%-20s %-5s %s\n", what, verdict, text);
    if (!strcmp(verdict, "FAIL"))
        problems++;
}

/* The host part of an endpoint URL. */
static void endpoint_host(const char *url, char *host, size_t size)
{
    const char *h = strstr(url, "://");
    h = h ? h + 3 : url;
    size_t n;
    if (*h == '[') {
        h++;
        n = strcspn(h, "]");
    } else {
        n = strcspn(h, ":/");
    }
    snprintf(host, size, "%.*s", (int)(n < size ? n : size - 1), h);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* What a failed request means, for the line of the step that failed. */
static void explain(const settings *s, const platform_reply *r)
{
    switch (r->err) {
    case PLATFORM_ERR_TLS:
        line("tls", "FAIL", "%s -- is [platform] ca_file (%s) the CA that signed the "
             "platform's certificate?", r->error, s->platform_ca_file ? s->platform_ca_file
                                                                      : "the system's CAs");
        break;
    case PLATFORM_ERR_PIN:
        line("pins", "FAIL", "the platform's public key is none of [platform] pins; get the "
             "new one from the platform team (openssl x509 -pubkey | openssl pkey -pubin "
             "-outform der | openssl dgst -sha256 -binary | base64)");
        break;
    case PLATFORM_ERR_CERT:
        line("client certificate", "FAIL", "refused by the platform: %s -- renew [platform] "
             "client_cert (%s)", r->error, s->platform_client_cert ? s->platform_client_cert
                                                                    : "none set");
        break;
    case PLATFORM_ERR_TIMEOUT:
        line("connect", "FAIL", "%s (connect_timeout %d s, timeout %d s)", r->error,
             s->platform_connect_timeout, s->platform_timeout);
        break;
    default:
        line("connect", "FAIL", "%s", r->error);
        break;
    }
}

static int check(const settings *s)
{
    char why[300];
    platform *p = platform_new(s, why, sizeof why);
    if (!p) {
        line("config", "FAIL", "%s", why);
        return 1;
    }
    if (!platform_enabled(p)) {
        line("endpoint", "FAIL", "no [platform] endpoint: transactions wait on this kiosk");
        platform_free(p);
        return 1;
    }
    line("endpoint", "ok", "%s", platform_endpoint(p));
    line("device id", "ok", "%s", platform_device_id(p));

    char host[256];
    endpoint_host(platform_endpoint(p), host, sizeof host);
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai = NULL;
    int g = getaddrinfo(host, NULL, &hints, &ai);
    if (g != 0) {
        line("dns", "FAIL", "%s does not resolve: %s", host, gai_strerror(g));
        platform_free(p);
        return 1;
    }
    char addr[NI_MAXHOST] = "?";
    getnameinfo(ai->ai_addr, ai->ai_addrlen, addr, sizeof addr, NULL, 0, NI_NUMERICHOST);
    freeaddrinfo(ai);
    line("dns", "ok", "%s -> %s", host, addr);

    platform_reply r;
    platform_cert cert;
    platform_request_cert(p, "/v1/health", &r, &cert);
    bool tls = !strncmp(platform_endpoint(p), "https://", 8);
    if (r.err != PLATFORM_OK) {
        explain(s, &r);
        platform_reply_clear(&r);
        platform_free(p);
        return 1;
    }
    line("connect", "ok", "%s in %.0f ms", tls ? "TLS handshake and reply" : "reply (plain "
         "http: loopback only)", r.seconds * 1000);
    if (tls) {
        time_t now = time(NULL);
        long days = cert.expires ? (long)((cert.expires - now) / 86400) : -1;
        line("server certificate", !cert.expires ? "warn" : days < 30 ? "warn" : "ok",
             "%s; expires%s (in %ld days)", cert.subject, cert.expires_text, days);
        line("pins", "ok", "%s", s->platform_pins && *s->platform_pins
                                     ? "the platform's key is among [platform] pins"
                                     : "none configured");
        line("client certificate", "ok", "%s", s->platform_client_cert
                                                   ? "accepted by the platform"
                                                   : "none configured");
    }
    if (r.status == 401 || r.status == 403)
        line("token", "FAIL", "HTTP %ld: the platform refuses [platform] token_file (%s)",
             r.status, s->platform_token_file ? s->platform_token_file : "none set");
    else if (r.status != 200)
        line("health", "FAIL", "GET /v1/health answered HTTP %ld -- is the endpoint's path "
             "right?", r.status);
    else
        line("token", "ok", "%s", s->platform_token_file ? "accepted" : "none configured");
    if (r.server_date) {
        long skew = (long)(time(NULL) - r.server_date);
        line("clock skew", labs(skew) > 300 ? "FAIL" : labs(skew) > 30 ? "warn" : "ok",
             "%+ld s against the platform's Date%s", skew,
             labs(skew) > 30 ? " -- check NTP (timedatectl)" : "");
    } else {
        line("clock skew", "warn", "the platform sent no Date header");
    }
    platform_reply_clear(&r);

    double ms[LATENCY_TRIES];
    int got = 0;
    for (int i = 0; i < LATENCY_TRIES; i++) {
        platform_request(p, "GET", "/v1/health", NULL, 0, 0, &r);
        if (r.err == PLATFORM_OK)
            ms[got++] = r.seconds * 1000;
        platform_reply_clear(&r);
    }
    if (got) {
        qsort(ms, (size_t)got, sizeof *ms, cmp_double);
        line("latency", ms[got / 2] > 2000 ? "warn" : "ok", "median %.1f ms, worst %.1f ms of %d "
             "(kept-alive connection)", ms[got / 2], ms[got - 1], got);
    } else {
        line("latency", "FAIL", "no reply to %d tries", LATENCY_TRIES);
    }
    platform_free(p);
    return problems ? 1 : 0;
}

int cmd_platform(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "check"))
        return usage();
    const char *config = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--config") && i + 1 < argc)
            config = argv[++i];
        else
            return usage();
    }
    if (!config)
        config = preflight_default_path();
    settings s;
    diag_list errs = DIAG_LIST_INIT;
    if (!settings_load(&s, config, &errs)) {
        diag_print(&errs, stderr);
        diag_clear(&errs);
        fprintf(stderr, "kioskctl platform: fix %s first (kioskctl config check)\n", config);
        return 1;
    }
    problems = 0;
    int rc = check(&s);
    printf("%s\n", rc ? "result: FAIL -- see the lines above" : "result: ok");
    settings_free(&s);
    return rc;
}
