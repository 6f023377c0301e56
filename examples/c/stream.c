/* Streaming binaural rendering from C: two sources, one circling the head, for 5 seconds of
 * 256-sample blocks, written as raw interleaved float32 stereo.
 *
 *   cc -O2 stream.c -I$(python -c 'import bewo_rt; print(bewo_rt.get_include())') \
 *      -L$(dirname $(python -c 'import bewo_rt; print(bewo_rt.get_library())')) -lbewo -lm \
 *      -Wl,-rpath,$(dirname $(python -c 'import bewo_rt; print(bewo_rt.get_library())')) -o stream
 *   ./stream path/to/bewo_rt/data/kemar_48000.safetensors out.f32
 *   (play: ffplay -f f32le -ar 48000 -ac 2 out.f32)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bewo/bewo.h"

#define BLOCK 256
#define TWO_PI 6.283185307179586

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s HRTF.safetensors OUT.f32\n", argv[0]);
        return 2;
    }
    char err[256];
    bewo_hrtf *hrtf = bewo_hrtf_load(argv[1], err, sizeof err);
    if (!hrtf) {
        fprintf(stderr, "bewo_hrtf_load: %s\n", err);
        return 1;
    }
    const int sr = bewo_hrtf_sample_rate(hrtf);

    /* Everything the stream needs is allocated here, not on the audio thread. */
    bewo_stream_params params = bewo_default_stream_params();
    params.max_sources = 2;
    params.max_block = BLOCK;
    bewo_stream *stream = bewo_stream_create(hrtf, &params, err, sizeof err);
    if (!stream) {
        fprintf(stderr, "bewo_stream_create: %s\n", err);
        bewo_hrtf_free(hrtf);
        return 1;
    }

    FILE *out = fopen(argv[2], "wb");
    if (!out) {
        perror(argv[2]);
        return 1;
    }
    static float tone[BLOCK], noise[BLOCK], left[BLOCK], right[BLOCK], inter[2 * BLOCK];
    const float *inputs[2] = {tone, noise};
    unsigned seed = 1;
    double phase = 0.0;
    const int n_blocks = 5 * sr / BLOCK;
    for (int b = 0; b < n_blocks; ++b) {
        /* The "engine": fill each source's block and move the sources. */
        for (int i = 0; i < BLOCK; ++i) {
            tone[i] = 0.2f * (float)sin(phase);
            phase += TWO_PI * 440.0 / sr;
            seed = seed * 1664525u + 1013904223u;
            noise[i] = 0.05f * ((float)(seed >> 8) / 8388608.0f - 1.0f);
        }
        const double t = (double)(b + 1) * BLOCK / sr; /* position at the end of the block */
        bewo_stream_set_source(stream, 0, (float)(360.0 * t / 5.0 - 180.0), 0.f, 1.5f, 1.f); /* circles */
        bewo_stream_set_source(stream, 1, 60.f, 20.f, 3.f, 1.f);                            /* stays put */

        if (bewo_stream_process(stream, inputs, BLOCK, left, right) != BEWO_OK) {
            fprintf(stderr, "bewo_stream_process failed\n");
            break;
        }
        for (int i = 0; i < BLOCK; ++i) {
            inter[2 * i] = left[i];
            inter[2 * i + 1] = right[i];
        }
        fwrite(inter, sizeof(float), 2 * BLOCK, out);
    }
    fclose(out);
    bewo_stream_free(stream);
    bewo_hrtf_free(hrtf);
    printf("wrote %d frames of stereo float32 at %d Hz to %s\n", n_blocks * BLOCK, sr, argv[2]);
    return 0;
}
