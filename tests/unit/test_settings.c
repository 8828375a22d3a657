/*
 * Unit tests for kiosk/settings: defaults, every key, every error class
 * (with the exact FILE:LINE: message a technician will read), indentation,
 * long lines, path resolution and the settings_write round trip.
 *
 * File-system checks run against a scratch tree made in /tmp for the run:
 *   ROOT/conf/           base_dir of the parsed text ("kiosk.conf")
 *   ROOT/conf/catalog.json
 *   ROOT/conf/sub/       so "sub/../catalog.json" exists
 *   ROOT/empty/          a config directory without a catalog.json
 *   ROOT/assets/         so the default ../assets exists
 *   ROOT/font.ttc        a readable "font"
 *   ROOT/plain           a regular file where a directory is expected
 * ROOT/var does not exist, but its parent does: the default data_dir is fine.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "settings/settings.h"
#include "../support/diag_expect.h"

/* mkdtemp names are short; small buffers keep -Wformat-truncation quiet. */
static char root[64];
static char conf_dir[80];

/* ---- scratch tree ---- */

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static char *at(const char *rel)
{
    static char buf[4][PATH_MAX];
    static int next;
    char *b = buf[next++ % 4];
    snprintf(b, PATH_MAX, "%s/%s", root, rel);
    return b;
}

static int group_setup(void **state)
{
    snprintf(root, sizeof root, "/tmp/test_settings.XXXXXX");
    if (!mkdtemp(root))
        return -1;
    snprintf(conf_dir, sizeof conf_dir, "%s/conf", root);
    if (mkdir(conf_dir, 0755) || mkdir(at("assets"), 0755) ||
        mkdir(at("conf/sub"), 0755) || mkdir(at("empty"), 0755))
        return -1;
    write_text(at("conf/catalog.json"), "{}\n");
    write_text(at("font.ttc"), "not really a font\n");
    write_text(at("plain"), "x\n");
    return 0;
}

static int group_teardown(void **state)
{
    unlink(at("conf/catalog.json"));
    unlink(at("conf/kiosk.conf"));
    unlink(at("font.ttc"));
    unlink(at("plain"));
    rmdir(at("assets"));
    rmdir(at("conf/sub"));
    rmdir(at("empty"));
    rmdir(conf_dir);
    rmdir(root);
    return 0;
}

/* ---- helpers ---- */

/* Parses text as ROOT/conf/kiosk.conf; returns settings_parse's verdict. */
static bool parse(settings *s, const char *text, diag_list *errors)
{
    return settings_parse(s, text, "kiosk.conf", conf_dir, errors);
}

/* Asserts errors holds exactly the given formatted lines (NULL-terminated),
 * printing both lists on a mismatch so a failure shows the real text. */
static void assert_errors(const diag_list *errors, ...)
{
    const char *want[33];
    size_t n = 0;
    va_list ap;
    va_start(ap, errors);
    for (const char *w; n < 32 && (w = va_arg(ap, const char *));)
        want[n++] = w;
    va_end(ap);
    want[n] = NULL;
    if (!diag_expect_same(errors, want))
        fail();
}

/* Parses text expecting exactly one error, equal to want. */
static void expect_one(const char *text, const char *want)
{
    settings s;
    diag_list errors = DIAG_LIST_INIT;
    assert_false(parse(&s, text, &errors));
    assert_errors(&errors, want, NULL);
    settings_free(&s);
    diag_clear(&errors);
}

/* Parses text expecting no error at all. */
static void expect_ok(settings *s, const char *text)
{
    diag_list errors = DIAG_LIST_INIT;
    bool ok = parse(s, text, &errors);
    assert_errors(&errors, NULL);
    assert_true(ok);
}

/* settings_write into a malloc'd string. */
static char *write_to_string(const settings *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    settings_write(s, f);
    assert_int_equal(fclose(f), 0);
    return buf;
}

/* Every key at a value other than its default; the fonts point at
 * ROOT/font.ttc, the directories at the scratch tree. */
static const char all_keys_changed[] =
    "[display]\n"
    "width = 1920\n"
    "height = 1080\n"
    "fullscreen = no\n"
    "display_index = 1\n"
    "show_cursor = yes\n"
    "[fonts]\n"
    "regular = ../font.ttc\n"
    "regular_index = 0\n"
    "bold = ../font.ttc\n"
    "bold_index = 3\n"
    "scale = 1.25\n"
    "[ui]\n"
    "languages = en, zh, xx\n"
    "fallback_language = en\n"
    "large_font = yes\n"
    "high_contrast = on\n"
    "site_name.zh = 西湖区文新街道便民服务中心\n"
    "site_name.en = Wenxin Service Centre\n"
    "site_name.xx = Xx Centre\n"
    "hotline = 0571-87654321\n"
    "staff_location.zh = 工作人员在一楼3号窗口旁\n"
    "staff_location.en = Staff are next to window 3\n"
    "staff_location.xx = Xx desk\n"
    "[session]\n"
    "idle_timeout = 120\n"
    "idle_warning = 45\n"
    "attract_after = 300\n"
    "[catalog]\n"
    "path = ./catalog.json\n"
    "[paths]\n"
    "data_dir = ../data\n"
    "assets_dir = ../assets/\n"
    "[idcard]\n"
    "simulate = off\n"
    "remove_ends_session = true\n"
    "transfer_timeout_ms = 250\n"
    "readers = 1234:ABCD/HID\n";

/* ---- defaults ---- */

static void test_defaults(void **state)
{
    settings s;
    assert_true(settings_defaults(&s, "/base"));
    assert_null(s.path);
    assert_string_equal(s.base_dir, "/base");
    assert_int_equal(s.width, 1080);
    assert_int_equal(s.height, 1920);
    assert_true(s.fullscreen);
    assert_int_equal(s.display_index, 0);
    assert_false(s.show_cursor);
    assert_null(s.font_regular);
    assert_int_equal(s.font_regular_index, 2);
    assert_null(s.font_bold);
    assert_int_equal(s.font_bold_index, 2);
    assert_true(s.font_scale == 1.0);
    assert_true(s.panel_inches == 21.5);
    assert_int_equal(s.n_langs, 2);
    assert_string_equal(s.langs[0], "zh");
    assert_string_equal(s.langs[1], "en");
    assert_string_equal(s.fallback_lang, "zh");
    assert_false(s.large_font);
    assert_false(s.high_contrast);
    assert_string_equal(settings_site_name(&s, "zh"), "文新街道便民服务中心");
    assert_string_equal(settings_site_name(&s, "en"), "Wenxin Subdistrict Service Centre");
    assert_string_equal(s.hotline, "12345");
    assert_int_equal(s.idle_timeout, 90);
    assert_int_equal(s.idle_warning, 30);
    assert_int_equal(s.attract_after, 120);
    assert_string_equal(s.catalog_path, "/base/catalog.json");
    assert_string_equal(s.data_dir, "/base/../var");
    assert_string_equal(s.assets_dir, "/base/../assets");
    assert_int_equal(s.idcard_simulate, SIMULATE_AUTO);
    assert_false(s.idcard_remove_ends_session);
    assert_int_equal(s.idcard_timeout_ms, 1000);
    assert_int_equal(s.n_readers, 3);
    assert_int_equal(s.readers[0].vid, 0x0400);
    assert_int_equal(s.readers[0].pid, 0xc35a);
    assert_int_equal(s.readers[0].transport, READER_BULK);
    assert_int_equal(s.readers[1].vid, 0x0316);
    assert_int_equal(s.readers[1].pid, 0x5020);
    assert_int_equal(s.readers[1].transport, READER_BULK);
    assert_int_equal(s.readers[2].vid, 0x10c4);
    assert_int_equal(s.readers[2].pid, 0x0007);
    assert_int_equal(s.readers[2].transport, READER_HID);
    settings_free(&s);
    /* settings_free leaves a zeroed struct that can be freed again. */
    assert_null(s.base_dir);
    settings_free(&s);
}

static void test_defaults_relative_base_dir(void **state)
{
    char cwd[PATH_MAX], want[PATH_MAX + 32];
    assert_non_null(getcwd(cwd, sizeof cwd));
    settings s;
    assert_true(settings_defaults(&s, NULL));
    assert_string_equal(s.base_dir, cwd);
    settings_free(&s);
    assert_true(settings_defaults(&s, "./sub//dir/"));
    snprintf(want, sizeof want, "%s/sub/dir/catalog.json", strcmp(cwd, "/") ? cwd : "");
    assert_string_equal(s.catalog_path, want);
    settings_free(&s);
}

static void test_empty_file_is_defaults(void **state)
{
    settings s, d;
    expect_ok(&s, "");
    assert_true(settings_defaults(&d, conf_dir));
    assert_true(settings_equal(&s, &d));
    settings_free(&s);
    /* Comments and blank lines only: still the defaults. */
    expect_ok(&s, "; comment\n# comment\n\n   \n\t; indented comment\n");
    assert_true(settings_equal(&s, &d));
    settings_free(&s);
    settings_free(&d);
}

/* The table: sections contiguous and in the documented order, every
 * default accepted by the parser (the same text an empty file yields). */
static void test_table(void **state)
{
    static const char *const order[] = {"display", "fonts", "ui", "session",
                                        "catalog", "paths", "idcard", "input",
                                        "outbox", "platform", "rating", "voice"};
    const size_t n_order = sizeof order / sizeof *order;
    size_t n = settings_key_count(), sec = 0;
    assert_true(n >= 26);
    assert_null(settings_key_at(n));
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    const char *current = NULL;
    for (size_t i = 0; i < n; i++) {
        const settings_key *k = settings_key_at(i);
        assert_non_null(k);
        assert_true(*k->help);
        assert_true(strlen(k->help) < 160);
        if (!current || strcmp(current, k->section)) {
            while (sec < n_order && strcmp(order[sec], k->section))
                sec++;
            assert_true(sec < n_order); /* known, and never back to an earlier one */
            current = k->section;
            fprintf(f, "[%s]\n", k->section);
        }
        fprintf(f, "%s = %s\n", k->name, k->def);
    }
    assert_int_equal(fclose(f), 0);

    settings s, d;
    expect_ok(&s, text);
    assert_true(settings_defaults(&d, conf_dir));
    assert_true(settings_equal(&s, &d));
    settings_free(&s);
    settings_free(&d);
    free(text);
}

/* ---- every key ---- */

