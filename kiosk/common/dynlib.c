#include "dynlib.h"

#include <dlfcn.h>
#include <stdio.h>

void *dynlib_load(const char *soname, const char *package, const dynlib_symbol *syms,
                  size_t n, char *err, size_t err_size)
{
    /* RTLD_LOCAL: the engines' own dependencies stay out of the kiosk's
     * symbol space; never closed, since unloading C++ libraries with
     * static state (glog, Boost) at exit is a known source of crashes. */
    void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *why = dlerror();
        snprintf(err, err_size, "cannot load %s%s%s%s: %s", soname,
                 package ? " (Debian package " : "", package ? package : "",
                 package ? ")" : "", why ? why : "not found");
        return NULL;
    }
    void *found[64];
    if (n > sizeof found / sizeof *found) {
        snprintf(err, err_size, "%s: too many symbols to bind", soname);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        dlerror();
        found[i] = dlsym(lib, syms[i].name);
        if (!found[i]) {
            snprintf(err, err_size, "%s has no %s (an incompatible version?)", soname,
                     syms[i].name);
            return NULL;
        }
    }
    for (size_t i = 0; i < n; i++)
        *syms[i].slot = found[i];
    return lib;
}
