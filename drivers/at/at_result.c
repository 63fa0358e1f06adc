/* Final result codes (V.250 5.7.1, 27.007 9.2, 27.005 3.2.5). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "at/at_errors.h"
#include "at/at_result.h"

const char *at_final_str(enum at_final f)
{
	switch (f) {
	case AT_FINAL_NONE: return "none";
	case AT_FINAL_OK: return "OK";
	case AT_FINAL_CONNECT: return "CONNECT";
	case AT_FINAL_ERROR: return "ERROR";
	case AT_FINAL_CME_ERROR: return "+CME ERROR";
	case AT_FINAL_CMS_ERROR: return "+CMS ERROR";
	case AT_FINAL_NO_CARRIER: return "NO CARRIER";
	case AT_FINAL_BUSY: return "BUSY";
	case AT_FINAL_NO_ANSWER: return "NO ANSWER";
	case AT_FINAL_NO_DIALTONE: return "NO DIALTONE";
	}
	return "?";
}

/* "+CME ERROR: 10", "+CME ERROR: SIM not inserted", "+CME ERROR:10". */
static int error_code(const char *arg, int (*from_text)(const char *))
{
	while (*arg == ' ')
		arg++;
	if (*arg >= '0' && *arg <= '9') {
		char *end;
		errno = 0;
		long v = strtol(arg, &end, 10);
		while (*end == ' ')
			end++;
		if (errno == 0 && *end == '\0' && v <= 65535)
			return (int)v;
		return AT_CODE_NONE;
	}
	int code = from_text(arg);
	return code >= 0 ? code : AT_CODE_NONE;
}

static bool word_line(const char *line, const char *word)
{
	size_t n = strlen(word);
	if (strncmp(line, word, n) != 0)
		return false;
	return line[n] == '\0' || line[n] == ' ';
}

bool at_result_parse(const char *line, struct at_result *out)
{
	struct at_result r = { AT_FINAL_NONE, AT_CODE_NONE };

	if (!line)
		return false;
	if (strcmp(line, "OK") == 0)
		r.final = AT_FINAL_OK;
	else if (strcmp(line, "ERROR") == 0)
		r.final = AT_FINAL_ERROR;
	else if (strncmp(line, "+CME ERROR:", 11) == 0) {
		r.final = AT_FINAL_CME_ERROR;
		r.code = error_code(line + 11, at_cme_from_text);
	} else if (strncmp(line, "+CMS ERROR:", 11) == 0) {
		r.final = AT_FINAL_CMS_ERROR;
		r.code = error_code(line + 11, at_cms_from_text);
	} else if (word_line(line, "CONNECT"))
		r.final = AT_FINAL_CONNECT;
	else if (strcmp(line, "NO CARRIER") == 0)
		r.final = AT_FINAL_NO_CARRIER;
	else if (strcmp(line, "BUSY") == 0)
		r.final = AT_FINAL_BUSY;
	else if (strcmp(line, "NO ANSWER") == 0)
		r.final = AT_FINAL_NO_ANSWER;
	else if (strcmp(line, "NO DIALTONE") == 0 || strcmp(line, "NO DIAL TONE") == 0)
		r.final = AT_FINAL_NO_DIALTONE;
	else
		return false;
	if (out)
		*out = r;
	return true;
}

bool at_result_retryable(const struct at_result *r)
{
	switch (r->final) {
	case AT_FINAL_OK:
	case AT_FINAL_CONNECT:
		return false;
	case AT_FINAL_CME_ERROR:
		return r->code == AT_CODE_NONE || at_cme_retryable(r->code);
	case AT_FINAL_CMS_ERROR:
		return r->code == AT_CODE_NONE || at_cms_retryable(r->code);
	case AT_FINAL_NONE:
	case AT_FINAL_ERROR:
	case AT_FINAL_NO_CARRIER:
	case AT_FINAL_BUSY:
	case AT_FINAL_NO_ANSWER:
	case AT_FINAL_NO_DIALTONE:
		return true;
	}
	return false;
}

char *at_result_format(const struct at_result *r, char *buf, size_t len)
{
	if (!buf || len == 0)
		return buf;
	if (r->final == AT_FINAL_CME_ERROR || r->final == AT_FINAL_CMS_ERROR) {
		bool cme = r->final == AT_FINAL_CME_ERROR;
		if (r->code == AT_CODE_NONE)
			snprintf(buf, len, "%s: ? (unrecognised text)", at_final_str(r->final));
		else
			snprintf(buf, len, "%s: %d (%s)", at_final_str(r->final), r->code,
				 cme ? at_cme_str(r->code) : at_cms_str(r->code));
	} else {
		snprintf(buf, len, "%s", at_final_str(r->final));
	}
	return buf;
}
