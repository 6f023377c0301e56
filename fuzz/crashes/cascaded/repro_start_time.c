/* Reproducer: cascaded generation with a scene whose source starts far beyond the clip.
 * pipeline.cpp (cascaded branch): offset = (int)lround(start_time_s * 16000) wraps to a negative
 * int for start_time_s >= ~134218 s, and `for (i = 0; i + offset < samples; ++i)
 * mono[k][i + offset] = ...` then writes before the buffer.
 *   cc repro_start_time.c -I<include> -L<lib> -lbewo -Wl,-rpath,<lib> -o repro
 *   ./repro MODEL TEXT_ENCODER_DIR HRTF_16000.safetensors [SCENE_JSON [cascaded=1]]
 * (bewo_rt.stream.export_hrtf("kemar", "kemar_16000.safetensors", 16000) writes the HRTF set.)
 */
#include <stdio.h>
#include <stdlib.h>

#include "bewo/bewo.h"

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: %s MODEL TE_DIR HRTF16K\n", argv[0]); return 2; }
    char err[512];
    bewo_params p = bewo_default_params();
    p.text_encoder_path = argv[2];
    p.n_threads = 1;
    bewo_context *ctx = bewo_load(argv[1], &p, err, sizeof err);
    if (!ctx) { fprintf(stderr, "load: %s\n", err); return 1; }
    bewo_hrtf *h = bewo_hrtf_load(argv[3], err, sizeof err);
    if (!h) { fprintf(stderr, "hrtf: %s\n", err); return 1; }
    bewo_generate_params g = bewo_default_generate_params();
    g.seconds = 0.5f; g.steps = 1; g.griffin_lim_iterations = 1; g.cascaded = argc > 5 ? atoi(argv[5]) : 1; g.hrtf = h;
    size_t n = bewo_output_frames(ctx, g.seconds);
    float *l = malloc(n * sizeof *l), *r = malloc(n * sizeof *r);
    const char *scene = argc > 4 ? argv[4] : "{\"sources\":[{\"label\":\"a dog\",\"start_time_s\":200000}]}";
    int rc = bewo_generate(ctx, NULL, scene, &g, l, r, n, err, sizeof err);
    printf("rc %d %s\n", rc, rc ? err : "");
    free(l); free(r);
    bewo_hrtf_free(h);
    bewo_free(ctx);
    return 0;
}
