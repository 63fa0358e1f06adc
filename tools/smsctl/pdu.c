/* smsctl pdu decode HEX / smsctl pdu encode ...: the JSON contract of
 * issue 3 item 5 (documented in docs/sms.md). Other tools parse this
 * output: keys, types and formats must not change. */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sms/pdu.h"
#include "sms/segment.h"
#include "smsctl.h"

static int smsctl_print(json_t *v)
{
	char *s;

	if (!v) {
		smsctl_err("out of memory");
		return SMSCTL_EXIT_FAIL;
	}
	s = json_dumps(v, 0);
	json_decref(v);
	if (!s) {
		smsctl_err("out of memory");
		return SMSCTL_EXIT_FAIL;
	}
	puts(s);
	free(s);
	return SMSCTL_EXIT_OK;
}

static json_t *smsctl_concat(const struct sms_pdu *m)
{
	if (!m->udhi || !m->udh.concat)
		return json_null();
	return json_pack("{s:i, s:i, s:i}", "ref", (int)m->udh.ref, "total",
			 (int)m->udh.total, "seq", (int)m->udh.seq);
}

/* "text": UTF-8 for GSM-7 / UCS-2, the hex of the octets after the UDH for
 * 8-bit data. */
static json_t *smsctl_text(const struct sms_pdu *m)
{
	char hex[2 * SMS_UD_SEPTETS_MAX + 1];

	if (m->encoding != SMS_ENC_8BIT)
		return json_stringn(m->text, m->text_len);
	if (sms_hex_encode(m->ud, m->ud_len, hex, sizeof(hex)) < 0)
		return NULL;
	return json_string(hex);
}

