/* Output functions of the runtime: the same text as rt.ts prints under Node. */
#include "rt.h"

#if defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 0
/* Freestanding: the port provides the byte sink. */
void rt_port_write(const char *s, size_t n);
static void rt_puts(const char *s) { rt_port_write(s, rt_strlen(s)); }
static void rt_putc(char c) { rt_port_write(&c, 1u); }
#else
#include <stdio.h>
static void rt_puts(const char *s) { fputs(s, stdout); }
static void rt_putc(char c) { putchar(c); }
#endif

bool rt_copy_bytes_out(uint8_t *dp, uint32_t dlen, uint32_t off, const uint8_t *sp, uint32_t slen) {
  return rt_copy_bytes_in(dp, dlen, off, sp, slen);
}

void rt_copy_into_out(uint8_t *dp, uint32_t dlen, uint32_t off, const uint8_t *sp, uint32_t slen) {
  rt_copy_into_in(dp, dlen, off, sp, slen);
}

void rt_print_str(const char *s) { rt_puts(s ? s : "null"); }

/* Decimal without printf("%lld"), which small C libraries may lack. */
void rt_print_int(int64_t v) {
  char buf[24];
  size_t i = sizeof(buf);
  /* Work on the magnitude as unsigned so INT64_MIN does not overflow. */
  uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  buf[--i] = '\0';
  do {
    buf[--i] = (char)('0' + (int)(m % 10u));
    m /= 10u;
  } while (m != 0u);
  if (v < 0) buf[--i] = '-';
  rt_puts(&buf[i]);
}

void rt_print_hex(rt_bytes b) {
  static const char digits[] = "0123456789abcdef";
  uint32_t i;
  for (i = 0; i < b.len; i++) {
    rt_putc(digits[b.p[i] >> 4]);
    rt_putc(digits[b.p[i] & 15u]);
  }
}

void rt_print_ln(void) { rt_putc('\n'); }

/* nameAt(list, i, dflt): a name list is one text: its count of names (a
 * byte), the default, then the names, each ended by a NUL. Gives name i, or
 * the default when i is past the end or name i is empty. A scan: smaller
 * than a table of offsets or pointers, and names are read only to be logged. */
const char *rt_name_at(const char *list, uint32_t i) {
  const char *dflt = list + 1, *p = dflt;
  if (i >= (uint8_t)list[0]) return dflt;
  for (i++; i != 0u; p++) {
    if (*p == '\0') i--;
  }
  return *p != '\0' ? p : dflt;
}
