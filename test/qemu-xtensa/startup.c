/* Bare-metal start-up for the Xtensa QEMU tier (qemu-system-xtensa -M sim
 * -cpu lx106, the ESP8266's core: the ESP32's LX6 is not in upstream QEMU).
 *
 * QEMU's loader jumps to _start with nothing set up: it loads the stack
 * pointer (a1; lx106 uses the call0 ABI) and calls c_start, which zeroes the
 * bss, runs the constructors (.init_array, as ESP-IDF's start-up does: the
 * generated modules set their non-zero defaults there), runs main() and
 * hands its return value to QEMU as the exit status.
 * stdout and stderr are picolibc streams that write through the `simcall`
 * semihosting instruction (-semihosting): a2 = call number, a3.. = arguments. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SIMCALL_EXIT 1
#define SIMCALL_WRITE 4

int main(void);
void c_start(void);
extern char __bss_start[], __bss_end[];
extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);

__asm__(
    "  .section .text.start, \"ax\"\n"
    "  .global _start\n"
    "  .align 4\n"
    "_start:\n"
    "  movi a1, __stack_top\n"
    "  call0 c_start\n"
    "1: j 1b\n"
    "  .text\n");

static int simcall(int nr, int a, const void *b, int c) {
  register int a2 __asm__("a2") = nr;
  register int a3 __asm__("a3") = a;
  register const void *a4 __asm__("a4") = b;
  register int a5 __asm__("a5") = c;
  __asm__ volatile("simcall" : "+r"(a2) : "r"(a3), "r"(a4), "r"(a5) : "memory");
  return a2;
}

static void sim_exit(int status) {
  (void)simcall(SIMCALL_EXIT, status, 0, 0);
  for (;;) {
  }
}

/* Output is line-buffered here: one simcall per line, not per character. */
static char line[128];
static int line_len;

static int sim_flush(FILE *f) {
  (void)f;
  if (line_len > 0) (void)simcall(SIMCALL_WRITE, 1, line, line_len);
  line_len = 0;
  return 0;
}

static int sim_putc(char c, FILE *f) {
  line[line_len++] = c;
  if (c == '\n' || line_len == (int)sizeof line) sim_flush(f);
  return (unsigned char)c;
}

static FILE sim_stdout = FDEV_SETUP_STREAM(sim_putc, NULL, sim_flush, _FDEV_SETUP_WRITE);
FILE *const stdin = NULL;
FILE *const stdout = &sim_stdout;
FILE *const stderr = &sim_stdout;

/* picolibc's exit() ends here. */
void _exit(int status) {
  (void)sim_flush(stdout);
  sim_exit(status);
}

void c_start(void) {
  memset(__bss_start, 0, (size_t)(__bss_end - __bss_start));
  for (void (**f)(void) = __init_array_start; f < __init_array_end; f++) (*f)();
  _exit(main());
}
