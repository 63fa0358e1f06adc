/* Roles, privileges and API tokens.
 *
 * The role x privilege matrix is const data (api_role_privs) taken from the
 * roles of the CRM texting feature (issue 6 item 2):
 *   salesperson:   send; read and write own messages; read conversations of
 *                  their business unit; create, edit, delete own templates;
 *                  contacts of their business unit.
 *   sales_manager: all of that, plus business-unit templates, sequences,
 *                  and assigning sending numbers (channels) to users.
 *   administrator: providers and channels, users and tokens, webhooks,
 *                  config, the audit log, and every user's messages and
 *                  conversations. The administrator also holds the
 *                  salesperson's and manager's privileges so that an
 *                  appliance with a single admin token can still send.
 *
 * Tokens: 256 random bits shown once as 64 lowercase hex characters; only
 * their SHA-256 is stored; compared in constant time. */
#ifndef API_AUTH_H
#define API_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/api_backend.h"

enum api_priv {
	API_P_NONE,            /* routes open to every valid token */
	API_P_MSG_SEND,
	API_P_MSG_READ_OWN,
	API_P_MSG_WRITE_OWN,   /* cancel own messages */
	API_P_MSG_READ_ALL,
	API_P_CONV_READ_BU,
	API_P_CONV_READ_ALL,
	API_P_CONTACT_RW,
	API_P_TPL_OWN,
	API_P_TPL_BU,
	API_P_SEQUENCES,
	API_P_CHANNEL_ASSIGN,
	API_P_CHANNEL_ADMIN,   /* providers and channels */
	API_P_USER_ADMIN,
	API_P_TOKEN_ADMIN,
	API_P_WEBHOOK_ADMIN,
	API_P_CONFIG_ADMIN,
	API_P_AUDIT_READ,
	API_P_COUNT
};
const char *api_priv_str(enum api_priv p);

/* The matrix: api_role_privs[role] is a bit set of (1u << priv). */
extern const uint32_t api_role_privs[API_ROLE_COUNT];
bool api_role_has(enum api_role r, enum api_priv p);

#define API_TOKEN_HEX_LEN 64 /* 32 random bytes */

/* New token text (64 hex + NUL) and its SHA-256 from 32 bytes of backend
 * randomness. Returns 0 or the backend's -errno. */
int api_token_generate(const struct api_backend *be, char out[API_TOKEN_HEX_LEN + 1],
		       uint8_t hash[API_HASH_LEN]);
/* SHA-256 of len bytes. Returns 0 or -EIO. */
int api_sha256(const void *data, size_t len, uint8_t out[API_HASH_LEN]);
/* Constant-time equality of n bytes (time depends on n only). */
bool api_ct_equal(const void *a, const void *b, size_t n);

/* Look a presented token up: hash, ask the backend, compare the stored hash
 * in constant time. Returns 0, -EACCES (unknown/revoked/malformed) or a
 * backend -errno. */
int api_token_authenticate(const struct api_backend *be, const char *token, size_t len,
			   struct api_principal *out);

/* Parse "Basic base64(user:password)". user/pass are NUL-terminated.
 * Returns 0 or -EINVAL. */
int api_basic_parse(const char *header, char *user, size_t user_max, char *pass,
		    size_t pass_max);

#endif
