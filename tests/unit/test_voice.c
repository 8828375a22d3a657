/*
 * voice: the WAV header reader fed as a pipe delivers bytes, the engine
 * table, and the speech thread with the real engine (espeak-ng): an
 * utterance written as WAV with a plausible length, a new one cutting the
 * old, volume 0 giving silence, and a hush stopping at once.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "voice/voice.h"
#include "voice/voice_engine.h"
#include "voice/voice_wav.h"

static size_t header(unsigned char *h, unsigned tag, unsigned channels, unsigned rate,
                     unsigned bits, bool extra_chunk)
{
    size_t n = 0;
    memcpy(h, "RIFF\xff\xff\xff\x7fWAVE", 12);
    n = 12;
    if (extra_chunk) {      /* a LIST chunk of odd size, padded */
        memcpy(h + n, "LIST\x03\0\0\0abc\0", 12);
        n += 12;
    }
    memcpy(h + n, "fmt \x10\0\0\0", 8);
    n += 8;
    unsigned char f[16] = {(unsigned char)tag, (unsigned char)(tag >> 8), (unsigned char)channels, 0,
                           (unsigned char)rate, (unsigned char)(rate >> 8),
                           (unsigned char)(rate >> 16), 0, 0, 0, 0, 0, 4, 0,
                           (unsigned char)bits, 0};
    memcpy(h + n, f, 16);
    n += 16;
    memcpy(h + n, "data\xff\xff\xff\x7f", 8);
    return n + 8;
}

static void test_wav_byte_by_byte(void **state)
{
    (void)state;
    unsigned char h[128];
    size_t n = header(h, 1, 1, 22050, 16, true);
    h[n] = 0x11;    /* a first sample byte after the header */
    voice_wav_reader r = {0};
    char why[128];
    size_t i = 0;
    for (; i <= n && !r.done; i++) {
        long used = voice_wav_feed(&r, h + i, 1, why, sizeof why);
        assert_true(used >= 0);
        assert_int_equal(used, 1);      /* every byte so far was header */
    }
    assert_true(r.done);
    assert_int_equal(i, n);             /* done on the data header's last byte */
    assert_int_equal(r.fmt.rate, 22050);
    assert_int_equal(r.fmt.channels, 1);

    /* all at once: the header's length comes back, the sample is left */
    voice_wav_reader r2 = {0};
    assert_int_equal(voice_wav_feed(&r2, h, n + 1, why, sizeof why), (long)n);
    assert_true(r2.done);
}

static void test_wav_refused(void **state)
{
    (void)state;
    unsigned char h[128];
    char why[128];
    struct { unsigned tag, ch, rate, bits; const char *says; } bad[] = {
        {3, 1, 22050, 32, "not PCM"},
        {1, 1, 22050, 8, "16 expected"},
        {1, 6, 22050, 16, "1 or 2"},
        {1, 1, 100, 16, "out of range"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        size_t n = header(h, bad[k].tag, bad[k].ch, bad[k].rate, bad[k].bits, false);
        voice_wav_reader r = {0};
        assert_int_equal(voice_wav_feed(&r, h, n, why, sizeof why), -1);
        assert_non_null(strstr(why, bad[k].says));
    }
    voice_wav_reader r = {0};
    assert_int_equal(voice_wav_feed(&r, (const unsigned char *)"hello, world", 12, why,
                                    sizeof why), -1);
    /* a chunk too long for a header is refused, not waited for */
    voice_wav_reader r3 = {0};
    memcpy(h, "RIFF\0\0\0\0WAVEjunk\0\0\x01\0", 20);
    assert_int_equal(voice_wav_feed(&r3, h, 20, why, sizeof why), -1);
}

static void test_wav_file_roundtrip(void **state)
{
    (void)state;
    char *mem = NULL;
    size_t len = 0;
    FILE *f = tmpfile();
    assert_non_null(f);
    voice_wav_format fmt = {16000, 1};
    assert_true(voice_wav_begin(f, fmt));
    short s[100] = {0};
    assert_int_equal(fwrite(s, 2, 100, f), 100);
    assert_true(voice_wav_finish(f, 200));
    fseek(f, 0, SEEK_END);
    len = (size_t)ftell(f);
    mem = malloc(len);
    rewind(f);
    assert_int_equal(fread(mem, 1, len, f), len);
    fclose(f);
    voice_wav_format got;
    uint32_t bytes = 0;
    char why[128];
    assert_true(voice_wav_info((unsigned char *)mem, len, &got, &bytes, why, sizeof why));
    assert_int_equal(got.rate, 16000);
    assert_int_equal(bytes, 200);
    free(mem);
}

static void test_engine_table(void **state)
{
    (void)state;
    assert_non_null(voice_engine_find("espeak-ng"));
    assert_non_null(voice_engine_find("/usr/bin/espeak-ng"));
    assert_null(voice_engine_find("say"));
    char path[512];
    assert_false(voice_engine_locate("no-such-engine-here", path, sizeof path));
    assert_false(voice_engine_locate("/etc/passwd", path, sizeof path));  /* not executable */
}

/* ---- the thread, with the real engine ------------------------------------ */

static char dir[256];

static int start(int volume)
{
    snprintf(dir, sizeof dir, "/tmp/test_voice.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    voice_setup vs = {.command = "espeak-ng", .rate = 175, .volume = volume, .audio = false,
                      .wav_dir = dir};
    char why[256];
    if (!voice_start(&vs, why, sizeof why)) {
        fprintf(stderr, "voice_start: %s\n", why);
        return -1;
    }
    return 0;
}

static void finish(void)
{
    voice_stop();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static long peak_of(const char *file)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 44, SEEK_SET);
    long peak = 0;
    short s;
    while (fread(&s, 2, 1, f) == 1)
        peak = labs((long)s) > peak ? labs((long)s) : peak;
    fclose(f);
    return peak;
}

