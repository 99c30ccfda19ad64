/* A strict recursive-descent JSON parser.  Recursion is bounded by
 * JSON_MAX_DEPTH, every read is checked against the text's length, and number
 * conversion avoids strtod so that a GIMP session's LC_NUMERIC (say, a decimal
 * comma) cannot change how a file is read. */
#include "json.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const unsigned char *text;
  size_t length;
  size_t pos;
  ns_error *err;
} json_parser;

static ns_status parse_value (json_parser *parser, json_value *out, int depth);

static ns_status
syntax_error (json_parser *parser, size_t pos, const char *format, ...)
  __attribute__ ((format (printf, 3, 4)));

static ns_status
syntax_error (json_parser *parser, size_t pos, const char *format, ...)
{
  char detail[256];
  va_list args;

  va_start (args, format);
  vsnprintf (detail, sizeof detail, format, args);
  va_end (args);
  return ns_error_set (parser->err, NS_ERROR_FORMAT,
                       "invalid JSON at byte %zu: %s", pos, detail);
}

static ns_status
out_of_memory (json_parser *parser)
{
  return ns_error_set (parser->err, NS_ERROR_NOMEM,
                       "out of memory while parsing JSON");
}

static void
skip_whitespace (json_parser *parser)
{
  while (parser->pos < parser->length)
    {
      unsigned char c = parser->text[parser->pos];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
        break;
      parser->pos++;
    }
}

/* Describes the byte at pos for error messages. */
static const char *
describe_byte (const json_parser *parser, size_t pos, char buffer[16])
{
  unsigned char c;

  if (pos >= parser->length)
    return "end of text";
  c = parser->text[pos];
  if (c >= 0x20 && c < 0x7f)
    snprintf (buffer, 16, "'%c'", c);
  else
    snprintf (buffer, 16, "byte 0x%02x", c);
  return buffer;
}

static void
free_value_contents (json_value *value)
{
  size_t i;

  switch (value->type)
    {
    case JSON_STRING:
      free (value->as.string.bytes);
      break;
    case JSON_ARRAY:
      for (i = 0; i < value->as.array.count; i++)
        free_value_contents (&value->as.array.items[i]);
      free (value->as.array.items);
      break;
    case JSON_OBJECT:
      for (i = 0; i < value->as.object.count; i++)
        {
          free (value->as.object.members[i].key);
          free_value_contents (&value->as.object.members[i].value);
        }
      free (value->as.object.members);
      break;
    default:
      break;
    }
  value->type = JSON_NULL;
}

void
ns_json_free (json_value *root)
{
  if (!root)
    return;
  free_value_contents (root);
  free (root);
}

/* ---- numbers ---- */

