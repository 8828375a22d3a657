/*
 * kioskctl: entry point. Dispatches on the first word to a command group.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "common/json_wipe.h"

static const kioskctl_command commands[] = {
    {"catalog",
     "catalog check FILE     validate a service catalogue (FILE:LINE:COL: message)\n"
     "catalog stats FILE     count categories, services and guide fields",
     cmd_catalog},
    {"config",
     "config check [FILE]    validate kiosk.conf and the catalogue it names\n"
     "config defaults        print a kiosk.conf with every key at its default",
     cmd_config},
    {"idcard",
     "idcard decode FILE     decode one ID-card reader answer (hex) to masked JSON\n"
     "idcard probe [CONFIG]  list configured readers with SAM ID and status",
     cmd_idcard},
    {"ime",
     "ime prepare [CONFIG] [--data-dir DIR]\n"
     "                       compile the pinyin engine's data ahead of first use",
     cmd_ime},
    {"queue",
     "queue status [--json]  counts per state, oldest waiting, database path and size, last error\n"
     "queue list [--state STATE] [--json]\n"
     "                       transactions, personal fields masked\n"
     "queue export FILE      every transaction as JSON lines, masked\n"
     "queue probe [N]        N probe records through the resident's path: committed KEY each\n"
     "queue salvage FILE     re-enqueue what a moved-aside database still holds\n"
     "queue flush [--timeout S]\n"
     "                       upload now: KEY accepted|duplicate|rejected|retry per record\n"
     "                       (each: [--config FILE] [--data-dir DIR])",
     cmd_queue},
    {"platform",
     "platform check [--config FILE]\n"
     "                       DNS, TLS, certificate expiry, pins, client certificate, token,\n"
     "                       clock skew and latency against [platform] endpoint",
     cmd_platform},
    {"print-test",
     "print-test [--printer NAME] [--kind receipt|a4] [--config FILE]\n"
     "                       print a test receipt (or A4 page) with a QR code on every configured\n"
     "                       printer, or on NAME ([printer.NAME], else a CUPS queue); report its\n"
     "                       state and reasons; exit 1 when the job did not complete in time",
     cmd_print_test},
    {"printer",
     "printer status [--config FILE]\n"
     "                       each configured printer: CUPS queue, state, reasons",
     cmd_printer},
    {"receipt",
     "receipt reprint ID [--printer NAME] [--config FILE] [--data-dir DIR]\n"
     "                       print again a receipt kept under data_dir (ID: the transaction\n"
     "                       number shown to the resident, or the outbox key)\n"
     "receipt list [--config FILE] [--data-dir DIR]\n"
     "                       the receipts kept for reprint (masked)",
     cmd_receipt},
    {"device",
     "device pubkey [--json] [--config FILE] [--data-dir DIR]\n"
     "                       device id and public rating key (base64, hex) to register with the\n"
     "                       platform; makes the key pair when missing, as the first start does",
     cmd_device},
    {"rating",
     "rating verify URL      a rating link against this kiosk's template, device id and key:\n"
     "                       OK ... (exit 0) or FAIL KIND: what is wrong (exit 1)\n"
     "rating sign TXN ITEM [--time YYYYMMDDThhmmss]\n"
     "                       a signed link for a made-up transaction, to try the platform's page\n"
     "rating summary         ratings in the outbox: per level, per service, the poor ones\n"
     "                       (masked); each: [--config FILE] [--data-dir DIR]",
     cmd_rating},
    {"voice",
     "voice test [--lang LANG] [--wav FILE] [--config FILE]\n"
     "                       speak each language's test sentence through the engine and the sound\n"
     "                       device (or into FILE): characters, seconds, time to the first sound",
     cmd_voice},
};

static void usage(FILE *out)
{
    fputs("usage: kioskctl COMMAND ...\n\n", out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        const char *u = commands[i].usage;
        /* indent every line of the usage text */
        fputs("  ", out);
        for (; *u; u++) {
            fputc(*u, out);
            if (*u == '\n')
                fputs("  ", out);
        }
        fputc('\n', out);
    }
}

int main(int argc, char **argv)
{
    /* card JSON and decoded cards pass through jansson: freed wiped */
    json_wipe_install();
    if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "kioskctl: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
