/* Shared between the PDU codec's files; not part of the public API. */
#ifndef SMS_PDU_INTERNAL_H
#define SMS_PDU_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "sms/pdu.h"

/* An address field at p (avail octets). smsc_form: the length octet counts
 * octets (TOA included), else semi-octets (TP-OA/DA/RA). Returns the octets
 * consumed or -EINVAL. */
int sms_addr_decode(const uint8_t *p, size_t avail, int smsc_form, struct sms_address *a);
/* Returns octets written, -EINVAL (bad number) or -E2BIG. */
int sms_addr_encode(const struct sms_address *a, int smsc_form, uint8_t *out, size_t max);

/* 7 semi-octet-swapped octets. -EINVAL for a non-decimal digit. */
int sms_time_decode(const uint8_t *p, struct sms_time *t);
/* -EINVAL when a field does not fit two digits (year 2000..2099). */
int sms_time_encode(const struct sms_time *t, uint8_t *out);

/* 0..15 for a hex digit, 0xFF otherwise. */
extern const uint8_t sms_hex_val[256];

#endif
