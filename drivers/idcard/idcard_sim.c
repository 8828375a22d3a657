/*
 * idcard_sim: see idcard_sim.h.
 */
#include "idcard_sim.h"
#include "common/clock.h"
#include "common/textfile.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <time.h>

#include "ga467_frame.h"

#define SIM_OUT_CAP (GA467_MAX_FRAME + 64)
#define UNPLUG_AFTER_BYTES 64   /* one full-speed packet, then the cable goes */

/* Fixed SAM ID: 5, 1, 20230101, 123456, 1234567890 (LE u16 u16 u32 u32 u32). */
static const uint8_t sam_id_raw[16] = {
    0x05, 0x00, 0x01, 0x00, 0xD5, 0xAF, 0x34, 0x01,
    0x40, 0xE2, 0x01, 0x00, 0xD2, 0x02, 0x96, 0x49,
};

static const uint16_t counted_cmds[] = {
    GA467_CMD_SAM_RESET, GA467_CMD_SAM_STATUS, GA467_CMD_SAM_ID,
    GA467_CMD_FIND, GA467_CMD_SELECT, GA467_CMD_READ, GA467_CMD_READ_FP,
    GA467_CMD_READ_ADDR,
};
#define N_COUNTED (sizeof counted_cmds / sizeof counted_cmds[0])

struct idcard_sim {
    pthread_mutex_t mu;
    clock_cond cv;              /* signalled on unplug and on new output */

    bool plugged;
    bool has_card, found, selected;
    /* A card was lifted since the last FIND. A hand takes the card off the
     * field for some hundreds of milliseconds, so a real reader's next poll
     * sees the field empty; the simulator's remove-and-place happens in
     * one instant, so the next FIND reports the empty field once instead.
     * Without it the reader never sees a failed card leave, and takes the
     * next card for the failed one still lying there (issue 13, item 5). */
    bool vacated;
    uint8_t text[IDCARD_TEXT_LEN];
    uint8_t photo[IDCARD_PHOTO_LEN];
    idcard_sim_fault fault;
    uint32_t rng;

    ga467_parser in;            /* command frames may arrive split */
    uint8_t out[SIM_OUT_CAP];   /* the pending answer */
    size_t out_len, out_pos;
    long long ready_at;         /* CLOCK_MONOTONIC ms when out is ready */
    size_t unplug_at;           /* 0 = never; else unplug once out_pos >= */

    unsigned counts[N_COUNTED];
};

/* The kiosk's clock (common/clock.h), so the script harness's virtual time
 * drives this file's deadlines too. */
static uint32_t xorshift(uint32_t *s)
{
    uint32_t x = *s ? *s : 0x9E3779B9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

idcard_sim *idcard_sim_new(uint32_t seed)
{
    idcard_sim *sim = calloc(1, sizeof *sim);
    if (!sim)
        return NULL;
    /* On the kiosk clock: monotonic in real time, so a wall-clock step (NTP
     * on a kiosk that booted with a wrong RTC) cannot stretch or cut a
     * transfer timeout, and virtual under the script harness. */
    clock_cond_init(&sim->cv);
    pthread_mutex_init(&sim->mu, NULL);
    sim->plugged = true;
    sim->rng = seed ? seed : 1;
    ga467_parser_init(&sim->in, GA467_COMMAND);
    return sim;
}

void idcard_sim_free(idcard_sim *sim)
{
    if (!sim)
        return;
    pthread_mutex_destroy(&sim->mu);
    clock_cond_destroy(&sim->cv);
    /* The fixture text and photo are fictional, but the simulator also
     * carries raw blocks from tests: treat them like any card data. */
    explicit_bzero(sim, sizeof *sim);
    free(sim);
}

void idcard_sim_sam_id(char *out, size_t out_size)
{
    idcard_format_sam_id(sam_id_raw, out, out_size);
}

/* ---- fixture encoding --------------------------------------------------- */

/* Writes a UTF-8 string as UCS-2LE into text[off .. off+len), space-padded.
 * Returns false when it does not fit or is not UTF-8. */
static bool put_ucs2(uint8_t *text, size_t off, size_t len, const char *s)
{
    size_t pos = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned cp;
        size_t n;
        if (*p < 0x80) { cp = *p; n = 1; }
        else if ((*p & 0xE0) == 0xC0) { cp = *p & 0x1F; n = 2; }
        else if ((*p & 0xF0) == 0xE0) { cp = *p & 0x0F; n = 3; }
        else if ((*p & 0xF8) == 0xF0) { cp = *p & 0x07; n = 4; }
        else return false;
        for (size_t i = 1; i < n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            cp = cp << 6 | (p[i] & 0x3F);
        }
        p += n;
        if (cp >= 0x10000) {
            if (pos + 4 > len)
                return false;
            cp -= 0x10000;
            unsigned hi = 0xD800 + (cp >> 10), lo = 0xDC00 + (cp & 0x3FF);
            text[off + pos++] = (uint8_t)hi;
            text[off + pos++] = (uint8_t)(hi >> 8);
            text[off + pos++] = (uint8_t)lo;
            text[off + pos++] = (uint8_t)(lo >> 8);
            continue;
        }
        if (pos + 2 > len)
            return false;
        text[off + pos++] = (uint8_t)cp;
        text[off + pos++] = (uint8_t)(cp >> 8);
    }
    return true;
}

