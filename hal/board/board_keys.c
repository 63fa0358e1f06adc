/* The board.conf schema: which sections exist, which keys each takes, and
 * the setter that checks and stores each value. docs/boards.md mirrors
 * these tables; keep both in step. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "board_int.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct name_val {
	const char *name;
	int val;
};

static const struct name_val backend_names[] = {
    {"linux", HAL_BOARD_BACKEND_LINUX},
    {"sim", HAL_BOARD_BACKEND_SIM},
};

static const struct name_val profile_names[] = {
    {"generic", HAL_BOARD_PROFILE_GENERIC}, {"sim800", HAL_BOARD_PROFILE_SIM800},
    {"sim7600", HAL_BOARD_PROFILE_SIM7600}, {"ec25", HAL_BOARD_PROFILE_EC25},
    {"e3372", HAL_BOARD_PROFILE_E3372},	    {"ublox", HAL_BOARD_PROFILE_UBLOX},
};

static const struct name_val parity_names[] = {
    {"none", HAL_PARITY_NONE},
    {"even", HAL_PARITY_EVEN},
    {"odd", HAL_PARITY_ODD},
};

static const struct name_val flow_names[] = {
    {"none", 0},
    {"rtscts", 1},
};

static const struct name_val direction_names[] = {
    {"output", 1},
    {"input", 0},
};

static const char *nv_str(const struct name_val *t, size_t n, int val)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].val == val)
			return t[i].name;
	return "?";
}

static int nv_parse(const struct name_val *t, size_t n, const char *s, int *out)
{
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(t[i].name, s)) {
			*out = t[i].val;
			return 0;
		}
	}
	return -EINVAL;
}

static int set_enum(struct board_parse *st, const char *key, const char *value,
		    const struct name_val *t, size_t n, int *out)
{
	char list[128] = "";
	size_t used = 0;

	if (!nv_parse(t, n, value, out))
		return 0;
	for (size_t i = 0; i < n && used < sizeof(list); i++) {
		int w = snprintf(list + used, sizeof(list) - used, "%s%s", i ? "|" : "", t[i].name);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return board_fail(st, st->ini.lineno, "%s: '%.40s' is not one of %s", key, value, list);
}

/* ---- [board] ------------------------------------------------------------ */

static int set_board_name(struct board_parse *st, void *obj, const char *key, const char *v)
{
	struct hal_board *b = obj;
	return board_copy(st, key, v, b->name, sizeof(b->name), &hal_ini_cs_name);
}

static int set_board_description(struct board_parse *st, void *obj, const char *key, const char *v)
{
	struct hal_board *b = obj;
	return board_copy(st, key, v, b->description, sizeof(b->description), &board_cs_text);
}

static int set_board_hal(struct board_parse *st, void *obj, const char *key, const char *v)
{
	struct hal_board *b = obj;
	int val = 0;
	int rc = set_enum(st, key, v, backend_names, ARRAY_LEN(backend_names), &val);

	if (!rc)
		b->backend = (enum hal_board_backend)val;
	return rc;
}

static const struct board_key board_keys[] = {
    {"name", true, set_board_name},
    {"description", false, set_board_description},
    {"hal", true, set_board_hal},
};

/* ---- [modem.NAME] ------------------------------------------------------- */

static int set_modem_port(struct board_parse *st, void *obj, const char *key, const char *v)
{
	struct hal_board_modem *m = obj;
	return board_port(st, key, v, m->port, sizeof(m->port), &m->port_is_usb);
}

static int set_modem_baud(struct board_parse *st, void *obj, const char *key, const char *v)
{
	struct hal_board_modem *m = obj;
	return board_baud(st, key, v, &m->serial.baud);
}

static int set_modem_parity(struct board_parse *st, void *obj, const char *key, const char *v)
{
	struct hal_board_modem *m = obj;
	int val = 0;
	int rc = set_enum(st, key, v, parity_names, ARRAY_LEN(parity_names), &val);

	if (!rc)
		m->serial.parity = (enum hal_parity)val;
	return rc;
}

