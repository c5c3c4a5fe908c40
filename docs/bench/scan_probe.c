/*
 * Physical-limit probe for exact flat search (as the anchors' machine.md): one AVX-512 FMA scan of n x 384 float32
 * vectors against one query on one core, and a streaming read of 154 MB on 1 and 2 threads.
 * Build and run:  gcc -O3 -march=native -fopenmp docs/bench/scan_probe.c -o /tmp/scan_probe && /tmp/scan_probe
 * Needs an AVX-512 CPU. Used only to report how far ragtune's scans are from the machine's floor on the day.
 */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static double scan_ms(const float *x, const float *q, size_t n) {
    double best = 1e30;
    for (int rep = 0; rep < 7; rep++) {
        double t0 = now();
        float top = -1e30f;
        for (size_t v = 0; v < n; v++) {
            __m512 a = _mm512_setzero_ps();
            const float *r = x + v * 384;
            for (int j = 0; j < 384; j += 16) a = _mm512_fmadd_ps(_mm512_loadu_ps(r + j), _mm512_loadu_ps(q + j), a);
            float s = _mm512_reduce_add_ps(a);
            if (s > top) top = s;
        }
        double ms = (now() - t0) * 1e3;
        if (ms < best) best = ms;
        if (top == 12345.f) printf("-");
    }
    return best;
}

static double read_gbs(const float *x, size_t n, int threads) {
    double best = 0;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = now();
        float tot = 0;
#pragma omp parallel for num_threads(threads) reduction(+ : tot)
        for (size_t c = 0; c < n; c += 4096) {
            __m512 a = _mm512_setzero_ps();
            for (size_t j = c; j < c + 4096; j += 16) a = _mm512_add_ps(a, _mm512_load_ps(x + j));
            tot += _mm512_reduce_add_ps(a);
        }
        double gbs = n * 4.0 / (now() - t0) / 1e9;
        if (gbs > best) best = gbs;
        if (tot == 12345.f) printf("-");
    }
    return best;
}

int main(void) {
    size_t n = 100000;
    float *x = aligned_alloc(64, n * 384 * sizeof(float));
    float q[384];
    for (size_t i = 0; i < n * 384; i++) x[i] = (float) (i % 7) * 0.01f;
    for (int j = 0; j < 384; j++) q[j] = (float) (j % 3);
    printf("scan 50k x 384 fp32, 1 core: %.2f ms (best of 7)\n", scan_ms(x, q, 50000));
    printf("scan 100k x 384 fp32, 1 core: %.2f ms (best of 7)\n", scan_ms(x, q, 100000));
    printf("streaming read, 1 thread: %.1f GB/s; 2 threads: %.1f GB/s\n", read_gbs(x, n * 384, 1), read_gbs(x, n * 384, 2));
    return 0;
}
