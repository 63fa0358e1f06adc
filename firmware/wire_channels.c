/* Wiring: GPIO lines, one modem channel per board modem, and the cloud
 * channels the config enables (start-up step 2). Each channel is created
 * with the events the outbox hands out for its name and then added to the
 * outbox, so its callbacks land in the outbox on the loop thread. */
#include "daemon.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cloud/telesign.h"
#include "cloud/twilio.h"
#include "drivers/channel.h"
#include "hal/log.h"
#include "hal/serial.h"
#include "hal/sim.h"
#include "modem/modem.h"
#include "outbox/outbox.h"

LOG_MODULE(log_wchan, "smsrelayd");

static int gpio_start(struct daemon *d, char *err, size_t err_len)
{
	const struct hal_board *b = &d->set.board;
	int rc;

	if (b->n_gpios == 0)
		return 0;
	if (b->backend == HAL_BOARD_BACKEND_SIM)
		rc = hal_gpio_sim_new(&d->gpio, hal_loop_clock(&d->loop));
	else
		rc = hal_gpio_linux_new(&d->gpio);
	if (rc) {
		snprintf(err, err_len, "gpio: %s", strerror(-rc));
		return rc;
	}
	d->have_gpio = true;
	for (size_t i = 0; i < b->n_gpios; i++) {
		struct hal_gpio_line line;

		hal_board_gpio_line(&b->gpios[i], &line);
		rc = hal_gpio_add_line(&d->gpio, &line);
		if (rc) {
			snprintf(err, err_len,
				 "%s: [gpio.%s] chip %s line %s: %s (check the board file and that "
				 "the daemon's user may open /dev/%s)",
				 d->set.board_path, b->gpios[i].name, b->gpios[i].chip,
				 b->gpios[i].line, strerror(-rc), b->gpios[i].chip);
			return rc;
		}
	}
	return 0;
}

/* modem_open_fn: a "usb:VVVV:PPPP" port is resolved again at every open, so
 * the modem is found after it re-enumerates under another ttyUSB number. */
struct port_ref {
	char spec[HAL_BOARD_PATH_LEN];
	struct hal_serial_config cfg;
};

static int open_usb_port(void *arg, struct hal_serial *s)
{
	const struct port_ref *p = arg;
	char path[256];
	int rc = hal_serial_resolve(p->spec, path, sizeof(path));

	if (rc)
		return rc;
	return hal_serial_open(s, path, &p->cfg);
}

static int add_channel(struct daemon *d, struct channel *ch, struct hal_serial *ser)
{
	d->chans[d->n_chans] = ch;
	d->serials[d->n_chans] = ser;
	d->n_chans++;
	return outbox_add_channel(d->outbox, ch);
}

