/*
 * cups_job: see cups_job.h.
 */
#include "print/cups_job.h"

#include <cups/cups.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cups_conn {
    http_t *http;
    char server[300];
};

/* httpSetTimeout's callback: asked whether to go on waiting once the
 * timeout has passed. Never: a cupsd that does not answer within it is
 * treated as down. */
static int give_up(http_t *http, void *user)
{
    (void)http;
    (void)user;
    return 0;
}

cups_conn *cups_conn_open(int timeout_ms, char *why, size_t why_size)
{
    cups_conn *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(why, why_size, "out of memory");
        return NULL;
    }
    /* cupsServer() first: it reads CUPS_SERVER or client.conf and sets the
     * port ippPort() returns. libcups 2.4's cupsCopyDestInfo compares a
     * connection with exactly this name and port (kept per thread) to
     * tell the CUPS server from a printer's own IPP service, so connect
     * with them and nothing else. */
    const char *server = cupsServer();
    int port = ippPort();
    if (server[0] == '/')
        snprintf(c->server, sizeof c->server, "%s", server);
    else
        snprintf(c->server, sizeof c->server, "%s:%d", server, port);
    c->http = httpConnect2(server, port, NULL, AF_UNSPEC, cupsEncryption(), 1, timeout_ms, NULL);
    if (!c->http) {
        /* libcups tries every address and then says "Host is down" even
         * for a refused loopback connection: the server is what matters */
        snprintf(why, why_size, "cannot reach CUPS at %s: is cupsd running? (libcups: %s)",
                 c->server, cupsLastErrorString());
        free(c);
        return NULL;
    }
    httpSetTimeout(c->http, timeout_ms / 1000.0, give_up, NULL);
    return c;
}

void cups_conn_close(cups_conn *c)
{
    if (!c)
        return;
    httpClose(c->http);
    free(c);
}

const char *cups_conn_server(const cups_conn *c)
{
    return c->server;
}

/* What the last failed call means, with why filled. The connection
 * itself failing (cupsd gone, or silent past the timeout) comes first:
 * libcups then reports it as an internal or unavailable status. */
static cups_err failed(cups_conn *c, const char *what, char *why, size_t why_size)
{
    ipp_status_t st = cupsLastError();
    const char *text = cupsLastErrorString();
    int herr = httpError(c->http);
    if (herr || st == IPP_STATUS_ERROR_SERVICE_UNAVAILABLE ||
        (st == IPP_STATUS_ERROR_INTERNAL && httpGetFd(c->http) < 0)) {
        snprintf(why, why_size, "%s: CUPS at %s did not answer: %s", what, c->server,
                 herr ? strerror(herr) : text);
        return CUPS_ERR_SERVER;
    }
    snprintf(why, why_size, "%s: %s (%s)", what, text ? text : "?", ippErrorString(st));
    if (st == IPP_STATUS_ERROR_NOT_FOUND)
        return CUPS_ERR_NO_QUEUE;
    return CUPS_ERR_REFUSED;
}

/* The printer URI cupsd knows destination by (any host name will do for
 * the server itself). */
static void printer_uri(char *uri, size_t size, const char *destination)
{
    httpAssembleURIf(HTTP_URI_CODING_ALL, uri, (int)size, "ipp", NULL, "localhost", ippPort(),
                     "/printers/%s", destination);
}

/* Write the document in pieces, so the timeout covers each write and
 * not the whole document. */
#define WRITE_CHUNK 16384

