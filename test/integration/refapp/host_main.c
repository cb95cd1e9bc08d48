/* Host driver of the reference app: loads --set overrides, runs the app's
 * init and the host loop until SIGTERM. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "mgos_mqtt.h"
#include "mgos_mqtt_host.h"

void refapp_init(void);

static volatile int s_quit;
static void on_signal(int sig) {
  (void) sig;
  s_quit = 1;
}

int main(int argc, char **argv) {
  int i;
  setvbuf(stdout, NULL, _IOLBF, 0);
  for (i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--set") != 0 || mgos_mqtt_config_set(argv[i + 1]) != 0) {
      fprintf(stderr, "config error: %s\n", mgos_mqtt_config_error());
      return 2;
    }
  }
  signal(SIGTERM, on_signal);
  refapp_init();
  mgos_mqtt_init();
  while (!s_quit) mgos_mqtt_poll(50);
  mgos_mqtt_global_disconnect();
  mgos_mqtt_poll(20);
  mgos_mqtt_host_cleanup();
  return 0;
}
