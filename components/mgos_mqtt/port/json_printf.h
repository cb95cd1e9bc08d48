/* JSON printf in the style of frozen's json_printf (what mgos_mqtt_pubf uses).
 *
 * Same names and calling convention as frozen, so %M callbacks written for
 * Mongoose OS firmware compile unchanged:
 *   int my_cb(struct json_out *out, va_list *ap) { return json_printf(out, "[%d]", va_arg(*ap, int)); }
 *
 * Format: printf, plus
 *   bare keys are quoted:  {a: %d}  ->  {"a": 1}   (true, false, null stay bare)
 *   %Q     const char *: quoted, JSON-escaped string; NULL prints null
 *   %.*Q   int len, const char *: the same for len bytes (NUL bytes as \u0000)
 *   %B     int: true or false
 *   %H     int len, const void *: quoted lowercase hex
 *   %V     const void *, int len: quoted base64 (frozen's argument order)
 *   %M     json_printf_callback_t, then whatever the callback consumes
 *   %lld %llu %zu %jd %hhd ..., %f %g %e %a, %s %c %p %x %o, %% as printf.
 * %n and unknown conversions are errors: the functions then return -1. */
#ifndef MGOS_JSON_PRINTF_H
#define MGOS_JSON_PRINTF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An output sink: `printer` takes each piece of output. */
struct json_out {
  int (*printer)(struct json_out *, const char *str, size_t len);
  union {
    struct {
      char *buf;
      size_t size;
      size_t len;
    } buf;
    void *data;
    FILE *fp;
  } u;
};

/* Prints into a fixed buffer, cutting what does not fit; keeps it NUL-terminated.
 * Returns len (the bytes the output needed), so overflow shows as a total > size. */
int json_printer_buf(struct json_out *out, const char *str, size_t len);
/* Prints to out->u.fp. */
int json_printer_file(struct json_out *out, const char *str, size_t len);

#define JSON_OUT_BUF(buf, len) \
  {                            \
    json_printer_buf, {        \
      { buf, len, 0 }          \
    }                          \
  }
#define JSON_OUT_FILE(fp)   \
  {                         \
    json_printer_file, {    \
      { (char *) fp, 0, 0 } \
    }                       \
  }

typedef int (*json_printf_callback_t)(struct json_out *, va_list *ap);

/* Returns the number of bytes produced, or -1 when the format is bad
 * (nothing is guaranteed about the output then). */
int json_printf(struct json_out *out, const char *fmt, ...);
int json_vprintf(struct json_out *out, const char *fmt, va_list ap);

/* Formats into a malloc'ed NUL-terminated string (*res, to free()); returns
 * its length, or -1 (format error or out of memory; *res is NULL then). */
int json_vasprintf(char **res, const char *fmt, va_list ap);

#ifdef __cplusplus
}
#endif

#endif /* MGOS_JSON_PRINTF_H */
