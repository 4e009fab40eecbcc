/* udp_blaster: the C sendmmsg sender for the notification benchmarks (bench/run-ingest.sh).
 * Sends <count> datagrams to <host>:<port> in sendmmsg batches of 64. Payloads are either <size>
 * zero-filled bytes or, with -f, the length-prefixed datagrams of a file (u16 big-endian length, bytes),
 * cycled; with -r, paced to <rate> datagrams a second (a batch of 64 at a time), to offer a receiver a steady load;
 * with -g (fixed size only), each message of a batch is one UDP GSO send (UDP_SEGMENT) of as many datagrams as fit
 * (at most 64, 65 000 bytes), as Tern's sender does for a run of datagrams to one peer.
 * Prints "sent <n> datagrams in <s> s: <rate>/s" and the process's user and system CPU per datagram.
 * Loopback only. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#define USAGE "usage: udp_blaster [-f datagrams.bin] [-s size] [-r datagrams/s] [-g] host port count\n"

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static double seconds_of(struct timeval t) { return t.tv_sec + t.tv_usec / 1e6; }

int main(int argc, char **argv) {
    const char *file = NULL; int opt; long size = 250; double pace = 0; int gso = 0;
    while ((opt = getopt(argc, argv, "f:s:r:g")) != -1) {
        if (opt == 'f') file = optarg; else if (opt == 's') size = atol(optarg); else if (opt == 'r') pace = atof(optarg);
        else if (opt == 'g') gso = 1;
        else { fprintf(stderr, USAGE); return 2; }
    }
    if (argc - optind != 3 || (gso && (file || pace > 0))) { fprintf(stderr, USAGE "(-g takes neither -f nor -r)\n"); return 2; }
    const char *host = argv[optind]; int port = atoi(argv[optind + 1]); long count = atol(argv[optind + 2]);

    unsigned char *data = NULL; long *offsets = NULL, *lengths = NULL, n = 0;
    if (file) {
        FILE *f = fopen(file, "rb"); if (!f) { perror(file); return 1; }
        fseek(f, 0, SEEK_END); long total = ftell(f); fseek(f, 0, SEEK_SET);
        data = malloc(total); if (fread(data, 1, total, f) != (size_t)total) { perror("read"); return 1; } fclose(f);
        for (long p = 0; p + 2 <= total; p += 2 + ((data[p] << 8) | data[p + 1])) n++;
        offsets = malloc(n * sizeof(long)); lengths = malloc(n * sizeof(long));
        long i = 0; for (long p = 0; p + 2 <= total; p += 2 + lengths[i - 1]) { lengths[i] = (data[p] << 8) | data[p + 1]; offsets[i++] = p + 2; }
    } else {
        n = 1; data = calloc(1, size); offsets = calloc(1, sizeof(long)); lengths = malloc(sizeof(long)); lengths[0] = size;
    }

    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int sndbuf = 8 << 20; setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
    inet_pton(AF_INET, host, &to.sin_addr);
    if (connect(fd, (struct sockaddr *)&to, sizeof to) < 0) { perror("connect"); return 1; }

    struct mmsghdr msgs[BATCH]; struct iovec iov[BATCH];
    long sent = 0, next = 0; double start = now();
    if (gso) {
        /* Every message one GSO send of <segments> datagrams of <size> bytes: the kernel cuts them at the end. */
        int segments = 65000 / size < BATCH ? (int)(65000 / size) : BATCH;
        unsigned char *run = calloc(segments, size);
        char control[BATCH][CMSG_SPACE(sizeof(uint16_t))];
        while (sent < count) {
            int batch = 0; long queued = 0;
            for (; batch < BATCH && sent + queued < count; batch++) {
                long n_seg = count - sent - queued < segments ? count - sent - queued : segments;
                iov[batch].iov_base = run; iov[batch].iov_len = n_seg * size;
                memset(&msgs[batch].msg_hdr, 0, sizeof msgs[batch].msg_hdr);
                msgs[batch].msg_hdr.msg_iov = &iov[batch]; msgs[batch].msg_hdr.msg_iovlen = 1;
                msgs[batch].msg_hdr.msg_control = control[batch]; msgs[batch].msg_hdr.msg_controllen = sizeof control[batch];
                struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[batch].msg_hdr);
                c->cmsg_level = SOL_UDP; c->cmsg_type = UDP_SEGMENT; c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
                *(uint16_t *)CMSG_DATA(c) = (uint16_t)size;
                queued += n_seg;
            }
            int r = sendmmsg(fd, msgs, batch, 0);
            if (r < 0) { if (errno == ENOBUFS || errno == EAGAIN || errno == ECONNREFUSED) continue; perror("sendmmsg (UDP_SEGMENT)"); return 1; }
            for (int i = 0; i < r; i++) sent += iov[i].iov_len / size;
        }
        count = 0;
    }
    while (sent < count) {
        if (pace > 0) {
            /* Paced: the next batch leaves when the datagrams already sent are due at the given rate. */
            double due = start + sent / pace, wait = due - now();
            if (wait > 0) { struct timespec t = { (time_t)wait, (long)((wait - (time_t)wait) * 1e9) }; nanosleep(&t, NULL); }
        }
        int batch = count - sent < BATCH ? (int)(count - sent) : BATCH;
        for (int i = 0; i < batch; i++) {
            iov[i].iov_base = data + offsets[next]; iov[i].iov_len = lengths[next]; next = (next + 1) % n;
            memset(&msgs[i].msg_hdr, 0, sizeof msgs[i].msg_hdr);
            msgs[i].msg_hdr.msg_iov = &iov[i]; msgs[i].msg_hdr.msg_iovlen = 1;
        }
        int r = sendmmsg(fd, msgs, batch, 0);
        if (r < 0) { if (errno == ENOBUFS || errno == EAGAIN || errno == ECONNREFUSED) continue; perror("sendmmsg"); return 1; }
        sent += r;
        if (r < batch) next = (next - (batch - r) % n + n) % n;
    }
    double seconds = now() - start;
    struct rusage u; getrusage(RUSAGE_SELF, &u);
    printf("sent %ld datagrams in %.3f s: %.0f/s (CPU user %.2f + system %.2f us/datagram)\n", sent, seconds, sent / seconds,
           seconds_of(u.ru_utime) * 1e6 / sent, seconds_of(u.ru_stime) * 1e6 / sent);
    return 0;
}
