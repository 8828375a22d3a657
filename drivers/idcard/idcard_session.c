/*
 * idcard_session: see idcard_session.h.
 */
#include "idcard_session.h"
#include "common/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Answer lengths. A read answer's data is: text length (2, BE), photo length
 * (2, BE)[, fingerprint length (2, BE) for 30 10], then the blocks. */
#define SAM_ID_LEN 16
#define DRAIN_TIMEOUT_MS 20
#define DRAIN_MAX_READS 8

static const struct {
    uint8_t code;
    const char *name;
} sw3_result_names[] = {
    {0x91, "sw3_91_no_content"},   {0x10, "sw3_10_checksum"},
    {0x11, "sw3_11_length"},       {0x21, "sw3_21_command"},
    {0x23, "sw3_23_unauthorised"}, {0x24, "sw3_24_unknown"},
    {0x31, "sw3_31_card_auth_sam"},{0x32, "sw3_32_sam_auth_card"},
    {0x33, "sw3_33_verify"},       {0x3F, "sw3_3f_info_length"},
    {0x40, "sw3_40_card_type"},    {0x41, "sw3_41_read"},
    {0x47, "sw3_47_random"},       {0x60, "sw3_60_sam_selftest"},
    {0x66, "sw3_66_sam_unauthorised"}, {0x80, "sw3_80_find_failed"},
    {0x81, "sw3_81_select_failed"},
};

int idcard_result_sw3(int result)
{
    if (result <= IDCARD_ERR_SW3_BASE && result > IDCARD_ERR_SW3_BASE - 0x100)
        return IDCARD_ERR_SW3_BASE - result;
    return -1;
}

const char *idcard_result_name(int result)
{
    int sw3 = idcard_result_sw3(result);
    if (sw3 >= 0) {
        for (size_t i = 0; i < sizeof sw3_result_names / sizeof sw3_result_names[0]; i++)
            if (sw3_result_names[i].code == sw3)
                return sw3_result_names[i].name;
        return "sw3_unknown";
    }
    switch (result) {
    case IDCARD_OK: return "ok";
    case IDCARD_ERR_NO_CARD: return "no_card";
    case IDCARD_ERR_CARD_REMOVED: return "card_removed";
    case IDCARD_ERR_CHECKSUM: return "checksum";
    case IDCARD_ERR_LENGTH: return "length";
    case IDCARD_ERR_TIMEOUT: return "timeout";
    case IDCARD_ERR_DEVICE_GONE: return "device_gone";
    case IDCARD_ERR_IO: return "io";
    case IDCARD_ERR_PARSE: return "parse";
    case IDCARD_ERR_PROTOCOL: return "protocol";
    case IDCARD_ERR_NOMEM: return "nomem";
    case IDCARD_ERR_NO_READER: return "no_reader";
    }
    return "unknown";
}

const char *idcard_result_message_key(int result)
{
    int sw3 = idcard_result_sw3(result);
    if (sw3 >= 0) {
        switch (sw3) {
        /* The reader itself is unhappy: a technician is needed. */
        case 0x10: case 0x11: case 0x21: case 0x23: case 0x24:
        case 0x60: case 0x66:
            return "reader.error";
        default:
            /* Card-side trouble: try again, or ask at the window. */
            return "card.unreadable";
        }
    }
    switch (result) {
    case IDCARD_OK: return NULL;
    case IDCARD_ERR_NO_CARD: return "card.none";
    case IDCARD_ERR_CARD_REMOVED: return "card.removed";
    case IDCARD_ERR_CHECKSUM:
    case IDCARD_ERR_LENGTH:
    case IDCARD_ERR_PARSE:
        return "card.unreadable";
    case IDCARD_ERR_DEVICE_GONE:
    case IDCARD_ERR_NO_READER:
        return "reader.unavailable";
    default:
        return "reader.error";
    }
}

void idcard_session_init(idcard_session *s, const idcard_transport *tr)
{
    memset(s, 0, sizeof *s);
    s->tr = *tr;
    s->timeout_ms = 1000;
    s->retries = 2;
    s->read_size = 4096;
    ga467_parser_init(&s->parser, GA467_RESPONSE);
}

void idcard_session_reset_stats(idcard_session *s)
{
    s->transfers = 0;
}