typedef struct fixture_field {
    const char *key;
    size_t off, len;
} fixture_field;

static const fixture_field resident_fields[] = {
    {"name", 0, 30}, {"sex", 30, 2}, {"nation", 32, 4}, {"birth", 36, 16},
    {"address", 52, 70}, {"id_number", 122, 36}, {"authority", 158, 30},
    {"valid_from", 188, 16}, {"valid_to", 204, 16},
    {"pass_number", 220, 18}, {"issue_count", 238, 4},   /* J only */
};
static const fixture_field foreign2017_fields[] = {
    {"name_en", 0, 120}, {"sex", 120, 2}, {"id_number", 122, 30},
    {"nationality", 152, 6}, {"name", 158, 30}, {"valid_from", 188, 16},
    {"valid_to", 204, 16}, {"birth", 220, 16}, {"card_version", 236, 4},
    {"authority_code", 240, 8},
};
static const fixture_field foreign2023_fields[] = {
    {"name", 0, 30}, {"sex", 30, 2}, {"renewal_count", 32, 4},
    {"birth", 36, 16}, {"id_number", 122, 36}, {"valid_from", 188, 16},
    {"valid_to", 204, 16}, {"nationality", 242, 6},
    /* name_en is split over 52/70 and 220/22: handled separately */
};

/* Keys that describe the fixture itself, for the kiosk's demo-card list. */
static bool is_meta_key(const char *k)
{
    return !strcmp(k, "type") || !strcmp(k, "label") ||
           !strcmp(k, "comment");
}

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

