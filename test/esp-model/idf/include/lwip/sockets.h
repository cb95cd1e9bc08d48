/* Model of lwIP's sockets.h with LWIP_COMPAT_SOCKETS (IDF default): the BSD
 * names are lwIP's functions. Sockets are the host's, except where lwIP
 * behaves differently and the port depends on it: socket()/connect()/close()
 * go through the model, which refuses a connect with no address of that
 * family on any interface (lwIP: no route, EHOSTUNREACH) and aborts the TCP
 * connections of an interface that loses its address (lwIP's
 * tcp_netif_ip_addr_changed). */
#ifndef MODEL_LWIP_SOCKETS_H
#define MODEL_LWIP_SOCKETS_H
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>
int lwip_socket(int domain, int type, int protocol);
int lwip_connect(int s, const struct sockaddr *name, socklen_t namelen);
int lwip_close(int s);
int lwip_select(int maxfdp1, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv);
#define socket(d, t, p) lwip_socket(d, t, p)
#define connect(s, n, l) lwip_connect(s, n, l)
#define close(s) lwip_close(s)
#define select(m, r, w, e, t) lwip_select(m, r, w, e, t)
#endif
