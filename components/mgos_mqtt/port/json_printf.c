/* json_printf: printf that writes JSON (see json_printf.h for the format).
 *
 * Written for mgos_mqtt_pubf/pubv. The output goes through a json_out
 * printer, so the same code fills a fixed buffer, a growing heap buffer
 * (json_vasprintf) or a file. Standard conversions are handed to snprintf
 * one at a time with the exact C type the length modifier names. */
#include "json_printf.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- printers */

int json_printer_buf(struct json_out *out, const char *str, size_t len) {
  size_t room = 0;
  if (out->u.buf.size > 0 && out->u.buf.len < out->u.buf.size - 1) room = out->u.buf.size - 1 - out->u.buf.len;
  if (len < room) room = len;
  if (room > 0) memcpy(out->u.buf.buf + out->u.buf.len, str, room);
  out->u.buf.len += room;
  if (out->u.buf.size > 0) out->u.buf.buf[out->u.buf.len] = '\0';
  return (int) len;
}

int json_printer_file(struct json_out *out, const char *str, size_t len) {
  return (int) fwrite(str, 1, len, out->u.fp);
}

/* A growing heap buffer; on allocation failure it marks itself failed
 * (size = SIZE_MAX) and drops further output. */
static int printer_heap(struct json_out *out, const char *str, size_t len) {
  size_t need;
  if (out->u.buf.size == SIZE_MAX) return (int) len;
  need = out->u.buf.len + len + 1;
  if (need > out->u.buf.size) {
    size_t n = out->u.buf.size < 64 ? 64 : out->u.buf.size;
    char *p;
    while (n < need) n *= 2;
    p = (char *) realloc(out->u.buf.buf, n);
    if (p == NULL) {
      free(out->u.buf.buf);
      out->u.buf.buf = NULL;
      out->u.buf.size = SIZE_MAX;
      return (int) len;
    }
    out->u.buf.buf = p;
    out->u.buf.size = n;
  }
  memcpy(out->u.buf.buf + out->u.buf.len, str, len);
  out->u.buf.len += len;
  out->u.buf.buf[out->u.buf.len] = '\0';
  return (int) len;
}

/* ---------------------------------------------------------------- value encoders */

static int put(struct json_out *out, const char *s, size_t n) { return n == 0 ? 0 : out->printer(out, s, n); }

/* A quoted JSON string of n bytes: " \ and control bytes escaped; bytes >= 0x80
 * (UTF-8) pass through. Runs of plain bytes go out in one printer call. */
static int put_quoted(struct json_out *out, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  size_t i, run = 0;
  int total = put(out, "\"", 1);
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char) s[i];
    char esc[6];
    size_t elen = 2;
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    total += put(out, s + run, i - run);
    run = i + 1;
    esc[0] = '\\';
    switch (c) {
      case '"': esc[1] = '"'; break;
      case '\\': esc[1] = '\\'; break;
      case '\b': esc[1] = 'b'; break;
      case '\f': esc[1] = 'f'; break;
      case '\n': esc[1] = 'n'; break;
      case '\r': esc[1] = 'r'; break;
      case '\t': esc[1] = 't'; break;
      default:
        esc[1] = 'u';
        esc[2] = '0';
        esc[3] = '0';
        esc[4] = hex[c >> 4];
        esc[5] = hex[c & 0xf];
        elen = 6;
        break;
    }
    total += put(out, esc, elen);
  }
  total += put(out, s + run, n - run);
  return total + put(out, "\"", 1);
}

static int put_hex(struct json_out *out, const unsigned char *p, size_t n) {
  static const char hex[] = "0123456789abcdef";
  size_t i;
  int total = put(out, "\"", 1);
  for (i = 0; i < n; i++) {
    char two[2];
    two[0] = hex[p[i] >> 4];
    two[1] = hex[p[i] & 0xf];
    total += put(out, two, 2);
  }
  return total + put(out, "\"", 1);
}

