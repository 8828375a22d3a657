/*
 * voice: the speech thread (see voice.h).
 */
#include "voice/voice.h"

#include <SDL.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/utf8.h"
#include "voice/voice_engine.h"
#include "voice/voice_wav.h"

#define HISTORY 64
/* How much sound may wait in the device's queue: enough that a busy
 * moment of the machine never starves it, little enough that a volume
 * change or a hush is heard at once. */
#define QUEUE_AHEAD_MS 250
#define POLL_MS 20

typedef struct request {
    char text[VOICE_TEXT_MAX + 1];
    char engine_voice[24];
    char tag[VOICE_TAG_MAX];
    uint64_t asked_us;
} request;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;        /* a request, a hush or quit; and "idle" */
    pthread_t thread;
    bool running, quit;
    const voice_engine *engine;
    char engine_path[512];
    int rate;
    bool audio;
    char wav_dir[512];

    request pending;
    bool has_pending;
    bool busy;                  /* an utterance is being spoken */
    uint64_t gen;               /* bumped by every say and hush: the thread
                                   drops an utterance whose gen is old */
    int volume;

    /* the thread's own */
    SDL_AudioDeviceID dev;
    voice_wav_format dev_fmt;
    bool audio_failed;
    char audio_why[160];

    voice_said history[HISTORY];
    int n_history, history_at;
    uint32_t seq;
} V = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {0, (long)ms * 1000000L};
    while (nanosleep(&ts, &ts) && errno == EINTR) {
    }
}

/* The volume as a gain in 1/65536: a square law, so that each step of the
 * control sounds like the same step. */
static int32_t gain_of(int volume)
{
    return (int32_t)((int64_t)volume * volume * 65536 / 10000);
}

static bool current(uint64_t gen)
{
    pthread_mutex_lock(&V.lock);
    bool same = V.gen == gen && !V.quit;
    pthread_mutex_unlock(&V.lock);
    return same;
}

/* ---- sound device (the thread's only) ------------------------------------ */

static bool device_for(voice_wav_format fmt)
{
    if (!V.audio || V.audio_failed)
        return false;
    if (V.dev && V.dev_fmt.rate == fmt.rate && V.dev_fmt.channels == fmt.channels)
        return true;
    if (V.dev) {
        SDL_CloseAudioDevice(V.dev);
        V.dev = 0;
    }
    SDL_AudioSpec want = {0}, have;
    want.freq = fmt.rate;
    want.format = AUDIO_S16SYS;
    want.channels = (Uint8)fmt.channels;
    want.samples = 1024;
    /* no allowed changes: SDL converts to whatever the device takes */
    V.dev = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
    if (!V.dev) {
        pthread_mutex_lock(&V.lock);
        V.audio_failed = true;
        snprintf(V.audio_why, sizeof V.audio_why, "%s", SDL_GetError());
        pthread_mutex_unlock(&V.lock);
        SDL_Log("voice: no sound device (%s); speech goes nowhere", V.audio_why);
        return false;
    }
    V.dev_fmt = fmt;
    SDL_PauseAudioDevice(V.dev, 0);
    return true;
}

/* Waits until the device holds at most QUEUE_AHEAD_MS of sound (or all of
 * it played, ahead = 0); false when the utterance was replaced meanwhile. */
static bool drain_to(uint64_t gen, int ahead_ms)
{
    if (!V.dev)
        return current(gen);
    Uint32 bytes_per_ms = (Uint32)(V.dev_fmt.rate * V.dev_fmt.channels * 2 / 1000);
    while (SDL_GetQueuedAudioSize(V.dev) > (Uint32)ahead_ms * bytes_per_ms) {
        if (!current(gen))
            return false;
        sleep_ms(POLL_MS);
    }
    return current(gen);
}

/* ---- one utterance ------------------------------------------------------- */

