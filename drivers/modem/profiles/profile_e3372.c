/* Huawei E3372 in stick mode (HUAWEI MU709/ME909 AT Command Interface
 * Specification family): a USB stick with no power lines, so the ladder ends
 * in reopening the port after it re-enumerates; ^BOOT/^RSSI/^MODE noise
 * ignored, AT^ICCID?, reports in SR. */
#include "modem/profile.h"

static const struct at_script_step e3372_init_steps[] = {
	{ "ATE0", NULL, 0, AT_STEP_IGNORE, 2, 200 },
	{ "AT+CMEE=1", NULL, 0, AT_STEP_IGNORE, 0, 0 },
	{ "AT+CMGF=0", NULL, 0, AT_STEP_ABORT, 2, 500 },
	{ "AT+CREG=1", NULL, 0, AT_STEP_IGNORE, 0, 0 },
	{ "AT+COPS=3,0", NULL, 0, AT_STEP_IGNORE, 0, 0 },
};

static const struct at_script e3372_init = {
	"e3372-init", e3372_init_steps, sizeof(e3372_init_steps) / sizeof(e3372_init_steps[0]),
};

static const struct at_script_step e3372_sms_steps[] = {
	{ "AT+CPMS=\"SM\",\"SM\",\"SM\"", "+CPMS:", 0, AT_STEP_ABORT, 5, 1000 },
	{ "AT+CSMS=0", NULL, 0, AT_STEP_IGNORE, 0, 0 },
	{ "AT+CNMI=2,1,0,2,0", NULL, 0, AT_STEP_ABORT, 3, 1000 },
};

static const struct at_script e3372_sms = {
	"e3372-sms", e3372_sms_steps, sizeof(e3372_sms_steps) / sizeof(e3372_sms_steps[0]),
};

const struct modem_profile modem_profile_e3372 = {
	.name = "e3372",
	.description = "Huawei E3372 (stick mode)",
	.init = &e3372_init,
	.sms_setup = &e3372_sms,
	.storage = "SM",
	.report_storage = "SR",
	.sms_route = MODEM_ROUTE_STORE,
	.report_route = MODEM_ROUTE_STORE,
	.pinq = MODEM_PINQ_NONE,
	.iccid_cmd = "AT^ICCID?",
	.boot_urc = "^SYSSTART",
	.quirks = MODEM_Q_USB_STICK | MODEM_Q_NO_CFUN_RESET,
	.t = {
		.boot_ms = 20000,
		.pwrkey_ms = 0,
		.pwrkey_off_ms = 0,
		.off_wait_ms = 0,
		.reset_ms = 0,
		.cmd_ms = 5000,
		.cmgs_ms = AT_CHAT_CMGS_TIMEOUT_MS,
		.sync_try_ms = 1000,
		.sync_tries = 5,
		.cfun_ms = 15000,
	},
};
