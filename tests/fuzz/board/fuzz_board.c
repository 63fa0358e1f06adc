/* Fuzz hal_board_parse: any bytes give either a board that keeps every
 * documented invariant, or one "FILE:LINE: message" and a zeroed model. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hal/board.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

static bool terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

static void check_gpio(const struct hal_board_gpio *g)
{
	CHECK(terminated(g->name, sizeof(g->name)) && g->name[0]);
	CHECK(terminated(g->chip, sizeof(g->chip)) && g->chip[0]);
	CHECK(terminated(g->line, sizeof(g->line)) && g->line[0]);
	CHECK(g->pulse_ms <= HAL_BOARD_PULSE_MS_MAX);
	CHECK(g->initial == 0 || g->initial == 1);
}

static void check_modem(const struct hal_board *b, const struct hal_board_modem *m)
{
	const struct hal_board_gpio *g;

	CHECK(terminated(m->name, sizeof(m->name)) && m->name[0]);
	CHECK(terminated(m->port, sizeof(m->port)) && m->port[0]);
	CHECK(m->port_is_usb ? !strncmp(m->port, "usb:", 4) : m->port[0] == '/');
	CHECK(terminated(m->imei, sizeof(m->imei)));
	CHECK(m->imei[0] == '\0' || strlen(m->imei) == 15);
	CHECK(m->serial.baud >= 9600 && m->serial.baud <= 4000000);
	CHECK(m->serial.data_bits == 7 || m->serial.data_bits == 8);
	CHECK(m->serial.stop_bits == 1 || m->serial.stop_bits == 2);
	CHECK(strcmp(hal_board_profile_str(m->profile), "?") != 0);
	CHECK(m->pwrkey_gpio >= -1 && m->pwrkey_gpio < (int)b->n_gpios);
	CHECK(m->reset_gpio >= -1 && m->reset_gpio < (int)b->n_gpios);
	g = hal_board_modem_pwrkey(b, m);
	CHECK(!g || (g->output && g->pulse_ms > 0 && !strcmp(g->name, m->pwrkey)));
	CHECK(hal_board_find_modem(b, m->name) == m);
}

static void check_board(const struct hal_board *b)
{
	CHECK(terminated(b->name, sizeof(b->name)) && b->name[0]);
	CHECK(terminated(b->description, sizeof(b->description)));
	CHECK(strcmp(hal_board_backend_str(b->backend), "?") != 0);
	CHECK(b->n_modems >= 1 && b->n_modems <= HAL_BOARD_MAX_MODEMS);
	CHECK(b->n_gpios <= HAL_BOARD_MAX_GPIOS);
	for (size_t i = 0; i < b->n_gpios; i++)
		check_gpio(&b->gpios[i]);
	for (size_t i = 0; i < b->n_modems; i++)
		check_modem(b, &b->modems[i]);
	CHECK(b->watchdog.timeout_s >= 1 &&
	      b->watchdog.timeout_s <= HAL_BOARD_WATCHDOG_TIMEOUT_MAX);
	CHECK(b->watchdog.enabled == (b->watchdog.device[0] == '/'));
	CHECK(terminated(b->data_dir, sizeof(b->data_dir)) && b->data_dir[0] == '/');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct hal_board zero;
	struct hal_board b;
	char err[HAL_BOARD_ERR_LEN];
	int rc = hal_board_parse((const char *)data, size, "fuzz.conf", &b, err, sizeof(err));

	if (rc == 0) {
		check_board(&b);
		return 0;
	}
	CHECK(rc == -EINVAL || rc == -EFBIG);
	CHECK(!strncmp(err, "fuzz.conf", 9) && !strchr(err, '\n'));
	CHECK(!memcmp(&b, &zero, sizeof(b)));
	return 0;
}