static int set_modem_data_bits(struct board_parse *st, void *obj, const char *key, const char *v)
{
	struct hal_board_modem *m = obj;
	return board_uint(st, key, v, 7, 8, &m->serial.data_bits);
}

static int set_modem_stop_bits(struct board_parse *st, void *obj, const char *key, const char *v)
{
	struct hal_board_modem *m = obj;
	return board_uint(st, key, v, 1, 2, &m->serial.stop_bits);
}

static int set_modem_flow(struct board_parse *st, void *obj, const char *key, const char *v)
{
	struct hal_board_modem *m = obj;
	int val = 0;
	int rc = set_enum(st, key, v, flow_names, ARRAY_LEN(flow_names), &val);

	if (!rc)
		m->serial.rtscts = val != 0;
	return rc;
}

static int set_modem_profile(struct board_parse *st, void *obj, const char *key, const char *v)
{
	struct hal_board_modem *m = obj;
	int val = 0;
	int rc = set_enum(st, key, v, profile_names, ARRAY_LEN(profile_names), &val);

	if (!rc)
		m->profile = (enum hal_board_profile)val;
	return rc;
}

static int set_modem_imei(struct board_parse *st, void *obj, const char *key, const char *v)
{
	struct hal_board_modem *m = obj;
	return board_imei(st, key, v, m->imei, sizeof(m->imei));
}

/* pwrkey/reset name a [gpio.X] section; it may come later in the file, so
 * the reference is resolved once the whole file is read. */
static int set_modem_pwrkey(struct board_parse *st, void *obj, const char *key, const char *v)
{
	struct hal_board_modem *m = obj;
	return board_copy(st, key, v, m->pwrkey, sizeof(m->pwrkey), &hal_ini_cs_name);
}

static int set_modem_reset(struct board_parse *st, void *obj, const char *key, const char *v)
{
	struct hal_board_modem *m = obj;
	return board_copy(st, key, v, m->reset, sizeof(m->reset), &hal_ini_cs_name);
}

static const struct board_key modem_keys[] = {
    {"port", true, set_modem_port},
    {"baud", false, set_modem_baud},
    {"parity", false, set_modem_parity},
    {"data_bits", false, set_modem_data_bits},
    {"stop_bits", false, set_modem_stop_bits},
    {"flow_control", false, set_modem_flow},
    {"profile", false, set_modem_profile},
    {"imei", false, set_modem_imei},
    {"pwrkey", false, set_modem_pwrkey},
    {"reset", false, set_modem_reset},
};

/* ---- [gpio.NAME] -------------------------------------------------------- */

static int set_gpio_chip(struct board_parse *st, void *obj, const char *key, const char *v)
{
	struct hal_board_gpio *g = obj;
	return board_copy(st, key, v, g->chip, sizeof(g->chip), &board_cs_line);
}

static int set_gpio_line(struct board_parse *st, void *obj, const char *key, const char *v)
{
	struct hal_board_gpio *g = obj;
	return board_copy(st, key, v, g->line, sizeof(g->line), &board_cs_line);
}

static int set_gpio_active_low(struct board_parse *st, void *obj, const char *key, const char *v)
{
	struct hal_board_gpio *g = obj;
	return board_bool(st, key, v, &g->active_low);
}

static int set_gpio_direction(struct board_parse *st, void *obj, const char *key, const char *v)
{
	struct hal_board_gpio *g = obj;
	int val = 0;
	int rc = set_enum(st, key, v, direction_names, ARRAY_LEN(direction_names), &val);

	if (!rc)
		g->output = val != 0;
	return rc;
}

static int set_gpio_initial(struct board_parse *st, void *obj, const char *key, const char *v)
{
	struct hal_board_gpio *g = obj;
	unsigned val;
	int rc = board_uint(st, key, v, 0, 1, &val);

	if (!rc)
		g->initial = (int)val;
	return rc;
}

static int set_gpio_pulse_ms(struct board_parse *st, void *obj, const char *key, const char *v)
{
	struct hal_board_gpio *g = obj;
	return board_uint(st, key, v, 0, HAL_BOARD_PULSE_MS_MAX, &g->pulse_ms);
}

