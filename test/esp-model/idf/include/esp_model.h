/* The test's side of the ESP-IDF model: what a device's environment would
 * do (Wi-Fi and DHCP events, a DNS server) and what the tests measure (stack
 * use, lock hold times, rule violations). Not an IDF API. */
#ifndef ESP_MODEL_H
#define ESP_MODEL_H
#include <stdint.h>
#include "freertos/task.h"

/* Network state changes, as esp_netif and the Wi-Fi driver make them: each
 * updates the interface state first, then posts its event to the default
 * loop (waiting for room, as the drivers do). */
void model_sta_connected(void);             /* WIFI_EVENT_STA_CONNECTED, link up */
void model_sta_got_ip(const char *ip4);     /* address set, IP_EVENT_STA_GOT_IP */
void model_sta_disconnected(void);          /* WIFI_EVENT_STA_DISCONNECTED, link down (address kept) */
void model_sta_lost_ip(void);               /* address cleared, TCP aborted, IP_EVENT_STA_LOST_IP */
void model_sta_got_ip6(const char *ip6);    /* global IPv6 address, IP_EVENT_GOT_IP6 */
/* Sets the address without posting (the state before the app subscribes). */
void model_sta_set_ip(const char *ip4);

/* DNS: `name` resolves to the comma-separated addresses after delay_ms. */
void model_dns_add(const char *name, const char *addrs, int delay_ms);

/* TLS probes: extra time per mbedtls_ssl_handshake() step (the ESP32 has no
 * EC accelerator: a P-256 handshake takes 1-2.5 s there), counts of parses. */
void model_set_handshake_delay_ms(int ms);
int model_cert_parses(void);

/* Measurements. */
uint32_t model_stack_used(TaskHandle_t t);       /* bytes, deepest use so far (0: not measured) */
uint32_t model_stack_size(TaskHandle_t t);
TaskHandle_t model_task_by_name(const char *name);
int model_stack_measured(void);                  /* 1 in the stack-checking build */
uint64_t model_lock_max_hold_us(int reset);      /* longest time any mutex was held */
const char *model_lock_max_holder(void);         /* task that held it */
uint64_t model_lock_max_hold_cpu_us(void);       /* longest hold in the holder's CPU time */
int model_violations(void);                      /* rules broken (each is logged) */
int model_blocking_under_lock(void);             /* DNS/handshake calls made holding a mutex */
#endif
