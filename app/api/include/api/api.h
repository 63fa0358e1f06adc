/* api: the appliance's HTTP API for CRMs on libmicrohttpd.
 *
 *   REST + JSON under /api/v1 (docs/openapi.yaml, docs/api.md), GET /health,
 *   GET /metrics (Prometheus text), a Twilio-compatible facade under
 *   /2010-04-01/Accounts/{AccountSid}/Messages*, and the providers' signed
 *   status callbacks under /callbacks/ (struct api_callbacks_config).
 *
 * The server runs in libmicrohttpd's own threads and talks to the rest of
 * the appliance only through struct api_backend (api_backend.h): the store
 * for durability and backend->ops->wake() to nudge the outbox. */
#ifndef API_API_H
#define API_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/api_backend.h"

/* Provider callbacks: POST /callbacks/twilio/status (Twilio's
 * StatusCallback, form body, X-Twilio-Signature) and POST
 * /callbacks/telesign (JSON body, "Authorization: TSA cid:sig"). The API
 * verifies the signature on its own thread (403 before anything is acted
 * on) and hands the verified request to the sink, which queues it for the
 * loop thread (the channels are not thread-safe). */
enum api_callback_kind {
	API_CB_TWILIO_STATUS,
	API_CB_TELESIGN,
	API_CB_COUNT
};
const char *api_callback_kind_str(enum api_callback_kind k); /* "twilio_status" "telesign" */

/* A verified callback. Pointers are valid during deliver() only. */
struct api_callback {
	enum api_callback_kind kind;
	const char *url;       /* Twilio: the URL that was signed; Telesign: "" */
	const char *signature; /* X-Twilio-Signature / the Authorization header */
	const char *body;      /* raw body, body_len bytes, NUL-terminated */
	size_t body_len;
};

struct api_callback_sink {
	/* Called on an API thread after the signature checked out: copy what
	 * is needed, queue it for the loop thread, wake the loop, return.
	 * Returns 0, -ENOMEM (-> 500) or -EAGAIN (stopping -> 503, the
	 * provider retries). NULL deliver: every callback route is 404. */
	int (*deliver)(void *ctx, const struct api_callback *cb);
	void *ctx;
};

struct api_callbacks_config {
	/* The base URL the provider reaches this API at ("https://relay.example
	 * .com", no trailing slash needed): Twilio signs public_url + path +
	 * query. NULL: the Twilio route answers 404. */
	const char *public_url;
	/* Twilio's signing key: the account's auth token. NULL: 404. */
	const char *twilio_auth_token;
	/* Telesign: both or the route answers 404. */
	const char *telesign_customer_id;
	const char *telesign_api_key;
	struct api_callback_sink sink;
};

struct api_config {
	/* Numeric IPv4 or IPv6 address to bind; required: the server never
	 * binds every interface by default ("0.0.0.0" / "::" only when named). */
	const char *bind_addr;
	uint16_t port;               /* 0: the kernel picks (api_server_port) */
	/* HTTPS when both are set (PEM text). Plain HTTP is refused on a
	 * non-loopback address unless allow_plain_http. */
	const char *tls_cert_pem;
	const char *tls_key_pem;
	bool allow_plain_http;
	size_t max_body;             /* bytes; 0: 65536. Larger -> 413 */
	size_t max_header_bytes;     /* all request headers; 0: 8192. -> 431 */
	unsigned max_connections;    /* 0: 256 */
	unsigned per_ip_connections; /* 0: 64 */
	unsigned timeout_s;          /* idle time per connection; 0: 30 */
	unsigned threads;            /* MHD thread pool; 0: 4 */
	unsigned rate_per_min;       /* requests per token per minute; 0: unlimited */
	/* The facade's account: "AC" + 32 hex. NULL disables the facade. */
	const char *twilio_account_sid;
	/* 16 hex chars mixed into every message SID ("SM" + 16 + 16 hex of the
	 * id); NULL: 16 zeros. */
	const char *twilio_sid_prefix;
	bool metrics_need_auth;      /* GET /metrics needs a token */
	struct api_callbacks_config callbacks; /* copied at start */
};

struct api_server;

/* Validate cfg, then listen. Returns 0, -EINVAL (bad address, plain HTTP on
 * a non-loopback address, cert without key, bad account sid: each logged
 * with the reason), -ENOTSUP (HTTPS asked but libmicrohttpd has no TLS), or
 * -EADDRINUSE / -EIO when libmicrohttpd cannot start. */
int api_server_start(struct api_server **out, const struct api_config *cfg,
		     const struct api_backend *be);
/* The bound port (useful with port 0). */
uint16_t api_server_port(const struct api_server *s);
/* Stops accepting, finishes requests in flight, frees. NULL is fine. */
void api_server_stop(struct api_server *s);

/* Replace the callback keys (SIGHUP: rotated auth token, new public URL);
 * the sink stays. Thread-safe against requests in flight. Returns 0,
 * -ENOMEM (the old keys stay) or -EINVAL. */
int api_server_set_callbacks(struct api_server *s, const struct api_callbacks_config *cb);
/* New per-token rate (0: unlimited) and body limit (1024.. bytes) while
 * running (SIGHUP): requests that come after use them. 0 or -EINVAL. */
int api_server_set_limits(struct api_server *s, unsigned rate_per_min, size_t max_body);

/* Whether this libmicrohttpd was built with TLS. */
bool api_tls_supported(void);

/* HTTP status for a backend -errno (table in api_backend.h). */
int api_errno_status(int err);

#endif
