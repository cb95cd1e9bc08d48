/* Bare-metal start-up for the QEMU tier (qemu-system-arm -M mps2-an385).
 *
 * The vector table gives the core its stack and Reset_Handler, which sets up
 * C memory, opens newlib's semihosting console (so printf reaches the host),
 * runs main() and hands its return value to QEMU as the process exit status
 * through the semihosting SYS_EXIT_EXTENDED call. A fault prints its name and
 * exits with status 99 instead of hanging until the driver's timeout. */
#include <stdint.h>
#include <stdio.h>

/* Symbols from mps2_an385.ld. */
extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;

int main(void);
void Reset_Handler(void);
void _init(void);
void _fini(void);
void __libc_init_array(void);
void initialise_monitor_handles(void);

/* Semihosting operation numbers (Arm semihosting specification). */
#define SEMIHOST_SYS_WRITE0 0x04u
#define SEMIHOST_SYS_EXIT_EXTENDED 0x20u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static uint32_t semihost(uint32_t op, const void *arg) {
  register uint32_t r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

/* Ends the QEMU process with `status` as its exit code. */
static void semihost_exit(int status) {
  uint32_t block[2];
  block[0] = ADP_STOPPED_APPLICATION_EXIT;
  block[1] = (uint32_t)status;
  (void)semihost(SEMIHOST_SYS_EXIT_EXTENDED, block);
  for (;;) {
  }
}

/* With -nostartfiles there is no crti.o: __libc_init_array still calls _init. */
void _init(void) {}
void _fini(void) {}

void Reset_Handler(void) {
  uint32_t *src = &_sidata;
  uint32_t *dst;
  int rc;
  for (dst = &_sdata; dst < &_edata; dst++) *dst = *src++;
  for (dst = &_sbss; dst < &_ebss; dst++) *dst = 0u;
  initialise_monitor_handles();
  __libc_init_array();
  rc = main();
  (void)fflush(stdout);
  (void)fflush(stderr);
  semihost_exit(rc);
}

static void fault(const char *what) {
  (void)semihost(SEMIHOST_SYS_WRITE0, what);
  semihost_exit(99);
}

static void NMI_Handler(void) { fault("\nqemu: NMI\n"); }
static void HardFault_Handler(void) { fault("\nqemu: HardFault\n"); }
static void MemManage_Handler(void) { fault("\nqemu: MemManage fault\n"); }
static void BusFault_Handler(void) { fault("\nqemu: BusFault\n"); }
static void UsageFault_Handler(void) { fault("\nqemu: UsageFault\n"); }
static void Unexpected_Handler(void) { fault("\nqemu: unexpected exception\n"); }

typedef void (*Vector)(void);

/* The Cortex-M3 core exceptions; no device interrupts are enabled. */
__attribute__((section(".isr_vector"), used)) static const Vector vectors[16] = {
    (Vector)(uintptr_t)&_estack, /* initial main stack pointer */
    Reset_Handler,
    NMI_Handler,
    HardFault_Handler,
    MemManage_Handler,
    BusFault_Handler,
    UsageFault_Handler,
    0,
    0,
    0,
    0,
    Unexpected_Handler, /* SVCall */
    Unexpected_Handler, /* DebugMonitor */
    0,
    Unexpected_Handler, /* PendSV */
    Unexpected_Handler, /* SysTick */
};
