/* curl_loop: libcurl's multi interface driven by hal_loop, so HTTP requests
 * share the daemon's one event loop: curl's sockets become hal_loop fd
 * watches (CURLMOPT_SOCKETFUNCTION) and its timeout one hal_loop timer
 * (CURLMOPT_TIMERFUNCTION). No thread, no polling.
 *
 * Everything runs on the loop thread. A transfer added with curl_loop_add()
 * starts on a later loop turn; its done callback runs exactly once, later,
 * after the easy handle was taken out of the multi handle (the callback may
 * free it or add it again), unless curl_loop_remove() took it out first. */
#ifndef CLOUD_CURL_LOOP_H
#define CLOUD_CURL_LOOP_H

#include <curl/curl.h>

#include "hal/loop.h"

struct curl_loop;

/* result: CURLE_OK when the transfer completed (any HTTP status). */
typedef void (*curl_loop_done_cb)(void *arg, CURL *easy, CURLcode result);

/* Returns 0 and writes *out, -ENOMEM, or -EIO (curl_global_init/multi). */
int curl_loop_new(struct hal_loop *loop, struct curl_loop **out);
/* Takes out every transfer still running (no callbacks) and frees. The
 * easy handles stay with their owners. NULL is a no-op. */
void curl_loop_free(struct curl_loop *cl);

/* Start a transfer. easy's CURLOPT_PRIVATE is used by curl_loop: do not set
 * it. Returns 0, -EINVAL, -EEXIST (already running) or -EIO. */
int curl_loop_add(struct curl_loop *cl, CURL *easy, curl_loop_done_cb cb, void *arg);
/* Abort a running transfer without a callback. Returns 0 or -ENOENT. */
int curl_loop_remove(struct curl_loop *cl, CURL *easy);
/* Transfers running now. */
unsigned curl_loop_running(const struct curl_loop *cl);

#endif