static void test_every_key_parses(void **state)
{
    settings s;
    expect_ok(&s, all_keys_changed);
    assert_int_equal(s.width, 1920);
    assert_int_equal(s.height, 1080);
    assert_false(s.fullscreen);
    assert_int_equal(s.display_index, 1);
    assert_true(s.show_cursor);
    assert_string_equal(s.font_regular, at("conf/../font.ttc"));
    assert_int_equal(s.font_regular_index, 0);
    assert_non_null(s.font_bold);
    assert_int_equal(s.font_bold_index, 3);
    assert_true(s.font_scale == 1.25);
    assert_int_equal(s.n_langs, 3);
    assert_string_equal(s.langs[0], "en");
    assert_string_equal(s.langs[2], "xx");
    assert_string_equal(s.fallback_lang, "en");
    assert_string_equal(settings_site_name(&s, "xx"), "Xx Centre");
    assert_true(s.large_font);
    assert_true(s.high_contrast);
    assert_string_equal(settings_site_name(&s, "zh"), "西湖区文新街道便民服务中心");
    assert_string_equal(settings_site_name(&s, "en"), "Wenxin Service Centre");
    assert_string_equal(s.hotline, "0571-87654321");
    assert_int_equal(s.idle_timeout, 120);
    assert_int_equal(s.idle_warning, 45);
    assert_int_equal(s.attract_after, 300);
    assert_string_equal(s.catalog_path, at("conf/catalog.json"));
    assert_string_equal(s.data_dir, at("conf/../data"));
    assert_string_equal(s.assets_dir, at("conf/../assets"));
    assert_int_equal(s.idcard_simulate, SIMULATE_OFF);
    assert_true(s.idcard_remove_ends_session);
    assert_int_equal(s.idcard_timeout_ms, 250);
    assert_int_equal(s.n_readers, 1);
    assert_int_equal(s.readers[0].vid, 0x1234);
    assert_int_equal(s.readers[0].pid, 0xabcd);
    assert_int_equal(s.readers[0].transport, READER_HID);
    settings_free(&s);
}

static void test_bool_spellings(void **state)
{
    static const char *const yes[] = {"yes", "YES", "true", "On", "1"};
    static const char *const no[] = {"no", "No", "false", "OFF", "0"};
    char text[64];
    settings s;
    for (size_t i = 0; i < 5; i++) {
        snprintf(text, sizeof text, "[display]\nshow_cursor = %s\n", yes[i]);
        expect_ok(&s, text);
        assert_true(s.show_cursor);
        settings_free(&s);
        snprintf(text, sizeof text, "[display]\nfullscreen = %s\n", no[i]);
        expect_ok(&s, text);
        assert_false(s.fullscreen);
        settings_free(&s);
    }
}

static void test_ranges_edges(void **state)
{
    settings s;
    expect_ok(&s, "[display]\nwidth = 480\nheight = 7680\n[fonts]\nscale = 0.75\n"
                  "[session]\nidle_timeout = 1800\nidle_warning = 300\nattract_after = 10\n"
                  "[idcard]\ntransfer_timeout_ms = 50\nsimulate = ON\n");
    assert_int_equal(s.width, 480);
    assert_int_equal(s.height, 7680);
    assert_true(s.font_scale == 0.75);
    assert_int_equal(s.idle_warning, 300);
    assert_int_equal(s.idcard_simulate, SIMULATE_ON);
    settings_free(&s);
    expect_ok(&s, "[fonts]\nscale = 1.5\n");
    assert_true(s.font_scale == 1.5);
    settings_free(&s);
    /* the panel's diagonal: 10 to 100 inches */
    expect_ok(&s, "[display]\npanel_inches = 10\n");
    assert_true(s.panel_inches == 10.0);
    settings_free(&s);
    expect_ok(&s, "[display]\npanel_inches = 55.25\n");
    assert_true(s.panel_inches == 55.25);
    settings_free(&s);
    expect_one("[display]\npanel_inches = 9.99\n",
               "kiosk.conf:2: [display] panel_inches = 9.99: must be a number from 10.00 to 100.00 "
               "with at most two decimals");
    expect_one("[display]\npanel_inches = 0\n",
               "kiosk.conf:2: [display] panel_inches = 0: must be a number from 10.00 to 100.00 "
               "with at most two decimals");
    /* Leading zeros are still whole decimal numbers. */
    expect_ok(&s, "[session]\nidle_timeout = 0090\nidle_warning = 020\n");
    assert_int_equal(s.idle_timeout, 90);
    assert_int_equal(s.idle_warning, 20);
    settings_free(&s);
}

/* ---- error classes, exact messages ---- */

static void test_unknown_section(void **state)
{
    expect_one("[displya]\nwidth = 5\n",
               "kiosk.conf:1: unknown section [displya]; did you mean [display]?");
    expect_one("[UI]\nhotline = 12345\n",
               "kiosk.conf:1: unknown section [UI]; did you mean [ui]?");
    /* The keys under it are not reported one by one. */
    expect_one("[network]\nproxy = x\nport = 8080\n",
               "kiosk.conf:1: unknown section [network] (known sections: display, fonts, "
               "ui, session, catalog, paths, idcard, input, outbox, platform, rating, voice, "
               "printer.NAME)");
}

/* ---- [printer.NAME] ---- */

static void test_printers(void **state)
{
    settings s;
    expect_ok(&s, "[printer.receipt]\ndestination = kiosk-receipt\nwidth = 384\n"
                  "[ui]\nhotline = 12345\n"
                  "[printer.a4]\nkind = a4\ndestination = HP_LaserJet_M404\ndeadline = 120\n"
                  "[printer.spare-2]\ndestination = spare\nkind = receipt\ndpi = 180\n"
                  "width = 512\nband_rows = 64\ndeadline = 5\n");
    assert_int_equal(s.n_printers, 3);
    const settings_printer *r = settings_printer_find(&s, "receipt");
    assert_non_null(r);
    assert_string_equal(r->destination, "kiosk-receipt");
    assert_int_equal(r->kind, PRINTER_KIND_RECEIPT);
    assert_int_equal(r->width, 384);
    assert_int_equal(r->dpi, 203);
    assert_int_equal(r->band_rows, 256);
    assert_int_equal(r->deadline, 30);
    assert_int_equal(r->line, 1);
    /* an A4 printer's own defaults */
    const settings_printer *a = settings_printer_find(&s, "a4");
    assert_int_equal(a->kind, PRINTER_KIND_A4);
    assert_int_equal(a->dpi, 300);
    assert_int_equal(a->deadline, 120);
    assert_int_equal(a->line, 6);
    const settings_printer *x = settings_printer_find(&s, "spare-2");
    assert_int_equal(x->width, 512);
    assert_int_equal(x->dpi, 180);
    assert_int_equal(x->band_rows, 64);
    assert_int_equal(x->deadline, 5);
    assert_null(settings_printer_find(&s, "nope"));
    assert_string_equal(settings_printer_kind_name(a->kind), "a4");
    settings_free(&s);
    /* kind after dpi: the A4 default still applies to what was not set */
    expect_ok(&s, "[printer.a4]\ndestination = a4\ndpi = 600\nkind = a4\n");
    assert_int_equal(s.printers[0].dpi, 600);
    assert_int_equal(s.printers[0].deadline, 60);
    settings_free(&s);
    /* none by default */
    expect_ok(&s, "");
    assert_int_equal(s.n_printers, 0);
    settings_free(&s);
}

static void test_printer_errors(void **state)
{
    expect_one("[printer]\ndestination = x\n",
               "kiosk.conf:1: [printer] needs a name: one [printer.NAME] section per printer, "
               "e.g. [printer.receipt]");
    expect_one("[printer.Receipt]\ndestination = x\n",
               "kiosk.conf:1: [printer.Receipt]: a printer's NAME is 1 to 15 lowercase letters, "
               "digits or '-', e.g. [printer.receipt]");
    expect_one("[printer.a-very-long-printer]\n",
               "kiosk.conf:1: [printer.a-very-long-printer]: a printer's NAME is 1 to 15 "
               "lowercase letters, digits or '-', e.g. [printer.receipt]");
    expect_one("[printr.receipt]\ndestination = x\n",
               "kiosk.conf:1: unknown section [printr.receipt]; did you mean [printer.receipt]?");
    expect_one("[printers]\ndestination = x\n",
               "kiosk.conf:1: unknown section [printers]; did you mean [printer.NAME], "
               "e.g. [printer.receipt]?");
    expect_one("[printer.receipt]\ndestination = r\n[printer.receipt]\nwidth = 384\n",
               "kiosk.conf:3: [printer.receipt] appears twice; the first is on line 1");
    expect_one("[printer.a]\ndestination = a\n[printer.b]\ndestination = b\n"
               "[printer.c]\ndestination = c\n[printer.d]\ndestination = d\n"
               "[printer.e]\ndestination = e\n",
               "kiosk.conf:9: [printer.e]: at most 4 printers ([printer.NAME] sections)");
    expect_one("[printer.receipt]\nwidth = 384\n",
               "kiosk.conf:1: [printer.receipt] has no destination: name its CUPS queue "
               "(lpstat -e lists them), e.g. destination = receipt");
    expect_one("[printer.receipt]\ndestination =\n",
               "kiosk.conf:2: [printer.receipt] destination: must not be empty");
    expect_one("[printer.receipt]\ndestination = my printer\n",
               "kiosk.conf:2: [printer.receipt] destination = my printer: a CUPS queue name "
               "has no spaces or any of / \\ ' \" ? # , (lpstat -e lists the queues)");
    expect_one("[printer.receipt]\ndestination = r\nwidth = 580\n",
               "kiosk.conf:3: [printer.receipt] width = 580: must be a multiple of 8 (576 for "
               "80 mm paper at 203 dpi, 384 for 58 mm, 512 for 80 mm at 180 dpi)");
    expect_one("[printer.receipt]\ndestination = r\nwidth = 4096\n",
               "kiosk.conf:3: [printer.receipt] width = 4096: must be a whole number of dots "
               "from 192 to 2048");
    expect_one("[printer.receipt]\ndestination = r\ndpi = 72\n",
               "kiosk.conf:3: [printer.receipt] dpi = 72: must be a whole number of dpi from "
               "100 to 600");
    expect_one("[printer.receipt]\ndestination = r\ndeadline = 4\n",
               "kiosk.conf:3: [printer.receipt] deadline = 4: must be a whole number of "
               "seconds from 5 to 600");
    expect_one("[printer.receipt]\ndestination = r\nband_rows = 0\n",
               "kiosk.conf:3: [printer.receipt] band_rows = 0: must be a whole number of rows "
               "from 1 to 4095");
    expect_one("[printer.receipt]\ndestination = r\nkind = laser\n",
               "kiosk.conf:3: [printer.receipt] kind = laser: must be one of: receipt, a4");
    expect_one("[printer.a4]\ndestination = a\nkind = a4\nwidth = 576\n",
               "kiosk.conf:4: [printer.a4] width is for receipt printers only: an a4 printer "
               "prints A4 pages (remove it, or set kind = receipt)");
    expect_one("[printer.receipt]\ndestination = r\ndeadline = 30\ndeadline = 40\n",
               "kiosk.conf:4: [printer.receipt] deadline is set twice; the first is on line 3");
    expect_one("[printer.receipt]\ndestination = r\nwidht = 576\n",
               "kiosk.conf:3: unknown key 'widht' in [printer.receipt]; did you mean 'width'?");
    expect_one("[printer.receipt]\ndestination = r\nhotline = 12345\n",
               "kiosk.conf:3: unknown key 'hotline' in [printer.receipt]; it belongs in [ui]");
    expect_one("[printer.receipt]\ndestination = r\ncolour = yes\n",
               "kiosk.conf:3: unknown key 'colour' in [printer.receipt] (known keys: "
               "destination, kind, width, dpi, band_rows, deadline)");
    expect_one("[ui]\ndestination = receipt\n",
               "kiosk.conf:2: unknown key 'destination' in [ui]; it belongs in a "
               "[printer.NAME] section");
    expect_one("deadline = 30\n",
               "kiosk.conf:1: key 'deadline' is outside any section; it belongs in a "
               "[printer.NAME] section");
    /* a refused value keeps the default, so the settings stay usable */
    settings s;
    diag_list errors = DIAG_LIST_INIT;
    assert_false(parse(&s, "[printer.r]\ndestination = r\nwidth = 580\n", &errors));
    assert_int_equal(s.printers[0].width, 576);
    settings_free(&s);
    diag_clear(&errors);
}

