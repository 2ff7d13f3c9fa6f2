/* The bare-metal guest's Zshm endpoint and the test commands on it. */
#ifndef BAREMETAL_ZSHM_TEST_H
#define BAREMETAL_ZSHM_TEST_H

#include <stdbool.h>
#include <stdint.h>

/* From main.c: console, counter, heartbeat, hypercalls. */
void bm_puts(const char *s);
void bm_putu(uint64_t v);
void bm_puthex(uint64_t v);
uint64_t bm_counter(void);
uint64_t bm_hvc3(uint64_t fn, uint64_t a1, uint64_t a2);

/* Finds the first channel in the devicetree and opens it; its doorbell
 * INTID (0: none) for the GIC. */
unsigned zshm_test_init(const void *dtb);
/* The doorbell interrupt came. */
void zshm_test_doorbell(void);
/* A console key: true when it was a Zshm command. */
bool zshm_test_key(int c);

#endif
