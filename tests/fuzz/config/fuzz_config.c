/* Fuzz config_parse: any bytes give either a config that keeps every
 * documented invariant, or one "FILE:LINE: message" and a zeroed model.
 * (KEY_file values make the parser open files: it accepts only regular
 * files and opens them non-blocking, so no input can hang it.) */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond))                                                                 \
			__builtin_trap();                                                    \
	} while (0)

#define TERMINATED(f) (memchr((f), '\0', sizeof(f)) != NULL)

static void check_channel(const struct config_channel *ch)
{
	CHECK(ch->priority <= 1000 && ch->rate_per_min <= 60000);
	CHECK(ch->burst >= 1 && ch->burst <= 1000);
	CHECK(ch->n_numbers <= CONFIG_MAX_NUMBERS);
	for (unsigned i = 0; i < ch->n_numbers; i++)
		CHECK(TERMINATED(ch->numbers[i]) && ch->numbers[i][0]);
}

static void check_config(const struct smsrelay_config *c)
{
	struct config_diff d;

	CHECK(TERMINATED(c->daemon.board) && c->daemon.board[0]);
	CHECK(TERMINATED(c->daemon.log) && c->daemon.log[0]);
	CHECK(c->daemon.boards_dir[0] == '/');
	CHECK(c->api.port >= 1 && c->api.port <= 65535);
	CHECK(c->api.max_per_ip <= c->api.max_connections);
	CHECK(!c->api.tls_cert[0] == !c->api.tls_key[0]);
	CHECK(c->outbox.retry_floor_s <= c->outbox.retry_base_s);
	CHECK(c->outbox.retry_base_s <= c->outbox.retry_max_s);
	CHECK(c->routing.n_allow <= CONFIG_MAX_ALLOW && c->routing.n_deny <= CONFIG_MAX_DENY);
	CHECK(c->routing.utc_offset_min >= -840 && c->routing.utc_offset_min <= 840);
	CHECK(c->n_modems <= CONFIG_MAX_MODEMS && c->n_routes <= CONFIG_MAX_ROUTES);
	for (unsigned i = 0; i < c->n_modems; i++) {
		CHECK(TERMINATED(c->modems[i].name) && c->modems[i].name[0]);
		CHECK(config_find_modem(c, c->modems[i].name) == &c->modems[i]);
		CHECK(c->modems[i].max_parts >= 1 && c->modems[i].max_parts <= 16);
		check_channel(&c->modems[i].channel);
	}
	for (unsigned i = 0; i < c->n_routes; i++) {
		CHECK(c->routes[i].prefix[0] == '+');
		CHECK(c->routes[i].n_channels >= 1 &&
		      c->routes[i].n_channels <= CONFIG_MAX_ROUTE_CHANNELS);
	}
	if (c->twilio.present) {
		CHECK(strlen(c->twilio.account_sid) == 34 && c->twilio.auth_token[0]);
		CHECK(c->twilio.from[0] || c->twilio.messaging_service_sid[0]);
		check_channel(&c->twilio.channel);
	}
	if (c->telesign.present)
		CHECK(c->telesign.customer_id[0] && c->telesign.api_key[0]);
	CHECK(config_diff(c, c, &d) == 0 && d.n_total == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct smsrelay_config zero;
	static struct smsrelay_config c;
	char err[CONFIG_ERR_LEN];
	int rc = config_parse((const char *)data, size, "fuzz.conf", &c, err, sizeof(err));

	if (rc == 0) {
		check_config(&c);
		return 0;
	}
	CHECK(rc == -EINVAL || rc == -EFBIG);
	CHECK(!strncmp(err, "fuzz.conf", 9) && !strchr(err, '\n'));
	CHECK(!memcmp(&c, &zero, sizeof(c)));
	return 0;
}
