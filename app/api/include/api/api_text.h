/* Pure helpers behind POST /messages: template rendering and the choice of
 * a contact's number for an automated send. */
#ifndef API_TEXT_H
#define API_TEXT_H

#include <jansson.h>
#include <stddef.h>

#include "api/api_backend.h"

/* Replace each "{{name}}" (name [A-Za-z0-9_]{1,32}, spaces inside the braces
 * allowed) with vars[name] (a JSON object of strings). Returns the length
 * written (NUL-terminated) or -ENOENT (a variable is missing; *missing names
 * it), -EINVAL (an unclosed or malformed placeholder), -E2BIG (the result
 * does not fit out_max). */
int api_tpl_render(const char *tpl, const json_t *vars, char *out, size_t out_max,
		   char missing[40]);

/* The number for an automated send to contact c: with want_type non-empty
 * that type only; else business first, then mobile. Never a do-not-text
 * number. Returns the index in c->numbers or -ENOENT. */
int api_pick_number(const struct api_contact *c, const char *want_type);

#endif
