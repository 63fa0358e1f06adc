/* Shared by wire_api.c (platform ops, server) and wire_crm.c (the backend
 * from app/crm). */
#ifndef FIRMWARE_WIRE_API_PRIV_H
#define FIRMWARE_WIRE_API_PRIV_H

#include <pthread.h>

#include "api/api.h"
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

/* A verified provider callback waiting for the loop thread. */
struct cb_item {
	int kind; /* enum api_callback_kind */
	char *url, *sig, *body;
	size_t len;
	struct cb_item *next;
};

#define WIRE_CB_QUEUE_MAX 1024 /* beyond: 503, the provider retries */

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
	/* provider callbacks (API threads -> loop), under lock */
	struct cb_item *cbs, **cbs_tail;
	unsigned n_cbs;
	hal_waker_id cb_waker;
	bool ready;
	char detail[API_TEXT_MAX];
};

/* The provider callback sink (wire_callbacks.c): queue on API threads,
 * run the channel's callback function on the loop. */
int wire_callbacks_init(struct wire_api *w, char *err, size_t err_len);
void wire_callbacks_config(struct daemon *d, struct api_callbacks_config *out, char *pub,
			   size_t pub_len);
void wire_callbacks_close(struct wire_api *w); /* drops what is queued */

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
