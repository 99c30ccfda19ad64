/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Error reporting of the engine: every fallible call returns an ns_status and,
 * when given an ns_error, leaves a sentence a user can read in it.  Nothing in
 * core/ prints. */
#ifndef NS_ERROR_H
#define NS_ERROR_H

typedef enum
{
  NS_OK = 0,
  NS_ERROR_IO,       /* a file could not be opened or read */
  NS_ERROR_FORMAT,   /* a file is malformed, truncated or holds the wrong tensors */
  NS_ERROR_NOMEM,    /* an allocation failed (the image is too large) */
  NS_ERROR_ARGUMENT, /* a parameter or image is out of range */
  NS_ERROR_CANCELLED /* the progress callback asked to cancel */
} ns_status;

#define NS_ERROR_MESSAGE_SIZE 512

typedef struct
{
  ns_status status;
  char message[NS_ERROR_MESSAGE_SIZE];
} ns_error;

/* Records status and a printf-style message in err (which may be NULL) and
 * returns status, so that callers can write `return ns_error_set (…);`. */
ns_status ns_error_set (ns_error *err, ns_status status, const char *format, ...)
    __attribute__ ((format (printf, 3, 4)));

#endif
