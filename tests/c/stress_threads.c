/* Thread stress test of the C API: T threads, each with its own bewo_context (bewo_load in the
 * thread, all at once), N bewo_generate calls each with a distinct seed and prompt (some with a
 * scene JSON). Every output is compared bit for bit with the same call made single-threaded
 * beforehand on one context: no crash, no cross-talk, same seed -> same bits. With --rounds R the
 * threaded part runs R times and the resident set size after each round is printed (RSS_KB
 * lines; a leak shows as growth from round to round). Run it under ASan/LSan for the leak check
 * proper (tools/sanitize_check.sh).
 *
 *   cc -O2 stress_threads.c -I<include> -L<lib dir> -lbewo -lpthread -Wl,-rpath,<lib dir> -o stress
 *   ./stress MODEL TEXT_ENCODER_DIR [--threads 8] [--calls 50] [--seconds 0.5] [--steps 2]
 *            [--gl 2] [--pool 1] [--rounds 1]
 * Exit 0: all outputs match. Prints "STRESS OK ..." last.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bewo/bewo.h"

static const char *model_path, *te_dir;
static int n_threads = 8, n_calls = 50, steps = 2, gl_iters = 2, pool_threads = 1, rounds = 1;
static float seconds = 0.5f;

static const char *prompts[] = {
    "a dog barks on the left", "a car drives from left to right", "rain falls behind",
    "a bird sings on the right", "footsteps in the center", "a bell rings ahead",
    "wind blows from right to left slowly", "a cat meows", "applause on the left",
    "thunder behind the listener", "a phone rings on the right", "water drips in front",
};
#define N_PROMPTS (sizeof prompts / sizeof *prompts)

static const char *scenes[] = {
    "{\"sources\":[{\"label\":\"a dog barking\",\"azimuth_start_deg\":-60}]}",
    "{\"sources\":[{\"label\":\"a car\",\"azimuth_start_deg\":-90,\"azimuth_end_deg\":90,\"speed\":\"fast\"}]}",
    "{\"sources\":[{\"label\":\"a bird\",\"path\":[[0,30],[0.25,-30]]},{\"label\":\"rain\",\"azimuth_start_deg\":180}]}",
};
#define N_SCENES (sizeof scenes / sizeof *scenes)

/* The job of call i on thread t: all (t, i) distinct. */
static void job(int t, int i, const char **prompt, const char **scene, uint64_t *seed) {
    *prompt = prompts[(size_t)(t * 5 + i) % N_PROMPTS];
    *scene = (i % 4 == 3) ? scenes[(size_t)(t + i) % N_SCENES] : NULL;
    *seed = 1000003ull * (uint64_t)t + 7919ull * (uint64_t)i + 1;
}

static uint64_t fnv(const float *a, size_t n, uint64_t h) {
    const unsigned char *p = (const unsigned char *)a;
    for (size_t k = 0; k < n * sizeof *a; ++k) h = (h ^ p[k]) * 1099511628211ull;
    return h;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static long rss_kb(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, res = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &res) != 2) res = 0;
        fclose(f);
    }
    return res * (sysconf(_SC_PAGESIZE) / 1024);
}

static bewo_context *load(char *err, size_t n) {
    bewo_params p = bewo_default_params();
    p.text_encoder_path = te_dir;
    p.n_threads = pool_threads;
    p.use_gpu = 0;
    return bewo_load(model_path, &p, err, n);
}

/* One call; returns the hash of both ears, or 0 on failure (message on stderr). */
static uint64_t run_call(bewo_context *ctx, int t, int i, float *l, float *r, size_t frames) {
    const char *prompt, *scene;
    uint64_t seed;
    job(t, i, &prompt, &scene, &seed);
    bewo_generate_params g = bewo_default_generate_params();
    g.seconds = seconds;
    g.steps = steps;
    g.griffin_lim_iterations = gl_iters;
    g.seed = seed;
    char err[512];
    /* Poison the buffers: an output must overwrite every sample. */
    for (size_t k = 0; k < frames; ++k) l[k] = r[k] = 1e30f;
    int rc = bewo_generate(ctx, prompt, scene, &g, l, r, frames, err, sizeof err);
    if (rc != BEWO_OK) {
        fprintf(stderr, "thread %d call %d: generate failed (%d): %s\n", t, i, rc, err);
        return 0;
    }
    for (size_t k = 0; k < frames; ++k)
        if (!(l[k] >= -1.0f && l[k] <= 1.0f && r[k] >= -1.0f && r[k] <= 1.0f)) {
            fprintf(stderr, "thread %d call %d: sample %zu out of range\n", t, i, k);
            return 0;
        }
    uint64_t h = fnv(r, frames, fnv(l, frames, 1469598103934665603ull));
    return h ? h : 1;
}

static uint64_t *expected; /* [t * n_calls + i] */
static size_t frames;

typedef struct {
    int t;
    int mismatches;
    int failures;
} worker_arg;

