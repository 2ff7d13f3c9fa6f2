/*
 * zvm console <vm>: hands the serial terminal to a VM's emulated UART.
 * What the VM printed while nobody watched is replayed from its console
 * ring first; Ctrl-] gives the terminal back to ZVM's shell.
 */
#include "kernel/console.h"
#include "kernel/shell.h"
#include "lib/string.h"
#include "vmm/vm.h"
#include "vmm/vm_snapshot.h"

#define REPLAY_BYTES	VM_CONSOLE_BYTES	/* all the ring holds */
#define DRAIN_CHUNK	128

/*
 * Typed bytes wait here while the guest's UART FIFO is full, as a UART with
 * flow control would hold them, instead of being dropped.
 */
#define PENDING_BYTES	1024

struct console_session {
	struct vm *vm;
	uint64_t pos;			/* next console-ring offset to print */
	char pending[PENDING_BYTES];
	size_t pending_len;
};

static struct console_session session;

static void flush_pending(struct console_session *s)
{
	size_t taken = vm_console_input(s->vm, s->pending, s->pending_len);

	memmove(s->pending, s->pending + taken, s->pending_len - taken);
	s->pending_len -= taken;
}

static void session_input(void *ctx, char c)
{
	struct console_session *s = ctx;

	if (s->pending_len < sizeof(s->pending))
		s->pending[s->pending_len++] = c;
	flush_pending(s);
}

static bool session_waiting(void *ctx)
{
	return ((struct console_session *)ctx)->pending_len != 0;
}

static void session_drain(void *ctx)
{
	struct console_session *s = ctx;
	char buf[DRAIN_CHUNK];
	uint64_t lost = 0;
	size_t n;

	if (s->pending_len)
		flush_pending(s);
	for (;;) {
		uint64_t flags = spin_lock_irqsave(&s->vm->lock);
		n = console_ring_read(&s->vm->console, &s->pos, buf, sizeof(buf), &lost);
		spin_unlock_irqrestore(&s->vm->lock, flags);
		if (!n)
			break;
		console_write(buf, n);
	}
}

static void session_detach(void *ctx)
{
	struct console_session *s = ctx;

	s->vm->console_notify = 0;
}

static const struct shell_attachment attachment = {
	session_input, session_drain, session_detach, session_waiting, &session,
};

static int cmd_console(struct cmd_io *io, int argc, char **argv)
{
	struct vm_snapshot snap;
	struct vm *vm;

	if (argc != 2)
		return CMD_ERR_USAGE;
	if (io != &console_io) {
		cmd_printf(io, "zvm console is interactive: use it on the serial shell\n");
		return CMD_ERR_FAIL;
	}
	vm = vm_find(argv[1]);
	if (!vm || !vm_snapshot_find(argv[1], &snap)) {
		cmd_printf(io, "no VM '%s'; see 'zvm list'\n", argv[1]);
		return CMD_ERR_FAIL;
	}
	if (!snap.cfg.uart) {
		cmd_printf(io, "'%s' has no emulated UART\n", snap.cfg.name);
		return CMD_ERR_FAIL;
	}
	uint64_t flags = spin_lock_irqsave(&vm->lock);
	uint64_t end = console_ring_end(&vm->console);
	spin_unlock_irqrestore(&vm->lock, flags);
	session.vm = vm;
	session.pending_len = 0;
	session.pos = end > REPLAY_BYTES ? end - REPLAY_BYTES : 0;
	cmd_printf(io, "[console of vm %u '%s' (%s); Ctrl-] returns to ZVM]\n", snap.id,
		   snap.cfg.name, vm_state_name(snap.state));
	vm->console_notify = shell_wake;
	shell_attach(&attachment);
	shell_wake();
	return CMD_OK;
}
CMD_REGISTER(zvm_console, "zvm console", "zvm console <vm>",
	     "Attaches the terminal to a VM's console; Ctrl-] comes back.", cmd_console);
