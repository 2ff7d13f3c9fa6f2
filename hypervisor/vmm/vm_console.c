/*
 * zvm console <vm>: hands the serial terminal to a VM's emulated UART.
 * What the VM printed while nobody watched is replayed from its console
 * ring first; Ctrl-] gives the terminal back to ZVM's shell.
 */
#include "kernel/console.h"
#include "kernel/shell.h"
#include "lib/string.h"
#include "vdev/term_query.h"
#include "vmm/vm.h"
#include "vmm/vm_snapshot.h"

#define REPLAY_BYTES VM_CONSOLE_BYTES /* all the ring holds */
#define DRAIN_CHUNK  128

/*
 * Typed bytes wait here while the guest's UART FIFO is full, as a UART with
 * flow control would hold them, instead of being dropped.
 */
#define PENDING_BYTES 1024

struct console_session {
	struct vm *vm;
	uint64_t pos;             /* next console-ring offset to print */
	uint64_t live_from;       /* offsets below: the replay */
	struct term_query replay; /* the replay asks the terminal nothing */
	char pending[PENDING_BYTES];
	size_t pending_len;
	bool told_dropped; /* the operator knows keys were dropped */
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

	flush_pending(s);
	if (s->pending_len < sizeof(s->pending)) {
		s->pending[s->pending_len++] = c;
		s->told_dropped = false;
	} else if (!s->told_dropped) {
		/* Never silently: a paused (or stuck) guest reads nothing. */
		kprintf("\n[zvm: '%s' is %s and not reading its console: %u typed keys wait, "
		        "more are dropped]\n",
		        s->vm->cfg.name, vm_state_name(s->vm->state), PENDING_BYTES);
		s->told_dropped = true;
	}
	flush_pending(s);
}

static bool session_waiting(void *ctx)
{
	return ((struct console_session *)ctx)->pending_len != 0;
}

/* Replayed output, terminal queries taken out (vdev/term_query.h). */
static void write_replay(struct console_session *s, const char *buf, size_t n)
{
	char out[DRAIN_CHUNK + TERM_QUERY_MAX];
	size_t w = term_query_filter(&s->replay, buf, n, out);

	if (s->pos >= s->live_from)
		w += term_query_flush(&s->replay, out + w);
	console_write(out, w);
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
		bool replay = s->pos < s->live_from;
		size_t want = replay && s->live_from - s->pos < sizeof(buf) ?
		                      (size_t)(s->live_from - s->pos) :
		                      sizeof(buf);
		uint64_t flags = spin_lock_irqsave(&s->vm->lock);
		n = console_ring_read(&s->vm->console, &s->pos, buf, want, &lost);
		spin_unlock_irqrestore(&s->vm->lock, flags);
		if (!n)
			break;
		if (replay)
			write_replay(s, buf, n);
		else
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
	session.told_dropped = false;
	session.live_from = end;
	term_query_init(&session.replay);
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
