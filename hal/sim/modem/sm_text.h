/* Text mode (+CMGF=1) pieces of the SMS commands (27.005 3.1, 4.x). */
#ifndef SM_TEXT_H
#define SM_TEXT_H

#include "sm_internal.h"

/* AT+CMGS="<da>"[,<toda>] in text mode: check and remember <da>. */
struct sm_rc sm_text_prepare(struct simmodem *m, const struct sm_args *a);
/* The text typed at the prompt ended with Ctrl-Z. */
struct sm_rc sm_text_prompt_done(struct simmodem *m, enum sm_prompt p);
/* +CMGL / +CMGR lines for a stored PDU in text mode. */
void sm_text_list(struct simmodem *m, unsigned index, const struct sm_slot *s);
void sm_text_read(struct simmodem *m, const struct sm_slot *s);

#endif