static void test_printer_write(void **state)
{
    settings s;
    expect_ok(&s, "");
    char *w = write_to_string(&s);
    /* no printer: a commented example that documents every key */
    assert_non_null(strstr(w, "\n# [printer.receipt]\n"));
    assert_non_null(strstr(w, "\n# destination = receipt\n"));
    assert_non_null(strstr(w, "\n# deadline = 30\n"));
    assert_null(strstr(w, "\n[printer."));
    free(w);
    settings_free(&s);
    expect_ok(&s, "[printer.a4]\nkind = a4\ndestination = office\n");
    w = write_to_string(&s);
    assert_non_null(strstr(w, "\n[printer.a4]\n"));
    assert_non_null(strstr(w, "\nkind = a4\n"));
    assert_non_null(strstr(w, "\ndpi = 300\n"));
    assert_null(strstr(w, "\nwidth = 576\n[")); /* nothing receipt-only for A4 */
    assert_null(strstr(w, "\nband_rows ="));
    free(w);
    settings_free(&s);
    assert_int_equal(settings_printer_key_count(), 6);
    assert_string_equal(settings_printer_key_at(0)->name, "destination");
    assert_null(settings_printer_key_at(6));
}

/* [platform]: TLS unless on loopback, a base URL, pins in curl's form, a
 * client certificate only with its key. */
static void test_platform_keys(void **state)
{
    expect_one("[platform]\nendpoint = http://zwfw.example.gov.cn\n",
               "kiosk.conf:2: [platform] endpoint must start with https:// (plain http:// "
               "only to 127.0.0.1, localhost or [::1]), not 'http://zwfw.example.gov.cn'");
    expect_one("[platform]\nendpoint = https://zwfw.example.gov.cn/kiosk/\n",
               "kiosk.conf:2: [platform] endpoint 'https://zwfw.example.gov.cn/kiosk/' is not a "
               "base URL like https://platform.example.gov.cn/kiosk (no trailing '/')");
    expect_one("[platform]\npins = sha256//abc\n",
               "kiosk.conf:2: [platform] pins: 'sha256//abc' is not sha256// followed by the "
               "base64 of a SHA-256 (44 characters); see kioskctl platform check");
    expect_one("[platform]\nclient_cert = /etc/hostname\n",
               "kiosk.conf:2: [platform] client_cert and client_key go together: set both for "
               "mutual TLS, or neither");
    settings s;
    expect_ok(&s, "[platform]\nendpoint = http://127.0.0.1:8443\npins = "
                  "sha256//hotyLeCmu9e0sLAmk74846BBTaGhdniKimO0EklWisQ=;"
                  "sha256//hotyLeCmu9e0sLAmk74846BBTaGhdniKimO0EklWisQ=\n");
    assert_string_equal(s.platform_endpoint, "http://127.0.0.1:8443");
    settings_free(&s);
}

static void test_unknown_key(void **state)
{
    expect_one("[session]\nidle_timout = 90\n",
               "kiosk.conf:2: unknown key 'idle_timout' in [session]; did you mean 'idle_timeout'?");
    expect_one("[display]\nwidht = 1080\n",
               "kiosk.conf:2: unknown key 'widht' in [display]; did you mean 'width'?");
    expect_one("[display]\nWidth = 1080\n",
               "kiosk.conf:2: unknown key 'Width' in [display]; did you mean 'width'?");
    expect_one("[session]\nhotline = 12345\n",
               "kiosk.conf:2: unknown key 'hotline' in [session]; it belongs in [ui]");
    expect_one("[display]\nhotlin = 12345\n",
               "kiosk.conf:2: unknown key 'hotlin' in [display]; did you mean 'hotline' in [ui]?");
    expect_one("[session]\ncolour = red\n",
               "kiosk.conf:2: unknown key 'colour' in [session] (known keys: idle_timeout, "
               "idle_warning, attract_after)");
    expect_one("width = 1080\n",
               "kiosk.conf:1: key 'width' is outside any section; it belongs in [display]");
    expect_one("\ncolour = red\n",
               "kiosk.conf:2: key 'colour' is outside any section; start with a [section] header");
}

static void test_duplicate_key(void **state)
{
    settings s;
    diag_list errors = DIAG_LIST_INIT;
    assert_false(parse(&s, "[session]\nidle_timeout = 100\n\n[session]\nidle_timeout = 200\n",
                       &errors));
    assert_errors(&errors,
                  "kiosk.conf:5: [session] idle_timeout is set twice; the first is on line 2", NULL);
    assert_int_equal(s.idle_timeout, 100); /* the first one stays */
    settings_free(&s);
    diag_clear(&errors);
}

static void test_bad_int(void **state)
{
    expect_one("[session]\nidle_warning = 10\n",
               "kiosk.conf:2: [session] idle_warning = 10: must be a whole number of seconds from 20 to 300");
    expect_one("[session]\nidle_timeout = 90s\n",
               "kiosk.conf:2: [session] idle_timeout = 90s: must be a whole number of seconds from 15 to 1800");
    expect_one("[session]\nattract_after = 1.5\n",
               "kiosk.conf:2: [session] attract_after = 1.5: must be a whole number of seconds from 10 to 3600");
    expect_one("[display]\ndisplay_index = -1\n",
               "kiosk.conf:2: [display] display_index = -1: must be a whole number from 0 to 7");
    expect_one("[display]\ndisplay_index = +1\n",
               "kiosk.conf:2: [display] display_index = +1: must be a whole number from 0 to 7");
    expect_one("[display]\ndisplay_index =\n",
               "kiosk.conf:2: [display] display_index: must be a whole number from 0 to 7");
    expect_one("[fonts]\nregular_index = 16\n",
               "kiosk.conf:2: [fonts] regular_index = 16: must be a whole number from 0 to 15");
    expect_one("[idcard]\ntransfer_timeout_ms = 99999999999999999999\n",
               "kiosk.conf:2: [idcard] transfer_timeout_ms = 99999999999999999999: "
               "must be a whole number of milliseconds from 50 to 10000");
    expect_one("[display]\nwidth = 1 080\nheight = 1920\n",
               "kiosk.conf:2: [display] width = 1 080: must be a whole number of pixels from 480 to 7680");
    expect_one("[display]\nwidth = 320\nheight = 480\n",
               "kiosk.conf:2: [display] width = 320: must be a whole number of pixels from 480 to 7680");
}

static void test_bad_double_bool_enum(void **state)
{
    static const char *const bad_scales[] = {"2", "0.7", "1.255", "1,5", "abc", ".5", "1.", "inf", "-1"};
    char text[64], want[200];
    for (size_t i = 0; i < sizeof bad_scales / sizeof bad_scales[0]; i++) {
        snprintf(text, sizeof text, "[fonts]\nscale = %s\n", bad_scales[i]);
        snprintf(want, sizeof want, "kiosk.conf:2: [fonts] scale = %s: must be a number "
                 "from 0.75 to 1.50 with at most two decimals", bad_scales[i]);
        expect_one(text, want);
    }
    expect_one("[display]\nfullscreen = maybe\n",
               "kiosk.conf:2: [display] fullscreen = maybe: must be yes or no "
               "(true/false, on/off and 1/0 also work)");
    expect_one("[display]\nfullscreen = y\n",
               "kiosk.conf:2: [display] fullscreen = y: must be yes or no "
               "(true/false, on/off and 1/0 also work)");
    expect_one("[idcard]\nsimulate = sometimes\n",
               "kiosk.conf:2: [idcard] simulate = sometimes: must be one of: auto, on, off");
}

static void test_bad_strings_and_paths(void **state)
{
    expect_one("[catalog]\npath =\n", "kiosk.conf:2: [catalog] path: must not be empty");
    expect_one("[paths]\nassets_dir = \"../assets\"\n",
               "kiosk.conf:2: [paths] assets_dir = \"../assets\": must not be quoted "
               "(values are taken literally)");
    expect_one("[paths]\ndata_dir = ../var /\n",
               "kiosk.conf:2: [paths] data_dir = ../var /: must not end in a space");
    expect_one("[ui]\nsite_name.zh =\n", "kiosk.conf:2: [ui] site_name.zh: must not be empty");
    expect_one("[ui]\nhotline = 12345 ext 6\n",
               "kiosk.conf:2: [ui] hotline = 12345 ext 6: must be 3 to 20 digits or '-', "
               "e.g. 12345 or 0571-87654321");
    expect_one("[ui]\nhotline = 12\n",
               "kiosk.conf:2: [ui] hotline = 12: must be 3 to 20 digits or '-', "
               "e.g. 12345 or 0571-87654321");
    expect_one("[ui]\nsite_name.en=;x\n", "kiosk.conf:2: [ui] site_name.en = ;x: must not start with ';'");
}

