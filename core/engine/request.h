/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Whether a request can run: its params in range, its images RGB(A), its
 * regions one channel of numbers, its pixel term's images of the content's
 * size, its styles' blends usable, and weights that hold the convolutions
 * its layers need. */
#ifndef NS_REQUEST_H
#define NS_REQUEST_H

#include "neural_style.h"

/* NS_OK, or NS_ERROR_ARGUMENT saying what is wrong. */
ns_status ns_request_check (const ns_weights *weights, const ns_request *request, ns_error *err);

#endif
