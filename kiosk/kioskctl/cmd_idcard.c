/*
 * kioskctl idcard decode FILE    one reader answer (hex) -> masked JSON
 * kioskctl idcard probe [FILE]   readers from kiosk.conf, SAM ID and status
 *
 * decode is for a technician holding a capture (usbmon, a vendor tool's log):
 * it prints what the frame says with every personal field masked as the
 * kiosk screen masks it, or the byte offset and the rule a broken frame
 * breaks. Offsets count bytes of the decoded input, from 0, so they line up
 * with the hex dump.
 */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common/hex.h"
#include "idcard/ga467_frame.h"
#include "idcard/idcard_card.h"
#include "idcard/idcard_session.h"
#include "idcard/idcard_usb.h"
#include "settings/settings.h"
#include "preflight/preflight.h"
#include "common/textfile.h"

static int usage(void)
{
    fputs("usage: kioskctl idcard decode FILE\n"
          "       kioskctl idcard probe [CONFIG]\n"
          "FILE holds one reader answer as hex byte pairs, any whitespace\n"
          "between them (\"-\" reads standard input). CONFIG defaults to\n"
          "$KIOSK_CONFIG, else /etc/kiosk/kiosk.conf, else config/kiosk.conf.\n",
          stderr);
    return 2;
}

/* ---- decode --------------------------------------------------------------- */

/* The largest answer (text, photo and fingerprints) is under 3 KiB, its hex
 * dump with spaces and line breaks under 10 KiB; 64 KiB leaves room for a
 * capture tool's layout, and anything bigger is the wrong file or stream,
 * refused before it is all in memory. Documented in docs-hardening.md. */
#define HEX_MAX_FILE_SIZE (64u * 1024u)

/* Parses hex pairs in text[0..len) into *out (free with free()). On a bad
 * character, reports FILE:LINE:COL and returns false. */
static bool parse_hex(const char *text, size_t len, const char *name,
                      uint8_t **out, size_t *n_out)
{
    uint8_t *buf = malloc(len / 2 + 1);
    if (!buf) {
        fprintf(stderr, "%s: out of memory\n", name);
        return false;
    }
    size_t n = 0;
    int line = 1, col = 0, hi = -1, hi_line = 0, hi_col = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        col++;
        if (c == '\n') {
            line++;
            col = 0;
        }
        if (isspace(c))
            continue;
        int v = hex_digit(c);
        if (v < 0) {
            fprintf(stderr, "%s:%d:%d: '%c' is not a hex digit\n", name, line,
                    col, isprint(c) ? c : '?');
            free(buf);
            return false;
        }
        if (hi < 0) {
            hi = v;
            hi_line = line;
            hi_col = col;
            continue;
        }
        buf[n++] = (uint8_t)(hi << 4 | v);
        hi = -1;
    }
    if (hi >= 0) {
        fprintf(stderr, "%s:%d:%d: odd number of hex digits (the last byte "
                "has one digit)\n", name, hi_line, hi_col);
        free(buf);
        return false;
    }
    *out = buf;
    *n_out = n;
    return true;
}

static void set_str(json_t *o, const char *key, const char *value)
{
    json_object_set_new(o, key, json_string(value));
}

static void set_masked_name(json_t *o, const char *key, const char *value)
{
    if (!value[0])
        return;
    char m[256];
    idcard_mask_name(value, m, sizeof m);
    set_str(o, key, m);
}

static void set_masked_number(json_t *o, const char *key, const char *value)
{
    if (!value[0])
        return;
    char m[128];
    idcard_mask_number(value, m, sizeof m);
    set_str(o, key, m);
}

static void set_date(json_t *o, const char *key, idcard_date d)
{
    char s[16];
    if (!d.year)
        return;
    snprintf(s, sizeof s, "%04d-%02d-%02d", d.year, d.month, d.day);
    set_str(o, key, s);
}

/* The card, as the screen would show it: names and numbers masked, birth
 * date and nation withheld (the ID number's masked middle is the birth date,
 * and ethnicity is sensitive data), validity and authority in clear. */
