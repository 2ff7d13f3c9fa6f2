/*
 * The network in ZVM: one thread on ZVM's core runs the virtual switch
 * (net/vswitch.c) between every VM's virtio-net device, ZVM's own stack
 * (net/netstack.c) and, when the board has one, its NIC.  Where the work
 * runs (docs/network.md):
 *
 * - A guest's transmit kick (QueueNotify, on the guest's core under its
 *   VM's lock) only marks its port pending and wakes the switch thread:
 *   an atomic OR and a semaphore, nothing held across cores.
 * - The switch thread takes a bounded batch of frames from one port under
 *   that VM's lock (a copy out of the ring), lets go, then delivers each
 *   frame: into a receiver's ring under the receiver's lock (one short
 *   copy, a dropped frame when it has no buffer), or into ZVM's stack.
 *   Never two VMs' locks at once.
 * - It runs below the shell: a flooding guest costs it its batches, never
 *   ZVM's shell, health monitor or the other guests' cores.
 *
 * The UDP API below is for ZVM's own threads (the future VisualZVM agent):
 * receive callbacks run on the switch thread and must not block.
 */
#ifndef NET_NET_SERVICE_H
#define NET_NET_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include "net/netstack.h"
#include "net/vswitch.h"
#include "vmm/vm_config.h"

/* Below the shell (20): networking yields to the operator. */
#define NET_PRIORITY 24

/* Brings the switch up with ZVM's stack on it as configured (or none), on cpu. */
void net_service_start(const struct net_config *cfg, unsigned cpu);

struct vm_virtio_dev;
/* Serializes with the switch thread: device set-up and removal only. */
void net_service_lock(void);
void net_service_unlock(void);
/* Adds a VM's net device as a port (lock held); -ZE_* on failure. */
int net_attach(struct vm_virtio_dev *d, const char *name);
/* Takes the device's port away (lock held): nothing reaches it after. */
void net_detach(struct vm_virtio_dev *d);
/* The guest kicked its transmit queue (any core, any context). */
void net_kick(struct vm_virtio_dev *d);

/* A port's switch counters, read racily for display. */
struct vswitch_port_stats net_port_stats(const struct vm_virtio_dev *d);

/*
 * One ICMP echo from ZVM's stack to ip (a thread; sleeps up to timeout
 * ticks, ARP included): 0 with the round trip in *rtt (ticks), -ZE_TIMEOUT
 * (no answer), -ZE_STATE (no stack), -ZE_INVAL (no route).  One ping at a
 * time (a mutex); seq tells the answers apart.
 */
int net_ping(uint32_t ip, uint16_t seq, uint64_t timeout, uint64_t *rtt);

/* For `net`: the switch and the stack (NULL when unconfigured); lock held. */
const struct vswitch *net_switch(void);
const struct netstack *net_stack(void);
uint64_t net_outbox_dropped(void);

/* UDP for ZVM's threads: netstack.h's API under the switch's lock. */
int net_udp_bind(uint16_t port, netstack_udp_fn recv, void *ctx);
int net_udp_send(uint32_t ip, uint16_t port, uint16_t from_port, const void *data, size_t len);
/* Answers a datagram's sender (the MAC it came from: no ARP): 0 or -ZE_*. */
int net_udp_reply(const struct netstack_peer *to, uint16_t from_port, const void *data, size_t len);

#endif
