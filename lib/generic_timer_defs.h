/*
 * Generic timer control register fields, shared by ZVM's own timer driver
 * and the vGIC, which follows a guest timer's interrupt line
 * (ARM ARM D13.8.x: CNTP_CTL_EL0, CNTV_CTL_EL0, CNTHP_CTL_EL2 all share it).
 */
#ifndef LIB_GENERIC_TIMER_DEFS_H
#define LIB_GENERIC_TIMER_DEFS_H

#define CNT_CTL_ENABLE  (1u << 0) /* the timer counts down to its compare value */
#define CNT_CTL_IMASK   (1u << 1) /* its interrupt line is held low */
#define CNT_CTL_ISTATUS (1u << 2) /* the timer condition is met (read-only) */

#endif