static json_t *card_json(const idcard_identity *id)
{
    json_t *c = json_object();
    set_str(c, "type", idcard_type_name(id->type));
    set_masked_name(c, "name", id->name);
    set_masked_name(c, "name_en", id->name_en);
    set_str(c, "sex", id->sex == IDCARD_SEX_MALE ? "male"
                    : id->sex == IDCARD_SEX_FEMALE ? "female" : "unknown");
    if (id->nation_code[0])
        set_str(c, "nation", "**");
    if (id->birth.year)
        set_str(c, "birth", "****-**-**");
    set_masked_name(c, "address", id->address);
    set_masked_number(c, "id_number", id->id_number);
    if (strlen(id->id_number) == 18)
        set_str(c, "id_number_check", idcard_check_digit_ok(id->id_number) ? "ok" : "wrong");
    if (id->authority[0])
        set_str(c, "authority", id->authority);
    set_date(c, "valid_from", id->valid_from);
    if (id->long_term)
        set_str(c, "valid_to", "长期");
    else
        set_date(c, "valid_to", id->valid_to);
    set_masked_number(c, "pass_number", id->pass_number);
    if (id->issue_count >= 0)
        json_object_set_new(c, "issue_count", json_integer(id->issue_count));
    if (id->renewal_count >= 0)
        json_object_set_new(c, "renewal_count", json_integer(id->renewal_count));
    if (id->nationality[0])
        set_str(c, "nationality", id->nationality);
    if (id->card_version[0])
        set_str(c, "card_version", id->card_version);
    json_object_set_new(c, "photo_bytes", json_integer((json_int_t)id->photo_len));
    if (id->fingerprint_len)
        json_object_set_new(c, "fingerprint_bytes", json_integer((json_int_t)id->fingerprint_len));
    return c;
}

static size_t be16(const uint8_t *p)
{
    return (size_t)(p[0] << 8 | p[1]);
}

/* Decodes a read answer's data. Returns 0 with *card set, or 1 after
 * printing the offending byte (absolute offset base + data offset). */
static int decode_read(const uint8_t *data, size_t len, size_t base,
                       const char *name, json_t **card)
{
    /* 30 01 answers carry two block lengths, 30 10 answers three: the one
     * whose lengths add up is the one it is. */
    bool fp = len >= 6 && 6 + be16(data) + be16(data + 2) + be16(data + 4) == len;
    size_t head = fp ? 6 : 4;
    if (len < 4 || head + be16(data) + be16(data + 2) + (fp ? be16(data + 4) : 0) != len) {
        fprintf(stderr, "%s: byte %zu: the text and photo lengths announced "
                "do not add up to the %zu data bytes of the frame\n", name,
                base, len);
        return 1;
    }
    if (be16(data) != IDCARD_TEXT_LEN) {
        fprintf(stderr, "%s: byte %zu: text length %zu, a text block is %d "
                "bytes\n", name, base, be16(data), IDCARD_TEXT_LEN);
        return 1;
    }
    idcard_identity *id = NULL;
    char err[192];
    int rc = idcard_decode_read_data(data, len, fp, &id, err, sizeof err);
    if (rc == IDCARD_ERR_PARSE) {
        /* Re-run the text parser for its text-block offset, then shift it
         * to an offset in the input. */
        idcard_identity tmp;
        memset(&tmp, 0, sizeof tmp);
        idcard_parse_text(data + head, IDCARD_TEXT_LEN, &tmp, err, sizeof err);
        size_t off = 0;
        int used = 0;
        const char *field = NULL, *close = NULL;
        if (sscanf(err, "byte %zu %n", &off, &used) == 1 && used > 0 &&
            (field = err + used)[0] == '(' && (close = strchr(field, ')')) &&
            close[1] == ':')
            fprintf(stderr, "%s: byte %zu (text block byte %zu, %.*s):%s\n",
                    name, base + head + off, off, (int)(close - field - 1),
                    field + 1, close + 2);
        else
            fprintf(stderr, "%s: %s\n", name, err);
        idcard_identity_clear(&tmp);
        return 1;
    }
    if (rc != IDCARD_OK) {
        fprintf(stderr, "%s: %s\n", name, err[0] ? err : idcard_result_name(rc));
        return 1;
    }
    *card = card_json(id);
    idcard_identity_wipe(id);
    return 0;
}