int idcard_sim_encode_fixture(const char *json, const char *name,
                              uint8_t text[256], uint8_t photo[1024],
                              char *err, size_t err_size)
{
    json_error_t je;
    json_t *root = json_loads(json, 0, &je);
    if (!root) {
        snprintf(err, err_size, "%s:%d:%d: %s", name, je.line, je.column, je.text);
        return -1;
    }
    int rc = -1;
    const fixture_field *fields = resident_fields;
    size_t n_fields = 9;
    uint16_t flag = ' ';
    if (!json_is_object(root)) {
        snprintf(err, err_size, "%s: not a JSON object", name);
        goto out;
    }
    const char *type = json_string_value(json_object_get(root, "type"));
    if (!type || !strcmp(type, "resident")) {
        /* defaults above */
    } else if (!strcmp(type, "J") || !strcmp(type, "hkmotw")) {
        n_fields = 11;
        flag = 'J';
    } else if (!strcmp(type, "I") || !strcmp(type, "foreign2017")) {
        fields = foreign2017_fields;
        n_fields = sizeof foreign2017_fields / sizeof foreign2017_fields[0];
        flag = 'I';
    } else if (!strcmp(type, "Y") || !strcmp(type, "foreign2023")) {
        fields = foreign2023_fields;
        n_fields = sizeof foreign2023_fields / sizeof foreign2023_fields[0];
        flag = 'Y';
    } else {
        snprintf(err, err_size, "%s: type \"%s\" is not resident, J, I or Y",
                 name, type);
        goto out;
    }
    for (size_t i = 0; i < IDCARD_TEXT_LEN; i += 2) {
        text[i] = ' ';
        text[i + 1] = 0;
    }
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val) {
        if (is_meta_key(key))
            continue;
        char num[16];
        const char *s = json_string_value(val);
        if (!s && json_is_integer(val) &&
            (!strcmp(key, "issue_count") || !strcmp(key, "renewal_count"))) {
            snprintf(num, sizeof num, "%02d", (int)json_integer_value(val));
            s = num;
        }
        if (!s) {
            snprintf(err, err_size, "%s: \"%s\" must be a string", name, key);
            goto out;
        }
        if (flag == 'Y' && !strcmp(key, "name_en")) {
            /* 35 units at 52, the rest (11 units) at 220 */
            uint8_t tmp[92];
            for (size_t i = 0; i < sizeof tmp; i += 2) {
                tmp[i] = ' ';
                tmp[i + 1] = 0;
            }
            if (!put_ucs2(tmp, 0, sizeof tmp, s)) {
                snprintf(err, err_size, "%s: \"name_en\" longer than 46 "
                         "characters or not UTF-8", name);
                goto out;
            }
            memcpy(text + 52, tmp, 70);
            memcpy(text + 220, tmp + 70, 22);
            explicit_bzero(tmp, sizeof tmp);    /* a name, in UCS-2 */
            continue;
        }
        const fixture_field *f = NULL;
        for (size_t i = 0; i < n_fields; i++)
            if (!strcmp(fields[i].key, key))
                f = &fields[i];
        if (!f) {
            snprintf(err, err_size, "%s: key \"%s\" is not a field of a %s card",
                     name, key, type ? type : "resident");
            goto out;
        }
        if (!put_ucs2(text, f->off, f->len, s)) {
            snprintf(err, err_size, "%s: \"%s\" longer than %zu characters or "
                     "not UTF-8", name, key, f->len / 2);
            goto out;
        }
    }
    text[248] = (uint8_t)flag;
    text[249] = 0;
    if (photo) {
        /* "WL" like a WLT header, then stable noise: enough for a photo
         * buffer that must be carried and wiped, never decoded. */
        uint32_t st = fnv1a(json);
        photo[0] = 'W';
        photo[1] = 'L';
        for (size_t i = 2; i < IDCARD_PHOTO_LEN; i++)
            photo[i] = (uint8_t)xorshift(&st);
    }
    rc = 0;
out:
    json_decref(root);
    return rc;
}

int idcard_sim_place_card_json(idcard_sim *sim, const char *json,
                               const char *name, char *err, size_t err_size)
{
    uint8_t text[IDCARD_TEXT_LEN], photo[IDCARD_PHOTO_LEN];
    char dummy[8];
    if (!err) {
        err = dummy;
        err_size = sizeof dummy;
    }
    if (idcard_sim_encode_fixture(json, name, text, photo, err, err_size) != 0)
        return -1;
    int rc = idcard_sim_place_card_raw(sim, text, photo, sizeof photo);
    explicit_bzero(text, sizeof text);
    explicit_bzero(photo, sizeof photo);
    return rc;
}

