/* A small strict JSON parser (RFC 8259), enough for safetensors headers.
 *
 * It reads exactly `length` bytes (the text need not be NUL-terminated),
 * checks the whole grammar, UTF-8 and escapes (\uXXXX and surrogate pairs
 * become UTF-8), rejects duplicate keys within an object, bounds nesting at
 * JSON_MAX_DEPTH and returns a tree the caller frees with ns_json_free. */
#ifndef JSON_H
#define JSON_H

#include <stddef.h>
#include <stdint.h>

#include "ns_error.h"

#define JSON_MAX_DEPTH 64

typedef enum {
  JSON_NULL,
  JSON_BOOL,
  JSON_NUMBER,
  JSON_STRING,
  JSON_ARRAY,
  JSON_OBJECT
} json_type;

typedef struct json_value json_value;
typedef struct json_member json_member;

struct json_value {
  json_type type;
  union {
    int boolean;
    struct {
      double value;      /* nearest double (exact for integers below 2^53) */
      int is_uint64;     /* the literal is a plain non-negative integer < 2^64 */
      uint64_t uint64;   /* its exact value when is_uint64 */
    } number;
    struct {
      char *bytes;       /* UTF-8, NUL-terminated; may also hold NULs (\u0000) */
      size_t length;
    } string;
    struct {
      json_value *items;
      size_t count;
    } array;
    struct {
      json_member *members;  /* in document order */
      size_t count;
    } object;
  } as;
};

struct json_member {
  char *key;           /* UTF-8, NUL-terminated */
  size_t key_length;
  json_value value;
};

/* Parses text[0..length) as one JSON value surrounded by optional whitespace.
 * On success *root is a tree to free with ns_json_free; on failure *root is NULL
 * and err says what is wrong and at which byte offset (NS_ERROR_FORMAT), or
 * NS_ERROR_NOMEM. */
ns_status ns_json_parse (const char *text, size_t length, json_value **root,
                      ns_error *err);
void ns_json_free (json_value *root);

/* The member of an object called key, or NULL (also when value is not an
 * object). */
const json_value *ns_json_object_get (const json_value *object, const char *key);

/* Parses text[0..length) as exactly one JSON number literal, independently of
 * the C locale.  Returns 1 and stores a finite value, or 0. */
int ns_json_parse_number (const char *text, size_t length, double *value);

#endif
