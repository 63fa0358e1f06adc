/* The route table: every route of the API, once. docs/openapi.yaml lists
 * the same paths (a unit test compares them). */
#include <string.h>

#include "api_internal.h"

#define V1 "/api/v1"
#define TW "/2010-04-01/Accounts/{AccountSid}"
#define BEARER API_AUTH_BEARER

const struct api_route api_routes[] = {
	{ "GET", "/health", API_AUTH_NONE, API_P_NONE, false, api_h_health },
	{ "GET", "/metrics", API_AUTH_NONE, API_P_NONE, false, api_h_metrics },

	{ "POST", V1 "/messages", BEARER, API_P_MSG_SEND, true, api_h_msg_create },
	{ "GET", V1 "/messages", BEARER, API_P_MSG_READ_OWN, false, api_h_msg_list },
	{ "POST", V1 "/messages/preview", BEARER, API_P_MSG_SEND, true, api_h_msg_preview },
	{ "GET", V1 "/messages/{id}", BEARER, API_P_MSG_READ_OWN, false, api_h_msg_get },
	{ "POST", V1 "/messages/{id}/cancel", BEARER, API_P_MSG_WRITE_OWN, false,
	  api_h_msg_cancel },

	{ "GET", V1 "/conversations", BEARER, API_P_CONV_READ_BU, false, api_h_conv_list },
	{ "GET", V1 "/conversations/{id}/messages", BEARER, API_P_CONV_READ_BU, false,
	  api_h_conv_messages },

	{ "POST", V1 "/contacts", BEARER, API_P_CONTACT_RW, true, api_h_contact_create },
	{ "GET", V1 "/contacts", BEARER, API_P_CONTACT_RW, false, api_h_contact_list },
	{ "GET", V1 "/contacts/{id}", BEARER, API_P_CONTACT_RW, false, api_h_contact_get },
	{ "PUT", V1 "/contacts/{id}", BEARER, API_P_CONTACT_RW, true, api_h_contact_update },
	{ "DELETE", V1 "/contacts/{id}", BEARER, API_P_CONTACT_RW, false, api_h_contact_delete },

	{ "POST", V1 "/templates", BEARER, API_P_TPL_OWN, true, api_h_tpl_create },
	{ "GET", V1 "/templates", BEARER, API_P_TPL_OWN, false, api_h_tpl_list },
	{ "GET", V1 "/templates/{id}", BEARER, API_P_TPL_OWN, false, api_h_tpl_get },
	{ "PUT", V1 "/templates/{id}", BEARER, API_P_TPL_OWN, true, api_h_tpl_update },
	{ "DELETE", V1 "/templates/{id}", BEARER, API_P_TPL_OWN, false, api_h_tpl_delete },

	{ "POST", V1 "/users", BEARER, API_P_USER_ADMIN, true, api_h_user_create },
	{ "GET", V1 "/users", BEARER, API_P_USER_ADMIN, false, api_h_user_list },
	{ "GET", V1 "/users/{id}", BEARER, API_P_USER_ADMIN, false, api_h_user_get },
	{ "PUT", V1 "/users/{id}", BEARER, API_P_USER_ADMIN, true, api_h_user_update },
	{ "DELETE", V1 "/users/{id}", BEARER, API_P_USER_ADMIN, false, api_h_user_delete },
	{ "POST", V1 "/users/{id}/tokens", BEARER, API_P_TOKEN_ADMIN, true, api_h_token_create },
	{ "GET", V1 "/users/{id}/tokens", BEARER, API_P_TOKEN_ADMIN, false, api_h_token_list },
	{ "DELETE", V1 "/users/{id}/tokens/{token_id}", BEARER, API_P_TOKEN_ADMIN, false,
	  api_h_token_revoke },

	{ "GET", V1 "/channels", BEARER, API_P_CHANNEL_ASSIGN, false, api_h_channel_list },
	{ "GET", V1 "/channels/{name}", BEARER, API_P_CHANNEL_ASSIGN, false, api_h_channel_get },
	{ "PATCH", V1 "/channels/{name}", BEARER, API_P_CHANNEL_ADMIN, true,
	  api_h_channel_update },
	{ "PUT", V1 "/channels/{name}/users/{id}", BEARER, API_P_CHANNEL_ASSIGN, false,
	  api_h_channel_assign },

	{ "POST", V1 "/webhooks", BEARER, API_P_WEBHOOK_ADMIN, true, api_h_webhook_create },
	{ "GET", V1 "/webhooks", BEARER, API_P_WEBHOOK_ADMIN, false, api_h_webhook_list },
	{ "GET", V1 "/webhooks/{id}", BEARER, API_P_WEBHOOK_ADMIN, false, api_h_webhook_get },
	{ "DELETE", V1 "/webhooks/{id}", BEARER, API_P_WEBHOOK_ADMIN, false,
	  api_h_webhook_delete },

	{ "GET", V1 "/audit", BEARER, API_P_AUDIT_READ, false, api_h_audit_list },

	{ "POST", TW "/Messages.json", API_AUTH_BASIC, API_P_MSG_SEND, true, api_h_tw_create },
	{ "GET", TW "/Messages.json", API_AUTH_BASIC, API_P_MSG_READ_OWN, false, api_h_tw_list },
	{ "GET", TW "/Messages/{Sid}.json", API_AUTH_BASIC, API_P_MSG_READ_OWN, false,
	  api_h_tw_get },

	/* No token: the provider's signature is checked by the handler. */
	{ "POST", "/callbacks/twilio/status", API_AUTH_NONE, API_P_NONE, true, api_h_cb_twilio },
	{ "POST", "/callbacks/telesign", API_AUTH_NONE, API_P_NONE, true, api_h_cb_telesign },
};
const size_t api_routes_n = sizeof(api_routes) / sizeof(api_routes[0]);

