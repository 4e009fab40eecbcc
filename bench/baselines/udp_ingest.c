/* udp_ingest: the same-work C receiver the notification ingest is compared with (bench/run-ingest.sh, issue 19).
 *
 * What Tern's ingest does per datagram, in plain C with libsodium and nothing else: recvmmsg (64 per call); the
 * header checks of docs/PROTOCOL.md §4.4 (length, version, type); a per-source token bucket; the sender's derived key
 * from a cache keyed by sender_key (one peer here, looked up all the same); XChaCha20-Poly1305 open with the header as
 * associated data; the whole body checked against §4.1-4.2 (count, record lengths, every field of a notification
 * record, domain name, strings, padding); the time rules (stale, future, expired, expiry_too_far); then each record
 * inserted into an in-memory open-addressing hash table keyed by capability, idempotent as the pending table is (a
 * capability already there changes nothing). It keeps no log, no index on disk and no per-recipient state: it is the
 * practical limit of this work on this machine, as udp_sink is the kernel's.
 *
 *   udp_ingest <port> <idle_ms> <peer_file> <capacity> [rcvbuf_bytes]
 *
 * peer_file: 64 bytes, the sender's X25519 public key then the derived key k(S->R) (Tern.UdpBench gen writes it).
 * capacity: records the table must hold (it is sized to twice that, a power of two).
 * Counts from the first datagram until idle_ms pass without one; prints
 * "received <n> datagrams in <s> s: <rate>/s (records accepted <r> (<r/s>/s); drops <d>; process CPU <x> us/datagram)". */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#define BATCH 64
#define MAX_DATAGRAM 1200
#define MIN_DATAGRAM 152
#define HEADER 58
#define TAG 16
#define MAX_RECORDS 32
#define STALE_MS 600000ULL
#define SKEW_MS 120000ULL
#define MAX_EXPIRY_MS (30ULL * 86400000ULL)
#define BUCKET_RATE 10000000.0 /* tokens a second per source: generous, as the bench's node options are */
#define BUCKET_BURST 10000000.0
#define SOURCES 1024
#define KEYS 64

static double now_s(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static uint64_t now_ms(void) { struct timespec t; clock_gettime(CLOCK_REALTIME, &t); return (uint64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000; }
static double cpu(void) { struct rusage u; getrusage(RUSAGE_SELF, &u); return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6; }
static uint64_t be64(const unsigned char *p) { uint64_t v = 0; for (int i = 0; i < 8; i++) v = v << 8 | p[i]; return v; }
static unsigned be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }

/* Per-source token buckets, open addressing on the IPv4 address. */
struct bucket { uint32_t source; int used; double tokens; double at; };
static struct bucket buckets[SOURCES];
static int take_token(uint32_t source, double now) {
    uint32_t i = (source * 2654435761u) & (SOURCES - 1);
    while (buckets[i].used && buckets[i].source != source) i = (i + 1) & (SOURCES - 1);
    struct bucket *b = &buckets[i];
    if (!b->used) { b->used = 1; b->source = source; b->tokens = BUCKET_BURST; b->at = now; }
    b->tokens += (now - b->at) * BUCKET_RATE; b->at = now;
    if (b->tokens > BUCKET_BURST) b->tokens = BUCKET_BURST;
    if (b->tokens < 1) return 0;
    b->tokens -= 1; return 1;
}

/* Derived keys by sender_key, open addressing. */
struct peer { unsigned char sender[32]; unsigned char key[32]; int used; };
static struct peer peers[KEYS];
static const unsigned char *key_for(const unsigned char *sender) {
    uint32_t i; memcpy(&i, sender, 4); i &= KEYS - 1;
    for (int n = 0; n < KEYS && peers[i].used; n++, i = (i + 1) & (KEYS - 1))
        if (memcmp(peers[i].sender, sender, 32) == 0) return peers[i].key;
    return NULL;
}

/* The table: capability -> what a pending reference keeps. */
struct entry { unsigned char capability[32]; unsigned char recipient[32]; unsigned char payload_hash[32]; uint64_t expiry, size; uint16_t attempt; uint8_t flags, used; };
static struct entry *table; static uint64_t table_mask;
static int insert(const unsigned char *record) {
    uint64_t h; memcpy(&h, record, 8); /* capabilities are random: their first bytes are a hash already */
    uint64_t i = h & table_mask;
    while (table[i].used) {
        if (memcmp(table[i].capability, record, 32) == 0) return 0; /* already pending: idempotent */
        i = (i + 1) & table_mask;
    }
    struct entry *e = &table[i];
    memcpy(e->capability, record, 32); memcpy(e->recipient, record + 32, 32); memcpy(e->payload_hash, record + 80, 32);
    e->expiry = be64(record + 64); e->size = be64(record + 72); e->attempt = be16(record + 112); e->flags = record[114]; e->used = 1;
    return 1;
}

static int domain_ok(const unsigned char *p, unsigned n) {
    if (n < 1 || n > 253) return 0;
    unsigned label = 0;
    for (unsigned i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c == '.') { if (label == 0 || p[i - 1] == '-') return 0; label = 0; continue; }
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return 0;
        if (c == '-' && label == 0) return 0;
        if (++label > 63) return 0;
    }
    return label > 0 && p[n - 1] != '-';
}
static int printable(const unsigned char *p, unsigned n) { for (unsigned i = 0; i < n; i++) if (p[i] < 0x20 || p[i] > 0x7e) return 0; return 1; }

