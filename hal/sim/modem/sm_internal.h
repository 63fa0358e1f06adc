/* Private to hal/sim/modem: the simulated modem's state and the helpers its
 * files share. */
#ifndef SM_INTERNAL_H
#define SM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/loop.h"
#include "hal/serial.h"
#include "simmodem/simmodem.h"
#include "simmodem/simnet.h"

#define SM_LINE_MAX 560       /* V.250 asks for at least 40; PDUs go elsewhere */
#define SM_PDU_HEX_MAX 400    /* SMSC (12) + TPDU (175) octets, hex, with room */
#define SM_OUT_MAX (256 * 1024) /* bytes the host has not read yet */
#define SM_URC_MAX 64
#define SM_BUF_HARD_MAX (64u * 1024 * 1024) /* any sm_buf: a bug beyond this */

struct sm_slot {
	bool used;
	uint8_t stat; /* 0 REC UNREAD, 1 REC READ, 2 STO UNSENT, 3 STO SENT */
	char hex[SM_PDU_HEX_MAX + 1];
};

struct sm_store {
	struct sm_slot *slots;
	unsigned cap;
};

/* What a command handler answers. */
enum sm_rc_kind {
	SM_RC_OK,
	SM_RC_PROMPT, /* a "> " prompt is open: no final result yet */
	SM_RC_ERROR,
	SM_RC_CME,
	SM_RC_CMS,
};
struct sm_rc {
	enum sm_rc_kind kind;
	int code;
};
#define SM_OK ((struct sm_rc){ SM_RC_OK, 0 })
#define SM_ERR ((struct sm_rc){ SM_RC_ERROR, 0 })
#define SM_CME(c) ((struct sm_rc){ SM_RC_CME, (c) })
#define SM_CMS(c) ((struct sm_rc){ SM_RC_CMS, (c) })

/* One command of a command line: "+CMGS=25" is name "+CMGS", type SET,
 * args "25". */
enum sm_cmd_type {
	SM_EXEC, /* AT+X */
	SM_SET,  /* AT+X=... */
	SM_READ, /* AT+X? */
	SM_TEST, /* AT+X=? */
};
struct sm_cmd {
	char name[24];
	enum sm_cmd_type type;
	const char *args; /* NUL-terminated, "" when none */
};

/* Split arguments: up to SM_ARGS_MAX, quotes removed (quoted[] says which
 * were quoted), empty arguments kept as "". */
#define SM_ARGS_MAX 8
struct sm_args {
	int n;
	char v[SM_ARGS_MAX][SM_PDU_HEX_MAX + 1];
	bool quoted[SM_ARGS_MAX];
};

struct sm_buf {
	char *d;
	size_t len, cap;
};

enum sm_prompt {
	SM_PROMPT_NONE,
	SM_PROMPT_CMGS,
	SM_PROMPT_CMGW,
};

struct simmodem {
	char name[32];
	char number[SIMNET_NUMBER_MAX];
	char manufacturer[32], model[32], revision[48];
	char imei[20], imsi[20], iccid[24];
	char oper_name[24], oper_num[8];
	char pin[9], puk[9];
	struct simmodem_config cfg; /* strings above own the text */
	size_t index;

	struct simnet *net;
	struct hal_loop *loop;
	struct hal_serial *port;
	int port_fd; /* watched fd, -1 when none */
	bool port_gone;

	/* input */
	char line[SM_LINE_MAX];
	size_t line_len;
	bool line_overflow;
	char last[SM_LINE_MAX]; /* for A/ */
	char pending_in[SM_LINE_MAX * 4]; /* bytes received while busy */
	size_t pending_in_len;

	/* prompt */
	enum sm_prompt prompt;
	unsigned prompt_len;  /* <length> of AT+CMGS=<length> */
	int prompt_stat;      /* AT+CMGW <stat> */
	char prompt_da[SIMNET_NUMBER_MAX]; /* text mode destination */
	char pdu[SM_PDU_HEX_MAX * 2];
	size_t pdu_len;
	bool pdu_overflow;

	/* output */
	struct sm_buf out;   /* written to the port when it can take it */
	struct sm_buf resp;  /* response being built, flushed after latency */
	struct sm_buf urcs;  /* URCs held back (prompt open, busy, CNMI mode 0) */
	unsigned urcs_held;
	hal_timer_id resp_timer;
	bool busy; /* executing, or a response is waiting for its latency */
	bool reboot_pending; /* AT+CFUN=1,1: reboot once the OK is out */

	/* V.250 and 27.007 settings (power-on defaults in sm_defaults) */
	bool echo, verbose, quiet;
	uint8_t s3, s4, s5;
	int cmee, cscs, cmgf, csms, csdh;
	int cnmi[5];
	int creg_n, cgreg_n, cereg_n;
	int cops_format, cops_mode;
	int cfun, cgatt;
	int cmer_ind; /* +CMER <ind>: +CIEV reporting */
	int clip, crc, cusd;
	char smsc[SIMNET_NUMBER_MAX];
	int smsc_type;
	int mem[3]; /* enum simmodem_mem for <mem1>, <mem2>, <mem3> */

	/* SIM */
	enum simmodem_sim sim;
	bool sim_removed;
	int pin_tries, puk_tries;

	/* network */
	int reg;          /* 0 not, 1 home, 2 searching, 3 denied, 5 roaming */
	bool netloss;
	hal_timer_id reg_timer, netloss_timer;
	int rssi;

	/* storage: SM, ME, SR */
	struct sm_store store[3];
	bool full_reported;

