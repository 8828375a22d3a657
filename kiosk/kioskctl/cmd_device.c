/*
 * kioskctl device pubkey: what the platform needs to register this kiosk
 * for signed rating links -- its device id and the public half of its
 * rating key, in base64 (what the platform's registration takes) and in
 * hex (easy to read out over the phone and compare).
 *
 *   device pubkey [--json] [--config FILE] [--data-dir DIR]
 *
 * The key pair is made the way the kiosk makes it on its first start
 * (data_dir/keys/rating.key, mode 0600) when it is missing, so a new kiosk
 * can be registered before it first runs. The secret half is never shown.
 *
 * Also the set-up the rating commands share (commands.h).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "common/storage.h"
#include "platform/platform.h"
#include "preflight/preflight.h"

static int usage(void)
{
    fputs("usage: kioskctl device pubkey [--json] [--config FILE] [--data-dir DIR]\n", stderr);
    return 2;
}

int cmd_device_open(const char *config, const char *data_dir, bool create_key, const char *who,
                    cmd_device_ctx *d)
{
    memset(d, 0, sizeof *d);
    diag_list errs = DIAG_LIST_INIT;
    if (!config)
        config = preflight_default_path();
    if (!settings_load(&d->cfg, config, &errs)) {
        diag_print(&errs, stderr);
        diag_clear(&errs);
        fprintf(stderr, "kioskctl %s: fix %s first (kioskctl config check)\n", who, config);
        return 1;
    }
    if (!storage_open(data_dir ? data_dir : d->cfg.data_dir, &errs)) {
        diag_print(&errs, stderr);
        diag_clear(&errs);
        return 1;
    }
    d->storage = true;
    /* the very id the uploads and links carry: the platform client's */
    char why[600];
    platform *p = platform_new(&d->cfg, why, sizeof why);
    if (!p) {
        fprintf(stderr, "kioskctl %s: %s\n", who, why);
        return 1;
    }
    snprintf(d->device_id, sizeof d->device_id, "%s", platform_device_id(p));
    platform_free(p);
    d->key = rating_key_load(create_key, &d->key_created, why, sizeof why);
    if (!d->key) {
        fprintf(stderr, "kioskctl %s: %s\n", who, why);
        return 1;
    }
    if (!storage_path("keys/rating.key", d->key_path, sizeof d->key_path))
        snprintf(d->key_path, sizeof d->key_path, "keys/rating.key");
    return 0;
}

void cmd_device_close(cmd_device_ctx *d)
{
    rating_key_free(d->key);
    if (d->storage)
        storage_close();
    settings_free(&d->cfg);
    memset(d, 0, sizeof *d);
}

bool cmd_device_id_signs(const char *device_id)
{
    /* the link's rules, asked of the module that owns them */
    rating_link l = {device_id, "T", "I", "20260101T000000"};
    char msg[256];
    return rating_message(&l, msg, sizeof msg) > 0;
}

static int do_pubkey(bool json, const char *config, const char *data_dir)
{
    cmd_device_ctx d;
    int rc = cmd_device_open(config, data_dir, true, "device pubkey", &d);
    if (rc) {
        cmd_device_close(&d);
        return rc;
    }
    unsigned char pk[RATING_PUBKEY_BYTES];
    rating_key_public(d.key, pk);
    char b64[sodium_base64_ENCODED_LEN(RATING_PUBKEY_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    char hex[RATING_PUBKEY_BYTES * 2 + 1];
    sodium_bin2base64(b64, sizeof b64, pk, sizeof pk, sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2hex(hex, sizeof hex, pk, sizeof pk);
    if (json) {
        /* the body of the reference platform's POST /_admin/devices, as it is */
        fputs("{\"device_id\": \"", stdout);
        for (const unsigned char *c = (const unsigned char *)d.device_id; *c; c++) {
            if (*c == '"' || *c == '\\')
                printf("\\%c", *c);
            else if (*c < 0x20)
                printf("\\u%04x", *c);
            else
                putchar(*c);
        }
        printf("\", \"pubkey\": \"%s\", \"pubkey_hex\": \"%s\"}\n", b64, hex);
    } else {
        printf("device_id: %s\n", d.device_id);
        printf("pubkey: %s\n", b64);
        printf("pubkey_hex: %s\n", hex);
        printf("key_file: %s (%s)\n", d.key_path, d.key_created ? "made now" : "existing");
    }
    if (!cmd_device_id_signs(d.device_id)) {
        fprintf(stderr, "kioskctl device pubkey: the device id cannot sign rating links: it "
                        "must be 1 to 64 letters, digits, '-', '_', '.' or ':' (set [platform] "
                        "device_id)\n");
        rc = 1;
    }
    cmd_device_close(&d);
    return rc;
}

int cmd_device(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "pubkey"))
        return usage();
    const char *config = NULL, *data_dir = NULL;
    bool json = false;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--config") && i + 1 < argc)
            config = argv[++i];
        else if (!strcmp(argv[i], "--data-dir") && i + 1 < argc)
            data_dir = argv[++i];
        else if (!strcmp(argv[i], "--json"))
            json = true;
        else
            return usage();
    }
    return do_pubkey(json, config, data_dir);
}