static void test_value_text(void **state)
{
    char text[1200], want[300];
    /* 1024 bytes is fine, 1025 is not; the message shows the start only. */
    settings s;
    memset(text, 0, sizeof text);
    strcpy(text, "[ui]\nsite_name.en = ");
    memset(text + strlen(text), 'x', 1024);
    expect_ok(&s, text);
    assert_int_equal(strlen(settings_site_name(&s, "en")), 1024);
    settings_free(&s);
    strcat(text, "y\n");
    snprintf(want, sizeof want, "kiosk.conf:2: [ui] site_name.en = %.48s...: the value is 1025 "
             "bytes long; at most 1024 are allowed", text + 20);
    expect_one(text, want);

    expect_one("[ui]\nsite_name.en = Wen\x01xin\n",
               "kiosk.conf:2: [ui] site_name.en = Wen?xin: contains control character 0x01");
    expect_one("[ui]\nsite_name.en = Wen\txin\n",
               "kiosk.conf:2: [ui] site_name.en = Wen?xin: contains control character 0x09");
    expect_one("[ui]\nsite_name.en = Wen\x1b[31mxin\n",
               "kiosk.conf:2: [ui] site_name.en = Wen?[31mxin: contains control character 0x1B");
    /* the visible-text rule of the catalogue (common/textcheck.h); the
     * message shows the format character as '?', not reversing the line */
    expect_one("[ui]\nsite_name.zh = \xe2\x80\xae\xe5\xbf\x83\xe4\xb8\xad\n",
               "kiosk.conf:2: [ui] site_name.zh = ?\xe5\xbf\x83\xe4\xb8\xad: must not contain "
               "U+202E (a bidi override, which shows the text after it reversed)");
    expect_one("[ui]\nstaff_location.en = \xe2\x80\x8b\xe2\x80\x8b\n",
               "kiosk.conf:2: [ui] staff_location.en = ??: must not contain U+200B "
               "(a zero-width space, which is not shown)");
    expect_one("[ui]\nsite_name.en = \xcc\x81\n",
               "kiosk.conf:2: [ui] site_name.en = \xcc\x81: must contain at least one visible "
               "character (it has only white space, combining marks or invisible characters)");
    expect_one("[ui]\nsite_name.en = a\rb\n",
               "kiosk.conf:2: [ui] site_name.en = a?b: contains control character 0x0D");
    /* 文新 saved as GBK by a Windows editor. */
    expect_one("[ui]\nsite_name.zh = \xce\xc4\xd0\xc2\n",
               "kiosk.conf:2: [ui] site_name.zh = ????: is not valid UTF-8 "
               "(save kiosk.conf as UTF-8, not GBK)");
    /* Cut on a character boundary in the message. */
    snprintf(text, sizeof text, "[ui]\nsite_name.en = %s\x01\n",
             "文文文文文文文文文文文文文文文文文文文文");
    expect_one(text, "kiosk.conf:2: [ui] site_name.en = 文文文文文文文文文文文文文文文文...: "
               "contains control character 0x01");
}

static void test_syntax_errors(void **state)
{
    expect_one("[display\nwidth = 1080\n", "kiosk.conf:1: section header '[display' has no closing ']'");
    expect_one("[display]\nwidth 1080\n",
               "kiosk.conf:2: 'width 1080' is not a 'key = value' line, a [section] header or a comment");
    expect_one("[display]\n= 1080\n", "kiosk.conf:2: missing key name before '='");
    expect_one("[display]\nwidth ; = 1080\n",
               "kiosk.conf:2: 'width ; = 1080' is not a 'key = value' line, a [section] header or a comment");
    expect_one("[display] width = 800\n",
               "kiosk.conf:1: unexpected text 'width = 800' after [display]; put each key on a line of its own");
    /* Comments after a header are fine; so is ':' as separator. */
    settings s;
    expect_ok(&s, "[ui] ; what the user sees\nhotline: 96345\n[ session ]\nidle_timeout = 60\n");
    assert_string_equal(s.hotline, "96345");
    assert_int_equal(s.idle_timeout, 60);
    settings_free(&s);
}

/* Every problem is reported, in file order, not just the first. */
static void test_all_errors_reported(void **state)
{
    settings s;
    diag_list errors = DIAG_LIST_INIT;
    assert_false(parse(&s,
                       "[display]\n"
                       "width = wide\n"          /* 2 */
                       "height = 1920\n"
                       "[fonts\n"                /* 4 */
                       "[session]\n"
                       "idle_timout = 90\n"      /* 6 */
                       "idle_warning = 10\n"     /* 7 */
                       "junk\n"                  /* 8 */
                       "[idcard]\n"
                       "simulate = maybe\n",     /* 10 */
                       &errors));
    assert_errors(&errors,
                  "kiosk.conf:2: [display] width = wide: must be a whole number of pixels from 480 to 7680",
                  "kiosk.conf:4: section header '[fonts' has no closing ']'",
                  "kiosk.conf:6: unknown key 'idle_timout' in [session]; did you mean 'idle_timeout'?",
                  "kiosk.conf:7: [session] idle_warning = 10: must be a whole number of seconds from 20 to 300",
                  "kiosk.conf:8: 'junk' is not a 'key = value' line, a [section] header or a comment",
                  "kiosk.conf:10: [idcard] simulate = maybe: must be one of: auto, on, off",
                  NULL);
    /* The valid keys are in, the bad ones kept their defaults. */
    assert_int_equal(s.height, 1920);
    assert_int_equal(s.width, 1080);
    assert_int_equal(s.idle_warning, 30);
    settings_free(&s);
    diag_clear(&errors);
}

/* Rules checked after parsing still come out in line order. */
static void test_errors_in_line_order(void **state)
{
    settings s;
    diag_list errors = DIAG_LIST_INIT;
    assert_false(parse(&s, "[display]\nwidth = 1920\n[session]\nidle_timout = 90\n", &errors));
    assert_errors(&errors,
                  "kiosk.conf:2: [display] width is set but height is not; set both "
                  "(e.g. width = 1920 and height = 1080 for a landscape screen)",
                  "kiosk.conf:4: unknown key 'idle_timout' in [session]; did you mean 'idle_timeout'?",
                  NULL);
    settings_free(&s);
    diag_clear(&errors);
}

static void test_languages(void **state)
{
    settings s;
    expect_ok(&s, "[ui]\nlanguages = zh,en\n");
    assert_int_equal(s.n_langs, 2);
    assert_string_equal(s.langs[1], "en");
    settings_free(&s);
    /* any language may come first; the fallback (zh) must be listed */
    expect_ok(&s, "[ui]\nlanguages = en, zh\n");
    assert_string_equal(s.langs[0], "en");
    assert_string_equal(s.fallback_lang, "zh");
    settings_free(&s);
    expect_one("[ui]\nlanguages = en\n",
               "kiosk.conf:2: [ui] fallback_language (zh) must be one of [ui] languages (en)");
    expect_one("[ui]\nlanguages =\n",
               "kiosk.conf:2: [ui] languages: must list at least one language, e.g. zh, en");
    expect_ok(&s, "[ui]\nlanguages = zh, fr, zh-Hant, yue\n");
    assert_int_equal(s.n_langs, 4);
    assert_string_equal(s.langs[2], "zh-Hant");
    settings_free(&s);
    expect_one("[ui]\nlanguages = zh, french\n",
               "kiosk.conf:2: [ui] languages = zh, french: 'french' is not a language code (a language code is 2 or 3 lower-case letters, optionally '-' and a region or script (e.g. zh, en, yue, zh-Hant, pt-BR))");
    expect_one("[ui]\nlanguages = zh, ZH\n",
               "kiosk.conf:2: [ui] languages = zh, ZH: 'ZH' is not a language code (a language code is 2 or 3 lower-case letters, optionally '-' and a region or script (e.g. zh, en, yue, zh-Hant, pt-BR))");
    expect_one("[ui]\nlanguages = zh, a, b, c, d, e, f, g, h\n",
               "kiosk.conf:2: [ui] languages = zh, a, b, c, d, e, f, g, h: 'a' is not a language code (a language code is 2 or 3 lower-case letters, optionally '-' and a region or script (e.g. zh, en, yue, zh-Hant, pt-BR))");
    expect_one("[ui]\nlanguages = zh, aa, bb, cc, dd, ee, ff, gg, hh\n",
               "kiosk.conf:2: [ui] languages = zh, aa, bb, cc, dd, ee, ff, gg, hh: at most 8 languages");
    /* the fallback language */
    expect_ok(&s, "[ui]\nlanguages = zh, en\nfallback_language = en\n");
    assert_string_equal(s.fallback_lang, "en");
    settings_free(&s);
    expect_one("[ui]\nlanguages = zh, en\nfallback_language = fr\n",
               "kiosk.conf:3: [ui] fallback_language (fr) must be one of [ui] languages (zh, en)");
    expect_one("[ui]\nfallback_language = Chinese\n",
               "kiosk.conf:2: [ui] fallback_language = Chinese: must be a language code (a language code is 2 or 3 lower-case letters, optionally '-' and a region or script (e.g. zh, en, yue, zh-Hant, pt-BR))");
    /* site names: any configured language, each once */
    expect_ok(&s, "[ui]\nlanguages = zh, en, fr\nsite_name.fr = Centre Wenxin\n");
    assert_string_equal(settings_site_name(&s, "fr"), "Centre Wenxin");
    assert_string_equal(settings_site_name(&s, "en"), "Wenxin Subdistrict Service Centre");
    assert_string_equal(settings_site_name(&s, "de"), "文新街道便民服务中心");
    settings_free(&s);
    expect_one("[ui]\nsite_name.fr = Centre Wenxin\n",
               "kiosk.conf:2: [ui] site_name.fr: fr is not one of [ui] languages (zh, en)");
    expect_one("[ui]\nlanguages = zh, en, fr\nsite_name.fr = A\nsite_name.fr = B\n",
               "kiosk.conf:4: [ui] site_name.fr is set twice; the first is on line 3");
    expect_one("[ui]\nsite_name.FR = A\n",
               "kiosk.conf:2: [ui] site_name.FR = A: 'FR' after the '.' is not a language code (a language code is 2 or 3 lower-case letters, optionally '-' and a region or script (e.g. zh, en, yue, zh-Hant, pt-BR))");
    expect_one("[ui]\nsite_name.en = A\nsite_name.en = B\n",
               "kiosk.conf:3: [ui] site_name.en is set twice; the first is on line 2");
    expect_one("[ui]\nlanguages = zh, en, zh\n",
               "kiosk.conf:2: [ui] languages = zh, en, zh: 'zh' is listed twice");
    expect_one("[ui]\nlanguages = zh,, en\n",
               "kiosk.conf:2: [ui] languages = zh,, en: entry 2 is empty (a stray comma?)");
}

/* [ui] staff_location.<lang>: what the call-staff button says when the
 * catalogue has no help request form. Same rules as site_name. */
