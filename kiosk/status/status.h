/*
 * status: every device and service reports its state here, in one shape,
 * and everything that shows or sends a state (the status bar, the idle
 * and sign-out reminders, later the technician's diagnostics and the
 * platform heartbeat) reads it from here and nowhere else.
 *
 * The states are the common device states of XFS4IoT (CEN/TS 17852,
 * Common.Status "device"): online, offline, powerOff, noDevice,
 * hardwareError, userError, deviceBusy. Each entry also carries a reason for
 * residents (an i18n key), a plain technical text for technicians (English,
 * never personal data), the time of the last change and the last error,
 * which stays after the device recovers so a technician can still see what
 * happened at 3 a.m.
 *
 * Thread-safe: a driver thread or the UI thread may report; anyone may
 * read a copy.
 */
#ifndef KIOSK_STATUS_H
#define KIOSK_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define STATUS_MAX_ENTRIES 16

typedef enum status_state {
    STATUS_ONLINE,          /* working */
    STATUS_OFFLINE,         /* present but not reachable (link down, platform away) */
    STATUS_POWER_OFF,       /* switched off */
    STATUS_NO_DEVICE,       /* not connected / not configured */
    STATUS_HARDWARE_ERROR,  /* needs a technician */
    STATUS_USER_ERROR,      /* a resident can fix it (take the card, close the cover) */
    STATUS_DEVICE_BUSY      /* working on something, try again shortly */
} status_state;

typedef struct status_entry {
    char name[24];          /* "idcard", "printer", "uploader", ... */
    status_state state;
    char reason_key[48];    /* i18n key for residents, "" for none */
    char detail[160];       /* for technicians, English, no personal data */
    bool simulated;         /* a simulator stands in (demo mode) */
    char attention_key[48]; /* i18n key of a reminder for the resident at
                               the end of a session ("take your card"), ""
                               for none; independent of the state */
    char warning_key[48];   /* i18n key of a condition a technician should
                               see before it becomes an error (paper low),
                               "" for none; not shown to residents, and
                               independent of the state */
    int pending;            /* items waiting (queued records, print jobs) */
    time_t changed;         /* wall time of the last state change */
    char last_error[160];   /* detail of the last error state, kept */
    time_t last_error_at;   /* 0 when there never was one */
} status_entry;

/* Sets the state of name (registering it on first use) with its reasons;
 * reason_key and detail may be NULL for none. The change time moves only
 * when the state changes. False when the table is full. */
bool status_report(const char *name, status_state state, const char *reason_key,
                   const char *detail);

/* The other attributes of an entry (created if missing). */
void status_set_simulated(const char *name, bool simulated);
void status_set_attention(const char *name, const char *attention_key);
void status_set_pending(const char *name, int pending);
void status_set_warning(const char *name, const char *warning_key);

/* A copy of the entry called name; false when nothing was reported. */
bool status_get(const char *name, status_entry *out);

/* Entries in the order they first reported; false past the end. */
bool status_at(size_t i, status_entry *out);

/* "online", "offline", "powerOff", "noDevice", "hardwareError",
 * "userError", "deviceBusy" (the XFS4IoT spellings). */
const char *status_state_name(status_state s);

/* True for the two error states. */
bool status_is_error(status_state s);

/* Forgets every entry (tests, and a kiosk shutting down). */
void status_reset(void);

#endif
