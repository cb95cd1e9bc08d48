/* Model of esp_netif.h / esp_netif_types.h (docs/en/api-reference/network/esp_netif.rst):
 * the default station and Ethernet interfaces by their if_key, their IPv4
 * info (0.0.0.0 until DHCP gives an address) and IPv6 addresses, and the
 * IP_EVENT ids in IDF's order. The test sets the state (esp_model.h). */
#ifndef MODEL_ESP_NETIF_H
#define MODEL_ESP_NETIF_H
#include <stdbool.h>
#include <stdint.h>
#include "esp_err.h"
#include "esp_event.h"

ESP_EVENT_DECLARE_BASE(IP_EVENT);
typedef enum {
  IP_EVENT_STA_GOT_IP,
  IP_EVENT_STA_LOST_IP,
  IP_EVENT_AP_STAIPASSIGNED,
  IP_EVENT_GOT_IP6,
  IP_EVENT_ETH_GOT_IP,
  IP_EVENT_ETH_LOST_IP,
  IP_EVENT_PPP_GOT_IP,
  IP_EVENT_PPP_LOST_IP,
} ip_event_t;

typedef struct esp_netif_obj esp_netif_t;
typedef struct { uint32_t addr; } esp_ip4_addr_t;
typedef struct { uint32_t addr[4]; uint8_t zone; } esp_ip6_addr_t;
typedef struct { esp_ip4_addr_t ip, netmask, gw; } esp_netif_ip_info_t;
typedef struct { esp_ip6_addr_t ip; } esp_netif_ip6_info_t;
typedef struct {
  esp_netif_t *esp_netif;
  esp_netif_ip_info_t ip_info;
  bool ip_changed;
} ip_event_got_ip_t;
typedef struct {
  esp_netif_t *esp_netif;
  esp_netif_ip6_info_t ip6_info;
  int ip_index;
} ip_event_got_ip6_t;

esp_netif_t *esp_netif_get_handle_from_ifkey(const char *if_key);
esp_err_t esp_netif_get_ip_info(esp_netif_t *esp_netif, esp_netif_ip_info_t *ip_info);
esp_err_t esp_netif_get_ip6_global(esp_netif_t *esp_netif, esp_ip6_addr_t *if_ip6);
esp_err_t esp_netif_get_ip6_linklocal(esp_netif_t *esp_netif, esp_ip6_addr_t *if_ip6);
bool esp_netif_is_netif_up(esp_netif_t *esp_netif);
#endif
