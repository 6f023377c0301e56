/* Generate a clip through the C API and write it as a 16-bit stereo WAV.
 *
 *   cc generate.c $(pkg-config --cflags --libs bewo) -o generate
 *   ./generate MODEL.safetensors TEXT_ENCODER_DIR "a dog barks on the left" out.wav [seconds] [scene.json]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bewo/bewo.h"

static int progress(int step, int total, void *user) {
    (void)user;
    fprintf(stderr, "\rstep %d/%d", step, total);
    if (step == total) fputc('\n', stderr);
    return 0; /* nonzero would cancel */
}

static void put16(FILE *f, uint16_t v) { fputc(v & 0xFF, f); fputc(v >> 8, f); }
static void put32(FILE *f, uint32_t v) { put16(f, v & 0xFFFF); put16(f, v >> 16); }

static int write_wav(const char *path, const float *l, const float *r, size_t n, int rate) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    fwrite("RIFF", 1, 4, f); put32(f, (uint32_t)(36 + n * 4)); fwrite("WAVEfmt ", 1, 8, f);
    put32(f, 16); put16(f, 1); put16(f, 2); put32(f, (uint32_t)rate); put32(f, (uint32_t)rate * 4); put16(f, 4); put16(f, 16);
    fwrite("data", 1, 4, f); put32(f, (uint32_t)(n * 4));
    for (size_t i = 0; i < n; ++i) {
        float s[2] = {l[i], r[i]};
        for (int c = 0; c < 2; ++c) {
            float v = s[c] > 1.0f ? 1.0f : (s[c] < -1.0f ? -1.0f : s[c]);
            put16(f, (uint16_t)(int16_t)(v * 32767.0f));
        }
    }
    return fclose(f);
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) { free(buf); buf = NULL; }
    if (buf) buf[n] = '\0';
    fclose(f);
    return buf;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s MODEL TEXT_ENCODER_DIR PROMPT OUT.wav [seconds] [scene.json]\n", argv[0]);
        return 2;
    }
    char err[512];
    bewo_params p = bewo_default_params();
    p.text_encoder_path = argv[2];
    bewo_context *ctx = bewo_load(argv[1], &p, err, sizeof err);
    if (!ctx) { fprintf(stderr, "load failed: %s\n", err); return 1; }

    bewo_generate_params g = bewo_default_generate_params();
    if (argc > 5) g.seconds = (float)atof(argv[5]);
    g.progress = progress;
    char *scene = argc > 6 ? read_file(argv[6]) : NULL;
    size_t n = bewo_output_frames(ctx, g.seconds);
    float *l = malloc(n * sizeof *l), *r = malloc(n * sizeof *r);
    int rc = (l && r) ? bewo_generate(ctx, argv[3], scene, &g, l, r, n, err, sizeof err) : BEWO_ERR_INTERNAL;
    if (rc != BEWO_OK) fprintf(stderr, "generate failed (%d): %s\n", rc, err);
    else if (write_wav(argv[4], l, r, n, bewo_sample_rate(ctx)) != 0) { fprintf(stderr, "cannot write %s\n", argv[4]); rc = 1; }
    else printf("wrote %s: %zu frames at %d Hz\n", argv[4], n, bewo_sample_rate(ctx));
    free(l); free(r); free(scene);
    bewo_free(ctx);
    return rc == BEWO_OK ? 0 : 1;
}
