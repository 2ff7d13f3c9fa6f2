/*
 * The RTOS on the network: its virtio-net device (drivers/virtio_net.c)
 * with ZVM's portable ARP/IPv4/ICMP echo/UDP stack (hypervisor/net/
 * netstack*.c, the same code ZVM's own address answers with), configured
 * by bootargs "net=<address>/<prefix>[,<gateway>]".  It answers ARP and
 * ping, serves UDP echo (RFC 862, port 7), and with "net-echo=<address>"
 * sends ECHO_COUNT datagrams to that address's echo port at start and
 * reports how many came back and their round trips.
 *
 * Polled, from one thread just above the controller (the VM is
 * direct-irq: the device's interrupt cannot reach it).  The thread starts
 * only after the benchmark suite, so the suite runs as without a network;
 * after it, one poll every NET_POLL_US costs a timer interrupt, a switch
 * to this thread and two loads of the used rings when nothing came in.
 * That cost, from the poll's deadline to its end, is measured over
 * BENCH_SAMPLES idle polls and printed once as {"bench":"net_poll_idle",...}.
 *
 * Console lines (JSON, as the rest of the RTOS's output):
 *   {"rtos":"net","mac":"..","address":"a.b.c.d/p","device":"0x.."}
 *   {"rtos":"net","echo":"a.b.c.d","sent":N,"received":R,"rtt_max_ns":..}
 */
#include "app/app.h"
#include "app/bench.h"
#include "app/net_addr.h"
#include "drivers/timer.h"
#include "drivers/virtio_net.h"
#include "kernel/console.h"
#include "kernel/sched.h"
#include "kernel/sem.h"
#include "lib/format.h"
#include "lib/string.h"
#include "lib/zerror.h"
#include "net/netstack.h"

#define PRIO_NET          (PRIO_LOWEST - 2) /* above the controller's time watch */
#define NET_POLL_US       1000u
#define NET_ARP_TIMEOUT_S 300u /* as ZVM's stack: 802.1D's ageing time */
#define ECHO_COUNT        5u
#define ECHO_TIMEOUT_MS   5000u  /* generous: the host may stall QEMU */
#define ECHO_LOCAL_PORT   40007u /* our side of the echo probe */
#define ECHO_MSG_MAX      32u
#define US_PER_S          1000000u
#define MS_PER_S          1000u

static struct vnet dev;
static struct netstack stack;
static struct semaphore go;
static struct thread net_thread;
static uint8_t net_stack_mem[BENCH_STACK_SIZE] __attribute__((aligned(16)));
static const struct platform *plat;

/* The echo probe's reply: the sequence number it carried, when it is ours. */
static volatile int echo_seen = -1;

static void stack_output(void *ctx, const uint8_t *frame, size_t len)
{
	(void)ctx;
	vnet_send(&dev, frame, len); /* a full ring drops it, counted as tx_busy */
}

static void frame_input(void *ctx, const uint8_t *frame, size_t len)
{
	(void)ctx;
	netstack_input(&stack, frame, len, timer_now());
}

/* RFC 862: whatever comes in goes back. */
static void echo_service(void *ctx, const struct netstack_peer *from, uint16_t to_port,
                         const uint8_t *data, size_t len)
{
	(void)ctx;
	netstack_udp_reply(&stack, from, to_port, data, len);
}

static void echo_reply(void *ctx, const struct netstack_peer *from, uint16_t to_port,
                       const uint8_t *data, size_t len)
{
	char want[ECHO_MSG_MAX];
	int n = fmt_snprintf(want, sizeof(want), "rtos-echo-%d", *(int *)ctx);

	(void)from;
	(void)to_port;
	if (n > 0 && len == (size_t)n && !memcmp(data, want, len))
		echo_seen = *(int *)ctx;
}

#define IPV4_TEXT_MAX 16 /* "255.255.255.255" and its NUL */

static const char *ipv4_text(char buf[IPV4_TEXT_MAX], uint32_t ip)
{
	fmt_snprintf(buf, IPV4_TEXT_MAX, "%u.%u.%u.%u", (unsigned)(ip >> 24),
	             (unsigned)(ip >> 16 & 0xffu), (unsigned)(ip >> 8 & 0xffu),
	             (unsigned)(ip & 0xffu));
	return buf;
}

