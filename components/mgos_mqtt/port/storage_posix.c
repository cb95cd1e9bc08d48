/* The persistent outbox's storage on a POSIX host (ts-src/mgos/persist.ts):
 * a directory (mqtt.outbox_persist) with one file per message, named by its
 * sequence number, `%08x.m`, holding the meta word (4 bytes, big endian) and
 * the encoded PUBLISH. A record is written to `%08x.t` and renamed over the
 * old one, so a crash leaves either the old or the new record, never half of
 * one. Files survive a crash of the process (kill -9: the page cache is the
 * kernel's); against power loss on the host set MGOS_MQTT_STORAGE_FSYNC=1 in
 * the environment (fsync after every write).
 *
 * Registered with the client by a constructor, before main(). */
#if !defined(ESP_PLATFORM) && defined(__unix__) /* every port file is listed on every build */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "persist.h"
#include "port.h"

#ifndef CONFIG_MGOS_MQTT_MAX_CONNS
#define CONFIG_MGOS_MQTT_MAX_CONNS 2
#endif
/* Records listed at open: more than the outbox can hold are left for later. */
#define LIST_MAX 1024

typedef struct {
  char dir[256];
  bool open;
  uint32_t seqs[LIST_MAX];
  uint32_t n;
} store_slot;

static store_slot s_slots[CONFIG_MGOS_MQTT_MAX_CONNS];
static bool s_fsync;

static store_slot *slot_of(int32_t slot) {
  if (slot < 0 || slot >= CONFIG_MGOS_MQTT_MAX_CONNS) return NULL;
  return &s_slots[slot];
}

static void path_of(const store_slot *s, uint32_t seq, const char *ext, char *out, size_t cap) {
  snprintf(out, cap, "%s/%08lx.%s", s->dir, (unsigned long) seq, ext);
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
  return x < y ? -1 : x > y;
}

static bool st_open(int32_t slot, const char *where) {
  store_slot *s = slot_of(slot);
  DIR *d;
  struct dirent *e;
  if (s == NULL || where == NULL || strlen(where) >= sizeof(s->dir)) return false;
  snprintf(s->dir, sizeof(s->dir), "%s", where);
  if (mkdir(s->dir, 0700) != 0 && errno != EEXIST) return false;
  d = opendir(s->dir);
  if (d == NULL) return false;
  s->n = 0;
  while ((e = readdir(d)) != NULL) {
    char *end = NULL;
    unsigned long v;
    if (strlen(e->d_name) != 10 || strcmp(e->d_name + 8, ".m") != 0) continue; /* .t: a write that never finished */
    v = strtoul(e->d_name, &end, 16);
    if (end != e->d_name + 8 || v == 0 || v > 0xfffffffful) continue;
    if (s->n < LIST_MAX) s->seqs[s->n++] = (uint32_t) v;
  }
  closedir(d);
  qsort(s->seqs, s->n, sizeof(s->seqs[0]), cmp_u32);
  s->open = true;
  s_fsync = getenv("MGOS_MQTT_STORAGE_FSYNC") != NULL;
  return true;
}

static bool write_all(int fd, const uint8_t *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= (size_t) w;
  }
  return true;
}

static bool st_put(int32_t slot, uint32_t seq, uint32_t meta, rt_bytes data) {
  store_slot *s = slot_of(slot);
  char tmp[300], fin[300];
  uint8_t m[4];
  int fd;
  bool ok;
  if (s == NULL || !s->open) return false;
  path_of(s, seq, "t", tmp, sizeof(tmp));
  path_of(s, seq, "m", fin, sizeof(fin));
  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return false;
  m[0] = (uint8_t) (meta >> 24);
  m[1] = (uint8_t) (meta >> 16);
  m[2] = (uint8_t) (meta >> 8);
  m[3] = (uint8_t) meta;
  ok = write_all(fd, m, 4) && write_all(fd, data.p, data.len);
  if (ok && s_fsync) ok = fsync(fd) == 0;
  if (close(fd) != 0) ok = false;
  if (ok) ok = rename(tmp, fin) == 0;
  if (!ok) unlink(tmp);
  return ok;
}

static void st_del(int32_t slot, uint32_t seq) {
  store_slot *s = slot_of(slot);
  char fin[300];
  if (s == NULL || !s->open) return;
  path_of(s, seq, "m", fin, sizeof(fin));
  unlink(fin);
}

static uint32_t st_count(int32_t slot) {
  store_slot *s = slot_of(slot);
  return s != NULL && s->open ? s->n : 0u;
}

static int32_t st_read(int32_t slot, uint32_t k, rt_bytes out) {
  store_slot *s = slot_of(slot);
  char fin[300];
  FILE *f;
  size_t n;
  int c;
  if (s == NULL || !s->open || k >= s->n || out.len < 8) return -1;
  path_of(s, s->seqs[k], "m", fin, sizeof(fin));
  f = fopen(fin, "rb");
  if (f == NULL) return -1;
  out.p[0] = (uint8_t) (s->seqs[k] >> 24);
  out.p[1] = (uint8_t) (s->seqs[k] >> 16);
  out.p[2] = (uint8_t) (s->seqs[k] >> 8);
  out.p[3] = (uint8_t) s->seqs[k];
  n = fread(out.p + 4, 1, out.len - 4, f);
  c = fgetc(f); /* more than fits: not ours to cut */
  fclose(f);
  if (c != EOF || n < 4) return -1;
  return (int32_t) (n + 4);
}

/* Not static: the host CMake build keeps this object in the link with
 * -Wl,--undefined=mgos_mqtt_storage_posix_register (nothing else refers to it). */
void mgos_mqtt_storage_posix_register(void);

__attribute__((constructor)) void mgos_mqtt_storage_posix_register(void) {
  mgos_mqtt_port_set_storage(st_open, st_put, st_del, st_count, st_read);
}

#endif /* !ESP_PLATFORM && __unix__ */
