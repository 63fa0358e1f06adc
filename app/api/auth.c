/* Roles, privileges, tokens. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <mbedtls/base64.h>
#include <mbedtls/sha256.h>

#include "api/api_auth.h"

#define B(p) (1u << (p))

#define SALESPERSON                                                                          \
	(B(API_P_NONE) | B(API_P_MSG_SEND) | B(API_P_MSG_READ_OWN) | B(API_P_MSG_WRITE_OWN) | \
	 B(API_P_CONV_READ_BU) | B(API_P_CONTACT_RW) | B(API_P_TPL_OWN))
#define SALES_MANAGER                                                                        \
	(SALESPERSON | B(API_P_TPL_BU) | B(API_P_SEQUENCES) | B(API_P_CHANNEL_ASSIGN))
#define ADMINISTRATOR                                                                        \
	(SALES_MANAGER | B(API_P_MSG_READ_ALL) | B(API_P_CONV_READ_ALL) |                    \
	 B(API_P_CHANNEL_ADMIN) | B(API_P_USER_ADMIN) | B(API_P_TOKEN_ADMIN) |              \
	 B(API_P_WEBHOOK_ADMIN) | B(API_P_CONFIG_ADMIN) | B(API_P_AUDIT_READ))

const uint32_t api_role_privs[API_ROLE_COUNT] = {
	[API_ROLE_SALESPERSON] = SALESPERSON,
	[API_ROLE_SALES_MANAGER] = SALES_MANAGER,
	[API_ROLE_ADMINISTRATOR] = ADMINISTRATOR,
};

static const char *const priv_names[API_P_COUNT] = {
	[API_P_NONE] = "none",
	[API_P_MSG_SEND] = "message.send",
	[API_P_MSG_READ_OWN] = "message.read_own",
	[API_P_MSG_WRITE_OWN] = "message.write_own",
	[API_P_MSG_READ_ALL] = "message.read_all",
	[API_P_CONV_READ_BU] = "conversation.read_bu",
	[API_P_CONV_READ_ALL] = "conversation.read_all",
	[API_P_CONTACT_RW] = "contact.rw",
	[API_P_TPL_OWN] = "template.own",
	[API_P_TPL_BU] = "template.business_unit",
	[API_P_SEQUENCES] = "sequence.manage",
	[API_P_CHANNEL_ASSIGN] = "channel.assign",
	[API_P_CHANNEL_ADMIN] = "channel.admin",
	[API_P_USER_ADMIN] = "user.admin",
	[API_P_TOKEN_ADMIN] = "token.admin",
	[API_P_WEBHOOK_ADMIN] = "webhook.admin",
	[API_P_CONFIG_ADMIN] = "config.admin",
	[API_P_AUDIT_READ] = "audit.read",
};

const char *api_priv_str(enum api_priv p)
{
	return (unsigned)p < API_P_COUNT ? priv_names[p] : "?";
}

bool api_role_has(enum api_role r, enum api_priv p)
{
	if ((unsigned)r >= API_ROLE_COUNT || (unsigned)p >= API_P_COUNT)
		return false;
	return (api_role_privs[r] & B(p)) != 0;
}

static const char *const role_names[API_ROLE_COUNT] = {
	"salesperson",
	"sales_manager",
	"administrator",
};

const char *api_role_str(enum api_role r)
{
	return (unsigned)r < API_ROLE_COUNT ? role_names[r] : "?";
}

int api_role_parse(const char *s)
{
	for (int i = 0; s && i < API_ROLE_COUNT; i++)
		if (strcmp(s, role_names[i]) == 0)
			return i;
	return -EINVAL;
}

int api_sha256(const void *data, size_t len, uint8_t out[API_HASH_LEN])
{
	return mbedtls_sha256_ret(data, len, out, 0) ? -EIO : 0;
}

bool api_ct_equal(const void *a, const void *b, size_t n)
{
	const volatile unsigned char *x = a, *y = b;
	unsigned char d = 0;

	for (size_t i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

int api_token_generate(const struct api_backend *be, char out[API_TOKEN_HEX_LEN + 1],
		       uint8_t hash[API_HASH_LEN])
{
	uint8_t raw[32];
	int rc = be->ops->random(be->ctx, raw, sizeof(raw));

	if (rc)
		return rc;
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	memset(raw, 0, sizeof(raw));
	return api_sha256(out, API_TOKEN_HEX_LEN, hash);
}

int api_token_authenticate(const struct api_backend *be, const char *token, size_t len,
			   struct api_principal *out)
{
	uint8_t h[API_HASH_LEN], stored[API_HASH_LEN];
	int rc;

	/* Malformed tokens are refused without a lookup; the length is not
	 * secret (every token has 64 characters). */
	if (len != API_TOKEN_HEX_LEN)
		return -EACCES;
	if (api_sha256(token, len, h))
		return -EIO;
	rc = be->ops->token_lookup(be->ctx, h, out, stored);
	if (rc == -ENOENT)
		return -EACCES;
	if (rc)
		return rc;
	return api_ct_equal(h, stored, API_HASH_LEN) ? 0 : -EACCES;
}

int api_basic_parse(const char *header, char *user, size_t user_max, char *pass,
		    size_t pass_max)
{
	unsigned char dec[256];
	size_t n = 0, hl;
	const char *colon;

	if (!header || strncasecmp(header, "Basic ", 6) != 0)
		return -EINVAL;
	header += 6;
	hl = strlen(header);
	if (hl == 0 || hl > 340)
		return -EINVAL;
	if (mbedtls_base64_decode(dec, sizeof(dec) - 1, &n, (const unsigned char *)header, hl))
		return -EINVAL;
	dec[n] = 0;
	if (memchr(dec, 0, n))
		return -EINVAL;
	colon = memchr(dec, ':', n);
	if (!colon)
		return -EINVAL;
	if ((size_t)(colon - (char *)dec) >= user_max || n - (size_t)(colon - (char *)dec) > pass_max)
		return -EINVAL;
	memcpy(user, dec, (size_t)(colon - (char *)dec));
	user[colon - (char *)dec] = 0;
	strcpy(pass, colon + 1);
	return 0;
}
