/* libFuzzer: the input is a sequence of binary PDUs, each prefixed by its
 * length octet, plus occasional records; every decoded part goes into a
 * small reassembly buffer, and what is stored is taken out again. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sms/pdu.h"
#include "sms/reassembly.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sms_reasm_part slots[6];
	static struct sms_pdu m;
	static char out[6 * 4 * SMS_UD_SEPTETS_MAX + 1];
	struct sms_reasm r;
	struct sms_reasm_key k;
	enum sms_reasm_status st;
	uint64_t now = 0;
	size_t off = 0;

	sms_reasm_init(&r, slots, 6);
	while (off < size) {
		size_t len = data[off++];
		if (len > size - off)
			len = size - off;
		if (len == SMS_REASM_REC_SIZE - 1) {
			/* a record: must load or be refused, never crash */
			uint8_t rec[SMS_REASM_REC_SIZE] = { 0 };
			memcpy(rec, data + off, len);
			(void)sms_reasm_record_load(rec, &slots[now % 6]);
		} else if (sms_pdu_decode(data + off, len, false, &m) == 0 &&
			   sms_reasm_add(&r, &m, now, &k, &st) == 0 && st == SMS_REASM_COMPLETE) {
			if (sms_reasm_take(&r, &k, true, NULL, out, sizeof(out)) < 0)
				__builtin_trap();
		}
		off += len;
		now++;
	}
	while (sms_reasm_oldest(&r, UINT64_MAX, &k) == 0)
		if (sms_reasm_take(&r, &k, true, NULL, out, sizeof(out)) < 0)
			break;
	return 0;
}
