/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ns_flow_compute with DIS's settings given: what the benchmark compares. */
#ifndef NS_FLOW_COMPUTE_H
#define NS_FLOW_COMPUTE_H

#include "dis.h"
#include "neural_style.h"

/* The settings ns_flow_compute uses (measured: docs/animation.md). */
extern const ns_dis_settings ns_flow_dis_default;

ns_status ns_flow_compute_with (const ns_image *from, const ns_image *to,
                                const ns_dis_settings *settings, ns_flow *flow, ns_error *err);

#endif