static void test_staff_location(void **state)
{
    settings s;
    assert_true(settings_defaults(&s, "/base"));
    assert_string_equal(settings_staff_location(&s, "zh"), "工作人员在服务大厅咨询台，请前往咨询。");
    assert_string_equal(settings_staff_location(&s, "en"),
                        "Staff are at the information desk in the service hall.");
    /* a language without a line: the fallback language's */
    assert_string_equal(settings_staff_location(&s, "fr"), "工作人员在服务大厅咨询台，请前往咨询。");
    assert_string_equal(settings_staff_location(&s, NULL), "工作人员在服务大厅咨询台，请前往咨询。");
    settings_free(&s);

    expect_ok(&s, "[ui]\nlanguages = zh, en, fr\nstaff_location.en = Desk by the door\n"
                  "staff_location.fr = Accueil\n");
    assert_string_equal(settings_staff_location(&s, "en"), "Desk by the door");
    assert_string_equal(settings_staff_location(&s, "fr"), "Accueil");
    assert_string_equal(settings_staff_location(&s, "zh"), "工作人员在服务大厅咨询台，请前往咨询。");
    /* the two families do not mix */
    assert_string_equal(settings_site_name(&s, "fr"), "文新街道便民服务中心");
    assert_string_equal(settings_site_name(&s, "en"), "Wenxin Subdistrict Service Centre");
    char *w = write_to_string(&s);
    assert_non_null(strstr(w, "\nstaff_location.en = Desk by the door\n"));
    assert_non_null(strstr(w, "\nstaff_location.fr = Accueil\n"));
    assert_null(strstr(w, "site_name.fr"));
    free(w);
    settings_free(&s);
    /* extra languages of both families in one file */
    expect_ok(&s, "[ui]\nlanguages = zh, en, fr\nsite_name.fr = Centre\nstaff_location.fr = Accueil\n");
    assert_string_equal(settings_site_name(&s, "fr"), "Centre");
    assert_string_equal(settings_staff_location(&s, "fr"), "Accueil");
    settings_free(&s);

    expect_one("[ui]\nstaff_location.zh =\n", "kiosk.conf:2: [ui] staff_location.zh: must not be empty");
    expect_one("[ui]\nstaff_location.fr = Accueil\n",
               "kiosk.conf:2: [ui] staff_location.fr: fr is not one of [ui] languages (zh, en)");
    expect_one("[ui]\nstaff_location.en = A\nstaff_location.en = B\n",
               "kiosk.conf:3: [ui] staff_location.en is set twice; the first is on line 2");
    expect_one("[ui]\nstaff_location.EN = A\n",
               "kiosk.conf:2: [ui] staff_location.EN = A: 'EN' after the '.' is not a language code (a language code is 2 or 3 lower-case letters, optionally '-' and a region or script (e.g. zh, en, yue, zh-Hant, pt-BR))");
    expect_one("[ui]\nstaff_location.en = a\x01" "b\n",
               "kiosk.conf:2: [ui] staff_location.en = a?b: contains control character 0x01");
    expect_one("[session]\nstaff_location.en = A\n",
               "kiosk.conf:2: unknown key 'staff_location.en' in [session]; it belongs in [ui]");
}

static void test_readers(void **state)
{
    settings s;
    expect_ok(&s, "[idcard]\nreaders = 0400:C35A/bulk ,10c4:0007/Hid\n");
    assert_int_equal(s.n_readers, 2);
    assert_int_equal(s.readers[0].pid, 0xc35a);
    assert_int_equal(s.readers[1].transport, READER_HID);
    settings_free(&s);
    /* Empty: no reader fitted. */
    expect_ok(&s, "[idcard]\nreaders =\n");
    assert_int_equal(s.n_readers, 0);
    settings_free(&s);

    static const char *const bad_form[] = {
        "0400-c35a/bulk", "400:c35a/bulk", "0400:c35/bulk", "0400:c35ax/bulk",
        "04g0:c35a/bulk", "0400:c35a", "0400:c35a bulk", "bulk",
    };
    char text[160], want[400];
    for (size_t i = 0; i < sizeof bad_form / sizeof bad_form[0]; i++) {
        snprintf(text, sizeof text, "[idcard]\nreaders = 0316:5020/bulk, %s\n", bad_form[i]);
        snprintf(want, sizeof want, "kiosk.conf:2: [idcard] readers = 0316:5020/bulk, %s: "
                 "entry 2 '%s' is not VID:PID/TRANSPORT (4 hex digits each as lsusb shows them, "
                 "e.g. 0400:c35a/bulk)", bad_form[i], bad_form[i]);
        expect_one(text, want);
    }
    expect_one("[idcard]\nreaders = 0400:c35a/usb\n",
               "kiosk.conf:2: [idcard] readers = 0400:c35a/usb: entry 1 '0400:c35a/usb': "
               "the transport must be bulk or hid");
    expect_one("[idcard]\nreaders = 0400:c35a/\n",
               "kiosk.conf:2: [idcard] readers = 0400:c35a/: entry 1 '0400:c35a/': "
               "the transport must be bulk or hid");
    expect_one("[idcard]\nreaders = 0400:c35a/bulk, 0316:5020/bulk, 0400:C35A/hid\n",
               "kiosk.conf:2: [idcard] readers = 0400:c35a/bulk, 0316:5020/bulk, 0400:C35A/hid: "
               "0400:c35a is listed twice (entries 1 and 3)");
    expect_one("[idcard]\nreaders = 0400:c35a/bulk,\n",
               "kiosk.conf:2: [idcard] readers = 0400:c35a/bulk,: entry 2 is empty (a stray comma?)");

    /* 32 fit on one line (longer than inih's 200-byte buffer); 33 do not. */
    char line[1024] = "[idcard]\nreaders = ";
    for (int i = 0; i < 33; i++) {
        char e[20];
        snprintf(e, sizeof e, "%s1000:%04x/bulk", i ? ", " : "", i);
        if (i == 32) {
            expect_ok(&s, line);
            assert_int_equal(s.n_readers, 32);
            assert_int_equal(s.readers[31].pid, 31);
            settings_free(&s);
        }
        strcat(line, e);
    }
    snprintf(want, sizeof want, "kiosk.conf:2: [idcard] readers = %.48s...: more than 32 readers",
             line + strlen("[idcard]\nreaders = "));
    expect_one(line, want);
}

/* ---- lines: indentation, continuation, CRLF, BOM, long lines ---- */

static void test_indentation_ignored(void **state)
{
    settings s;
    /* Indented keys are ordinary keys: with inih's multi-line mode the
     * second would have been glued onto width's value. */
    expect_ok(&s, "  [display]\n  width = 1920\n\theight = 1080\n    fullscreen = no\n");
    assert_int_equal(s.width, 1920);
    assert_int_equal(s.height, 1080);
    assert_false(s.fullscreen);
    settings_free(&s);
}

static void test_continuation_rejected(void **state)
{
    settings s;
    diag_list errors = DIAG_LIST_INIT;
    assert_false(parse(&s, "[ui]\nlanguages = zh,\n    en\nhotline = 12345\n", &errors));
    assert_errors(&errors,
                  "kiosk.conf:2: [ui] languages = zh,: entry 2 is empty (a stray comma?)",
                  "kiosk.conf:3: 'en' is not a 'key = value' line, a [section] header or a comment; "
                  "an indented line does not continue the previous value, so keep each value on one line",
                  NULL);
    settings_free(&s);
    diag_clear(&errors);

    /* inih takes ':' as a separator too, so this one reads as key "0316". */
    assert_false(parse(&s, "[idcard]\nreaders = 0400:c35a/bulk\n  0316:5020/bulk\n", &errors));
    assert_errors(&errors,
                  "kiosk.conf:3: unknown key '0316' in [idcard] (known keys: simulate, "
                  "remove_ends_session, transfer_timeout_ms, readers); an indented line does not "
                  "continue the previous value, so keep each value on one line",
                  NULL);
    assert_int_equal(s.n_readers, 1);
    settings_free(&s);
    diag_clear(&errors);
}

static void test_line_numbers(void **state)
{
    /* BOM, CRLF, a comment longer than inih's line buffer, and a long
     * value: the line numbers after them must still be right. */
    char text[2000];
    char longc[400];
    memset(longc, '-', sizeof longc - 1);
    longc[sizeof longc - 1] = '\0';
    snprintf(text, sizeof text,
             "\xEF\xBB\xBF[display]\r\n"      /* 1 */
             "width = 1080\r\n"               /* 2 */
             "# %s\r\n"                       /* 3 */
             "height = 1920\r\n"              /* 4 */
             "[ui]\n"                         /* 5 */
             "site_name.en = %s\n"            /* 6 */
             "hotline = x\n",                 /* 7 */
             longc, longc + 100);
    expect_one(text, "kiosk.conf:7: [ui] hotline = x: must be 3 to 20 digits or '-', "
               "e.g. 12345 or 0571-87654321");
    /* No newline at the end of the file. */
    expect_one("[display]\nwidth = 1080\nheight = x",
               "kiosk.conf:3: [display] height = x: must be a whole number of pixels from 480 to 7680");
}

static void test_long_line_matches_short(void **state)
{
    /* The over-long path (value kept aside by the reader) must cut values
     * exactly as inih does for short lines. */
    settings s;
    char text[800], name[301];
    memset(name, 'n', 300);
    name[300] = '\0';
    snprintf(text, sizeof text, "[ui]\nsite_name.en =   %s x;y  ; comment\nhotline = 1-2 ; c\n", name);
    expect_ok(&s, text);
    char want[320];
    snprintf(want, sizeof want, "%s x;y", name);
    assert_string_equal(settings_site_name(&s, "en"), want);
    assert_string_equal(s.hotline, "1-2");
    settings_free(&s);
    expect_ok(&s, "[ui]\nsite_name.en =   short x;y  ; comment\n");
    assert_string_equal(settings_site_name(&s, "en"), "short x;y");
    settings_free(&s);
}

/* ---- cross-key rules and the file system ---- */

static void test_cross_key(void **state)
{
    expect_one("[session]\nidle_timeout = 25\n",
               "kiosk.conf:2: [session] idle_warning (30) must be less than idle_timeout (25)");
    expect_one("[session]\nidle_warning = 90\n",
               "kiosk.conf:2: [session] idle_warning (90) must be less than idle_timeout (90)");
    expect_one("[session]\nidle_warning = 100\nidle_timeout = 60\n",
               "kiosk.conf:2: [session] idle_warning (100) must be less than idle_timeout (60)");
    expect_one("[display]\nwidth = 1920\n",
               "kiosk.conf:2: [display] width is set but height is not; set both "
               "(e.g. width = 1920 and height = 1080 for a landscape screen)");
    expect_one("[display]\n\nheight = 1080\n",
               "kiosk.conf:3: [display] height is set but width is not; set both "
               "(e.g. width = 1080 and height = 1920 for a portrait screen)");
    /* A refused value does not cascade into a second message. */
    expect_one("[session]\nidle_timeout = 5\n",
               "kiosk.conf:2: [session] idle_timeout = 5: must be a whole number of seconds from 15 to 1800");
}

