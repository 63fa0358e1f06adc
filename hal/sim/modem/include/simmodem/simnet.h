/* simnet: the virtual network and SMSC that simulated modems attach to.
 *
 * A SUBMIT sent by modem A (AT+CMGS) to the number (MSISDN) of modem B is
 * delivered to B as an SMS-DELIVER, routed by B's +CNMI (+CMTI or +CMT). A
 * SUBMIT to any other number goes to the "outside world" log that tests and
 * the control interface read. When the SUBMIT asked for a status report
 * (TP-SRR), an SMS-STATUS-REPORT comes back to A after a configurable delay
 * with a configurable TP-Status.
 *
 * A delivery the modem cannot take (storage full, not registered, +CNMA not
 * given in time, rebooting) stays queued in the network and is retried
 * every retry_ms: nothing is silently lost.
 *
 * Everything runs on one hal_loop (virtual clock in tests, real clock in the
 * modemsim tool). Not thread-safe. */
#ifndef SIMMODEM_SIMNET_H
#define SIMMODEM_SIMNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hal_loop;
struct simmodem;
struct simnet;

struct simnet_config {
	const char *smsc;          /* "+4917..."; NULL: a default */
	int64_t deliver_delay_ms;  /* network transit of an SMS; 0 = next loop turn */
	int64_t report_delay_ms;   /* submit -> status report; < 0: never automatic */
	int report_status;         /* TP-ST of automatic reports (0 = delivered) */
	int64_t retry_ms;          /* retry of a delivery a modem refused (> 0) */
	/* Simulated customer: when set, each message to an outside number is
	 * answered (after reply_delay_ms) from that number with this prefix
	 * followed by the received text. */
	const char *auto_reply;
	int64_t reply_delay_ms;
};

#define SIMNET_CONFIG_DEFAULT                                                                \
	((struct simnet_config){ .smsc = NULL, .deliver_delay_ms = 0, .report_delay_ms = 0,   \
				 .report_status = 0, .retry_ms = 5000, .auto_reply = NULL,    \
				 .reply_delay_ms = 0 })

/* A message that left the network for the outside world (or, for the log's
 * completeness, that went to another simulated modem: internal = true). */
#define SIMNET_NUMBER_MAX 48 /* as SMS_ADDR_MAX: a formatted address */
#define SIMNET_TEXT_MAX 720 /* one part decoded: 160 septets of 3-byte UTF-8 at most */
#define SIMNET_PDU_HEX_MAX 400
struct simnet_sent {
	uint64_t seq;      /* 1, 2, ... in order of submission */
	int64_t at_ms;     /* loop clock at submission */
	char from[SIMNET_NUMBER_MAX];
	char to[SIMNET_NUMBER_MAX];
	int modem;         /* index of the sending modem */
	int mr;            /* TP-MR the modem gave it */
	bool report;       /* TP-SRR was set */
	bool internal;     /* delivered to another simulated modem */
	unsigned ref, total, seq_no; /* concatenation (total 0: single part) */
	char encoding[8];  /* "gsm7" "ucs2" "8bit" */
	char text[SIMNET_TEXT_MAX];
	char pdu[SIMNET_PDU_HEX_MAX + 1]; /* the TPDU as submitted, hex */
};

/* Returns 0, -EINVAL (bad config) or -ENOMEM. */
int simnet_new(struct simnet **out, struct hal_loop *loop, const struct simnet_config *cfg);
/* Modems must be destroyed first. */
void simnet_destroy(struct simnet *net);

const char *simnet_smsc(const struct simnet *net);
void simnet_set_report(struct simnet *net, int64_t delay_ms, int status);

size_t simnet_modem_count(const struct simnet *net);
struct simmodem *simnet_modem(struct simnet *net, size_t index);
/* The modem whose number is number ("+49..." or digits), or NULL. */
struct simmodem *simnet_find(struct simnet *net, const char *number);

/* ---- outside world log ---- */
size_t simnet_sent_count(const struct simnet *net);
/* i-th entry (0 = oldest kept), or NULL. */
const struct simnet_sent *simnet_sent_get(const struct simnet *net, size_t i);
void simnet_sent_clear(struct simnet *net);

/* ---- injection (the outside world sending to a modem) ---- */
struct simnet_inject_opts {
	bool force_ucs2;   /* encode UCS-2 even when GSM-7 fits */
	bool class0;       /* flash message */
	/* Multipart: deliver parts in this order (1-based part numbers, n
	 * entries); NULL = in order. Parts not listed are not delivered (a
	 * missing part). */
	const unsigned *order;
	size_t n_order;
	unsigned ref;      /* concatenation reference; 0 = pick one */
};

/* Text from number from to modem dst (UTF-8, split into parts as needed).
 * Returns the number of parts queued, -EINVAL, -E2BIG, -ERANGE, -ENOTSUP
 * (the SMS codec is not built in) or -ENOMEM. */
int simnet_inject_text(struct simnet *net, struct simmodem *dst, const char *from,
		       const char *text, const struct simnet_inject_opts *opts);
/* A raw SMS-DELIVER or SMS-STATUS-REPORT PDU in hex, SMSC octets first (as
 * a modem prints it in +CMGR). Returns 0, -EINVAL (not hex / bad framing /
 * not a DELIVER or STATUS-REPORT) or -ENOMEM. */
int simnet_inject_pdu(struct simnet *net, struct simmodem *dst, const char *hex);
/* A status report for the message modem src sent with TP-MR mr (the most
 * recent such), with TP-ST status. Returns 0, -ENOENT (no such message),
 * -ENOTSUP or -ENOMEM. */
int simnet_inject_report(struct simnet *net, struct simmodem *src, int mr, int status);

/* Deliveries still queued in the network for modem m (refused or waiting). */
size_t simnet_pending(const struct simnet *net, const struct simmodem *m);

/* Called by the modem when it can take deliveries again (storage freed,
 * registered, +CNMI changed): retries at once instead of after retry_ms. */
void simnet_kick(struct simnet *net, struct simmodem *m);

#endif
