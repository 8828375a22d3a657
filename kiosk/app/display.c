#include "app/display.h"

#include <SDL.h>
#include <stdlib.h>
#include <string.h>

/* One display to try: the SDL driver(s) and, for the message, where the
 * choice came from ("X11 display ':0' (DISPLAY)"). */
typedef struct attempt {
    const char *driver;
    const char *hint;     /* what SDL's "x11 not available" means here */
    char what[160];
    char error[256];
} attempt;

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* Drivers that open without a screen: a kiosk on them shows nothing. */
static bool pretends(const char *driver)
{
    return driver && (!strcmp(driver, "offscreen") || !strcmp(driver, "dummy"));
}

static size_t candidates(attempt *out)
{
    size_t n = 0;
    const char *forced = env("SDL_VIDEODRIVER");
    if (forced) {
        out[n].driver = forced;
        out[n].hint = NULL;
        snprintf(out[n++].what, sizeof out->what, "SDL video driver '%s' "
                 "(SDL_VIDEODRIVER)", forced);
        return n;
    }
    const char *wl = env("WAYLAND_DISPLAY"), *x = env("DISPLAY");
    if (wl) {
        out[n].driver = "wayland";
        out[n].hint = "no Wayland compositor answers on that socket in XDG_RUNTIME_DIR";
        snprintf(out[n++].what, sizeof out->what, "Wayland display '%s' "
                 "(WAYLAND_DISPLAY)", wl);
    }
    if (x) {
        out[n].driver = "x11";
        out[n].hint = "no X server answers there, or XAUTHORITY does not let this user in";
        snprintf(out[n++].what, sizeof out->what, "X11 display '%s' (DISPLAY)", x);
    }
    if (!n) {
        out[n].driver = "kmsdrm";
        out[n].hint = "no usable /dev/dri/card* (none, or this user is not in the video group)";
        snprintf(out[n++].what, sizeof out->what, "the console's KMS/DRM "
                 "display (neither DISPLAY nor WAYLAND_DISPLAY is set)");
    }
    return n;
}

static void explain(const attempt *tried, size_t n, FILE *err)
{
    fputs("kiosk: no display could be opened; the kiosk shows nothing without one.\n",
          err);
    for (size_t i = 0; i < n; i++)
        fprintf(err, "kiosk:   tried %s: %s\n", tried[i].what, tried[i].error);
    /* Only when something was set: otherwise the attempt says it already. */
    if (!env("SDL_VIDEODRIVER") && (env("WAYLAND_DISPLAY") || env("DISPLAY"))) {
        if (!env("WAYLAND_DISPLAY"))
            fputs("kiosk:   not tried: Wayland (WAYLAND_DISPLAY is not set)\n", err);
        if (!env("DISPLAY"))
            fputs("kiosk:   not tried: X11 (DISPLAY is not set)\n", err);
    }
    fputs("kiosk: check that the X or Wayland session is running and that this user\n"
          "kiosk: may use it: DISPLAY and XAUTHORITY for X, WAYLAND_DISPLAY and\n"
          "kiosk: XDG_RUNTIME_DIR for Wayland. A console-only kiosk (no X, no Wayland)\n"
          "kiosk: needs SDL_VIDEODRIVER=kmsdrm and the video and input groups, as\n"
          "kiosk: config/kiosk.service sets them.\n"
          "kiosk: to run without a screen use the headless mode:\n"
          "kiosk:   kiosk --headless --script FILE --shots DIR [--config FILE]\n",
          err);
    fprintf(err, "kiosk: exiting with status %d (no display)\n", DISPLAY_EXIT_NONE);
}

bool display_open(bool headless, FILE *err)
{
    if (headless) {
        SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
        if (SDL_InitSubSystem(SDL_INIT_VIDEO) == 0)
            return true;
        fprintf(err, "kiosk: SDL's dummy video driver did not start: %s\n",
                SDL_GetError());
        return false;
    }
    attempt tried[3];
    size_t n = candidates(tried);
    for (size_t i = 0; i < n; i++) {
        /* One driver at a time, so each failure keeps its own reason; the
         * hint is an override so a later SDL_Init never falls back. */
        SDL_SetHintWithPriority(SDL_HINT_VIDEODRIVER, tried[i].driver, SDL_HINT_OVERRIDE);
        if (SDL_InitSubSystem(SDL_INIT_VIDEO) == 0) {
            const char *got = SDL_GetCurrentVideoDriver();
            if (!pretends(got))
                return true;
            snprintf(tried[i].error, sizeof tried[i].error, "SDL driver '%s' "
                     "opens no screen", got);
            SDL_QuitSubSystem(SDL_INIT_VIDEO);
            n = i + 1;
            break;
        }
        const char *why = SDL_GetError();
        snprintf(tried[i].error, sizeof tried[i].error, "%s%s%s",
                 why && *why ? why : "did not open", tried[i].hint ? "; " : "",
                 tried[i].hint ? tried[i].hint : "");
    }
    explain(tried, n, err);
    return false;
}
