/*
 * form: the application form a kiosk service carries in the catalogue
 * (service member "form"), its rules and the checks on what a resident
 * typed into it.
 *
 *   "form": {
 *     "delivery": "queue" | "online",
 *     "reply": {"zh": ..., "en": ...},      queue: when and how they hear back
 *     "declaration": {...},                  optional, shown on the confirm page
 *     "fields": [
 *       {"id": "phone", "type": "phone", "label": {...}, "help": {...},
 *        "required": true, "min_length": 11, "max_length": 11,
 *        "pattern": "phone-cn", "min": 0, "max": 99,
 *        "choices": [{"id": "full", "label": {...}}, ...],
 *        "from_card": "name", "personal": true}]}
 *
 * Field types: text, digits, phone, date (YYYY-MM-DD), choice, yesno.
 * Patterns are a fixed set rather than regular expressions, so a technician
 * cannot write one that hangs or that nobody can read: "phone-cn" (11
 * digits starting 1, or a landline 0 + 9..11 digits, dashes allowed),
 * "digits", "postcode-cn" (6 digits). A from_card field ("name",
 * "id_number", "sex", "birth", "address") is filled from the signed-in ID
 * card and read-only; it needs a service with "needs_identity": true.
 *
 * Labels and help must be present in every language the kiosk is
 * configured for (form_set_languages), not only the fallback: a resident
 * cannot fill in a form whose questions they cannot read.
 */
#ifndef KIOSK_FORM_H
#define KIOSK_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog/json_check.h"
#include "catalog/ltext.h"

typedef enum form_type {
    FORM_TEXT, FORM_DIGITS, FORM_PHONE, FORM_DATE, FORM_CHOICE, FORM_YESNO
} form_type;

typedef enum form_pattern {
    FORM_PATTERN_NONE, FORM_PATTERN_PHONE_CN, FORM_PATTERN_DIGITS,
    FORM_PATTERN_POSTCODE_CN
} form_pattern;

typedef enum form_card {
    FORM_CARD_NONE, FORM_CARD_NAME, FORM_CARD_ID_NUMBER, FORM_CARD_SEX,
    FORM_CARD_BIRTH, FORM_CARD_ADDRESS
} form_card;

typedef enum form_delivery { FORM_QUEUE, FORM_ONLINE } form_delivery;

typedef struct form_choice {
    char *id;
    ltext label;
} form_choice;

/* Limits a form may set; values outside are refused at load. A draft is
 * kept under "draft.<service id>.<field id>", which must fit
 * FORM_DRAFT_KEY_MAX bytes with its NUL (the session store's key size). */
enum { FORM_MAX_FIELDS = 24, FORM_MAX_CHOICES = 12, FORM_VALUE_MAX = 200,
       FORM_DRAFT_KEY_MAX = 48 };

typedef struct form_field {
    char *id;               /* [a-z0-9-]+, unique in the form */
    form_type type;
    ltext label, help;      /* help may be empty for from_card fields */
    bool required;
    int min_length, max_length;     /* characters; 0..FORM_VALUE_MAX */
    form_pattern pattern;
    bool has_range;         /* digits: min..max as a whole number */
    long min, max;
    form_choice *choices; size_t n_choices; /* choice only */
    form_card from_card;
    bool personal;          /* sealed in the outbox, masked on screen */
} form_field;

typedef struct catalog_form {
    form_delivery delivery;
    ltext reply;            /* queue: when and how the resident hears back */
    ltext declaration;      /* may be empty */
    form_field *fields; size_t n_fields;
} catalog_form;

/* The languages every form label and help must be in: the configured
 * [ui] languages. Process-wide, like ltext_set_fallback; until set, only
 * the fallback language. Codes are copied; at most 8. */
void form_set_languages(const char (*langs)[LANG_CODE_SIZE], size_t n);

/* Walks the "form" member of a service object (the caller pushed the
 * service's path). needs_identity and kiosk are the service's own, for
 * the cross-checks; service_id (NULL when invalid) for the draft keys. Returns a new form (form_free) or NULL when absent or
 * after reporting. */
catalog_form *form_walk(json_check *jc, json_t *service, const char *service_id,
                        bool kiosk, bool needs_identity);

void form_free(catalog_form *f);

/* Whether value is acceptable for field f. On false, *why_key is the UI
 * strings key saying what is wrong in plain words ("form.err.required",
 * "form.err.phone", ...) and *arg a number it may name (a length, a bound;
 * 0 when none). */
bool form_value_ok(const form_field *f, const char *value, const char **why_key,
                   long *arg);

/* The keyboard a field needs, as a name: "digits" for digits, phone and
 * date, "pinyin" for text, NULL for choice and yes/no (big buttons). */
const char *form_keyboard(const form_field *f);

/* The keys beyond 0-9 a field that takes only numbers needs, for the number
 * pad (ui/keyboard.h): "" for digits, "-" for a phone (a landline's area
 * code) and a date (2026-11-22); NULL for a field that needs the whole
 * keyboard (text, and text with a pattern, which may hold letters). */
const char *form_keypad(const form_field *f);

/* Field by id, NULL when absent. */
const form_field *form_find(const catalog_form *f, const char *id);

#endif