static void test_paths_checked_real(void **state)
{
    char text[PATH_MAX + 100], want[PATH_MAX + 200];
    snprintf(want, sizeof want, "kiosk.conf:2: [fonts] regular: cannot read %s: No such file or directory",
             at("conf/nofont.ttc"));
    expect_one("[fonts]\nregular = nofont.ttc\n", want);

    snprintf(text, sizeof text, "[fonts]\n\nbold = %s\n", at("assets"));
    snprintf(want, sizeof want, "kiosk.conf:3: [fonts] bold: %s is not a regular file", at("assets"));
    expect_one(text, want);

    snprintf(want, sizeof want, "kiosk.conf:2: [catalog] path: cannot read %s: No such file or directory",
             at("conf/services.json"));
    expect_one("[catalog]\npath = services.json\n", want);

    snprintf(want, sizeof want, "kiosk.conf:2: [paths] assets_dir: directory %s: No such file or directory",
             at("conf/../images"));
    expect_one("[paths]\nassets_dir = ../images\n", want);
    snprintf(want, sizeof want, "kiosk.conf:2: [paths] assets_dir: %s is not a directory", at("conf/../plain"));
    expect_one("[paths]\nassets_dir = ../plain\n", want);

    snprintf(want, sizeof want, "kiosk.conf:2: [paths] data_dir: neither %s nor its parent directory "
             "exists (the kiosk creates only the last level)", at("conf/../no/var"));
    expect_one("[paths]\ndata_dir = ../no/var\n", want);
    snprintf(want, sizeof want, "kiosk.conf:2: [paths] data_dir: %s is not a directory", at("plain"));
    snprintf(text, sizeof text, "[paths]\ndata_dir = %s\n", at("plain"));
    expect_one(text, want);

    /* An existing data_dir, or a missing one whose parent exists, is fine. */
    settings s;
    expect_ok(&s, "[paths]\ndata_dir = .\n");
    assert_string_equal(s.data_dir, conf_dir);
    settings_free(&s);
    expect_ok(&s, "[paths]\ndata_dir = new\n");
    settings_free(&s);
}

/* Problems with defaults have no line of their own: line 0, FILE: message. */
static void test_default_catalog_missing(void **state)
{
    settings s;
    diag_list errors = DIAG_LIST_INIT;
    char want[PATH_MAX + 200];
    assert_false(settings_parse(&s, "[ui]\nhotline = 12345\n", "elsewhere.conf", at("empty"), &errors));
    snprintf(want, sizeof want, "elsewhere.conf: [catalog] path: cannot read %s: No such file or directory",
             at("empty/catalog.json"));
    assert_errors(&errors, want, NULL);
    settings_free(&s);
    diag_clear(&errors);
}

static void test_path_resolution(void **state)
{
    settings s;
    expect_ok(&s, "[catalog]\npath = ./sub/..//./catalog.json\n"
                  "[paths]\nassets_dir = ../assets/./\n");
    char want[PATH_MAX];
    snprintf(want, sizeof want, "%s/sub/../catalog.json", conf_dir);
    assert_string_equal(s.catalog_path, want);
    assert_string_equal(s.assets_dir, at("conf/../assets"));
    settings_free(&s);

    char text[PATH_MAX + 64];
    snprintf(text, sizeof text, "[catalog]\npath = %s//conf/./catalog.json\n", root);
    expect_ok(&s, text);
    assert_string_equal(s.catalog_path, at("conf/catalog.json"));
    settings_free(&s);

    /* The empty font path means auto-detect, stored as NULL. */
    expect_ok(&s, "[fonts]\nregular =\nbold =  \n");
    assert_null(s.font_regular);
    assert_null(s.font_bold);
    settings_free(&s);
}

/* ---- files ---- */

static void test_load_file(void **state)
{
    settings s;
    diag_list errors = DIAG_LIST_INIT;
    write_text(at("conf/kiosk.conf"), "[display]\nwidth = 1920\nheight = 1080\n");

    assert_true(settings_load(&s, at("conf/kiosk.conf"), &errors));
    assert_errors(&errors, NULL);
    assert_string_equal(s.path, at("conf/kiosk.conf"));
    assert_string_equal(s.base_dir, conf_dir);
    assert_string_equal(s.catalog_path, at("conf/catalog.json"));
    assert_int_equal(s.width, 1920);
    settings_free(&s);

    /* A relative name: messages use it as given, paths become absolute. */
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(root), 0);
    write_text(at("conf/kiosk.conf"), "[display]\nwidth = 1\nheight = 1080\n");
    bool ok = settings_load(&s, "conf/kiosk.conf", &errors);
    assert_int_equal(chdir(cwd), 0);
    assert_false(ok);
    assert_errors(&errors, "conf/kiosk.conf:2: [display] width = 1: must be a whole number of "
                  "pixels from 480 to 7680", NULL);
    assert_string_equal(s.path, at("conf/kiosk.conf"));
    assert_string_equal(s.catalog_path, at("conf/catalog.json"));
    settings_free(&s);
    diag_clear(&errors);
}

static void test_load_unreadable(void **state)
{
    settings s;
    diag_list errors = DIAG_LIST_INIT;
    char want[PATH_MAX + 100];
    assert_false(settings_load(&s, at("conf/missing.conf"), &errors));
    snprintf(want, sizeof want, "%s: cannot open: No such file or directory", at("conf/missing.conf"));
    assert_errors(&errors, want, NULL);
    assert_null(s.path);                      /* "not read at all" */
    assert_string_equal(s.base_dir, conf_dir); /* but defaults are there */
    assert_int_equal(s.width, 1080);
    settings_free(&s);
    diag_clear(&errors);

    assert_false(settings_load(&s, conf_dir, &errors));
    snprintf(want, sizeof want, "%s: cannot read: Is a directory", conf_dir);
    assert_errors(&errors, want, NULL);
    assert_null(s.path);
    settings_free(&s);
    diag_clear(&errors);

    assert_false(settings_load(&s, "", &errors));
    assert_errors(&errors, ": cannot open: No such file or directory", NULL);
    settings_free(&s);
    diag_clear(&errors);
}

static void test_load_nul_byte(void **state)
{
    FILE *f = fopen(at("conf/kiosk.conf"), "wb");
    assert_non_null(f);
    fwrite("[ui]\nhotline = 96345\n\0\n[x]\n", 1, 26, f);
    assert_int_equal(fclose(f), 0);
    settings s;
    diag_list errors = DIAG_LIST_INIT;
    char want[PATH_MAX + 100];
    assert_false(settings_load(&s, at("conf/kiosk.conf"), &errors));
    snprintf(want, sizeof want, "%s:3: contains a NUL byte; kiosk.conf must be UTF-8 text (not UTF-16)",
             at("conf/kiosk.conf"));
    assert_errors(&errors, want, NULL);
    assert_string_equal(s.hotline, "96345");
    settings_free(&s);
    diag_clear(&errors);
}

/* ---- settings_write ---- */

static void round_trip(const char *text)
{
    settings a, b;
    expect_ok(&a, text);
    char *written = write_to_string(&a);
    diag_list errors = DIAG_LIST_INIT;
    bool ok = parse(&b, written, &errors);
    if (!ok)
        print_message("%s", written);
    assert_errors(&errors, NULL);
    assert_true(settings_equal(&a, &b));
    settings_free(&a);
    settings_free(&b);
    free(written);
}

static void test_write_round_trip(void **state)
{
    round_trip("");
    round_trip(all_keys_changed);
    round_trip("[idcard]\nreaders =\n[fonts]\nscale = 0.8\n");
    round_trip("[printer.receipt]\ndestination = kiosk-receipt\nwidth = 384\ndpi = 180\n"
               "band_rows = 100\ndeadline = 45\n[printer.a4]\ndestination = a4\nkind = a4\n"
               "[printer.x]\ndestination = x\n");

    /* Paths under base_dir come back relative, others absolute. */
    settings s;
    char text[PATH_MAX + 64];
    snprintf(text, sizeof text, "[fonts]\nregular = %s\n", at("font.ttc"));
    expect_ok(&s, text);
    char *w = write_to_string(&s);
    assert_non_null(strstr(w, "\npath = catalog.json\n"));
    assert_non_null(strstr(w, "\ndata_dir = ../var\n"));
    assert_non_null(strstr(w, "\nassets_dir = ../assets\n"));
    assert_non_null(strstr(w, "\nbold =\n"));
    assert_non_null(strstr(w, "\nscale = 1.00\n"));
    assert_non_null(strstr(w, "\nreaders = 0400:c35a/bulk, 0316:5020/bulk, 10c4:0007/hid\n"));
    snprintf(text, sizeof text, "\nregular = %s\n", at("font.ttc"));
    assert_non_null(strstr(w, text));
    free(w);
    settings_free(&s);

    /* Without a base_dir everything is written absolute and still valid. */
    expect_ok(&s, "");
    char *base = s.base_dir;
    s.base_dir = NULL;
    w = write_to_string(&s);
    s.base_dir = base;
    snprintf(text, sizeof text, "\npath = %s\n", at("conf/catalog.json"));
    assert_non_null(strstr(w, text));
    settings b;
    diag_list errors = DIAG_LIST_INIT;
    assert_true(settings_parse(&b, w, "written", "/nonexistent", &errors));
    assert_true(settings_equal(&s, &b));
    settings_free(&b);
    settings_free(&s);
    free(w);
}

static void test_write_awkward_paths(void **state)
{
    /* Relative forms that would read back differently get "./". */
    settings a, b;
    diag_list errors = DIAG_LIST_INIT;
    assert_true(settings_defaults(&a, "/k"));
    free(a.data_dir);
    a.data_dir = strdup("/k/;x");
    free(a.assets_dir);
    a.assets_dir = strdup("/k/ y");
    char *w = write_to_string(&a);
    assert_non_null(strstr(w, "\ndata_dir = ./;x\n"));
    assert_non_null(strstr(w, "\nassets_dir = ./ y\n"));
    settings_parse(&b, w, "w", "/k", &errors); /* file checks fail under /k */
    assert_true(settings_equal(&a, &b));
    settings_free(&a);
    settings_free(&b);
    diag_clear(&errors);
    free(w);

    /* base_dir "/" makes every path relative to the root. */
    assert_true(settings_defaults(&a, "/"));
    assert_string_equal(a.data_dir, "/../var");
    w = write_to_string(&a);
    assert_non_null(strstr(w, "\npath = catalog.json\n"));
    settings_parse(&b, w, "w", "/", &errors);
    assert_true(settings_equal(&a, &b));
    settings_free(&a);
    settings_free(&b);
    diag_clear(&errors);
    free(w);
}

