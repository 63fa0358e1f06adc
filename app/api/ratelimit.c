/* Requests per token per minute: a token bucket per API token (capacity =
 * the per-minute limit, refilled continuously). A small open hash table
 * under a mutex; idle buckets are reused. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"

#define RL_SLOTS 1024

struct rl_slot {
	uint64_t token_id;   /* 0 = free */
	double tokens;
	int64_t last_ms;
};

struct api_ratelimit {
	pthread_mutex_t mu;
	unsigned per_min;
	struct rl_slot slots[RL_SLOTS];
};

int api_ratelimit_new(struct api_ratelimit **out, unsigned per_min)
{
	struct api_ratelimit *rl = calloc(1, sizeof(*rl));

	if (!rl)
		return -ENOMEM;
	pthread_mutex_init(&rl->mu, NULL);
	rl->per_min = per_min; /* 0: unlimited */
	*out = rl;
	return 0;
}

void api_ratelimit_free(struct api_ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->mu);
	free(rl);
}

static void refill(struct api_ratelimit *rl, struct rl_slot *s, int64_t now)
{
	if (now > s->last_ms) {
		s->tokens += (double)(now - s->last_ms) * rl->per_min / 60000.0;
		if (s->tokens > rl->per_min)
			s->tokens = rl->per_min;
		s->last_ms = now;
	}
}

static struct rl_slot *slot_for(struct api_ratelimit *rl, uint64_t id, int64_t now)
{
	size_t h = (size_t)((id * 0x9E3779B97F4A7C15ull) >> 54) % RL_SLOTS;
	struct rl_slot *victim = NULL;

	for (size_t k = 0; k < RL_SLOTS; k++) {
		struct rl_slot *s = &rl->slots[(h + k) % RL_SLOTS];
		if (s->token_id == id)
			return s;
		if (s->token_id == 0) {
			if (!victim)
				victim = s;
			break;
		}
		refill(rl, s, now);
		/* A full bucket carries no state: its slot can be reused. */
		if (!victim && s->tokens >= rl->per_min)
			victim = s;
	}
	if (!victim)
		return NULL;
	victim->token_id = id;
	victim->tokens = rl->per_min;
	victim->last_ms = now;
	return victim;
}

void api_ratelimit_set(struct api_ratelimit *rl, unsigned per_min)
{
	pthread_mutex_lock(&rl->mu);
	if (rl->per_min != per_min) {
		/* Every bucket starts again full at the new limit. */
		memset(rl->slots, 0, sizeof(rl->slots));
		__atomic_store_n(&rl->per_min, per_min, __ATOMIC_RELAXED);
	}
	pthread_mutex_unlock(&rl->mu);
}

unsigned api_ratelimit_take(struct api_ratelimit *rl, uint64_t token_id, int64_t now_ms)
{
	struct rl_slot *s;
	unsigned wait = 0;

	if (__atomic_load_n(&rl->per_min, __ATOMIC_RELAXED) == 0)
		return 0; /* unlimited, without the lock */
	pthread_mutex_lock(&rl->mu);
	if (rl->per_min == 0) { /* set to unlimited meanwhile */
		pthread_mutex_unlock(&rl->mu);
		return 0;
	}
	s = slot_for(rl, token_id, now_ms);
	if (!s) {
		wait = 1; /* more than RL_SLOTS tokens busy at once */
	} else {
		refill(rl, s, now_ms);
		if (s->tokens >= 1.0) {
			s->tokens -= 1.0;
		} else {
			double ms = (1.0 - s->tokens) * 60000.0 / rl->per_min;
			wait = (unsigned)((ms + 999.0) / 1000.0);
			if (wait == 0)
				wait = 1;
		}
	}
	pthread_mutex_unlock(&rl->mu);
	return wait;
}
