/*
 * The switch thread and its ports in ZVM.  See net_service.h.
 */
#include "net/net_service.h"

#include "drivers/board_nic.h"
#include "kernel/log.h"
#include "kernel/mutex.h"
#include "kernel/sem.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "lib/string.h"
#include "lib/zerror.h"
#include "vmm/vm.h"

/* Frames taken from one port before the others get their turn. */
#define TX_BATCH        8u
/* Frames ZVM's stack may have waiting for the switch (it answers at most one per frame). */
#define STACK_OUTBOX    8u
/* IEEE 802.1D's default ageing time; ARP entries live as long (RFC 1122 2.3.2.1). */
#define AGING_MS        (300u * 1000u)
/* The thread wakes at least this often to age the tables. */
#define AGE_INTERVAL_MS 1000u

struct outbox_frame {
	size_t len;
	uint8_t data[ETH_FRAME_MAX];
};

static struct vswitch sw;
static struct netstack stack;
static bool have_stack;
static int stack_port = -1;
static int uplink_port = -1; /* the board's NIC, when it has one */
static struct mutex lock;
static struct sem work;
static bool started;
/* Bit p: port p kicked its transmit queue.  Set on any core, taken by the thread. */
static uint32_t pending;
static struct vm_virtio_dev *vm_port[VSWITCH_MAX_PORTS];

static struct outbox_frame outbox[STACK_OUTBOX];
static unsigned outbox_count;
static uint64_t outbox_dropped;

/* net_ping(): the one echo being waited for. */
#define PING_ID           0x5a56u /* "ZV": our identifier in every request */
#define PING_DATA         56u     /* bytes of data, as ping(8)'s default */
#define PING_ARP_RETRY_MS 20u     /* between two tries while ARP resolves */
static struct mutex ping_lock;
static struct sem ping_answered;
static uint16_t ping_seq;
static bool ping_waiting;

static uint8_t batch[TX_BATCH][ETH_FRAME_MAX];
static size_t batch_len[TX_BATCH];

/* Before net_service_start() there is nothing to serialize with. */
void net_service_lock(void)
{
	if (started)
		mutex_lock(&lock, WAIT_FOREVER);
}

void net_service_unlock(void)
{
	if (started)
		mutex_unlock(&lock);
}

/* ZVM's stack answers into the outbox; the thread sends it after the frame. */
static void stack_output(void *ctx, const uint8_t *frame, size_t len)
{
	(void)ctx;
	if (outbox_count == STACK_OUTBOX || len > ETH_FRAME_MAX) {
		outbox_dropped++;
		return;
	}
	outbox[outbox_count].len = len;
	memcpy(outbox[outbox_count].data, frame, len);
	outbox_count++;
}

static int deliver_stack(void *ctx, const uint8_t *frame, size_t len)
{
	(void)ctx;
	netstack_input(&stack, frame, len, time_now());
	return 0;
}

static void flush_outbox(void)
{
	/* Answers go only to other ports: nothing comes back to the stack here. */
	for (unsigned i = 0; i < outbox_count; i++)
		vswitch_input(&sw, (unsigned)stack_port, outbox[i].data, outbox[i].len, time_now());
	outbox_count = 0;
}

/* Into a VM's receive ring, under that VM's lock only. */
static int deliver_vm(void *ctx, const uint8_t *frame, size_t len)
{
	struct vm_virtio_dev *d = ctx;
	struct vm *vm = d->vm;
	uint64_t flags = spin_lock_irqsave(&vm->lock);
	int rc = virtio_net_rx(&d->model.net, frame, len);
	uint32_t kicks = vgic_take_kicks(&vm->vgic);

	spin_unlock_irqrestore(&vm->lock, flags);
	vm_kick_vcpus(vm, kicks);
	return rc;
}

/* Up to TX_BATCH frames out of one VM's transmit ring; how many. */
static unsigned take_batch(struct vm_virtio_dev *d)
{
	struct vm *vm = d->vm;
	uint64_t flags = spin_lock_irqsave(&vm->lock);
	unsigned n = 0;

	while (n < TX_BATCH && virtio_net_tx(&d->model.net, batch[n], &batch_len[n]) > 0)
		n++;
	virtio_net_tx_done(&d->model.net);
	uint32_t kicks = vgic_take_kicks(&vm->vgic);
	spin_unlock_irqrestore(&vm->lock, flags);
	vm_kick_vcpus(vm, kicks);
	return n;
}

