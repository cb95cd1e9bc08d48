/* What the scriptable host clients (mqtt_cli.c, test/interop/interop_cli.c)
 * share: commands read from stdin without waiting, a line at a time, and the
 * topic strings they keep for the life of the process. Header-only (each
 * program is one .c file); needs _POSIX_C_SOURCE 200809L. */
#ifndef CLI_INPUT_H
#define CLI_INPUT_H

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Input so far: `buf` holds `len` bytes of a line not yet whole; `open` is
 * cleared at EOF (the program keeps running until a signal or a command). */
struct cli_input {
  char *buf;
  size_t size;
  size_t len;
  int open;
};

/* Reads what stdin has now and calls `line` with each whole line, its
 * newline replaced by a NUL. A line longer than the buffer is dropped. */
static void cli_read_lines(struct cli_input *in, void (*line)(char *)) {
  struct pollfd pfd;
  ssize_t n;
  char *nl;
  pfd.fd = 0;
  pfd.events = POLLIN;
  pfd.revents = 0;
  if (!in->open || poll(&pfd, 1, 0) <= 0) return;
  n = read(0, in->buf + in->len, in->size - 1 - in->len);
  if (n <= 0) {
    in->open = 0;
    return;
  }
  in->len += (size_t) n;
  in->buf[in->len] = '\0';
  while ((nl = strchr(in->buf, '\n')) != NULL) {
    *nl = '\0';
    line(in->buf);
    memmove(in->buf, nl + 1, in->len - (size_t) (nl + 1 - in->buf) + 1);
    in->len -= (size_t) (nl + 1 - in->buf);
  }
  if (in->len >= in->size - 1) in->len = 0;
}

/* Topics are kept for the life of the process: the API keeps copies, but
 * the reference did not always, so a faithful caller keeps them. */
static char *s_cli_kept[256];
static int s_cli_nkept;

/* A copy of `s` that lives until cli_free_kept(); `s` itself once there
 * are too many (more than any test uses). */
static const char *cli_kept(const char *s) {
  size_t n = strlen(s) + 1;
  char *p;
  if (s_cli_nkept >= (int) (sizeof(s_cli_kept) / sizeof(s_cli_kept[0]))) return s;
  if ((p = (char *) malloc(n)) == NULL) {
    printf("error out of memory\n");
    exit(3);
  }
  memcpy(p, s, n);
  return s_cli_kept[s_cli_nkept++] = p;
}

static void cli_free_kept(void) {
  int i;
  for (i = 0; i < s_cli_nkept; i++) free(s_cli_kept[i]);
  s_cli_nkept = 0;
}

#endif /* CLI_INPUT_H */
