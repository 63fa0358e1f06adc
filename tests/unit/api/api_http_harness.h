/* The harness shared by the HTTP API tests (test_api_http_*.c): a server
 * on 127.0.0.1 port 0 over the fake backend, libcurl calls, raw sockets
 * where curl would be too polite, and the error-shape assertions. */
#ifndef API_HTTP_HARNESS_H
#define API_HTTP_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "api/api.h"
#include "fake_backend.h"

#define ACCT "AC0123456789abcdef0123456789abcdef"

struct env {
	struct fake_backend fb;
	struct api_backend be;
	struct api_server *srv;
	char base[64];
	char admin[65], mgr[65], sales[65], sales2[65];
	uint64_t admin_id, mgr_id, sales_id, sales2_id;
};

struct resp {
	long status;
	char *body;
	size_t len;
	json_t *json;
	char retry_after[16];
	char ctype[80];
};

void resp_free(struct resp *r);
/* One request. auth: "Bearer <tok>" / "Basic ..." / NULL. extra: one more
 * header or NULL. */
struct resp call(struct env *e, const char *method, const char *path, const char *auth,
		 const char *body, const char *extra);
/* "Bearer <tok>" and "Basic base64(ACCT:tok)" (thread-local buffers). */
char *bearer(const char *tok);
char *basic_auth(const char *tok);
/* The API error shape: {"error":{"code":"...","message":"..."}} only;
 * code NULL accepts any code. */
void assert_error(const struct resp *r, long status, const char *code);
void expect_status(const struct resp *r, long status);
/* Server with cfg (NULL: the defaults below) and four users: root
 * (administrator, hq), mia (manager, north), sam and sue (salespeople,
 * north and south). */
int setup_cfg(void **state, const struct api_config *cfg);
/* setup_cfg over other backend ops (of the same fake backend). */
int setup_ops(void **state, const struct api_config *cfg, const struct api_backend_ops *ops);
int setup(void **state);
int teardown(void **state);
/* POST /api/v1/messages; returns the id on 202. */
uint64_t post_msg(struct env *e, const char *tok, const char *body, long want);
int raw_connect(struct env *e);
/* Send req, read the whole answer (until the server closes). */
char *raw_exchange(struct env *e, const char *req, size_t len);
/* The JSON body of a raw HTTP answer, or NULL. */
json_t *raw_json(const char *resp);

#endif
