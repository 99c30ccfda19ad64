/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the motion code's entry points check of the flows they are given. */
#ifndef NS_FLOW_H
#define NS_FLOW_H

#include "neural_style.h"

/* NS_OK when flow is there and of width x height, else NS_ERROR_ARGUMENT
 * with a message that starts with what (the caller's name for it). */
ns_status ns_flow_check (const ns_flow *flow, int width, int height, const char *what, ns_error *err);

#endif
