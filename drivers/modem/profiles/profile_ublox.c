/* u-blox SARA/LARA (u-blox cellular modules AT commands manual
 * UBX-13002752): stored SMS (+CMTI), reports in SR (+CDSI), AT+UPINCNT, no
 * boot URC by default; PWR_ON 1 s on, 1.5 s off; LTE registration from
 * +CEREG. */
#include "modem/profile.h"

static const struct at_script_step ublox_init_steps[] = {
	{ "ATE0", NULL, 0, AT_STEP_IGNORE, 2, 200 },
	{ "AT+CMEE=1", NULL, 0, AT_STEP_IGNORE, 0, 0 },
	{ "AT+CMGF=0", NULL, 0, AT_STEP_ABORT, 2, 500 },
	{ "AT+CREG=1", NULL, 0, AT_STEP_IGNORE, 0, 0 },
	{ "AT+CEREG=1", NULL, 0, AT_STEP_IGNORE, 0, 0 },
	{ "AT+COPS=3,0", NULL, 0, AT_STEP_IGNORE, 0, 0 },
};

static const struct at_script ublox_init = {
	"ublox-init", ublox_init_steps, sizeof(ublox_init_steps) / sizeof(ublox_init_steps[0]),
};

static const struct at_script_step ublox_sms_steps[] = {
	{ "AT+CPMS=\"SM\",\"SM\",\"SM\"", "+CPMS:", 0, AT_STEP_ABORT, 5, 1000 },
	{ "AT+CSMS=0", NULL, 0, AT_STEP_IGNORE, 0, 0 },
	{ "AT+CNMI=2,1,0,2,0", NULL, 0, AT_STEP_ABORT, 3, 1000 },
};

static const struct at_script ublox_sms = {
	"ublox-sms", ublox_sms_steps, sizeof(ublox_sms_steps) / sizeof(ublox_sms_steps[0]),
};

const struct modem_profile modem_profile_ublox = {
	.name = "ublox",
	.description = "u-blox SARA/LARA",
	.init = &ublox_init,
	.sms_setup = &ublox_sms,
	.storage = "SM",
	.report_storage = "SR",
	.sms_route = MODEM_ROUTE_STORE,
	.report_route = MODEM_ROUTE_STORE,
	.pinq = MODEM_PINQ_UPINCNT,
	.iccid_cmd = "AT+CCID",
	.boot_urc = NULL,
	.quirks = MODEM_Q_CEREG,
	.t = {
		.boot_ms = 10000,
		.pwrkey_ms = 1000,
		.pwrkey_off_ms = 1500,
		.off_wait_ms = 5000,
		.reset_ms = 10000,
		.cmd_ms = 5000,
		.cmgs_ms = AT_CHAT_CMGS_TIMEOUT_MS,
		.sync_try_ms = 1000,
		.sync_tries = 5,
		.cfun_ms = 15000,
	},
};
