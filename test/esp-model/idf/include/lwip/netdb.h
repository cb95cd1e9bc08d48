/* Model of lwIP's netdb.h: getaddrinfo() returns ONE address (lwIP's
 * lwip_getaddrinfo resolves with netconn_gethostbyname_addrtype and fills a
 * single addrinfo; AF_UNSPEC asks IPv4 first, then IPv6: LWIP_DNS_ADDRTYPE_DEFAULT).
 * Names come from the model's table (esp_model.h), with its delay (a slow or
 * dead DNS server); numeric addresses resolve at once. */
#ifndef MODEL_LWIP_NETDB_H
#define MODEL_LWIP_NETDB_H
#include <netdb.h>
#include "lwip/sockets.h"
int lwip_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res);
void lwip_freeaddrinfo(struct addrinfo *ai);
#define getaddrinfo(n, s, h, r) lwip_getaddrinfo(n, s, h, r)
#define freeaddrinfo(a) lwip_freeaddrinfo(a)
#endif
