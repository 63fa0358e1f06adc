#include "fake_channel.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int fake_submit(void *ctx, const struct channel_msg *m)
{
	struct fake_channel *f = ctx;

	if (f->submit_rc)
		return f->submit_rc;
	if (f->n == FAKE_MAX)
		return -EBUSY;
	f->ids[f->n] = m->id;
	snprintf(f->from[f->n], sizeof(f->from[0]), "%s", m->from ? m->from : "");
	f->n++;
	return 0;
}

static int fake_cancel(void *ctx, uint64_t id)
{
	struct fake_channel *f = ctx;

	(void)id;
	if (!f->can_cancel)
		return -EBUSY;
	f->canceled++;
	return 0;
}

static int fake_health(void *ctx, struct channel_health *h)
{
	(void)ctx;
	memset(h, 0, sizeof(*h));
	h->can_send = h->registered = true;
	return 0;
}

static void fake_destroy(void *ctx)
{
	(void)ctx;
}

static const struct channel_ops fake_ops = {
	.submit = fake_submit,
	.cancel = fake_cancel,
	.get_health = fake_health,
	.destroy = fake_destroy,
};

void fake_channel_init(struct fake_channel *f, const char *name, enum channel_kind kind)
{
	memset(f, 0, sizeof(*f));
	f->ch.ops = &fake_ops;
	f->ch.ctx = f;
	f->ch.kind = kind;
	snprintf(f->ch.name, sizeof(f->ch.name), "%s", name);
}

void fake_channel_accept(struct fake_channel *f, uint64_t id, unsigned parts)
{
	struct channel_outcome o = { .status = 0, .parts_sent = parts, .parts_total = parts };
	char ref[CHANNEL_REF_MAX];

	for (unsigned k = 0; k < parts; k++) {
		snprintf(ref, sizeof(ref), "%llu-%u", (unsigned long long)id, k);
		f->ev.part_sent(f->ev.arg, id, k, parts, ref);
	}
	f->ev.submit_done(f->ev.arg, id, &o);
}

void fake_channel_fail(struct fake_channel *f, uint64_t id, bool retryable, int code)
{
	struct channel_outcome o = { .status = retryable ? -EAGAIN : -EIO,
				     .retryable = retryable, .code = code };

	snprintf(o.text, sizeof(o.text), "fake error %d", code);
	f->ev.submit_done(f->ev.arg, id, &o);
}

void fake_channel_report(struct fake_channel *f, uint64_t id, unsigned part,
			 enum channel_delivery d)
{
	struct channel_report r = { .state = d };

	snprintf(r.ref, sizeof(r.ref), "%llu-%u", (unsigned long long)id, part);
	f->ev.delivery(f->ev.arg, &r);
}
