/* The modem as a channel (drivers/channel.h): thin wrappers. */
#include <stdio.h>

#include "modem/modem.h"

static int modem_ch_submit(void *ctx, const struct channel_msg *m)
{
	return modem_submit(ctx, m);
}

static int modem_ch_cancel(void *ctx, uint64_t id)
{
	return modem_cancel(ctx, id);
}

static int modem_ch_health(void *ctx, struct channel_health *out)
{
	return modem_get_health(ctx, out);
}

static void modem_ch_destroy(void *ctx)
{
	modem_destroy(ctx);
}

static const struct channel_ops modem_channel_ops = {
	.submit = modem_ch_submit,
	.cancel = modem_ch_cancel,
	.get_health = modem_ch_health,
	.destroy = modem_ch_destroy,
};

void modem_channel_init(struct channel *ch, struct modem *m)
{
	ch->ops = &modem_channel_ops;
	ch->ctx = m;
	ch->kind = CHANNEL_MODEM;
	snprintf(ch->name, sizeof(ch->name), "%s", modem_name(m));
}