static void file_name(char *out, size_t size, uint32_t seq, const char *tag)
{
    char safe[VOICE_TAG_MAX];
    size_t n = 0;
    for (const char *p = tag; *p && n + 1 < sizeof safe; p++)
        safe[n++] = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
                            *p == '_'
                        ? *p
                        : '_';
    safe[n] = 0;
    snprintf(out, size, "%05u-%s.wav", (unsigned)seq, n ? safe : "speech");
}

/* Headless runs also list every utterance in wav_dir/speech.tsv, one line
 * each (no text: the counts a test checks the WAV files against). */
static void manifest(const voice_said *s)
{
    char path[600];
    snprintf(path, sizeof path, "%s/speech.tsv", V.wav_dir);
    FILE *f = fopen(path, "a");
    if (!f)
        return;
    fprintf(f, "%u\t%s\t%s\t%zu\t%d\t%d\t%llu\t%s\t%llu\t%s\n", (unsigned)s->seq, s->tag,
            s->engine_voice, s->chars, s->rate, s->channels, (unsigned long long)s->frames,
            s->failed ? "failed" : s->cut ? "cut" : "done",
            (unsigned long long)s->first_audio_us, s->file[0] ? s->file : "-");
    fclose(f);
}

static void remember(const voice_said *s)
{
    if (V.wav_dir[0])
        manifest(s);
    pthread_mutex_lock(&V.lock);
    V.history[V.history_at] = *s;
    V.history_at = (V.history_at + 1) % HISTORY;
    if (V.n_history < HISTORY)
        V.n_history++;
    pthread_mutex_unlock(&V.lock);
}

static void speak(request *rq, uint64_t gen)
{
    voice_said said = {0};
    pthread_mutex_lock(&V.lock);
    said.seq = ++V.seq;
    pthread_mutex_unlock(&V.lock);
    snprintf(said.tag, sizeof said.tag, "%s", rq->tag);
    snprintf(said.engine_voice, sizeof said.engine_voice, "%s", rq->engine_voice);
    said.chars = utf8_length(rq->text);

    voice_proc p;
    char why[200];
    if (!voice_proc_start(&p, V.engine, V.engine_path, rq->engine_voice, V.rate, rq->text, why,
                          sizeof why)) {
        SDL_Log("voice: %s", why);
        said.failed = true;
        remember(&said);
        return;
    }
    voice_wav_reader hdr = {0};
    FILE *wav = NULL;
    uint32_t wav_bytes = 0;
    unsigned char buf[4096 + 1];
    size_t carry = 0;           /* an odd byte left from the last read */
    bool cut = false, bad = false;
    for (;;) {
        if (!current(gen)) {
            cut = true;
            break;
        }
        long r = voice_proc_read(&p, buf + carry, sizeof buf - 1 - carry, POLL_MS * 2);
        if (r == -2)
            continue;
        if (r <= 0) {
            bad = r < 0;
            break;
        }
        size_t have = carry + (size_t)r, at = carry;
        carry = 0;
        if (!hdr.done) {
            long h = voice_wav_feed(&hdr, buf + at, have - at, why, sizeof why);
            if (h < 0) {
                SDL_Log("voice: the engine's output: %s", why);
                bad = true;
                break;
            }
            at += (size_t)h;
            if (!hdr.done)
                continue;
            said.rate = hdr.fmt.rate;
            said.channels = hdr.fmt.channels;
            if (V.wav_dir[0]) {
                char path[600];
                file_name(said.file, sizeof said.file, said.seq, said.tag);
                snprintf(path, sizeof path, "%s/%s", V.wav_dir, said.file);
                wav = fopen(path, "wb");
                if (!wav || !voice_wav_begin(wav, hdr.fmt)) {
                    SDL_Log("voice: cannot write %s", path);
                    if (wav)
                        fclose(wav);
                    wav = NULL;
                    said.file[0] = 0;
                }
            }
            device_for(hdr.fmt);
        }
        size_t n = have - at;
        unsigned char odd = 0;
        if (n & 1u) {           /* keep whole 16-bit samples */
            carry = 1;
            n--;
            odd = buf[at + n];
        }
        if (n) {
            pthread_mutex_lock(&V.lock);
            int32_t gain = gain_of(V.volume);
            pthread_mutex_unlock(&V.lock);
            int16_t *s = (int16_t *)(void *)(buf + at);
            size_t count = n / 2;
            /* buf + at may be odd after a header of odd length: copy down */
            if ((uintptr_t)s & 1u) {
                memmove(buf, buf + at, n);
                s = (int16_t *)(void *)buf;
                at = 0;
            }
            for (size_t i = 0; i < count; i++)
                s[i] = (int16_t)(((int32_t)s[i] * gain) >> 16);
            if (!said.first_audio_us) {
                said.first_audio_at_us = now_us();
                said.first_audio_us = said.first_audio_at_us - rq->asked_us;
            }
            said.frames += count / (size_t)(said.channels ? said.channels : 1);
            if (wav && fwrite(s, 1, n, wav) == n)
                wav_bytes += (uint32_t)n;
            if (V.dev) {
                SDL_QueueAudio(V.dev, s, (Uint32)n);
                if (!drain_to(gen, QUEUE_AHEAD_MS)) {
                    cut = true;
                    break;
                }
            }
        }
        if (carry)
            buf[0] = odd;
    }
    if (!cut && !bad && V.dev)
        cut = !drain_to(gen, 0);    /* busy until it was heard */
    if (cut && V.dev)
        SDL_ClearQueuedAudio(V.dev);
    int status = voice_proc_end(&p, cut || bad);
    if (!cut && !bad && status != 0) {
        SDL_Log("voice: the engine ended with status %d", status);
        bad = true;
    }
    if (wav) {
        voice_wav_finish(wav, wav_bytes);
        fclose(wav);
    }
    said.cut = cut;
    /* cut before its first sound is still cut, not an engine failure */
    said.failed = bad || (!cut && !hdr.done);
    remember(&said);
}