static void test_equal(void **state)
{
    settings a, b;
    assert_true(settings_defaults(&a, "/x"));
    assert_true(settings_defaults(&b, "/x"));
    assert_true(settings_equal(&a, &b));
    b.readers[2].transport = READER_BULK;
    assert_false(settings_equal(&a, &b));
    b.readers[2].transport = READER_HID;
    strcpy(b.langs[1], "fr");
    assert_false(settings_equal(&a, &b));
    strcpy(b.langs[1], "en");
    b.font_scale = 1.01;
    assert_false(settings_equal(&a, &b));
    b.font_scale = 1.0;
    free(b.hotline);
    b.hotline = strdup("110");
    assert_false(settings_equal(&a, &b));
    free(b.hotline);
    b.hotline = strdup(a.hotline);
    assert_true(settings_equal(&a, &b));
    settings_free(&a);
    settings_free(&b);
    /* printers: their number, then each key */
    expect_ok(&a, "[printer.r]\ndestination = r\n");
    expect_ok(&b, "");
    assert_false(settings_equal(&a, &b));
    settings_free(&b);
    expect_ok(&b, "[printer.r]\ndestination = r\ndeadline = 30\n");
    assert_true(settings_equal(&a, &b));
    b.printers[0].deadline = 31;
    assert_false(settings_equal(&a, &b));
    b.printers[0].deadline = 30;
    free(b.printers[0].destination);
    b.printers[0].destination = strdup("s");
    assert_false(settings_equal(&a, &b));
    settings_free(&a);
    settings_free(&b);
}

/* ---- [rating] ---- */

static void test_rating_defaults(void **state)
{
    settings s;
    assert_true(settings_defaults(&s, "/base"));
    assert_string_equal(s.rating_url, "{endpoint}/rate?txn={txn}&item={item}&t={time}&dev={device}");
    assert_int_equal(s.rating_code_scheme, RATING_SCHEME_GBT39046);
    assert_string_equal(s.rating_codes, "");
    assert_string_equal(s.rating_channel_code, "5");
    assert_string_equal(s.rating_source_code, "");
    assert_string_equal(s.rating_region_code, "330106");
    assert_false(s.rating_after_guide);
    assert_int_equal(s.rating_max_age_days, 30);
    static const char *const ids[] = {"attitude", "efficiency", "materials", "system",
                                      "waiting", "other"};
    static const char *const zh[] = {"服务态度", "办事效率", "材料要求不清", "系统故障",
                                     "等候时间长", "其他"};
    static const char *const en[] = {"Staff attitude", "Efficiency",
                                     "Unclear material requirements", "System fault",
                                     "Long wait", "Other"};
    static const char *const codes[] = {"L01", "L02", "L03", "L04", "L05", "L99"};
    assert_int_equal(settings_rating_reason_count(&s), 6);
    for (int i = 0; i < 6; i++) {
        assert_string_equal(settings_rating_reason_id(&s, i), ids[i]);
        assert_string_equal(settings_rating_reason_label(&s, i, "zh"), zh[i]);
        assert_string_equal(settings_rating_reason_label(&s, i, "en"), en[i]);
        /* a language without a label: the fallback language's */
        assert_string_equal(settings_rating_reason_label(&s, i, "fr"), zh[i]);
        assert_string_equal(settings_rating_reason_label(&s, i, NULL), zh[i]);
        assert_string_equal(settings_rating_reason_code(&s, i), codes[i]);
        assert_int_equal(settings_rating_reason_find(&s, ids[i]), i);
    }
    assert_string_equal(settings_rating_reason_id(&s, 6), "");
    assert_string_equal(settings_rating_reason_label(&s, -1, "zh"), "");
    assert_string_equal(settings_rating_reason_code(&s, 6), "");
    assert_int_equal(settings_rating_reason_find(&s, "parking"), -1);
    assert_int_equal(settings_rating_reason_find(&s, NULL), -1);
    rating_codes c;
    settings_rating_codes(&s, &c);
    assert_string_equal(rating_code(&c, RATING_VERY_SATISFIED), "1");
    assert_string_equal(rating_code(&c, RATING_VERY_DISSATISFIED), "5");
    settings_free(&s);
}

static const char rating_changed[] =
    "[ui]\n"
    "languages = zh, en, fr\n"
    "[rating]\n"
    /* labels before the list they belong to: read once the file is */
    "reason.parking.zh = 停车难\n"
    "reason.parking.fr = Stationnement\n"
    "url = https://pj.example.gov.cn/r?v=1&n={txn}&s={item}&w={time}&k={device}&q={sig}\n"
    "scheme = provincial\n"
    "codes = A, B, C, D, E\n"
    "channel_code = 3\n"
    "source_code = ZJ-ZWFW.01\n"
    "region_code = 330106003\n"
    "after_guide = yes\n"
    "max_age_days = 7\n"
    "reasons = other, parking, attitude\n"
    "reason.parking.code = P-1\n"
    "reason.attitude.zh = 工作人员态度\n"
    "reason.other.code = X99\n";

static void test_rating_keys(void **state)
{
    settings s;
    expect_ok(&s, rating_changed);
    assert_string_equal(s.rating_url,
                        "https://pj.example.gov.cn/r?v=1&n={txn}&s={item}&w={time}&k={device}&q={sig}");
    assert_int_equal(s.rating_code_scheme, RATING_SCHEME_PROVINCIAL);
    assert_string_equal(s.rating_channel_code, "3");
    assert_string_equal(s.rating_source_code, "ZJ-ZWFW.01");
    assert_string_equal(s.rating_region_code, "330106003");
    assert_true(s.rating_after_guide);
    assert_int_equal(s.rating_max_age_days, 7);
    rating_codes c;
    settings_rating_codes(&s, &c);
    assert_true(c.overridden);
    assert_string_equal(rating_code(&c, RATING_VERY_SATISFIED), "A");
    assert_string_equal(rating_code(&c, RATING_VERY_DISSATISFIED), "E");
    assert_int_equal(settings_rating_reason_count(&s), 3);
    assert_string_equal(settings_rating_reason_id(&s, 0), "other");
    assert_string_equal(settings_rating_reason_code(&s, 0), "X99");
    assert_string_equal(settings_rating_reason_label(&s, 0, "en"), "Other");
    assert_string_equal(settings_rating_reason_id(&s, 1), "parking");
    assert_string_equal(settings_rating_reason_code(&s, 1), "P-1");
    assert_string_equal(settings_rating_reason_label(&s, 1, "fr"), "Stationnement");
    assert_string_equal(settings_rating_reason_label(&s, 1, "en"), "停车难");
    assert_string_equal(settings_rating_reason_label(&s, 2, "zh"), "工作人员态度");
    assert_string_equal(settings_rating_reason_label(&s, 2, "en"), "Staff attitude");
    assert_string_equal(settings_rating_reason_code(&s, 2), "L01");
    assert_int_equal(settings_rating_reason_find(&s, "efficiency"), -1);
    settings_free(&s);
    /* the scheme alone */
    expect_ok(&s, "[rating]\nscheme = provincial\nurl = http://127.0.0.1:8443/rate?"
                  "txn={txn}&item={item}&t={time}&dev={device}\n");
    settings_rating_codes(&s, &c);
    assert_false(c.overridden);
    assert_string_equal(rating_code(&c, RATING_VERY_SATISFIED), "5");
    settings_free(&s);
}

static void test_rating_errors(void **state)
{
    expect_one("[rating]\nurl = {endpoint}/rate?item={item}&t={time}&dev={device}\n",
               "kiosk.conf:2: [rating] url has no {txn}: the link must carry the transaction "
               "number, e.g. &txn={txn}");
    expect_one("[rating]\nurl = http://pj.example.gov.cn/rate?txn={txn}&item={item}&t={time}&dev={device}\n",
               "kiosk.conf:2: [rating] url must start with https:// or {endpoint} (plain http:// "
               "only to 127.0.0.1, localhost or [::1])");
    expect_one("[rating]\nurl = https://x.cn/rate/{txn}?item={item}&t={time}&dev={device}\n",
               "kiosk.conf:2: [rating] url has a placeholder before the '?'; each goes in a "
               "parameter of its own, e.g. ?txn={txn}");
    expect_one("[rating]\nurl = https://x.cn/r?txn={txn}&item={item}&t={time}&dev={device}&u={user}\n",
               "kiosk.conf:2: [rating] url has an unknown placeholder in parameter 'u' (known: "
               "{endpoint}, {txn}, {item}, {time}, {device}, {sig})");
    expect_one("[rating]\nurl = https://x.cn/r?txn=T{txn}&item={item}&t={time}&dev={device}\n",
               "kiosk.conf:2: [rating] url has a placeholder inside parameter 'txn'; a placeholder "
               "must be the whole value, as in txn={txn}");
    expect_one("[rating]\nurl = https://x.cn/r?txn={txn}&item={item}&t={time}&dev={device}&txn={txn}\n",
               "kiosk.conf:2: [rating] url has parameter 'txn' twice");
    expect_one("[rating]\nurl = https://x.cn/r?txn={txn}&item={item}&t={time}&dev={device}&sig=1\n",
               "kiosk.conf:2: [rating] url has a parameter 'sig', which is kept for the signature: "
               "write sig={sig}, or rename it");
    expect_one("[rating]\nurl = https://x.cn/r\n",
               "kiosk.conf:2: [rating] url has no query: the placeholders go in parameters, e.g. "
               "?txn={txn}&item={item}&t={time}&dev={device}");
    expect_one("[rating]\nurl =\n", "kiosk.conf:2: [rating] url: must not be empty");
    expect_one("[rating]\nscheme = national\n",
               "kiosk.conf:2: [rating] scheme = national: must be one of: gbt39046, provincial");
    expect_one("[rating]\ncodes = 1, 2, 3\n",
               "kiosk.conf:2: [rating] codes = 1, 2, 3: must list 5 codes separated by commas, one "
               "per level from very_satisfied to very_dissatisfied (found 3)");
    expect_one("[rating]\ncodes = 1, 2, 3, 4, 1\n",
               "kiosk.conf:2: [rating] codes = 1, 2, 3, 4, 1: codes 1 and 5 are both '1': each "
               "level needs a code of its own");
    expect_one("[rating]\nchannel_code = 政务大厅\n",
               "kiosk.conf:2: [rating] channel_code = 政务大厅: must be 1 to 8 letters, digits, "
               "'-', '_' or '.', e.g. 5");
    expect_one("[rating]\nchannel_code =\n",
               "kiosk.conf:2: [rating] channel_code: must be 1 to 8 letters, digits, '-', '_' or "
               "'.', e.g. 5");
    expect_one("[rating]\nsource_code = a b\n",
               "kiosk.conf:2: [rating] source_code = a b: must be empty or up to 32 letters, "
               "digits, '-', '_' or '.', e.g. ZWFW-01");
    expect_one("[rating]\nregion_code = 33010\n",
               "kiosk.conf:2: [rating] region_code = 33010: must be 6 to 9 digits, e.g. 330106");
    expect_one("[rating]\nregion_code = 3301O6\n",
               "kiosk.conf:2: [rating] region_code = 3301O6: must be 6 to 9 digits, e.g. 330106");
    expect_one("[rating]\nregion_code = 3301060031\n",
               "kiosk.conf:2: [rating] region_code = 3301060031: must be 6 to 9 digits, e.g. 330106");
    expect_one("[rating]\nmax_age_days = 0\n",
               "kiosk.conf:2: [rating] max_age_days = 0: must be a whole number of days from 1 to 365");
    expect_one("[rating]\nafter_guide = sometimes\n",
               "kiosk.conf:2: [rating] after_guide = sometimes: must be yes or no (true/false, "
               "on/off and 1/0 also work)");
}

