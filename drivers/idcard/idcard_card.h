/*
 * idcard_card: what a card says, decoded from the 256-byte text block, plus
 * the checks and the masking the kiosk needs to show it.
 *
 * Everything here is personal data. The rules that keep it from leaking:
 *  - an idcard_identity lives in one heap block plus the photo (and optional
 *    fingerprint) buffer, so idcard_identity_wipe can zero every byte it ever
 *    held before freeing;
 *  - parse errors name the byte offset and the field, never the content;
 *  - the masking helpers are what the screen shows; the full values never go
 *    to a log or a file (the driver itself logs only result codes).
 *
 * Text-block layouts (UCS-2LE, padded with spaces), by the card-type flag at
 * byte 248:
 *   ' ' resident card (居民身份证): name 0/30, sex 30/2, nation 32/4,
 *       birth 36/16, address 52/70, ID number 122/36, authority 158/30,
 *       valid from 188/16, valid to 204/16 ("长期" = long term)
 *   'J' HK/Macao/Taiwan residence permit: resident layout to 220, then
 *       pass number 220/18, issue count 238/4
 *   'I' foreigner permanent residence card (2017): English name 0/120,
 *       sex 120/2, permit number 122/30, nationality 152/6, Chinese name
 *       158/30, valid from 188/16, valid to 204/16, birth 220/16, card
 *       version 236/4, authority code 240/8
 *   'Y' foreigner permanent residence card (2023): Chinese name 0/30, sex
 *       30/2, renewal count 32/4, birth 36/16, English name 52/70 (continued
 *       at 220/22), ID number 122/36, valid from 188/16, valid to 204/16,
 *       nationality 242/6
 */
#ifndef IDCARD_CARD_H
#define IDCARD_CARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IDCARD_TEXT_LEN 256
#define IDCARD_PHOTO_LEN 1024
#define IDCARD_FINGERPRINT_LEN 1024

typedef enum idcard_type {
    IDCARD_TYPE_RESIDENT,       /* 居民身份证 */
    IDCARD_TYPE_HKMOTW,         /* 'J' 港澳台居民居住证 */
    IDCARD_TYPE_FOREIGN_2017,   /* 'I' 外国人永久居留身份证 (2017) */
    IDCARD_TYPE_FOREIGN_2023    /* 'Y' 外国人永久居留身份证 (2023) */
} idcard_type;

typedef enum idcard_sex {
    IDCARD_SEX_UNKNOWN,         /* blank, "0" or "9" on the card */
    IDCARD_SEX_MALE,            /* "1" */
    IDCARD_SEX_FEMALE           /* "2" */
} idcard_sex;

/* A calendar date; year 0 means the field was blank on the card. */
typedef struct idcard_date {
    int year, month, day;
} idcard_date;

/* Sizes are for UTF-8: at most 3 bytes per UCS-2 unit of the field, + NUL. */
typedef struct idcard_identity {
    idcard_type type;

    char name[48];              /* Chinese name (resident, J, I, Y) */
    char name_en[184];          /* I: 60 units; Y: 35 + 11 units, joined */
    idcard_sex sex;
    char nation_code[3];        /* "01".."56", "97", "98"; "" on J/I/Y */
    char nation[40];            /* 汉, 蒙古, ... as printed on the card */
    idcard_date birth;
    char address[112];
    char id_number[56];         /* resident/J/Y: 18 chars; I: 15-char permit */
    char authority[48];         /* issuing authority (resident, J) */
    idcard_date valid_from;
    idcard_date valid_to;       /* year 0 with long_term true for 长期 */
    bool long_term;

    /* J */
    char pass_number[32];       /* 通行证号码 */
    int issue_count;            /* 签发次数, -1 when blank */

    /* I and Y */
    char nationality[12];       /* ISO 3166-1 alpha-3, e.g. "CAN" */
    int renewal_count;          /* Y: 换证次数, -1 when blank */
    char card_version[8];       /* I */
    char authority_code[16];    /* I: 受理机关代码 */

    /* WLT-compressed photo, exactly as read; not decoded (no public decoder).
     * Owned; wiped and freed with the identity. */
    uint8_t *photo;
    size_t photo_len;
    uint8_t *fingerprint;       /* only when read with 30 10; owned */
    size_t fingerprint_len;
} idcard_identity;

