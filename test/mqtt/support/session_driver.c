/* Replays session scripts (test/mqtt/support/sessiondiff.ts writes them) on the
 * generated C session and prints the same transcript lines as the TypeScript
 * session does under Node. One process runs every script: stdin holds them,
 * each started by an `N` line. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"

static Session s;
static bool take; /* F 1: the app takes the fragments of large PUBLISHes */
static char line[65536];
static uint8_t buf[3][16384];

static void put_hex(const uint8_t *p, uint32_t n) {
  static const char digits[] = "0123456789abcdef";
  if (n == 0) {
    fputs("-", stdout);
    return;
  }
  for (uint32_t i = 0; i < n; i++) {
    putchar(digits[p[i] >> 4]);
    putchar(digits[p[i] & 15]);
  }
}

static int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* "-" is the empty string; anything else is lowercase hex. */
static rt_bytes hex(const char *h, int slot) {
  rt_bytes b;
  b.p = buf[slot];
  b.len = 0;
  if (h == NULL || strcmp(h, "-") == 0) return b;
  size_t n = strlen(h) / 2;
  if (n > sizeof(buf[slot])) {
    fprintf(stderr, "hex field too long\n");
    exit(2);
  }
  for (size_t i = 0; i < n; i++) buf[slot][i] = (uint8_t) (nibble(h[2 * i]) * 16 + nibble(h[2 * i + 1]));
  b.len = (uint32_t) n;
  return b;
}

static uint32_t num(const char *t) { return t == NULL ? 0u : (uint32_t) strtoul(t, NULL, 10); }

static void on_event(Session *ss, int32_t ev, Packet *p, void *ud) {
  (void) ud;
  printf("E %d", (int) ev);
  if (p != NULL) {
    printf(" %u %u %d %d %d %u %d ", (unsigned) p->type, (unsigned) p->packetId, (int) p->qos, p->dup ? 1 : 0,
           p->retain ? 1 : 0, (unsigned) p->returnCode, p->sessionPresent ? 1 : 0);
    put_hex(p->topic.p, p->topic.len);
    putchar(' ');
    put_hex(p->payload.p, p->payload.len);
    putchar(' ');
    put_hex(p->codes.p, p->codes.len);
  } else {
    fputs(" null", stdout);
  }
  printf(" tag=%d was=%d reason=%s", (int) ss->evTag, ss->wasConnected ? 1 : 0, ss->closeReason);
  if (ev == 230 || ev == 231) printf(" part=%u/%u/%u", (unsigned) ss->rxPartOff, (unsigned) ss->rxPartTotal, (unsigned) ss->rxTopicLen);
#if defined(CONFIG_MGOS_MQTT_V5_SUPPORT_VALUE) && CONFIG_MGOS_MQTT_V5_SUPPORT_VALUE
  /* MQTT 5 scripts: the properties a PUBLISH event carries. */
  if (ss->cfg.version == 5 && (ev == 203 || ev == 230 || ev == 231)) {
    fputs(" props=", stdout);
    put_hex(ss->v5s[0].pkt.props.raw.p, ss->v5s[0].pkt.props.raw.len);
  }
#endif
  if (ev == 240) {
    printf(" drop=%u,%u,%u,", (unsigned) ss->evDropId, (unsigned) ss->evDropQos, (unsigned) ss->evDropReason);
    put_hex(ss->evDropTopic.p, ss->evDropTopic.len);
    putchar(',');
    put_hex(ss->evDropPayload.p, ss->evDropPayload.len);
  }
  putchar('\n');
  if (ev == 230 && take) ss->rxTake = true;
}

static void on_log(Session *ss, int32_t level, const char *msg, rt_bytes detail, int32_t num_) {
  (void) ss;
  printf("G %d %d ", (int) level, (int) num_);
  put_hex(detail.p, detail.len);
  printf(" %s\n", msg);
}

/* The persistence hook: every record written or deleted. */
static void on_store(Session *ss, uint8_t op, uint32_t seq, uint32_t meta, rt_bytes data) {
  (void) ss;
  printf("W %u %u %u ", (unsigned) op, (unsigned) seq, (unsigned) meta);
  put_hex(data.p, data.len);
  putchar('\n');
}

/* A fresh Session as TypeScript's `new Session()`: zeroed storage, then the
 * generated field initializers (Session_init sets only the non-zero ones). */
