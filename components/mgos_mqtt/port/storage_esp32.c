/* The persistent outbox's storage under ESP-IDF (ts-src/mgos/persist.ts): NVS.
 *
 * mqtt.outbox_persist names the NVS namespace (at most 15 characters); each
 * message is one blob, key `m%08x` (its sequence number), holding the meta
 * word (4 bytes, big endian) and the encoded PUBLISH. NVS writes are atomic
 * per key, and NVS spreads its writes over the partition (wear levelling).
 *
 * The partition: CONFIG_MGOS_MQTT_PERSIST_PARTITION (default "nvs", the
 * default NVS partition, which the app must have initialised with
 * nvs_flash_init() before mgos_mqtt_init()). A partition of its own keeps the
 * outbox's writes away from the rest of the app's settings; partitions.csv:
 *
 *   mqtt_nvs, data, nvs, , 0x10000,
 *
 * and CONFIG_MGOS_MQTT_PERSIST_PARTITION="mqtt_nvs" (this file then calls
 * nvs_flash_init_partition() on it). Written to ESP-IDF 5's documented NVS
 * API; not built here (no ESP-IDF on the development machine). */
#ifdef ESP_PLATFORM /* every port file is listed on every build */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nvs.h"
#include "nvs_flash.h"

#include "persist.h"

#ifndef CONFIG_MGOS_MQTT_MAX_CONNS
#define CONFIG_MGOS_MQTT_MAX_CONNS 2
#endif
#ifndef CONFIG_MGOS_MQTT_PERSIST_PARTITION
#define CONFIG_MGOS_MQTT_PERSIST_PARTITION "nvs"
#endif
#define LIST_MAX 256

typedef struct {
  nvs_handle_t h;
  bool open;
  uint32_t seqs[LIST_MAX];
  uint32_t n;
} store_slot;

static store_slot s_slots[CONFIG_MGOS_MQTT_MAX_CONNS];

static store_slot *slot_of(int32_t slot) {
  if (slot < 0 || slot >= CONFIG_MGOS_MQTT_MAX_CONNS) return NULL;
  return &s_slots[slot];
}

static void key_of(uint32_t seq, char key[16]) { snprintf(key, 16, "m%08lx", (unsigned long) seq); }

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
  return x < y ? -1 : x > y;
}

static bool st_open(int32_t slot, const char *where) {
  store_slot *s = slot_of(slot);
  const char *part = CONFIG_MGOS_MQTT_PERSIST_PARTITION;
  nvs_iterator_t it = NULL;
  esp_err_t err;
  if (s == NULL || where == NULL || strlen(where) > 15) return false;
  if (strcmp(part, "nvs") != 0) {
    err = nvs_flash_init_partition(part);
    if (err == ESP_ERR_NVS_NO_FREE_PAGES || err == ESP_ERR_NVS_NEW_VERSION_FOUND) {
      nvs_flash_erase_partition(part);
      err = nvs_flash_init_partition(part);
    }
    if (err != ESP_OK) return false;
  }
  if (nvs_open_from_partition(part, where, NVS_READWRITE, &s->h) != ESP_OK) return false;
  s->n = 0;
  err = nvs_entry_find(part, where, NVS_TYPE_BLOB, &it);
  while (err == ESP_OK) {
    nvs_entry_info_t info;
    char *end = NULL;
    unsigned long v;
    nvs_entry_info(it, &info);
    if (info.key[0] == 'm' && strlen(info.key) == 9) {
      v = strtoul(info.key + 1, &end, 16);
      if (end == info.key + 9 && v != 0 && s->n < LIST_MAX) s->seqs[s->n++] = (uint32_t) v;
    }
    err = nvs_entry_next(&it);
  }
  nvs_release_iterator(it);
  qsort(s->seqs, s->n, sizeof(s->seqs[0]), cmp_u32);
  s->open = true;
  return true;
}

static bool st_put(int32_t slot, uint32_t seq, uint32_t meta, rt_bytes data) {
  store_slot *s = slot_of(slot);
  char key[16];
  uint8_t *blob;
  bool ok;
  if (s == NULL || !s->open) return false;
  blob = (uint8_t *) malloc(4u + data.len);
  if (blob == NULL) return false;
  blob[0] = (uint8_t) (meta >> 24);
  blob[1] = (uint8_t) (meta >> 16);
  blob[2] = (uint8_t) (meta >> 8);
  blob[3] = (uint8_t) meta;
  if (data.len > 0) memcpy(blob + 4, data.p, data.len);
  key_of(seq, key);
  ok = nvs_set_blob(s->h, key, blob, 4u + data.len) == ESP_OK && nvs_commit(s->h) == ESP_OK;
  free(blob);
  return ok;
}

static void st_del(int32_t slot, uint32_t seq) {
  store_slot *s = slot_of(slot);
  char key[16];
  if (s == NULL || !s->open) return;
  key_of(seq, key);
  if (nvs_erase_key(s->h, key) == ESP_OK) nvs_commit(s->h);
}

static uint32_t st_count(int32_t slot) {
  store_slot *s = slot_of(slot);
  return s != NULL && s->open ? s->n : 0u;
}

static int32_t st_read(int32_t slot, uint32_t k, rt_bytes out) {
  store_slot *s = slot_of(slot);
  char key[16];
  size_t len;
  if (s == NULL || !s->open || k >= s->n || out.len < 8) return -1;
  key_of(s->seqs[k], key);
  len = out.len - 4u;
  if (nvs_get_blob(s->h, key, out.p + 4, &len) != ESP_OK || len < 4) return -1;
  out.p[0] = (uint8_t) (s->seqs[k] >> 24);
  out.p[1] = (uint8_t) (s->seqs[k] >> 16);
  out.p[2] = (uint8_t) (s->seqs[k] >> 8);
  out.p[3] = (uint8_t) s->seqs[k];
  return (int32_t) (len + 4u);
}

/* Kept in the link by -Wl,--undefined (components/mgos_mqtt/CMakeLists.txt). */
void mgos_mqtt_storage_esp32_register(void);

__attribute__((constructor)) void mgos_mqtt_storage_esp32_register(void) {
  mgos_mqtt_port_set_storage(st_open, st_put, st_del, st_count, st_read);
}

#endif /* ESP_PLATFORM */
