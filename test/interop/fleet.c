/* A fleet of devices in one host process: N connections made with
 * mgos_mqtt_conn_create2() (the public multi-connection API), each with its
 * own client id, a primary server (mqtt) and a backup (mqtt1). Built with
 * CONFIG_MGOS_MQTT_MAX_CONNS = N + 1 (slot 0 is the unused global connection).
 *
 * Usage: fleet --first K --n N --nodes H:P,H:P[,H:P] --min S --max S [--durable 1]
 * Device d = K..K+N-1 uses nodes[d % k] as mqtt and nodes[(d + 1) % k] as mqtt1.
 * With --durable 1 (the cluster run) each device connects with clean_session
 * false and subscribes QoS 1 to "fleet/D/cmd" (re-subscribed after every
 * reconnect), printing "sub D T" at each SUBACK and "msg D PAYLOAD" per message.
 * Prints, with t = CLOCK_MONOTONIC in ms (the clock Node's process.hrtime reads):
 *   "ready N"          all connections created
 *   "up D T"           device D got CONNACK 0
 *   "down D T"         device D lost its connection
 * Commands on stdin: "go" starts publishing: every device sends QoS 1
 * "fleet/D/seq" with payload 0, 1, 2 ... once a second (staggered); "stop"
 * ends it and prints "sent D N" per device (N messages accepted: 0..N-1) and
 * "stopped". Exits 0 on SIGTERM / SIGINT after disconnecting every device. */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config_schema.h"
#include "mgos_mqtt.h"
#include "mgos_mqtt_host.h"

#ifndef CONFIG_MGOS_MQTT_MAX_CONNS
#error "build with -DCONFIG_MGOS_MQTT_MAX_CONNS=<devices + 1> (the same for the client's objects)"
#endif
#define MAX_NODES 4
#define MAX_DEV (CONFIG_MGOS_MQTT_MAX_CONNS - 1)

static volatile int s_quit;
static char s_ids[MAX_DEV][24];
static struct mgos_mqtt_conn *s_conns[MAX_DEV];
static unsigned s_sent[MAX_DEV], s_refused[MAX_DEV];
static double s_next[MAX_DEV];
static int s_publishing;
static int s_durable;

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

static void on_cmd(struct mg_connection *nc, int ev, void *ev_data, void *ud) {
  int dev = (int) (intptr_t) ud;
  struct mg_mqtt_message *mm = (struct mg_mqtt_message *) ev_data;
  (void) nc;
  if (ev == MG_EV_MQTT_SUBACK) printf("sub %d %.1f\n", dev, now_ms());
  if (ev == MG_EV_MQTT_PUBLISH) printf("msg %d %.*s\n", dev, (int) mm->payload.len, mm->payload.p);
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
    else if (strcmp(argv[i], "--durable") == 0) s_durable = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "--nodes") == 0) snprintf(nodes_buf, sizeof(nodes_buf), "%s", argv[i + 1]);
    else break;
  }
  for (tok = strtok_r(nodes_buf, ",", &save); tok != NULL && nnodes < MAX_NODES; tok = strtok_r(NULL, ",", &save)) {
    nodes[nnodes++] = tok;
  }
  if (i < argc || n < 1 || n > MAX_DEV || nnodes < 2) {
    fprintf(stderr, "usage: fleet --first K --n N(1..%d) --nodes H:P,H:P[,H:P] [--min S] [--max S] [--durable 0|1]\n", MAX_DEV);
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
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
    cfg.clean_session = s_durable == 0;
    cfg1 = cfg;
    cfg1.server = nodes[(dev + 1) % nnodes];
    s_conns[i] = mgos_mqtt_conn_create2(dev + 1, &cfg, &cfg1);
    if (s_conns[i] == NULL) {
      fprintf(stderr, "fleet: mgos_mqtt_conn_create2 failed for device %d\n", dev);
      return 1;
    }
    mgos_mqtt_conn_add_handler(s_conns[i], on_event, (void *) (intptr_t) dev);
    if (s_durable) {
      char topic[40];
      snprintf(topic, sizeof(topic), "fleet/%d/cmd", dev);
      mgos_mqtt_conn_sub(s_conns[i], topic, 1, on_cmd, (void *) (intptr_t) dev);
    }
    mgos_mqtt_conn_connect(s_conns[i]);
  }
  printf("ready %d\n", n);
  while (!s_quit) {
    static char line[64];
    static size_t len;
    struct pollfd pfd;
    pfd.fd = 0;
    pfd.events = POLLIN;
    pfd.revents = 0;
    if (poll(&pfd, 1, 0) > 0) {
      char ch;
      while (read(0, &ch, 1) == 1) {
        if (ch != '\n') {
          if (len < sizeof(line) - 1) line[len++] = ch;
          continue;
        }
        line[len] = '\0';
        len = 0;
        if (strcmp(line, "go") == 0) {
          double t = now_ms();
          for (i = 0; i < n; i++) s_next[i] = t + (double) (i % 1000);
          s_publishing = 1;
        } else if (strcmp(line, "stop") == 0) {
          s_publishing = 0;
          for (i = 0; i < n; i++) printf("sent %d %u %u\n", first + i, s_sent[i], s_refused[i]);
          printf("stopped\n");
        }
        break;
      }
    }
    if (s_publishing) {
      double t = now_ms();
      for (i = 0; i < n; i++) {
        char topic[40], msg[16];
        int ml;
        if (t < s_next[i]) continue;
        s_next[i] += 1000.0;
        snprintf(topic, sizeof(topic), "fleet/%d/seq", first + i);
        ml = snprintf(msg, sizeof(msg), "%u", s_sent[i]);
        if (mgos_mqtt_conn_pub(s_conns[i], topic, mg_mk_str_n(msg, (size_t) ml), 1, false) != 0) s_sent[i]++;
        else s_refused[i]++;
      }
    }
    mgos_mqtt_poll(20);
  }
  for (i = 0; i < n; i++) mgos_mqtt_conn_disconnect(s_conns[i]);
  for (i = 0; i < 5; i++) mgos_mqtt_poll(20);
  mgos_mqtt_host_cleanup();
  return 0;
}
