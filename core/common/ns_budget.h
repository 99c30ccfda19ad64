/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A budget lays out a structure's buffers in one of two modes, so that
 * what a plan counts is what the code allocates (ggml's allocator measures
 * a graph in the same way before it allocates it):
 *   measuring: each request only adds its bytes to held (and peak) and
 *              returns a placeholder, non-NULL so that the caller's checks
 *              pass, never to be read, written or freed;
 *   allocating: each request is a zeroed allocation (calloc), counted the
 *              same way, freed by its owner with free ().
 * An init that lays out its buffers through a budget before it computes
 * anything can run in either mode; the same call in measuring mode is the
 * size of the allocating one. */
#ifndef NS_BUDGET_H
#define NS_BUDGET_H

#include <stddef.h>

typedef struct
{
  int measuring;
  size_t held; /* bytes requested and not given back */
  size_t peak; /* the most held at once */
} ns_budget;

ns_budget ns_budget_measuring (void);
ns_budget ns_budget_allocating (void);

/* count * size zeroed bytes (a placeholder when measuring); NULL when out
 * of memory or when the product overflows. */
void *ns_budget_alloc (ns_budget *budget, size_t count, size_t size);

/* Gives back bytes that ns_budget_alloc gave at p (which it frees when
 * allocating). */
void ns_budget_free (ns_budget *budget, void *p, size_t count, size_t size);

#endif