int idcard_sim_place_card_err(idcard_sim *sim, const char *fixture_path,
                              char *err, size_t err_size)
{
    char dummy[8];
    if (!err) {
        err = dummy;
        err_size = sizeof dummy;
    }
    char why[200];
    int fd = textfile_open(fixture_path, 0, NULL, why, sizeof why);
    FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        snprintf(err, err_size, "%s: %s", fixture_path, why);
        return -1;
    }
    /* straight into buf (wiped below): stdio's own buffer would be freed
     * at fclose holding the whole fixture */
    setvbuf(f, NULL, _IONBF, 0);
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    bool too_big = !feof(f);
    fclose(f);
    if (too_big) {
        snprintf(err, err_size, "%s: larger than %zu bytes", fixture_path,
                 sizeof buf - 1);
        return -1;
    }
    buf[n] = '\0';
    int rc = idcard_sim_place_card_json(sim, buf, fixture_path, err, err_size);
    explicit_bzero(buf, sizeof buf);
    return rc;
}

int idcard_sim_place_card(idcard_sim *sim, const char *fixture_path)
{
    return idcard_sim_place_card_err(sim, fixture_path, NULL, 0);
}

int idcard_sim_place_card_raw(idcard_sim *sim, const uint8_t text[256],
                              const uint8_t *photo, size_t photo_len)
{
    pthread_mutex_lock(&sim->mu);
    memcpy(sim->text, text, IDCARD_TEXT_LEN);
    if (photo && photo_len == IDCARD_PHOTO_LEN) {
        memcpy(sim->photo, photo, IDCARD_PHOTO_LEN);
    } else {
        for (size_t i = 0; i < IDCARD_PHOTO_LEN; i++)
            sim->photo[i] = (uint8_t)xorshift(&sim->rng);
    }
    sim->has_card = true;
    /* A newly placed card has to be found and selected again. */
    sim->found = sim->selected = false;
    pthread_mutex_unlock(&sim->mu);
    return 0;
}

/* Caller holds mu. Drops the pending answer, wiped: a read answer is the
 * card's text block (UCS-2: name, address, ID number) and photo, and an
 * answer only overwrites as many bytes as it has, so a short one after a
 * read left the card in the tail (issue 13 item 8). */
static void drop_answer(idcard_sim *sim)
{
    explicit_bzero(sim->out, sizeof sim->out);
    sim->out_len = sim->out_pos = 0;
}

void idcard_sim_remove_card(idcard_sim *sim)
{
    pthread_mutex_lock(&sim->mu);
    if (sim->has_card)
        sim->vacated = true;
    sim->has_card = sim->found = sim->selected = false;
    explicit_bzero(sim->text, sizeof sim->text);
    explicit_bzero(sim->photo, sizeof sim->photo);
    /* an answer the host never collected may still carry the card */
    drop_answer(sim);
    pthread_mutex_unlock(&sim->mu);
}

bool idcard_sim_has_card(idcard_sim *sim)
{
    pthread_mutex_lock(&sim->mu);
    bool r = sim->has_card;
    pthread_mutex_unlock(&sim->mu);
    return r;
}

/* Caller holds mu. Forgets every transfer in flight, as a power cycle does. */
static void reset_link(idcard_sim *sim)
{
    ga467_parser_reset(&sim->in);
    drop_answer(sim);
    sim->unplug_at = 0;
    sim->found = sim->selected = false;
}

void idcard_sim_set_plugged(idcard_sim *sim, bool plugged)
{
    pthread_mutex_lock(&sim->mu);
    if (sim->plugged != plugged)
        reset_link(sim);
    sim->plugged = plugged;
    clock_cond_broadcast(&sim->cv);
    pthread_mutex_unlock(&sim->mu);
}

bool idcard_sim_plugged(idcard_sim *sim)
{
    pthread_mutex_lock(&sim->mu);
    bool r = sim->plugged;
    pthread_mutex_unlock(&sim->mu);
    return r;
}

void idcard_sim_set_fault(idcard_sim *sim, const idcard_sim_fault *fault)
{
    pthread_mutex_lock(&sim->mu);
    if (fault)
        sim->fault = *fault;
    else
        memset(&sim->fault, 0, sizeof sim->fault);
    pthread_mutex_unlock(&sim->mu);
}

unsigned idcard_sim_commands(idcard_sim *sim, uint16_t cmd)
{
    unsigned r = 0;
    pthread_mutex_lock(&sim->mu);
    for (size_t i = 0; i < N_COUNTED; i++)
        if (counted_cmds[i] == cmd)
            r = sim->counts[i];
    pthread_mutex_unlock(&sim->mu);
    return r;
}

