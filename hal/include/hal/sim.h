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
/* The pass bound of run_until_idle/advance/step before -ELOOP (default
 * 100000 passes; a pass runs every ready callback once). Returns 0 or
 * -EINVAL. */
int hal_loop_sim_set_busy_limit(struct hal_loop *l, unsigned passes);
/* Notes on the sim loop:
 *  - hal_loop_sim_new returns -EINVAL unless clock is a vclock.
 *  - run_until_idle/advance/step/run/run_once called from inside one of the
 *    loop's callbacks return -EBUSY (no nested dispatch).
 *  - An fd that stays ready (unread input, a hang-up nobody unwatches, a
 *    WRITE watch kept while nothing is queued) makes run_until_idle return
 *    -ELOOP: on the real loop it would spin.
 *  - Timers added with 0 ms inside a pass run in the next pass; a timer
 *    rescheduled from its callback is timed from the clock after it.
 *  - run() (hal_loop_run): passes until stop(); when idle and a timer is
 *    pending the clock jumps to it; with no timer it blocks in poll on the
 *    fds and the wake eventfd. run_once(max_wait) waits real time at most
 *    max_wait when nothing is due, and never moves the clock.
 *  - At most 32 wakers per loop (-ENOSPC). */

/* ---- serial pair ---- */
/* Two connected ends (socketpair underneath, so fds work with any loop).
 * Both ends are open on return (open() is accepted too and succeeds
 * whatever the path, unless the end is "gone"; cfg is validated: -EINVAL).
 * Each end is destroyed separately with hal_serial_destroy; destroying one
 * makes the other read -EIO (hang-up).
 *
 * read/write: bytes, -EAGAIN, -EBADF (end closed), -ENODEV (this end gone),
 * -EIO (the other end gone or destroyed; never a 0-byte read).
 * close()/open() keep the connection (a host reopening its port does not
 * reset the modem); input that arrived while closed is dropped on reopen.
 * flush() drops pending input. set_lines() records DTR/RTS and returns 0. */
int hal_serial_sim_pair_new(struct hal_serial *a, struct hal_serial *b);

struct hal_serial_sim_faults {
	unsigned read_cap_min;	 /* each read returns at most a cap drawn from */
	unsigned read_cap_max;	 /* [min, max] (deterministic); 0/0 = no cap */
	unsigned write_cap;	 /* partial writes: accept at most this; 0 = off */
	unsigned fail_write_nth; /* the Nth write from now fails (1 = next); 0 = off */
	int fail_write_errno;	 /* e.g. EIO */
	uint32_t seed;		 /* for read caps */
};
/* Apply faults to this end's reads and writes. Returns 0 or -EINVAL. */
int hal_serial_sim_set_faults(struct hal_serial *end, const struct hal_serial_sim_faults *f);
/* The device vanishes: this end's reads and writes fail with -ENODEV, its
 * fd reports HAL_IO_ERR, open fails with -ENOENT until hal_serial_sim_back.
 * The connection is shut down, so the peer end's fd reports HAL_IO_ERR too
 * and its reads/writes return -EIO. Idempotent. Returns 0 or -EINVAL. */
int hal_serial_sim_gone(struct hal_serial *end);
/* The device is back (after re-enumeration): a fresh connection is made and
 * each end's next hal_serial_open() switches to it. Until then the old,
 * dead fd stays (reads -EIO), so a watch on it stays valid: unwatch, open,
 * then watch hal_serial_fd() again (the fd number changes) - on BOTH ends:
 * the peer learns of the new connection by calling open() after it saw the
 * hang-up. Returns 0 (also when not gone), -EINVAL or -errno. */
int hal_serial_sim_back(struct hal_serial *end);
/* The DTR/RTS values last set with set_lines (-1: never set). Returns 0 or
 * -EINVAL. */
int hal_serial_sim_lines(struct hal_serial *end, int *dtr, int *rts);

/* ---- scripted peer ---- */
/* Runs on the peer end of a pair, on a loop: steps run strictly in order;
 * each waits for its expected bytes (exact match of the complete bytes,
 * which the host may send in pieces), then delay_ms on the loop's clock,
 * then writes its reply. A step with expect NULL starts as soon as the
 * previous one is done. Lets a test say "when AT+CSQ\r arrives, answer
 * \r\n+CSQ: 20,99\r\n\r\nOK\r\n". Bytes that do not fit the step
 * being waited for are set aside one at a time as unexpected (so the script
 * resynchronises on the next match); so is everything after the last step.
 * If the connection breaks (read/write error, hang-up) the script unwatches
 * its fd and stops: see hal_serial_script_error. */
