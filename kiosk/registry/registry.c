#include "registry.h"

#include "app/speech.h"
#include "devices/idreader.h"
#include "devices/printer.h"
#include "outbox/outbox.h"
#include "platform/online.h"
#include "platform/uploader.h"
#include "screens/rating_prompt.h"
#include "screens/receipt_ui.h"
#include "screens/screens.h"

/* Every device and service thread of the kiosk, started in this order and
 * stopped in reverse. Adding one is its file and one line here. */
static const app_service *const services[] = {
    &speech_service,
    &idreader_service,
    &outbox_service,
    &uploader_service,
    &online_service,
    &printer_service,
    &receipt_service,
    &rating_service,
};

void registry_setup(app_setup *setup)
{
    service_install(services, sizeof services / sizeof *services);
    setup->home = &screen_home;
    setup->attract = &screen_attract;
    setup->help_form = &screen_form;
}
