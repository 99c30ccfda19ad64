/* SPDX-License-Identifier: GPL-3.0-or-later */
/* safetensors reader.  The header is untrusted input: every length and offset
 * is checked against the file before anything is allocated from it or read,
 * and tensors must tile the data section exactly as the format requires (so a
 * cut-off file is caught at open, not halfway through a read). */
#include "safetensors.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <jansson.h>

typedef struct
{
  const char *name;
  ns_safetensors_dtype dtype;
  unsigned bits; /* per element; a few formats are narrower than a byte */
} dtype_info;

static const dtype_info dtype_table[] = {
  { "BOOL", SAFETENSORS_BOOL, 8 },       { "U8", SAFETENSORS_U8, 8 },
  { "I8", SAFETENSORS_I8, 8 },           { "F8_E5M2", SAFETENSORS_F8_E5M2, 8 },
  { "F8_E4M3", SAFETENSORS_F8_E4M3, 8 }, { "F8_E8M0", SAFETENSORS_F8_E8M0, 8 },
  { "I16", SAFETENSORS_I16, 16 },        { "U16", SAFETENSORS_U16, 16 },
  { "F16", SAFETENSORS_F16, 16 },        { "BF16", SAFETENSORS_BF16, 16 },
  { "I32", SAFETENSORS_I32, 32 },        { "U32", SAFETENSORS_U32, 32 },
  { "F32", SAFETENSORS_F32, 32 },        { "I64", SAFETENSORS_I64, 64 },
  { "U64", SAFETENSORS_U64, 64 },        { "F64", SAFETENSORS_F64, 64 },
  { "F4", SAFETENSORS_F4, 4 },           { "F6_E2M3", SAFETENSORS_F6_E2M3, 6 },
  { "F6_E3M2", SAFETENSORS_F6_E3M2, 6 },
};

#define DTYPE_COUNT (sizeof dtype_table / sizeof dtype_table[0])

static const dtype_info *
find_dtype_by_name (const char *name, size_t length)
{
  size_t i;

  for (i = 0; i < DTYPE_COUNT; i++)
    if (strlen (dtype_table[i].name) == length && memcmp (dtype_table[i].name, name, length) == 0)
      return &dtype_table[i];
  return NULL;
}

static const dtype_info *
find_dtype (ns_safetensors_dtype dtype)
{
  size_t i;

  for (i = 0; i < DTYPE_COUNT; i++)
    if (dtype_table[i].dtype == dtype)
      return &dtype_table[i];
  return NULL;
}

const char *
ns_safetensors_dtype_name (ns_safetensors_dtype dtype)
{
  const dtype_info *info = find_dtype (dtype);
  return info ? info->name : "?";
}

void
ns_safetensors_format_shape (const ns_safetensors_tensor *tensor, char *buffer, size_t size)
{
  size_t used = 0;
  int i;

  if (size == 0)
    return;
  if (tensor->rank == 0)
    {
      snprintf (buffer, size, "[]");
      return;
    }
  buffer[0] = '\0';
  for (i = 0; i <= tensor->rank && used < size; i++)
    {
      int written;
      if (i == tensor->rank)
        written = snprintf (buffer + used, size - used, "]");
      else
        written = snprintf (buffer + used, size - used, "%s%llu", i == 0 ? "[" : ",",
                            (unsigned long long) tensor->shape[i]);
      if (written < 0)
        return;
      used += (size_t) written;
    }
}

static char *
copy_bytes (const char *bytes, size_t length)
{
  char *copy = malloc (length + 1);

  if (copy)
    {
      memcpy (copy, bytes, length);
      copy[length] = '\0';
    }
  return copy;
}

void
ns_safetensors_close (ns_safetensors_file *file)
{
  size_t i;

  if (!file)
    return;
  if (file->stream)
    fclose (file->stream);
  for (i = 0; i < file->tensor_count; i++)
    free (file->tensors[i].name);
  free (file->tensors);
  for (i = 0; i < file->metadata_count; i++)
    {
      free (file->metadata[i].key);
      free (file->metadata[i].value);
    }
  free (file->metadata);
  free (file->path);
  memset (file, 0, sizeof *file);
}

static ns_status
no_memory (const char *path, ns_error *err)
{
  return ns_error_set (err, NS_ERROR_NOMEM, "%s: out of memory while reading the header", path);
}

