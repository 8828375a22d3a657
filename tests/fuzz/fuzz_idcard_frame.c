/*
 * Fuzzes what a USB device can put in front of the driver: the GA 467
 * response parser (fed in pieces, as packets arrive), the read answer's
 * block lengths, the 256-byte text parser for all four card types, the
 * masking helpers on whatever the parser produced, and the HID report
 * unpacker.
 *
 * Input layout: byte 0 picks the piece size for the frame parser (1..64),
 * the rest is the byte stream. The stream's first 256 bytes also go to the
 * text parser directly, so the parser is reached without the fuzzer first
 * having to find a valid checksum.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "idcard/ga467_frame.h"
#include "idcard/idcard_card.h"
#include "idcard/idcard_session.h"
#include "idcard/idcard_usb.h"

static ga467_parser parser;

static void mask_all(const idcard_identity *id)
{
    char out[256];
    idcard_mask_name(id->name, out, sizeof out);
    idcard_mask_name(id->name_en, out, sizeof out);
    idcard_mask_name(id->address, out, sizeof out);
    idcard_mask_number(id->id_number, out, sizeof out);
    idcard_mask_number(id->pass_number, out, 7);
    idcard_check_digit_ok(id->id_number);
    idcard_date today = {2025, 6, 1};
    idcard_check_validity(id, today);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t piece = (size_t)(data[0] % 64) + 1;
    const uint8_t *s = data + 1;
    size_t n = size - 1;

    ga467_parser_init(&parser, GA467_RESPONSE);
    size_t off = 0;
    while (off < n) {
        size_t chunk = n - off < piece ? n - off : piece;
        size_t used = 0;
        ga467_status st = ga467_parser_feed(&parser, s + off, chunk, &used);
        if (used > chunk)
            __builtin_trap();
        off += used;
        if (st == GA467_FRAME) {
            const ga467_frame *f = &parser.frame;
            if (f->len != f->data_len + 11 || f->data + f->data_len != f->bytes + f->len - 1)
                __builtin_trap();
            idcard_identity *id = NULL;
            char err[192];
            for (int fp = 0; fp < 2; fp++) {
                if (idcard_decode_read_data(f->data, f->data_len, fp, &id, err,
                                            sizeof err) == IDCARD_OK) {
                    mask_all(id);
                    idcard_identity_wipe(id);
                }
            }
            if (f->data_len == 16) {
                char sam[48];
                idcard_format_sam_id(f->data, sam, sizeof sam);
            }
            ga467_parser_reset(&parser);
        } else if (st == GA467_ERROR) {
            if (parser.error_msg[0] == '\0')
                __builtin_trap();
            ga467_parser_reset(&parser);
        }
    }

    if (n >= IDCARD_TEXT_LEN) {
        idcard_identity id;
        memset(&id, 0, sizeof id);
        char err[192];
        if (idcard_parse_text(s, n, &id, err, sizeof err) == 0)
            mask_all(&id);
        else if (err[0] == '\0' || id.name[0] != '\0')
            __builtin_trap();   /* errors always explain and never leave data */
        idcard_identity_clear(&id);
    }
    if (n >= IDCARD_HID_REPORT) {
        const uint8_t *payload;
        int r = idcard_hid_unpack(s, &payload);
        if (r > IDCARD_HID_PAYLOAD)
            __builtin_trap();
    }
    return 0;
}
