/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ns_error.h"

#include <stdarg.h>
#include <stdio.h>

ns_status
ns_error_set (ns_error *err, ns_status status, const char *format, ...)
{
  if (err)
    {
      va_list args;
      va_start (args, format);
      err->status = status;
      vsnprintf (err->message, sizeof err->message, format, args);
      va_end (args);
    }
  return status;
}