/* One datagram to peer's echo port and its answer, busy-polled: its round trip, or 0. */
static uint64_t echo_once(uint32_t peer, int seq)
{
	static int expect;
	char msg[ECHO_MSG_MAX];
	int len = fmt_snprintf(msg, sizeof(msg), "rtos-echo-%d", seq);
	uint64_t start = timer_now(), sent = 0;
	uint64_t limit = start + ECHO_TIMEOUT_MS * timer_frequency() / MS_PER_S;

	expect = seq;
	echo_seen = -1;
	netstack_udp_unbind(&stack, ECHO_LOCAL_PORT);
	netstack_udp_bind(&stack, ECHO_LOCAL_PORT, echo_reply, &expect);
	while (timer_now() < limit) {
		if (!sent) {
			/* -ZE_AGAIN: its MAC is being asked for by ARP; try again. */
			int rc = netstack_udp_send(&stack, peer, UDP_PORT_ECHO, ECHO_LOCAL_PORT,
			                           (const uint8_t *)msg, (size_t)len, timer_now());
			if (rc == 0)
				sent = timer_now();
			else if (rc != -ZE_AGAIN)
				return 0;
		}
		vnet_poll(&dev, frame_input, NULL);
		if (echo_seen == seq)
			return timer_now() - sent;
		if (!sent)
			thread_sleep(NET_POLL_US * timer_frequency() / US_PER_S);
	}
	return 0;
}

static void echo_probe(const char *arg)
{
	uint32_t peer;
	unsigned received = 0;
	uint64_t worst = 0;

	if (!net_parse_ipv4(arg, NULL, &peer)) {
		kprintf("{\"rtos\":\"net\",\"error\":\"bad net-echo address\"}\n");
		return;
	}
	for (unsigned i = 0; i < ECHO_COUNT; i++) {
		uint64_t rtt = echo_once(peer, (int)i);
		if (rtt) {
			received++;
			worst = rtt > worst ? rtt : worst;
		}
	}
	char ip[IPV4_TEXT_MAX];
	kprintf("{\"rtos\":\"net\",\"echo\":\"%s\",\"sent\":%u,\"received\":%u,"
	        "\"rtt_max_ns\":%llu}\n",
	        ipv4_text(ip, peer), ECHO_COUNT, received,
	        (unsigned long long)ticks_to_ns(worst, timer_frequency()));
}

/* The first virtio,mmio window with a virtio-net behind it. */
static bool find_device(uint64_t *base)
{
	for (uint32_t i = 0; i < plat->virtio_count; i++) {
		if (vnet_probe(&dev, plat->virtio_base[i]) == 0) {
			*base = plat->virtio_base[i];
			return true;
		}
	}
	return false;
}

static bool net_up(void)
{
	struct net_addr a;
	uint64_t base;

	if (!net_parse_addr(plat->net_arg, &a)) {
		kprintf("{\"rtos\":\"net\",\"error\":\"bad net= bootarg\"}\n");
		return false;
	}
	if (!find_device(&base)) {
		kprintf("{\"rtos\":\"net\",\"error\":\"no virtio-net device\"}\n");
		return false;
	}
	netstack_init(&stack, dev.mac, a.ip, a.netmask, a.gateway,
	              (uint64_t)NET_ARP_TIMEOUT_S * timer_frequency(), stack_output, NULL);
	netstack_udp_bind(&stack, UDP_PORT_ECHO, echo_service, NULL);
	netstack_announce(&stack);
	char ip[IPV4_TEXT_MAX];
	kprintf("{\"rtos\":\"net\",\"mac\":\"%02x:%02x:%02x:%02x:%02x:%02x\","
	        "\"address\":\"%s/%u\",\"device\":\"0x%llx\"}\n",
	        dev.mac[0], dev.mac[1], dev.mac[2], dev.mac[3], dev.mac[4], dev.mac[5],
	        ipv4_text(ip, a.ip), (unsigned)__builtin_popcount(a.netmask),
	        (unsigned long long)base);
	return true;
}

static void net_main(void *arg)
{
	static struct bench_stats idle_cost;
	uint64_t period = NET_POLL_US * timer_frequency() / US_PER_S;
	bool reported = false;

	(void)arg;
	sem_take(&go, TIMEOUT_FOREVER);
	if (!net_up())
		return;
	if (plat->net_echo_arg[0])
		echo_probe(plat->net_echo_arg);
	stats_init(&idle_cost, BENCH_WARMUP, BENCH_SAMPLES);
	for (uint64_t deadline = timer_now() + period;; deadline += period) {
		thread_sleep_until(deadline);
		if (vnet_poll(&dev, frame_input, NULL) == 0)
			stats_add(&idle_cost, timer_now() - deadline);
		if (!reported && stats_full(&idle_cost)) {
			bench_report("net_poll_idle", &idle_cost);
			reported = true;
		}
		/* Late (a long stretch of frames): the next poll is a period from now. */
		if (timer_now() > deadline + period)
			deadline = timer_now();
	}
}

void net_start(void)
{
	sem_give(&go);
}

void net_init(const struct platform *p)
{
	plat = p;
	if (!p->net_arg[0])
		return; /* no network asked for: no thread */
	sem_init(&go, 0, 1);
	thread_create(&net_thread, "net", net_main, NULL, PRIO_NET, net_stack_mem,
	              sizeof(net_stack_mem));
}
