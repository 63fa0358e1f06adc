/* Internal: the Twilio channel's state, shared by twilio.c and
 * twilio_poll.c. */
#ifndef CLOUD_TWILIO_PRIV_H
#define CLOUD_TWILIO_PRIV_H

#include "cloud/twilio.h"
#include "cloud_core.h"

#define TWILIO_PENDING_MAX 4096 /* statuses polled at once */
#define TWILIO_SEEN_MAX 2048    /* inbound sids remembered for dedupe */
#define TWILIO_SID_LEN 34
#define TWILIO_PAGES_MAX 20     /* list pages per poll round */

struct twilio_pending {
	struct twilio_pending *next;
	struct twilio *owner;
	char sid[CHANNEL_REF_MAX];
	char to[CHANNEL_NUMBER_MAX];
	bool busy; /* a GET for it is running */
	bool done; /* final status reported: free once not busy */
};

struct twilio {
	struct cloud_core core;
	char name[32];
	char *base_url;
	char *account_sid;
	char *auth_token;
	char *from;
	char *mss;
	char *status_cb;
	char *messages_url; /* {base}/2010-04-01/Accounts/{AC}/Messages.json */
	bool poll_inbound;
	int64_t poll_interval_ms;

	/* polling */
	hal_timer_id poll_timer;
	struct twilio_pending *pending;
	unsigned pending_count;
	unsigned gets_running;
	unsigned pages_this_round;
	char seen[TWILIO_SEEN_MAX][TWILIO_SID_LEN + 1];
	unsigned seen_next;
};

void twilio_poll_start(struct twilio *t);
void twilio_poll_stop(struct twilio *t);
/* Track an accepted message's status until final (no status callback). */
void twilio_poll_track(struct twilio *t, const char *sid, const char *to);
/* A report arrived another way (callback): stop polling sid. */
void twilio_poll_forget(struct twilio *t, const char *sid);
/* For tests and the daemon: run one poll round now. */
int twilio_poll_now(struct twilio *t);

#endif
