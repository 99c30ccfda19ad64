/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The input convention a weights file states in its "__metadata__", or
 * torchvision's when it states none. */
#include "input_convention.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

static const char *const convention_keys[4] = { "input_channel_order", "input_range", "input_mean",
                                                "input_std" };

/* torchvision's convention, taken when a file states none, in the words a
 * file would state it: read through the same parser as a file's, and
 * written out by ns_weights_convert. */
static const char *const torchvision_convention[4] = { "RGB", "0-1", "0.485,0.456,0.406",
                                                       "0.229,0.224,0.225" };

/* Reads text[0..length) as exactly one JSON number literal ("103.939",
 * "-2.5E3", "1e-7"), independently of the C locale (jansson converts with the
 * locale's decimal point itself; a GIMP session may run with a decimal
 * comma).  Any byte a JSON number cannot hold (whitespace included) is
 * refused before jansson sees the text, which then checks the grammar: so
 * "1.", ".5", "+1", "01", "1,5", "0x10" and "NaN" are refused, as are numbers
 * beyond double's range ("1e400").  Integers are read as doubles too, so a
 * long one ("123456789012345678901234567890") is a number, not an overflow.
 * Returns 1 and stores a finite value, or 0. */
static int
parse_number (const char *text, size_t length, double *value)
{
  json_error_t error;
  json_t *number;
  size_t i;
  int ok;

  if (length == 0)
    return 0;
  for (i = 0; i < length; i++)
    if (!strchr ("0123456789+-.eE", text[i]) || text[i] == '\0')
      return 0;
  number = json_loadb (text, length, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL, &error);
  ok = json_is_real (number) || json_is_integer (number);
  if (ok)
    *value = json_number_value (number);
  json_decref (number);
  return ok && isfinite (*value);
}

/* Parses "a,b,c" (spaces allowed around each number) into three finite
 * floats.  Numbers follow JSON's syntax, read independently of the locale. */
static int
parse_three_floats (const char *text, float out[3])
{
  const char *field = text;
  int k;

  for (k = 0; k < 3; k++)
    {
      const char *end = strchr (field, ',');
      const char *stop;
      double value;

      if (!end)
        end = field + strlen (field);
      if ((k < 2) != (*end == ','))
        return 0; /* fewer or more than three fields */
      stop = end;
      while (*field == ' ' || *field == '\t')
        field++;
      while (stop > field && (stop[-1] == ' ' || stop[-1] == '\t'))
        stop--;
      if (!parse_number (field, (size_t) (stop - field), &value) || value > FLT_MAX ||
          value < -FLT_MAX)
        return 0;
      out[k] = (float) value;
      field = end + 1;
    }
  return 1;
}

ns_status
ns_input_convention_read (const ns_safetensors_file *file, const char *path,
                          ns_input_convention *input, ns_error *err)
{
  const char *values[4];
  int present = 0, k;

  for (k = 0; k < 4; k++)
    {
      values[k] = ns_safetensors_metadata (file, convention_keys[k]);
      present += values[k] != NULL;
    }
  if (present == 0)
    for (k = 0; k < 4; k++)
      values[k] = torchvision_convention[k];
  /* Filling gaps with torchvision's values would silently mix two
   * conventions, so a partial statement is an error. */
  else if (present < 4)
    for (k = 0; k < 4; k++)
      if (!values[k])
        return ns_error_set (err, NS_ERROR_FORMAT,
                             "%s: __metadata__ lacks %s (give all of "
                             "input_channel_order, input_range, input_mean and "
                             "input_std, or none for torchvision's convention)",
                             path, convention_keys[k]);

  if (strcmp (values[0], "BGR") == 0)
    {
      input->rgb_index[0] = 2;
      input->rgb_index[1] = 1;
      input->rgb_index[2] = 0;
    }
  else if (strcmp (values[0], "RGB") == 0)
    {
      input->rgb_index[0] = 0;
      input->rgb_index[1] = 1;
      input->rgb_index[2] = 2;
    }
  else
    return ns_error_set (err, NS_ERROR_FORMAT,
                         "%s: input_channel_order is \"%.40s\", expected BGR "
                         "or RGB",
                         path, values[0]);

  if (strcmp (values[1], "0-255") == 0)
    input->range = 255.0f;
  else if (strcmp (values[1], "0-1") == 0)
    input->range = 1.0f;
  else
    return ns_error_set (err, NS_ERROR_FORMAT,
                         "%s: input_range is \"%.40s\", expected 0-255 or 0-1", path, values[1]);

  if (!parse_three_floats (values[2], input->mean))
    return ns_error_set (err, NS_ERROR_FORMAT,
                         "%s: input_mean is \"%.60s\", expected three numbers "
                         "like \"103.939,116.779,123.68\"",
                         path, values[2]);
  if (!parse_three_floats (values[3], input->std))
    return ns_error_set (err, NS_ERROR_FORMAT,
                         "%s: input_std is \"%.60s\", expected three numbers "
                         "like \"1,1,1\"",
                         path, values[3]);
  for (k = 0; k < 3; k++)
    if (!(input->std[k] > 0.0f))
      return ns_error_set (err, NS_ERROR_FORMAT,
                           "%s: input_std is \"%.60s\", but every standard "
                           "deviation must be positive",
                           path, values[3]);
  return NS_OK;
}

ns_safetensors_metadata_entry *
ns_input_convention_metadata (const ns_safetensors_file *in_file, size_t *count)
{
  ns_safetensors_metadata_entry *entries = malloc ((in_file->metadata_count + 4) * sizeof *entries);
  int stated = 0, k;

  if (!entries)
    return NULL;
  for (k = 0; k < 4; k++)
    stated += ns_safetensors_metadata (in_file, convention_keys[k]) != NULL;
  if (in_file->metadata_count > 0) /* metadata is NULL when there is none */
    memcpy (entries, in_file->metadata, in_file->metadata_count * sizeof *entries);
  *count = in_file->metadata_count;
  if (!stated)
    for (k = 0; k < 4; k++)
      entries[(*count)++] = (ns_safetensors_metadata_entry) { (char *) convention_keys[k],
                                                              (char *) torchvision_convention[k] };
  return entries;
}