/* ---- the SAM ------------------------------------------------------------ */

/* Caller holds mu. Takes the fault if it applies to cmd, consuming one use. */
static idcard_sim_fault take_fault(idcard_sim *sim, uint16_t cmd)
{
    idcard_sim_fault none = {0};
    idcard_sim_fault *f = &sim->fault;
    if (f->kind == IDCARD_FAULT_NONE)
        return none;
    bool is_read = cmd == GA467_CMD_READ || cmd == GA467_CMD_READ_FP;
    if (f->cmd ? f->cmd != cmd : (f->kind == IDCARD_FAULT_REMOVE_MID_READ && !is_read))
        return none;
    idcard_sim_fault got = *f;
    if (f->count > 0 && --f->count == 0)
        memset(f, 0, sizeof *f);
    return got;
}

static void answer(idcard_sim *sim, uint8_t sw3, const uint8_t *data, size_t len)
{
    sim->out_len = ga467_build_response(sw3, data, len, sim->out, sizeof sim->out);
}

/* The read answer's data: lengths, text, photo. photo_short trims the photo
 * while still announcing 1024 (the wrong-length fault). */
static void answer_read(idcard_sim *sim, bool fingerprint, size_t photo_short)
{
    uint8_t *d = malloc(6 + IDCARD_TEXT_LEN + IDCARD_PHOTO_LEN + IDCARD_FINGERPRINT_LEN);
    if (!d) {
        answer(sim, GA467_SW3_UNKNOWN, NULL, 0);
        return;
    }
    size_t n = 0;
    d[n++] = IDCARD_TEXT_LEN >> 8;
    d[n++] = IDCARD_TEXT_LEN & 0xFF;
    d[n++] = IDCARD_PHOTO_LEN >> 8;
    d[n++] = IDCARD_PHOTO_LEN & 0xFF;
    if (fingerprint) {
        d[n++] = IDCARD_FINGERPRINT_LEN >> 8;
        d[n++] = IDCARD_FINGERPRINT_LEN & 0xFF;
    }
    memcpy(d + n, sim->text, IDCARD_TEXT_LEN);
    n += IDCARD_TEXT_LEN;
    memcpy(d + n, sim->photo, IDCARD_PHOTO_LEN - photo_short);
    n += IDCARD_PHOTO_LEN - photo_short;
    if (fingerprint) {
        /* Fingerprint templates are not simulated: a fixed pattern. */
        for (size_t i = 0; i < IDCARD_FINGERPRINT_LEN; i++)
            d[n + i] = (uint8_t)(i * 7);
        n += IDCARD_FINGERPRINT_LEN;
    }
    answer(sim, GA467_SW3_OK, d, n);
    explicit_bzero(d, n);
    free(d);
}