/* Match one segment: literal, "{name}" or "{name}suffix". */
static bool seg_match(const char *pat, size_t pl, char *seg, size_t sl, const char **cap)
{
	const char *close;
	size_t suf;

	if (pl == 0 || pat[0] != '{') {
		return pl == sl && memcmp(pat, seg, sl) == 0;
	}
	close = memchr(pat, '}', pl);
	if (!close)
		return false;
	suf = pl - (size_t)(close + 1 - pat);
	if (sl <= suf || memcmp(seg + sl - suf, close + 1, suf) != 0)
		return false;
	seg[sl - suf] = 0; /* the capture ends before the suffix */
	*cap = seg;
	return true;
}

static bool path_match(const char *pattern, const char *path, char *buf, size_t buf_max,
		       const char *params[API_MAX_PARAMS], size_t *n_params)
{
	char *segs[16];
	size_t len = strlen(path), ns = 0, k = 0;
	const char *p = pattern + 1;

	if (len + 1 > buf_max || path[0] != '/')
		return false;
	memcpy(buf, path, len + 1);
	for (char *s = buf + 1;;) {
		char *sl;
		if (ns == 16)
			return false;
		segs[ns++] = s;
		sl = strchr(s, '/');
		if (!sl)
			break;
		*sl = 0;
		s = sl + 1;
	}
	*n_params = 0;
	for (;;) {
		const char *pe = strchr(p, '/'), *cap = NULL;
		size_t pl = pe ? (size_t)(pe - p) : strlen(p);

		if (k >= ns || !seg_match(p, pl, segs[k], strlen(segs[k]), &cap))
			return false;
		if (cap) {
			if (*n_params == API_MAX_PARAMS || !*cap)
				return false;
			params[(*n_params)++] = cap;
		}
		k++;
		if (!pe)
			break;
		p = pe + 1;
	}
	return k == ns;
}

const struct api_route *api_route_match(const char *method, const char *path, char *buf,
					size_t buf_max, const char *params[API_MAX_PARAMS],
					size_t *n_params, bool *path_known)
{
	*path_known = false;
	for (size_t i = 0; i < api_routes_n; i++) {
		if (!path_match(api_routes[i].pattern, path, buf, buf_max, params, n_params))
			continue;
		*path_known = true;
		if (strcmp(api_routes[i].method, method) == 0)
			return &api_routes[i];
	}
	return NULL;
}
