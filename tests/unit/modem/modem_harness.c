#include "modem_harness.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hal/log.h"

static void h_part_sent(void *arg, uint64_t id, unsigned part, unsigned total, const char *ref)
{
	struct h *h = arg;
	if (h->n_parts >= H_MAX)
		return;
	struct h_part *p = &h->parts[h->n_parts++];
	p->id = id;
	p->part = part;
	p->total = total;
	snprintf(p->ref, sizeof(p->ref), "%s", ref);
}

static void h_submit_done(void *arg, uint64_t id, const struct channel_outcome *o)
{
	struct h *h = arg;
	h->total_done++;
	h->total_ok += o->status == 0;
	if (h->n_done >= H_MAX)
		return;
	h->done_id[h->n_done] = id;
	h->done[h->n_done++] = *o;
}

static void h_delivery(void *arg, const struct channel_report *r)
{
	struct h *h = arg;
	if (h->n_reports < H_MAX)
		h->reports[h->n_reports++] = *r;
}

static int h_inbound(void *arg, const struct channel_inbound *m)
{
	struct h *h = arg;
	if (h->inbound_fail) {
		h->inbound_fail--;
		return -EIO;
	}
	if (h->n_in >= H_MAX)
		return -ENOSPC;
	struct h_in *in = &h->in[h->n_in++];
	snprintf(in->from, sizeof(in->from), "%s", m->from);
	snprintf(in->to, sizeof(in->to), "%s", m->to);
	snprintf(in->text, sizeof(in->text), "%.*s", (int)m->text_len, m->text);
	in->ref = m->concat_ref;
	in->total = m->concat_total;
	in->seq = m->concat_seq;
	snprintf(in->src, sizeof(in->src), "%s", m->source_ref);
	return 0;
}

static void h_health(void *arg, const struct channel_health *hl)
{
	struct h *h = arg;
	h->n_health++;
	h->health = *hl;
}

/* The simulated modem's port vanishes (USB re-enumeration): both ends go,
 * then come back; the device end is reopened and re-attached here, the
 * host end by the driver's reopen loop. */
static void h_port_event(void *arg, struct simmodem *sm, bool gone)
{
	struct h *h = arg;
	if (gone) {
		hal_serial_sim_gone(&h->dev);
		hal_serial_sim_gone(&h->host);
		return;
	}
	hal_serial_sim_back(&h->dev);
	hal_serial_sim_back(&h->host);
	struct hal_serial_config cfg = HAL_SERIAL_CONFIG_DEFAULT;
	hal_serial_open(&h->dev, "sim", &cfg);
	simmodem_attach_port(sm, &h->dev);
}

/* A pulse on reset or pwrkey power-cycles the simulated modem (and, when
 * the test says so, clears its faults: a power cycle unwedges it). */
static void h_gpio_observer(void *arg, const char *name, int value, int64_t at_ms)
{
	struct h *h = arg;
	(void)name;
	(void)at_ms;
	if (value != 0)
		return;
	h->pulses++;
	if (h->clear_faults_on_pulse)
		simmodem_fault_clear(h->sm);
	simmodem_reboot(h->sm);
}

int h_setup(struct h *h, const struct h_opts *o)
{
	static const struct h_opts none;
	if (!o)
		o = &none;
	memset(h, 0, sizeof(*h));
	log_set_levels(o->quiet ? "warn" : "info");
	int rc = hal_vclock_new(&h->clock, 1700000000000LL);
	if (rc == 0)
		rc = hal_loop_sim_new(&h->loop, &h->clock);
	if (rc == 0)
		rc = hal_serial_sim_pair_new(&h->host, &h->dev);
	if (rc < 0)
		return rc;
	struct simnet_config nc = SIMNET_CONFIG_DEFAULT;
	nc.report_delay_ms = o->report_delay_ms;
	nc.retry_ms = 1000;
	rc = simnet_new(&h->net, &h->loop, &nc);
	if (rc < 0)
		return rc;
	struct simmodem_config sc = { .name = "sim0", .number = "+4915550000001",
				      .pin = o->sim_pin, .imei = "490154203237518",
				      .imsi = "262011234567890", .iccid = "8949020000012345678",
				      .port_event = h_port_event, .port_arg = h };
	rc = simmodem_new(&h->sm, h->net, &h->loop, &h->dev, &sc);
	if (rc < 0)
		return rc;
	if (o->closed_at_start)
		hal_serial_close(&h->host);
	if (!o->no_gpio) {
		rc = hal_gpio_sim_new(&h->gpio, &h->clock);
		if (rc < 0)
			return rc;
		h->have_gpio = true;
		struct hal_gpio_line pk = { .name = "pwrkey", .output = true };
		struct hal_gpio_line rs = { .name = "reset", .output = true };
		hal_gpio_add_line(&h->gpio, &pk);
		hal_gpio_add_line(&h->gpio, &rs);
		hal_gpio_sim_observe(&h->gpio, h_gpio_observer, h);
	}
	struct modem_config mc = {
		.name = "modem0",
		.loop = &h->loop,
		.serial = &h->host,
		.port = "/dev/sim0",
		.serial_cfg = HAL_SERIAL_CONFIG_DEFAULT,
		.profile = o->profile ? modem_profile_find(o->profile) : NULL,
		.gpio = h->have_gpio ? &h->gpio : NULL,
		.pwrkey = "pwrkey",
		.reset = "reset",
		.pin = o->pin,
		.own_number = o->own_number,
		.always_report = o->want_reports,
		.events = { h_part_sent, h_submit_done, h_delivery, h_inbound, h_health, h },
	};
	rc = modem_new(&h->m, &mc);
	if (rc < 0)
		return rc;
	modem_channel_init(&h->ch, h->m);
	return modem_start(h->m);
}

void h_teardown(struct h *h)
{
	modem_destroy(h->m);
	simmodem_destroy(h->sm);
	simnet_destroy(h->net);
	hal_serial_destroy(&h->host);
	hal_serial_destroy(&h->dev);
	if (h->have_gpio)
		hal_gpio_destroy(&h->gpio);
	hal_loop_destroy(&h->loop);
	hal_vclock_destroy(&h->clock);
	log_set_sink(NULL, NULL);
}

int h_run(struct h *h, int64_t ms)
{
	return hal_loop_sim_advance(&h->loop, ms);
}

bool h_until(struct h *h, enum modem_state st, int64_t max_ms)
{
	for (int64_t t = 0; t <= max_ms; t += 50) {
		if (modem_get_state(h->m) == st)
			return true;
		if (h_run(h, 50) < 0)
			return false;
	}
	return modem_get_state(h->m) == st;
}

int h_send(struct h *h, uint64_t id, const char *to, const char *text, bool report)
{
	struct channel_msg msg = { .id = id, .to = to, .text = text, .text_len = strlen(text),
				   .want_report = report };
	return channel_submit(&h->ch, &msg);
}
