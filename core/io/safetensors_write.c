/* SPDX-License-Identifier: GPL-3.0-or-later */
/* safetensors writer.  The file is written under a temporary name in the
 * destination's folder and renamed over the destination only once all of it
 * is on disk, so a failure (a full disk, a value F16 cannot hold) leaves the
 * destination as it was and no half file behind.  rename within one folder
 * is atomic: a reader sees the old file or the new one, never a mix. */
#include "safetensors.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

static uint32_t
bits_of_float (float value)
{
  uint32_t bits;
  memcpy (&bits, &value, sizeof bits);
  return bits;
}

int
ns_float_to_half (float value, uint16_t *half)
{
  const uint32_t bits = bits_of_float (value);
  const uint32_t sign = (bits >> 16) & 0x8000u;
  const uint32_t exponent = (bits >> 23) & 0xffu;
  const uint32_t mantissa = bits & 0x7fffffu;
  const int unbiased = (int) exponent - 127;

  if (exponent == 0xffu)
    {
      /* NaN keeps its top payload bits and is made quiet (so that it
       * cannot turn into an infinity); an infinity stays one. */
      *half = (uint16_t) (sign | 0x7c00u | (mantissa ? 0x200u | (mantissa >> 13) : 0u));
      return 0;
    }
  if (unbiased > 15)
    {
      *half = (uint16_t) (sign | 0x7c00u);
      return -1;
    }
  if (unbiased >= -14)
    {
      /* A normal F16: keep 10 of the 23 mantissa bits, rounding the 13
       * dropped ones to nearest, ties to even.  A carry out of the mantissa
       * moves into the exponent, which is what rounding up must do; one out
       * of the largest exponent makes the infinity's bits. */
      uint32_t result = (uint32_t) (unbiased + 15) << 10 | mantissa >> 13;
      const uint32_t rest = mantissa & 0x1fffu;
      if (rest > 0x1000u || (rest == 0x1000u && (result & 1u)))
        result++;
      *half = (uint16_t) (sign | result);
      return result >= 0x7c00u ? -1 : 0;
    }
  if (exponent == 0 || unbiased < -25)
    {
      /* below half of F16's smallest subnormal (2^-24): rounds to zero */
      *half = (uint16_t) sign;
      return 0;
    }
  /* A subnormal F16, in units of 2^-24: the 24-bit significand shifted
   * right by 14 to 24 places, rounded to nearest, ties to even.  Rounding
   * up from the largest subnormal gives the smallest normal's bits. */
  const uint32_t significand = mantissa | 0x800000u;
  const int shift = -1 - unbiased;
  uint32_t result = significand >> shift;
  const uint32_t rest = significand & ((1u << shift) - 1u);
  const uint32_t halfway = 1u << (shift - 1);
  if (rest > halfway || (rest == halfway && (result & 1u)))
    result++;
  *half = (uint16_t) (sign | result);
  return 0;
}

static size_t
element_size (ns_safetensors_dtype dtype)
{
  return dtype == SAFETENSORS_F16 ? 2 : 4;
}

static uint64_t
element_count (const ns_safetensors_output_tensor *tensor)
{
  uint64_t count = 1;
  for (int d = 0; d < tensor->rank; d++)
    count *= tensor->shape[d];
  return count;
}

/* Checks the tensors before anything is created: names, dtypes, shapes,
 * and values (finite, and within F16's range where F16 is asked for). */
