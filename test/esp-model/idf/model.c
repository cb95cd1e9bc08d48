/* A small host implementation of the ESP-IDF and FreeRTOS APIs that
 * components/mgos_mqtt/port/port_esp32.c calls, so that file runs unchanged
 * on Linux against a real mosquitto. Each behaviour follows ESP-IDF's
 * documentation (paths are in the esp-idf repository):
 *   tasks        docs/en/api-reference/system/freertos_idf.rst: stack depth
 *                in bytes; stacks filled with 0xa5 and checked by canary
 *                (components/freertos/Kconfig, FREERTOS_CHECK_STACKOVERFLOW_CANARY,
 *                the default: the last 16 bytes are checked at each switch)
 *   event loop   docs/en/api-reference/system/esp_event.rst and
 *                components/esp_event/default_event_loop.c: task "sys_evt",
 *                queue CONFIG_ESP_SYSTEM_EVENT_QUEUE_SIZE = 32, stack
 *                ESP_TASKD_EVENT_STACK = CONFIG_ESP_SYSTEM_EVENT_TASK_STACK_SIZE
 *                (2304) + TASK_EXTRA_STACK_SIZE (512, newlib's full printf)
 *                (components/esp_system/include/esp_task.h)
 *   esp_netif    docs/en/api-reference/network/esp_netif.rst
 *   lwIP         docs/en/api-guides/lwip.rst (BSD sockets, getaddrinfo)
 * Tasks are pthreads (priorities ignored: two host cores stand for the
 * ESP32's two); every blocking primitive is a pthread one, so ThreadSanitizer
 * sees the same happens-before edges FreeRTOS gives. */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/select.h>
#include <sys/socket.h>

#include "esp_err.h"
#include "esp_event.h"
#include "esp_mac.h"
#include "esp_model.h"
#include "esp_netif.h"
#include "esp_random.h"
#include "esp_timer.h"
#include "esp_wifi.h"
#include "freertos/FreeRTOS.h"
#include "freertos/event_groups.h"
#include "freertos/semphr.h"
#include "freertos/task.h"

/* The model's own calls to the host's socket functions: its headers map the
 * BSD names to lwip_*, undo that here. */
#undef socket
#undef connect
#undef close
#undef select
#undef getaddrinfo
#undef freeaddrinfo

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define MODEL_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define MODEL_SANITIZED 1
#endif
#endif
/* Sanitizers instrument every frame: stack sizes mean nothing there, so the
 * sanitizer builds run tasks on ordinary large pthread stacks. */
#ifndef MODEL_SANITIZED
#define MODEL_STACKS 1
#endif

#define STACK_FILL 0xa5 /* tskSTACK_FILL_BYTE */
#define CANARY_LEN 16
#define EVENT_QUEUE_LEN 32
#define EVENT_TASK_STACK (2304 + 512)
#define MAX_HANDLERS 32
#define MAX_TASKS 32
#define MAX_SOCKS 64
#define MAX_DNS 16

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER; /* the model's own state */
static int g_violations, g_blocking_locked, g_cert_parses, g_hs_delay_ms;

static uint64_t now_us(void) {
  static struct timespec boot;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  pthread_mutex_lock(&g_mu);
  if (boot.tv_sec == 0 && boot.tv_nsec == 0) boot = ts;
  struct timespec b = boot;
  pthread_mutex_unlock(&g_mu);
  return (uint64_t) (ts.tv_sec - b.tv_sec) * 1000000u + (uint64_t) ((ts.tv_nsec - b.tv_nsec) / 1000);
}

static void abs_deadline(struct timespec *ts, TickType_t ticks) {
  uint64_t ms = (uint64_t) ticks * portTICK_PERIOD_MS;
  clock_gettime(CLOCK_REALTIME, ts);
  ts->tv_sec += (time_t) (ms / 1000);
  ts->tv_nsec += (long) (ms % 1000) * 1000000L;
  if (ts->tv_nsec >= 1000000000L) {
    ts->tv_sec++;
    ts->tv_nsec -= 1000000000L;
  }
}

/* ---------------------------------------------------------------- log */

/* Formats into a short line and write(2)s it: IDF's ESP_LOG prints through
 * newlib's vprintf; glibc's fprintf to stderr would put an 8 KB buffer on
 * the task's stack, which no ESP32 task pays. */
void model_log(char level, const char *tag, const char *fmt, ...) {
  va_list ap;
  char line[256];
  int n = snprintf(line, sizeof(line), "%c (%lu) %s: ", level, (unsigned long) (now_us() / 1000), tag);
  va_start(ap, fmt);
  if (n > 0 && (size_t) n < sizeof(line)) n += vsnprintf(line + n, sizeof(line) - (size_t) n, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t) n >= sizeof(line) - 1) n = (int) sizeof(line) - 2;
  line[n++] = '\n';
  ssize_t w = write(2, line, (size_t) n);
  (void) w;
}

