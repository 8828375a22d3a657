/*
 * registry: what this kiosk is made of -- the screens at the bottom of the
 * stack, and every device and service thread. The one place a new room is
 * listed; nothing in app/ names a screen or a device.
 */
#ifndef KIOSK_REGISTRY_H
#define KIOSK_REGISTRY_H

#include "app/app.h"

/* Installs the services (app/service.h) and fills in setup's screens.
 * Call once at start, before script_load and app_init. */
void registry_setup(app_setup *setup);

#endif