struct hal_serial_script_step {
	const char *expect; /* bytes the host must send; NULL: no wait */
	const char *reply;  /* bytes to answer; NULL: say nothing (drop) */
	int64_t delay_ms;   /* virtual delay before the reply */
};
struct hal_serial_script;
/* Watches peer_end's fd (which must stay the same while the script lives).
 * Returns 0, -EINVAL, -EBADF (end closed), -ENOMEM or the watch error. */
int hal_serial_script_new(struct hal_serial_script **out, struct hal_loop *loop,
			  struct hal_serial *peer_end);
/* Steps are copied. Returns 0, -EINVAL (delay_ms < 0), -ENOMEM. */
int hal_serial_script_push(struct hal_serial_script *s, const struct hal_serial_script_step *step);
/* Write bytes to the host now (a URC at any point), queued after any reply
 * still being written. Returns 0 or -errno (the script's error). */
int hal_serial_script_inject(struct hal_serial_script *s, const char *bytes);
/* True when every step ran; bytes received that no step expected are
 * reported by hal_serial_script_unexpected. */
bool hal_serial_script_done(const struct hal_serial_script *s);
/* NUL-terminated; "" when none. */
const char *hal_serial_script_unexpected(const struct hal_serial_script *s);
/* 0, or the -errno that stopped the script (-EIO/-ENODEV: connection gone). */
int hal_serial_script_error(const struct hal_serial_script *s);
void hal_serial_script_destroy(struct hal_serial_script *s);

/* ---- fake gpio ---- */
struct hal_gpio_sim_event {
	char name[32];
	int value; /* logical */
	int64_t at_ms;
};
typedef void (*hal_gpio_sim_observer)(void *arg, const char *name, int value, int64_t at_ms);
/* Lines live in memory (chip/line/active_low ignored; names < 32 chars).
 * Every set of an output (value 0 or 1, else -EINVAL) is recorded with the
 * time from clock and shown to the observers; add_line's initial value is
 * not an event. set on an input: -EPERM. Works with hal_gpio_pulse.
 * Returns 0, -EINVAL or -ENOMEM. */
int hal_gpio_sim_new(struct hal_gpio *out, struct hal_clock *clock);
/* Called on every set, after the value changed. Returns 0, -EINVAL, or
 * -ENOSPC when the observer slots are full (4 per gpio). */
int hal_gpio_sim_observe(struct hal_gpio *g, hal_gpio_sim_observer cb, void *arg);
/* Remove the observer registered with exactly this cb and arg (e.g. when
 * the observing simulated modem is destroyed). Returns 0 or -ENOENT. */
int hal_gpio_sim_unobserve(struct hal_gpio *g, hal_gpio_sim_observer cb, void *arg);
/* Copies up to max recorded events; returns the total recorded. */
size_t hal_gpio_sim_events(struct hal_gpio *g, struct hal_gpio_sim_event *ev, size_t max);
/* Set an input line's value as the outside world would (not recorded).
 * Returns 0, -EINVAL, -ENOENT, -EPERM (an output line). */
int hal_gpio_sim_drive(struct hal_gpio *g, const char *name, int value);

/* ---- fake watchdog ---- */
/* open(0) means 60 s; open while armed: -EBUSY; kick while not armed:
 * -EBADF; close disarms. Returns 0, -EINVAL or -ENOMEM. */
int hal_watchdog_sim_new(struct hal_watchdog *out, struct hal_clock *clock);
unsigned hal_watchdog_sim_kicks(struct hal_watchdog *w);
/* True once the time since the last kick (or open) exceeded the timeout
 * while armed; stays true (a real watchdog would have reset the board). */
bool hal_watchdog_sim_bitten(struct hal_watchdog *w);

/* ---- sim rng ---- */
/* splitmix64 from seed: the same seed gives the same bytes. NEVER for
 * secrets (tokens, keys): it is predictable by design. */
int hal_rng_sim_new(struct hal_rng *out, uint64_t seed);

#endif