/* The model's own messages: the same write(2) path, never stdio's 8 KB. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...) {
  va_list ap;
  char line[256];
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t) n >= sizeof(line)) n = (int) sizeof(line) - 1;
  ssize_t w = write(2, line, (size_t) n);
  (void) w;
}

static void violation(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void violation(const char *fmt, ...) {
  va_list ap;
  char msg[256];
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  pthread_mutex_lock(&g_mu);
  g_violations++;
  pthread_mutex_unlock(&g_mu);
  say("MODEL VIOLATION: %s\n", msg);
}

const char *esp_err_to_name(esp_err_t code) {
  switch (code) {
    case ESP_OK: return "ESP_OK";
    case ESP_FAIL: return "ESP_FAIL";
    case ESP_ERR_NO_MEM: return "ESP_ERR_NO_MEM";
    case ESP_ERR_INVALID_ARG: return "ESP_ERR_INVALID_ARG";
    case ESP_ERR_INVALID_STATE: return "ESP_ERR_INVALID_STATE";
    case ESP_ERR_TIMEOUT: return "ESP_ERR_TIMEOUT";
    default: return "ERROR";
  }
}

/* ---------------------------------------------------------------- tasks */

struct model_task {
  pthread_t th;
  char name[16];
  TaskFunction_t fn;
  void *arg;
  uint32_t stack_bytes;
  uint8_t *region;
  size_t region_len;
  uint8_t *stack_lo; /* the lowest byte of the task's stack_bytes */
  uintptr_t entry_sp;
  int measured;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  uint32_t notify;
  int crit; /* critical section depth */
  int held; /* mutexes held */
};

static struct model_task *g_tasks[MAX_TASKS];
static int g_ntasks;
static __thread struct model_task *t_self;

static struct model_task *task_new(const char *name, uint32_t stack_bytes) {
  struct model_task *t = calloc(1, sizeof(*t));
  if (t == NULL) abort();
  snprintf(t->name, sizeof(t->name), "%s", name);
  t->stack_bytes = stack_bytes;
  pthread_mutex_init(&t->mu, NULL);
  pthread_cond_init(&t->cv, NULL);
  pthread_mutex_lock(&g_mu);
  if (g_ntasks < MAX_TASKS) g_tasks[g_ntasks++] = t;
  pthread_mutex_unlock(&g_mu);
  return t;
}

/* A thread that is not a model task (the test's main) gets a record on first use. */
static struct model_task *self(void) {
  if (t_self == NULL) t_self = task_new("main", 0);
  return t_self;
}

/* FreeRTOS's canary check (method 2), done where a real task could be
 * switched out: the lowest 16 bytes must still hold the fill byte. */
static void check_stack(void) {
  struct model_task *t = t_self;
  if (t == NULL || !t->measured) return;
  for (int i = 0; i < CANARY_LEN; i++) {
    if (t->stack_lo[i] != STACK_FILL) {
      say("***ERROR*** A stack overflow in task %s has been detected.\n", t->name);
      say("MODEL STACK OVERFLOW: task %s used more than its %u bytes\n", t->name, (unsigned) t->stack_bytes);
      abort();
    }
  }
}

/* Every FreeRTOS call: no API calls inside a critical section (FreeRTOS
 * reference, taskENTER_CRITICAL: "FreeRTOS API functions must not be called
 * from within a critical section"), and the canary check. */
static void api_enter(const char *fn) {
  struct model_task *t = self();
  if (t->crit > 0) violation("%s called inside a critical section (task %s)", fn, t->name);
  check_stack();
}

uint32_t model_stack_used(TaskHandle_t t) {
  if (t == NULL || !t->measured) return 0;
  const uint8_t *lo = (const uint8_t *) ((uintptr_t) t->stack_lo & ~(uintptr_t) 4095);
  const uint8_t *p = lo;
  while ((uintptr_t) p < t->entry_sp && *p == STACK_FILL) p++;
  return (uint32_t) (t->entry_sp - (uintptr_t) p);
}

uint32_t model_stack_size(TaskHandle_t t) { return t != NULL ? t->stack_bytes : 0; }

int model_stack_measured(void) {
#ifdef MODEL_STACKS
  return 1;
#else
  return 0;
#endif
}

TaskHandle_t model_task_by_name(const char *name) {
  TaskHandle_t r = NULL;
  pthread_mutex_lock(&g_mu);
  for (int i = 0; i < g_ntasks; i++)
    if (strcmp(g_tasks[i]->name, name) == 0) r = g_tasks[i];
  pthread_mutex_unlock(&g_mu);
  return r;
}

#ifdef MODEL_STACKS
/* A fault in a task's guard pages is a stack overflow (the device panics). */
static void on_segv(int sig, siginfo_t *si, void *uc) {
  (void) uc;
  uintptr_t a = (uintptr_t) si->si_addr;
  for (int i = 0; i < g_ntasks; i++) {
    struct model_task *t = g_tasks[i];
    if (t->region != NULL && a >= (uintptr_t) t->region && a < (uintptr_t) t->stack_lo) {
      char msg[160];
      int n = snprintf(msg, sizeof(msg), "MODEL STACK OVERFLOW: task %s went past its %u bytes (guard page hit)\n", t->name,
                       (unsigned) t->stack_bytes);
      ssize_t w = write(2, msg, (size_t) n);
      (void) w;
      _exit(134);
    }
  }
  signal(sig, SIG_DFL);
  raise(sig);
}
#endif