/* Caller holds mu. Runs one complete command and queues its answer. */
static void run_command(idcard_sim *sim, uint16_t cmd)
{
    for (size_t i = 0; i < N_COUNTED; i++)
        if (counted_cmds[i] == cmd)
            sim->counts[i]++;

    idcard_sim_fault f = take_fault(sim, cmd);
    sim->ready_at = 0;
    sim->unplug_at = 0;
    drop_answer(sim);

    switch (f.kind) {
    case IDCARD_FAULT_NO_ANSWER:
        return;
    case IDCARD_FAULT_SW3:
        if (cmd == GA467_CMD_FIND)
            sim->found = sim->selected = false;
        answer(sim, f.sw3, NULL, 0);
        return;
    case IDCARD_FAULT_REMOVE_MID_READ:
        sim->has_card = sim->found = sim->selected = false;
        answer(sim, GA467_SW3_READ, NULL, 0);
        return;
    case IDCARD_FAULT_WRONG_LENGTH:
        if (cmd == GA467_CMD_READ || cmd == GA467_CMD_READ_FP) {
            if (sim->has_card && sim->selected) {
                answer_read(sim, cmd == GA467_CMD_READ_FP, 24);
                return;
            }
        } else {
            /* A header announcing LEN 2: too short for SW1 SW2 SW3 CHK. */
            static const uint8_t bad[] = {0xAA, 0xAA, 0xAA, 0x96, 0x69,
                                          0x00, 0x02, 0x00, 0x00};
            memcpy(sim->out, bad, sizeof bad);
            sim->out_len = sizeof bad;
            return;
        }
        break;
    default:
        break;
    }

    uint8_t zeros[8] = {0};
    switch (cmd) {
    case GA467_CMD_SAM_RESET:
        reset_link(sim);
        answer(sim, GA467_SW3_OK, NULL, 0);
        break;
    case GA467_CMD_SAM_STATUS:
        answer(sim, GA467_SW3_OK, NULL, 0);
        break;
    case GA467_CMD_SAM_ID:
        answer(sim, GA467_SW3_OK, sam_id_raw, sizeof sam_id_raw);
        break;
    case GA467_CMD_FIND:
        /* the field was empty for a moment since the last look */
        sim->found = sim->has_card && !sim->vacated;
        sim->vacated = false;
        sim->selected = false;
        if (sim->found)
            answer(sim, GA467_SW3_FIND_OK, zeros, 4);
        else
            answer(sim, GA467_SW3_FIND_FAILED, NULL, 0);
        break;
    case GA467_CMD_SELECT:
        sim->selected = sim->has_card && sim->found;
        if (sim->selected)
            answer(sim, GA467_SW3_OK, zeros, 8);
        else
            answer(sim, GA467_SW3_SELECT_FAILED, NULL, 0);
        break;
    case GA467_CMD_READ:
    case GA467_CMD_READ_FP:
        if (sim->has_card && sim->selected)
            answer_read(sim, cmd == GA467_CMD_READ_FP, 0);
        else
            answer(sim, GA467_SW3_READ, NULL, 0);
        break;
    case GA467_CMD_READ_ADDR:
        answer(sim, GA467_SW3_NO_CONTENT, NULL, 0);
        break;
    default:
        answer(sim, GA467_SW3_COMMAND, NULL, 0);
        break;
    }

    switch (f.kind) {
    case IDCARD_FAULT_BAD_CHECKSUM:
        if (sim->out_len)
            sim->out[sim->out_len - 1] ^= 0x5A;
        break;
    case IDCARD_FAULT_GARBAGE: {
        /* Noise, a false start of a preamble, then a doubled AA: the parser
         * must skip all of it and still find the frame. */
        uint8_t junk[16];
        size_t n = 0;
        for (int i = 0; i < 6; i++) {
            uint8_t b = (uint8_t)xorshift(&sim->rng);
            junk[n++] = b == 0xAA ? 0x55 : b;
        }
        static const uint8_t tail[] = {0xAA, 0xAA, 0xAA, 0x96, 0x00, 0xAA};
        memcpy(junk + n, tail, sizeof tail);
        n += sizeof tail;
        if (sim->out_len + n <= sizeof sim->out) {
            memmove(sim->out + n, sim->out, sim->out_len);
            memcpy(sim->out, junk, n);
            sim->out_len += n;
        }
        break;
    }
    case IDCARD_FAULT_SLOW:
        sim->ready_at = (long long)clock_now_ms() + f.delay_ms;
        break;
    case IDCARD_FAULT_UNPLUG_MID_TRANSFER:
        sim->unplug_at = sim->out_len < UNPLUG_AFTER_BYTES ? 1 : UNPLUG_AFTER_BYTES;
        break;
    default:
        break;
    }
}

