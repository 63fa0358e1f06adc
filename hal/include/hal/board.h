/* hal_board: the board description (boards/<name>/board.conf) as a model.
 *
 * A board file is INI (parsed with inih) and names the HAL backend, the
 * modems with their serial settings and profile, the GPIO lines (pwrkey,
 * reset) with polarity and pulse length, the watchdog and the data
 * directory. docs/boards.md documents every key.
 *
 * The model holds only fixed-size strings and arrays: it owns no memory,
 * can be copied with '=' and stays valid after the file is gone. A string
 * that does not fit its buffer is an error, never truncated.
 *
 * Every bad file gives ONE error "FILE:LINE: message" in err and leaves
 * *out zeroed. */
#ifndef HAL_BOARD_H
#define HAL_BOARD_H

#include <stdbool.h>
#include <stddef.h>

#include "hal/gpio.h"
#include "hal/serial.h"

/* Buffer sizes, NUL included: a name holds at most 31 characters. */
#define HAL_BOARD_NAME_LEN 32
#define HAL_BOARD_TEXT_LEN 128
#define HAL_BOARD_PATH_LEN 128
#define HAL_BOARD_IMEI_LEN 16 /* 15 digits */

#define HAL_BOARD_MAX_MODEMS 4
#define HAL_BOARD_MAX_GPIOS  8

#define HAL_BOARD_PULSE_MS_MAX		   30000
#define HAL_BOARD_WATCHDOG_TIMEOUT_MAX	   600
#define HAL_BOARD_WATCHDOG_TIMEOUT_DEFAULT 60
#define HAL_BOARD_DATA_DIR_DEFAULT	   "/var/lib/smsrelay"

/* Largest board file hal_board_load reads. */
#define HAL_BOARD_FILE_MAX (64 * 1024)
/* A size for err buffers that holds any message with a sane file name. */
#define HAL_BOARD_ERR_LEN 512

enum hal_board_backend {
	HAL_BOARD_BACKEND_LINUX,
	HAL_BOARD_BACKEND_SIM,
};

/* Modem profiles: the per-model quirks live in drivers/modem; the board
 * only names one. */
enum hal_board_profile {
	HAL_BOARD_PROFILE_GENERIC,
	HAL_BOARD_PROFILE_SIM800,
	HAL_BOARD_PROFILE_SIM7600,
	HAL_BOARD_PROFILE_EC25,
	HAL_BOARD_PROFILE_E3372,
	HAL_BOARD_PROFILE_UBLOX,
};

/* [gpio.NAME] */
struct hal_board_gpio {
	char name[HAL_BOARD_NAME_LEN]; /* "modem0_pwrkey": the section's NAME */
	char chip[HAL_BOARD_NAME_LEN]; /* "gpiochip0"; the sim backend ignores it */
	char line[HAL_BOARD_NAME_LEN]; /* line name ("GPIO6") or offset ("6") */
	bool active_low;
	bool output;	   /* direction = output (default) | input */
	int initial;	   /* logical value when requested as output: 0 or 1 */
	unsigned pulse_ms; /* 0: not a pulse line; else 1..HAL_BOARD_PULSE_MS_MAX */
};

/* [modem.NAME] */
struct hal_board_modem {
	char name[HAL_BOARD_NAME_LEN]; /* "modem0": the log instance tag */
	/* A device path or "usb:VVVV:PPPP[:SERIAL][#N]": hand it to
	 * hal_serial_resolve() on the linux backend. */
	char port[HAL_BOARD_PATH_LEN];
	bool port_is_usb;
	struct hal_serial_config serial;
	enum hal_board_profile profile;
	char imei[HAL_BOARD_IMEI_LEN]; /* "" = any modem on that port */
	/* Names of [gpio.X] sections ("" = none) and their index in gpios[]
	 * (-1 = none). */
	char pwrkey[HAL_BOARD_NAME_LEN];
	char reset[HAL_BOARD_NAME_LEN];
	int pwrkey_gpio;
	int reset_gpio;
};

/* [watchdog] */
struct hal_board_watchdog {
	bool enabled;			 /* false when device = none or no section */
	char device[HAL_BOARD_PATH_LEN]; /* "" when disabled */
	unsigned timeout_s;		 /* 1..HAL_BOARD_WATCHDOG_TIMEOUT_MAX */
};

struct hal_board {
	char name[HAL_BOARD_NAME_LEN];
	char description[HAL_BOARD_TEXT_LEN];
	enum hal_board_backend backend;
	struct hal_board_modem modems[HAL_BOARD_MAX_MODEMS]; /* file order */
	size_t n_modems;				     /* 1..4 */
	struct hal_board_gpio gpios[HAL_BOARD_MAX_GPIOS];    /* file order */
	size_t n_gpios;					     /* 0..8 */
	struct hal_board_watchdog watchdog;
	char data_dir[HAL_BOARD_PATH_LEN]; /* absolute */
};

/* Read and validate a board file. err (may be NULL) receives one line:
 * "PATH:LINE: message", or "PATH: message" when the file cannot be read.
 * Returns 0, -EINVAL (bad content), -EFBIG (over HAL_BOARD_FILE_MAX),
 * -ENOENT, -EACCES, -EISDIR or another -errno from opening or reading.
 * On error *out is zeroed. */
int hal_board_load(const char *path, struct hal_board *out, char *err, size_t err_len);

/* Same on text in memory (len bytes, need not be NUL-terminated; a NUL byte
 * inside is an error). name_for_errors stands for the file in messages
 * (NULL: "board.conf"). Returns 0, -EINVAL, -EFBIG or -ENOMEM. */
int hal_board_parse(const char *text, size_t len, const char *name_for_errors,
		    struct hal_board *out, char *err, size_t err_len);

/* Lookups by name; NULL when absent. */
const struct hal_board_modem *hal_board_find_modem(const struct hal_board *b, const char *name);
const struct hal_board_gpio *hal_board_find_gpio(const struct hal_board *b, const char *name);
/* The modem's pwrkey / reset line, or NULL when it has none. */
const struct hal_board_gpio *hal_board_modem_pwrkey(const struct hal_board *b,
						    const struct hal_board_modem *m);
const struct hal_board_gpio *hal_board_modem_reset(const struct hal_board *b,
						   const struct hal_board_modem *m);

/* Fill a hal_gpio_line for hal_gpio_add_line(). Its strings point into g,
 * so g (the board) must outlive the call that consumes out. */
void hal_board_gpio_line(const struct hal_board_gpio *g, struct hal_gpio_line *out);

/* Names as written in board.conf ("linux", "sim7600", ...); "?" when out of
 * range. The _parse functions return 0 or -EINVAL. */
const char *hal_board_backend_str(enum hal_board_backend b);
const char *hal_board_profile_str(enum hal_board_profile p);
int hal_board_backend_parse(const char *s, enum hal_board_backend *out);
int hal_board_profile_parse(const char *s, enum hal_board_profile *out);
/* "none", "even", "odd". */
const char *hal_board_parity_str(enum hal_parity p);

#endif