/* Powers of ten that doubles hold exactly. */
static const double exact_powers_of_ten[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

static int
is_digit (unsigned char c)
{
  return c >= '0' && c <= '9';
}

typedef enum {
  NUMBER_OK,
  NUMBER_BAD_SYNTAX,
  NUMBER_OUT_OF_RANGE
} number_scan_result;

/* Scans one JSON number starting at text[0] (at most length bytes).  Stores
 * the bytes it used in *used, on NUMBER_BAD_SYNTAX the offset of the
 * offending byte. */
static number_scan_result
scan_number (const unsigned char *text, size_t length, size_t *used,
             double *value, int *is_uint64, uint64_t *uint64)
{
  size_t pos = 0;
  int negative = 0;
  int plain_integer = 1;      /* no sign, fraction or exponent */
  int integer_overflow = 0;
  uint64_t exact = 0;         /* the integer part, exactly */
  uint64_t mantissa = 0;      /* up to 19 significant digits */
  int significant_digits = 0;
  long decimal_exponent = 0;  /* value = mantissa * 10^decimal_exponent */
  long written_exponent = 0;
  double result;

  if (pos < length && text[pos] == '-')
    {
      negative = 1;
      plain_integer = 0;
      pos++;
    }
  if (pos >= length || !is_digit (text[pos]))
    {
      *used = pos;
      return NUMBER_BAD_SYNTAX;
    }

  /* Integer part: "0" or a non-zero digit and more digits. */
  if (text[pos] == '0')
    {
      pos++;
      if (pos < length && is_digit (text[pos]))
        {
          *used = pos;  /* leading zeros are not JSON */
          return NUMBER_BAD_SYNTAX;
        }
    }
  else
    {
      while (pos < length && is_digit (text[pos]))
        {
          unsigned digit = text[pos] - '0';
          if (exact > (UINT64_MAX - digit) / 10)
            integer_overflow = 1;
          else
            exact = exact * 10 + digit;
          if (significant_digits < 19)
            {
              mantissa = mantissa * 10 + digit;
              significant_digits++;
            }
          else
            decimal_exponent++;  /* a dropped digit still scales the value */
          pos++;
        }
    }

  if (pos < length && text[pos] == '.')
    {
      plain_integer = 0;
      pos++;
      if (pos >= length || !is_digit (text[pos]))
        {
          *used = pos;
          return NUMBER_BAD_SYNTAX;
        }
      while (pos < length && is_digit (text[pos]))
        {
          unsigned digit = text[pos] - '0';
          if (significant_digits < 19)
            {
              mantissa = mantissa * 10 + digit;
              if (mantissa != 0)
                significant_digits++;
              decimal_exponent--;
            }
          pos++;
        }
    }

  if (pos < length && (text[pos] == 'e' || text[pos] == 'E'))
    {
      int exponent_negative = 0;

      plain_integer = 0;
      pos++;
      if (pos < length && (text[pos] == '+' || text[pos] == '-'))
        {
          exponent_negative = text[pos] == '-';
          pos++;
        }
      if (pos >= length || !is_digit (text[pos]))
        {
          *used = pos;
          return NUMBER_BAD_SYNTAX;
        }
      while (pos < length && is_digit (text[pos]))
        {
          /* Clamp: anything this large over- or underflows anyway. */
          if (written_exponent < 100000)
            written_exponent = written_exponent * 10 + (text[pos] - '0');
          pos++;
        }
      if (exponent_negative)
        written_exponent = -written_exponent;
    }
  *used = pos;

  decimal_exponent += written_exponent;
  if (mantissa == 0)
    result = 0.0;
  else if (mantissa <= (UINT64_C (1) << 53) && decimal_exponent >= -22
           && decimal_exponent <= 22)
    {
      /* Both operands exact, so one rounding: the correctly rounded value. */
      if (decimal_exponent >= 0)
        result = (double) mantissa * exact_powers_of_ten[decimal_exponent];
      else
        result = (double) mantissa / exact_powers_of_ten[-decimal_exponent];
    }
  else
    {
      /* Within a few ulps; split the scaling to avoid an intermediate
       * overflow or underflow of 10^e. */
      long half = decimal_exponent / 2;
      result = (double) mantissa * pow (10.0, (double) half);
      result *= pow (10.0, (double) (decimal_exponent - half));
    }
  if (!isfinite (result))
    return NUMBER_OUT_OF_RANGE;

  *value = negative ? -result : result;
  *is_uint64 = plain_integer && !integer_overflow;
  *uint64 = *is_uint64 ? exact : 0;
  return NUMBER_OK;
}

static ns_status
parse_number (json_parser *parser, json_value *out)
{
  size_t start = parser->pos;
  size_t used = 0;
  double value = 0.0;
  int is_uint64 = 0;
  uint64_t uint64 = 0;
  number_scan_result result;

  result = scan_number (parser->text + start, parser->length - start, &used,
                        &value, &is_uint64, &uint64);
  if (result == NUMBER_BAD_SYNTAX)
    {
      char buffer[16];
      return syntax_error (parser, start + used, "malformed number (%s)",
                           describe_byte (parser, start + used, buffer));
    }
  if (result == NUMBER_OUT_OF_RANGE)
    return syntax_error (parser, start, "number out of range");
  out->type = JSON_NUMBER;
  out->as.number.value = value;
  out->as.number.is_uint64 = is_uint64;
  out->as.number.uint64 = uint64;
  parser->pos = start + used;
  return NS_OK;
}

int
ns_json_parse_number (const char *text, size_t length, double *value)
{
  size_t used = 0;
  double result = 0.0;
  int is_uint64 = 0;
  uint64_t uint64 = 0;

  if (scan_number ((const unsigned char *) text, length, &used, &result,
                   &is_uint64, &uint64) != NUMBER_OK
      || used != length)
    return 0;
  *value = result;
  return 1;
}

/* ---- strings ---- */

static int
hex_value (unsigned char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Reads the four hex digits of a \u escape at text[pos]. */
static int
read_hex4 (const json_parser *parser, size_t pos, unsigned *code)
{
  unsigned result = 0;
  int i;

  if (parser->length - pos < 4)
    return 0;
  for (i = 0; i < 4; i++)
    {
      int digit = hex_value (parser->text[pos + i]);
      if (digit < 0)
        return 0;
      result = result * 16 + (unsigned) digit;
    }
  *code = result;
  return 1;
}

static size_t
encode_utf8 (unsigned code, char *out)
{
  if (code < 0x80)
    {
      out[0] = (char) code;
      return 1;
    }
  if (code < 0x800)
    {
      out[0] = (char) (0xc0 | (code >> 6));
      out[1] = (char) (0x80 | (code & 0x3f));
      return 2;
    }
  if (code < 0x10000)
    {
      out[0] = (char) (0xe0 | (code >> 12));
      out[1] = (char) (0x80 | ((code >> 6) & 0x3f));
      out[2] = (char) (0x80 | (code & 0x3f));
      return 3;
    }
  out[0] = (char) (0xf0 | (code >> 18));
  out[1] = (char) (0x80 | ((code >> 12) & 0x3f));
  out[2] = (char) (0x80 | ((code >> 6) & 0x3f));
  out[3] = (char) (0x80 | (code & 0x3f));
  return 4;
}

/* Length of the well-formed UTF-8 sequence at text[pos] (whose first byte is
 * >= 0x80), or 0 if it is malformed, overlong, a surrogate or past U+10FFFF. */
static size_t
utf8_sequence_length (const json_parser *parser, size_t pos)
{
  const unsigned char *s = parser->text + pos;
  size_t available = parser->length - pos;
  unsigned char lead = s[0];
  unsigned char low = 0x80, high = 0xbf;
  size_t needed, i;

  if (lead >= 0xc2 && lead <= 0xdf)
    needed = 2;
  else if (lead >= 0xe0 && lead <= 0xef)
    {
      needed = 3;
      if (lead == 0xe0)
        low = 0xa0;   /* overlong */
      else if (lead == 0xed)
        high = 0x9f;  /* UTF-16 surrogates */
    }
  else if (lead >= 0xf0 && lead <= 0xf4)
    {
      needed = 4;
      if (lead == 0xf0)
        low = 0x90;   /* overlong */
      else if (lead == 0xf4)
        high = 0x8f;  /* beyond U+10FFFF */
    }
  else
    return 0;

  if (available < needed)
    return 0;
  if (s[1] < low || s[1] > high)
    return 0;
  for (i = 2; i < needed; i++)
    if (s[i] < 0x80 || s[i] > 0xbf)
      return 0;
  return needed;
}

/* Parses the string whose opening quote is at parser->pos into a new
 * NUL-terminated buffer. */
static ns_status
parse_string (json_parser *parser, char **bytes, size_t *length)
{
  size_t start = parser->pos;
  size_t end, pos, out_length = 0;
  char *out;

  /* Find the closing quote first: the decoded text is never longer than the
   * raw text, which bounds the allocation. */
  end = start + 1;
  for (;;)
    {
      if (end >= parser->length)
        return syntax_error (parser, start, "unterminated string");
      if (parser->text[end] == '"')
        break;
      end += parser->text[end] == '\\' ? 2 : 1;
    }

  out = malloc (end - start);
  if (!out)
    return out_of_memory (parser);

  pos = start + 1;
  while (pos < end)
    {
      unsigned char c = parser->text[pos];

      if (c < 0x20)
        {
          free (out);
          return syntax_error (parser, pos,
                               "control character 0x%02x in a string", c);
        }
      if (c >= 0x80)
        {
          size_t sequence = utf8_sequence_length (parser, pos);
          if (sequence == 0 || pos + sequence > end)
            {
              free (out);
              return syntax_error (parser, pos, "invalid UTF-8 in a string");
            }
          memcpy (out + out_length, parser->text + pos, sequence);
          out_length += sequence;
          pos += sequence;
          continue;
        }
      if (c != '\\')
        {
          out[out_length++] = (char) c;
          pos++;
          continue;
        }

      /* An escape; the scan above guarantees a byte follows. */
      c = parser->text[pos + 1];
      switch (c)
        {
        case '"': out[out_length++] = '"'; break;
        case '\\': out[out_length++] = '\\'; break;
        case '/': out[out_length++] = '/'; break;
        case 'b': out[out_length++] = '\b'; break;
        case 'f': out[out_length++] = '\f'; break;
        case 'n': out[out_length++] = '\n'; break;
        case 'r': out[out_length++] = '\r'; break;
        case 't': out[out_length++] = '\t'; break;
        case 'u':
          {
            unsigned code, low;

            if (!read_hex4 (parser, pos + 2, &code) || pos + 6 > end)
              {
                free (out);
                return syntax_error (parser, pos, "malformed \\u escape");
              }
            if (code >= 0xdc00 && code <= 0xdfff)
              {
                free (out);
                return syntax_error (parser, pos,
                                     "unpaired low surrogate \\u%04x", code);
              }
            if (code >= 0xd800 && code <= 0xdbff)
              {
                /* A high surrogate must be followed by \u and a low one. */
                if (pos + 12 > end || parser->text[pos + 6] != '\\'
                    || parser->text[pos + 7] != 'u'
                    || !read_hex4 (parser, pos + 8, &low)
                    || low < 0xdc00 || low > 0xdfff)
                  {
                    free (out);
                    return syntax_error (parser, pos,
                                         "unpaired high surrogate \\u%04x",
                                         code);
                  }
                code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
                pos += 6;
              }
            out_length += encode_utf8 (code, out + out_length);
            pos += 6;
            continue;
          }
        default:
          {
            char buffer[16];
            free (out);
            return syntax_error (parser, pos, "invalid escape \\ followed by %s",
                                 describe_byte (parser, pos + 1, buffer));
          }
        }
      pos += 2;
    }

  out[out_length] = '\0';
  *bytes = out;
  *length = out_length;
  parser->pos = end + 1;
  return NS_OK;
}

/* ---- arrays and objects ---- */

/* Returns items grown so that one more than count fits (the same pointer if
 * it already does), or NULL with items untouched. */
static void *
reserve_one (void *items, size_t *capacity, size_t count, size_t item_size)
{
  size_t new_capacity;
  void *grown;

  if (count < *capacity)
    return items;
  new_capacity = *capacity ? *capacity * 2 : 8;
  if (new_capacity > SIZE_MAX / item_size)
    return NULL;
  grown = realloc (items, new_capacity * item_size);
  if (grown)
    *capacity = new_capacity;
  return grown;
}

static ns_status
parse_array (json_parser *parser, json_value *out, int depth)
{
  json_value *items = NULL;
  size_t count = 0, capacity = 0;
  ns_status status;
  char buffer[16];

  parser->pos++;  /* '[' */
  skip_whitespace (parser);
  if (parser->pos < parser->length && parser->text[parser->pos] == ']')
    parser->pos++;
  else
    for (;;)
      {
        json_value *grown = reserve_one (items, &capacity, count, sizeof *items);
        if (!grown)
          {
            status = out_of_memory (parser);
            goto fail;
          }
        items = grown;
        skip_whitespace (parser);
        status = parse_value (parser, &items[count], depth + 1);
        if (status != NS_OK)
          goto fail;
        count++;
        skip_whitespace (parser);
        if (parser->pos < parser->length && parser->text[parser->pos] == ',')
          {
            parser->pos++;
            continue;
          }
        if (parser->pos < parser->length && parser->text[parser->pos] == ']')
          {
            parser->pos++;
            break;
          }
        status = syntax_error (parser, parser->pos,
                               "expected ',' or ']' in an array, found %s",
                               describe_byte (parser, parser->pos, buffer));
        goto fail;
      }

  out->type = JSON_ARRAY;
  out->as.array.items = items;
  out->as.array.count = count;
  return NS_OK;

fail:
  while (count > 0)
    free_value_contents (&items[--count]);
  free (items);
  return status;
}

static int
compare_member_keys (const void *a, const void *b)
{
  const json_member *x = *(const json_member *const *) a;
  const json_member *y = *(const json_member *const *) b;
  size_t shorter = x->key_length < y->key_length ? x->key_length : y->key_length;
  int order = memcmp (x->key, y->key, shorter);

  if (order != 0)
    return order;
  return (x->key_length > y->key_length) - (x->key_length < y->key_length);
}

/* Duplicate keys make a document ambiguous (which one wins differs between
 * readers), so they are rejected; sorting keeps this O(n log n). */
static ns_status
check_unique_keys (json_parser *parser, json_member *members, size_t count,
                   size_t object_start)
{
  const json_member **sorted;
  ns_status status = NS_OK;
  size_t i;

  if (count < 2)
    return NS_OK;
  sorted = malloc (count * sizeof *sorted);
  if (!sorted)
    return out_of_memory (parser);
  for (i = 0; i < count; i++)
    sorted[i] = &members[i];
  qsort (sorted, count, sizeof *sorted, compare_member_keys);
  for (i = 1; i < count; i++)
    if (compare_member_keys (&sorted[i - 1], &sorted[i]) == 0)
      {
        status = syntax_error (parser, object_start,
                               "duplicate key \"%.80s\" in an object",
                               sorted[i]->key);
        break;
      }
  free (sorted);
  return status;
}

static ns_status
parse_object (json_parser *parser, json_value *out, int depth)
{
  json_member *members = NULL;
  size_t count = 0, capacity = 0;
  size_t object_start = parser->pos;
  ns_status status;
  char buffer[16];

  parser->pos++;  /* '{' */
  skip_whitespace (parser);
  if (parser->pos < parser->length && parser->text[parser->pos] == '}')
    parser->pos++;
  else
    for (;;)
      {
        json_member *member;
        json_member *grown = reserve_one (members, &capacity, count,
                                          sizeof *members);
        if (!grown)
          {
            status = out_of_memory (parser);
            goto fail;
          }
        members = grown;
        member = &members[count];
        skip_whitespace (parser);
        if (parser->pos >= parser->length || parser->text[parser->pos] != '"')
          {
            status = syntax_error (parser, parser->pos,
                                   "expected a string key, found %s",
                                   describe_byte (parser, parser->pos, buffer));
            goto fail;
          }
        status = parse_string (parser, &member->key, &member->key_length);
        if (status != NS_OK)
          goto fail;
        skip_whitespace (parser);
        if (parser->pos >= parser->length || parser->text[parser->pos] != ':')
          {
            free (member->key);
            status = syntax_error (parser, parser->pos,
                                   "expected ':' after a key, found %s",
                                   describe_byte (parser, parser->pos, buffer));
            goto fail;
          }
        parser->pos++;
        skip_whitespace (parser);
        status = parse_value (parser, &member->value, depth + 1);
        if (status != NS_OK)
          {
            free (member->key);
            goto fail;
          }
        count++;
        skip_whitespace (parser);
        if (parser->pos < parser->length && parser->text[parser->pos] == ',')
          {
            parser->pos++;
            continue;
          }
        if (parser->pos < parser->length && parser->text[parser->pos] == '}')
          {
            parser->pos++;
            break;
          }
        status = syntax_error (parser, parser->pos,
                               "expected ',' or '}' in an object, found %s",
                               describe_byte (parser, parser->pos, buffer));
        goto fail;
      }

  status = check_unique_keys (parser, members, count, object_start);
  if (status != NS_OK)
    goto fail;
  out->type = JSON_OBJECT;
  out->as.object.members = members;
  out->as.object.count = count;
  return NS_OK;

fail:
  while (count > 0)
    {
      count--;
      free (members[count].key);
      free_value_contents (&members[count].value);
    }
  free (members);
  return status;
}

static int
match_literal (json_parser *parser, const char *literal)
{
  size_t length = strlen (literal);

  if (parser->length - parser->pos < length
      || memcmp (parser->text + parser->pos, literal, length) != 0)
    return 0;
  parser->pos += length;
  return 1;
}

static ns_status
parse_value (json_parser *parser, json_value *out, int depth)
{
  char buffer[16];
  unsigned char c;

  memset (out, 0, sizeof *out);
  out->type = JSON_NULL;
  if (depth > JSON_MAX_DEPTH)
    return syntax_error (parser, parser->pos, "nesting deeper than %d levels",
                         JSON_MAX_DEPTH);
  if (parser->pos >= parser->length)
    return syntax_error (parser, parser->pos, "expected a value, found end of text");

  c = parser->text[parser->pos];
  switch (c)
    {
    case '{':
      return parse_object (parser, out, depth);
    case '[':
      return parse_array (parser, out, depth);
    case '"':
      {
        ns_status status = parse_string (parser, &out->as.string.bytes,
                                         &out->as.string.length);
        if (status == NS_OK)
          out->type = JSON_STRING;
        return status;
      }
    case 't':
    case 'f':
    case 'n':
      if (match_literal (parser, "true"))
        {
          out->type = JSON_BOOL;
          out->as.boolean = 1;
          return NS_OK;
        }
      if (match_literal (parser, "false"))
        {
          out->type = JSON_BOOL;
          out->as.boolean = 0;
          return NS_OK;
        }
      if (match_literal (parser, "null"))
        return NS_OK;
      break;
    default:
      if (c == '-' || is_digit (c))
        return parse_number (parser, out);
      break;
    }
  return syntax_error (parser, parser->pos, "expected a value, found %s",
                       describe_byte (parser, parser->pos, buffer));
}

ns_status
ns_json_parse (const char *text, size_t length, json_value **root, ns_error *err)
{
  json_parser parser = { (const unsigned char *) text, length, 0, err };
  json_value *value;
  ns_status status;

  *root = NULL;
  if (!text && length > 0)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "no JSON text given");
  value = malloc (sizeof *value);
  if (!value)
    return out_of_memory (&parser);

  skip_whitespace (&parser);
  status = parse_value (&parser, value, 1);
  if (status == NS_OK)
    {
      skip_whitespace (&parser);
      if (parser.pos != parser.length)
        {
          char buffer[16];
          status = syntax_error (&parser, parser.pos,
                                 "unexpected %s after the value",
                                 describe_byte (&parser, parser.pos, buffer));
          free_value_contents (value);
        }
    }
  if (status != NS_OK)
    {
      free (value);
      return status;
    }
  *root = value;
  return NS_OK;
}

const json_value *
ns_json_object_get (const json_value *object, const char *key)
{
  size_t key_length, i;

  if (!object || object->type != JSON_OBJECT || !key)
    return NULL;
  key_length = strlen (key);
  for (i = 0; i < object->as.object.count; i++)
    {
      const json_member *member = &object->as.object.members[i];
      if (member->key_length == key_length
          && memcmp (member->key, key, key_length) == 0)
        return &member->value;
    }
  return NULL;
}
