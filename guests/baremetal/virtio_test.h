/* The bare-metal guest as a virtio-blk driver (virtio_test.c). */
#ifndef BAREMETAL_VIRTIO_TEST_H
#define BAREMETAL_VIRTIO_TEST_H

#include <stdbool.h>

/* Finds the first virtio-mmio device in the devicetree: its INTID, or 0. */
unsigned virtio_test_init(const void *dtb);
/* The device's interrupt: takes what completed. */
void virtio_test_irq(void);
/* Keys v, V and a; false for any other. */
bool virtio_test_key(int c);

#endif
