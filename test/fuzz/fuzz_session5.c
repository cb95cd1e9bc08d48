/* libFuzzer harness over the generated client session speaking MQTT 5: the
 * harness of fuzz_session.c (its input format and checks), with the MQTT 5
 * parts it has under FUZZ_SESSION_V5 (see there). scripts/fuzz.sh builds it
 * over the generated C compiled with CONFIG_MGOS_MQTT_V5_SUPPORT_VALUE=1. */
#define FUZZ_SESSION_V5 1
#include "fuzz_session.c"
