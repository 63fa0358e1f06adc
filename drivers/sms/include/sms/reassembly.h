/* Reassembly of concatenated messages (TS 23.040 9.2.3.24.1). Pure and
 * bounded: the caller gives the slot array (one slot per stored part) and
 * the clock values; nothing is allocated.
 *
 * Parts are keyed by (originator, reference, total). They may come in any
 * order; a part whose seq is already stored is a duplicate and is ignored
 * (the first copy is kept). A missing part never makes the codec drop
 * anything: the caller decides by its own timeout (sms_reasm_oldest) and
 * takes the incomplete message with the parts present (sms_reasm_take).
 *
 * Persistence: each slot is a fixed-size record. sms_reasm_record_save()
 * writes it in a fixed byte format (below), independent of the compiler's
 * struct layout, so the store can keep the slots across a reboot and give
 * them back with sms_reasm_record_load().
 *
 * Record format, SMS_REASM_REC_SIZE (226) octets, integers little-endian:
 *   0      version (1)
 *   1      flags: bit 0 = slot used
 *   2      seq (1..total)          3   total (2..255)
 *   4      encoding (0 gsm7, 1 ucs2, 2 8bit)
 *   5      locking-shift language   6   single-shift language
 *   7      payload length (septets for gsm7, else octets; <= 160 / 140)
 *   8..9   reference                10..17 arrival time (caller's clock)
 *   18..65 originator, UTF-8, NUL-padded (48 octets, NUL-terminated)
 *   66..225 payload: unpacked septets or octets, zero-padded
 */
#ifndef SMS_REASSEMBLY_H
#define SMS_REASSEMBLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sms/pdu.h"

#define SMS_REASM_REC_SIZE 226
#define SMS_REASM_VERSION 1

struct sms_reasm_part {
	bool used;
	uint8_t seq;
	uint8_t total;
	uint8_t encoding; /* enum sms_encoding */
	uint8_t lang_locking;
	uint8_t lang_single;
	uint8_t len;
	uint16_t ref;
	uint64_t arrived;
	char originator[SMS_ADDR_MAX];
	uint8_t payload[SMS_UD_SEPTETS_MAX];
};

struct sms_reasm {
	struct sms_reasm_part *slots;
	size_t cap;
};

struct sms_reasm_key {
	char originator[SMS_ADDR_MAX];
	uint16_t ref;
	uint8_t total;
};

enum sms_reasm_status {
	SMS_REASM_SINGLE,    /* not a concatenated part: nothing stored */
	SMS_REASM_STORED,    /* stored; parts still missing */
	SMS_REASM_DUPLICATE, /* this seq was already stored: ignored */
	SMS_REASM_COMPLETE,  /* stored, and every part is now present */
};
const char *sms_reasm_status_str(enum sms_reasm_status s);

struct sms_reasm_info {
	struct sms_reasm_key key;
	unsigned present;	    /* parts stored */
	bool complete;		    /* present == key.total */
	uint8_t have[32];	    /* bit (seq-1): part seq is present */
	enum sms_encoding encoding; /* of the lowest part present */
	uint64_t first_arrived;
};

/* Use cap slots (all cleared). */
void sms_reasm_init(struct sms_reasm *r, struct sms_reasm_part *slots, size_t cap);

/* Offer a decoded DELIVER or SUBMIT (the originator is p->addr). key is set
 * in every case. Returns 0, -EINVAL (a status report), or -ENOSPC (no free
 * slot: nothing stored; take the oldest message first). */
int sms_reasm_add(struct sms_reasm *r, const struct sms_pdu *p, uint64_t now,
		  struct sms_reasm_key *key, enum sms_reasm_status *st);

/* The key of the stored message whose first part arrived earliest, if that
 * was before `before` (use UINT64_MAX for any). 0 or -ENOENT. */
int sms_reasm_oldest(const struct sms_reasm *r, uint64_t before, struct sms_reasm_key *key);

/* What is stored for key. 0 or -ENOENT. */
int sms_reasm_info(const struct sms_reasm *r, const struct sms_reasm_key *key,
		   struct sms_reasm_info *info);

/* The message's text from the parts present, in seq order: UTF-8 for GSM-7
 * and UCS-2 parts (an escape or a surrogate pair split across two parts is
 * joined), the octets for 8-bit parts. NUL-terminated when there is room.
 * With remove, the slots are freed (only on success). Returns the bytes
 * written (NUL excluded), -ENOENT, or -E2BIG (nothing freed). */
int sms_reasm_take(struct sms_reasm *r, const struct sms_reasm_key *key, bool remove,
		   struct sms_reasm_info *info, char *out, size_t max);

/* Slot <-> record (format above). load: -EINVAL for a record that is not
 * valid (bad version, lengths, seq/total, unterminated originator). */
void sms_reasm_record_save(const struct sms_reasm_part *p, uint8_t *rec);
int sms_reasm_record_load(const uint8_t *rec, struct sms_reasm_part *p);

#endif
