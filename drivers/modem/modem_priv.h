/* The modem driver's instance state, shared by its .c files only. */
#ifndef MODEM_PRIV_H
#define MODEM_PRIV_H

#include "at/at_chat.h"
#include "hal/log.h"
#include "modem/modem.h"
#include "sms/pdu.h"

#define MODEM_RESP_MAX 4096
#define MODEM_JOBS_MAX 64      /* storage indices waiting to be read/deleted */
#define MODEM_TX_PARTS_MAX 16
#define MODEM_SENT_MAX 256     /* sent parts remembered for report matching */
#define MODEM_SEEN_MAX 128     /* TPDU hashes of messages already delivered */
#define MODEM_CNMA_MAX 8

struct modem;
typedef void (*modem_done_fn)(struct modem *m, int status, const struct at_result *res,
			      const struct at_resp *resp);

/* A message slot in the modem's storage. */
struct modem_job {
	char mem[8];
	long index;
};

struct modem_tx {
	uint64_t id;
	char to[CHANNEL_NUMBER_MAX];
	bool report;
	bool canceled;
	unsigned n_parts, next;
	int64_t queued_ms;
	struct sms_encoded_pdu parts[MODEM_TX_PARTS_MAX];
};

struct modem_sent {
	bool used;
	uint8_t mr;
	int64_t at_ms;
	char to[CHANNEL_NUMBER_MAX];
	char ref[CHANNEL_REF_MAX];
};

struct modem {
	char name[32];
	struct modem_config cfg; /* strings below point into this struct */
	char port[128];
	char pin[16];
	char smsc_cfg[32];
	char own_number[CHANNEL_NUMBER_MAX]; /* "" unknown */
	char pwrkey[32];
	char reset[32];
	const struct modem_profile *p;
	struct hal_loop *loop;
	struct at_chat *chat;
	bool port_open;

	enum modem_state st;
	unsigned step;       /* sub-step inside the state */
	unsigned probe_left; /* "AT" probes left (sync, recovery) */
	bool waiting;        /* a state timer is pending: the pump waits */
	hal_timer_id kick_timer, state_timer, poll_timer, sweep_timer;

	/* the command in flight */
	modem_done_fn cur;
	char resp[MODEM_RESP_MAX];
	char cmd[AT_CHAT_CMD_MAX];
	char pdu_hex[SMS_PDU_MAX * 2 + 1];

	/* status */
	bool registered;
	int reg_stat;        /* the deciding one, -1 unknown */
	int reg[3];          /* last stat per enum at_reg_cmd, -1 unknown */
	unsigned tries;      /* retries of the current step (SIM busy ...) */
	int signal_dbm;
	char oper[32];
	char smsc[32];
	char imei[20], imsi[20], iccid[24];
	bool health_known;
	struct channel_health health;
	int64_t status_due;  /* mono ms of the next status poll */
	unsigned status_step;

	/* SIM */
	bool pin_sent;       /* sent since the last SIM PIN prompt */
	bool pin_rejected;   /* never again without modem_restart */
	int pin_left;
	char error[128];

	/* recovery */
	enum modem_rung rung;
	unsigned ladder_cycles;
	int64_t reopen_delay;

	/* receive */
	char mem1[8];        /* current <mem1> (read/delete storage) */
	struct modem_job rq[MODEM_JOBS_MAX];
	size_t rq_n;
	struct modem_job dq[MODEM_JOBS_MAX];
	size_t dq_n;
	struct modem_job held[MODEM_JOBS_MAX]; /* inbound() refused: next sweep */
	size_t held_n;
	struct modem_job cur_job;
	unsigned sweep_pending; /* bit 0: SMS storage, bit 1: report storage */
	unsigned sweep_mem;     /* the bit being swept */
	int cnma[MODEM_CNMA_MAX]; /* 0 ack, 2 negative ack */
	size_t cnma_n;
	bool sweep_again;       /* the read queue overflowed during a sweep */
	struct sms_pdu pdu;     /* decode scratch */
	char rxtext[SMS_UD_MAX * 2 + 1];
	uint64_t seen[MODEM_SEEN_MAX];
	size_t seen_pos;

	/* send */
	struct modem_tx **txq; /* FIFO of cfg.queue_max, head at 0 */
	size_t tx_n;
	uint8_t concat_ref;
	struct modem_tx *tx_cur; /* the head while a part is in flight */
	struct modem_sent sent[MODEM_SENT_MAX];
	size_t sent_pos;
	unsigned long sent_seq;

	struct modem_stats stats;
};

/* modem.c */
void modem_set_state(struct modem *m, enum modem_state to, const char *ev);
void modem_kick(struct modem *m);
/* Run cb once after ms (absolute: from now); the pump waits meanwhile. */
void modem_wait(struct modem *m, int64_t ms);
int modem_cmd(struct modem *m, const char *cmd, const char *prefix, int64_t timeout_ms,
	      modem_done_fn fn);
int modem_cmd_pdu(struct modem *m, const char *cmd, const char *pdu, int64_t timeout_ms,
		  modem_done_fn fn);
int modem_cmd_lines(struct modem *m, const char *cmd, int64_t timeout_ms,
		    at_cmd_line_cb on_line, modem_done_fn fn);
int modem_cmd_secret(struct modem *m, const char *cmd, modem_done_fn fn);
void modem_health_update(struct modem *m);
int64_t modem_now(struct modem *m);
bool modem_alive(const struct modem *m); /* a state where the modem talks */

/* modem_boot.c: power-on, sync, init, SIM, registration, recovery, reopen */
void modem_boot_pump(struct modem *m);
void modem_recover(struct modem *m, const char *why);
void modem_port_gone(struct modem *m, int err);
void modem_on_boot_urc(struct modem *m);
void modem_on_cpin_urc(struct modem *m, const char *line);
void modem_on_reg_urc(struct modem *m, const char *line);
void modem_close_port(struct modem *m);
void modem_reg_changed(struct modem *m);
int modem_open_port(struct modem *m);
void modem_enter_reopen(struct modem *m, const char *why);
void modem_probe(struct modem *m); /* ESC + "AT"; OK -> init */
unsigned modem_boot_probes(const struct modem *m);
bool modem_has_line(struct modem *m, const char *name);
void modem_pulse_done(void *arg, int status);
int64_t modem_pwrkey_ms(const struct modem *m);

/* modem_recover.c */
void modem_recovering_pump(struct modem *m);

/* modem_tx.c */
bool modem_tx_pump(struct modem *m);
void modem_tx_fail_all(struct modem *m, int status, const char *why);
void modem_tx_expire(struct modem *m);
void modem_tx_reap(struct modem *m);
void modem_tx_free(struct modem *m);

/* modem_rx.c */
bool modem_rx_pump(struct modem *m);
bool modem_status_pump(struct modem *m);
void modem_on_cmti(void *arg, const char *line, const char *pdu);
void modem_on_cdsi(void *arg, const char *line, const char *pdu);
void modem_on_cmt(void *arg, const char *line, const char *pdu);
void modem_on_cds(void *arg, const char *line, const char *pdu);
void modem_on_ciev(void *arg, const char *line, const char *pdu);
void modem_rx_reset(struct modem *m); /* after a reboot: storage mem unknown */
void modem_sweep_request(struct modem *m, unsigned which);
void modem_timers_start(struct modem *m);
void modem_timers_stop(struct modem *m);

#endif
