/* GET /metrics: Prometheus text exposition format 0.0.4, rendered from a
 * snapshot the backend fills (struct api_metrics in api_backend.h). */
#ifndef API_METRICS_H
#define API_METRICS_H

#include <stddef.h>

#include "api/api_backend.h"

/* Upper bounds (seconds) of the send latency buckets; +Inf follows. */
extern const double api_metrics_latency_bounds[API_LATENCY_BUCKETS];

/* Render m as text (malloc'd, NUL-terminated). Returns 0 or -ENOMEM. */
int api_metrics_render(const struct api_metrics *m, char **out, size_t *len);

#endif
