/* bench_pdu: PDU decode (hex string -> struct with UTF-8 text) and encode
 * (UTF-8 text -> SUBMIT PDUs) rates on one core, for a single-part GSM-7
 * text, a single-part UCS-2 text and a 5-part GSM-7 text. Prints figures;
 * asserts nothing about time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sms/pdu.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct sms_encoded_pdu parts[8];
static struct sms_pdu msg;
static volatile unsigned sink;

/* Runs for about `secs` seconds; returns operations per second. */
static double bench_decode(char hex[][2 * SMS_PDU_MAX + 1], int n, double secs)
{
	unsigned long ops = 0;
	double t0 = now_s(), t;

	do {
		for (int k = 0; k < 1000; k++)
			for (int i = 0; i < n; i++) {
				if (sms_pdu_decode_hex(hex[i], strlen(hex[i]), &msg) != 0)
					abort();
				sink += msg.text_len;
				ops++;
			}
		t = now_s() - t0;
	} while (t < secs);
	return (double)ops / t;
}

static double bench_encode(const struct sms_submit_opts *o, const char *text, double secs)
{
	unsigned long ops = 0;
	size_t len = strlen(text);
	double t0 = now_s(), t;

	do {
		for (int k = 0; k < 1000; k++) {
			int n = sms_submit_encode_text(o, text, len, parts, 8);
			if (n < 1)
				abort();
			sink += parts[0].len;
			ops += (unsigned long)n;
		}
		t = now_s() - t0;
	} while (t < secs);
	return (double)ops / t;
}

static void run(const char *name, const char *text, double secs)
{
	static char hex[8][2 * SMS_PDU_MAX + 1];
	struct sms_submit_opts o = { .to = "+4915112345678" };
	int n = sms_submit_encode_text(&o, text, strlen(text), parts, 8);
	double enc, dec;

	if (n < 1) {
		fprintf(stderr, "bench_pdu: cannot encode %s (%d)\n", name, n);
		exit(1);
	}
	for (int i = 0; i < n; i++) {
		/* a DELIVER as a modem gives it: SMSC field, SCTS, the same UD */
		struct sms_pdu d;
		uint8_t buf[SMS_PDU_MAX];
		int len;
		if (sms_pdu_decode(parts[i].pdu, parts[i].len, true, &d) != 0)
			abort();
		d.type = SMS_PDU_DELIVER;
		d.has_smsc = true;
		sms_address_parse("+4917000000001", &d.smsc);
		d.scts = (struct sms_time){ 2024, 5, 17, 12, 34, 56, -14 };
		len = sms_pdu_encode(&d, buf, sizeof(buf), NULL);
		if (len < 0)
			abort();
		sms_hex_encode(buf, (size_t)len, hex[i], sizeof(hex[i]));
	}
	dec = bench_decode(hex, n, secs);
	enc = bench_encode(&o, text, secs);
	printf("%-22s parts=%d  decode %10.0f PDUs/s  encode %10.0f PDUs/s\n", name, n, dec, enc);
}

int main(int argc, char **argv)
{
	static char five[5 * 153 + 1];
	double secs = argc > 1 ? atof(argv[1]) : 1.0;

	for (size_t i = 0; i < sizeof(five) - 1; i++)
		five[i] = "The quick brown fox jumps over the lazy dog. "[i % 45];
	five[sizeof(five) - 1] = '\0';
	run("single-part GSM-7",
	    "Your parcel 4711 will be delivered today between 10:00 and 12:00. "
	    "Reply STOP to opt out. Questions? Call +49 30 1234567 (Mon-Fri).",
	    secs);
	run("single-part UCS-2", "Привет! Ваш заказ №4711 доставят сегодня 😀 до 12:00.", secs);
	run("5-part GSM-7", five, secs);
	return 0;
}
