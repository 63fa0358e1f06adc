/* Chat scripts: const arrays of steps run one after another on the chat,
 * with one result at the end (Zephyr modem_chat style). */
#include <errno.h>
#include <string.h>

#include "at/at_tok.h"
#include "at_chat_priv.h"
#include "hal/log.h"

LOG_MODULE(log_at_script, "at");

const char *at_step_policy_str(enum at_step_policy p)
{
	switch (p) {
	case AT_STEP_ABORT: return "abort";
	case AT_STEP_IGNORE: return "ignore";
	}
	return "?";
}

static void script_step_done(void *arg, int status, const struct at_result *res,
			     const struct at_resp *resp);

static void script_finish(struct at_chat *c, int status, size_t step, const struct at_result *res)
{
	struct at_script_state *st = &c->script;
	struct at_script_result r = { status, step, { AT_FINAL_NONE, AT_CODE_NONE } };

	if (res)
		r.result = *res;
	st->active = false;
	if (st->retry_timer) {
		(void)hal_loop_cancel_timer(c->loop, st->retry_timer);
		st->retry_timer = 0;
	}
	if (status == 0)
		LOG_DBG(&log_at_script, c->name, "script %s done", st->s->name);
	else
		LOG_WRN(&log_at_script, c->name, "script %s failed at step %zu (%s): %s",
			st->s->name, step, st->s->steps[step < st->s->n_steps ? step : 0].cmd,
			status == -EPROTO ? at_final_str(r.result.final) : strerror(-status));
	if (st->done)
		st->done(st->arg, &r);
}

static int submit_step(struct at_chat *c)
{
	struct at_script_state *st = &c->script;
	const struct at_script_step *step = &st->s->steps[st->step];
	struct at_cmd cmd = {
		.cmd = step->cmd,
		.resp_prefix = step->expect,
		.timeout_ms = step->timeout_ms,
		.buf = st->buf,
		.buf_len = sizeof(st->buf),
		.done = script_step_done,
		.arg = c,
	};
	int rc;

	c->script_submit = true;
	rc = at_chat_submit_internal(c, &cmd);
	c->script_submit = false;
	return rc;
}

/* Go on with the next step, or finish. */
static void script_next(struct at_chat *c)
{
	struct at_script_state *st = &c->script;
	int rc;

	st->step++;
	st->attempt = 0;
	if (st->step == st->s->n_steps) {
		script_finish(c, 0, st->step, NULL);
		return;
	}
	rc = submit_step(c);
	if (rc < 0)
		script_finish(c, rc, st->step, NULL);
}

static int64_t script_retry(void *arg)
{
	struct at_chat *c = arg;
	int rc;

	c->script.retry_timer = 0;
	if (!c->script.active)
		return HAL_TIMER_STOP;
	rc = submit_step(c);
	if (rc < 0)
		script_finish(c, rc, c->script.step, NULL);
	return HAL_TIMER_STOP;
}

static void script_step_done(void *arg, int status, const struct at_result *res,
			     const struct at_resp *resp)
{
	struct at_chat *c = arg;
	struct at_script_state *st = &c->script;
	const struct at_script_step *step;
	bool ok, fatal;

	if (!st->active)
		return; /* aborted while the command ran */
	step = &st->s->steps[st->step];
	ok = status == 0 && at_result_ok(res) && (!step->expect || at_resp_find(resp, step->expect));
	if (ok) {
		if (st->on_resp)
			st->on_resp(st->arg, st->step, resp);
		if (st->active)
			script_next(c);
		return;
	}
	/* a dead or stopped channel is not retried nor ignored */
	fatal = status == -ENODEV || status == -EIO || status == -ECANCELED;
	if (!fatal && st->attempt < step->retries) {
		st->attempt++;
		LOG_DBG(&log_at_script, c->name, "script %s step %zu retry %u", st->s->name,
			st->step, st->attempt);
		if (step->retry_delay_ms > 0) {
			if (hal_loop_add_timer(c->loop, step->retry_delay_ms, script_retry, c,
					       &st->retry_timer) < 0)
				script_finish(c, -ENOMEM, st->step, res);
			return;
		}
		(void)script_retry(c);
		return;
	}
	if (!fatal && step->on_error == AT_STEP_IGNORE) {
		LOG_DBG(&log_at_script, c->name, "script %s step %zu failed, ignored", st->s->name,
			st->step);
		script_next(c);
		return;
	}
	script_finish(c, status ? status : -EPROTO, st->step, res);
}

int at_chat_script_run(struct at_chat *c, const struct at_script *s, at_script_resp_cb on_resp,
		       at_script_done_cb done, void *arg)
{
	struct at_script_state *st = &c->script;
	int rc;

	if (!s || !s->steps || s->n_steps == 0)
		return -EINVAL;
	if (st->active || c->state != AT_CMD_IDLE)
		return -EBUSY;
	st->s = s;
	st->step = 0;
	st->attempt = 0;
	st->on_resp = on_resp;
	st->done = done;
	st->arg = arg;
	st->active = true;
	LOG_DBG(&log_at_script, c->name, "script %s start (%zu steps)", s->name, s->n_steps);
	rc = submit_step(c);
	if (rc < 0)
		st->active = false;
	return rc;
}

int at_chat_script_abort(struct at_chat *c)
{
	struct at_script_state *st = &c->script;
	size_t step = st->step;

	if (!st->active)
		return -ENOENT;
	st->active = false; /* script_step_done ignores the cancellation */
	if (st->retry_timer) {
		(void)hal_loop_cancel_timer(c->loop, st->retry_timer);
		st->retry_timer = 0;
	}
	if (c->state != AT_CMD_IDLE)
		(void)at_chat_cancel(c);
	st->active = true;
	script_finish(c, -ECANCELED, step, NULL);
	return 0;
}

bool at_chat_script_running(const struct at_chat *c)
{
	return c->script.active;
}
