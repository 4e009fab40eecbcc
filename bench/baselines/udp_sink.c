/* udp_sink: the C recvmmsg receiver the notification ingest is compared with (bench/run-ingest.sh).
 * Binds 127.0.0.1:<port> (receive buffer 32 MiB or <rcvbuf_bytes>, as net.core.rmem_max allows), receives with recvmmsg in batches of 64 and touches every byte (a checksum, so
 * the comparison includes reading the payload). Counts from the first datagram until <idle_ms> pass
 * without one; prints "received <n> datagrams in <s> s: <rate>/s". */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#define BATCH 64
#define SIZE 2048

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static double cpu(void) { struct rusage u; getrusage(RUSAGE_SELF, &u); return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6; }

int main(int argc, char **argv) {
    if (argc != 3 && argc != 4) { fprintf(stderr, "usage: udp_sink port idle_ms [rcvbuf_bytes]\n"); return 2; }
    int port = atoi(argv[1]); int idle = atoi(argv[2]);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int rcvbuf = argc == 4 ? atoi(argv[3]) : 32 << 20; setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    struct sockaddr_in at = { .sin_family = AF_INET, .sin_port = htons(port) };
    inet_pton(AF_INET, "127.0.0.1", &at.sin_addr);
    if (bind(fd, (struct sockaddr *)&at, sizeof at) < 0) { perror("bind"); return 1; }
    struct timeval tv = { .tv_sec = idle / 1000, .tv_usec = (idle % 1000) * 1000 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    printf("ready\n"); fflush(stdout);

    static unsigned char buffers[BATCH][SIZE]; struct mmsghdr msgs[BATCH]; struct iovec iov[BATCH];
    struct sockaddr_in from[BATCH];
    long received = 0; uint64_t sum = 0; double first = 0, last = 0, cpu_first = 0, cpu_last = 0;
    for (;;) {
        for (int i = 0; i < BATCH; i++) {
            iov[i].iov_base = buffers[i]; iov[i].iov_len = SIZE;
            msgs[i].msg_hdr = (struct msghdr){ .msg_name = &from[i], .msg_namelen = sizeof from[i], .msg_iov = &iov[i], .msg_iovlen = 1 };
        }
        int r = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
        if (r <= 0) { if (received > 0) break; continue; }
        if (received == 0) { first = now(); cpu_first = cpu(); }
        for (int i = 0; i < r; i++) for (unsigned j = 0; j < msgs[i].msg_len; j += 8) sum += buffers[i][j];
        received += r; last = now(); cpu_last = cpu();
    }
    double seconds = last - first;
    /* CPU time beside the wall clock: on a shared machine the core is not all ours (getrusage: user + system). */
    printf("received %ld datagrams in %.3f s: %.0f/s (checksum %llu; process CPU %.2f us/datagram)\n", received, seconds, received / (seconds > 0 ? seconds : 1),
           (unsigned long long)sum, received > 0 ? (cpu_last - cpu_first) * 1e6 / received : 0.0);
    return 0;
}