static int put_base64(struct json_out *out, const unsigned char *p, size_t n) {
  static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i;
  int total = put(out, "\"", 1);
  for (i = 0; i < n; i += 3) {
    /* Each group of up to 3 bytes becomes 4 characters, '=' padding the last. */
    uint32_t v = (uint32_t) p[i] << 16;
    char four[4];
    if (i + 1 < n) v |= (uint32_t) p[i + 1] << 8;
    if (i + 2 < n) v |= p[i + 2];
    four[0] = b64[(v >> 18) & 63];
    four[1] = b64[(v >> 12) & 63];
    four[2] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
    four[3] = i + 2 < n ? b64[v & 63] : '=';
    total += put(out, four, 4);
  }
  return total + put(out, "\"", 1);
}

/* ---------------------------------------------------------------- the formatter */

static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* One standard conversion through snprintf. `spec` holds "%", flags, width
 * and precision as digits, the length modifier and the conversion. */
#define EMIT_STD(T)                                                        \
  do {                                                                     \
    T v_ = va_arg(*ap, T);                                                 \
    n = snprintf(small, sizeof(small), spec, v_);                          \
    if (n >= (int) sizeof(small)) {                                        \
      big = (char *) malloc((size_t) n + 1);                               \
      if (big == NULL) return -1;                                          \
      snprintf(big, (size_t) n + 1, spec, v_);                             \
    }                                                                      \
  } while (0)

/* A value computed here, printed with a spec whose length modifier the C
 * library surely knows: z, j and t go out as "ll", hh and h as plain int
 * after the narrowing is done here (newlib without C99 formats knows neither). */
#define EMIT_VALUE(U, expr)                                                \
  do {                                                                     \
    U v_ = (expr);                                                         \
    n = snprintf(small, sizeof(small), spec, v_);                          \
    if (n >= (int) sizeof(small)) {                                        \
      big = (char *) malloc((size_t) n + 1);                               \
      if (big == NULL) return -1;                                          \
      snprintf(big, (size_t) n + 1, spec, v_);                             \
    }                                                                      \
  } while (0)
#define EMIT_AS(T, U) EMIT_VALUE(U, (U) va_arg(*ap, T))

/* Parses the conversion at *pfmt (just after '%'), consumes its arguments,
 * prints it and advances *pfmt. Returns the bytes printed or -1. */