int idcard_sim_host_write(idcard_sim *sim, const uint8_t *buf, size_t len)
{
    pthread_mutex_lock(&sim->mu);
    if (!sim->plugged) {
        pthread_mutex_unlock(&sim->mu);
        return IDCARD_ERR_DEVICE_GONE;
    }
    /* A new command abandons any answer the host never collected, as the
     * reader's firmware serves one command at a time. */
    if (ga467_parser_pending(&sim->in) == 0) {
        drop_answer(sim);
        sim->unplug_at = 0;
    }
    size_t off = 0;
    while (off < len) {
        size_t used;
        ga467_status st = ga467_parser_feed(&sim->in, buf + off, len - off, &used);
        off += used;
        if (st == GA467_FRAME) {
            uint16_t cmd = (uint16_t)(sim->in.frame.cmd << 8 | sim->in.frame.para);
            ga467_parser_reset(&sim->in);
            run_command(sim, cmd);
        } else if (st == GA467_ERROR) {
            uint8_t sw3 = sim->in.error == GA467_ERR_CHECKSUM ? GA467_SW3_CHECKSUM
                                                               : GA467_SW3_LENGTH;
            ga467_parser_reset(&sim->in);
            sim->out_pos = 0;
            answer(sim, sw3, NULL, 0);
        }
    }
    clock_cond_broadcast(&sim->cv);
    pthread_mutex_unlock(&sim->mu);
    return (int)len;
}

/* Caller holds mu. */
static int read_locked(idcard_sim *sim, uint8_t *buf, size_t cap, int *wait_ms)
{
    if (!sim->plugged)
        return IDCARD_ERR_DEVICE_GONE;
    if (sim->out_pos >= sim->out_len) {
        if (wait_ms)
            *wait_ms = -1;
        return 0;
    }
    long long now = (long long)clock_now_ms();
    if (now < sim->ready_at) {
        if (wait_ms)
            *wait_ms = (int)(sim->ready_at - now);
        return 0;
    }
    size_t n = sim->out_len - sim->out_pos;
    if (sim->unplug_at && sim->out_pos + n > sim->unplug_at)
        n = sim->unplug_at - sim->out_pos;
    if (n > cap)
        n = cap;
    memcpy(buf, sim->out + sim->out_pos, n);
    sim->out_pos += n;
    if (sim->out_pos >= sim->out_len)
        drop_answer(sim);   /* handed out whole: the host has its copy */
    if (sim->unplug_at && sim->out_pos >= sim->unplug_at) {
        /* The cable is pulled right after this packet. */
        sim->plugged = false;
        reset_link(sim);
        clock_cond_broadcast(&sim->cv);
    }
    if (wait_ms)
        *wait_ms = 0;
    return (int)n;
}

int idcard_sim_host_read(idcard_sim *sim, uint8_t *buf, size_t cap, int *wait_ms)
{
    pthread_mutex_lock(&sim->mu);
    int r = read_locked(sim, buf, cap, wait_ms);
    pthread_mutex_unlock(&sim->mu);
    return r;
}

int idcard_sim_host_read_wait(idcard_sim *sim, uint8_t *buf, size_t cap,
                              int timeout_ms)
{
    long long deadline = (long long)clock_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    pthread_mutex_lock(&sim->mu);
    int r;
    for (;;) {
        int wait;
        r = read_locked(sim, buf, cap, &wait);
        if (r != 0)
            break;
        long long now = (long long)clock_now_ms();
        if (now >= deadline)
            break;
        long long until = deadline;
        if (wait >= 0 && now + wait < until)
            until = now + wait;
        clock_cond_wait_until(&sim->cv, &sim->mu, (uint64_t)until);
    }
    pthread_mutex_unlock(&sim->mu);
    return r;
}

static int sim_tr_write(void *ctx, const uint8_t *buf, size_t len, int timeout_ms)
{
    (void)timeout_ms;
    return idcard_sim_host_write(ctx, buf, len);
}

static int sim_tr_read(void *ctx, uint8_t *buf, size_t cap, int timeout_ms)
{
    int r = idcard_sim_host_read_wait(ctx, buf, cap, timeout_ms);
    return r == 0 ? IDCARD_ERR_TIMEOUT : r;
}

void idcard_sim_transport(idcard_sim *sim, idcard_transport *out)
{
    out->write = sim_tr_write;
    out->read = sim_tr_read;
    out->ctx = sim;
}
