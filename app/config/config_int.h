/* Internal to app/config: the parse state shared by the reader
 * (config_parse.c), the key tables (config_keys.c), the value checks
 * (config_values.c) and the whole-file checks and diff (config_check.c). */
#ifndef CONFIG_INT_H
#define CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"
#include "hal/ini.h"

enum cfg_kind {
	CFG_DAEMON,
	CFG_STORE,
	CFG_OUTBOX,
	CFG_API,
	CFG_WEBHOOKS,
	CFG_ROUTING,
	CFG_TWILIO,
	CFG_TELESIGN,
	CFG_MODEM,
	CFG_ROUTE,
	CFG_KIND_COUNT,
};

#define CFG_MAX_KEYS 32
#define CFG_MAX_SECTIONS (CFG_KIND_COUNT + CONFIG_MAX_MODEMS + CONFIG_MAX_ROUTES)

struct cfg_parse;
struct cfg_key;

/* A key's setter: checks value, stores it at obj + key->off and returns 0,
 * or reports through cfg_fail() and returns -EINVAL. */
typedef int (*cfg_set_fn)(struct cfg_parse *st, const struct cfg_key *k, void *obj,
			  const char *value);

/* Key flags. */
#define CK_LIVE	  0x1u /* SIGHUP applies it without a restart */
#define CK_STRING 0x2u /* the field is a NUL-terminated string */
#define CK_SECRET 0x4u /* never print the value */

struct cfg_key {
	const char *name;
	cfg_set_fn set;
	size_t off;  /* field in the section's struct */
	size_t size; /* field size */
	long min, max;
	const void *arg; /* setter-specific: enum names, charset, SID prefix */
	unsigned flags;
	size_t off2; /* KEY_file: where the secret itself goes */
};

struct cfg_kind_desc {
	const char *prefix; /* "daemon", "modem"... */
	bool named;	    /* [modem.NAME] vs [api] */
	const struct cfg_key *keys;
	size_t n_keys;
};

struct cfg_section {
	enum cfg_kind kind;
	char name[CONFIG_NAME_LEN]; /* NAME of [kind.NAME], "" otherwise */
	int line;		    /* line of the [header] */
	int key_line[CFG_MAX_KEYS]; /* line of each key, 0 = not set */
	void *obj;
};

struct cfg_parse {
	struct hal_ini ini;		/* reader, line numbers, first error */
	char base_dir[CONFIG_PATH_LEN]; /* for relative KEY_file paths */
	/* result */
	struct smsrelay_config c;
	struct cfg_section sects[CFG_MAX_SECTIONS];
	size_t n_sects;
	int cur; /* section of the previous key, -1 before the first */
};

/* Record the first error at line (see hal_ini_fail). Always -EINVAL. */
#define cfg_fail(st, line, ...) hal_ini_fail(&(st)->ini, (line), __VA_ARGS__)

const struct cfg_kind_desc *cfg_kind_desc(enum cfg_kind kind);
/* Section prefix -> kind; -1 when unknown. */
int cfg_kind_lookup(const char *prefix, size_t len);
/* Index of key in kind's table, or -1. */
int cfg_key_index(enum cfg_kind kind, const char *key);
/* The section object (struct in st->c) for a single section kind. */
void *cfg_single_obj(struct smsrelay_config *c, enum cfg_kind kind);

/* A [modem.NAME] with its defaults. */
void config_modem_defaults(struct config_modem *m, const char *name);

/* Whole-file checks once every key is read (config_check.c). */
int cfg_finish(struct cfg_parse *st);

/* Setters (config_values.c); see config_keys.c for their arg. */
int cfg_set_bool(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v);
int cfg_set_uint(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v);
int cfg_set_int(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v);
int cfg_set_enum(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v);
int cfg_set_text(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v);
int cfg_set_abs_path(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v);
int cfg_set_board(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v);
int cfg_set_url(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v);
int cfg_set_log(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v);
int cfg_set_bind(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v);
int cfg_set_sid(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v);
int cfg_set_sender(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v);
int cfg_set_e164(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v);
int cfg_set_secret(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v);
int cfg_set_secret_file(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v);
int cfg_set_profile(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v);
int cfg_set_numbers(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v);
int cfg_set_countries(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v);
int cfg_set_prefixes(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v);
int cfg_set_channels(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v);

/* Charsets for cfg_set_text / cfg_set_secret (the key's arg); hal/ini.h
 * has the other two, hal_ini_cs_name (letters, digits, '_' '-') and
 * hal_ini_cs_token (printable ASCII without blanks). */
extern const struct hal_ini_charset cfg_cs_base64; /* A-Z a-z 0-9 + / = */
extern const struct hal_ini_charset cfg_cs_digits; /* 0-9 */

bool cfg_name_ok(const char *s, size_t len);
/* "+" and 1..15 digits. */
bool cfg_prefix_ok(const char *s);

#endif
