/*
 * ga467_frame: see ga467_frame.h.
 */
#include "ga467_frame.h"

#include <stdio.h>
#include <string.h>

static const uint8_t preamble[GA467_PREAMBLE_LEN] = {0xAA, 0xAA, 0xAA, 0x96, 0x69};

static const ga467_sw3_info sw3_table[] = {
    {0x90, "ok", "operation succeeded"},
    {0x9F, "find_ok", "card found"},
    {0x91, "no_content", "the card holds no data of this kind"},
    {0x10, "checksum", "the reader received a frame with a bad checksum"},
    {0x11, "length", "the reader received a frame with a bad length"},
    {0x21, "command", "the reader does not know this command"},
    {0x23, "unauthorised", "operation not authorised"},
    {0x24, "unknown", "unknown error in the reader"},
    {0x31, "card_auth_sam", "the card failed to authenticate the SAM"},
    {0x32, "sam_auth_card", "the SAM failed to authenticate the card"},
    {0x33, "verify", "information verification failed"},
    {0x3F, "info_length", "information length error"},
    {0x40, "card_type", "unknown card type"},
    {0x41, "read", "reading the card failed"},
    {0x47, "random", "getting a random number failed"},
    {0x60, "sam_selftest", "the SAM failed its self-test"},
    {0x66, "sam_unauthorised", "the SAM is not authorised"},
    {0x80, "find_failed", "no card found"},
    {0x81, "select_failed", "selecting the card failed"},
};

const ga467_sw3_info *ga467_sw3_table(size_t *count)
{
    *count = sizeof sw3_table / sizeof sw3_table[0];
    return sw3_table;
}

const ga467_sw3_info *ga467_sw3_lookup(uint8_t code)
{
    for (size_t i = 0; i < sizeof sw3_table / sizeof sw3_table[0]; i++)
        if (sw3_table[i].code == code)
            return &sw3_table[i];
    return NULL;
}

bool ga467_sw3_is_ok(uint8_t code)
{
    return code == GA467_SW3_OK || code == GA467_SW3_FIND_OK;
}

uint8_t ga467_checksum(const uint8_t *bytes, size_t len)
{
    uint8_t x = 0;
    for (size_t i = 0; i < len; i++)
        x ^= bytes[i];
    return x;
}

/* Shared by both builders: head is the two command or three status bytes. */
static size_t build_frame(const uint8_t *head, size_t head_len,
                          const uint8_t *data, size_t data_len,
                          uint8_t *out, size_t cap)
{
    size_t len_field = head_len + data_len + 1;   /* + CHK */
    if (len_field > GA467_MAX_LEN || (data_len && !data))
        return 0;
    size_t total = GA467_HEADER_LEN + len_field;
    if (!out || cap < total)
        return 0;
    memcpy(out, preamble, GA467_PREAMBLE_LEN);
    out[5] = (uint8_t)(len_field >> 8);
    out[6] = (uint8_t)len_field;
    memcpy(out + GA467_HEADER_LEN, head, head_len);
    if (data_len)
        memcpy(out + GA467_HEADER_LEN + head_len, data, data_len);
    out[total - 1] = ga467_checksum(out + 5, total - 1 - 5);
    return total;
}

size_t ga467_build_command(uint16_t cmd_para, const uint8_t *data,
                           size_t data_len, uint8_t *out, size_t cap)
{
    uint8_t head[2] = {(uint8_t)(cmd_para >> 8), (uint8_t)cmd_para};
    return build_frame(head, sizeof head, data, data_len, out, cap);
}

size_t ga467_build_response(uint8_t sw3, const uint8_t *data, size_t data_len,
                            uint8_t *out, size_t cap)
{
    uint8_t head[3] = {0x00, 0x00, sw3};
    return build_frame(head, sizeof head, data, data_len, out, cap);
}

void ga467_parser_init(ga467_parser *p, ga467_kind kind)
{
    memset(p, 0, sizeof *p);
    p->kind = kind;
}

void ga467_parser_reset(ga467_parser *p)
{
    p->have = 0;
    p->need = 0;
    p->skipped = 0;
    p->error = GA467_ERR_NONE;
    p->error_offset = 0;
    p->error_msg[0] = '\0';
    memset(&p->frame, 0, sizeof p->frame);
}

size_t ga467_parser_pending(const ga467_parser *p)
{
    return p->have;
}

/* Longest prefix of the preamble that is a suffix of the matched prefix plus
 * byte b. The preamble starts with three equal bytes, so a mismatch does not
 * always mean starting over: "AA AA AA AA 96 69" must still be found. */
