/* libFuzzer: binary and hex decoding of any input; a decoded message
 * re-encodes without error beyond -EINVAL/-E2BIG and decodes again. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sms/pdu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sms_pdu m, m2;
	static uint8_t out[SMS_PDU_MAX];
	int n;

	(void)sms_pdu_decode_hex((const char *)data, size, &m);
	(void)sms_pdu_decode(data, size, false, &m);
	if (sms_pdu_decode(data, size, true, &m) != 0)
		return 0;
	if (m.text_len >= sizeof(m.text) || m.text[m.text_len] != '\0')
		__builtin_trap();
	n = sms_pdu_encode(&m, out, sizeof(out), NULL);
	if (n < 0)
		return 0;
	/* What we encode we must be able to read back. */
	if (sms_pdu_decode(out, (size_t)n, true, &m2) != 0)
		__builtin_trap();
	if (m2.type != m.type || m2.ud_len != m.ud_len ||
	    memcmp(m2.ud, m.ud, m.ud_len) != 0 || strcmp(m2.addr.number, m.addr.number) != 0)
		__builtin_trap();
	return 0;
}
