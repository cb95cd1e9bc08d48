/* Differential driver for the generated MQTT decoders: with forClient 1 the
 * client's own, codec_decodeForClient (codec.c); with 0 the test broker's,
 * codec_broker_decode (test/mqtt/support/codec_broker.ts). Under Node both
 * lines come from the broker's decode(), which codec_client.test.ts holds
 * equal to decodeForClient there.
 *
 * Reads lines "<forClient 0|1> <maxPacket> <hex bytes>" from stdin and writes
 * one line per input: the decoder run in a loop over the buffer, as a
 * receiver does, one "|"-separated entry per call, in exactly the format
 * test/diff/decode.test.ts produces under Node. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "codec_broker.h" /* the broker side, test-only: test/support/gen */
#include "packet.h"

#define MAX_INPUT (1u << 20)

static char line[2 * MAX_INPUT + 64];
static uint8_t buf[MAX_INPUT];
static Packet pkt;

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static void put_hex(const char *name, rt_bytes b) {
  uint32_t i;
  printf(" %s=", name);
  for (i = 0; i < b.len; i++) printf("%02x", b.p[i]);
}

/* Every field of the Packet, in declaration order. */
static void put_packet(const Packet *p) {
  printf(" t=%u f=%u d=%d q=%u r=%d id=%u", (unsigned) p->type, (unsigned) p->flags, p->dup ? 1 : 0,
         (unsigned) p->qos, p->retain ? 1 : 0, (unsigned) p->packetId);
  put_hex("topic", p->topic);
  put_hex("payload", p->payload);
  printf(" sp=%d rc=%u", p->sessionPresent ? 1 : 0, (unsigned) p->returnCode);
  put_hex("codes", p->codes);
  put_hex("body", p->body);
  printf(" pl=%u cf=%u ka=%u", (unsigned) p->protocolLevel, (unsigned) p->connectFlags, (unsigned) p->keepAlive);
  put_hex("cid", p->clientId);
  put_hex("wt", p->willTopic);
  put_hex("wm", p->willMessage);
  put_hex("un", p->userName);
  put_hex("pw", p->password);
  printf(" rl=%lu tl=%lu", (unsigned long) p->remLen, (unsigned long) p->totalLen);
}

int main(void) {
  unsigned long lineno = 0;
  while (fgets(line, sizeof(line), stdin) != NULL) {
    char *s = line, *end;
    unsigned long for_client, max_packet;
    uint32_t n = 0, off = 0;
    int first = 1;
    lineno++;
    for_client = strtoul(s, &end, 10);
    s = end;
    max_packet = strtoul(s, &end, 10);
    s = end;
    while (*s == ' ') s++;
    while (hexval(s[0]) >= 0 && hexval(s[1]) >= 0) {
      if (n >= MAX_INPUT) {
        fprintf(stderr, "line %lu: input over %u bytes\n", lineno, MAX_INPUT);
        return 2;
      }
      buf[n++] = (uint8_t) (hexval(s[0]) * 16 + hexval(s[1]));
      s += 2;
    }
    if (*s != '\n' && *s != '\0') {
      fprintf(stderr, "line %lu: bad input near column %ld\n", lineno, (long) (s - line));
      return 2;
    }
    /* Decode in a loop as a receiver does: stop at incomplete input or an error. */
    for (;;) {
      rt_bytes in;
      int32_t r;
      in.p = buf + off;
      in.len = n - off;
      if (for_client != 0) {
        /* It leaves the server-side fields as they are: empty, as in a client's packet. */
        Packet_reset(&pkt);
        r = codec_decodeForClient(in, (uint32_t) max_packet, &pkt);
      } else {
        r = codec_broker_decode(in, (uint32_t) max_packet, false, &pkt);
      }
      if (!first) printf(" |");
      first = 0;
      printf(" %ld", (long) r);
      if (r < 0) break;
      if (r == 0) {
        printf(" tl=%lu", (unsigned long) pkt.totalLen);
        break;
      }
      put_packet(&pkt);
      off += (uint32_t) r;
      if (off == n) break;
    }
    printf("\n");
  }
  return 0;
}
