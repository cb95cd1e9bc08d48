/* Roots of the MQTT 5 codec size measurement (bench/size-mqtt5.sh): what a
 * client session reaches in the v5 codec (ts-src/mqtt/codec5.ts), and, for
 * comparison, in the 3.1.1 codec (codec.ts). Never run: only linked with
 * --gc-sections from one of the two roots. */
#include "codec.h"
#include "codec5.h"
#include "packet5.h"

typedef void (*size_fn)(void);

/* Everything a v5 client encodes and decodes, with properties walked. */
const size_fn size_root_v5[] = {
  (size_fn) codec5_decode5ForClient, (size_fn) codec5_encodeConnect5, (size_fn) codec5_encodePublish5,
  (size_fn) codec5_publishSize5, (size_fn) codec5_encodeAck5, (size_fn) codec5_encodeSubscribe5,
  (size_fn) codec5_subscriptionOptions, (size_fn) codec5_encodeUnsubscribe5, (size_fn) codec5_encodeDisconnect5,
  (size_fn) codec5_encodeAuth5, (size_fn) codec5_putUserProp, (size_fn) codec5_nextProp, (size_fn) codec5_propsSize,
  (size_fn) packet5_reason5ForErr, (size_fn) Packet5_reset, (size_fn) Props5_set, (size_fn) Props5_has,
};

/* The same without the reason-code and error names (a build without log strings). */
const size_fn size_root_v5_names[] = {(size_fn) packet5_reasonName, (size_fn) packet5_decode5ErrName};

/* What the 3.1.1 client reaches in codec.ts (the session's calls). */
const size_fn size_root_v3[] = {
  (size_fn) codec_decodeForClient, (size_fn) codec_encodeConnect, (size_fn) codec_encodePublish, (size_fn) codec_publishSize,
  (size_fn) codec_encodeAck, (size_fn) codec_encodeSubscribe, (size_fn) codec_encodeUnsubscribe, (size_fn) codec_encodeSimple,
  (size_fn) Packet_reset,
};