/* The kiosk's clock (common/clock.h), so the script harness's virtual time
 * drives this file's deadlines too. */
/* The receive buffers may hold a text block and a photo: zero them once the
 * answer is decoded or abandoned. */
static void scrub(idcard_session *s)
{
    explicit_bzero(s->rx, sizeof s->rx);
    explicit_bzero(s->parser.buf, sizeof s->parser.buf);
    memset(&s->parser.frame, 0, sizeof s->parser.frame);
}

/* Reads until one whole frame is in the parser or the deadline passes. */
static int receive(idcard_session *s, long long deadline)
{
    /* init, not reset: offsets in error messages count from this answer */
    ga467_parser_init(&s->parser, GA467_RESPONSE);
    size_t cap = s->read_size ? s->read_size : 64;
    if (cap > sizeof s->rx)
        cap = sizeof s->rx;
    for (;;) {
        long long left = deadline - (long long)clock_now_ms();
        if (left < 1)
            left = 1;   /* still ask once: bytes may already be waiting */
        int r = s->tr.read(s->tr.ctx, s->rx, cap, (int)left);
        s->transfers++;
        if (r < 0) {
            if (r == IDCARD_ERR_TIMEOUT)
                snprintf(s->detail, sizeof s->detail,
                         "no complete answer within %d ms (%zu bytes of a "
                         "frame received)", s->timeout_ms,
                         ga467_parser_pending(&s->parser));
            return r;
        }
        size_t off = 0;
        while (off < (size_t)r) {
            size_t used;
            ga467_status st = ga467_parser_feed(&s->parser, s->rx + off,
                                                (size_t)r - off, &used);
            off += used;
            if (st == GA467_FRAME)
                return IDCARD_OK;   /* trailing bytes are stray: dropped */
            if (st == GA467_ERROR) {
                snprintf(s->detail, sizeof s->detail, "%s", s->parser.error_msg);
                switch (s->parser.error) {
                case GA467_ERR_CHECKSUM: return IDCARD_ERR_CHECKSUM;
                case GA467_ERR_STATUS: return IDCARD_ERR_PROTOCOL;
                default: return IDCARD_ERR_LENGTH;
                }
            }
        }
        if ((long long)clock_now_ms() >= deadline) {
            snprintf(s->detail, sizeof s->detail,
                     "no complete answer within %d ms (%zu bytes of a frame "
                     "received)", s->timeout_ms, ga467_parser_pending(&s->parser));
            return IDCARD_ERR_TIMEOUT;
        }
    }
}

/* After a failed attempt, swallow whatever the reader still sends so a late
 * answer to the old command is not taken as the answer to the retry. */
static void drain(idcard_session *s)
{
    for (int i = 0; i < DRAIN_MAX_READS; i++) {
        int r = s->tr.read(s->tr.ctx, s->rx, sizeof s->rx, DRAIN_TIMEOUT_MS);
        s->transfers++;
        if (r <= 0)
            break;
    }
}

typedef int (*answer_check)(idcard_session *s, const ga467_frame *f);

/* One command with bounded retries. On IDCARD_OK, s->parser.frame holds the
 * answer (whatever its SW3; check may reject it as a length error). */
static int transact(idcard_session *s, uint16_t cmd, answer_check check)
{
    uint8_t tx[16];
    size_t n = ga467_build_command(cmd, NULL, 0, tx, sizeof tx);
    int last = IDCARD_ERR_IO;

    s->detail[0] = '\0';
    s->last_sw3 = 0;
    for (int attempt = 0; attempt <= s->retries; attempt++) {
        if (attempt > 0)
            drain(s);
        int r = s->tr.write(s->tr.ctx, tx, n, s->timeout_ms);
        s->transfers++;
        if (r == IDCARD_ERR_DEVICE_GONE)
            return r;
        if (r < 0 || (size_t)r != n) {
            last = r < 0 ? r : IDCARD_ERR_IO;
            snprintf(s->detail, sizeof s->detail, "command %02X %02X: write "
                     "failed (%s)", cmd >> 8, cmd & 0xFF, idcard_result_name(last));
            continue;
        }
        r = receive(s, (long long)clock_now_ms() + s->timeout_ms);
        if (r == IDCARD_OK) {
            const ga467_frame *f = &s->parser.frame;
            s->last_sw3 = f->sw3;
            if (f->sw3 == GA467_SW3_CHECKSUM || f->sw3 == GA467_SW3_LENGTH) {
                /* The reader got a damaged copy of our command: resend. */
                last = IDCARD_ERR_SW3(f->sw3);
                snprintf(s->detail, sizeof s->detail, "command %02X %02X: "
                         "reader answered SW3 %02X", cmd >> 8, cmd & 0xFF, f->sw3);
                continue;
            }
            if (check && ga467_sw3_is_ok(f->sw3)) {
                r = check(s, f);
                if (r == IDCARD_OK)
                    return IDCARD_OK;
                last = r;
                continue;
            }
            return IDCARD_OK;
        }
        if (r == IDCARD_ERR_DEVICE_GONE)
            return r;
        last = r;
        if (r != IDCARD_ERR_CHECKSUM && r != IDCARD_ERR_LENGTH &&
            r != IDCARD_ERR_TIMEOUT && r != IDCARD_ERR_IO)
            return r;
    }
    return last;
}