	/* +CMT awaiting +CNMA */
	bool cnma_pending;
	int cnma_kind;
	char cnma_hex[SM_PDU_HEX_MAX + 1];
	hal_timer_id cnma_timer;

	/* power */
	bool booting;
	hal_timer_id boot_timer;
	unsigned boot_left; /* ^BOOT URCs still to send */
	hal_timer_id vanish_timer;
	bool powered_off;
	struct hal_gpio *gpio;
	char gpio_pwrkey[32], gpio_reset[32];
	int64_t pwrkey_down_at, reset_down_at; /* -1: not pressed */

	/* faults */
	int64_t latency_ms;
	unsigned silent;
	int cms_next;

	uint8_t mr;
	uint64_t commands;
};

/* simmodem.c: output and URCs */
void sm_buf_free(struct sm_buf *b);
int sm_buf_add(struct sm_buf *b, const void *d, size_t n);
/* Information text line of a response (V1: CR LF text CR LF). */
void sm_info(struct simmodem *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Raw bytes into the response (the "> " prompt, a PDU line). */
void sm_raw(struct simmodem *m, const char *s);
/* An unsolicited result: sent now, or held while a prompt is open or a
 * response is pending. */
void sm_urc(struct simmodem *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sm_flush_urcs(struct simmodem *m);
void sm_send(struct simmodem *m, const void *d, size_t n);
void sm_unwatch(struct simmodem *m);
void sm_cancel(struct simmodem *m, hal_timer_id *id);
void sm_defaults(struct simmodem *m);
void sm_reboot_after(struct simmodem *m, int64_t ms);
/* Drop everything in flight and go silent (booting or powered off). */
void sm_power_down(struct simmodem *m);
/* Stop watching the gpio (simmodem_destroy). */
void sm_power_detach(struct simmodem *m);
bool sm_registered(const struct simmodem *m);
void sm_set_reg(struct simmodem *m, int stat);
void sm_sim_ready(struct simmodem *m);

/* sm_exec.c: command lines */
void sm_exec_line(struct simmodem *m, const char *line);
void sm_final(struct simmodem *m, struct sm_rc rc);
int sm_args_split(const char *s, struct sm_args *a);
/* Integer argument i in [lo, hi]; def when absent or empty. Returns 0 or
 * -EINVAL. */
int sm_arg_int(const struct sm_args *a, int i, int lo, int hi, int def, int *out);
/* A string for the host in the current +CSCS (UCS2: hex of UTF-16BE). */
void sm_str_out(const struct simmodem *m, const char *s, char *out, size_t len);
/* A string from the host in the current +CSCS. Returns 0 or -EINVAL. */
int sm_str_in(const struct simmodem *m, const char *s, char *out, size_t len);
const char *sm_cme_text(int code);
const char *sm_cms_text(int code);

/* sm_gen.c: 27.007 and general commands; NULL when name is not one */
typedef struct sm_rc (*sm_handler)(struct simmodem *m, const struct sm_cmd *c);
sm_handler sm_gen_lookup(const char *name);
struct sm_rc sm_need_sim(const struct simmodem *m, bool sms);

/* sm_pinq.c: vendor PIN-attempt queries (+SPIC, +QPINC, +UPINCNT) */
sm_handler sm_pinq_lookup(const char *name);

/* sm_sms.c: 27.005 commands */
sm_handler sm_sms_lookup(const char *name);
/* The prompt's text ended with Ctrl-Z (send) or ESC (abort). */
void sm_prompt_done(struct simmodem *m, bool send);
int sm_offer(struct simmodem *m, int kind, const char *hex);
void sm_cnma_timeout_cancel(struct simmodem *m);
/* Send a SUBMIT ("SMSC octets first" hex, TP-MR rewritten) of TPDU length
 * length; *mr gets the TP-MR. */
struct sm_rc sm_send_pdu(struct simmodem *m, char *hex, unsigned length, int *mr);
/* +CMS ERROR 304 (PDU mode) or 305 (text mode). */
struct sm_rc sm_bad(const struct simmodem *m);
/* TPDU octets of a hex PDU with its SMSC field, or -EINVAL. */
int sm_tpdu_len(const char *hex);

/* sm_store.c */
int sm_store_init(struct simmodem *m);
void sm_store_free(struct simmodem *m);
/* Map (mem, 1-based index) to a slot; NULL when out of range. */
struct sm_slot *sm_store_slot(struct simmodem *m, int mem, unsigned index);
unsigned sm_store_used(const struct simmodem *m, int mem);
unsigned sm_store_cap(const struct simmodem *m, int mem);
/* Put a PDU into mem (MT: SM first, then ME). Returns the 1-based index or
 * -ENOSPC / -E2BIG; *where gets the real memory (SM/ME/SR). */
int sm_store_put(struct simmodem *m, int mem, int stat, const char *hex, int *where);
int sm_mem_parse(const char *s);

/* Hex helpers */
int sm_hex_val(int c);
bool sm_is_hex(const char *s, size_t n);

/* simnet.c, for the modem */
int simnet_attach(struct simnet *net, struct simmodem *m);
void simnet_detach(struct simnet *net, struct simmodem *m);
/* A SUBMIT TPDU (hex, SMSC octets first) from modem m with TP-MR mr.
 * Returns 0 or a +CMS ERROR code (> 0) the modem must answer. */
int simnet_submit(struct simnet *net, struct simmodem *m, const char *hex, int mr);
/* A delivery the modem showed but that was not acknowledged: queue again. */
void simnet_requeue(struct simnet *net, struct simmodem *m, int kind, const char *hex);

#endif