cups_err cups_job_submit(cups_conn *c, const char *destination, const char *title,
                         const char *format, const void *data, size_t len, int *job_id,
                         char *why, size_t why_size)
{
    *job_id = 0;
    char what[200];
    snprintf(what, sizeof what, "queue %s", destination);
    cups_dest_t *dest = cupsGetNamedDest(c->http, destination, NULL);
    if (!dest) {
        cups_err e = failed(c, what, why, why_size);
        if (e == CUPS_ERR_REFUSED && cupsLastError() <= IPP_STATUS_OK_CONFLICTING) {
            /* libcups found nothing without an IPP error to say so */
            snprintf(why, why_size, "%s: no such CUPS queue (lpstat -e lists them)", what);
            e = CUPS_ERR_NO_QUEUE;
        }
        return e;
    }
    cups_err e = CUPS_OK;
    int id = 0;
    cups_dinfo_t *info = cupsCopyDestInfo(c->http, dest);
    if (!info) {
        e = failed(c, what, why, why_size);
        goto done;
    }
    if (cupsCreateDestJob(c->http, dest, info, &id, title, 0, NULL) > IPP_STATUS_OK_CONFLICTING ||
        id <= 0) {
        e = failed(c, what, why, why_size);
        id = 0;
        goto done;
    }
    /* The document's name without spaces: Debian 12's cupsd (2.4.2)
     * crashes (SIGSEGV while it builds the filter options) when it starts
     * a job whose document-name has a space; job-name may have them. */
    char docname[64];
    snprintf(docname, sizeof docname, "%s", title);
    for (char *s = docname; *s; s++)
        if (*s == ' ' || *s == '\t')
            *s = '-';
    if (cupsStartDestDocument(c->http, dest, info, id, docname, format, 0, NULL, 1) !=
        HTTP_STATUS_CONTINUE) {
        e = failed(c, what, why, why_size);
        goto done;
    }
    const char *p = data;
    for (size_t off = 0; off < len;) {
        size_t n = len - off < WRITE_CHUNK ? len - off : WRITE_CHUNK;
        if (cupsWriteRequestData(c->http, p + off, n) != HTTP_STATUS_CONTINUE) {
            /* finishing reads the server's answer, which says why */
            cupsFinishDestDocument(c->http, dest, info);
            e = failed(c, what, why, why_size);
            goto done;
        }
        off += n;
    }
    if (cupsFinishDestDocument(c->http, dest, info) > IPP_STATUS_OK_CONFLICTING)
        e = failed(c, what, why, why_size);
done:
    if (e != CUPS_OK && id > 0 && e != CUPS_ERR_SERVER) {
        /* a job created without its document would wait forever; purged
         * rather than cancelled, so no part of a document stays behind */
        cupsCancelJob2(c->http, destination, id, 1);
        id = 0;
    }
    if (e == CUPS_ERR_SERVER)
        id = 0; /* whatever cupsd kept of it, it has no document */
    *job_id = id;
    cupsFreeDestInfo(info);
    cupsFreeDests(1, dest);
    return e;
}

cups_err cups_job_query(cups_conn *c, const char *destination, int job_id, cups_job_info *out,
                        char *why, size_t why_size)
{
    static const char *const attrs[] = {"job-state", "job-state-reasons",
                                        "job-printer-state-message"};
    memset(out, 0, sizeof *out);
    char uri[HTTP_MAX_URI], what[200];
    printer_uri(uri, sizeof uri, destination);
    snprintf(what, sizeof what, "job %s-%d", destination, job_id);
    ipp_t *req = ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
    ippAddInteger(req, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", job_id);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL, cupsUser());
    ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                  (int)(sizeof attrs / sizeof *attrs), NULL, attrs);
    ipp_t *resp = cupsDoRequest(c->http, req, "/");
    if (!resp || cupsLastError() > IPP_STATUS_OK_CONFLICTING) {
        ippDelete(resp);
        cups_err e = failed(c, what, why, why_size);
        return e == CUPS_ERR_NO_QUEUE ? CUPS_ERR_NO_JOB : e;
    }
    ipp_attribute_t *a;
    if ((a = ippFindAttribute(resp, "job-state", IPP_TAG_ENUM)))
        out->state = ippGetInteger(a, 0);
    if ((a = ippFindAttribute(resp, "job-state-reasons", IPP_TAG_KEYWORD))) {
        for (int i = 0; i < ippGetCount(a); i++) {
            size_t used = strlen(out->reasons);
            snprintf(out->reasons + used, sizeof out->reasons - used, "%s%s", i ? "," : "",
                     ippGetString(a, i, NULL));
        }
    }
    if ((a = ippFindAttribute(resp, "job-printer-state-message", IPP_TAG_TEXT)))
        snprintf(out->message, sizeof out->message, "%s", ippGetString(a, 0, NULL));
    ippDelete(resp);
    return CUPS_OK;
}

