/* Message storage: SM (SIM), ME (phone), SR (status reports), each with a
 * capacity, 1-based indices; MT is SM followed by ME in one index space. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sm_internal.h"

int sm_hex_val(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = toupper(c);
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool sm_is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (sm_hex_val((unsigned char)s[i]) < 0)
			return false;
	return true;
}

const char *simmodem_mem_str(enum simmodem_mem mem)
{
	switch (mem) {
	case SIMMODEM_MEM_SM: return "SM";
	case SIMMODEM_MEM_ME: return "ME";
	case SIMMODEM_MEM_SR: return "SR";
	case SIMMODEM_MEM_MT: return "MT";
	}
	return "?";
}

int sm_mem_parse(const char *s)
{
	for (int i = SIMMODEM_MEM_SM; i <= SIMMODEM_MEM_MT; i++)
		if (!strcasecmp(s, simmodem_mem_str(i)))
			return i;
	return -EINVAL;
}

int sm_store_init(struct simmodem *m)
{
	unsigned caps[3] = { m->cfg.sm_capacity, m->cfg.me_capacity, m->cfg.sr_capacity };
	for (int i = 0; i < 3; i++) {
		m->store[i].slots = calloc(caps[i], sizeof(struct sm_slot));
		if (!m->store[i].slots)
			return -ENOMEM;
		m->store[i].cap = caps[i];
	}
	return 0;
}

void sm_store_free(struct simmodem *m)
{
	for (int i = 0; i < 3; i++) {
		free(m->store[i].slots);
		m->store[i].slots = NULL;
		m->store[i].cap = 0;
	}
}

struct sm_slot *sm_store_slot(struct simmodem *m, int mem, unsigned index)
{
	if (index < 1)
		return NULL;
	if (mem == SIMMODEM_MEM_MT) {
		unsigned sm = m->store[SIMMODEM_MEM_SM].cap;
		if (index <= sm)
			return &m->store[SIMMODEM_MEM_SM].slots[index - 1];
		index -= sm;
		mem = SIMMODEM_MEM_ME;
	}
	if (mem < 0 || mem > SIMMODEM_MEM_SR || index > m->store[mem].cap)
		return NULL;
	return &m->store[mem].slots[index - 1];
}

unsigned sm_store_used(const struct simmodem *m, int mem)
{
	if (mem == SIMMODEM_MEM_MT)
		return sm_store_used(m, SIMMODEM_MEM_SM) + sm_store_used(m, SIMMODEM_MEM_ME);
	if (mem < 0 || mem > SIMMODEM_MEM_SR)
		return 0;
	unsigned n = 0;
	for (unsigned i = 0; i < m->store[mem].cap; i++)
		n += m->store[mem].slots[i].used;
	return n;
}

unsigned sm_store_cap(const struct simmodem *m, int mem)
{
	if (mem == SIMMODEM_MEM_MT)
		return m->store[SIMMODEM_MEM_SM].cap + m->store[SIMMODEM_MEM_ME].cap;
	if (mem < 0 || mem > SIMMODEM_MEM_SR)
		return 0;
	return m->store[mem].cap;
}

int sm_store_put(struct simmodem *m, int mem, int stat, const char *hex, int *where)
{
	if (strlen(hex) > SM_PDU_HEX_MAX)
		return -E2BIG;
	unsigned cap = sm_store_cap(m, mem);
	for (unsigned i = 1; i <= cap; i++) {
		struct sm_slot *s = sm_store_slot(m, mem, i);
		if (!s || s->used)
			continue;
		s->used = true;
		s->stat = (uint8_t)stat;
		strcpy(s->hex, hex);
		if (where)
			*where = mem == SIMMODEM_MEM_MT
					 ? (i <= m->store[SIMMODEM_MEM_SM].cap ? SIMMODEM_MEM_SM
									       : SIMMODEM_MEM_ME)
					 : mem;
		/* +CMTI names the real memory with its own index. */
		if (mem == SIMMODEM_MEM_MT && i > m->store[SIMMODEM_MEM_SM].cap)
			return (int)(i - m->store[SIMMODEM_MEM_SM].cap);
		return (int)i;
	}
	return -ENOSPC;
}

int simmodem_stored(const struct simmodem *m, enum simmodem_mem mem, unsigned index,
		    char *hex, size_t hex_len, int *stat)
{
	if (mem > SIMMODEM_MEM_SR)
		return -EINVAL;
	const struct sm_slot *s = sm_store_slot((struct simmodem *)(uintptr_t)m, mem, index);
	if (!s)
		return -EINVAL;
	if (!s->used)
		return -ENOENT;
	if (strlen(s->hex) >= hex_len)
		return -E2BIG;
	strcpy(hex, s->hex);
	if (stat)
		*stat = s->stat;
	return 0;
}