/* Reads a JSON array of at most max_count non-negative integers into out
 * (what = "shape" or "data_offsets", for messages).  jansson holds integers
 * as long long, exactly; a literal with a fraction or exponent is a real and
 * refused, and one beyond long long's range never gets here (json_loadb
 * refuses the header). */
static ns_status
read_integer_array (const char *path, const char *name, const char *what, const json_t *value,
                    uint64_t *out, size_t max_count, size_t *count, ns_error *err)
{
  size_t i;

  if (!json_is_array (value) || json_array_size (value) > max_count)
    {
      if (max_count == 2)
        return ns_error_set (err, NS_ERROR_FORMAT,
                             "%s: tensor %s has no valid data_offsets (two "
                             "non-negative integers)",
                             path, name);
      return ns_error_set (err, NS_ERROR_FORMAT,
                           "%s: tensor %s has no valid shape (an array of at "
                           "most %zu non-negative integers)",
                           path, name, max_count);
    }
  for (i = 0; i < json_array_size (value); i++)
    {
      const json_t *item = json_array_get (value, i);
      json_int_t integer;

      if (!json_is_integer (item))
        {
          if (json_is_real (item))
            return ns_error_set (err, NS_ERROR_FORMAT,
                                 "%s: tensor %s has %s item %zu written as a "
                                 "real number (%.17g): an integer without "
                                 "fraction or exponent is required",
                                 path, name, what, i, json_real_value (item));
          return ns_error_set (err, NS_ERROR_FORMAT,
                               "%s: tensor %s has %s item %zu that is not a "
                               "non-negative integer",
                               path, name, what, i);
        }
      integer = json_integer_value (item);
      if (integer < 0)
        return ns_error_set (err, NS_ERROR_FORMAT,
                             "%s: tensor %s has %s item %zu %lld, which is "
                             "negative",
                             path, name, what, i, (long long) integer);
      out[i] = (uint64_t) integer;
    }
  *count = json_array_size (value);
  return NS_OK;
}

/* Fills tensor from its header entry (name: value) and checks it against the
 * data section of data_size bytes. */
static ns_status
parse_tensor_info (const char *path, const char *name, const json_t *value, uint64_t data_size,
                   ns_safetensors_tensor *tensor, ns_error *err)
{
  const json_t *dtype_value;
  const dtype_info *dtype;
  uint64_t offsets[2];
  uint64_t element_count = 1, byte_count;
  size_t rank = 0, offset_count = 0, i;
  char shape_text[128];
  ns_status status;

  if (!json_is_object (value))
    return ns_error_set (err, NS_ERROR_FORMAT, "%s: header entry \"%s\" is not an object", path,
                         name);

  dtype_value = json_object_get (value, "dtype");
  if (!json_is_string (dtype_value))
    return ns_error_set (err, NS_ERROR_FORMAT, "%s: tensor %s has no dtype string", path, name);
  dtype = find_dtype_by_name (json_string_value (dtype_value), json_string_length (dtype_value));
  if (!dtype)
    return ns_error_set (err, NS_ERROR_FORMAT, "%s: tensor %s has unknown dtype \"%.40s\"", path,
                         name, json_string_value (dtype_value));

  status = read_integer_array (path, name, "shape", json_object_get (value, "shape"), tensor->shape,
                               SAFETENSORS_MAX_RANK, &rank, err);
  if (status != NS_OK)
    return status;
  tensor->rank = (int) rank;
  tensor->dtype = dtype->dtype;
  ns_safetensors_format_shape (tensor, shape_text, sizeof shape_text);

  for (i = 0; i < rank; i++)
    {
      uint64_t dim = tensor->shape[i];
      if (dim != 0 && element_count > UINT64_MAX / dim)
        return ns_error_set (err, NS_ERROR_FORMAT, "%s: tensor %s has shape %s, whose size overflows",
                             path, name, shape_text);
      element_count *= dim;
    }
  if (element_count > UINT64_MAX / dtype->bits || (element_count * dtype->bits) % 8 != 0)
    return ns_error_set (err, NS_ERROR_FORMAT,
                         "%s: tensor %s has shape %s, which does not fill a "
                         "whole number of bytes in %s",
                         path, name, shape_text, dtype->name);
  byte_count = element_count * dtype->bits / 8;

  status = read_integer_array (path, name, "data_offsets", json_object_get (value, "data_offsets"),
                               offsets, 2, &offset_count, err);
  if (status != NS_OK)
    return status;
  if (offset_count != 2)
    return ns_error_set (err, NS_ERROR_FORMAT,
                         "%s: tensor %s has no valid data_offsets (two "
                         "non-negative integers)",
                         path, name);
  if (offsets[1] < offsets[0])
    return ns_error_set (err, NS_ERROR_FORMAT,
                         "%s: tensor %s has data_offsets [%llu,%llu] that end "
                         "before they begin",
                         path, name, (unsigned long long) offsets[0],
                         (unsigned long long) offsets[1]);
  if (offsets[1] > data_size)
    return ns_error_set (err, NS_ERROR_FORMAT,
                         "%s: tensor %s has data_offsets [%llu,%llu]: "
                         "data_offsets end %llu is beyond the data (%llu "
                         "bytes): the file is truncated or its offsets are out "
                         "of range",
                         path, name, (unsigned long long) offsets[0], (unsigned long long) offsets[1],
                         (unsigned long long) offsets[1], (unsigned long long) data_size);
  if (offsets[1] - offsets[0] != byte_count)
    return ns_error_set (err, NS_ERROR_FORMAT,
                         "%s: tensor %s spans %llu bytes, but %s with shape %s "
                         "needs %llu bytes",
                         path, name, (unsigned long long) (offsets[1] - offsets[0]), dtype->name,
                         shape_text, (unsigned long long) byte_count);

  tensor->element_count = element_count;
  tensor->data_begin = offsets[0];
  tensor->data_end = offsets[1];
  /* Keys hold no NUL: json_loadb refuses \u0000 without JSON_ALLOW_NUL. */
  tensor->name_length = strlen (name);
  tensor->name = copy_bytes (name, tensor->name_length);
  if (!tensor->name)
    return no_memory (path, err);
  return NS_OK;
}

