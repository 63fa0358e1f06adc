/* Test helpers: run tools/mockprovider as a child process (synchronised on
 * its "listening on" line, never on time), talk to its control endpoints,
 * and turn the hal_loop until a condition holds (bounded by a real-time
 * safety cap, never by sleeping). */
#ifndef CLOUD_TEST_MOCK_HARNESS_H
#define CLOUD_TEST_MOCK_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "drivers/channel.h"
#include "hal/loop.h"

#define MOCK_ACCOUNT "AC0123456789abcdef0123456789abcdef"
#define MOCK_TOKEN "test-token-123"
#define MOCK_TS_CUSTOMER "FFFFFFFF-EEEE-DDDD-1234-AB1234567890"
#define MOCK_TS_KEY "dGVzdGtleS1mb3ItdGVsZXNpZ24=" /* base64("testkey-for-telesign") */

struct mock_proc {
	pid_t pid;
	char url[64];
};

/* Start the mock with extra args (NULL-terminated). Returns 0 or -errno. */
int mock_start(struct mock_proc *m, const char *const *extra);
void mock_stop(struct mock_proc *m);
/* POST form to url+path; returns the HTTP status or -1. */
long mock_post(const struct mock_proc *m, const char *path, const char *form);
/* GET url+path as JSON (caller decrefs), or NULL. */
json_t *mock_get_json(const struct mock_proc *m, const char *path);
long mock_stat(const struct mock_proc *m, const char *name);

/* Events recorded by the test's channel_events. */
#define REC_MAX 64
struct recorder {
	unsigned done_count;
	struct channel_outcome done[REC_MAX];
	uint64_t done_id[REC_MAX];
	unsigned parts;
	char part_ref[REC_MAX][CHANNEL_REF_MAX];
	unsigned reports;
	struct channel_report report[REC_MAX];
	unsigned inbound;
	char inbound_ref[REC_MAX][CHANNEL_REF_MAX];
	char inbound_text[REC_MAX][64];
	int inbound_rc; /* what the inbound callback returns */
	unsigned health;
};
void recorder_events(struct recorder *r, struct channel_events *ev);

/* Turn the loop until *counter >= want, at most cap_ms of real time.
 * Returns true when reached. */
bool loop_until(struct hal_loop *l, const unsigned *counter, unsigned want, int64_t cap_ms);

#endif
