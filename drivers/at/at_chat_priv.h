/* Internals shared by at_chat.c and at_script.c. Not installed. */
#ifndef AT_CHAT_PRIV_H
#define AT_CHAT_PRIV_H

#include "at/at_chat.h"
#include "at/at_line.h"

enum at_cmd_state {
	AT_CMD_IDLE,
	AT_CMD_WAIT_RESP,   /* command sent, waiting for its final */
	AT_CMD_WAIT_PROMPT, /* +CMGS sent, waiting for "> " */
	AT_CMD_WAIT_BODY,   /* body + Ctrl-Z sent, waiting for +CMGS/final */
};
const char *at_cmd_state_str(enum at_cmd_state s);

#define AT_SCRIPT_BUF 1024
#define AT_PREFIX_MAX 32

struct at_script_state {
	bool active;
	const struct at_script *s;
	size_t step;
	unsigned attempt;
	at_script_resp_cb on_resp;
	at_script_done_cb done;
	void *arg;
	hal_timer_id retry_timer;
	char buf[AT_SCRIPT_BUF];
};

struct at_chat {
	struct hal_loop *loop;
	struct hal_serial *serial;
	char name[32];
	const struct at_urc *urcs;
	size_t n_urcs;
	void *urc_arg;
	at_chat_event_cb on_event;
	void *event_arg;
	int64_t default_timeout_ms;

	bool started;
	bool gone;
	int fd;
	unsigned watched;
	struct at_line_framer framer;

	char tx[AT_CHAT_CMD_MAX + AT_CHAT_PDU_MAX + 8];
	size_t tx_len, tx_off;

	/* the command in flight */
	enum at_cmd_state state;
	uint64_t seq; /* bumped per command: callbacks detect a switch */
	struct at_cmd cmd;
	char cmd_text[AT_CHAT_CMD_MAX + 1];
	char pdu_text[AT_CHAT_PDU_MAX + 1];
	char resp_prefix[AT_PREFIX_MAX];
	bool echo_cmd_pending;
	size_t resp_used;
	size_t n_lines;
	bool truncated;
	hal_timer_id timer;

	/* a two-line URC waiting for its PDU line */
	bool urc_pending;
	at_urc_cb urc_pending_cb;
	char urc_line[AT_LINE_MAX + 1];

	struct at_chat_stats stats;
	struct at_script_state script;
	bool script_submit; /* the script runner is submitting */
};

/* at_chat_submit without the "script running" check. */
int at_chat_submit_internal(struct at_chat *c, const struct at_cmd *cmd);

#endif