static ns_status
parse_metadata (const char *path, const json_t *value, ns_safetensors_file *file, ns_error *err)
{
  const char *key;
  json_t *member;

  if (!json_is_object (value))
    return ns_error_set (err, NS_ERROR_FORMAT, "%s: __metadata__ is not an object", path);
  if (json_object_size (value) == 0)
    return NS_OK;
  file->metadata = calloc (json_object_size (value), sizeof *file->metadata);
  if (!file->metadata)
    return no_memory (path, err);
  json_object_foreach ((json_t *) value, key, member)
  {
    ns_safetensors_metadata_entry *entry = &file->metadata[file->metadata_count];

    if (!json_is_string (member))
      return ns_error_set (err, NS_ERROR_FORMAT, "%s: __metadata__ entry \"%s\" is not a string",
                           path, key);
    entry->key = copy_bytes (key, strlen (key));
    entry->value = copy_bytes (json_string_value (member), json_string_length (member));
    file->metadata_count++;
    if (!entry->key || !entry->value)
      return no_memory (path, err);
  }
  return NS_OK;
}

static int
compare_names (const char *a, size_t a_length, const char *b, size_t b_length)
{
  size_t shorter = a_length < b_length ? a_length : b_length;
  int order = memcmp (a, b, shorter);

  if (order != 0)
    return order;
  return (a_length > b_length) - (a_length < b_length);
}

static int
compare_tensors_by_name (const void *a, const void *b)
{
  const ns_safetensors_tensor *x = a, *y = b;
  return compare_names (x->name, x->name_length, y->name, y->name_length);
}

static int
compare_tensors_by_offset (const void *a, const void *b)
{
  const ns_safetensors_tensor *x = *(const ns_safetensors_tensor *const *) a;
  const ns_safetensors_tensor *y = *(const ns_safetensors_tensor *const *) b;

  if (x->data_begin != y->data_begin)
    return x->data_begin < y->data_begin ? -1 : 1;
  return (x->data_end > y->data_end) - (x->data_end < y->data_end);
}

/* The format requires the tensors to cover the data section exactly, with no
 * overlap and no gap; checking it catches files cut short or padded. */
