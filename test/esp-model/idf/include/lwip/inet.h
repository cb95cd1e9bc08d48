/* Model of lwIP's inet.h: the host's inet_pton/ntop (same semantics). */
#ifndef MODEL_LWIP_INET_H
#define MODEL_LWIP_INET_H
#include <arpa/inet.h>
#endif