static void *task_main(void *arg) {
  struct model_task *t = arg;
  t_self = t;
#ifdef MODEL_STACKS
  {
    static const size_t alt_len = 65536;
    stack_t alt = {.ss_sp = mmap(NULL, alt_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), .ss_size = alt_len, .ss_flags = 0};
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaltstack(&alt, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    volatile uint8_t here = 0;
    uintptr_t page = 4096;
    t->entry_sp = (uintptr_t) &here;
    t->stack_lo = (uint8_t *) (t->entry_sp - t->stack_bytes);
    /* Guard: every whole page below the one holding the stack's last byte. */
    uintptr_t lo_page = (uintptr_t) t->stack_lo & ~(page - 1);
    if (lo_page > (uintptr_t) t->region) mprotect(t->region, lo_page - (uintptr_t) t->region, PROT_NONE);
    t->measured = 1;
  }
#endif
  t->fn(t->arg);
  check_stack();
  return NULL;
}

BaseType_t xTaskCreatePinnedToCore(TaskFunction_t fn, const char *name, uint32_t stack_bytes, void *arg, UBaseType_t prio,
                                   TaskHandle_t *out, BaseType_t core) {
  (void) prio;
  (void) core;
  api_enter("xTaskCreate");
  struct model_task *t = task_new(name, stack_bytes);
  pthread_attr_t attr;
  t->fn = fn;
  t->arg = arg;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
#ifdef MODEL_STACKS
  /* glibc keeps its thread descriptor and TLS at the top of a given stack:
   * room for them above the task's own bytes. */
  t->region_len = ((size_t) stack_bytes + 65536 + 4095) & ~(size_t) 4095;
  t->region = mmap(NULL, t->region_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (t->region == MAP_FAILED) return pdFAIL;
  memset(t->region, STACK_FILL, t->region_len);
  pthread_attr_setstack(&attr, t->region, t->region_len);
#endif
  if (out != NULL) *out = t;
  if (pthread_create(&t->th, &attr, task_main, t) != 0) return pdFAIL;
  pthread_attr_destroy(&attr);
  return pdPASS;
}

BaseType_t xTaskCreate(TaskFunction_t fn, const char *name, uint32_t stack_bytes, void *arg, UBaseType_t prio, TaskHandle_t *out) {
  return xTaskCreatePinnedToCore(fn, name, stack_bytes, arg, prio, out, tskNO_AFFINITY);
}

void vTaskDelete(TaskHandle_t t) {
  if (t == NULL || t == t_self) {
    check_stack();
    pthread_exit(NULL);
  }
}

void vTaskDelay(TickType_t ticks) {
  api_enter("vTaskDelay");
  if (ticks == 0) {
    sched_yield();
    return;
  }
  struct timespec ts = {(time_t) (ticks * portTICK_PERIOD_MS / 1000), (long) (ticks * portTICK_PERIOD_MS % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

TaskHandle_t xTaskGetCurrentTaskHandle(void) { return self(); }
TickType_t xTaskGetTickCount(void) { return (TickType_t) (now_us() / 1000 / portTICK_PERIOD_MS); }
const char *pcTaskGetName(TaskHandle_t t) { return (t != NULL ? t : self())->name; }

UBaseType_t uxTaskGetStackHighWaterMark(TaskHandle_t t) {
  if (t == NULL) t = self();
  uint32_t used = model_stack_used(t);
  return used >= t->stack_bytes ? 0 : t->stack_bytes - used;
}

BaseType_t xTaskNotifyGive(TaskHandle_t t) {
  api_enter("xTaskNotifyGive");
  pthread_mutex_lock(&t->mu);
  t->notify++;
  pthread_cond_broadcast(&t->cv);
  pthread_mutex_unlock(&t->mu);
  return pdPASS;
}

uint32_t ulTaskNotifyTake(BaseType_t clear_on_exit, TickType_t ticks) {
  api_enter("ulTaskNotifyTake");
  struct model_task *t = self();
  struct timespec dl;
  uint32_t v;
  abs_deadline(&dl, ticks);
  pthread_mutex_lock(&t->mu);
  while (t->notify == 0 && ticks != 0) {
    if (ticks == portMAX_DELAY) pthread_cond_wait(&t->cv, &t->mu);
    else if (pthread_cond_timedwait(&t->cv, &t->mu, &dl) == ETIMEDOUT) break;
  }
  v = t->notify;
  if (v > 0) t->notify = clear_on_exit ? 0 : v - 1;
  pthread_mutex_unlock(&t->mu);
  return v;
}

/* ---------------------------------------------------------------- critical sections */

static pthread_mutex_t g_crit = PTHREAD_MUTEX_INITIALIZER;

void model_enter_critical(portMUX_TYPE *mux) {
  struct model_task *t = self();
  (void) mux;
  if (t->crit++ == 0) pthread_mutex_lock(&g_crit);
}

void model_exit_critical(portMUX_TYPE *mux) {
  struct model_task *t = self();
  (void) mux;
  if (--t->crit == 0) pthread_mutex_unlock(&g_crit);
}

/* ---------------------------------------------------------------- recursive mutexes */

struct model_mutex {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  struct model_task *owner;
  int count;
  uint64_t taken_us, taken_cpu_us;
};

/* Longest hold: wall time (includes the holder being preempted on this
 * shared machine) and the holder's CPU time (what it computed meanwhile). */
static uint64_t g_max_hold_us, g_max_hold_cpu_us;
static char g_max_holder[16];

static uint64_t cpu_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (uint64_t) ts.tv_sec * 1000000u + (uint64_t) (ts.tv_nsec / 1000);
}

static SemaphoreHandle_t mutex_new(void *buf) {
  struct model_mutex *m = buf != NULL ? buf : calloc(1, sizeof(*m));
  if (m == NULL) return NULL;
  memset(m, 0, sizeof(*m));
  pthread_mutex_init(&m->mu, NULL);
  pthread_cond_init(&m->cv, NULL);
  return m;
}

_Static_assert(sizeof(StaticSemaphore_t) >= sizeof(struct model_mutex), "StaticSemaphore_t too small");

SemaphoreHandle_t xSemaphoreCreateRecursiveMutex(void) {
  api_enter("xSemaphoreCreateRecursiveMutex");
  return mutex_new(NULL);
}

SemaphoreHandle_t xSemaphoreCreateRecursiveMutexStatic(StaticSemaphore_t *buf) {
  api_enter("xSemaphoreCreateRecursiveMutexStatic");
  return mutex_new(buf);
}

void vSemaphoreDelete(SemaphoreHandle_t m) {
  api_enter("vSemaphoreDelete");
  pthread_mutex_destroy(&m->mu);
  pthread_cond_destroy(&m->cv);
  free(m);
}

BaseType_t xSemaphoreTakeRecursive(SemaphoreHandle_t m, TickType_t ticks) {
  api_enter("xSemaphoreTakeRecursive");
  struct model_task *me = self();
  struct timespec dl;
  abs_deadline(&dl, ticks);
  pthread_mutex_lock(&m->mu);
  while (m->owner != NULL && m->owner != me) {
    if (ticks == 0 || (ticks != portMAX_DELAY && pthread_cond_timedwait(&m->cv, &m->mu, &dl) == ETIMEDOUT)) {
      pthread_mutex_unlock(&m->mu);
      return pdFALSE;
    }
    if (ticks == portMAX_DELAY) pthread_cond_wait(&m->cv, &m->mu);
  }
  if (m->count++ == 0) {
    m->owner = me;
    m->taken_us = now_us();
    m->taken_cpu_us = cpu_us();
    me->held++;
  }
  pthread_mutex_unlock(&m->mu);
  return pdTRUE;
}

BaseType_t xSemaphoreGiveRecursive(SemaphoreHandle_t m) {
  api_enter("xSemaphoreGiveRecursive");
  struct model_task *me = self();
  pthread_mutex_lock(&m->mu);
  if (m->owner != me) {
    pthread_mutex_unlock(&m->mu);
    violation("xSemaphoreGiveRecursive by task %s, which does not hold the mutex", me->name);
    return pdFALSE;
  }
  if (--m->count == 0) {
    uint64_t held = now_us() - m->taken_us, cpu = cpu_us() - m->taken_cpu_us;
    m->owner = NULL;
    me->held--;
    pthread_mutex_lock(&g_mu);
    if (cpu > g_max_hold_cpu_us) g_max_hold_cpu_us = cpu;
    if (held > g_max_hold_us) {
      g_max_hold_us = held;
      snprintf(g_max_holder, sizeof(g_max_holder), "%s", me->name);
    }
    pthread_mutex_unlock(&g_mu);
    pthread_cond_broadcast(&m->cv);
  }
  pthread_mutex_unlock(&m->mu);
  return pdTRUE;
}

TaskHandle_t xSemaphoreGetMutexHolder(SemaphoreHandle_t m) {
  pthread_mutex_lock(&m->mu);
  TaskHandle_t t = m->owner;
  pthread_mutex_unlock(&m->mu);
  return t;
}

uint64_t model_lock_max_hold_us(int reset) {
  pthread_mutex_lock(&g_mu);
  uint64_t v = g_max_hold_us;
  if (reset) g_max_hold_us = 0;
  pthread_mutex_unlock(&g_mu);
  return v;
}

const char *model_lock_max_holder(void) { return g_max_holder; }

uint64_t model_lock_max_hold_cpu_us(void) {
  pthread_mutex_lock(&g_mu);
  uint64_t v = g_max_hold_cpu_us;
  pthread_mutex_unlock(&g_mu);
  return v;
}

int model_violations(void) {
  pthread_mutex_lock(&g_mu);
  int v = g_violations;
  pthread_mutex_unlock(&g_mu);
  return v;
}

int model_blocking_under_lock(void) {
  pthread_mutex_lock(&g_mu);
  int v = g_blocking_locked;
  pthread_mutex_unlock(&g_mu);
  return v;
}

/* A call that blocks for network time: note it when the caller holds a mutex. */
static void blocking_call(const char *what) {
  struct model_task *t = self();
  if (t->held > 0) {
    pthread_mutex_lock(&g_mu);
    g_blocking_locked++;
    pthread_mutex_unlock(&g_mu);
    say("MODEL: %s called by task %s holding a mutex\n", what, t->name);
  }
}

/* ---------------------------------------------------------------- event groups */

struct model_evgroup {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  EventBits_t bits;
};

EventGroupHandle_t xEventGroupCreate(void) {
  api_enter("xEventGroupCreate");
  struct model_evgroup *g = calloc(1, sizeof(*g));
  pthread_mutex_init(&g->mu, NULL);
  pthread_cond_init(&g->cv, NULL);
  return g;
}

EventBits_t xEventGroupSetBits(EventGroupHandle_t g, EventBits_t bits) {
  api_enter("xEventGroupSetBits");
  pthread_mutex_lock(&g->mu);
  g->bits |= bits & 0xffffffu;
  EventBits_t r = g->bits;
  pthread_cond_broadcast(&g->cv);
  pthread_mutex_unlock(&g->mu);
  return r;
}

EventBits_t xEventGroupClearBits(EventGroupHandle_t g, EventBits_t bits) {
  api_enter("xEventGroupClearBits");
  pthread_mutex_lock(&g->mu);
  EventBits_t r = g->bits; /* the value before clearing */
  g->bits &= ~bits;
  pthread_mutex_unlock(&g->mu);
  return r;
}

EventBits_t xEventGroupGetBits(EventGroupHandle_t g) {
  pthread_mutex_lock(&g->mu);
  EventBits_t r = g->bits;
  pthread_mutex_unlock(&g->mu);
  return r;
}

EventBits_t xEventGroupWaitBits(EventGroupHandle_t g, EventBits_t bits, BaseType_t clear_on_exit, BaseType_t wait_all, TickType_t ticks) {
  api_enter("xEventGroupWaitBits");
  struct timespec dl;
  abs_deadline(&dl, ticks);
  pthread_mutex_lock(&g->mu);
  for (;;) {
    EventBits_t have = g->bits & bits;
    bool ok = wait_all ? have == bits : have != 0;
    if (ok || ticks == 0) break;
    if (ticks == portMAX_DELAY) pthread_cond_wait(&g->cv, &g->mu);
    else if (pthread_cond_timedwait(&g->cv, &g->mu, &dl) == ETIMEDOUT) break;
  }
  EventBits_t r = g->bits;
  bool ok = wait_all ? (r & bits) == bits : (r & bits) != 0;
  if (ok && clear_on_exit) g->bits &= ~bits;
  pthread_mutex_unlock(&g->mu);
  return r;
}

/* ---------------------------------------------------------------- default event loop */

struct ev {
  esp_event_base_t base;
  int32_t id;
  void *data;
};
struct handler {
  esp_event_base_t base;
  int32_t id;
  esp_event_handler_t fn;
  void *arg;
};

static pthread_mutex_t g_evmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_ev_nonempty = PTHREAD_COND_INITIALIZER, g_ev_nonfull = PTHREAD_COND_INITIALIZER;
static struct ev g_q[EVENT_QUEUE_LEN];
static int g_qhead, g_qlen, g_loop_created;
static struct handler g_handlers[MAX_HANDLERS];
static int g_nhandlers;

ESP_EVENT_DEFINE_BASE(IP_EVENT);
ESP_EVENT_DEFINE_BASE(WIFI_EVENT);

static void event_task(void *arg) {
  (void) arg;
  for (;;) {
    struct ev e;
    struct handler *hs; /* IDF walks its handler list in place: no copy on this small stack */
    int n = 0;
    pthread_mutex_lock(&g_evmu);
    while (g_qlen == 0) pthread_cond_wait(&g_ev_nonempty, &g_evmu);
    e = g_q[g_qhead];
    g_qhead = (g_qhead + 1) % EVENT_QUEUE_LEN;
    g_qlen--;
    pthread_cond_broadcast(&g_ev_nonfull);
    hs = malloc(sizeof(*hs) * MAX_HANDLERS);
    if (hs == NULL) abort();
    for (int i = 0; i < g_nhandlers; i++) {
      struct handler *h = &g_handlers[i];
      if ((h->base == ESP_EVENT_ANY_BASE || h->base == e.base) && (h->id == ESP_EVENT_ANY_ID || h->id == e.id)) hs[n++] = *h;
    }
    pthread_mutex_unlock(&g_evmu);
    check_stack();
    for (int i = 0; i < n; i++) hs[i].fn(hs[i].arg, e.base, e.id, e.data);
    free(hs);
    free(e.data);
    check_stack();
  }
}

esp_err_t esp_event_loop_create_default(void) {
  api_enter("esp_event_loop_create_default");
  pthread_mutex_lock(&g_evmu);
  if (g_loop_created) {
    pthread_mutex_unlock(&g_evmu);
    return ESP_ERR_INVALID_STATE;
  }
  g_loop_created = 1;
  pthread_mutex_unlock(&g_evmu);
  TaskHandle_t t;
  /* MODEL_EVENT_STACK: a larger stack, to compare a port that overflows the default. */
  const char *env = getenv("MODEL_EVENT_STACK");
  uint32_t stack = env != NULL ? (uint32_t) atoi(env) : EVENT_TASK_STACK;
  return xTaskCreate(event_task, "sys_evt", stack, NULL, 20, &t) == pdPASS ? ESP_OK : ESP_ERR_NO_MEM;
}

esp_err_t esp_event_handler_register(esp_event_base_t base, int32_t id, esp_event_handler_t fn, void *arg) {
  api_enter("esp_event_handler_register");
  esp_err_t r = ESP_OK;
  pthread_mutex_lock(&g_evmu);
  if (!g_loop_created) r = ESP_ERR_INVALID_STATE;
  else if (g_nhandlers >= MAX_HANDLERS) r = ESP_ERR_NO_MEM;
  else g_handlers[g_nhandlers++] = (struct handler){base, id, fn, arg};
  pthread_mutex_unlock(&g_evmu);
  return r;
}

esp_err_t esp_event_handler_unregister(esp_event_base_t base, int32_t id, esp_event_handler_t fn) {
  api_enter("esp_event_handler_unregister");
  pthread_mutex_lock(&g_evmu);
  for (int i = 0; i < g_nhandlers; i++) {
    if (g_handlers[i].base == base && g_handlers[i].id == id && g_handlers[i].fn == fn) {
      memmove(&g_handlers[i], &g_handlers[i + 1], (size_t) (g_nhandlers - i - 1) * sizeof(g_handlers[0]));
      g_nhandlers--;
      break;
    }
  }
  pthread_mutex_unlock(&g_evmu);
  return ESP_OK;
}

esp_err_t esp_event_post(esp_event_base_t base, int32_t id, const void *data, size_t size, TickType_t ticks) {
  api_enter("esp_event_post");
  struct timespec dl;
  void *copy = NULL;
  abs_deadline(&dl, ticks);
  if (data != NULL && size > 0) {
    copy = malloc(size);
    if (copy == NULL) return ESP_ERR_NO_MEM;
    memcpy(copy, data, size);
  }
  pthread_mutex_lock(&g_evmu);
  if (!g_loop_created) {
    pthread_mutex_unlock(&g_evmu);
    free(copy);
    return ESP_ERR_INVALID_STATE;
  }
  while (g_qlen == EVENT_QUEUE_LEN) {
    if (ticks == 0 || (ticks != portMAX_DELAY && pthread_cond_timedwait(&g_ev_nonfull, &g_evmu, &dl) == ETIMEDOUT)) {
      pthread_mutex_unlock(&g_evmu);
      free(copy);
      return ESP_ERR_TIMEOUT;
    }
    if (ticks == portMAX_DELAY) pthread_cond_wait(&g_ev_nonfull, &g_evmu);
  }
  g_q[(g_qhead + g_qlen) % EVENT_QUEUE_LEN] = (struct ev){base, id, copy};
  g_qlen++;
  pthread_cond_signal(&g_ev_nonempty);
  pthread_mutex_unlock(&g_evmu);
  return ESP_OK;
}

/* ---------------------------------------------------------------- esp_netif */

struct esp_netif_obj {
  const char *key;
  bool up;
  uint32_t ip4; /* network order, 0: none */
  bool has_ip6;
  struct in6_addr ip6;
};
static struct esp_netif_obj g_sta = {"WIFI_STA_DEF", false, 0, false, {{{0}}}};
static struct esp_netif_obj g_eth = {"ETH_DEF", false, 0, false, {{{0}}}};

esp_netif_t *esp_netif_get_handle_from_ifkey(const char *key) {
  if (strcmp(key, g_sta.key) == 0) return &g_sta;
  if (strcmp(key, g_eth.key) == 0) return &g_eth;
  return NULL;
}

esp_err_t esp_netif_get_ip_info(esp_netif_t *n, esp_netif_ip_info_t *info) {
  if (n == NULL || info == NULL) return ESP_ERR_INVALID_ARG;
  memset(info, 0, sizeof(*info));
  pthread_mutex_lock(&g_mu);
  info->ip.addr = n->ip4;
  pthread_mutex_unlock(&g_mu);
  return ESP_OK;
}

esp_err_t esp_netif_get_ip6_global(esp_netif_t *n, esp_ip6_addr_t *ip6) {
  if (n == NULL || ip6 == NULL) return ESP_ERR_INVALID_ARG;
  pthread_mutex_lock(&g_mu);
  bool has = n->has_ip6;
  if (has) memcpy(ip6->addr, &n->ip6, 16);
  pthread_mutex_unlock(&g_mu);
  return has ? ESP_OK : ESP_FAIL;
}

esp_err_t esp_netif_get_ip6_linklocal(esp_netif_t *n, esp_ip6_addr_t *ip6) {
  (void) n;
  (void) ip6;
  return ESP_FAIL;
}

bool esp_netif_is_netif_up(esp_netif_t *n) {
  pthread_mutex_lock(&g_mu);
  bool up = n != NULL && n->up;
  pthread_mutex_unlock(&g_mu);
  return up;
}

static bool have_family(int family) {
  pthread_mutex_lock(&g_mu);
  bool r = family == AF_INET ? (g_sta.ip4 != 0 || g_eth.ip4 != 0) : (g_sta.has_ip6 || g_eth.has_ip6);
  pthread_mutex_unlock(&g_mu);
  return r;
}

/* ---------------------------------------------------------------- lwIP sockets */

static int g_socks[MAX_SOCKS], g_sock_family[MAX_SOCKS];

int lwip_socket(int domain, int type, int protocol) {
  check_stack();
  int fd = socket(domain, type, protocol);
  if (fd < 0) return fd;
  pthread_mutex_lock(&g_mu);
  for (int i = 0; i < MAX_SOCKS; i++) {
    if (g_socks[i] == 0) {
      g_socks[i] = fd + 1;
      g_sock_family[i] = domain;
      break;
    }
  }
  pthread_mutex_unlock(&g_mu);
  return fd;
}

int lwip_connect(int s, const struct sockaddr *name, socklen_t len) {
  check_stack();
  if (!have_family(name->sa_family)) {
    errno = EHOSTUNREACH; /* lwIP: ip_route() finds no interface, ERR_RTE */
    return -1;
  }
  return connect(s, name, len);
}

int lwip_close(int s) {
  pthread_mutex_lock(&g_mu);
  for (int i = 0; i < MAX_SOCKS; i++)
    if (g_socks[i] == s + 1) g_socks[i] = 0;
  pthread_mutex_unlock(&g_mu);
  return close(s);
}

int lwip_select(int maxfdp1, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv) {
  api_enter("select");
  return select(maxfdp1, r, w, e, tv);
}

/* An interface lost its address: lwIP aborts the TCP connections bound to it
 * (tcp_netif_ip_addr_changed); the application sees a reset. */
static void abort_sockets(int family) {
  pthread_mutex_lock(&g_mu);
  for (int i = 0; i < MAX_SOCKS; i++)
    if (g_socks[i] != 0 && g_sock_family[i] == family) shutdown(g_socks[i] - 1, SHUT_RDWR);
  pthread_mutex_unlock(&g_mu);
}

/* ---------------------------------------------------------------- lwIP DNS */

struct dns_entry {
  char name[64];
  char addrs[128];
  int delay_ms;
};
static struct dns_entry g_dns[MAX_DNS];
static int g_ndns;

void model_dns_add(const char *name, const char *addrs, int delay_ms) {
  pthread_mutex_lock(&g_mu);
  if (g_ndns < MAX_DNS) {
    struct dns_entry *d = &g_dns[g_ndns++];
    snprintf(d->name, sizeof(d->name), "%s", name);
    snprintf(d->addrs, sizeof(d->addrs), "%s", addrs);
    d->delay_ms = delay_ms;
  }
  pthread_mutex_unlock(&g_mu);
}

/* The first address of `family` (AF_UNSPEC: IPv4 first, then IPv6) in a
 * comma-separated list. */
static int pick(const char *list, int family, struct sockaddr_storage *ss) {
  const int order[2] = {family == AF_INET6 ? AF_INET6 : AF_INET, family == AF_UNSPEC ? AF_INET6 : 0};
  for (int k = 0; k < 2; k++) {
    const char *p = list;
    if (order[k] == 0) break;
    while (*p != '\0') {
      char one[64];
      size_t n = strcspn(p, ",");
      snprintf(one, sizeof(one), "%.*s", (int) n, p);
      p += n;
      if (*p == ',') p++;
      memset(ss, 0, sizeof(*ss));
      if (order[k] == AF_INET && inet_pton(AF_INET, one, &((struct sockaddr_in *) ss)->sin_addr) == 1) {
        ss->ss_family = AF_INET;
        return 0;
      }
      if (order[k] == AF_INET6 && inet_pton(AF_INET6, one, &((struct sockaddr_in6 *) ss)->sin6_addr) == 1) {
        ss->ss_family = AF_INET6;
        return 0;
      }
    }
  }
  return -1;
}

int lwip_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res) {
  api_enter("getaddrinfo");
  blocking_call("getaddrinfo");
  int family = hints != NULL ? hints->ai_family : AF_UNSPEC;
  struct sockaddr_storage ss;
  char list[128] = "";
  int delay = 0;
  *res = NULL;
  if (node == NULL) return EAI_NONAME;
  pthread_mutex_lock(&g_mu);
  for (int i = 0; i < g_ndns; i++) {
    if (strcmp(g_dns[i].name, node) == 0) {
      snprintf(list, sizeof(list), "%s", g_dns[i].addrs);
      delay = g_dns[i].delay_ms;
    }
  }
  pthread_mutex_unlock(&g_mu);
  if (list[0] == '\0') snprintf(list, sizeof(list), "%s", node); /* numeric? */
  else if (delay > 0) usleep((useconds_t) delay * 1000u);
  if (pick(list, family, &ss) != 0) return EAI_FAIL; /* lwIP maps every failure to EAI_FAIL */
  /* One block: the addrinfo and its address, as lwIP allocates them. */
  struct { struct addrinfo ai; struct sockaddr_storage sa; } *b = calloc(1, sizeof(*b));
  if (b == NULL) return EAI_MEMORY;
  uint16_t port = (uint16_t) (service != NULL ? atoi(service) : 0);
  b->sa = ss;
  if (ss.ss_family == AF_INET) ((struct sockaddr_in *) &b->sa)->sin_port = htons(port);
  else ((struct sockaddr_in6 *) &b->sa)->sin6_port = htons(port);
  b->ai.ai_family = ss.ss_family;
  b->ai.ai_socktype = hints != NULL && hints->ai_socktype != 0 ? hints->ai_socktype : SOCK_STREAM;
  b->ai.ai_protocol = IPPROTO_TCP;
  b->ai.ai_addrlen = ss.ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
  b->ai.ai_addr = (struct sockaddr *) &b->sa;
  *res = &b->ai;
  return 0;
}

void lwip_freeaddrinfo(struct addrinfo *ai) { free(ai); }

/* ---------------------------------------------------------------- the rest */

/* newlib's strerror (the ESP32's libc) is a table lookup; glibc's goes
 * through gettext and takes kilobytes of stack, which would be charged to
 * the small task stacks. */
char *strerror(int e) {
  const char *d = strerrordesc_np(e);
  return (char *) (uintptr_t) (d != NULL ? d : "Unknown error");
}

int64_t esp_timer_get_time(void) { return (int64_t) now_us(); }

uint32_t esp_random(void) {
  uint32_t v = 0;
  if (getrandom(&v, sizeof(v), 0) != (ssize_t) sizeof(v)) v = (uint32_t) now_us();
  return v;
}

esp_err_t esp_read_mac(uint8_t *mac, esp_mac_type_t type) {
  static const uint8_t sta[6] = {0x24, 0x0a, 0xc4, 0x12, 0x34, 0x56};
  (void) type;
  memcpy(mac, sta, 6);
  return ESP_OK;
}

/* ---------------------------------------------------------------- the test's network */

void model_sta_set_ip(const char *ip4) {
  struct in_addr a = {0};
  if (ip4 != NULL) inet_pton(AF_INET, ip4, &a);
  pthread_mutex_lock(&g_mu);
  g_sta.up = true;
  g_sta.ip4 = a.s_addr;
  pthread_mutex_unlock(&g_mu);
}

void model_sta_connected(void) {
  pthread_mutex_lock(&g_mu);
  g_sta.up = true;
  pthread_mutex_unlock(&g_mu);
  esp_event_post(WIFI_EVENT, WIFI_EVENT_STA_CONNECTED, NULL, 0, portMAX_DELAY);
}

void model_sta_got_ip(const char *ip4) {
  ip_event_got_ip_t e;
  memset(&e, 0, sizeof(e));
  pthread_mutex_lock(&g_mu);
  uint32_t old = g_sta.ip4;
  pthread_mutex_unlock(&g_mu);
  model_sta_set_ip(ip4);
  e.esp_netif = &g_sta;
  inet_pton(AF_INET, ip4, &e.ip_info.ip.addr);
  e.ip_changed = old != e.ip_info.ip.addr;
  esp_event_post(IP_EVENT, IP_EVENT_STA_GOT_IP, &e, sizeof(e), portMAX_DELAY);
}

void model_sta_disconnected(void) {
  pthread_mutex_lock(&g_mu);
  g_sta.up = false;
  pthread_mutex_unlock(&g_mu);
  esp_event_post(WIFI_EVENT, WIFI_EVENT_STA_DISCONNECTED, NULL, 0, portMAX_DELAY);
}

void model_sta_lost_ip(void) {
  pthread_mutex_lock(&g_mu);
  g_sta.ip4 = 0;
  pthread_mutex_unlock(&g_mu);
  if (!have_family(AF_INET)) abort_sockets(AF_INET);
  esp_event_post(IP_EVENT, IP_EVENT_STA_LOST_IP, NULL, 0, portMAX_DELAY);
}

void model_sta_got_ip6(const char *ip6) {
  ip_event_got_ip6_t e;
  memset(&e, 0, sizeof(e));
  pthread_mutex_lock(&g_mu);
  g_sta.up = true;
  g_sta.has_ip6 = inet_pton(AF_INET6, ip6, &g_sta.ip6) == 1;
  memcpy(e.ip6_info.ip.addr, &g_sta.ip6, 16);
  pthread_mutex_unlock(&g_mu);
  e.esp_netif = &g_sta;
  esp_event_post(IP_EVENT, IP_EVENT_GOT_IP6, &e, sizeof(e), portMAX_DELAY);
}

/* ---------------------------------------------------------------- mbedTLS probes (-Wl,--wrap) */

typedef struct mbedtls_ssl_context mbedtls_ssl_context;
typedef struct mbedtls_x509_crt mbedtls_x509_crt;
typedef struct mbedtls_pk_context mbedtls_pk_context;
int __real_mbedtls_ssl_handshake(mbedtls_ssl_context *ssl);
int __wrap_mbedtls_ssl_handshake(mbedtls_ssl_context *ssl);
int __real_mbedtls_x509_crt_parse(mbedtls_x509_crt *crt, const unsigned char *buf, size_t len);
int __wrap_mbedtls_x509_crt_parse(mbedtls_x509_crt *crt, const unsigned char *buf, size_t len);

void model_set_handshake_delay_ms(int ms) {
  pthread_mutex_lock(&g_mu);
  g_hs_delay_ms = ms;
  pthread_mutex_unlock(&g_mu);
}

int model_cert_parses(void) {
  pthread_mutex_lock(&g_mu);
  int v = g_cert_parses;
  pthread_mutex_unlock(&g_mu);
  return v;
}

int __wrap_mbedtls_ssl_handshake(mbedtls_ssl_context *ssl) {
  check_stack();
  blocking_call("mbedtls_ssl_handshake");
  pthread_mutex_lock(&g_mu);
  int d = g_hs_delay_ms;
  pthread_mutex_unlock(&g_mu);
  if (d > 0) usleep((useconds_t) d * 1000u); /* the ESP32's software ECC */
  int r = __real_mbedtls_ssl_handshake(ssl);
  check_stack();
  return r;
}

int __wrap_mbedtls_x509_crt_parse(mbedtls_x509_crt *crt, const unsigned char *buf, size_t len) {
  check_stack();
  blocking_call("mbedtls_x509_crt_parse");
  pthread_mutex_lock(&g_mu);
  g_cert_parses++;
  pthread_mutex_unlock(&g_mu);
  int r = __real_mbedtls_x509_crt_parse(crt, buf, len);
  check_stack();
  return r;
}
