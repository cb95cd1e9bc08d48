/* Host (POSIX) port of mgos_mqtt: the event loop a host program drives.
 *
 * On ESP-IDF the port runs its own FreeRTOS task; on the host the program
 * calls mgos_mqtt_poll() in its loop, or mgos_mqtt_run() to hand the thread
 * over. Everything runs on the calling thread: the API is not thread-safe on
 * the host. */
#ifndef MGOS_MQTT_HOST_H
#define MGOS_MQTT_HOST_H

#ifndef ESP_PLATFORM

#ifdef __cplusplus
extern "C" {
#endif

/* One poll(2) iteration over the connection sockets (waits at most timeout_ms,
 * less when a timer is due; < 0 waits until the next timer), then the timers. */
void mgos_mqtt_poll(int timeout_ms);

/* Runs mgos_mqtt_poll() until mgos_mqtt_stop() is called (from a handler). */
void mgos_mqtt_run(void);

/* Makes mgos_mqtt_run() return after the current iteration. */
void mgos_mqtt_stop(void);

/* Called for each MGOS_EVENT_CLOUD_* event (the host has no system event loop). */
typedef void (*mgos_mqtt_host_event_cb_t)(int ev, void *ev_data, void *ud);
void mgos_mqtt_host_set_event_handler(mgos_mqtt_host_event_cb_t cb, void *ud);

/* Command-line configuration shared by host programs: applies the option at
 * argv[*i] if it is "-c FILE" / "--config FILE" (a JSON config file, loaded
 * all or nothing) or "--set section.key=value", advancing *i past its value.
 * Returns 1 when it took one, 0 when argv[*i] is not a config option, -1 on
 * an error (printed to stderr with the key and the reason). The options are
 * one change (mgos_mqtt_config_begin): call mgos_mqtt_host_config_done()
 * after the last one to apply them. */
int mgos_mqtt_host_config_arg(int argc, char **argv, int *i);

/* Applies the options taken by mgos_mqtt_host_config_arg, checked as a whole
 * (e.g. mqtt.enable with no mqtt.server): 0, or -1 with the reason printed. */
int mgos_mqtt_host_config_done(void);

/* Replaces the wall clock (port_time(), Mongoose's mg_time(): seconds since
 * the epoch) with `fn`, e.g. a fake clock for tests of mqtt.require_time;
 * NULL restores the system clock. */
typedef double (*mgos_mqtt_host_time_fn_t)(void);
void mgos_mqtt_host_set_time_fn(mgos_mqtt_host_time_fn_t fn);

/* Closes every socket and frees what the port holds (before exit). */
void mgos_mqtt_host_cleanup(void);

#ifdef __cplusplus
}
#endif

#endif /* ESP_PLATFORM */
#endif /* MGOS_MQTT_HOST_H */
