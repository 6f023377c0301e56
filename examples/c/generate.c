/* Generate a clip through the C API and write it as a 16-bit stereo WAV. Runs from any folder:
 * the shipped model, its text encoder and the HRTF sets are found beside libbewo.so.
 *
 *   cc generate.c $(pkg-config --cflags --libs bewo) -o generate      (see the README for the paths)
 *   ./generate "a dog barks on the left while a car passes from right to left"
 *   ./generate PROMPT [-o out.wav] [-s seconds] [--scene scene.json] [--cascaded]
 *              [--model MODEL] [--text-encoder DIR] [--t5 DIR]
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

/* Written to PATH.part and renamed, so a failed write leaves no partial file at PATH. */
static int write_wav(const char *path, const float *l, const float *r, size_t n, int rate) {
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.part", path) >= (int)sizeof tmp) return -1;
    FILE *f = fopen(tmp, "wb");
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
    int bad = ferror(f);
    if (fclose(f) != 0 || bad || rename(tmp, path) != 0) { remove(tmp); return -1; }
    return 0;
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

static int usage(const char *prog) {
    fprintf(stderr, "usage: %s PROMPT [-o out.wav] [-s seconds] [--scene scene.json] [--cascaded] [--model MODEL] "
                    "[--text-encoder DIR] [--t5 DIR]\n", prog);
    return 2;
}

int main(int argc, char **argv) {
    const char *prompt = NULL, *out = "out.wav", *scene_path = NULL, *model = NULL;
    float seconds = 0.0f;
    int cascaded = 0;
    char err[512];
    bewo_params p = bewo_default_params();  /* NULL paths: the installed files and $BEWO_* */
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        if (!strcmp(a, "-o") && has_value) out = argv[++i];
        else if (!strcmp(a, "-s") && has_value) seconds = (float)atof(argv[++i]);
        else if (!strcmp(a, "--scene") && has_value) scene_path = argv[++i];
        else if (!strcmp(a, "--model") && has_value) model = argv[++i];
        else if (!strcmp(a, "--text-encoder") && has_value) p.text_encoder_path = argv[++i];
        else if (!strcmp(a, "--t5") && has_value) p.t5_path = argv[++i];
        else if (!strcmp(a, "--cascaded")) cascaded = 1;
        else if (a[0] == '-' && a[1] != '\0') return usage(argv[0]);
        else if (!prompt) prompt = a;
        else return usage(argv[0]);
    }
    if (!prompt && !scene_path) return usage(argv[0]);
    bewo_context *ctx = bewo_load(model, &p, err, sizeof err);  /* model NULL: the shipped one */
    if (!ctx) { fprintf(stderr, "load failed: %s\n", err); return 1; }

    bewo_generate_params g = bewo_model_generate_params(ctx);
    if (seconds > 0) g.seconds = seconds;
    g.cascaded = cascaded;  /* hrtf NULL: the shipped KEMAR set at the model's rate */
    g.progress = progress;
    char *scene = NULL;
    if (scene_path && !(scene = read_file(scene_path))) {
        fprintf(stderr, "cannot read %s\n", scene_path);
        bewo_free(ctx);
        return 1;
    }
    size_t n = bewo_output_frames(ctx, g.seconds);
    float *l = malloc(n * sizeof *l), *r = malloc(n * sizeof *r);
    int rc = (l && r) ? bewo_generate(ctx, prompt, scene, &g, l, r, n, err, sizeof err) : BEWO_ERR_INTERNAL;
    if (rc != BEWO_OK) fprintf(stderr, "generate failed (%d): %s\n", rc, err);
    else if (write_wav(out, l, r, n, bewo_sample_rate(ctx)) != 0) { fprintf(stderr, "cannot write %s\n", out); rc = 1; }
    else printf("wrote %s: %zu frames at %d Hz\n", out, n, bewo_sample_rate(ctx));
    free(l); free(r); free(scene);
    bewo_free(ctx);
    return rc == BEWO_OK ? 0 : 1;
}
