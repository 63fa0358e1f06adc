/* The SMS codec in one include: alphabets, segmentation, PDUs, reassembly.
 * See docs/sms.md. */
#ifndef SMS_SMS_H
#define SMS_SMS_H

#include "sms/alphabet.h"
#include "sms/pdu.h"
#include "sms/reassembly.h"
#include "sms/segment.h"

#endif