static void serve_port(unsigned port)
{
	struct vm_virtio_dev *d = vm_port[port];

	if (!d)
		return;
	unsigned n = take_batch(d);
	for (unsigned i = 0; i < n; i++) {
		vswitch_input(&sw, port, batch[i], batch_len[i], time_now());
		flush_outbox();
	}
	if (n == TX_BATCH) /* more may wait: after the others' turn */
		net_kick(d);
}

/* Into the board's NIC: a copy into a transmit buffer, or a drop. */
static int deliver_uplink(void *ctx, const uint8_t *frame, size_t len)
{
	(void)ctx;
	return board_nic_tx(frame, len);
}

/* A frame the NIC received, still in its receive buffer: switched now. */
static void uplink_frame(void *ctx, const uint8_t *frame, size_t len)
{
	(void)ctx;
	vswitch_input(&sw, (unsigned)uplink_port, frame, len, time_now());
	flush_outbox();
}

/* The NIC's interrupt: its port is pending (any context). */
static void uplink_kick(void)
{
	__atomic_fetch_or(&pending, 1u << uplink_port, __ATOMIC_ACQ_REL);
	sem_give(&work);
}

static void serve_uplink(void)
{
	if (board_nic_rx(uplink_frame, NULL, TX_BATCH) == TX_BATCH)
		uplink_kick(); /* more may wait: after the others' turn */
}

static void switch_thread(void *arg)
{
	(void)arg;
	for (;;) {
		sem_take(&work, ms_to_ticks(AGE_INTERVAL_MS));
		net_service_lock();
		uint32_t ports = __atomic_exchange_n(&pending, 0, __ATOMIC_ACQ_REL);
		for (unsigned p = 0; p < VSWITCH_MAX_PORTS; p++)
			if (ports & (1u << p)) {
				if ((int)p == uplink_port)
					serve_uplink();
				else
					serve_port(p);
			}
		flush_outbox();
		vswitch_age(&sw, time_now());
		net_service_unlock();
		thread_yield();
	}
}

static void echo_service(void *ctx, const struct netstack_peer *from, uint16_t to_port,
                         const uint8_t *data, size_t len)
{
	(void)ctx;
	netstack_udp_reply(&stack, from, to_port, data, len);
}

/* The stack got an echo reply (switch thread, lock held). */
static void echo_reply(void *ctx, uint32_t from, uint16_t id, uint16_t seq)
{
	(void)ctx;
	(void)from;
	if (ping_waiting && id == PING_ID && seq == ping_seq) {
		ping_waiting = false;
		sem_give(&ping_answered);
	}
}

static void start_stack(const struct net_config *cfg)
{
	netstack_init(&stack, cfg->mac, cfg->address, cfg->netmask, cfg->gateway,
	              ms_to_ticks(AGING_MS), stack_output, NULL);
	stack_port = vswitch_add_port(&sw, "zvm", cfg->mac, deliver_stack, NULL);
	if (stack_port < 0) {
		log_msg(LOG_ERROR, "net: ZVM's stack has no port: %s", zerror_name(stack_port));
		return;
	}
	have_stack = true;
	netstack_on_echo_reply(&stack, echo_reply, NULL);
	netstack_udp_bind(&stack, UDP_PORT_ECHO, echo_service, NULL);
	netstack_announce(&stack);
	flush_outbox();
	log_msg(LOG_INFO, "net: ZVM at %u.%u.%u.%u/%u on the virtual switch, UDP echo on port %u",
	        cfg->address >> 24, cfg->address >> 16 & 0xffu, cfg->address >> 8 & 0xffu,
	        cfg->address & 0xffu, (unsigned)__builtin_popcount(cfg->netmask), UDP_PORT_ECHO);
}

/* The board's NIC as the uplink: any source but a configured port's passes. */
static void start_uplink(void)
{
	if (!board_nic_present())
		return;
	int port = vswitch_add_port(&sw, "uplink", NULL, deliver_uplink, NULL);
	if (port < 0) {
		log_msg(LOG_ERROR, "net: the board's NIC has no port: %s", zerror_name(port));
		return;
	}
	uplink_port = port;
	board_nic_set_notify(uplink_kick);
	uplink_kick(); /* frames that came before the hook was set */
	log_msg(LOG_INFO, "net: the board's NIC is the switch's uplink (port %d)", port);
}