static json_t *smsctl_decoded(const struct sms_pdu *m)
{
	char ts[SMS_TIME_STR_MAX];
	json_t *o = json_object();
	int bad = !o;

	if (bad)
		return NULL;
	bad |= json_object_set_new(o, "type", json_string(sms_pdu_type_str(m->type)));
	bad |= json_object_set_new(o, "smsc",
				   m->has_smsc ? json_string(m->smsc.number) : json_null());
	bad |= json_object_set_new(o, "number", json_string(m->addr.number));
	if (m->type != SMS_PDU_STATUS_REPORT)
		bad |= json_object_set_new(o, "text", smsctl_text(m));
	bad |= json_object_set_new(o, "encoding", json_string(sms_encoding_str(m->encoding)));
	if (m->type != SMS_PDU_SUBMIT) {
		if (sms_time_format(&m->scts, ts, sizeof(ts)) < 0)
			bad = 1;
		else
			bad |= json_object_set_new(o, "timestamp", json_string(ts));
	}
	bad |= json_object_set_new(o, "concat", smsctl_concat(m));
	if (m->type == SMS_PDU_STATUS_REPORT)
		bad |= json_object_set_new(o, "status", json_integer(m->status));
	if (m->type != SMS_PDU_DELIVER)
		bad |= json_object_set_new(o, "reference", json_integer(m->mr));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int smsctl_pdu_decode(int argc, char **argv)
{
	static struct sms_pdu m;
	int rc;

	if (argc != 2) {
		smsctl_err("usage: smsctl pdu decode HEX");
		return SMSCTL_EXIT_USAGE;
	}
	rc = sms_pdu_decode_hex(argv[1], strlen(argv[1]), &m);
	if (rc < 0) {
		smsctl_err("pdu decode: malformed PDU: %s", strerror(-rc));
		return SMSCTL_EXIT_FAIL;
	}
	return smsctl_print(smsctl_decoded(&m));
}

static const char *smsctl_enc_error(int rc)
{
	switch (rc) {
	case -ERANGE:
		return "text has characters outside the GSM 7-bit alphabet";
	case -EILSEQ:
		return "text is not valid UTF-8";
	case -E2BIG:
		return "text needs more than 255 parts";
	case -EINVAL:
		return "invalid number";
	default:
		return strerror(-rc);
	}
}

static int smsctl_encode_out(const struct sms_encoded_pdu *parts, int n)
{
	json_t *arr = json_array();
	char hex[2 * SMS_PDU_MAX + 1];

	if (!arr)
		return smsctl_print(NULL);
	for (int i = 0; i < n; i++) {
		sms_hex_encode(parts[i].pdu, parts[i].len, hex, sizeof(hex));
		if (json_array_append_new(arr, json_pack("{s:s, s:i}", "pdu", hex, "length",
							 (int)parts[i].tpdu_len)) < 0) {
			json_decref(arr);
			return smsctl_print(NULL);
		}
	}
	return smsctl_print(arr);
}

/* The same text to the same number gets the same reference (the output is
 * reproducible); different messages most likely get different ones, so a
 * phone does not mix the parts of two messages. FNV-1a, low 8 bits. */
static uint16_t smsctl_concat_ref(const char *to, const char *text)
{
	uint32_t h = 2166136261u;

	for (const char *p = to; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	for (const char *p = text; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	return (uint16_t)((h ^ (h >> 8) ^ (h >> 16) ^ (h >> 24)) & 0xFF);
}

static int smsctl_pdu_encode(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "smsc", required_argument, NULL, 's' },
		{ "encoding", required_argument, NULL, 'e' },
		{ "report", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	static struct sms_encoded_pdu parts[SMS_MAX_PARTS];
	struct sms_submit_opts o = { .seg = { .pref = SMS_PREF_AUTO } };
	struct sms_address a;
	const char *text;
	int c, n;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			o.to = optarg;
			break;
		case 's':
			o.smsc = optarg;
			break;
		case 'r':
			o.status_report = true;
			break;
		case 'e':
			if (!strcmp(optarg, "auto"))
				o.seg.pref = SMS_PREF_AUTO;
			else if (!strcmp(optarg, "gsm7"))
				o.seg.pref = SMS_PREF_GSM7;
			else if (!strcmp(optarg, "ucs2"))
				o.seg.pref = SMS_PREF_UCS2;
			else {
				smsctl_err("pdu encode: --encoding must be auto, gsm7 or ucs2");
				return SMSCTL_EXIT_USAGE;
			}
			break;
		default:
			smsctl_err("usage: smsctl pdu encode --to NUMBER [--smsc NUMBER] "
				   "[--encoding auto|gsm7|ucs2] [--report] TEXT");
			return SMSCTL_EXIT_USAGE;
		}
	}
	if (!o.to || optind != argc - 1) {
		smsctl_err("usage: smsctl pdu encode --to NUMBER [--smsc NUMBER] "
			   "[--encoding auto|gsm7|ucs2] [--report] TEXT");
		return SMSCTL_EXIT_USAGE;
	}
	if (sms_address_parse(o.to, &a) < 0) {
		smsctl_err("pdu encode: invalid --to number '%s'", o.to);
		return SMSCTL_EXIT_FAIL;
	}
	if (o.smsc && sms_address_parse(o.smsc, &a) < 0) {
		smsctl_err("pdu encode: invalid --smsc number '%s'", o.smsc);
		return SMSCTL_EXIT_FAIL;
	}
	text = argv[optind];
	o.ref = smsctl_concat_ref(o.to, text);
	n = sms_submit_encode_text(&o, text, strlen(text), parts, SMS_MAX_PARTS);
	if (n < 0) {
		smsctl_err("pdu encode: %s", smsctl_enc_error(n));
		return SMSCTL_EXIT_FAIL;
	}
	return smsctl_encode_out(parts, n);
}

int smsctl_pdu_main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "decode"))
		return smsctl_pdu_decode(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "encode"))
		return smsctl_pdu_encode(argc - 1, argv + 1);
	smsctl_err("usage: smsctl pdu decode HEX | smsctl pdu encode --to NUMBER ... TEXT");
	return SMSCTL_EXIT_USAGE;
}
