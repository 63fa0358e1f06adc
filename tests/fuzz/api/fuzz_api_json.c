/* libFuzzer: the strict JSON parser and the field checker with the message
 * fields' shapes (nested object, map, enum array, E.164, time). */
#include <stddef.h>
#include <stdint.h>

#include "api/api_json.h"

static const char *const types[] = { "business", "mobile", "home", "other", NULL };
static const struct api_field rec[] = {
	API_F("type", API_FT_STRING, API_FF_REQUIRED | API_FF_TOKEN, 63),
	API_F("id", API_FT_STRING, API_FF_REQUIRED, 127),
};
static const struct api_field fields[] = {
	API_F("to", API_FT_E164, 0, 16),
	API_F("body", API_FT_STRING, API_FF_TEXT | API_FF_CHARS, 1600),
	API_F_INT("contact_id", 0, 1, INT64_MAX),
	API_F_ENUM("number_type", 0, types),
	API_F_OBJ("record", 0, rec),
	API_F("variables", API_FT_STRMAP, 0, 512),
	API_F("send_at", API_FT_TIME, 0, 40),
	API_F_BOOL("b", 0),
	API_F_ENUMS("events", 0, 2, types),
	API_F_ARR("numbers", 0, 8, rec),
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct api_json_err e;
	json_t *o = api_json_parse((const char *)data, size, &e);

	if (o) {
		(void)api_json_check(o, fields, sizeof(fields) / sizeof(fields[0]), &e);
		json_decref(o);
	}
	return 0;
}