static void *thread_main(void *unused)
{
    (void)unused;
    /* the request copied out of the shared slot; wiped after each use */
    request *rq = malloc(sizeof *rq);
    if (!rq)
        return NULL;
    pthread_mutex_lock(&V.lock);
    for (;;) {
        while (!V.has_pending && !V.quit)
            pthread_cond_wait(&V.cond, &V.lock);
        if (V.quit)
            break;
        *rq = V.pending;
        explicit_bzero(&V.pending, sizeof V.pending);
        V.has_pending = false;
        V.busy = true;
        uint64_t gen = V.gen;
        pthread_mutex_unlock(&V.lock);

        speak(rq, gen);
        explicit_bzero(rq, sizeof *rq);

        pthread_mutex_lock(&V.lock);
        V.busy = false;
        pthread_cond_broadcast(&V.cond);
    }
    pthread_mutex_unlock(&V.lock);
    if (V.dev) {
        SDL_CloseAudioDevice(V.dev);
        V.dev = 0;
    }
    free(rq);
    return NULL;
}

/* ---- the UI thread's side ------------------------------------------------- */

bool voice_start(const voice_setup *s, char *why, size_t why_size)
{
    if (V.running)
        return true;
    const voice_engine *e = voice_engine_find(s->command);
    if (!e) {
        snprintf(why, why_size, "unknown speech engine '%s' (known: espeak-ng, espeak)",
                 s->command);
        return false;
    }
    char path[512];
    if (!voice_engine_locate(s->command, path, sizeof path)) {
        snprintf(why, why_size, "speech engine '%s' not found (Debian package espeak-ng)",
                 s->command);
        return false;
    }
    pthread_mutex_lock(&V.lock);
    V.engine = e;
    snprintf(V.engine_path, sizeof V.engine_path, "%s", path);
    V.rate = s->rate;
    V.volume = s->volume < 0 ? 0 : s->volume > 100 ? 100 : s->volume;
    V.audio = s->audio;
    V.audio_failed = false;
    V.audio_why[0] = 0;
    snprintf(V.wav_dir, sizeof V.wav_dir, "%s", s->wav_dir ? s->wav_dir : "");
    V.quit = false;
    V.has_pending = false;
    V.busy = false;
    V.n_history = V.history_at = 0;
    V.seq = 0;
    pthread_mutex_unlock(&V.lock);
    if (s->audio && SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        V.audio_failed = true;
        snprintf(V.audio_why, sizeof V.audio_why, "%s", SDL_GetError());
        SDL_Log("voice: no sound (%s)", V.audio_why);
    }
    int rc = pthread_create(&V.thread, NULL, thread_main, NULL);
    if (rc) {
        snprintf(why, why_size, "speech thread: %s", strerror(rc));
        if (s->audio)
            SDL_QuitSubSystem(SDL_INIT_AUDIO);
        return false;
    }
    V.running = true;
    return true;
}

