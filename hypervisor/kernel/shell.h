/* The serial shell on ZVM's own core. */
#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

#include "kernel/cmd.h"

#define SHELL_PRIORITY 20 /* below device backends and tests */
#define SHELL_PROMPT   "zvm> "

/* Starts the shell thread on cpu and routes the console UART's IRQ there. */
void shell_start(unsigned cpu);
#define SHELL_DETACH_KEY 0x1d /* Ctrl-] */
#define SHELL_RETRY_MS   5

/* A cmd_io that writes to the console: for the shell and boot-time output. */
extern struct cmd_io console_io;

/*
 * Something the shell's terminal can be handed to (a VM's console): input
 * bytes go to it until Ctrl-], and drain runs whenever the shell wakes.
 */
struct shell_attachment {
	void (*input)(void *ctx, char c);
	void (*drain)(void *ctx);
	void (*detach)(void *ctx);
	/* True while it holds input it could not pass on yet: the shell then
	 * comes back to drain it every SHELL_RETRY_MS. */
	bool (*waiting)(void *ctx);
	void *ctx;
};

/* From a command the shell runs: takes over the terminal after it returns. */
void shell_attach(const struct shell_attachment *a);
/* Wakes the shell thread (output is waiting for an attachment). */
void shell_wake(void);
/*
 * Sees every byte the shell's own line editor would get (not those for an
 * attachment) first; true when it took the byte (the agent's serial frames).
 */
typedef bool (*shell_byte_filter)(uint8_t c);
void shell_set_byte_filter(shell_byte_filter filter);
/* Held around every registry command the shell or the agent runs. */
void shell_command_lock(void);
void shell_command_unlock(void);

/* From an attachment's drain, when its work is over: the prompt comes back. */
void shell_detach(void);

#endif
