/*
 * The screens, one file each. A screen pushes another by naming its class;
 * there is no central dispatch to edit when a screen is added.
 */
#ifndef KIOSK_SCREENS_H
#define KIOSK_SCREENS_H

#include "app/screen.h"

extern const screen_class screen_home;      /* categories, search, sign-in */
extern const screen_class screen_attract;   /* idle loop of highlights */
extern const screen_class screen_category;  /* services of one category; arg = index */
extern const screen_class screen_guide;     /* one-time guide; arg = service index */
extern const screen_class screen_search;    /* keyword / pinyin search */
extern const screen_class screen_signin;    /* ID card; arg = service index or -1 */
extern const screen_class screen_form;      /* a service's form; arg = service index */
extern const screen_class screen_ticket;    /* a queue number; arg = service index */
extern const screen_class screen_appoint;   /* book a visit; arg = service index */
extern const screen_class screen_progress;  /* progress of applications */
extern const screen_class screen_certificate; /* certificate data; arg = service index */
extern const screen_class screen_rating;    /* 好差评 after a transaction; arg = service index */

#endif
