/* Private to hal/sim: lets the sim loop check that its clock is virtual. */
#ifndef HAL_SIM_VCLOCK_PRIV_H
#define HAL_SIM_VCLOCK_PRIV_H

#include <stdbool.h>

#include "hal/clock.h"

bool hal_vclock_is_virtual(const struct hal_clock *c);

#endif
