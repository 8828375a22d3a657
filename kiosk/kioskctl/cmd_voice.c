/*
 * kioskctl voice test: the speech path checked by a technician, on the
 * kiosk itself -- the engine, each language's voice, and the sound device
 * (or a WAV file, on a machine without one).
 *
 *   kioskctl voice test [--lang LANG] [--wav FILE] [--config FILE]
 *
 * Speaks each configured language's voice.test sentence (or LANG's only)
 * at the configured volume (keypad_volume when that is 0) and says per
 * language what came out: characters, seconds of sound, time to the first
 * sound. Exit 0 when every language spoke; 1 when the voice is switched
 * off, the engine is missing, a voice failed or there is no sound device;
 * 2 for usage or an unreadable config.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n/i18n.h"
#include "kioskctl/commands.h"
#include "preflight/preflight.h"
#include "voice/voice.h"

static int usage(void)
{
    fprintf(stderr, "usage: kioskctl voice test [--lang LANG] [--wav FILE] [--config FILE]\n");
    return 2;
}

/* Moves the one WAV file in dir to path (several languages: path with
 * "-LANG" before ".wav"). */
static bool keep_wav(const char *dir, const char *file, const char *path, const char *lang,
                     bool several)
{
    char from[1200], to[1200];
    snprintf(from, sizeof from, "%s/%s", dir, file);
    if (several) {
        const char *dot = strrchr(path, '.');
        int stem = dot ? (int)(dot - path) : (int)strlen(path);
        snprintf(to, sizeof to, "%.*s-%s%s", stem, path, lang, dot ? dot : ".wav");
    } else {
        snprintf(to, sizeof to, "%s", path);
    }
    if (rename(from, to) == 0) {
        printf("  written to %s\n", to);
        return true;
    }
    /* another file system: copy */
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    bool ok = in && out;
    char buf[65536];
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
        ok = fwrite(buf, 1, n, out) == n;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        ok = false;
    unlink(from);
    if (ok)
        printf("  written to %s\n", to);
    return ok;
}

static int voice_test(const char *config, const char *only, const char *wav)
{
    settings s;
    if (!cmd_print_config(config, &s))
        return 2;
    int status = 1;
    char dir[] = "/tmp/kioskctl-voice.XXXXXX";
    bool have_dir = false;
    if (!s.voice_enabled) {
        fprintf(stderr, "kioskctl voice: switched off ([voice] enabled = no in %s)\n", config);
        goto out;
    }
    if (!cmd_strings_load(&s))
        goto out;
    if (wav && !(have_dir = mkdtemp(dir) != NULL)) {
        perror("kioskctl voice: mkdtemp");
        goto out;
    }
    int volume = s.voice_volume ? s.voice_volume : s.voice_keypad_volume;
    voice_setup vs = {.command = s.voice_engine, .rate = s.voice_rate, .volume = volume,
                      .audio = wav == NULL, .wav_dir = wav ? dir : NULL};
    char why[300];
    if (!voice_start(&vs, why, sizeof why)) {
        fprintf(stderr, "kioskctl voice: %s\n", why);
        goto out;
    }
    printf("voice: %s, %d words a minute, volume %d%s\n", s.voice_engine, s.voice_rate, volume,
           s.voice_volume ? "" : " (keypad_volume: the kiosk starts silent)");
    int n_langs = 0, spoken = 0;
    for (int i = 0; i < s.n_langs; i++) {
        const char *lang = s.langs[i];
        if (only && strcmp(only, lang))
            continue;
        n_langs++;
        const char *engine_voice = tr_lang(lang, "voice.engine_voice");
        uint32_t seq = voice_next_seq();
        voice_say(tr_lang(lang, "voice.test"), engine_voice, lang);
        if (!voice_wait_idle(60000)) {
            printf("  %s (%s): FAIL: not done within 60 s\n", lang, engine_voice);
            continue;
        }
        voice_said h[1];
        if (voice_history(h, 1) != 1 || h[0].seq < seq || h[0].failed || !h[0].rate) {
            printf("  %s (%s): FAIL: the engine made no sound (is the voice installed? "
                   "espeak-ng --voices=%s)\n", lang, engine_voice, lang);
            continue;
        }
        bool heard = wav || voice_audio_ok(why, sizeof why);
        printf("  %s (%s): %zu characters, %.1f s of sound, first sound after %.0f ms: %s%s\n",
               lang, engine_voice, h[0].chars, (double)h[0].frames / h[0].rate,
               h[0].first_audio_us / 1000.0, heard ? "OK" : "FAIL: no sound device: ",
               heard ? "" : why);
        if (!heard)
            continue;
        if (wav && !keep_wav(dir, h[0].file, wav, lang, !only && s.n_langs > 1)) {
            printf("  %s: FAIL: cannot write %s\n", lang, wav);
            continue;
        }
        spoken++;
    }
    if (!wav && !voice_audio_ok(why, sizeof why))
        printf("(--wav FILE checks the engine without a sound device)\n");
    voice_stop();
    if (only && !n_langs)
        fprintf(stderr, "kioskctl voice: %s is not one of [ui] languages\n", only);
    else if (spoken == n_langs)
        status = 0;
out:
    if (have_dir)
        rmdir(dir);
    i18n_unload();
    settings_free(&s);
    return status;
}

int cmd_voice(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "test"))
        return usage();
    const char *config = NULL, *lang = NULL, *wav = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--config") && i + 1 < argc)
            config = argv[++i];
        else if (!strcmp(argv[i], "--lang") && i + 1 < argc)
            lang = argv[++i];
        else if (!strcmp(argv[i], "--wav") && i + 1 < argc)
            wav = argv[++i];
        else
            return usage();
    }
    return voice_test(config ? config : preflight_default_path(), lang, wav);
}
