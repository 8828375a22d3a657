#include "status.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "common/clock.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static status_entry entries[STATUS_MAX_ENTRIES];
static size_t n_entries;

/* Caller holds mu. */
static status_entry *find(const char *name, bool create)
{
    for (size_t i = 0; i < n_entries; i++)
        if (!strcmp(entries[i].name, name))
            return &entries[i];
    if (!create || n_entries == STATUS_MAX_ENTRIES)
        return NULL;
    status_entry *e = &entries[n_entries++];
    memset(e, 0, sizeof *e);
    snprintf(e->name, sizeof e->name, "%s", name);
    e->state = STATUS_NO_DEVICE;
    e->changed = clock_wall();
    return e;
}

bool status_is_error(status_state s)
{
    return s == STATUS_HARDWARE_ERROR || s == STATUS_USER_ERROR;
}

bool status_report(const char *name, status_state state, const char *reason_key,
                   const char *detail)
{
    pthread_mutex_lock(&mu);
    status_entry *e = find(name, true);
    if (e) {
        if (e->state != state)
            e->changed = clock_wall();
        e->state = state;
        snprintf(e->reason_key, sizeof e->reason_key, "%s", reason_key ? reason_key : "");
        snprintf(e->detail, sizeof e->detail, "%s", detail ? detail : "");
        if (status_is_error(state)) {
            snprintf(e->last_error, sizeof e->last_error, "%s", e->detail);
            e->last_error_at = clock_wall();
        }
    }
    pthread_mutex_unlock(&mu);
    return e != NULL;
}

void status_set_simulated(const char *name, bool simulated)
{
    pthread_mutex_lock(&mu);
    status_entry *e = find(name, true);
    if (e)
        e->simulated = simulated;
    pthread_mutex_unlock(&mu);
}

void status_set_attention(const char *name, const char *attention_key)
{
    pthread_mutex_lock(&mu);
    status_entry *e = find(name, true);
    if (e)
        snprintf(e->attention_key, sizeof e->attention_key, "%s",
                 attention_key ? attention_key : "");
    pthread_mutex_unlock(&mu);
}

void status_set_warning(const char *name, const char *warning_key)
{
    pthread_mutex_lock(&mu);
    status_entry *e = find(name, true);
    if (e)
        snprintf(e->warning_key, sizeof e->warning_key, "%s", warning_key ? warning_key : "");
    pthread_mutex_unlock(&mu);
}

void status_set_pending(const char *name, int pending)
{
    pthread_mutex_lock(&mu);
    status_entry *e = find(name, true);
    if (e)
        e->pending = pending;
    pthread_mutex_unlock(&mu);
}

bool status_get(const char *name, status_entry *out)
{
    pthread_mutex_lock(&mu);
    status_entry *e = find(name, false);
    if (e)
        *out = *e;
    pthread_mutex_unlock(&mu);
    return e != NULL;
}

bool status_at(size_t i, status_entry *out)
{
    pthread_mutex_lock(&mu);
    bool ok = i < n_entries;
    if (ok)
        *out = entries[i];
    pthread_mutex_unlock(&mu);
    return ok;
}

const char *status_state_name(status_state s)
{
    switch (s) {
    case STATUS_ONLINE: return "online";
    case STATUS_OFFLINE: return "offline";
    case STATUS_POWER_OFF: return "powerOff";
    case STATUS_NO_DEVICE: return "noDevice";
    case STATUS_HARDWARE_ERROR: return "hardwareError";
    case STATUS_USER_ERROR: return "userError";
    case STATUS_DEVICE_BUSY: return "deviceBusy";
    }
    return "?";
}

void status_reset(void)
{
    pthread_mutex_lock(&mu);
    memset(entries, 0, sizeof entries);
    n_entries = 0;
    pthread_mutex_unlock(&mu);
}