/* Checks one notification record of length n (§4.2); returns 1 when it is well formed. */
static int record_ok(const unsigned char *r, unsigned n) {
    if (n < 119) return 0;
    if (be64(r + 64) >> 63 || be64(r + 72) >> 63) return 0;
    if (be16(r + 112) == 0 || (r[114] & 0xfe)) return 0;
    unsigned at = 115, len = r[at];
    if (at + 1 + len > n || !domain_ok(r + at + 1, len)) return 0;
    at += 1 + len;
    if (at >= n) return 0;
    len = r[at];
    if (len > 127 || at + 1 + len > n || !printable(r + at + 1, len)) return 0;
    at += 1 + len;
    if (at >= n) return 0;
    unsigned hints = r[at++]; if (hints > 4) return 0;
    for (unsigned h = 0; h < hints; h++) {
        if (at >= n) return 0;
        len = r[at];
        if (len < 1 || len > 200 || at + 1 + len > n || !printable(r + at + 1, len)) return 0;
        at += 1 + len;
    }
    return 1; /* bytes after the known fields up to n are a later version's: ignored */
}

static long accepted, drops;

/* One datagram through every check; records that pass are inserted. */
static void ingest(const unsigned char *d, unsigned n, uint32_t source, double now, uint64_t wall_ms, unsigned char *plain) {
    if (n < MIN_DATAGRAM || n > MAX_DATAGRAM || d[0] != 1 || (d[1] != 1 && d[1] != 2)) { drops++; return; }
    if (!take_token(source, now)) { drops++; return; }
    const unsigned char *key = key_for(d + 2);
    if (key == NULL) { drops++; return; } /* cold key: the bench has one known peer */
    unsigned long long body_len;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &body_len, NULL, d + HEADER, n - HEADER, d, HEADER, d + 34, key) != 0) { drops++; return; }
    if (body_len < 9) { drops++; return; }
    unsigned count = plain[8];
    if (count < 1 || count > MAX_RECORDS) { drops++; return; }
    const unsigned char *records[MAX_RECORDS]; unsigned at = 9;
    for (unsigned i = 0; i < count; i++) {
        if (at + 2 > body_len) { drops++; return; }
        unsigned len = be16(plain + at); at += 2;
        if (at + len > body_len) { drops++; return; }
        if (d[1] == 1 ? !record_ok(plain + at, len) : len < 67) { drops++; return; }
        records[i] = plain + at; at += len;
    }
    for (; at < body_len; at++) if (plain[at] != 0) { drops++; return; }
    uint64_t sent_at = be64(plain);
    if (sent_at + STALE_MS < wall_ms || sent_at > wall_ms + SKEW_MS) { drops++; return; }
    if (d[1] != 1) return; /* retractions: datagram-level checks only (§4.4) */
    for (unsigned i = 0; i < count; i++) {
        uint64_t expiry = be64(records[i] + 64);
        if (expiry <= wall_ms || expiry > wall_ms + MAX_EXPIRY_MS + SKEW_MS) { drops++; continue; }
        accepted += insert(records[i]);
    }
}

