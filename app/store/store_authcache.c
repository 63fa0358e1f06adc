/* A small in-memory cache of token lookups (hash -> token, user) and of
 * users by id, so an authenticated request does not queue behind the
 * writer's lock for a read that almost never changes (docs/benchmarks.md).
 *
 * Revocation stays instant: every store call that changes a user or a token
 * clears the cache after its commit and before it returns. A lookup that
 * raced with such a change does not re-insert what it read: entries carry
 * the generation read before the database was, and a put with an old
 * generation is dropped. Only this process writes the store, so no other
 * writer can make an entry stale. */
#include <string.h>

#include "store_priv.h"

/* Constant time: the key is the hash of a secret. */
static bool hash_eq(const uint8_t *a, const uint8_t *b)
{
	uint8_t d = 0;

	for (size_t i = 0; i < STORE_HASH_LEN; i++)
		d |= (uint8_t)(a[i] ^ b[i]);
	return d == 0;
}

uint64_t store_cache_gen(struct store *s)
{
	uint64_t g;

	pthread_mutex_lock(&s->cache.mu);
	g = s->cache.gen;
	pthread_mutex_unlock(&s->cache.mu);
	return g;
}

bool store_cache_token_get(struct store *s, const uint8_t hash[STORE_HASH_LEN],
			   struct store_token *tok, struct store_user *user)
{
	bool hit = false;

	pthread_mutex_lock(&s->cache.mu);
	for (size_t i = 0; i < STORE_CACHE_TOKENS && !hit; i++) {
		const struct store_cache_token *e = &s->cache.tok[i];

		if (e->used && hash_eq(e->hash, hash)) {
			*tok = e->tok;
			*user = e->user;
			hit = true;
		}
	}
	pthread_mutex_unlock(&s->cache.mu);
	return hit;
}

void store_cache_token_put(struct store *s, uint64_t gen, const uint8_t hash[STORE_HASH_LEN],
			   const struct store_token *tok, const struct store_user *user)
{
	pthread_mutex_lock(&s->cache.mu);
	if (gen == s->cache.gen) {
		struct store_cache_token *e = &s->cache.tok[s->cache.next_tok];

		s->cache.next_tok = (s->cache.next_tok + 1) % STORE_CACHE_TOKENS;
		e->used = true;
		memcpy(e->hash, hash, STORE_HASH_LEN);
		e->tok = *tok;
		e->user = *user;
	}
	pthread_mutex_unlock(&s->cache.mu);
}

bool store_cache_user_get(struct store *s, uint64_t id, struct store_user *user)
{
	bool hit = false;

	pthread_mutex_lock(&s->cache.mu);
	for (size_t i = 0; i < STORE_CACHE_USERS && !hit; i++) {
		if (s->cache.user_used[i] && s->cache.user[i].id == id) {
			*user = s->cache.user[i];
			hit = true;
		}
	}
	pthread_mutex_unlock(&s->cache.mu);
	return hit;
}

void store_cache_user_put(struct store *s, uint64_t gen, const struct store_user *user)
{
	pthread_mutex_lock(&s->cache.mu);
	if (gen == s->cache.gen) {
		size_t i = s->cache.next_user;

		s->cache.next_user = (i + 1) % STORE_CACHE_USERS;
		s->cache.user_used[i] = true;
		s->cache.user[i] = *user;
	}
	pthread_mutex_unlock(&s->cache.mu);
}

void store_cache_clear(struct store *s)
{
	pthread_mutex_lock(&s->cache.mu);
	s->cache.gen++;
	memset(s->cache.tok, 0, sizeof(s->cache.tok));
	memset(s->cache.user_used, 0, sizeof(s->cache.user_used));
	pthread_mutex_unlock(&s->cache.mu);
}
