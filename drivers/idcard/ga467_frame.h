/*
 * ga467_frame: the byte framing that GA 467 ID-card readers speak, both
 * ways, with no I/O in it.
 *
 *   command   AA AA AA 96 69 | LEN_H LEN_L | CMD PARA | data | CHK
 *   response  AA AA AA 96 69 | LEN_H LEN_L | SW1 SW2 SW3 | data | CHK
 *
 * LEN is big-endian and counts every byte after itself, CHK included; CHK is
 * the XOR of every byte from LEN_H to the last data byte.
 *
 * The parser is incremental because USB hands the frame over in 64-byte
 * packets (or in whatever pieces a transfer returns): the caller feeds bytes
 * as they arrive and gets NEED_MORE, FRAME or ERROR. Bytes before the
 * preamble are skipped (readers and half-finished earlier answers leave
 * junk), and every error names the byte offset in the fed stream and the rule
 * broken, so `kioskctl idcard decode` can tell a technician exactly where a
 * captured frame went wrong.
 */
#ifndef IDCARD_GA467_FRAME_H
#define IDCARD_GA467_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GA467_PREAMBLE_LEN 5
#define GA467_HEADER_LEN 7          /* preamble + LEN_H LEN_L */
/* Largest LEN accepted. The biggest real answer (text + photo + fingerprint,
 * 30 10) is 2314; 4096 leaves room for readers that append extra blocks while
 * bounding what a corrupted LEN can make us wait for. */
#define GA467_MAX_LEN 4096
#define GA467_MAX_FRAME (GA467_HEADER_LEN + GA467_MAX_LEN)

/* Commands, as (CMD << 8 | PARA). */
enum {
    GA467_CMD_SAM_RESET   = 0x10FF,
    GA467_CMD_SAM_STATUS  = 0x11FF,
    GA467_CMD_SAM_ID      = 0x12FF,
    GA467_CMD_FIND        = 0x2001,
    GA467_CMD_SELECT      = 0x2002,
    GA467_CMD_READ        = 0x3001, /* text + photo */
    GA467_CMD_READ_FP     = 0x3010, /* text + photo + fingerprint */
    GA467_CMD_READ_ADDR   = 0x3003  /* appended address */
};

/* SW3 status codes (SW1 SW2 are always 00 00). */
enum {
    GA467_SW3_OK               = 0x90,
    GA467_SW3_FIND_OK          = 0x9F,
    GA467_SW3_NO_CONTENT       = 0x91,
    GA467_SW3_CHECKSUM         = 0x10,
    GA467_SW3_LENGTH           = 0x11,
    GA467_SW3_COMMAND          = 0x21,
    GA467_SW3_UNAUTHORISED     = 0x23,
    GA467_SW3_UNKNOWN          = 0x24,
    GA467_SW3_CARD_AUTH_SAM    = 0x31,
    GA467_SW3_SAM_AUTH_CARD    = 0x32,
    GA467_SW3_VERIFY           = 0x33,
    GA467_SW3_INFO_LENGTH      = 0x3F,
    GA467_SW3_CARD_TYPE        = 0x40,
    GA467_SW3_READ             = 0x41,
    GA467_SW3_RANDOM           = 0x47,
    GA467_SW3_SAM_SELFTEST     = 0x60,
    GA467_SW3_SAM_UNAUTHORISED = 0x66,
    GA467_SW3_FIND_FAILED      = 0x80,
    GA467_SW3_SELECT_FAILED    = 0x81
};

typedef struct ga467_sw3_info {
    uint8_t code;
    const char *name;     /* short identifier, e.g. "find_failed" */
    const char *meaning;  /* plain English for technicians and logs */
} ga467_sw3_info;

/* Every SW3 code the protocol defines, in table order; *count receives the
 * number of entries. Static storage. */
const ga467_sw3_info *ga467_sw3_table(size_t *count);

/* The entry for code, or NULL when the code is not in the protocol. */
const ga467_sw3_info *ga467_sw3_lookup(uint8_t code);

/* True for the two "success" codes (90, 9F). */
bool ga467_sw3_is_ok(uint8_t code);

/* Builds a command frame into out (cap bytes). Returns the frame length, or 0
 * when cap is too small or data_len exceeds what LEN can describe. */
size_t ga467_build_command(uint16_t cmd_para, const uint8_t *data,
                           size_t data_len, uint8_t *out, size_t cap);

/* Builds a response frame (used by the simulator and the tests). Same return
 * convention. */
size_t ga467_build_response(uint8_t sw3, const uint8_t *data, size_t data_len,
                            uint8_t *out, size_t cap);

/* XOR of len bytes: the CHK rule, exposed for tests and fault injection. */
uint8_t ga467_checksum(const uint8_t *bytes, size_t len);

typedef enum ga467_kind {
    GA467_RESPONSE,   /* reader -> host: three status bytes after LEN */
    GA467_COMMAND     /* host -> reader: CMD PARA after LEN */
} ga467_kind;

typedef enum ga467_status {
    GA467_NEED_MORE,
    GA467_FRAME,
    GA467_ERROR
} ga467_status;

typedef enum ga467_error {
    GA467_ERR_NONE,
    GA467_ERR_LEN_SHORT,      /* LEN below the minimum for the frame kind */
    GA467_ERR_LEN_LONG,       /* LEN above GA467_MAX_LEN */
    GA467_ERR_CHECKSUM,       /* CHK does not match the XOR */
    GA467_ERR_STATUS          /* response SW1 SW2 not 00 00 */
} ga467_error;

/* A parsed frame. Pointers refer into the parser's buffer and stay valid
 * until the next ga467_parser_feed or ga467_parser_reset. */
typedef struct ga467_frame {
    const uint8_t *bytes;     /* whole frame, preamble to CHK */
    size_t len;
    size_t offset;            /* stream offset of the first preamble byte */
    size_t skipped;           /* garbage bytes skipped before the preamble */
    uint8_t sw1, sw2, sw3;    /* responses */
    uint8_t cmd, para;        /* commands */
    const uint8_t *data;      /* bytes between the status/command and CHK */
    size_t data_len;
} ga467_frame;

typedef struct ga467_parser {
    ga467_kind kind;
    uint8_t buf[GA467_MAX_FRAME];
    size_t have;              /* bytes of the current frame in buf */
    size_t need;              /* total frame length once LEN is known, else 0 */
    size_t stream_pos;        /* bytes consumed since init */
    size_t frame_start;       /* stream offset of buf[0] */
    size_t skipped;           /* garbage skipped before the current frame */
    ga467_error error;
    size_t error_offset;      /* stream offset of the offending byte */
    char error_msg[160];      /* "byte N: rule" without personal data */
    ga467_frame frame;
} ga467_parser;

void ga467_parser_init(ga467_parser *p, ga467_kind kind);

/* Forgets any partial frame and error; stream offsets keep counting so error
 * positions stay meaningful across frames in one capture. */
void ga467_parser_reset(ga467_parser *p);

/* Consumes bytes from data until a frame completes, an error is found, or the
 * input runs out; *used receives how many bytes were consumed (the rest
 * belong to the next call). On GA467_FRAME, p->frame describes it; on
 * GA467_ERROR, p->error / p->error_offset / p->error_msg do. Either way call
 * ga467_parser_reset before feeding the next frame. */
ga467_status ga467_parser_feed(ga467_parser *p, const uint8_t *data,
                               size_t len, size_t *used);

/* Bytes of the current partial frame held (0 while hunting the preamble). */
size_t ga467_parser_pending(const ga467_parser *p);

#endif
