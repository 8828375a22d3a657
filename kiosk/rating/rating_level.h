/*
 * rating_level: the five levels of a service rating (好差评) and the codes
 * platforms give them.
 *
 * A rating is stored by the level's NAME ("satisfied"), never by a number:
 * the national record format (GB/T 39046-2020 annex A.8) counts 1 = 非常满意
 * up to 5 = 非常不满意, while a common provincial interface counts the other
 * way round (5 = 非常满意), so a bare "1" means opposite things to two
 * platforms. The number is made only when a record leaves the kiosk, from
 * a code SCHEME chosen in [rating] scheme, optionally replaced code by code
 * by [rating] codes.
 *
 * Below settings: no SDL, no settings, no storage; pure data.
 */
#ifndef KIOSK_RATING_LEVEL_H
#define KIOSK_RATING_LEVEL_H

#include <stdbool.h>
#include <stddef.h>

/* Best first, the order every list, screen and code table uses. */
typedef enum rating_level {
    RATING_VERY_SATISFIED,      /* 非常满意 */
    RATING_SATISFIED,           /* 满意 */
    RATING_BASIC,               /* 基本满意 */
    RATING_DISSATISFIED,        /* 不满意 (差评) */
    RATING_VERY_DISSATISFIED,   /* 非常不满意 (差评) */
    RATING_LEVELS
} rating_level;

/* The stable name ("very_satisfied", ...), as stored and uploaded; "" for
 * a value that is not a level. */
const char *rating_level_name(rating_level l);

/* The level's Chinese name from the standards (非常满意, ...); "" for a
 * value that is not a level. */
const char *rating_level_zh(rating_level l);

/* "satisfied" -> RATING_SATISFIED. Exact, case-sensitive: the names are
 * identifiers, not text. False (out untouched) for anything else, NULL
 * included. */
bool rating_level_from_name(const char *name, rating_level *out);

/* 不满意 and 非常不满意 are poor ratings (差评): they ask for reasons and are
 * followed up. False for a value that is not a level. */
bool rating_level_is_poor(rating_level l);

/* ---- code schemes ------------------------------------------------------- */

typedef enum rating_scheme {
    RATING_SCHEME_GBT39046,     /* GB/T 39046 A.8: 1 非常满意 ... 5 非常不满意 */
    RATING_SCHEME_PROVINCIAL,   /* satisfaction: 5 非常满意 ... 1 非常不满意 */
    RATING_SCHEMES
} rating_scheme;

/* The scheme names as [rating] scheme takes them, in enum order, NULL
 * after the last: the settings key table uses this very list. */
extern const char *const rating_scheme_names[RATING_SCHEMES + 1];

/* "gbt39046" or "provincial"; "" for a value that is not a scheme. */
const char *rating_scheme_name(rating_scheme s);

/* Exact name -> scheme; false (out untouched) otherwise. */
bool rating_scheme_from_name(const char *name, rating_scheme *out);

/* A code: 1 to RATING_CODE_MAX letters, digits, '-', '_' or '.'. */
#define RATING_CODE_MAX 16

/* The code of every level under one scheme, possibly overridden. */
typedef struct rating_codes {
    rating_scheme scheme;
    bool overridden;        /* set by rating_codes_override */
    char code[RATING_LEVELS][RATING_CODE_MAX + 1];
} rating_codes;

/* The scheme's own codes ("1".."5" one way or the other). A value that is
 * not a scheme gives GB/T 39046's. */
void rating_codes_of_scheme(rating_scheme s, rating_codes *out);

/* Replaces every code with the comma-separated list, five codes in level
 * order (very_satisfied first), blanks around each ignored: for a platform
 * whose codes follow neither scheme. An empty or NULL list changes nothing
 * and succeeds. False with why filled, and c untouched, when the list does
 * not hold exactly five codes, a code is not 1..RATING_CODE_MAX letters,
 * digits, '-', '_' or '.', or two levels share a code. */
bool rating_codes_override(rating_codes *c, const char *list, char *why, size_t wsize);

/* The code of l; "" for a value that is not a level. */
const char *rating_code(const rating_codes *c, rating_level l);

/* The level whose code is code (exact); false when none. */
bool rating_level_from_code(const rating_codes *c, const char *code, rating_level *out);

#endif
