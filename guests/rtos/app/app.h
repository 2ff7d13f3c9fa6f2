/* The application the RTOS runs: the real-time benchmark suite. */
#ifndef RTOS_APP_APP_H
#define RTOS_APP_APP_H

#include "kernel/platform.h"

/* Creates the application's threads; called before the scheduler starts. */
void app_start(const struct platform *plat);

#endif