static ns_status
check_layout (const char *path, const ns_safetensors_file *file, uint64_t data_size, ns_error *err)
{
  const ns_safetensors_tensor **by_offset;
  uint64_t covered = 0;
  ns_status status = NS_OK;
  size_t i;

  if (file->tensor_count == 0)
    {
      if (data_size != 0)
        return ns_error_set (err, NS_ERROR_FORMAT, "%s: %llu bytes of data but no tensors", path,
                             (unsigned long long) data_size);
      return NS_OK;
    }
  by_offset = malloc (file->tensor_count * sizeof *by_offset);
  if (!by_offset)
    return no_memory (path, err);
  for (i = 0; i < file->tensor_count; i++)
    by_offset[i] = &file->tensors[i];
  qsort (by_offset, file->tensor_count, sizeof *by_offset, compare_tensors_by_offset);

  for (i = 0; i < file->tensor_count; i++)
    {
      const ns_safetensors_tensor *tensor = by_offset[i];
      if (tensor->data_begin != covered)
        {
          status = ns_error_set (err, NS_ERROR_FORMAT,
                                 "%s: tensor %s's data_offsets begin at %llu, "
                                 "but the previous tensor ends at %llu "
                                 "(tensors overlap or leave a gap)",
                                 path, tensor->name, (unsigned long long) tensor->data_begin,
                                 (unsigned long long) covered);
          break;
        }
      covered = tensor->data_end;
    }
  if (status == NS_OK && covered != data_size)
    status = ns_error_set (err, NS_ERROR_FORMAT,
                           "%s: %llu bytes after the last tensor's data are not "
                           "described by the header",
                           path, (unsigned long long) (data_size - covered));
  free (by_offset);
  return status;
}

static int
is_metadata_key (const char *key)
{
  return strcmp (key, "__metadata__") == 0;
}

/* Turns json_loadb's error into ours, naming the problem and its byte. */
static ns_status
json_error (const char *path, const json_error_t *error, ns_error *err)
{
  switch (json_error_code (error))
    {
    case json_error_out_of_memory:
      return no_memory (path, err);
    case json_error_numeric_overflow:
      /* Integers beyond long long (2^63 and up) or reals beyond double: no
       * offset or dimension of a real file comes near. */
      return ns_error_set (err, NS_ERROR_FORMAT,
                           "%s: header has a number too large at byte %d "
                           "(%s): no data offset or shape can be that large",
                           path, error->position, error->text);
    default:
      return ns_error_set (err, NS_ERROR_FORMAT, "%s: header is not valid JSON at byte %d: %s",
                           path, error->position, error->text);
    }
}

/* Parses the JSON header and fills file's tensors and metadata. */
static ns_status
parse_header (const char *path, const char *header, size_t header_length, uint64_t data_size,
              ns_safetensors_file *file, ns_error *err)
{
  json_t *root;
  json_error_t error;
  const char *key;
  json_t *value;
  ns_status status = NS_OK;
  size_t tensor_count;

  /* The format requires a bare object; this also rejects other files early. */
  if (header[0] != '{')
    return ns_error_set (err, NS_ERROR_FORMAT,
                         "%s: header does not begin with '{': not a "
                         "safetensors file",
                         path);
  /* Duplicate keys make a header ambiguous (readers differ in which one
   * wins), so they are refused at every level; so are \u0000 in strings,
   * invalid UTF-8 and nesting beyond jansson's depth limit. */
  root = json_loadb (header, header_length, JSON_REJECT_DUPLICATES, &error);
  if (!root)
    return json_error (path, &error, err);
  if (!json_is_object (root))
    {
      json_decref (root);
      return ns_error_set (err, NS_ERROR_FORMAT, "%s: header is not a JSON object", path);
    }

  tensor_count = json_object_size (root) - (json_object_get (root, "__metadata__") != NULL);
  if (tensor_count > 0)
    {
      file->tensors = calloc (tensor_count, sizeof *file->tensors);
      if (!file->tensors)
        {
          json_decref (root);
          return no_memory (path, err);
        }
    }

  json_object_foreach (root, key, value)
  {
    if (is_metadata_key (key))
      status = parse_metadata (path, value, file, err);
    else
      {
        status = parse_tensor_info (path, key, value, data_size, &file->tensors[file->tensor_count],
                                    err);
        if (status == NS_OK)
          file->tensor_count++;
      }
    if (status != NS_OK)
      break;
  }
  json_decref (root);
  if (status != NS_OK)
    return status;

  qsort (file->tensors, file->tensor_count, sizeof *file->tensors, compare_tensors_by_name);
  return check_layout (path, file, data_size, err);
}