/* Maps an answer's SW3 to a result, treating want as success. */
static int sw3_result(idcard_session *s, uint8_t want)
{
    uint8_t sw3 = s->parser.frame.sw3;
    if (sw3 == want)
        return IDCARD_OK;
    if (!ga467_sw3_lookup(sw3)) {
        snprintf(s->detail, sizeof s->detail, "SW3 %02X is not in the protocol", sw3);
        return IDCARD_ERR_PROTOCOL;
    }
    return IDCARD_ERR_SW3(sw3);
}

int idcard_session_find(idcard_session *s)
{
    int r = transact(s, GA467_CMD_FIND, NULL);
    if (r != IDCARD_OK)
        return r;
    if (s->parser.frame.sw3 == GA467_SW3_FIND_FAILED)
        return IDCARD_ERR_NO_CARD;
    return sw3_result(s, GA467_SW3_FIND_OK);
}

int idcard_session_select(idcard_session *s)
{
    int r = transact(s, GA467_CMD_SELECT, NULL);
    return r != IDCARD_OK ? r : sw3_result(s, GA467_SW3_OK);
}

static int be16(const uint8_t *p)
{
    return p[0] << 8 | p[1];
}

int idcard_decode_read_data(const uint8_t *data, size_t len, bool fingerprint,
                            idcard_identity **out, char *err, size_t err_size)
{
    size_t head = fingerprint ? 6 : 4;
    *out = NULL;
    if (len < head) {
        snprintf(err, err_size, "data byte %zu: read answer shorter than its "
                 "%zu-byte length header", len, head);
        return IDCARD_ERR_LENGTH;
    }
    size_t tl = (size_t)be16(data), pl = (size_t)be16(data + 2);
    size_t fl = fingerprint ? (size_t)be16(data + 4) : 0;
    if (head + tl + pl + fl != len) {
        snprintf(err, err_size, "data byte 0: text %zu + photo %zu%s bytes "
                 "announced, %zu present", tl, pl,
                 fingerprint ? " + fingerprint" : "", len - head);
        return IDCARD_ERR_LENGTH;
    }
    if (tl != IDCARD_TEXT_LEN) {
        snprintf(err, err_size, "data byte 0: text length %zu, expected %d",
                 tl, IDCARD_TEXT_LEN);
        return IDCARD_ERR_LENGTH;
    }
    idcard_identity *id = idcard_identity_new();
    if (!id)
        return IDCARD_ERR_NOMEM;
    char perr[128];
    int pr = idcard_parse_text(data + head, tl, id, perr, sizeof perr);
    if (pr != 0) {
        /* Offsets in the text block are shifted to data offsets so the
         * message lines up with a hex dump of the answer's data. */
        snprintf(err, err_size, "text block (data byte %zu + ) %s", head, perr);
        idcard_identity_wipe(id);
        return IDCARD_ERR_PARSE;
    }
    if (pl) {
        id->photo = malloc(pl);
        if (!id->photo) {
            idcard_identity_wipe(id);
            return IDCARD_ERR_NOMEM;
        }
        memcpy(id->photo, data + head + tl, pl);
        id->photo_len = pl;
    }
    if (fl) {
        id->fingerprint = malloc(fl);
        if (!id->fingerprint) {
            idcard_identity_wipe(id);
            return IDCARD_ERR_NOMEM;
        }
        memcpy(id->fingerprint, data + head + tl + pl, fl);
        id->fingerprint_len = fl;
    }
    *out = id;
    return IDCARD_OK;
}