void voice_stop(void)
{
    if (!V.running)
        return;
    pthread_mutex_lock(&V.lock);
    V.quit = true;
    V.gen++;
    pthread_cond_broadcast(&V.cond);
    pthread_mutex_unlock(&V.lock);
    pthread_join(V.thread, NULL);
    V.running = false;
    explicit_bzero(&V.pending, sizeof V.pending);
    if (V.audio)
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
}

bool voice_running(void)
{
    return V.running;
}

bool voice_audio_ok(char *why, size_t why_size)
{
    pthread_mutex_lock(&V.lock);
    bool ok = !(V.audio && V.audio_failed);
    if (!ok && why)
        snprintf(why, why_size, "%s", V.audio_why);
    pthread_mutex_unlock(&V.lock);
    return ok;
}

void voice_say(const char *text, const char *engine_voice, const char *tag)
{
    if (!V.running || !text)
        return;
    pthread_mutex_lock(&V.lock);
    request *rq = &V.pending;
    /* cut on a character boundary */
    size_t len = strlen(text);
    if (len > VOICE_TEXT_MAX) {
        len = VOICE_TEXT_MAX;
        while (len && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--;
    }
    memcpy(rq->text, text, len);
    rq->text[len] = 0;
    snprintf(rq->engine_voice, sizeof rq->engine_voice, "%s", engine_voice);
    snprintf(rq->tag, sizeof rq->tag, "%s", tag ? tag : "");
    rq->asked_us = now_us();
    V.has_pending = true;
    V.gen++;
    pthread_cond_broadcast(&V.cond);
    pthread_mutex_unlock(&V.lock);
}

void voice_hush(void)
{
    if (!V.running)
        return;
    pthread_mutex_lock(&V.lock);
    explicit_bzero(&V.pending, sizeof V.pending);
    V.has_pending = false;
    V.gen++;
    pthread_mutex_unlock(&V.lock);
}

void voice_set_volume(int volume)
{
    pthread_mutex_lock(&V.lock);
    V.volume = volume < 0 ? 0 : volume > 100 ? 100 : volume;
    pthread_mutex_unlock(&V.lock);
}

int voice_volume(void)
{
    pthread_mutex_lock(&V.lock);
    int v = V.volume;
    pthread_mutex_unlock(&V.lock);
    return v;
}

bool voice_wait_idle(int timeout_ms)
{
    if (!V.running)
        return true;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&V.lock);
    bool idle = true;
    while (V.has_pending || V.busy) {
        if (pthread_cond_timedwait(&V.cond, &V.lock, &until) == ETIMEDOUT) {
            idle = !V.has_pending && !V.busy;
            break;
        }
    }
    pthread_mutex_unlock(&V.lock);
    return idle;
}

int voice_history(voice_said *out, int max)
{
    pthread_mutex_lock(&V.lock);
    int n = V.n_history < max ? V.n_history : max;
    int first = (V.history_at - n + HISTORY) % HISTORY;
    for (int i = 0; i < n; i++)
        out[i] = V.history[(first + i) % HISTORY];
    pthread_mutex_unlock(&V.lock);
    return n;
}

uint32_t voice_next_seq(void)
{
    pthread_mutex_lock(&V.lock);
    uint32_t s = V.seq + 1;
    pthread_mutex_unlock(&V.lock);
    return s;
}
