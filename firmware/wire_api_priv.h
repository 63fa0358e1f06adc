/* Shared by wire_api.c (platform ops, server) and wire_crm.c (the backend
 * from app/crm). */
#ifndef FIRMWARE_WIRE_API_PRIV_H
#define FIRMWARE_WIRE_API_PRIV_H

#include <pthread.h>

#include "api/api_backend.h"
#include "daemon.h"

struct store_msg;

struct loop_call {
	int (*fn)(struct daemon *d, void *arg);
	void *arg;
	int rc;
	bool done;
	struct loop_call *next;
};

struct wire_api {
	struct daemon *d;
	struct api_server *srv;
	/* What the composition root provides (wire_api_platform_ops). */
	struct api_backend_ops platform_ops;
	struct api_backend platform;
	/* What the API server uses: crm's. */
	struct api_backend be;
	char sid[CRED_SID_LEN]; /* the Twilio facade's AccountSid, "" = none */

	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct loop_call *calls;
	bool closed;
	hal_waker_id waker;
	bool ready;
	char detail[API_TEXT_MAX];
};

/* Run fn(d, arg) on the loop thread and return its result; -EAGAIN once
 * the API is stopping. From API threads only (never the loop thread). */
int wire_loop_call(struct wire_api *w, int (*fn)(struct daemon *, void *), void *arg);
/* Bounded copy (the API validated lengths on the way in). */
void wire_cp(char *dst, size_t len, const char *src);
/* The platform ops: health, wake, metrics (modems only), msg_cancel,
 * channel_list/get/set_enabled. ctx is the struct wire_api. */
void wire_api_platform_ops(struct api_backend_ops *ops);
int wire_op_metrics_modems(void *ctx, struct api_metrics *out);
int wire_msg_get(struct daemon *d, uint64_t id, struct api_msg *out);
void wire_msg_to_api(const struct store_msg *s, struct api_msg *a);

/* Fill be with the backend the API server uses and sid with the Twilio
 * facade's AccountSid; start the webhook worker (wire_crm.c). */
int wire_backend_start(struct daemon *d, struct api_backend *be, char sid[CRED_SID_LEN], char *err,
		       size_t err_len);

#endif
