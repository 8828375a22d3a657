/*
 * printer_state: see printer_state.h (the table there is the contract).
 */
#include "print/printer_state.h"

#include <stdio.h>
#include <string.h>

/* The keyword without its severity suffix, and the suffix. */
typedef enum severity { SEV_NONE, SEV_REPORT, SEV_WARNING, SEV_ERROR } severity;

static severity split(const char *reason, char *word, size_t size)
{
    static const struct {
        const char *suffix;
        severity sev;
    } suffixes[] = {{"-error", SEV_ERROR}, {"-warning", SEV_WARNING}, {"-report", SEV_REPORT}};
    size_t n = strlen(reason);
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        size_t sl = strlen(suffixes[i].suffix);
        if (n > sl && !strcmp(reason + n - sl, suffixes[i].suffix)) {
            snprintf(word, size, "%.*s", (int)(n - sl), reason);
            return suffixes[i].sev;
        }
    }
    snprintf(word, size, "%s", reason);
    return SEV_NONE;
}

static bool is_one_of(const char *word, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(word, *list))
            return true;
    return false;
}

/* Rows of the table in printer_state.h, most urgent first. */
enum { R_PAPER_OUT, R_JAM, R_COVER, R_FAULT, R_OFFLINE, R_STOPPED, R_REJECTING, R_PAPER_LOW,
       R_ATTENTION, R_COUNT };

static const struct {
    status_state state;
    const char *key;
    bool blocks;
    bool warning;
} rows[R_COUNT] = {
    [R_PAPER_OUT] = {STATUS_HARDWARE_ERROR, "status.printer_paper_out", true, false},
    [R_JAM] = {STATUS_HARDWARE_ERROR, "status.printer_jam", true, false},
    [R_COVER] = {STATUS_HARDWARE_ERROR, "status.printer_cover_open", true, false},
    [R_FAULT] = {STATUS_HARDWARE_ERROR, "status.printer_fault", true, false},
    /* an offline printer may come back by itself (a cable, a power
     * button): only the job's deadline gives up on it */
    [R_OFFLINE] = {STATUS_OFFLINE, "status.printer_offline", false, false},
    [R_STOPPED] = {STATUS_HARDWARE_ERROR, "status.printer_stopped", true, false},
    /* a queue refusing new jobs still prints the ones it has */
    [R_REJECTING] = {STATUS_HARDWARE_ERROR, "status.printer_stopped", false, false},
    [R_PAPER_LOW] = {STATUS_ONLINE, "status.printer_paper_low", false, true},
    [R_ATTENTION] = {STATUS_ONLINE, "status.printer_attention", false, true},
};

const char *printer_state_name(int state)
{
    switch (state) {
    case CUPS_QUEUE_IDLE: return "idle";
    case CUPS_QUEUE_PROCESSING: return "processing";
    case CUPS_QUEUE_STOPPED: return "stopped";
    }
    return "unknown";
}

void printer_state_judge(const char *destination, const cups_printer_info *p,
                         printer_verdict *out)
{
    static const char *const paper_out[] = {"media-empty", "media-needed", NULL};
    static const char *const cover[] = {"cover-open", "door-open", "interlock-open", NULL};
    static const char *const offline[] = {"offline", "timed-out", "shutdown", NULL};
    bool hit[R_COUNT] = {false};
    for (int i = 0; i < p->n_reasons; i++) {
        char word[48];
        severity sev = split(p->reasons[i], word, sizeof word);
        if (is_one_of(word, paper_out))
            hit[R_PAPER_OUT] = true;
        else if (!strcmp(word, "media-jam"))
            hit[R_JAM] = true;
        else if (is_one_of(word, cover))
            hit[R_COVER] = true;
        else if (is_one_of(word, offline))
            hit[R_OFFLINE] = true;
        else if (!strcmp(word, "paused"))
            hit[R_STOPPED] = true;
        else if (!strcmp(word, "media-low"))
            hit[R_PAPER_LOW] = true;
        else if (sev == SEV_ERROR)
            hit[R_FAULT] = true;
        else if (sev == SEV_WARNING)
            hit[R_ATTENTION] = true;
    }
    if (p->state == CUPS_QUEUE_STOPPED)
        hit[R_STOPPED] = true;
    if (!p->accepting)
        hit[R_REJECTING] = true;

    memset(out, 0, sizeof *out);
    out->state = STATUS_ONLINE;
    for (int r = 0; r < R_COUNT; r++) {
        if (!hit[r])
            continue;
        if (rows[r].warning) {
            if (!out->warning_key)
                out->warning_key = rows[r].key;
        } else if (!out->reason_key) {
            out->state = rows[r].state;
            out->reason_key = rows[r].key;
        }
        out->blocks |= rows[r].blocks;
    }

    char reasons[CUPS_QUEUE_MAX_REASONS * 50] = "";
    /* the detail is a line for technicians: each part is cut to its share */
    for (int i = 0; i < p->n_reasons; i++) {
        size_t used = strlen(reasons);
        snprintf(reasons + used, sizeof reasons - used, "%s%s", i ? ", " : "", p->reasons[i]);
    }
    char line[512];
    snprintf(line, sizeof line, "CUPS queue %.40s: %s%s%s%.80s%s%s%.60s", destination,
             printer_state_name(p->state), p->accepting ? "" : ", rejecting jobs",
             *reasons ? " (" : "", reasons, *reasons ? ")" : "", *p->message ? ": " : "",
             p->message);
    snprintf(out->detail, sizeof out->detail, "%.*s", (int)sizeof out->detail - 1, line);
}

void printer_state_judge_error(const char *destination, cups_err err, const char *why,
                               printer_verdict *out)
{
    memset(out, 0, sizeof *out);
    out->blocks = true;
    if (err == CUPS_ERR_NO_QUEUE) {
        out->state = STATUS_NO_DEVICE;
        out->reason_key = "status.printer_missing";
    } else if (err == CUPS_ERR_SERVER) {
        out->state = STATUS_HARDWARE_ERROR;
        out->reason_key = "status.printer_no_cups";
    } else {
        out->state = STATUS_HARDWARE_ERROR;
        out->reason_key = "status.printer_fault";
    }
    snprintf(out->detail, sizeof out->detail, "CUPS queue %.40s: %.140s", destination,
             why && *why ? why : "no answer");
}