static void session_defaults(Session *x) {
  memset(x, 0, sizeof(*x));
  Session_init(x);
}

static void status(void) {
  printf("Q st=%u unsent=%u infl=%u queued=%u close=%d rx=%u store=%u subs=%u big=%u pos=%u room=%u stream=%d\n", (unsigned) s.state,
         (unsigned) Session_unsentBytes(&s), (unsigned) Session_inflightCount(&s), (unsigned) Session_queuedCount(&s),
         Session_wantsClose(&s) ? 1 : 0, (unsigned) s.rxLen, (unsigned) s.storeUsed, (unsigned) s.subCount,
         (unsigned) s.big, (unsigned) s.bigPos, (unsigned) Session_outboxRoom(&s), s.streaming ? 1 : 0);
}

int main(void) {
  while (fgets(line, sizeof(line), stdin) != NULL) {
    size_t len = strlen(line);
    if (len > 0 && line[len - 1] == '\n') line[--len] = 0;
    char *op = strtok(line, " ");
    if (op == NULL) continue;
    char *a[11] = {0};
    for (int i = 0; i < 11; i++) a[i] = strtok(NULL, " ");
    switch (op[0]) {
      case 'F':
        take = num(a[0]) != 0;
        break;
      case 'N': /* N keepAlive clean maxQos recvLimit maxQueue clientId user pass dropOldest */
        session_defaults(&s);
        take = false;
        s.onEvent = on_event;
        s.onLog = on_log;
        s.onStore = on_store;
        s.cfg.keepAlive = (uint16_t) num(a[0]);
        s.cfg.cleanSession = num(a[1]) != 0;
        s.cfg.maxQos = (uint8_t) num(a[2]);
        s.cfg.recvLimit = num(a[3]);
        s.cfg.maxQueueLength = num(a[4]);
        s.cfg.dropOldest = num(a[8]) != 0;
        s.cfg.version = a[9] != NULL ? (uint8_t) num(a[9]) : 4; /* MQTT 5 scripts: version, max_packet_size */
        s.cfg.maxPacket = num(a[10]);
        {
          rt_bytes id = hex(a[5], 0);
          rt_bytes user = hex(a[6], 1);
          rt_bytes pass = hex(a[7], 2);
          const char *err = SessionConfig_setStrings(&s.cfg, id, user, pass, hex("-", 0), hex("-", 0));
          printf("N %s\n", err == NULL ? "ok" : err);
        }
        break;
      case 'V': /* V version: protocol_version changed (takes effect at the next connect) */
        s.cfg.version = (uint8_t) num(a[0]);
        break;
      case 'C':
        printf("C %d\n", Session_connect(&s, num(a[0])) ? 1 : 0);
        break;
      case 'R':
        Session_onRecv(&s, hex(a[1], 0), num(a[0]));
        break;
      case 'P': /* P now qos retain topic payload */
        {
          unsigned id = (unsigned) Session_publish(&s, hex(a[3], 0), hex(a[4], 1), (uint8_t) num(a[1]), num(a[2]) != 0, num(a[0]));
          printf("P %u err=%u\n", id, (unsigned) s.lastError);
        }
        break;
      case 'S': /* S qos tag filter */
        printf("S %u\n", (unsigned) Session_subscribe(&s, hex(a[2], 0), (uint8_t) num(a[0]), (int32_t) strtol(a[1], NULL, 10)));
        break;
      case 'U':
        printf("U %u\n", (unsigned) Session_unsubscribe(&s, hex(a[0], 0)));
        break;
      case 'T':
        Session_tick(&s, num(a[0]));
        break;
      case 'X': { /* X n: show tx, then the port wrote n bytes */
        rt_bytes tx = Session_txView(&s);
        fputs("X ", stdout);
        put_hex(tx.p, tx.len);
        putchar('\n');
        Session_txConsumed(&s, num(a[0]));
        break;
      }
      case 'L':
        Session_connectionLost(&s, num(a[0]));
        break;
      case 'D':
        printf("D %d\n", Session_disconnect(&s) ? 1 : 0);
        break;
      case 'I':
        printf("I %u\n", (unsigned) Session_nextPacketId(&s));
        break;
      case 'Q':
        status();
        break;
      default:
        fprintf(stderr, "bad op %s\n", op);
        return 2;
    }
  }
  return 0;
}