static void test_speaks(void **state)
{
    (void)state;
    assert_int_equal(start(100), 0);
    voice_say("请将身份证放在读卡器感应区", "cmn", "signin");
    assert_true(voice_wait_idle(20000));
    voice_said h[4];
    assert_int_equal(voice_history(h, 4), 1);
    assert_false(h[0].failed);
    assert_false(h[0].cut);
    assert_int_equal(h[0].chars, 13);
    double secs = (double)h[0].frames / h[0].rate;
    assert_true(secs > 13 * 0.04 && secs < 13 * 0.6 + 2);
    assert_true(h[0].first_audio_us > 0);
    assert_string_equal(h[0].file, "00001-signin.wav");
    assert_true(peak_of(h[0].file) > 1000);     /* sound, not silence */

    /* the next utterance replaces this one: cut while it is synthesised,
     * or never started when it was still waiting */
    static char text[VOICE_TEXT_MAX];
    text[0] = 0;
    while (strlen(text) + 80 < sizeof text)
        strcat(text, "Please place your ID card on the reader, then follow the steps. ");
    voice_say(text, "en-us", "long");
    voice_say("Next.", "en-us", "next");
    assert_true(voice_wait_idle(20000));
    int n = voice_history(h, 4);
    assert_true(n == 2 || n == 3);
    if (n == 3) {
        assert_string_equal(h[1].tag, "long");
        assert_true(h[1].cut);
        assert_false(h[1].failed);
    }
    assert_false(h[n - 1].cut);
    assert_string_equal(h[n - 1].tag, "next");
    finish();
}

static void test_volume_zero_is_silent(void **state)
{
    (void)state;
    assert_int_equal(start(0), 0);
    voice_say("Silence.", "en-us", "quiet");
    assert_true(voice_wait_idle(20000));
    voice_said h[1];
    assert_int_equal(voice_history(h, 1), 1);
    assert_true(h[0].frames > 0);
    assert_int_equal(peak_of(h[0].file), 0);
    voice_set_volume(150);
    assert_int_equal(voice_volume(), 100);
    voice_set_volume(-5);
    assert_int_equal(voice_volume(), 0);
    finish();
}

static void test_hush(void **state)
{
    (void)state;
    assert_int_equal(start(60), 0);
    static char text[VOICE_TEXT_MAX];
    text[0] = 0;
    while (strlen(text) + 80 < sizeof text)
        strcat(text, "A long sentence the resident will never hear to its end. ");
    voice_say(text, "en-us", "hushed");
    voice_hush();
    assert_true(voice_wait_idle(5000));
    /* cut, or never started */
    voice_said h[1];
    int n = voice_history(h, 1);
    assert_true(n == 0 || h[0].cut);
    finish();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wav_byte_by_byte),
        cmocka_unit_test(test_wav_refused),
        cmocka_unit_test(test_wav_file_roundtrip),
        cmocka_unit_test(test_engine_table),
        cmocka_unit_test(test_speaks),
        cmocka_unit_test(test_volume_zero_is_silent),
        cmocka_unit_test(test_hush),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