static int do_conversion(struct json_out *out, const char **pfmt, va_list *ap) {
  const char *f = *pfmt;
  char spec[48], len_mod[3] = {0, 0, 0};
  size_t sl = 1;
  int width = -1, prec = -1, n = 0, total;
  char small[64], *big = NULL, conv;

  spec[0] = '%';
  while (*f != '\0' && strchr("-+ #0", *f) != NULL) {
    if (sl < 8) spec[sl++] = *f;
    f++;
  }
  if (*f == '*') {
    width = va_arg(*ap, int);
    f++;
  } else {
    width = 0;
    while (is_digit(*f)) width = width > 100000 ? width : width * 10 + (*f++ - '0');
    if (width == 0) width = -1;
  }
  if (*f == '.') {
    f++;
    if (*f == '*') {
      prec = va_arg(*ap, int);
      f++;
    } else {
      prec = 0;
      while (is_digit(*f)) prec = prec > 100000 ? prec : prec * 10 + (*f++ - '0');
    }
  }
  /* Length modifiers: hh h l ll z j t L. */
  if ((f[0] == 'h' && f[1] == 'h') || (f[0] == 'l' && f[1] == 'l')) {
    len_mod[0] = f[0];
    len_mod[1] = f[1];
    f += 2;
  } else if (*f != '\0' && strchr("hlzjtL", *f) != NULL) {
    len_mod[0] = *f++;
  }
  conv = *f;
  if (conv == '\0') return -1;
  *pfmt = f + 1;

  switch (conv) {
    case '%':
      return put(out, "%", 1);
    case 'B':
      return va_arg(*ap, int) ? put(out, "true", 4) : put(out, "false", 5);
    case 'Q': {
      /* %Q, or %.*Q / %.NQ with an explicit length. */
      const char *s = va_arg(*ap, const char *);
      if (s == NULL) return put(out, "null", 4);
      return put_quoted(out, s, prec >= 0 ? (size_t) prec : strlen(s));
    }
    case 'H': {
      int hl = va_arg(*ap, int);
      const unsigned char *p = va_arg(*ap, const unsigned char *);
      if (p == NULL || hl < 0) return hl == 0 ? put(out, "\"\"", 2) : -1;
      return put_hex(out, p, (size_t) hl);
    }
    case 'V': {
      const unsigned char *p = va_arg(*ap, const unsigned char *);
      int bl = va_arg(*ap, int);
      if (p == NULL || bl < 0) return bl == 0 ? put(out, "\"\"", 2) : -1;
      return put_base64(out, p, (size_t) bl);
    }
    case 'M': {
      json_printf_callback_t cb = va_arg(*ap, json_printf_callback_t);
      return cb == NULL ? -1 : cb(out, ap);
    }
    case 'n':
      return -1; /* writes through a pointer: never from a publish format */
    default:
      break;
  }

  /* A standard conversion: rebuild its spec with * replaced by the numbers. */
  if (width >= 0) sl += (size_t) snprintf(spec + sl, sizeof(spec) - sl, "%d", width);
  if (prec >= 0) sl += (size_t) snprintf(spec + sl, sizeof(spec) - sl, ".%d", prec);
  sl += (size_t) snprintf(spec + sl, sizeof(spec) - sl, "%s%c",
                          (len_mod[0] == 'z' || len_mod[0] == 'j' || len_mod[0] == 't') ? "ll"
                          : len_mod[0] == 'h'                                            ? ""
                                                                                         : len_mod,
                          conv);
  (void) sl;

  switch (conv) {
    case 'd':
    case 'i':
      if (len_mod[0] == 'l' && len_mod[1] == 'l') EMIT_STD(long long);
      else if (len_mod[0] == 'l') EMIT_STD(long);
      else if (len_mod[0] == 'z') EMIT_AS(ptrdiff_t, long long); /* the signed size_t */
      else if (len_mod[0] == 'j') EMIT_AS(intmax_t, long long);
      else if (len_mod[0] == 't') EMIT_AS(ptrdiff_t, long long);
      else if (len_mod[0] == 'L') return -1;
      else if (len_mod[0] == 'h' && len_mod[1] == 'h') EMIT_VALUE(int, (int) (signed char) va_arg(*ap, int));
      else if (len_mod[0] == 'h') EMIT_VALUE(int, (int) (short) va_arg(*ap, int));
      else EMIT_STD(int);
      break;
    case 'u':
    case 'x':
    case 'X':
    case 'o':
      if (len_mod[0] == 'l' && len_mod[1] == 'l') EMIT_STD(unsigned long long);
      else if (len_mod[0] == 'l') EMIT_STD(unsigned long);
      else if (len_mod[0] == 'z') EMIT_AS(size_t, unsigned long long);
      else if (len_mod[0] == 'j') EMIT_AS(uintmax_t, unsigned long long);
      else if (len_mod[0] == 't') EMIT_AS(ptrdiff_t, unsigned long long);
      else if (len_mod[0] == 'L') return -1;
      else if (len_mod[0] == 'h' && len_mod[1] == 'h') EMIT_VALUE(unsigned, (unsigned) (unsigned char) va_arg(*ap, unsigned));
      else if (len_mod[0] == 'h') EMIT_VALUE(unsigned, (unsigned) (unsigned short) va_arg(*ap, unsigned));
      else EMIT_STD(unsigned int);
      break;
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G':
    case 'a':
    case 'A':
      if (len_mod[0] == 'L') EMIT_STD(long double);
      else if (len_mod[0] == '\0' || (len_mod[0] == 'l' && len_mod[1] == '\0')) EMIT_STD(double);
      else return -1;
      break;
    case 'c':
      if (len_mod[0] != '\0') return -1;
      EMIT_STD(int);
      break;
    case 's': {
      const char *s;
      if (len_mod[0] != '\0') return -1;
      s = va_arg(*ap, const char *);
      if (s == NULL) s = "(null)";
      if (width < 0 && prec < 0) return put(out, s, strlen(s));
      n = snprintf(small, sizeof(small), spec, s);
      if (n >= (int) sizeof(small)) {
        big = (char *) malloc((size_t) n + 1);
        if (big == NULL) return -1;
        snprintf(big, (size_t) n + 1, spec, s);
      }
      break;
    }
    case 'p':
      if (len_mod[0] != '\0') return -1;
      EMIT_STD(void *);
      break;
    default:
      return -1; /* unknown conversion */
  }
  if (n < 0) {
    free(big);
    return -1;
  }
  total = put(out, big != NULL ? big : small, (size_t) n);
  free(big);
  return total;
}

