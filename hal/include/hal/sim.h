/* Simulated HAL backends (hal/sim/): everything a test or the sim board needs
 * to run the firmware without hardware and without sleeping.
 *
 *   virtual clock  - moves only when advanced;
 *   sim loop       - real fds polled without waiting, timers on the virtual
 *                    clock; run_until_idle / advance drive it;
 *   serial pair    - two connected hal_serial ends in one process, with
 *                    fault injection on either end;
 *   serial script  - scripted expect -> reply transactions on one end;
 *   fake gpio      - records every (line, value, time), notifies an observer
 *                    (a simulated modem reboots on a pwrkey pulse);
 *   fake watchdog  - counts kicks, bites when starved longer than its timeout;
 *   sim rng        - seeded, deterministic. */
#ifndef HAL_SIM_H
#define HAL_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/clock.h"
#include "hal/gpio.h"
#include "hal/loop.h"
#include "hal/rng.h"
#include "hal/serial.h"
#include "hal/watchdog.h"

/* ---- virtual clock ---- */
/* mono starts at 0; wall starts at start_wall_ms. Returns 0 or -ENOMEM.
 * Free with hal_vclock_destroy. */
int hal_vclock_new(struct hal_clock *out, int64_t start_wall_ms);
void hal_vclock_advance(struct hal_clock *c, int64_t ms); /* ms >= 0 */
void hal_vclock_destroy(struct hal_clock *c);

/* ---- sim loop ---- */
/* The loop does not own clock (a vclock from hal_vclock_new). */
int hal_loop_sim_new(struct hal_loop *out, struct hal_clock *clock);
/* Dispatch ready fds, wakers and due timers, repeatedly, without advancing
 * the clock, until nothing is ready. Returns callbacks run or -errno;
 * -ELOOP if still busy after a large bound (a livelock in the code under
 * test). */
int hal_loop_sim_run_until_idle(struct hal_loop *l);
/* Advance the virtual clock by ms, stopping at each timer deadline on the
 * way to run it (and run_until_idle), so timers fire in order at their own
 * virtual time. Returns callbacks run or -errno. */
int hal_loop_sim_advance(struct hal_loop *l, int64_t ms);
/* Advance to the next timer deadline and run it. Returns callbacks run, or
 * -ENOENT when no timer is pending. */
int hal_loop_sim_step(struct hal_loop *l);
/* ms until the next timer, or -1 when none. */
int64_t hal_loop_sim_next_deadline(struct hal_loop *l);

/* ---- serial pair ---- */
/* Two connected ends (socketpair underneath, so fds work with any loop).
 * open() on a sim end succeeds whatever the path, unless the end is "gone".
 * Each end is destroyed separately with hal_serial_destroy. */
int hal_serial_sim_pair_new(struct hal_serial *a, struct hal_serial *b);

struct hal_serial_sim_faults {
	unsigned read_cap_min; /* each read returns at most a cap drawn from */
	unsigned read_cap_max; /* [min, max] (deterministic); 0/0 = no cap */
	unsigned write_cap;    /* partial writes: accept at most this; 0 = off */
	unsigned fail_write_nth; /* the Nth write from now fails (1 = next); 0 = off */
	int fail_write_errno;    /* e.g. EIO */
	uint32_t seed;           /* for read caps */
};
/* Apply faults to this end's reads and writes. Returns 0 or -EINVAL. */
int hal_serial_sim_set_faults(struct hal_serial *end, const struct hal_serial_sim_faults *f);
/* The device vanishes: this end's reads and writes fail with -ENODEV, its
 * fd reports HAL_IO_ERR, open fails with -ENOENT until hal_serial_sim_back. */
int hal_serial_sim_gone(struct hal_serial *end);
/* The device is back (after re-enumeration): open works again on a fresh
 * connection to the peer. */
int hal_serial_sim_back(struct hal_serial *end);

/* ---- scripted peer ---- */
/* Runs on the peer end of a pair, on a loop: waits for each step's expected
 * bytes (exact match of a line, or any line when expect is NULL), then
 * writes its reply. Lets a test say "when AT+CSQ\r arrives, answer
 * \r\n+CSQ: 20,99\r\n\r\nOK\r\n". */
struct hal_serial_script_step {
	const char *expect; /* bytes the host must send; NULL: no wait */
	const char *reply;  /* bytes to answer; NULL: say nothing (drop) */
	int64_t delay_ms;   /* virtual delay before the reply */
};
struct hal_serial_script;
int hal_serial_script_new(struct hal_serial_script **out, struct hal_loop *loop,
			  struct hal_serial *peer_end);
/* Steps are copied. Returns 0, -ENOMEM. */
int hal_serial_script_push(struct hal_serial_script *s, const struct hal_serial_script_step *step);
/* Write bytes to the host now (a URC at any point). Returns 0 or -errno. */
int hal_serial_script_inject(struct hal_serial_script *s, const char *bytes);
/* True when every step ran; bytes received that no step expected are
 * reported by hal_serial_script_unexpected. */
bool hal_serial_script_done(const struct hal_serial_script *s);
const char *hal_serial_script_unexpected(const struct hal_serial_script *s);
void hal_serial_script_destroy(struct hal_serial_script *s);

/* ---- fake gpio ---- */
struct hal_gpio_sim_event {
	char name[32];
	int value; /* logical */
	int64_t at_ms;
};
typedef void (*hal_gpio_sim_observer)(void *arg, const char *name, int value, int64_t at_ms);
/* Records events with times from clock. Returns 0 or -ENOMEM. */
int hal_gpio_sim_new(struct hal_gpio *out, struct hal_clock *clock);
/* Called on every set. Returns 0, or -ENOSPC when the observer slots are
 * full (a few per gpio). */
int hal_gpio_sim_observe(struct hal_gpio *g, hal_gpio_sim_observer cb, void *arg);
/* Copies up to max recorded events; returns the total recorded. */
size_t hal_gpio_sim_events(struct hal_gpio *g, struct hal_gpio_sim_event *ev, size_t max);
/* Set an input line's value as the outside world would. */
int hal_gpio_sim_drive(struct hal_gpio *g, const char *name, int value);

/* ---- fake watchdog ---- */
int hal_watchdog_sim_new(struct hal_watchdog *out, struct hal_clock *clock);
unsigned hal_watchdog_sim_kicks(struct hal_watchdog *w);
/* True once the time since the last kick (or open) exceeded the timeout
 * while armed; stays true (a real watchdog would have reset the board). */
bool hal_watchdog_sim_bitten(struct hal_watchdog *w);

/* ---- sim rng ---- */
int hal_rng_sim_new(struct hal_rng *out, uint64_t seed);

#endif
