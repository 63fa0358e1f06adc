/* What a modem said to end a command: the final result code.
 *
 * A command's outcome is two things kept apart (Nordic style): the int status
 * of the call (0 or -errno: -ETIMEDOUT, -EIO, -ENODEV, -ECANCELED ...) and,
 * when the modem answered, a struct at_result: which final result code it
 * sent and, for +CME/+CMS ERROR, the code. The modem saying ERROR is not an
 * errno. */
#ifndef AT_RESULT_H
#define AT_RESULT_H

#include <stdbool.h>
#include <stddef.h>

enum at_final {
	AT_FINAL_NONE = 0,    /* no final result (timeout, local error) */
	AT_FINAL_OK,
	AT_FINAL_CONNECT,     /* "CONNECT" or "CONNECT <text>" (V.250) */
	AT_FINAL_ERROR,       /* plain "ERROR" */
	AT_FINAL_CME_ERROR,   /* "+CME ERROR: <n>|<text>" (27.007 9.2) */
	AT_FINAL_CMS_ERROR,   /* "+CMS ERROR: <n>|<text>" (27.005 3.2.5) */
	AT_FINAL_NO_CARRIER,
	AT_FINAL_BUSY,
	AT_FINAL_NO_ANSWER,
	AT_FINAL_NO_DIALTONE,
};

/* code when the modem gave no number, or verbose text we could not map. */
#define AT_CODE_NONE (-1)

struct at_result {
	enum at_final final;
	int code; /* CME/CMS code, else AT_CODE_NONE */
};

const char *at_final_str(enum at_final f);

/* Classify one line (no line end). Returns true and fills *out when the line
 * is a final result code; false (and *out untouched) otherwise. Verbose
 * "+CME ERROR: SIM not inserted" is mapped to its number when known. */
bool at_result_parse(const char *line, struct at_result *out);

static inline bool at_result_ok(const struct at_result *r)
{
	return r->final == AT_FINAL_OK;
}

/* True when trying the same command again later may succeed (network
 * congestion, SIM busy, SC busy ...), from the CME/CMS table. Plain ERROR
 * and NO CARRIER-style finals count as retryable; OK is not. */
bool at_result_retryable(const struct at_result *r);

/* "OK", "+CMS ERROR: 322 (memory full)", "+CME ERROR: 10 (SIM not inserted)".
 * Always NUL-terminates when len > 0. Returns buf. */
char *at_result_format(const struct at_result *r, char *buf, size_t len);

#endif