ns_status
ns_safetensors_open (ns_safetensors_file *file, const char *path, ns_error *err)
{
  unsigned char length_bytes[8];
  uint64_t header_length = 0;
  struct stat info;
  char *header = NULL;
  ns_status status;
  int i;

  memset (file, 0, sizeof *file);
  if (!path || !*path)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "no weights file given");

  file->stream = fopen (path, "rb");
  if (!file->stream)
    return ns_error_set (err, NS_ERROR_IO, "%s: cannot open: %s", path, strerror (errno));
  if (fstat (fileno (file->stream), &info) != 0)
    {
      status = ns_error_set (err, NS_ERROR_IO, "%s: cannot read: %s", path, strerror (errno));
      goto fail;
    }
  if (!S_ISREG (info.st_mode))
    {
      status = ns_error_set (err, NS_ERROR_IO, "%s: not a regular file", path);
      goto fail;
    }
  file->file_size = (uint64_t) info.st_size;

  if (file->file_size < 8 || fread (length_bytes, 1, 8, file->stream) != 8)
    {
      status = ns_error_set (err, NS_ERROR_FORMAT,
                             "%s: file is truncated (%llu bytes, too short for "
                             "a safetensors header)",
                             path, (unsigned long long) file->file_size);
      goto fail;
    }
  for (i = 7; i >= 0; i--)
    header_length = (header_length << 8) | length_bytes[i];

  if (header_length > SAFETENSORS_MAX_HEADER_SIZE)
    {
      status = ns_error_set (err, NS_ERROR_FORMAT,
                             "%s: header length %llu is over the %u-byte limit: "
                             "not a safetensors file, or a corrupt one",
                             path, (unsigned long long) header_length, SAFETENSORS_MAX_HEADER_SIZE);
      goto fail;
    }
  if (header_length > file->file_size - 8)
    {
      status = ns_error_set (err, NS_ERROR_FORMAT,
                             "%s: header length %llu is larger than the %llu "
                             "bytes that follow it: the file is truncated",
                             path, (unsigned long long) header_length,
                             (unsigned long long) (file->file_size - 8));
      goto fail;
    }
  if (header_length < 2)
    {
      status = ns_error_set (err, NS_ERROR_FORMAT,
                             "%s: header length %llu is too short for a JSON "
                             "object",
                             path, (unsigned long long) header_length);
      goto fail;
    }

  header = malloc ((size_t) header_length);
  if (!header)
    {
      status = no_memory (path, err);
      goto fail;
    }
  if (fread (header, 1, (size_t) header_length, file->stream) != header_length)
    {
      status = ferror (file->stream) ?
                   ns_error_set (err, NS_ERROR_IO, "%s: read error: %s", path, strerror (errno)) :
                   ns_error_set (err, NS_ERROR_FORMAT, "%s: file is truncated inside its header",
                                 path);
      goto fail;
    }
  file->data_start = 8 + header_length;

  status = parse_header (path, header, (size_t) header_length, file->file_size - file->data_start,
                         file, err);
  free (header);
  header = NULL;
  if (status != NS_OK)
    goto fail;

  file->path = copy_bytes (path, strlen (path));
  if (!file->path)
    {
      status = no_memory (path, err);
      goto fail;
    }
  return NS_OK;

fail:
  free (header);
  ns_safetensors_close (file);
  return status;
}

const ns_safetensors_tensor *
ns_safetensors_find (const ns_safetensors_file *file, const char *name)
{
  size_t low = 0, high, length;

  if (!file || !name)
    return NULL;
  length = strlen (name);
  high = file->tensor_count;
  while (low < high)
    {
      size_t middle = low + (high - low) / 2;
      const ns_safetensors_tensor *tensor = &file->tensors[middle];
      int order = compare_names (name, length, tensor->name, tensor->name_length);
      if (order == 0)
        return tensor;
      if (order < 0)
        high = middle;
      else
        low = middle + 1;
    }
  return NULL;
}

const char *
ns_safetensors_metadata (const ns_safetensors_file *file, const char *key)
{
  size_t i;

  if (!file || !key)
    return NULL;
  for (i = 0; i < file->metadata_count; i++)
    if (strcmp (file->metadata[i].key, key) == 0)
      return file->metadata[i].value;
  return NULL;
}

/* ---- element conversion (the data is little-endian whatever the host) ---- */

static uint32_t
load_u16 (const unsigned char *bytes)
{
  return (uint32_t) bytes[0] | (uint32_t) bytes[1] << 8;
}

static uint32_t
load_u32 (const unsigned char *bytes)
{
  return (uint32_t) bytes[0] | (uint32_t) bytes[1] << 8 | (uint32_t) bytes[2] << 16 |
         (uint32_t) bytes[3] << 24;
}

static float
float_from_bits (uint32_t bits)
{
  float value;
  memcpy (&value, &bits, sizeof value);
  return value;
}

