/* The application the RTOS runs: the real-time benchmark suite. */
#ifndef RTOS_APP_APP_H
#define RTOS_APP_APP_H

#include "kernel/platform.h"

/* Creates the application's threads; called before the scheduler starts. */
void app_start(const struct platform *plat);

/* Syncs the wall clock from ZVM's time base page, if the VM has one
 * (app/timesync.c), before the scheduler starts. */
void timesync_start(const struct platform *plat);
/* Keeps it synced, never returning; returns at once without a page. */
void timesync_watch(void);

/* app/net.c: the thread is made at start and polls only once net_start() is called. */
void net_init(const struct platform *plat);
void net_start(void);

#endif
