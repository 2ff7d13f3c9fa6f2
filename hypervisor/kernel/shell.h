/* The serial shell on ZVM's own core. */
#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

#include "kernel/cmd.h"

#define SHELL_PRIORITY	20		/* below device backends and tests */
#define SHELL_PROMPT	"zvm> "

/* Starts the shell thread on cpu and routes the console UART's IRQ there. */
void shell_start(unsigned cpu);
/* A cmd_io that writes to the console: for the shell and boot-time output. */
extern struct cmd_io console_io;

#endif