static int check_read(idcard_session *s, const ga467_frame *f)
{
    size_t head = s->read_fingerprint ? 6 : 4;
    if (f->data_len < head)
        goto bad;
    size_t want = head + (size_t)be16(f->data) + (size_t)be16(f->data + 2) +
                  (s->read_fingerprint ? (size_t)be16(f->data + 4) : 0);
    if (want == f->data_len && be16(f->data) == IDCARD_TEXT_LEN)
        return IDCARD_OK;
bad:
    snprintf(s->detail, sizeof s->detail, "read answer: %zu data bytes do "
             "not match the block lengths announced", f->data_len);
    return IDCARD_ERR_LENGTH;
}

int idcard_session_read(idcard_session *s, idcard_identity **out)
{
    *out = NULL;
    uint16_t cmd = s->read_fingerprint ? GA467_CMD_READ_FP : GA467_CMD_READ;
    int r = transact(s, cmd, check_read);
    if (r == IDCARD_OK)
        r = sw3_result(s, GA467_SW3_OK);
    if (r == IDCARD_OK) {
        const ga467_frame *f = &s->parser.frame;
        r = idcard_decode_read_data(f->data, f->data_len, s->read_fingerprint,
                                    out, s->detail, sizeof s->detail);
    }
    scrub(s);
    return r;
}

int idcard_session_read_card(idcard_session *s, idcard_identity **out)
{
    *out = NULL;
    int r = idcard_session_find(s);
    if (r != IDCARD_OK)
        return r;
    r = idcard_session_select(s);
    if (r == IDCARD_OK)
        r = idcard_session_read(s, out);
    if (r == IDCARD_OK || r == IDCARD_ERR_DEVICE_GONE)
        return r;
    /* Did the card leave? That is the usual reason for a failed select or
     * read, and "card removed" is what the person at the kiosk needs. */
    char detail[sizeof s->detail];
    memcpy(detail, s->detail, sizeof detail);
    uint8_t sw3 = s->last_sw3;
    int f = idcard_session_find(s);
    if (f == IDCARD_ERR_NO_CARD)
        return IDCARD_ERR_CARD_REMOVED;
    memcpy(s->detail, detail, sizeof detail);
    s->last_sw3 = sw3;
    return r;
}

int idcard_session_sam_reset(idcard_session *s)
{
    int r = transact(s, GA467_CMD_SAM_RESET, NULL);
    return r != IDCARD_OK ? r : sw3_result(s, GA467_SW3_OK);
}

int idcard_session_sam_status(idcard_session *s)
{
    int r = transact(s, GA467_CMD_SAM_STATUS, NULL);
    return r != IDCARD_OK ? r : sw3_result(s, GA467_SW3_OK);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

void idcard_format_sam_id(const uint8_t raw[16], char *out, size_t out_size)
{
    unsigned a = (unsigned)(raw[0] | raw[1] << 8);
    unsigned b = (unsigned)(raw[2] | raw[3] << 8);
    snprintf(out, out_size, "%02u.%02u-%08lu-%010lu-%010lu", a, b,
             (unsigned long)le32(raw + 4), (unsigned long)le32(raw + 8),
             (unsigned long)le32(raw + 12));
}

static int check_sam_id(idcard_session *s, const ga467_frame *f)
{
    if (f->data_len == SAM_ID_LEN)
        return IDCARD_OK;
    snprintf(s->detail, sizeof s->detail, "SAM ID answer has %zu data bytes, "
             "expected %d", f->data_len, SAM_ID_LEN);
    return IDCARD_ERR_LENGTH;
}

int idcard_session_sam_id(idcard_session *s, char *out, size_t out_size)
{
    if (out && out_size)
        out[0] = '\0';
    int r = transact(s, GA467_CMD_SAM_ID, check_sam_id);
    if (r == IDCARD_OK)
        r = sw3_result(s, GA467_SW3_OK);
    if (r == IDCARD_OK && out)
        idcard_format_sam_id(s->parser.frame.data, out, out_size);
    return r;
}