static float
half_to_float (uint32_t half)
{
  uint32_t sign = half >> 15;
  uint32_t exponent = (half >> 10) & 0x1f;
  uint32_t mantissa = half & 0x3ff;
  float value;

  if (exponent == 0)
    value = ldexpf ((float) mantissa, -24); /* zero or subnormal, exact */
  else if (exponent == 31)
    value = mantissa ? NAN : INFINITY;
  else
    value = float_from_bits ((exponent + 127 - 15) << 23 | mantissa << 13);
  return sign ? -value : value;
}

/* Converts n elements of raw data to floats; returns the index of the first
 * non-finite (or, for F64, out-of-float-range) value, or n. */
static size_t
convert_elements (ns_safetensors_dtype dtype, const unsigned char *raw, float *out, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    {
      float value;
      switch (dtype)
        {
        case SAFETENSORS_F16:
          value = half_to_float (load_u16 (raw + 2 * i));
          break;
        case SAFETENSORS_BF16:
          value = float_from_bits (load_u16 (raw + 2 * i) << 16);
          break;
        case SAFETENSORS_F64:
          {
            uint64_t bits = (uint64_t) load_u32 (raw + 8 * i) |
                            (uint64_t) load_u32 (raw + 8 * i + 4) << 32;
            double wide;
            memcpy (&wide, &bits, sizeof wide);
            if (!isfinite (wide) || fabs (wide) > FLT_MAX)
              return i;
            value = (float) wide;
            break;
          }
        default:
          value = float_from_bits (load_u32 (raw + 4 * i));
          break;
        }
      if (!isfinite (value))
        return i;
      out[i] = value;
    }
  return n;
}

ns_status
ns_safetensors_read_f32 (ns_safetensors_file *file, const ns_safetensors_tensor *tensor, float *out,
                         size_t count, ns_error *err)
{
  unsigned char raw[16384];
  const char *path;
  size_t element_size, per_chunk, done = 0;

  if (!file || !file->stream || !tensor || (!out && count > 0))
    return ns_error_set (err, NS_ERROR_ARGUMENT,
                         "ns_safetensors_read_f32: no file, tensor or output");
  path = file->path;
  if (tensor->element_count != count)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "%s: tensor %s has %llu elements, not %zu", path,
                         tensor->name, (unsigned long long) tensor->element_count, count);
  switch (tensor->dtype)
    {
    case SAFETENSORS_F16:
    case SAFETENSORS_BF16:
      element_size = 2;
      break;
    case SAFETENSORS_F32:
      element_size = 4;
      break;
    case SAFETENSORS_F64:
      element_size = 8;
      break;
    default:
      return ns_error_set (err, NS_ERROR_FORMAT,
                           "%s: tensor %s has dtype %s, which cannot be read "
                           "as floats (F32, F16, BF16 or F64 expected)",
                           path, tensor->name, ns_safetensors_dtype_name (tensor->dtype));
    }
  if (count == 0)
    return NS_OK;

  /* open checked that the tensor lies inside the file, whose size is an
   * off_t, so this offset fits one. */
  if (fseeko (file->stream, (off_t) (file->data_start + tensor->data_begin), SEEK_SET) != 0)
    return ns_error_set (err, NS_ERROR_IO, "%s: cannot seek to tensor %s: %s", path, tensor->name,
                         strerror (errno));

  per_chunk = sizeof raw / element_size;
  while (done < count)
    {
      size_t n = count - done < per_chunk ? count - done : per_chunk;
      size_t converted;

      if (fread (raw, element_size, n, file->stream) != n)
        {
          if (ferror (file->stream))
            return ns_error_set (err, NS_ERROR_IO, "%s: read error in tensor %s: %s", path,
                                 tensor->name, strerror (errno));
          return ns_error_set (err, NS_ERROR_FORMAT,
                               "%s: file is truncated (tensor %s ends past the "
                               "end of the file)",
                               path, tensor->name);
        }
      converted = convert_elements (tensor->dtype, raw, out + done, n);
      if (converted != n)
        {
          if (tensor->dtype == SAFETENSORS_F64)
            return ns_error_set (err, NS_ERROR_FORMAT,
                                 "%s: tensor %s holds NaN or Inf values, or "
                                 "values beyond float's range (element %zu)",
                                 path, tensor->name, done + converted);
          return ns_error_set (err, NS_ERROR_FORMAT,
                               "%s: tensor %s holds NaN or Inf values "
                               "(element %zu)",
                               path, tensor->name, done + converted);
        }
      done += n;
    }
  return NS_OK;
}
