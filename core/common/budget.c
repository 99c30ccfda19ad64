/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ns_budget.h"

#include <stdint.h>
#include <stdlib.h>

/* what a measuring budget hands out: an address that is not NULL */
static max_align_t placeholder;

ns_budget
ns_budget_measuring (void)
{
  return (ns_budget) { .measuring = 1 };
}

ns_budget
ns_budget_allocating (void)
{
  return (ns_budget) { .measuring = 0 };
}

void *
ns_budget_alloc (ns_budget *budget, size_t count, size_t size)
{
  if (size && count > SIZE_MAX / size)
    return NULL;
  void *p = budget->measuring ? (void *) &placeholder : calloc (count ? count : 1, size ? size : 1);
  if (!p)
    return NULL;
  budget->held += count * size;
  if (budget->held > budget->peak)
    budget->peak = budget->held;
  return p;
}

void
ns_budget_free (ns_budget *budget, void *p, size_t count, size_t size)
{
  if (!p)
    return;
  if (!budget->measuring)
    free (p);
  budget->held -= count * size;
}
