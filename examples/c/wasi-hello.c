/* An ordinary C program for wasm32-wasi (clang + wasi-libc): it prints on Mote exactly what it
 * prints natively. Built to ../wasi-hello-c.wasm by ../build.sh when clang is installed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv) {
    printf("argc: %d\n", argc);
    for (int i = 1; i < argc; i++) printf("arg %d: %s\n", i, argv[i]);
    const char *greeting = getenv("MOTE_GREETING");
    printf("MOTE_GREETING=%s\n", greeting ? greeting : "");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct timespec pause = {0, 20 * 1000 * 1000};
    nanosleep(&pause, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long long ns = (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
    printf("slept at least 20 ms: %s\n", ns >= 20000000LL ? "true" : "false");
    printf("after 2020: %s\n", time(NULL) > 1577836800 ? "true" : "false");
    unsigned char a[16] = {0}, b[16] = {0};
    arc4random_buf(a, sizeof a);
    arc4random_buf(b, sizeof b);
    printf("random differs: %s\n", memcmp(a, b, sizeof a) != 0 ? "true" : "false");
    char line[64];
    int lines = 0;
    while (fgets(line, sizeof line, stdin)) lines++;
    printf("stdin: %d lines\n", lines);
    fprintf(stderr, "to stderr\n");
    return argc > 1 ? 3 : 0;
}