static int modem_start_one(struct daemon *d, const struct hal_board_modem *bm, char *err,
			   size_t err_len)
{
	const struct config_modem *cm = config_find_modem(&d->set.cfg, bm->name);
	const struct hal_board_gpio *pk = hal_board_modem_pwrkey(&d->set.board, bm);
	const struct hal_board_gpio *rs = hal_board_modem_reset(&d->set.board, bm);
	enum hal_board_profile prof = cm && cm->has_profile ? cm->profile : bm->profile;
	struct channel_events ev;
	struct hal_serial *ser = NULL;
	struct channel *ch = NULL;
	struct port_ref *pref = NULL;
	struct modem *m = NULL;
	int rc;

	if (d->n_chans >= DAEMON_MAX_CHANNELS) {
		snprintf(err, err_len, "too many channels (at most %d)", DAEMON_MAX_CHANNELS);
		return -ENOSPC;
	}

	rc = outbox_channel_events(d->outbox, bm->name, &ev);
	if (rc)
		goto fail;
	ser = calloc(1, sizeof(*ser));
	ch = calloc(1, sizeof(*ch));
	pref = calloc(1, sizeof(*pref));
	rc = -ENOMEM;
	if (!ser || !ch || !pref)
		goto fail;
	rc = hal_serial_linux_new(ser);
	if (rc) {
		free(ser);
		ser = NULL;
		goto fail;
	}
	snprintf(pref->spec, sizeof(pref->spec), "%s", bm->port);
	pref->cfg = bm->serial;

	struct modem_config mc = {
	    .name = bm->name,
	    .loop = &d->loop,
	    .serial = ser,
	    .port = bm->port,
	    .serial_cfg = bm->serial,
	    .open_port = bm->port_is_usb ? open_usb_port : NULL,
	    .open_arg = pref,
	    .profile = modem_profile_find(hal_board_profile_str(prof)),
	    .gpio = d->have_gpio ? &d->gpio : NULL,
	    .pwrkey = pk ? pk->name : NULL,
	    .reset = rs ? rs->name : NULL,
	    .pwrkey_ms = pk ? pk->pulse_ms : 0,
	    .reset_ms = rs ? rs->pulse_ms : 0,
	    .pin = cm ? cm->pin : NULL,
	    .smsc = cm && cm->smsc[0] ? cm->smsc : NULL,
	    .own_number = cm && cm->number[0] ? cm->number : NULL,
	    .always_report = cm ? cm->delivery_reports : true,
	    .queue_max = cm ? cm->queue_max : 0,
	    .max_parts = cm ? cm->max_parts : 0,
	    .status_ms = cm ? (int64_t)cm->status_s * 1000 : 0,
	    .sweep_ms = cm ? (int64_t)cm->sweep_s * 1000 : 0,
	    .events = ev,
	};
	rc = modem_new(&m, &mc);
	if (rc)
		goto fail;
	modem_channel_init(ch, m);
	/* From here the daemon owns ch (its destroy frees the modem), ser and
	 * pref (the driver may reopen the port at any time). */
	d->port_refs[d->n_chans] = pref;
	rc = add_channel(d, ch, ser);
	if (rc == 0)
		rc = modem_start(m);
	if (rc) {
		snprintf(err, err_len, "%s: [modem.%s]: %s", d->set.board_path, bm->name,
			 strerror(-rc));
		return rc;
	}
	LOG_INF(&log_wchan, bm->name, "modem on %s (profile %s)", bm->port,
		hal_board_profile_str(prof));
	return 0;
fail:
	snprintf(err, err_len, "%s: [modem.%s] port %s: %s", d->set.board_path, bm->name, bm->port,
		 strerror(-rc));
	free(ch);
	if (ser) {
		hal_serial_destroy(ser);
		free(ser);
	}
	free(pref);
	return rc;
}

static void http_cfg(struct cloud_http_config *h, unsigned req_s, unsigned conn_s,
		     unsigned attempts, unsigned in_flight)
{
	memset(h, 0, sizeof(*h));
	h->request_timeout_ms = (int64_t)req_s * 1000;
	h->connect_timeout_ms = (int64_t)conn_s * 1000;
	h->max_attempts = attempts;
	h->max_in_flight = in_flight;
}

static const char *opt(const char *s)
{
	return s && *s ? s : NULL;
}

static int twilio_start(struct daemon *d, char *err, size_t err_len)
{
	const struct config_twilio *t = &d->set.cfg.twilio;
	struct channel_events ev;
	struct channel *ch = calloc(1, sizeof(*ch));
	int rc = ch ? outbox_channel_events(d->outbox, "twilio", &ev) : -ENOMEM;
	char scu[CONFIG_URL_LEN + 32];

	/* No explicit StatusCallback: the appliance's own receiver under
	 * [api] public_url (POST /callbacks/twilio/status), else polling. */
	if (t->status_callback_url[0]) {
		snprintf(scu, sizeof(scu), "%s", t->status_callback_url);
	} else if (d->set.cfg.api.public_url[0]) {
		const char *pu = d->set.cfg.api.public_url;
		size_t pl = strlen(pu);
		if (pu[pl - 1] == '/')
			pl--;
		snprintf(scu, sizeof(scu), "%.*s/callbacks/twilio/status", (int)pl, pu);
	} else {
		scu[0] = '\0';
	}
	if (rc == 0) {
		struct twilio_config tc = {
		    .name = "twilio",
		    .base_url = opt(t->base_url),
		    .account_sid = t->account_sid,
		    .auth_token = t->auth_token,
		    .api_key_sid = opt(t->api_key_sid),
		    .api_key_secret = opt(t->api_key_secret),
		    .from = opt(t->from),
		    .messaging_service_sid = opt(t->messaging_service_sid),
		    .status_callback_url = opt(scu),
		    .poll_inbound = t->poll_inbound,
		    .poll_interval_ms = (int64_t)t->poll_interval_s * 1000,
		};
		http_cfg(&tc.http, t->request_timeout_s, t->connect_timeout_s, t->max_attempts,
			 t->max_in_flight);
		rc = twilio_channel_new(&d->loop, &tc, &ev, ch);
	}
	if (rc == 0) {
		rc = add_channel(d, ch, NULL);
		LOG_INF(&log_wchan, "twilio", "cloud channel to %s",
			t->base_url[0] ? t->base_url : "https://api.twilio.com");
		return rc;
	}
	free(ch);
	snprintf(err, err_len, "%s:%u: [twilio]: %s", d->set.cfg.source, t->line, strerror(-rc));
	return rc;
}

