/* port/storage_esp32.c (the persistent outbox on NVS) over the NVS model
 * (test/esp-model/idf/nvs_model.c), driven through the generated client: a
 * session attached to namespace "outbox" accepts QoS 1 and QoS 2 messages
 * offline (each written to NVS), one reaches the PUBCOMP state, one is done;
 * a second session attached to the same namespace (a restart) gets exactly
 * the remaining ones back, in publish order, with their ids, states and
 * bytes. Prints "OK" or "FAIL <why>". */
#include <stdio.h>
#include <string.h>

#include "codec.h"
#include "codec_broker.h" /* the broker side, test-only: test/support/gen */
#include "packet.h"
#include "persist.h"
#include "session.h"

void mgos_mqtt_storage_esp32_register(void);

static Session a, b;

static rt_bytes B(const char *s) { return RT_BYTES((uint8_t *) (uintptr_t) s, (uint32_t) strlen(s)); }

#define CHECK(c, ...)                 \
  do {                                \
    if (!(c)) {                       \
      printf("FAIL ");                \
      printf(__VA_ARGS__);            \
      printf(" (line %d)\n", __LINE__); \
      return 1;                       \
    }                                 \
  } while (0)

static void fresh(Session *s) {
  memset(s, 0, sizeof(*s));
  Session_init(s);
  s->cfg.maxQueueLength = 16;
}

/* Feeds one packet built by the codec to a session. */
static void feed(Session *s, uint32_t n, uint8_t *buf) { Session_onRecv(s, RT_BYTES(buf, n), 0); }

int main(void) {
  static uint8_t buf[64];
  uint16_t ids[4];
  mgos_mqtt_storage_esp32_register(); /* the constructor did it too; twice is harmless */
  fresh(&a);
  CHECK(persist_attach(&a, 0, "outbox"), "attach");
  CHECK(SessionConfig_setStrings(&a.cfg, B("dev"), B(""), B(""), B(""), B("")) == NULL, "strings");
  ids[0] = Session_publish(&a, B("t/1"), B("one"), 1, false, 0);
  ids[1] = Session_publish(&a, B("t/2"), B("two"), 2, false, 0);
  ids[2] = Session_publish(&a, B("t/3"), B("three"), 1, false, 0);
  ids[3] = Session_publish(&a, B("t/4"), B("four"), 2, false, 0);
  CHECK(ids[0] && ids[1] && ids[2] && ids[3], "publish");
  CHECK(mgos_mqtt_storage_records_written() == 4, "4 records written, got %u", (unsigned) mgos_mqtt_storage_records_written());
  /* Connect: t/1 gets its PUBACK (deleted), t/2 its PUBREC (PUBREL only). */
  CHECK(Session_connect(&a, 0), "connect");
  Session_txConsumed(&a, a.txLen);
  feed(&a, codec_broker_encodeConnack(RT_BYTES(buf, sizeof(buf)), false, 0), buf);
  Session_txConsumed(&a, a.txLen);
  feed(&a, codec_encodeAck(RT_BYTES(buf, sizeof(buf)), PacketType_PUBACK, ids[0]), buf);
  feed(&a, codec_encodeAck(RT_BYTES(buf, sizeof(buf)), PacketType_PUBREC, ids[1]), buf);
  CHECK(a.recCount == 3, "3 records left, got %u", (unsigned) a.recCount);
  /* The restart. */
  fresh(&b);
  CHECK(persist_attach(&b, 1, "outbox"), "attach after the restart");
  CHECK(b.recCount == 3, "restored %u records", (unsigned) b.recCount);
  CHECK(b.recs[0].packetId == ids[1] && b.recs[0].state == RecState_WAIT_PUBCOMP && b.recs[0].len == 0, "t/2 waits for PUBCOMP");
  CHECK(b.recs[1].packetId == ids[2] && b.recs[1].state == RecState_QUEUED && b.recs[1].qos == 1, "t/3 queued");
  CHECK(b.recs[2].packetId == ids[3] && b.recs[2].qos == 2, "t/4 queued");
  {
    Packet p;
    memset(&p, 0, sizeof(p));
    CHECK(codec_broker_decode(RT_BYTES(b.store + b.recs[2].off, b.recs[2].len), 1u << 20, false, &p) == (int32_t) b.recs[2].len, "t/4 decodes");
    CHECK(p.payload.len == 4 && memcmp(p.payload.p, "four", 4) == 0, "t/4 payload");
  }
  printf("OK\n");
  return 0;
}