/* A zeroed identity on the heap, or NULL when out of memory. */
idcard_identity *idcard_identity_new(void);

/* Zeroes every byte the identity holds (explicit_bzero, which the compiler
 * may not drop), frees the photo and fingerprint, and leaves *id zeroed but
 * not freed. For identities embedded in other structs and for tests. */
void idcard_identity_clear(idcard_identity *id);

/* idcard_identity_clear, then free(id). NULL is fine. This is how the
 * receiver of an IDCARD_EV_CARD_READ event ends a session. */
void idcard_identity_wipe(idcard_identity *id);

/* Parse errors. idcard_parse_text returns 0 or one of these (negative). */
typedef enum idcard_parse_error {
    IDCARD_PARSE_OK = 0,
    IDCARD_PARSE_SHORT = -1,      /* fewer than 256 bytes */
    IDCARD_PARSE_ENCODING = -2,   /* bad UCS-2 (control char, lone surrogate) */
    IDCARD_PARSE_FIELD = -3,      /* a field is not what its layout allows */
    IDCARD_PARSE_CARD_TYPE = -4   /* unknown card-type flag at byte 248 */
} idcard_parse_error;

/* Decodes a 256-byte text block into out, overwriting every decoded field
 * (out must be initialised; its photo and fingerprint buffers are left as
 * they are). On error, err receives "byte N (field): rule" without the
 * field's content, and the fields are zeroed again so no half-parsed
 * personal data lingers. err may be NULL. */
int idcard_parse_text(const uint8_t *text, size_t len, idcard_identity *out,
                      char *err, size_t err_size);

/* GB 3304 nation name for a two-digit code ("01" -> "汉"), or NULL. */
const char *idcard_nation_name(const char *code);

/* Parses "YYYYMMDD" (exactly 8 digits, a real calendar date). Returns false
 * otherwise. */
bool idcard_parse_date(const char *s, idcard_date *out);

/* -1, 0, 1 as a is before, equal to, after b. */
int idcard_date_compare(idcard_date a, idcard_date b);

/* GB 11643-1999: true when id is 17 digits followed by the right check
 * character ('X' or 'x' for 10). */
bool idcard_check_digit_ok(const char *id);

/* The check character for 17 leading digits, or '\0' when they are not 17
 * digits. */
char idcard_check_digit(const char *id17);

typedef enum idcard_validity {
    IDCARD_VALID,
    IDCARD_EXPIRED,             /* today is after valid_to */
    IDCARD_NOT_YET_VALID,       /* today is before valid_from */
    IDCARD_DATES_MISSING        /* no valid_to and not long-term */
} idcard_validity;

/* Checks the validity dates against today, which the caller supplies (the
 * kiosk has its own clock seam; the driver never reads the time of day). A
 * card is valid through the whole of its valid_to day. */
idcard_validity idcard_check_validity(const idcard_identity *id,
                                      idcard_date today);

/* Message key for the kiosk's strings: NULL for IDCARD_VALID, else
 * "card.expired", "card.not_yet_valid" or "card.unreadable". */
const char *idcard_validity_key(idcard_validity v);

/* Masking for display. Chinese names keep the first and last character:
 * 张三 -> 张*, 张三丰 -> 张*丰, 欧阳娜娜 -> 欧**娜. Latin names keep the
 * first letter of each word (a run of letters and digits) and star the
 * rest, keeping spaces and punctuation: "SAMPLE, ANNA" -> "S*****, A***",
 * "O'NEIL-SMITH JO" -> "O'N***-S**** J*". Output is always NUL-terminated
 * and truncated to out_size. */
void idcard_mask_name(const char *name, char *out, size_t out_size);

/* 330106199001011234 -> 3301**********1234; any other length of 12 or more
 * keeps the first 4 and last 4; shorter values become all stars. */
void idcard_mask_number(const char *number, char *out, size_t out_size);

/* Short names for logs and JSON: "resident", "hkmotw", "foreign2017",
 * "foreign2023". */
const char *idcard_type_name(idcard_type t);

#endif