cups_err cups_job_cancel(cups_conn *c, const char *destination, int job_id, char *why,
                         size_t why_size)
{
    char what[200];
    snprintf(what, sizeof what, "cancel job %s-%d", destination, job_id);
    cups_dest_t *dest = cupsGetNamedDest(c->http, destination, NULL);
    if (!dest)
        return failed(c, what, why, why_size);
    ipp_status_t st = cupsCancelDestJob(c->http, dest, job_id);
    cupsFreeDests(1, dest);
    /* a job that already ended cannot be cancelled, and needs not be */
    if (st <= IPP_STATUS_OK_CONFLICTING || st == IPP_STATUS_ERROR_NOT_POSSIBLE)
        return CUPS_OK;
    return failed(c, what, why, why_size);
}

cups_err cups_job_purge(cups_conn *c, const char *destination, int job_id, char *why,
                        size_t why_size)
{
    char what[200];
    snprintf(what, sizeof what, "purge job %s-%d", destination, job_id);
    /* cupsCancelJob2 with purge sends Cancel-Job with purge-job true, which
     * cupsd 2.x honours on a job that already ended too. (Debian 12's
     * `cancel -x` sends purge-jobs instead and is refused for such a job.) */
    if (cupsCancelJob2(c->http, destination, job_id, 1) > IPP_STATUS_OK_CONFLICTING) {
        cups_err e = failed(c, what, why, why_size);
        /* not found: already forgotten (PreserveJobHistory ran out, or a
         * purge whose answer was lost) */
        if (e != CUPS_ERR_NO_QUEUE)
            return e;
    }
    /* A job whose backend was running is only stopped: cupsd (2.4) keeps
     * it, without its document, until the backend is gone, and later
     * saves its history again. Only a job it no longer knows is gone. */
    cups_job_info info;
    cups_err e = cups_job_query(c, destination, job_id, &info, why, why_size);
    if (e == CUPS_ERR_NO_JOB)
        return CUPS_OK;
    if (e == CUPS_OK) {
        snprintf(why, why_size, "%s: its document is gone, cupsd still stops the job", what);
        return CUPS_ERR_BUSY;
    }
    return e;
}

cups_err cups_printer_query(cups_conn *c, const char *destination, cups_printer_info *out,
                            char *why, size_t why_size)
{
    static const char *const attrs[] = {"printer-state", "printer-state-reasons",
                                        "printer-state-message", "printer-is-accepting-jobs",
                                        "queued-job-count"};
    memset(out, 0, sizeof *out);
    char uri[HTTP_MAX_URI], what[200];
    printer_uri(uri, sizeof uri, destination);
    snprintf(what, sizeof what, "queue %s", destination);
    ipp_t *req = ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL, cupsUser());
    ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                  (int)(sizeof attrs / sizeof *attrs), NULL, attrs);
    ipp_t *resp = cupsDoRequest(c->http, req, "/");
    if (!resp || cupsLastError() > IPP_STATUS_OK_CONFLICTING) {
        ippDelete(resp);
        return failed(c, what, why, why_size);
    }
    ipp_attribute_t *a;
    if ((a = ippFindAttribute(resp, "printer-state", IPP_TAG_ENUM)))
        out->state = ippGetInteger(a, 0);
    if ((a = ippFindAttribute(resp, "printer-is-accepting-jobs", IPP_TAG_BOOLEAN)))
        out->accepting = ippGetBoolean(a, 0);
    if ((a = ippFindAttribute(resp, "queued-job-count", IPP_TAG_INTEGER)))
        out->queued = ippGetInteger(a, 0);
    if ((a = ippFindAttribute(resp, "printer-state-reasons", IPP_TAG_KEYWORD))) {
        for (int i = 0; i < ippGetCount(a) && out->n_reasons < CUPS_QUEUE_MAX_REASONS; i++) {
            const char *r = ippGetString(a, i, NULL);
            if (r && strcmp(r, "none"))
                snprintf(out->reasons[out->n_reasons++], sizeof out->reasons[0], "%s", r);
        }
    }
    if ((a = ippFindAttribute(resp, "printer-state-message", IPP_TAG_TEXT)))
        snprintf(out->message, sizeof out->message, "%s", ippGetString(a, 0, NULL));
    ippDelete(resp);
    return CUPS_OK;
}
