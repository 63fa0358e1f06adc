/* The one route table (const data). Exposed for tests: the OpenAPI
 * document test and the role x privilege test iterate over it. */
#ifndef API_ROUTES_H
#define API_ROUTES_H

#include <stdbool.h>
#include <stddef.h>

#include "api/api_auth.h"

enum api_auth_kind {
	API_AUTH_NONE,   /* /health (and /metrics unless configured) */
	API_AUTH_BEARER, /* Authorization: Bearer <token> */
	API_AUTH_BASIC,  /* the Twilio facade: Basic AccountSid:token */
};

struct api_req;
typedef int (*api_handler_fn)(struct api_req *r);

struct api_route {
	const char *method;    /* "GET" "POST" "PUT" "PATCH" "DELETE" */
	const char *pattern;   /* "/api/v1/messages/{id}", "{Sid}.json" segments */
	enum api_auth_kind auth;
	enum api_priv priv;
	bool has_body;
	api_handler_fn fn;
};

extern const struct api_route api_routes[];
extern const size_t api_routes_n;

#define API_MAX_PARAMS 4

/* Match method+path against the table. Returns the route, or NULL with
 * *path_known set when the path matched with another method (405).
 * Captured {params} go to params[] (pointers into buf, a copy of path). */
const struct api_route *api_route_match(const char *method, const char *path, char *buf,
					size_t buf_max, const char *params[API_MAX_PARAMS],
					size_t *n_params, bool *path_known);

#endif
