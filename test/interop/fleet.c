/* A fleet of devices in one host process: N connections made with
 * mgos_mqtt_conn_create2() (the public multi-connection API), each with its
 * own client id, a primary server (mqtt) and a backup (mqtt1). Built with
 * CONFIG_MGOS_MQTT_MAX_CONNS = N + 1 (slot 0 is the unused global connection).
 *
 * Usage: fleet --first K --n N --nodes H:P,H:P[,H:P] --min S --max S
 * Device d = K..K+N-1 uses nodes[d % k] as mqtt and nodes[(d + 1) % k] as mqtt1.
 * Prints, with t = CLOCK_MONOTONIC in ms (the clock Node's process.hrtime reads):
 *   "ready N"          all connections created
 *   "up D T"           device D got CONNACK 0
 *   "down D T"         device D lost its connection
 * and exits 0 on SIGTERM / SIGINT after disconnecting every device. */
#define _POSIX_C_SOURCE 200809L

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config_schema.h"
#include "mgos_mqtt.h"
#include "mgos_mqtt_host.h"

#define MAX_NODES 4
#define MAX_DEV (CONFIG_MGOS_MQTT_MAX_CONNS - 1)

static volatile int s_quit;
static char s_ids[MAX_DEV][24];
static struct mgos_mqtt_conn *s_conns[MAX_DEV];

static void on_signal(int sig) {
  (void) sig;
  s_quit = 1;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1000.0 + (double) ts.tv_nsec / 1e6;
}

static void on_event(struct mg_connection *nc, int ev, void *ev_data, void *ud) {
  int dev = (int) (intptr_t) ud;
  (void) nc;
  (void) ev_data;
  if (ev == MG_EV_MQTT_CONNACK) printf("up %d %.1f\n", dev, now_ms());
  if (ev == MG_EV_CLOSE) printf("down %d %.1f\n", dev, now_ms());
}

int main(int argc, char **argv) {
  static char nodes_buf[256];
  char *nodes[MAX_NODES];
  int nnodes = 0, first = 0, n = 0, i;
  double tmin = 0.5, tmax = 2;
  char *save = NULL, *tok;

  for (i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--first") == 0) first = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "--n") == 0) n = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "--min") == 0) tmin = atof(argv[i + 1]);
    else if (strcmp(argv[i], "--max") == 0) tmax = atof(argv[i + 1]);
    else if (strcmp(argv[i], "--nodes") == 0) snprintf(nodes_buf, sizeof(nodes_buf), "%s", argv[i + 1]);
    else break;
  }
  for (tok = strtok_r(nodes_buf, ",", &save); tok != NULL && nnodes < MAX_NODES; tok = strtok_r(NULL, ",", &save)) {
    nodes[nnodes++] = tok;
  }
  if (i < argc || n < 1 || n > MAX_DEV || nnodes < 2) {
    fprintf(stderr, "usage: fleet --first K --n N(1..%d) --nodes H:P,H:P[,H:P] [--min S] [--max S]\n", MAX_DEV);
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  for (i = 0; i < n; i++) {
    struct mgos_config_mqtt cfg, cfg1;
    int dev = first + i;
    mgos_config_mqtt_init(&cfg);
    snprintf(s_ids[i], sizeof(s_ids[i]), "fleet-%d", dev);
    cfg.enable = true;
    cfg.server = nodes[dev % nnodes];
    cfg.client_id = s_ids[i];
    cfg.reconnect_timeout_min = tmin;
    cfg.reconnect_timeout_max = tmax;
    cfg.keep_alive = 30;
    cfg1 = cfg;
    cfg1.server = nodes[(dev + 1) % nnodes];
    s_conns[i] = mgos_mqtt_conn_create2(dev + 1, &cfg, &cfg1);
    if (s_conns[i] == NULL) {
      fprintf(stderr, "fleet: mgos_mqtt_conn_create2 failed for device %d\n", dev);
      return 1;
    }
    mgos_mqtt_conn_add_handler(s_conns[i], on_event, (void *) (intptr_t) dev);
    mgos_mqtt_conn_connect(s_conns[i]);
  }
  printf("ready %d\n", n);
  while (!s_quit) mgos_mqtt_poll(100);
  for (i = 0; i < n; i++) mgos_mqtt_conn_disconnect(s_conns[i]);
  for (i = 0; i < 5; i++) mgos_mqtt_poll(20);
  mgos_mqtt_host_cleanup();
  return 0;
}