static const struct board_key gpio_keys[] = {
    {"chip", true, set_gpio_chip},
    {"line", true, set_gpio_line},
    {"active_low", false, set_gpio_active_low},
    {"direction", false, set_gpio_direction},
    {"initial", false, set_gpio_initial},
    {"pulse_ms", false, set_gpio_pulse_ms},
};

/* ---- [watchdog], [storage] ---------------------------------------------- */

static int set_wd_device(struct board_parse *st, void *obj, const char *key, const char *v)
{
	struct hal_board_watchdog *w = obj;

	if (!strcmp(v, "none")) {
		w->enabled = false;
		return 0;
	}
	w->enabled = true;
	return board_abs_path(st, key, v, w->device, sizeof(w->device));
}

static int set_wd_timeout(struct board_parse *st, void *obj, const char *key, const char *v)
{
	struct hal_board_watchdog *w = obj;
	return board_uint(st, key, v, 1, HAL_BOARD_WATCHDOG_TIMEOUT_MAX, &w->timeout_s);
}

static const struct board_key watchdog_keys[] = {
    {"device", true, set_wd_device},
    {"timeout_s", false, set_wd_timeout},
};

static int set_data_dir(struct board_parse *st, void *obj, const char *key, const char *v)
{
	struct hal_board *b = obj;
	return board_abs_path(st, key, v, b->data_dir, sizeof(b->data_dir));
}

static const struct board_key storage_keys[] = {
    {"data_dir", true, set_data_dir},
};

/* ---- the sections -------------------------------------------------------- */

static const struct board_kind_desc kinds[] = {
    [BOARD_KIND_BOARD] = {"board", false, board_keys, ARRAY_LEN(board_keys)},
    [BOARD_KIND_MODEM] = {"modem", true, modem_keys, ARRAY_LEN(modem_keys)},
    [BOARD_KIND_GPIO] = {"gpio", true, gpio_keys, ARRAY_LEN(gpio_keys)},
    [BOARD_KIND_WATCHDOG] = {"watchdog", false, watchdog_keys, ARRAY_LEN(watchdog_keys)},
    [BOARD_KIND_STORAGE] = {"storage", false, storage_keys, ARRAY_LEN(storage_keys)},
};

_Static_assert(ARRAY_LEN(modem_keys) <= BOARD_MAX_KEYS, "raise BOARD_MAX_KEYS");
_Static_assert(ARRAY_LEN(gpio_keys) <= BOARD_MAX_KEYS, "raise BOARD_MAX_KEYS");

const struct board_kind_desc *board_kind_desc(enum board_kind kind)
{
	return &kinds[kind];
}

int board_kind_lookup(const char *prefix, size_t prefix_len)
{
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		if (strlen(kinds[i].prefix) == prefix_len &&
		    !memcmp(kinds[i].prefix, prefix, prefix_len))
			return (int)i;
	return -1;
}

/* ---- public names -------------------------------------------------------- */

const char *hal_board_backend_str(enum hal_board_backend b)
{
	return nv_str(backend_names, ARRAY_LEN(backend_names), (int)b);
}

const char *hal_board_profile_str(enum hal_board_profile p)
{
	return nv_str(profile_names, ARRAY_LEN(profile_names), (int)p);
}

const char *hal_board_parity_str(enum hal_parity p)
{
	return nv_str(parity_names, ARRAY_LEN(parity_names), (int)p);
}

int hal_board_backend_parse(const char *s, enum hal_board_backend *out)
{
	int val = 0;

	if (!s || nv_parse(backend_names, ARRAY_LEN(backend_names), s, &val))
		return -EINVAL;
	*out = (enum hal_board_backend)val;
	return 0;
}

int hal_board_profile_parse(const char *s, enum hal_board_profile *out)
{
	int val = 0;

	if (!s || nv_parse(profile_names, ARRAY_LEN(profile_names), s, &val))
		return -EINVAL;
	*out = (enum hal_board_profile)val;
	return 0;
}