void net_service_start(const struct net_config *cfg, unsigned cpu)
{
	if (started)
		return;
	mutex_init(&lock, "net");
	mutex_init(&ping_lock, "net-ping");
	sem_init(&work, 0, 1);
	sem_init(&ping_answered, 0, 1);
	vswitch_init(&sw, ms_to_ticks(AGING_MS));
	started = true;
	net_service_lock();
	start_uplink(); /* first: the stack's announcement goes out on it */
	if (cfg && cfg->present)
		start_stack(cfg);
	net_service_unlock();
	if (!thread_create("net", switch_thread, NULL, NET_PRIORITY, cpu, 0))
		log_msg(LOG_ERROR, "net: cannot create the switch thread");
}

int net_attach(struct vm_virtio_dev *d, const char *name)
{
	if (!started)
		return -ZE_STATE;
	int port = vswitch_add_port(&sw, name, d->cfg->mac, deliver_vm, d);
	if (port < 0)
		return port;
	d->port = port;
	vm_port[port] = d;
	return 0;
}

/* d's port, if it has one (a device never started has none). */
static bool has_port(const struct vm_virtio_dev *d)
{
	return d->port >= 0 && d->port < (int)VSWITCH_MAX_PORTS && vm_port[d->port] == d;
}

void net_detach(struct vm_virtio_dev *d)
{
	if (!has_port(d))
		return;
	vswitch_remove_port(&sw, (unsigned)d->port);
	__atomic_fetch_and(&pending, ~(1u << d->port), __ATOMIC_ACQ_REL);
	vm_port[d->port] = NULL;
	d->port = -1;
}

void net_kick(struct vm_virtio_dev *d)
{
	int port = d->port;

	if (port < 0 || port >= (int)VSWITCH_MAX_PORTS)
		return;
	__atomic_fetch_or(&pending, 1u << port, __ATOMIC_ACQ_REL);
	sem_give(&work); /* -ZE_BUSY: already awake, it will see the bit */
}

struct vswitch_port_stats net_port_stats(const struct vm_virtio_dev *d)
{
	struct vswitch_port_stats none = { 0 };

	return has_port(d) ? sw.port[d->port].stats : none;
}

int net_udp_bind(uint16_t port, netstack_udp_fn recv, void *ctx)
{
	if (!have_stack)
		return -ZE_STATE;
	net_service_lock();
	int rc = netstack_udp_bind(&stack, port, recv, ctx);
	net_service_unlock();
	return rc;
}

int net_udp_send(uint32_t ip, uint16_t port, uint16_t from_port, const void *data, size_t len)
{
	if (!have_stack)
		return -ZE_STATE;
	net_service_lock();
	int rc = netstack_udp_send(&stack, ip, port, from_port, data, len, time_now());
	flush_outbox();
	net_service_unlock();
	return rc;
}

int net_udp_reply(const struct netstack_peer *to, uint16_t from_port, const void *data, size_t len)
{
	if (!have_stack)
		return -ZE_STATE;
	net_service_lock();
	int rc = netstack_udp_reply(&stack, to, from_port, data, len);
	flush_outbox();
	net_service_unlock();
	return rc;
}

/* Sends the request, resending while ARP resolves the next hop. */
static int send_ping(uint32_t ip, uint16_t seq, uint64_t deadline)
{
	for (;;) {
		net_service_lock();
		ping_seq = seq;
		ping_waiting = true;
		int rc = netstack_ping(&stack, ip, PING_ID, seq, PING_DATA, time_now());
		if (rc)
			ping_waiting = false;
		flush_outbox();
		net_service_unlock();
		if (rc != -ZE_AGAIN)
			return rc;
		if (time_now() >= deadline)
			return -ZE_TIMEOUT;
		thread_sleep(ms_to_ticks(PING_ARP_RETRY_MS));
	}
}

int net_ping(uint32_t ip, uint16_t seq, uint64_t timeout, uint64_t *rtt)
{
	if (!have_stack)
		return -ZE_STATE;
	mutex_lock(&ping_lock, WAIT_FOREVER);
	uint64_t start = time_now(), deadline = start + timeout;
	while (sem_take(&ping_answered, NO_WAIT) == 0) /* a late answer to an earlier ping */
		;
	int rc = send_ping(ip, seq, deadline);
	if (rc == 0) {
		uint64_t now = time_now();
		rc = now >= deadline ? -ZE_TIMEOUT : sem_take(&ping_answered, deadline - now);
		*rtt = time_now() - start;
	}
	net_service_lock();
	ping_waiting = false;
	net_service_unlock();
	mutex_unlock(&ping_lock);
	return rc;
}

const struct vswitch *net_switch(void)
{
	return started ? &sw : NULL;
}

const struct netstack *net_stack(void)
{
	return have_stack ? &stack : NULL;
}

uint64_t net_outbox_dropped(void)
{
	return outbox_dropped;
}