int main(int argc, char **argv) {
    if (argc != 5 && argc != 6) { fprintf(stderr, "usage: udp_ingest port idle_ms peer_file capacity [rcvbuf_bytes]\n"); return 2; }
    if (sodium_init() < 0) { fprintf(stderr, "sodium_init failed\n"); return 1; }
    int port = atoi(argv[1]); int idle = atoi(argv[2]); long capacity = atol(argv[4]);
    unsigned char peer[64];
    FILE *f = fopen(argv[3], "rb");
    if (f == NULL || fread(peer, 1, 64, f) != 64) { fprintf(stderr, "cannot read 64 bytes of %s\n", argv[3]); return 1; }
    fclose(f);
    uint32_t slot; memcpy(&slot, peer, 4); slot &= KEYS - 1;
    memcpy(peers[slot].sender, peer, 32); memcpy(peers[slot].key, peer + 32, 32); peers[slot].used = 1;
    uint64_t slots = 1; while (slots < (uint64_t)capacity * 2) slots <<= 1;
    table = calloc(slots, sizeof *table); table_mask = slots - 1;
    if (table == NULL) { fprintf(stderr, "cannot allocate %llu slots\n", (unsigned long long)slots); return 1; }
    for (uint64_t i = 0; i < slots; i += 4096 / sizeof *table) table[i].used = 0; /* touch every page before the run */

    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int rcvbuf = argc == 6 ? atoi(argv[5]) : 32 << 20; setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    struct sockaddr_in at = { .sin_family = AF_INET, .sin_port = htons(port) };
    inet_pton(AF_INET, "127.0.0.1", &at.sin_addr);
    if (bind(fd, (struct sockaddr *)&at, sizeof at) < 0) { perror("bind"); return 1; }
    struct timeval tv = { .tv_sec = idle / 1000, .tv_usec = (idle % 1000) * 1000 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    printf("ready\n"); fflush(stdout);

    static unsigned char buffers[BATCH][MAX_DATAGRAM + 1]; static unsigned char plain[MAX_DATAGRAM];
    struct mmsghdr msgs[BATCH]; struct iovec iov[BATCH]; struct sockaddr_in from[BATCH];
    long received = 0; double first = 0, last = 0, cpu_first = 0, cpu_last = 0; long accepted_first = 0;
    for (;;) {
        for (int i = 0; i < BATCH; i++) {
            iov[i].iov_base = buffers[i]; iov[i].iov_len = sizeof buffers[i];
            msgs[i].msg_hdr = (struct msghdr){ .msg_name = &from[i], .msg_namelen = sizeof from[i], .msg_iov = &iov[i], .msg_iovlen = 1 };
        }
        int r = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
        if (r <= 0) { if (received > 0) break; continue; }
        if (received == 0) { first = now_s(); cpu_first = cpu(); accepted_first = accepted; }
        double now = now_s(); uint64_t wall = now_ms();
        for (int i = 0; i < r; i++) ingest(buffers[i], msgs[i].msg_len, from[i].sin_addr.s_addr, now, wall, plain);
        received += r; last = now_s(); cpu_last = cpu();
    }
    double seconds = last - first; if (seconds <= 0) seconds = 1;
    long records = accepted - accepted_first;
    printf("received %ld datagrams in %.3f s: %.0f/s (records accepted %ld (%.0f/s); drops %ld; process CPU %.2f us/datagram)\n",
           received, seconds, received / seconds, records, records / seconds, drops, received > 0 ? (cpu_last - cpu_first) * 1e6 / received : 0.0);
    return 0;
}
