/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading tensors from a .safetensors file: an 8-byte little-endian header
 * length N, N bytes of JSON header, then the raw little-endian tensor data.
 *
 * ns_safetensors_open reads and validates only the header (offsets, shapes,
 * dtypes, sizes against the file); tensors are read one at a time, so a large
 * file whose other tensors are not wanted costs no memory.
 * ns_safetensors_write (safetensors_write.c) writes such a file from floats,
 * as F32 or F16. */
#ifndef SAFETENSORS_H
#define SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ns_error.h"

/* The format's own cap: a larger header is treated as hostile. */
#define SAFETENSORS_MAX_HEADER_SIZE 100000000u
#define SAFETENSORS_MAX_RANK 8

typedef enum
{
  SAFETENSORS_BOOL,
  SAFETENSORS_U8,
  SAFETENSORS_I8,
  SAFETENSORS_F8_E5M2,
  SAFETENSORS_F8_E4M3,
  SAFETENSORS_F8_E8M0,
  SAFETENSORS_I16,
  SAFETENSORS_U16,
  SAFETENSORS_F16,
  SAFETENSORS_BF16,
  SAFETENSORS_I32,
  SAFETENSORS_U32,
  SAFETENSORS_F32,
  SAFETENSORS_I64,
  SAFETENSORS_U64,
  SAFETENSORS_F64,
  SAFETENSORS_F4,
  SAFETENSORS_F6_E2M3,
  SAFETENSORS_F6_E3M2
} ns_safetensors_dtype;

typedef struct
{
  char *name; /* UTF-8, NUL-terminated */
  size_t name_length;
  ns_safetensors_dtype dtype;
  int rank;
  uint64_t shape[SAFETENSORS_MAX_RANK];
  uint64_t element_count; /* product of shape (1 for a scalar) */
  uint64_t data_begin;    /* byte offsets relative to the data section */
  uint64_t data_end;
} ns_safetensors_tensor;

typedef struct
{
  char *key;
  char *value;
} ns_safetensors_metadata_entry;

typedef struct
{
  FILE *stream;
  char *path;
  uint64_t file_size;
  uint64_t data_start;            /* 8 + header length */
  ns_safetensors_tensor *tensors; /* sorted by name */
  size_t tensor_count;
  ns_safetensors_metadata_entry *metadata;
  size_t metadata_count;
} ns_safetensors_file;

/* Opens path and validates its header.  On failure file holds nothing and
 * need not be closed; err names the file and the problem. */
ns_status ns_safetensors_open (ns_safetensors_file *file, const char *path, ns_error *err);
void ns_safetensors_close (ns_safetensors_file *file);

/* The tensor called name, or NULL. */
const ns_safetensors_tensor *ns_safetensors_find (const ns_safetensors_file *file, const char *name);

/* The value of key in the header's "__metadata__", or NULL. */
const char *ns_safetensors_metadata (const ns_safetensors_file *file, const char *key);

/* "F32", "BF16", … */
const char *ns_safetensors_dtype_name (ns_safetensors_dtype dtype);

/* Writes tensor's shape as "[64,3,3,3]" into buffer (truncated to fit). */
void ns_safetensors_format_shape (const ns_safetensors_tensor *tensor, char *buffer, size_t size);

/* Reads tensor (which must belong to file) into out as floats.  count must
 * equal tensor->element_count.  F32, F16, BF16 and F64 are converted; other
 * dtypes, NaN, infinities and F64 values beyond float's range are errors. */
ns_status ns_safetensors_read_f32 (ns_safetensors_file *file, const ns_safetensors_tensor *tensor,
                                   float *out, size_t count, ns_error *err);

/* ---- writing (safetensors_write.c) ---- */

/* Rounds value to the nearest F16 (IEEE binary16), ties to even, and
 * stores its bits in *half.  Returns 0, or -1 when a finite value rounds
 * beyond F16's range (magnitude 65520 and up; *half is then the infinity of
 * its sign).  Values below F16's smallest subnormal (2^-24) round to a zero
 * of their sign, NaN gives a quiet NaN and an infinity stays one. */
int ns_float_to_half (float value, uint16_t *half);

/* A tensor to write: element_count floats (the product of shape), stored as
 * dtype, SAFETENSORS_F32 or SAFETENSORS_F16. */
typedef struct
{
  const char *name;
  ns_safetensors_dtype dtype;
  int rank;
  uint64_t shape[SAFETENSORS_MAX_RANK];
  const float *values;
} ns_safetensors_output_tensor;

/* Writes the tensors, in this order, and metadata (the header's
 * "__metadata__"; none when metadata_count is 0) to path.  Values must be
 * finite and, for F16, within its range: else nothing is written and err
 * names the tensor.  The file is written under a temporary name in path's
 * folder and renamed to path at the end, so on any failure path is as it
 * was and no temporary file is left; err names path. */
ns_status ns_safetensors_write (const char *path, const ns_safetensors_output_tensor *tensors,
                                size_t tensor_count, const ns_safetensors_metadata_entry *metadata,
                                size_t metadata_count, ns_error *err);

#endif