static int idcard_decode(const char *path)
{
    size_t text_len = 0;
    char *hex;
    if (strcmp(path, "-")) {
        diag_list errors = DIAG_LIST_INIT;
        hex = textfile_read(path, HEX_MAX_FILE_SIZE, "a hex dump of one reader answer",
                             &text_len, &errors);
        diag_print(&errors, stderr);
        diag_clear(&errors);
        if (!hex)
            return 2;
    } else {
        /* Standard input, bounded like a file: a pipe cannot be fstat'ed
         * for its size, so the read stops one byte past the limit. */
        diag_list errors = DIAG_LIST_INIT;
        hex = textfile_read_stdin(HEX_MAX_FILE_SIZE, "a hex dump of one reader answer",
                                  &text_len, &errors);
        diag_print(&errors, stderr);
        diag_clear(&errors);
        if (!hex)
            return 2;
    }
    uint8_t *bytes = NULL;
    size_t len = 0;
    bool ok = parse_hex(hex, text_len, path, &bytes, &len);
    /* The input may be a real card's answer. */
    explicit_bzero(hex, text_len);
    free(hex);
    if (!ok)
        return 1;

    static ga467_parser p;
    ga467_parser_init(&p, GA467_RESPONSE);
    size_t used = 0;
    ga467_status st = ga467_parser_feed(&p, bytes, len, &used);
    int rc = 1;
    if (st == GA467_ERROR) {
        fprintf(stderr, "%s: %s\n", path, p.error_msg);
        goto out;
    }
    if (st == GA467_NEED_MORE) {
        if (ga467_parser_pending(&p) == 0)
            fprintf(stderr, "%s: byte %zu: no frame preamble AA AA AA 96 69 "
                    "found\n", path, len);
        else if (p.need)
            fprintf(stderr, "%s: byte %zu: frame incomplete: LEN announces %zu "
                    "bytes from byte %zu, %zu present\n", path, len,
                    p.need, p.frame_start, ga467_parser_pending(&p));
        else
            fprintf(stderr, "%s: byte %zu: frame incomplete: input ends inside "
                    "the header\n", path, len);
        goto out;
    }

    const ga467_frame *fr = &p.frame;
    const ga467_sw3_info *info = ga467_sw3_lookup(fr->sw3);
    json_t *o = json_object();
    json_object_set_new(o, "frame_bytes", json_integer((json_int_t)fr->len));
    if (fr->skipped)
        json_object_set_new(o, "skipped_bytes", json_integer((json_int_t)fr->skipped));
    if (len > used)
        json_object_set_new(o, "trailing_bytes", json_integer((json_int_t)(len - used)));
    char sw[8];
    snprintf(sw, sizeof sw, "%02X", fr->sw3);
    set_str(o, "sw3", sw);
    set_str(o, "status", info ? info->name : "not in the protocol");
    if (info)
        set_str(o, "meaning", info->meaning);
    json_object_set_new(o, "data_bytes", json_integer((json_int_t)fr->data_len));

    size_t data_off = fr->offset + 10;
    if (fr->sw3 == GA467_SW3_OK && fr->data_len == 16) {
        char sam[48];
        idcard_format_sam_id(fr->data, sam, sizeof sam);
        set_str(o, "sam_id", sam);
    } else if (fr->sw3 == GA467_SW3_OK && fr->data_len > 16) {
        json_t *card = NULL;
        if (decode_read(fr->data, fr->data_len, data_off, path, &card) != 0) {
            json_decref(o);
            goto out;
        }
        json_object_set_new(o, "card", card);
    }
    char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (text) {
        puts(text);
        free(text);
        rc = 0;
    }
out:
    /* The input may be a real card's answer. */
    explicit_bzero(bytes, len);
    explicit_bzero(p.buf, sizeof p.buf);
    free(bytes);
    return rc;
}