static ns_status
check_tensors (const char *path, const ns_safetensors_output_tensor *tensors, size_t tensor_count,
               ns_error *err)
{
  for (size_t i = 0; i < tensor_count; i++)
    {
      const ns_safetensors_output_tensor *tensor = &tensors[i];
      const char *name = tensor->name ? tensor->name : "";

      if (!*name || strcmp (name, "__metadata__") == 0)
        return ns_error_set (err, NS_ERROR_ARGUMENT, "%s: not written: a tensor is named \"%s\"",
                             path, name);
      for (size_t j = 0; j < i; j++)
        if (strcmp (tensors[j].name, name) == 0)
          return ns_error_set (err, NS_ERROR_ARGUMENT, "%s: not written: two tensors are named %s",
                               path, name);
      if (tensor->dtype != SAFETENSORS_F32 && tensor->dtype != SAFETENSORS_F16)
        return ns_error_set (err, NS_ERROR_ARGUMENT,
                             "%s: not written: tensor %s is to be %s, but only F32 and F16 can "
                             "be written",
                             path, name, ns_safetensors_dtype_name (tensor->dtype));
      if (tensor->rank < 0 || tensor->rank > SAFETENSORS_MAX_RANK)
        return ns_error_set (err, NS_ERROR_ARGUMENT, "%s: not written: tensor %s has rank %d", path,
                             name, tensor->rank);
      uint64_t count = 1;
      for (int d = 0; d < tensor->rank; d++)
        {
          const uint64_t dim = tensor->shape[d];
          if (dim != 0 && count > ((uint64_t) 1 << 60) / dim)
            return ns_error_set (err, NS_ERROR_ARGUMENT, "%s: not written: tensor %s is too large",
                                 path, name);
          count *= dim;
        }
      if (count > 0 && !tensor->values)
        return ns_error_set (err, NS_ERROR_ARGUMENT, "%s: not written: tensor %s has no values",
                             path, name);
      for (uint64_t k = 0; k < count; k++)
        {
          const float value = tensor->values[k];
          uint16_t half;
          if (!isfinite (value))
            return ns_error_set (err, NS_ERROR_ARGUMENT,
                                 "%s: not written: tensor %s holds NaN or Inf values (element "
                                 "%llu)",
                                 path, name, (unsigned long long) k);
          if (tensor->dtype == SAFETENSORS_F16 && ns_float_to_half (value, &half) != 0)
            return ns_error_set (err, NS_ERROR_ARGUMENT,
                                 "%s: not written: tensor %s holds %g (element %llu), beyond "
                                 "F16's range (largest 65504); write it as F32",
                                 path, name, (double) value, (unsigned long long) k);
        }
    }
  return NS_OK;
}

/* The JSON header: "__metadata__" (when there is any), then each tensor in
 * order with the offsets it will have.  NULL when out of memory. */
static char *
make_header (const ns_safetensors_output_tensor *tensors, size_t tensor_count,
             const ns_safetensors_metadata_entry *metadata, size_t metadata_count)
{
  json_t *root = json_object ();
  uint64_t offset = 0;
  int ok = root != NULL;

  if (ok && metadata_count > 0)
    {
      json_t *entries = json_object ();
      ok = entries && json_object_set_new (root, "__metadata__", entries) == 0;
      for (size_t i = 0; ok && i < metadata_count; i++)
        ok = json_object_set_new (entries, metadata[i].key, json_string (metadata[i].value)) == 0;
    }
  for (size_t i = 0; ok && i < tensor_count; i++)
    {
      const ns_safetensors_output_tensor *tensor = &tensors[i];
      const uint64_t end = offset + element_count (tensor) * element_size (tensor->dtype);
      json_t *entry = json_pack ("{s:s, s:[], s:[I,I]}", "dtype",
                                 ns_safetensors_dtype_name (tensor->dtype), "shape", "data_offsets",
                                 (json_int_t) offset, (json_int_t) end);
      ok = entry && json_object_set_new (root, tensor->name, entry) == 0;
      json_t *shape = ok ? json_object_get (entry, "shape") : NULL;
      for (int d = 0; ok && d < tensor->rank; d++)
        ok = json_array_append_new (shape, json_integer ((json_int_t) tensor->shape[d])) == 0;
      offset = end;
    }
  char *text = ok ? json_dumps (root, JSON_COMPACT) : NULL;
  json_decref (root);
  return text;
}

static void
store_le (unsigned char *bytes, uint64_t value, int count)
{
  for (int i = 0; i < count; i++)
    bytes[i] = (unsigned char) (value >> (8 * i));
}

