/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The input convention (include/ns_weights.h) of a safetensors weights file:
 * the four "__metadata__" entries input_channel_order, input_range,
 * input_mean and input_std, all or none (none is torchvision's). */
#ifndef INPUT_CONVENTION_H
#define INPUT_CONVENTION_H

#include <stddef.h>

#include "ns_error.h"
#include "ns_weights.h"
#include "safetensors.h"

/* Reads file's convention into *input; an error names path and the entry
 * at fault. */
ns_status ns_input_convention_read (const ns_safetensors_file *file, const char *path,
                                    ns_input_convention *input, ns_error *err);

/* The metadata a converted copy of in_file states (*count entries, to be
 * freed by the caller; NULL when out of memory): in_file's own when it
 * states a convention (read by ns_input_convention_read first), else its
 * other entries and torchvision's convention written out, so that no reader
 * has to know the default.  The strings stay in_file's or static: only the
 * array is the caller's. */
ns_safetensors_metadata_entry *ns_input_convention_metadata (const ns_safetensors_file *in_file,
                                                             size_t *count);

#endif
