/* Internal to hal/board: the parse state shared by the loader (board.c),
 * the key tables (board_keys.c) and the value checks (board_values.c). */
#ifndef HAL_BOARD_INT_H
#define HAL_BOARD_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "hal/board.h"
#include "hal/ini.h"

enum board_kind {
	BOARD_KIND_BOARD,
	BOARD_KIND_MODEM,
	BOARD_KIND_GPIO,
	BOARD_KIND_WATCHDOG,
	BOARD_KIND_STORAGE,
};

#define BOARD_MAX_KEYS 16
/* board, watchdog, storage + the modems and gpios. */
#define BOARD_MAX_SECTIONS (3 + HAL_BOARD_MAX_MODEMS + HAL_BOARD_MAX_GPIOS)

struct board_parse;

/* A key's setter: checks value, stores it in obj (the section's struct) and
 * returns 0, or reports through board_fail() and returns -EINVAL. */
typedef int (*board_set_fn)(struct board_parse *st, void *obj, const char *key, const char *value);

struct board_key {
	const char *name;
	bool required;
	board_set_fn set;
};

struct board_kind_desc {
	const char *prefix; /* "board", "modem" ... */
	bool named;	    /* [modem.NAME] vs [board] */
	const struct board_key *keys;
	size_t n_keys;
};

struct board_section {
	enum board_kind kind;
	char name[HAL_BOARD_NAME_LEN]; /* NAME of [kind.NAME], "" otherwise */
	int line;		       /* line of the [header] */
	int key_line[BOARD_MAX_KEYS];  /* line of each key, 0 = not set */
	void *obj;
};

struct board_parse {
	struct hal_ini ini; /* reader, line numbers, first error */
	/* result */
	struct hal_board b;
	struct board_section sects[BOARD_MAX_SECTIONS];
	size_t n_sects;
	int cur; /* section of the previous key, -1 before the first */
};

/* Record the first error at line (see hal_ini_fail). Always -EINVAL. */
#define board_fail(st, line, ...) hal_ini_fail(&(st)->ini, (line), __VA_ARGS__)

const struct board_kind_desc *board_kind_desc(enum board_kind kind);
/* Section prefix -> kind; -1 when unknown. */
int board_kind_lookup(const char *prefix, size_t prefix_len);

/* Value checks (board_values.c). Each reports with board_fail at the
 * current line and returns 0 or -EINVAL. */
extern const struct hal_ini_charset board_cs_line; /* [A-Za-z0-9_.:/-]: gpio chips, lines */
extern const struct hal_ini_charset board_cs_text; /* anything but control characters */
/* hal_ini_cs_name and hal_ini_cs_token (paths) are the other two. */
int board_copy(struct board_parse *st, const char *key, const char *value, char *dst,
	       size_t dst_len, const struct hal_ini_charset *cs);
bool board_name_ok(const char *s, size_t len);
int board_uint(struct board_parse *st, const char *key, const char *value, long min, long max,
	       unsigned *out);
int board_bool(struct board_parse *st, const char *key, const char *value, bool *out);
int board_baud(struct board_parse *st, const char *key, const char *value, unsigned *out);
int board_abs_path(struct board_parse *st, const char *key, const char *value, char *dst,
		   size_t dst_len);
int board_port(struct board_parse *st, const char *key, const char *value, char *dst,
	       size_t dst_len, bool *is_usb);
int board_imei(struct board_parse *st, const char *key, const char *value, char *dst,
	       size_t dst_len);

#endif
