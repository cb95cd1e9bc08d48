/* Model of ESP-IDF's NVS for the persistent outbox (port/storage_esp32.c):
 * blobs in memory, keyed by partition, namespace and key, with ESP-IDF 5's
 * return codes for the calls the port makes. Enough to link and run the
 * port's storage; it models no flash layout or wear. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nvs.h"
#include "nvs_flash.h"

#define NVS_MAX 512

typedef struct {
  bool used;
  char part[16], ns[16], key[16];
  uint8_t *data;
  size_t len;
} entry;

static entry s_e[NVS_MAX];
static char s_handles[8][2][16]; /* partition, namespace of each handle (1-based) */
static uint32_t s_nhandles;

struct nvs_opaque_iterator_t {
  char part[16], ns[16];
  int at;
};

static entry *find(const char *part, const char *ns, const char *key) {
  for (int i = 0; i < NVS_MAX; i++) {
    entry *e = &s_e[i];
    if (e->used && strcmp(e->part, part) == 0 && strcmp(e->ns, ns) == 0 && strcmp(e->key, key) == 0) return e;
  }
  return NULL;
}

esp_err_t nvs_flash_init(void) { return ESP_OK; }
esp_err_t nvs_flash_init_partition(const char *label) { return label != NULL ? ESP_OK : ESP_ERR_INVALID_ARG; }
esp_err_t nvs_flash_erase_partition(const char *part) {
  for (int i = 0; i < NVS_MAX; i++) {
    if (s_e[i].used && strcmp(s_e[i].part, part) == 0) {
      free(s_e[i].data);
      memset(&s_e[i], 0, sizeof(s_e[i]));
    }
  }
  return ESP_OK;
}

esp_err_t nvs_open_from_partition(const char *part, const char *ns, nvs_open_mode_t mode, nvs_handle_t *out) {
  (void) mode;
  if (part == NULL || ns == NULL || strlen(part) > 15 || strlen(ns) > 15 || out == NULL) return ESP_ERR_INVALID_ARG;
  if (s_nhandles >= 8) return ESP_ERR_NO_MEM;
  strcpy(s_handles[s_nhandles][0], part);
  strcpy(s_handles[s_nhandles][1], ns);
  *out = ++s_nhandles;
  return ESP_OK;
}

esp_err_t nvs_set_blob(nvs_handle_t h, const char *key, const void *value, size_t len) {
  entry *e;
  if (h == 0 || h > s_nhandles || key == NULL || strlen(key) > 15) return ESP_ERR_INVALID_ARG;
  e = find(s_handles[h - 1][0], s_handles[h - 1][1], key);
  if (e == NULL) {
    for (int i = 0; i < NVS_MAX && e == NULL; i++) if (!s_e[i].used) e = &s_e[i];
    if (e == NULL) return ESP_ERR_NVS_NO_FREE_PAGES;
    e->used = true;
    strcpy(e->part, s_handles[h - 1][0]);
    strcpy(e->ns, s_handles[h - 1][1]);
    strcpy(e->key, key);
  }
  free(e->data);
  e->data = (uint8_t *) malloc(len ? len : 1);
  if (e->data == NULL) return ESP_ERR_NO_MEM;
  if (len) memcpy(e->data, value, len);
  e->len = len;
  return ESP_OK;
}

esp_err_t nvs_get_blob(nvs_handle_t h, const char *key, void *out, size_t *len) {
  entry *e;
  if (h == 0 || h > s_nhandles || key == NULL || len == NULL) return ESP_ERR_INVALID_ARG;
  e = find(s_handles[h - 1][0], s_handles[h - 1][1], key);
  if (e == NULL) return ESP_ERR_NVS_NOT_FOUND;
  if (out == NULL) {
    *len = e->len;
    return ESP_OK;
  }
  if (*len < e->len) return ESP_ERR_NVS_INVALID_LENGTH;
  memcpy(out, e->data, e->len);
  *len = e->len;
  return ESP_OK;
}

esp_err_t nvs_erase_key(nvs_handle_t h, const char *key) {
  entry *e;
  if (h == 0 || h > s_nhandles || key == NULL) return ESP_ERR_INVALID_ARG;
  e = find(s_handles[h - 1][0], s_handles[h - 1][1], key);
  if (e == NULL) return ESP_ERR_NVS_NOT_FOUND;
  free(e->data);
  memset(e, 0, sizeof(*e));
  return ESP_OK;
}

esp_err_t nvs_commit(nvs_handle_t h) { return h == 0 || h > s_nhandles ? ESP_ERR_INVALID_ARG : ESP_OK; }

static esp_err_t advance(nvs_iterator_t it) {
  for (it->at++; it->at < NVS_MAX; it->at++) {
    entry *e = &s_e[it->at];
    if (e->used && strcmp(e->part, it->part) == 0 && strcmp(e->ns, it->ns) == 0) return ESP_OK;
  }
  return ESP_ERR_NVS_NOT_FOUND;
}

esp_err_t nvs_entry_find(const char *part, const char *ns, nvs_type_t type, nvs_iterator_t *out) {
  nvs_iterator_t it;
  (void) type;
  *out = NULL;
  it = (nvs_iterator_t) calloc(1, sizeof(*it));
  if (it == NULL) return ESP_ERR_NO_MEM;
  snprintf(it->part, sizeof(it->part), "%s", part);
  snprintf(it->ns, sizeof(it->ns), "%s", ns != NULL ? ns : "");
  it->at = -1;
  if (advance(it) != ESP_OK) {
    free(it);
    return ESP_ERR_NVS_NOT_FOUND;
  }
  *out = it;
  return ESP_OK;
}

esp_err_t nvs_entry_next(nvs_iterator_t *it) {
  if (it == NULL || *it == NULL) return ESP_ERR_INVALID_ARG;
  if (advance(*it) != ESP_OK) {
    free(*it);
    *it = NULL;
    return ESP_ERR_NVS_NOT_FOUND;
  }
  return ESP_OK;
}

esp_err_t nvs_entry_info(const nvs_iterator_t it, nvs_entry_info_t *info) {
  const entry *e;
  if (it == NULL || info == NULL) return ESP_ERR_INVALID_ARG;
  e = &s_e[it->at];
  memset(info, 0, sizeof(*info));
  strcpy(info->namespace_name, e->ns);
  strcpy(info->key, e->key);
  info->type = NVS_TYPE_BLOB;
  return ESP_OK;
}

void nvs_release_iterator(nvs_iterator_t it) { free(it); }