static void test_rating_reason_errors(void **state)
{
    expect_one("[rating]\nreasons = attitude, Parking\n",
               "kiosk.conf:2: [rating] reasons = attitude, Parking: entry 2 'Parking' is not a "
               "reason id (1 to 24 lowercase letters, digits or '_')");
    expect_one("[rating]\nreasons = attitude, other, attitude\n",
               "kiosk.conf:2: [rating] reasons = attitude, other, attitude: 'attitude' is listed twice");
    expect_one("[rating]\nreasons = attitude,, other\n",
               "kiosk.conf:2: [rating] reasons = attitude,, other: entry 2 is empty (a stray comma?)");
    expect_one("[rating]\nreasons = attitude, other,\n",
               "kiosk.conf:2: [rating] reasons = attitude, other,: entry 3 is empty (a stray comma?)");
    expect_one("[rating]\nreasons =\n",
               "kiosk.conf:2: [rating] reasons: must list at least one reason, e.g. other");
    expect_one("[rating]\nreasons = a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13\n",
               "kiosk.conf:2: [rating] reasons = a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a1...: "
               "at most 12 reasons");
    /* a label for a reason not listed: the built-in list lacks it */
    expect_one("[rating]\nreason.parking.zh = 停车难\n",
               "kiosk.conf:2: [rating] reason.parking.zh = 停车难: 'parking' is not in [rating] "
               "reasons; add it there");
    /* listed later in the file still counts; dropped from the list does not */
    expect_one("[rating]\nreason.waiting.zh = 排队久\nreasons = attitude, other\n",
               "kiosk.conf:2: [rating] reason.waiting.zh = 排队久: 'waiting' is not in [rating] "
               "reasons; add it there");
    expect_one("[rating]\nreason.attitude.fr = Attitude\n",
               "kiosk.conf:2: [rating] reason.attitude.fr: fr is not one of [ui] languages (zh, en)");
    expect_one("[rating]\nreason.attitude.ZH = 态度\n",
               "kiosk.conf:2: [rating] reason.attitude.ZH = 态度: 'ZH' after the reason id is "
               "neither 'code' nor a language code (a language code is 2 or 3 lower-case letters, "
               "optionally '-' and a region or script (e.g. zh, en, yue, zh-Hant, pt-BR))");
    expect_one("[rating]\nreason.attitude = 态度\n",
               "kiosk.conf:2: [rating] reason.attitude = 态度: a reason's key is reason.ID.code or "
               "reason.ID.LANG, e.g. reason.attitude.zh");
    expect_one("[rating]\nreason.attitude.zh =\n",
               "kiosk.conf:2: [rating] reason.attitude.zh: must not be empty");
    expect_one("[rating]\nreason.attitude.code = L 01\n",
               "kiosk.conf:2: [rating] reason.attitude.code = L 01: must be 1 to 16 letters, "
               "digits, '-', '_' or '.', e.g. L01");
    expect_one("[rating]\nreason.attitude.zh = 态度\nreason.attitude.zh = 服务态度\n",
               "kiosk.conf:3: [rating] reason.attitude.zh is set twice; the first is on line 2");
    expect_one("[rating]\nreason.other.code = L01\n",
               "kiosk.conf:2: [rating] reasons 'attitude' and 'other' both have code L01; each "
               "reason needs its own");
    /* a new reason needs a code and a label */
    settings s;
    diag_list errors = DIAG_LIST_INIT;
    assert_false(parse(&s, "[rating]\n\nreasons = attitude, parking\n", &errors));
    assert_errors(&errors,
                  "kiosk.conf:3: [rating] reason 'parking' has no indicator code: add "
                  "reason.parking.code = ...",
                  "kiosk.conf:3: [rating] reason 'parking' has no label: add reason.parking.zh = "
                  "... (one line per language)",
                  NULL);
    settings_free(&s);
    diag_clear(&errors);
    /* a refused list keeps the built-in one */
    assert_false(parse(&s, "[rating]\nreasons = Bad\n", &errors));
    assert_int_equal(settings_rating_reason_count(&s), 6);
    settings_free(&s);
    diag_clear(&errors);
    /* a refused code list keeps the scheme's */
    assert_false(parse(&s, "[rating]\nscheme = provincial\ncodes = 1,1,1,1,1\n", &errors));
    assert_string_equal(s.rating_codes, "");
    rating_codes c;
    settings_rating_codes(&s, &c);
    assert_string_equal(rating_code(&c, RATING_VERY_SATISFIED), "5");
    settings_free(&s);
    diag_clear(&errors);
}

static void test_rating_write(void **state)
{
    round_trip(rating_changed);
    settings s;
    expect_ok(&s, "");
    char *w = write_to_string(&s);
    assert_non_null(strstr(w, "\n[rating]\n"));
    assert_non_null(strstr(w, "\nurl = {endpoint}/rate?txn={txn}&item={item}&t={time}&dev={device}\n"));
    assert_non_null(strstr(w, "\nscheme = gbt39046\n"));
    assert_non_null(strstr(w, "\ncodes =\n"));
    assert_non_null(strstr(w, "\nreasons = attitude, efficiency, materials, system, waiting, other\n"));
    assert_non_null(strstr(w, "\nreason.materials.code = L03\n"));
    assert_non_null(strstr(w, "\nreason.materials.zh = 材料要求不清\n"));
    assert_non_null(strstr(w, "\nreason.other.en = Other\n"));
    free(w);
    settings_free(&s);
}

static void test_rating_equal(void **state)
{
    settings a, b;
    expect_ok(&a, rating_changed);
    expect_ok(&b, rating_changed);
    assert_true(settings_equal(&a, &b));
    strcpy(b.reasons[1].code, "P-2");
    assert_false(settings_equal(&a, &b));
    strcpy(b.reasons[1].code, "P-1");
    free(b.reasons[1].labels[0].text);
    b.reasons[1].labels[0].text = strdup("停车");
    assert_false(settings_equal(&a, &b));
    settings_free(&b);
    expect_ok(&b, "[ui]\nlanguages = zh, en, fr\n");
    assert_false(settings_equal(&a, &b));
    settings_free(&a);
    settings_free(&b);
}

/* ---- the files shipped in the tree ---- */

static void load_shipped(const char *path)
{
    settings s;
    diag_list errors = DIAG_LIST_INIT;
    bool ok = settings_load(&s, path, &errors);
    assert_errors(&errors, NULL);
    assert_true(ok);
    settings_free(&s);
}

static void test_shipped_config(void **state)
{
    load_shipped(KIOSK_SOURCE_DIR "/config/kiosk.conf");

    /* It documents the real defaults: every value in it is the default. */
    settings s, d;
    diag_list errors = DIAG_LIST_INIT;
    settings_load(&s, KIOSK_SOURCE_DIR "/config/kiosk.conf", &errors);
    assert_true(settings_defaults(&d, KIOSK_SOURCE_DIR "/config"));
    assert_true(settings_equal(&s, &d));
    settings_free(&s);
    settings_free(&d);
    diag_clear(&errors);
}

static void test_e2e_configs(void **state)
{
    load_shipped(KIOSK_SOURCE_DIR "/tests/e2e/portrait.conf");
    load_shipped(KIOSK_SOURCE_DIR "/tests/e2e/landscape.conf");
    settings s;
    diag_list errors = DIAG_LIST_INIT;
    settings_load(&s, KIOSK_SOURCE_DIR "/tests/e2e/landscape.conf", &errors);
    assert_int_equal(s.width, 1920);
    assert_int_equal(s.height, 1080);
    assert_false(s.fullscreen);
    assert_string_equal(s.data_dir, "/tmp/kiosk-e2e-landscape");
    settings_free(&s);
    diag_clear(&errors);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_defaults_relative_base_dir),
        cmocka_unit_test(test_empty_file_is_defaults),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_every_key_parses),
        cmocka_unit_test(test_bool_spellings),
        cmocka_unit_test(test_ranges_edges),
        cmocka_unit_test(test_unknown_section),
        cmocka_unit_test(test_platform_keys),
        cmocka_unit_test(test_printers),
        cmocka_unit_test(test_printer_errors),
        cmocka_unit_test(test_printer_write),
        cmocka_unit_test(test_unknown_key),
        cmocka_unit_test(test_duplicate_key),
        cmocka_unit_test(test_bad_int),
        cmocka_unit_test(test_bad_double_bool_enum),
        cmocka_unit_test(test_bad_strings_and_paths),
        cmocka_unit_test(test_value_text),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_all_errors_reported),
        cmocka_unit_test(test_errors_in_line_order),
        cmocka_unit_test(test_languages),
        cmocka_unit_test(test_staff_location),
        cmocka_unit_test(test_readers),
        cmocka_unit_test(test_indentation_ignored),
        cmocka_unit_test(test_continuation_rejected),
        cmocka_unit_test(test_line_numbers),
        cmocka_unit_test(test_long_line_matches_short),
        cmocka_unit_test(test_cross_key),
        cmocka_unit_test(test_paths_checked_real),
        cmocka_unit_test(test_default_catalog_missing),
        cmocka_unit_test(test_path_resolution),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_load_unreadable),
        cmocka_unit_test(test_load_nul_byte),
        cmocka_unit_test(test_write_round_trip),
        cmocka_unit_test(test_write_awkward_paths),
        cmocka_unit_test(test_equal),
        cmocka_unit_test(test_rating_defaults),
        cmocka_unit_test(test_rating_keys),
        cmocka_unit_test(test_rating_errors),
        cmocka_unit_test(test_rating_reason_errors),
        cmocka_unit_test(test_rating_write),
        cmocka_unit_test(test_rating_equal),
        cmocka_unit_test(test_shipped_config),
        cmocka_unit_test(test_e2e_configs),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
