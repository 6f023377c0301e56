/* Reproducer: a finite but huge azimuth (1e308 deg) reaches HrtfSet::weights/hrir, where
 * direction_vector's az_deg * M_PI / 180 overflows to inf, cos/sin give NaN, and the NaN
 * weights/delays index out of bounds (SEGV). Through bewo_render keyframes (mode render);
 * (bewo_stream_set_source refuses such values: the stream mode is a control, it passes).
 *   cc repro_huge_azimuth.c -I<include> -L<lib> -lbewo -Wl,-rpath,<lib> -o repro
 *   ./repro HRTF.safetensors [render|stream]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bewo/bewo.h"

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s HRTF [render|stream]\n", argv[0]); return 2; }
    char err[512];
    bewo_hrtf *h = bewo_hrtf_load(argv[1], err, sizeof err);
    if (!h) { fprintf(stderr, "hrtf: %s\n", err); return 1; }
    enum { N = 1024 };
    float *mono = calloc(N, sizeof *mono), *l = calloc(N, sizeof *l), *r = calloc(N, sizeof *r);
    mono[0] = 1.0f;
    int rc;
    if (argc < 3 || strcmp(argv[2], "stream") != 0) {
        const double kf[2][4] = {{0.0, 1e308, 0.0, 1.0}, {0.01, 1e308, 0.0, 1.0}};
        rc = bewo_render(h, mono, N, &kf[0][0], 2, l, r, N, err, sizeof err);
        printf("render rc %d %s\n", rc, rc ? err : "");
    } else {
        bewo_stream_params sp = bewo_default_stream_params();
        bewo_stream *s = bewo_stream_create(h, &sp, err, sizeof err);
        if (!s) { fprintf(stderr, "stream: %s\n", err); return 1; }
        rc = bewo_stream_set_source(s, 0, 3.0e38f, 0.0f, 1.0f, 1.0f);
        printf("set_source rc %d\n", rc);
        const float *in[16] = {mono};
        rc = bewo_stream_process(s, in, 256, l, r);
        printf("process rc %d\n", rc);
        bewo_stream_free(s);
    }
    free(mono); free(l); free(r);
    bewo_hrtf_free(h);
    return 0;
}