/* Writes tensor's values as little-endian dtype elements. */
static int
write_values (FILE *stream, const ns_safetensors_output_tensor *tensor)
{
  unsigned char buffer[16384];
  const size_t size = element_size (tensor->dtype);
  const uint64_t count = element_count (tensor);
  size_t used = 0;

  for (uint64_t k = 0; k < count; k++)
    {
      if (tensor->dtype == SAFETENSORS_F16)
        {
          uint16_t half;
          ns_float_to_half (tensor->values[k], &half); /* checked before */
          store_le (buffer + used, half, 2);
        }
      else
        store_le (buffer + used, bits_of_float (tensor->values[k]), 4);
      used += size;
      if (used == sizeof buffer || k + 1 == count)
        {
          if (fwrite (buffer, 1, used, stream) != used)
            return 0;
          used = 0;
        }
    }
  return 1;
}

/* Creates path.tmp-PID (or .tmp-PID-N when that exists, left by a run that
 * died) next to path; the mode honours the umask like any new file's. */
static FILE *
create_temporary (const char *path, char *temporary, size_t size)
{
  for (int attempt = 0; attempt < 100; attempt++)
    {
      int written = attempt == 0 ?
                        snprintf (temporary, size, "%s.tmp-%ld", path, (long) getpid ()) :
                        snprintf (temporary, size, "%s.tmp-%ld-%d", path, (long) getpid (), attempt);
      if (written < 0 || (size_t) written >= size)
        {
          errno = ENAMETOOLONG;
          return NULL;
        }
      const int fd = open (temporary, O_WRONLY | O_CREAT | O_EXCL, 0666);
      if (fd >= 0)
        {
          FILE *stream = fdopen (fd, "wb");
          if (!stream)
            {
              const int saved = errno;
              close (fd);
              unlink (temporary);
              errno = saved;
            }
          return stream;
        }
      if (errno != EEXIST)
        return NULL;
    }
  return NULL;
}

ns_status
ns_safetensors_write (const char *path, const ns_safetensors_output_tensor *tensors,
                      size_t tensor_count, const ns_safetensors_metadata_entry *metadata,
                      size_t metadata_count, ns_error *err)
{
  if (!path || !*path)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "no output file given");
  if (tensor_count > 0 && !tensors)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "%s: not written: no tensors given", path);
  ns_status status = check_tensors (path, tensors, tensor_count, err);
  if (status != NS_OK)
    return status;

  char *header = make_header (tensors, tensor_count, metadata, metadata_count);
  if (!header)
    return ns_error_set (err, NS_ERROR_NOMEM, "%s: not written: out of memory for the header", path);
  /* Spaces pad the header so that the data starts 8-byte aligned, as the
   * format's own writers do; readers skip them as JSON whitespace. */
  const size_t header_length = strlen (header);
  const size_t padding = (8 - header_length % 8) % 8;
  unsigned char length_bytes[8];
  store_le (length_bytes, header_length + padding, 8);

  const size_t temporary_size = strlen (path) + 64;
  char *temporary = malloc (temporary_size);
  FILE *stream = temporary ? create_temporary (path, temporary, temporary_size) : NULL;
  if (!stream)
    {
      status = temporary ?
                   ns_error_set (err, NS_ERROR_IO, "%s: cannot create a file in its folder: %s",
                                 path, strerror (errno)) :
                   ns_error_set (err, NS_ERROR_NOMEM, "%s: not written: out of memory", path);
      free (temporary);
      free (header);
      return status;
    }

  int ok = fwrite (length_bytes, 1, 8, stream) == 8 &&
           fwrite (header, 1, header_length, stream) == header_length &&
           fprintf (stream, "%*s", (int) padding, "") == (int) padding;
  for (size_t i = 0; ok && i < tensor_count; i++)
    ok = write_values (stream, &tensors[i]);
  /* The data must be on disk before the rename makes it the file: else a
   * crash could leave path empty where it held the old weights. */
  ok = ok && fflush (stream) == 0 && fsync (fileno (stream)) == 0;
  int error = ok ? 0 : errno;
  if (fclose (stream) != 0 && ok)
    {
      ok = 0;
      error = errno;
    }
  if (!ok)
    status = ns_error_set (err, NS_ERROR_IO, "%s: write error: %s; the file is left as it was",
                           path, strerror (error));
  else if (rename (temporary, path) != 0)
    status = ns_error_set (err, NS_ERROR_IO, "%s: cannot replace it: %s", path, strerror (errno));
  if (status != NS_OK)
    unlink (temporary);
  free (temporary);
  free (header);
  return status;
}
