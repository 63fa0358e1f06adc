/* mockprovider: a local stand-in for Twilio's Messages API and Telesign's
 * Messaging API, for tests, the benchmark and the demo. See docs/cloud.md. */
#ifndef MOCKPROVIDER_MOCK_H
#define MOCKPROVIDER_MOCK_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "cloud/cloud.h"

#define MOCK_MSGS_MAX 200000

struct mock_msg {
	char sid[40];
	char to[32];
	char from[32];
	char *body;
	char direction[16]; /* "outbound-api", "inbound" */
	time_t created;
	unsigned fetches;
	bool telesign;
};

struct mock_faults {
	unsigned n429;        /* next N provider requests: 429 */
	unsigned retry_after; /* seconds, sent with 429 (0: no header) */
	unsigned n5xx;        /* next N: 503 */
	unsigned slow_ms;     /* delay every provider answer */
	unsigned hang;        /* next N: never answered */
	unsigned malformed;   /* next N: 2xx with a broken JSON body */
	unsigned status_after; /* fetches before a message is final (default 1) */
	char final_status[24]; /* Twilio status when final (default delivered) */
	int final_error;       /* Twilio error_code when final (0: null) */
	int telesign_final;    /* Telesign status code when final (default 200) */
};

struct mock_counts {
	unsigned long requests, creates, fetches, lists, ts_sends, ts_status;
	unsigned long faults_429, faults_5xx, faults_hang, faults_malformed, callbacks;
};

struct mock {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stopping;
	const char *account_sid;
	const char *auth_token;
	const char *ts_customer;
	const char *ts_key;
	bool callbacks; /* POST status callbacks when asked (StatusCallback) */
	struct mock_faults faults;
	struct mock_counts counts;
	struct mock_msg *msgs;
	size_t nmsgs;
	unsigned long seq;
	char last_create[4096]; /* the latest create's form body, raw */
	char last_auth[256];
	char last_path[256];
	unsigned callbacks_running;
};

/* One request being received. */
struct mock_req {
	char *body;
	size_t len;
	size_t cap;
	bool too_big;
};

/* Reply helpers (main.c). */
enum MHD_Result mock_reply(struct MHD_Connection *c, unsigned status, const char *json,
			   const char *retry_after);
enum MHD_Result mock_reply_json(struct MHD_Connection *c, unsigned status, void *json_t_root);
/* Basic auth check: true when user/pass match (pass NULL: any). */
bool mock_auth_ok(struct MHD_Connection *c, const char *user, const char *pass);

/* Provider endpoints (providers.c). Called with m->lock NOT held. */
enum MHD_Result mock_twilio(struct mock *m, struct MHD_Connection *c, const char *method,
			    const char *url, const struct mock_req *r);
enum MHD_Result mock_telesign(struct mock *m, struct MHD_Connection *c, const char *method,
			      const char *url, const struct mock_req *r);
/* Add a message; returns its index or -1. Lock held. */
long mock_msg_add(struct mock *m, const char *to, const char *from, const char *body,
		  const char *direction, bool telesign);

#endif