static void *worker(void *p) {
    worker_arg *a = (worker_arg *)p;
    char err[512];
    bewo_context *ctx = load(err, sizeof err);
    if (!ctx) {
        fprintf(stderr, "thread %d: load failed: %s\n", a->t, err);
        a->failures = n_calls;
        return NULL;
    }
    float *l = malloc(frames * sizeof *l), *r = malloc(frames * sizeof *r);
    for (int i = 0; i < n_calls; ++i) {
        uint64_t h = run_call(ctx, a->t, i, l, r, frames);
        if (!h) a->failures++;
        else if (h != expected[(size_t)a->t * n_calls + i]) {
            fprintf(stderr, "thread %d call %d: output differs from the single-threaded run\n", a->t, i);
            a->mismatches++;
        }
    }
    free(l);
    free(r);
    bewo_free(ctx);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s MODEL TEXT_ENCODER_DIR [--threads N] [--calls N] [--seconds S] [--steps N] "
                        "[--gl N] [--pool N] [--rounds N]\n", argv[0]);
        return 2;
    }
    model_path = argv[1];
    te_dir = argv[2];
    for (int k = 3; k + 1 < argc; k += 2) {
        const char *o = argv[k], *v = argv[k + 1];
        if (!strcmp(o, "--threads")) n_threads = atoi(v);
        else if (!strcmp(o, "--calls")) n_calls = atoi(v);
        else if (!strcmp(o, "--seconds")) seconds = (float)atof(v);
        else if (!strcmp(o, "--steps")) steps = atoi(v);
        else if (!strcmp(o, "--gl")) gl_iters = atoi(v);
        else if (!strcmp(o, "--pool")) pool_threads = atoi(v);
        else if (!strcmp(o, "--rounds")) rounds = atoi(v);
        else { fprintf(stderr, "unknown option %s\n", o); return 2; }
    }
    if (n_threads < 1 || n_calls < 1 || rounds < 1) return 2;

    /* Reference: every call, one context, one thread. */
    double t0 = now();
    char err[512];
    bewo_context *ctx = load(err, sizeof err);
    if (!ctx) { fprintf(stderr, "load failed: %s\n", err); return 1; }
    frames = bewo_output_frames(ctx, seconds);
    expected = calloc((size_t)n_threads * n_calls, sizeof *expected);
    float *l = malloc(frames * sizeof *l), *r = malloc(frames * sizeof *r);
    int failures = 0;
    for (int t = 0; t < n_threads; ++t)
        for (int i = 0; i < n_calls; ++i) {
            uint64_t h = run_call(ctx, t, i, l, r, frames);
            if (!h) failures++;
            expected[(size_t)t * n_calls + i] = h;
        }
    /* Distinct jobs must give distinct outputs (else the comparison proves little). */
    int same = 0;
    for (int a = 0; a < n_threads * n_calls; ++a)
        for (int b = a + 1; b < n_threads * n_calls; ++b) same += expected[a] == expected[b];
    free(l);
    free(r);
    bewo_free(ctx);
    double t_ref = now() - t0;
    printf("reference: %d calls single-threaded in %.2f s (%.1f ms/call), %zu frames, %d identical pairs\n",
           n_threads * n_calls, t_ref, 1e3 * t_ref / (n_threads * n_calls), frames, same);
    printf("RSS_KB 0 %ld\n", rss_kb());
    fflush(stdout);
    if (failures) { fprintf(stderr, "%d reference calls failed\n", failures); return 1; }

    int mismatches = 0;
    double t_par = 0;
    for (int round = 1; round <= rounds; ++round) {
        pthread_t *th = malloc(n_threads * sizeof *th);
        worker_arg *args = calloc(n_threads, sizeof *args);
        t0 = now();
        for (int t = 0; t < n_threads; ++t) {
            args[t].t = t;
            if (pthread_create(&th[t], NULL, worker, &args[t]) != 0) { fprintf(stderr, "pthread_create failed\n"); return 1; }
        }
        for (int t = 0; t < n_threads; ++t) {
            pthread_join(th[t], NULL);
            mismatches += args[t].mismatches;
            failures += args[t].failures;
        }
        double dt = now() - t0;
        t_par += dt;
        printf("round %d: %d threads x %d calls (each thread its own context) in %.2f s\n", round, n_threads, n_calls, dt);
        printf("RSS_KB %d %ld\n", round, rss_kb());
        fflush(stdout);
        free(th);
        free(args);
    }
    free(expected);
    if (mismatches || failures || same) {
        fprintf(stderr, "STRESS FAILED: %d mismatches, %d failures, %d identical pairs of distinct jobs\n", mismatches,
                failures, same);
        return 1;
    }
    printf("STRESS OK: %d threads x %d calls x %d rounds, all outputs identical to the single-threaded run "
           "(reference %.2f s, threaded %.2f s)\n", n_threads, n_calls, rounds, t_ref, t_par);
    return 0;
}