/* ---- probe ---------------------------------------------------------------- */

typedef struct probe_state {
    int found, answered;
} probe_state;

static void probe_one(void *user, libusb_device *dev, const idcard_usb_id *id)
{
    probe_state *st = user;
    st->found++;
    printf("%04x:%04x bus %u address %u (%s): ", id->vid, id->pid,
           libusb_get_bus_number(dev), libusb_get_device_address(dev),
           id->link == IDCARD_LINK_HID ? "hid" : "bulk");
    fflush(stdout);
    idcard_usb *u = NULL;
    char err[192];
    int rc = idcard_usb_open(dev, id->link, &u, err, sizeof err);
    if (rc != IDCARD_OK) {
        printf("cannot open: %s\n", err[0] ? err : idcard_result_name(rc));
        return;
    }
    idcard_transport tr;
    idcard_usb_transport(u, &tr);
    static idcard_session s;
    idcard_session_init(&s, &tr);
    char sam[48];
    rc = idcard_session_sam_id(&s, sam, sizeof sam);
    if (rc == IDCARD_OK)
        printf("SAM %s, ", sam);
    else
        printf("SAM ID unreadable (%s), ", idcard_result_name(rc));
    rc = idcard_session_sam_status(&s);
    if (rc == IDCARD_OK) {
        printf("status ok\n");
        st->answered++;
    } else {
        int sw3 = idcard_result_sw3(rc);
        const ga467_sw3_info *info = sw3 >= 0 ? ga467_sw3_lookup((uint8_t)sw3) : NULL;
        printf("status %s%s%s\n", idcard_result_name(rc), info ? ": " : "",
               info ? info->meaning : "");
    }
    idcard_usb_close(u);
}

static int idcard_probe(const char *config_path)
{
    settings s;
    diag_list errors = DIAG_LIST_INIT;
    bool ok = settings_load(&s, config_path, &errors);
    if (!ok) {
        /* Probing still helps with a flawed config: the reader table falls
         * back to what could be read, or the defaults. */
        diag_print(&errors, stderr);
        fprintf(stderr, "kioskctl idcard probe: using the readers table %s\n",
                s.path ? "as far as it could be read" : "built in by default");
    }
    diag_clear(&errors);

    idcard_usb_id ids[SETTINGS_MAX_READERS];
    size_t n = 0;
    for (int i = 0; i < s.n_readers && i < SETTINGS_MAX_READERS; i++) {
        ids[n].vid = s.readers[i].vid;
        ids[n].pid = s.readers[i].pid;
        ids[n].link = s.readers[i].transport == READER_HID ? IDCARD_LINK_HID
                                                           : IDCARD_LINK_BULK;
        n++;
    }
    settings_free(&s);

    libusb_context *ctx;
    int r = libusb_init(&ctx);
    if (r != 0) {
        fprintf(stderr, "kioskctl idcard probe: libusb: %s\n", libusb_error_name(r));
        return 1;
    }
    probe_state st = {0, 0};
    idcard_usb_scan(ctx, ids, n, probe_one, &st);
    libusb_exit(ctx);
    if (st.found == 0) {
        printf("no reader found (looking for");
        for (size_t i = 0; i < n; i++)
            printf("%s %04x:%04x/%s", i ? "," : "", ids[i].vid, ids[i].pid,
                   ids[i].link == IDCARD_LINK_HID ? "hid" : "bulk");
        printf(")\n");
        return 1;
    }
    return st.answered > 0 ? 0 : 1;
}

int cmd_idcard(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "decode"))
        return idcard_decode(argv[2]);
    if ((argc == 2 || argc == 3) && !strcmp(argv[1], "probe"))
        return idcard_probe(argc == 3 ? argv[2] : preflight_default_path());
    return usage();
}
