/* A fake channel for outbox tests: records what it was given; the test
 * plays the network by calling the events itself (never from inside
 * submit, as the contract says). */
#ifndef TEST_FAKE_CHANNEL_H
#define TEST_FAKE_CHANNEL_H

#include "drivers/channel.h"

#define FAKE_MAX 256

struct fake_channel {
	struct channel ch;
	struct channel_events ev;
	int submit_rc;           /* what submit returns (0: takes it) */
	bool can_cancel;
	unsigned n;              /* messages taken */
	uint64_t ids[FAKE_MAX];
	char from[FAKE_MAX][CHANNEL_NUMBER_MAX];
	unsigned canceled;
};

/* name e.g. "modem0"; kind for preferences. */
void fake_channel_init(struct fake_channel *f, const char *name, enum channel_kind kind);
/* The network accepted msg id: parts part_sent with refs "<id>-<k>", then
 * submit_done ok. */
void fake_channel_accept(struct fake_channel *f, uint64_t id, unsigned parts);
void fake_channel_fail(struct fake_channel *f, uint64_t id, bool retryable, int code);
void fake_channel_report(struct fake_channel *f, uint64_t id, unsigned part,
			 enum channel_delivery d);

#endif