static int telesign_start(struct daemon *d, char *err, size_t err_len)
{
	const struct config_telesign *t = &d->set.cfg.telesign;
	struct channel_events ev;
	struct channel *ch = calloc(1, sizeof(*ch));
	int rc = ch ? outbox_channel_events(d->outbox, "telesign", &ev) : -ENOMEM;

	if (rc == 0) {
		struct telesign_config tc = {
		    .name = "telesign",
		    .base_url = opt(t->base_url),
		    .customer_id = t->customer_id,
		    .api_key = t->api_key,
		    .message_type = config_telesign_type_str(t->message_type),
		    .poll_status = t->poll_status,
		    .poll_interval_ms = (int64_t)t->poll_interval_s * 1000,
		};
		http_cfg(&tc.http, t->request_timeout_s, t->connect_timeout_s, t->max_attempts,
			 t->max_in_flight);
		rc = telesign_channel_new(&d->loop, &tc, &ev, ch);
	}
	if (rc == 0) {
		rc = add_channel(d, ch, NULL);
		LOG_INF(&log_wchan, "telesign", "cloud channel to %s",
			t->base_url[0] ? t->base_url : "https://rest-ww.telesign.com");
		return rc;
	}
	free(ch);
	snprintf(err, err_len, "%s:%u: [telesign]: %s", d->set.cfg.source, t->line, strerror(-rc));
	return rc;
}

int wire_channels_start(struct daemon *d, char *err, size_t err_len)
{
	const struct hal_board *b = &d->set.board;
	int rc = gpio_start(d, err, err_len);

	if (rc)
		return rc;
	for (size_t i = 0; i < b->n_modems; i++) {
		/* A disabled modem ([modem.X] enabled = false) is still driven, so
		 * inbound keeps arriving; routing sends nothing through it. */
		rc = modem_start_one(d, &b->modems[i], err, err_len);
		if (rc)
			return rc;
	}
	if (d->set.cfg.twilio.present) {
		rc = twilio_start(d, err, err_len);
		if (rc)
			return rc;
	}
	if (d->set.cfg.telesign.present) {
		rc = telesign_start(d, err, err_len);
		if (rc)
			return rc;
	}
	return 0;
}

void wire_channels_stop(struct daemon *d)
{
	/* Stop the modems first: what they still queue fails retryable, and the
	 * outbox (still alive) puts it back in the queue. */
	for (size_t i = 0; i < d->n_chans; i++) {
		struct channel *ch = d->chans[i];
		if (ch && ch->kind == CHANNEL_MODEM)
			modem_stop(ch->ctx);
	}
	for (size_t i = 0; i < d->n_chans; i++) {
		struct channel *ch = d->chans[i];
		if (ch) {
			ch->ops->destroy(ch->ctx);
			free(ch);
		}
		if (d->serials[i]) {
			hal_serial_destroy(d->serials[i]);
			free(d->serials[i]);
		}
		free(d->port_refs[i]);
		d->chans[i] = NULL;
		d->serials[i] = NULL;
		d->port_refs[i] = NULL;
	}
	d->n_chans = 0;
	if (d->have_gpio) {
		hal_gpio_destroy(&d->gpio);
		d->have_gpio = false;
	}
}