int json_vprintf(struct json_out *out, const char *fmt, va_list xap) {
  va_list ap;
  int total = 0, in_string = 0;
  if (out == NULL || fmt == NULL) return -1;
  /* A local copy, so %M callbacks can take a va_list * that really is one
   * (a va_list parameter may be an array type that decays to a pointer). */
  va_copy(ap, xap);
  while (*fmt != '\0') {
    int n;
    if (*fmt == '%') {
      fmt++;
      n = do_conversion(out, &fmt, &ap);
      if (n < 0) {
        total = -1;
        break;
      }
      total += n;
    } else if (in_string) {
      /* Inside a quoted string of the format: copied as is up to the closing quote. */
      const char *start = fmt;
      while (*fmt != '\0' && *fmt != '%' && *fmt != '"') {
        if (*fmt == '\\' && fmt[1] != '\0') fmt++;
        fmt++;
      }
      if (*fmt == '"') {
        fmt++;
        in_string = 0;
      }
      total += put(out, start, (size_t) (fmt - start));
    } else if (*fmt == '"') {
      in_string = 1;
      total += put(out, fmt++, 1);
    } else if (is_alpha(*fmt)) {
      /* A bare word: a key to quote, unless it is a JSON literal. */
      const char *start = fmt;
      size_t wl;
      while (is_alpha(*fmt) || is_digit(*fmt)) fmt++;
      wl = (size_t) (fmt - start);
      if ((wl == 4 && strncmp(start, "true", 4) == 0) || (wl == 5 && strncmp(start, "false", 5) == 0) ||
          (wl == 4 && strncmp(start, "null", 4) == 0)) {
        total += put(out, start, wl);
      } else {
        total += put(out, "\"", 1);
        total += put(out, start, wl);
        total += put(out, "\"", 1);
      }
    } else if (is_digit(*fmt) || *fmt == '-') {
      /* A number literal such as 1e5 or -0.5: its letters are not keys. */
      const char *start = fmt++;
      while (is_digit(*fmt) || is_alpha(*fmt) || *fmt == '.' || *fmt == '+' || *fmt == '-') fmt++;
      total += put(out, start, (size_t) (fmt - start));
    } else {
      const char *start = fmt;
      while (*fmt != '\0' && *fmt != '%' && *fmt != '"' && !is_alpha(*fmt) && !is_digit(*fmt) && *fmt != '-') fmt++;
      total += put(out, start, (size_t) (fmt - start));
    }
  }
  va_end(ap);
  return total;
}

int json_printf(struct json_out *out, const char *fmt, ...) {
  va_list ap;
  int n;
  va_start(ap, fmt);
  n = json_vprintf(out, fmt, ap);
  va_end(ap);
  return n;
}

int json_vasprintf(char **res, const char *fmt, va_list ap) {
  struct json_out out;
  int n;
  memset(&out, 0, sizeof(out));
  out.printer = printer_heap;
  n = json_vprintf(&out, fmt, ap);
  if (n >= 0 && out.u.buf.size == SIZE_MAX) n = -1; /* out of memory */
  if (n >= 0 && out.u.buf.buf == NULL) {
    /* Empty output: still a valid empty string. */
    out.u.buf.buf = (char *) malloc(1);
    if (out.u.buf.buf == NULL) n = -1;
    else out.u.buf.buf[0] = '\0';
  }
  if (n < 0) {
    if (out.u.buf.size != SIZE_MAX) free(out.u.buf.buf);
    *res = NULL;
    return -1;
  }
  *res = out.u.buf.buf;
  return (int) out.u.buf.len;
}