static size_t preamble_fallback(size_t matched, uint8_t b)
{
    uint8_t window[GA467_PREAMBLE_LEN];
    memcpy(window, preamble, matched);
    window[matched] = b;
    size_t n = matched + 1;
    for (size_t k = n < GA467_PREAMBLE_LEN ? n : GA467_PREAMBLE_LEN - 1; k > 0; k--)
        if (memcmp(window + n - k, preamble, k) == 0)
            return k;
    return 0;
}

static ga467_status fail(ga467_parser *p, ga467_error e, size_t offset,
                         const char *fmt, unsigned a, unsigned b)
{
    p->error = e;
    p->error_offset = offset;
    char rule[120];
    snprintf(rule, sizeof rule, fmt, a, b);
    snprintf(p->error_msg, sizeof p->error_msg, "byte %zu: %s", offset, rule);
    return GA467_ERROR;
}

/* The whole frame is in buf: check CHK and fill p->frame. */
static ga467_status finish(ga467_parser *p)
{
    size_t n = p->need;
    uint8_t want = ga467_checksum(p->buf + 5, n - 1 - 5);
    if (p->buf[n - 1] != want)
        return fail(p, GA467_ERR_CHECKSUM, p->frame_start + n - 1,
                    "checksum 0x%02X does not match 0x%02X, the XOR of LEN_H "
                    "through the last data byte", p->buf[n - 1], want);
    ga467_frame *f = &p->frame;
    memset(f, 0, sizeof *f);
    f->bytes = p->buf;
    f->len = n;
    f->offset = p->frame_start;
    f->skipped = p->skipped;
    if (p->kind == GA467_RESPONSE) {
        f->sw1 = p->buf[7];
        f->sw2 = p->buf[8];
        f->sw3 = p->buf[9];
        if (f->sw1 != 0 || f->sw2 != 0)
            return fail(p, GA467_ERR_STATUS, p->frame_start + 7,
                        "SW1 SW2 are %02X %02X, the protocol only uses 00 00",
                        f->sw1, f->sw2);
        f->data = p->buf + 10;
        f->data_len = n - 11;
    } else {
        f->cmd = p->buf[7];
        f->para = p->buf[8];
        f->data = p->buf + 9;
        f->data_len = n - 10;
    }
    return GA467_FRAME;
}

ga467_status ga467_parser_feed(ga467_parser *p, const uint8_t *data,
                               size_t len, size_t *used)
{
    size_t i = 0;
    ga467_status st = GA467_NEED_MORE;

    if (p->error != GA467_ERR_NONE) {
        /* The caller has not reset after an error: refuse rather than guess
         * where the next frame starts. */
        *used = 0;
        return GA467_ERROR;
    }
    while (i < len) {
        if (p->have < GA467_PREAMBLE_LEN) {
            uint8_t b = data[i++];
            p->stream_pos++;
            if (b == preamble[p->have]) {
                p->buf[p->have++] = b;
            } else {
                size_t k = preamble_fallback(p->have, b);
                p->skipped += p->have + 1 - k;
                memcpy(p->buf, preamble, k);
                p->have = k;
            }
            p->frame_start = p->stream_pos - p->have;
            continue;
        }
        if (p->have < GA467_HEADER_LEN) {
            p->buf[p->have++] = data[i++];
            p->stream_pos++;
            if (p->have == GA467_HEADER_LEN) {
                unsigned lf = (unsigned)p->buf[5] << 8 | p->buf[6];
                /* status (3) or command (2) bytes, plus CHK */
                unsigned min = p->kind == GA467_RESPONSE ? 4 : 3;
                if (lf < min) {
                    st = fail(p, GA467_ERR_LEN_SHORT, p->frame_start + 5,
                              "LEN %u is below the minimum %u (status or "
                              "command bytes plus CHK)", lf, min);
                    break;
                }
                if (lf > GA467_MAX_LEN) {
                    st = fail(p, GA467_ERR_LEN_LONG, p->frame_start + 5,
                              "LEN %u exceeds the largest frame accepted, "
                              "%u", lf, GA467_MAX_LEN);
                    break;
                }
                p->need = GA467_HEADER_LEN + lf;
            }
            continue;
        }
        size_t take = p->need - p->have;
        if (take > len - i)
            take = len - i;
        memcpy(p->buf + p->have, data + i, take);
        p->have += take;
        p->stream_pos += take;
        i += take;
        if (p->have == p->need) {
            st = finish(p);
            break;
        }
    }
    *used = i;
    return st;
}
