/*
 * A VM's RAM as a device backend sees it: the guest-physical window and
 * where ZVM reaches the same bytes (EL2 maps RAM one to one, so host is the
 * physical address; on the host, a test's buffer).  Every guest-given
 * address a backend follows goes through guest_ram_ptr(), which answers
 * NULL unless the whole range lies inside this VM's RAM: a guest can name
 * only memory it owns.
 *
 * Portable: header only, used by ZVM, the unit tests and the fuzzers.
 */
#ifndef VDEV_GUEST_RAM_H
#define VDEV_GUEST_RAM_H

#include <stddef.h>
#include <stdint.h>

struct guest_ram {
	uint64_t base; /* guest-physical address of the first byte */
	uint64_t size; /* bytes */
	uint8_t *host; /* where ZVM reads and writes the first byte */
};

/* The host address of [ipa, ipa + len), or NULL if any byte is outside. */
static inline void *guest_ram_ptr(const struct guest_ram *ram, uint64_t ipa, uint64_t len)
{
	if (ipa < ram->base)
		return NULL;
	uint64_t off = ipa - ram->base;
	if (off > ram->size || len > ram->size - off)
		return NULL;
	return ram->host + off;
}

#endif
