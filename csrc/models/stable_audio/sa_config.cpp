#include "sa_config.h"

#include "../../nn/json.h"

namespace bewo::sa {

namespace {

using json::Value;

struct Reader {
    std::string& err;
    bool ok = true;
    bool fail(const std::string& m) {
        if (ok) err = m;
        ok = false;
        return false;
    }
    const Value* obj(const Value* v, const char* key, const std::string& where, bool required = true) {
        if (!ok || !v) return nullptr;
        const Value* c = v->get(key);
        if (!c) {
            if (required) fail("model config: " + where + "." + key + " is missing");
            return nullptr;
        }
        if (c->kind != Value::Object) { fail("model config: " + where + "." + key + " must be an object"); return nullptr; }
        return c;
    }
    int integer(const Value* v, const char* key, const std::string& where, int def, bool required = false) {
        if (!ok || !v) return def;
        const Value* c = v->get(key);
        if (!c || c->kind == Value::Null) {
            if (required) fail("model config: " + where + "." + key + " is missing");
            return def;
        }
        if (!c->is_int() || c->num < 0 || c->num > 1e9) { fail("model config: " + where + "." + key + " must be a non-negative integer"); return def; }
        return static_cast<int>(c->num);
    }
    double number(const Value* v, const char* key, const std::string& where, double def) {
        if (!ok || !v) return def;
        const Value* c = v->get(key);
        if (!c || c->kind == Value::Null) return def;
        if (c->kind != Value::Number) { fail("model config: " + where + "." + key + " must be a number"); return def; }
        return c->num;
    }
    bool boolean(const Value* v, const char* key, const std::string& where, bool def) {
        if (!ok || !v) return def;
        const Value* c = v->get(key);
        if (!c || c->kind == Value::Null) return def;
        if (c->kind != Value::Bool) { fail("model config: " + where + "." + key + " must be true or false"); return def; }
        return c->b;
    }
    std::string string(const Value* v, const char* key, const std::string& where, const std::string& def, bool required = false) {
        if (!ok || !v) return def;
        const Value* c = v->get(key);
        if (!c || c->kind == Value::Null) {
            if (required) fail("model config: " + where + "." + key + " is missing");
            return def;
        }
        if (c->kind != Value::String) { fail("model config: " + where + "." + key + " must be a string"); return def; }
        return c->str;
    }
    std::vector<int> ints(const Value* v, const char* key, const std::string& where) {
        std::vector<int> out;
        if (!ok || !v) return out;
        const Value* c = v->get(key);
        if (!c || c->kind != Value::Array || c->arr.empty()) { fail("model config: " + where + "." + key + " must be a list of integers"); return out; }
        for (const auto& e : c->arr) {
            if (!e.is_int() || e.num < 1 || e.num > 4096) { fail("model config: " + where + "." + key + " must hold positive integers"); return {}; }
            out.push_back(static_cast<int>(e.num));
        }
        return out;
    }
    std::vector<std::string> strings(const Value* v, const char* key, const std::string& where) {
        std::vector<std::string> out;
        if (!ok || !v) return out;
        const Value* c = v->get(key);
        if (!c || c->kind == Value::Null) return out;
        if (c->kind != Value::Array) { fail("model config: " + where + "." + key + " must be a list of names"); return out; }
        for (const auto& e : c->arr) {
            if (e.kind != Value::String) { fail("model config: " + where + "." + key + " must be a list of names"); return {}; }
            out.push_back(e.str);
        }
        return out;
    }
    // A field the runtime does not implement: an error unless it has its neutral value.
    void unsupported_if(const Value* v, const char* key, const std::string& where, const std::string& neutral) {
        if (!ok || !v) return;
        const Value* c = v->get(key);
        if (!c || c->kind == Value::Null) return;
        std::string s = c->kind == Value::String ? c->str
                        : c->kind == Value::Bool  ? (c->b ? "true" : "false")
                        : c->kind == Value::Number ? std::to_string(static_cast<long long>(c->num))
                                                   : "?";
        if (c->kind == Value::Array) s = c->arr.empty() ? "[]" : "[...]";
        if (s != neutral) fail("model config: " + where + "." + key + " = " + s + " is not supported by this runtime");
    }
};

}  // namespace

const ConditionerSpec* SaConfig::conditioner(const std::string& id) const {
    for (const auto& c : conditioners)
        if (c.id == id) return &c;
    return nullptr;
}

bool parse_sa_config(const std::string& text, SaConfig& cfg, std::string& err) {
    cfg = SaConfig();
    Value root;
    if (!json::parse(text.data(), text.size(), root, err)) { err = "model config is not valid JSON: " + err; return false; }
    if (root.kind != Value::Object) { err = "model config must be a JSON object"; return false; }
    Reader r{err};
    std::string mt = r.string(&root, "model_type", "", "", true);
    if (r.ok && mt != "diffusion_cond")
        return r.fail("model config: model_type is \"" + mt + "\"; only \"diffusion_cond\" (Stable Audio Open, BEWO) is supported");
    cfg.sample_rate = r.integer(&root, "sample_rate", "", 0, true);
    cfg.audio_channels = r.integer(&root, "audio_channels", "", 2);
    cfg.sample_size = r.integer(&root, "sample_size", "", 0);
    if (r.ok && (cfg.sample_rate < 8000 || cfg.sample_rate > 192000)) return r.fail("model config: sample_rate must be 8000..192000");
    const Value* model = r.obj(&root, "model", "");

    // Pretransform: the Oobleck autoencoder (only its decoder runs here).
    const Value* pt = r.obj(model, "pretransform", "model");
    if (r.ok) {
        std::string t = r.string(pt, "type", "model.pretransform", "", true);
        if (r.ok && t != "autoencoder") return r.fail("model config: model.pretransform.type \"" + t + "\" is not supported (autoencoder only)");
    }
    const Value* ptc = r.obj(pt, "config", "model.pretransform");
    r.unsupported_if(ptc, "chunked", "model.pretransform.config", "false");
    cfg.pretransform_scale = r.number(pt, "scale", "model.pretransform", 1.0);
    cfg.latent_dim = r.integer(ptc, "latent_dim", "model.pretransform.config", 64, true);
    cfg.downsampling_ratio = r.integer(ptc, "downsampling_ratio", "model.pretransform.config", 2048, true);
    const Value* bott = r.obj(ptc, "bottleneck", "model.pretransform.config", false);
    if (bott) {
        std::string bt = r.string(bott, "type", "model.pretransform.config.bottleneck", "vae");
        if (r.ok && bt != "vae") return r.fail("model config: bottleneck type \"" + bt + "\" is not supported (vae only)");
    }
    const Value* dec = r.obj(ptc, "decoder", "model.pretransform.config");
    if (r.ok) {
        std::string dt = r.string(dec, "type", "model.pretransform.config.decoder", "", true);
        if (r.ok && dt != "oobleck") return r.fail("model config: decoder type \"" + dt + "\" is not supported (oobleck only)");
    }
    const Value* dc = r.obj(dec, "config", "model.pretransform.config.decoder");
    const std::string dw = "model.pretransform.config.decoder.config";
    cfg.decoder.channels = r.integer(dc, "channels", dw, 128, true);
    cfg.decoder.latent_dim = r.integer(dc, "latent_dim", dw, 64, true);
    cfg.decoder.out_channels = r.integer(dc, "out_channels", dw, 2);
    cfg.decoder.c_mults = r.ints(dc, "c_mults", dw);
    cfg.decoder.strides = r.ints(dc, "strides", dw);
    cfg.decoder.use_snake = r.boolean(dc, "use_snake", dw, false);
    cfg.decoder.final_tanh = r.boolean(dc, "final_tanh", dw, true);
    r.unsupported_if(dc, "antialias_activation", dw, "false");
    r.unsupported_if(dc, "use_nearest_upsample", dw, "false");
    if (!r.ok) return false;
    if (cfg.decoder.c_mults.size() != cfg.decoder.strides.size())
        return r.fail("model config: " + dw + ": c_mults and strides must have the same length");
    long long ratio = 1;
    for (int s : cfg.decoder.strides) ratio *= s;
    if (ratio != cfg.downsampling_ratio)
        return r.fail("model config: downsampling_ratio " + std::to_string(cfg.downsampling_ratio) +
                      " is not the product of the decoder strides (" + std::to_string(ratio) + ")");
    if (cfg.decoder.out_channels != cfg.audio_channels)
        return r.fail("model config: the decoder's out_channels differ from audio_channels");

    // Conditioning.
    const Value* cond = r.obj(model, "conditioning", "model");
    cfg.cond_dim = r.integer(cond, "cond_dim", "model.conditioning", 768, true);
    if (r.ok) {
        const Value* list = cond->get("configs");
        if (!list || list->kind != Value::Array) return r.fail("model config: model.conditioning.configs must be a list");
        for (const auto& c : list->arr) {
            if (c.kind != Value::Object) return r.fail("model config: each model.conditioning.configs entry must be an object");
            ConditionerSpec s;
            s.id = r.string(&c, "id", "model.conditioning.configs[]", "", true);
            s.type = r.string(&c, "type", "model.conditioning.configs[" + s.id + "]", "", true);
            const Value* cc = r.obj(&c, "config", "model.conditioning.configs[" + s.id + "]", false);
            const std::string w = "model.conditioning.configs[" + s.id + "].config";
            s.output_dim = cfg.cond_dim;
            if (cc) s.output_dim = r.integer(cc, "output_dim", w, cfg.cond_dim);
            if (s.type == "t5") {
                s.max_length = r.integer(cc, "max_length", w, 128);
                s.t5_name = r.string(cc, "t5_model_name", w, "t5-base");
                r.unsupported_if(cc, "project_out", w, "false");
                if (r.ok && (s.max_length < 1 || s.max_length > 4096)) return r.fail("model config: " + w + ".max_length must be 1..4096");
            } else if (s.type == "number") {
                s.min_val = r.number(cc, "min_val", w, 0.0);
                s.max_val = r.number(cc, "max_val", w, 1.0);
                if (r.ok && !(s.max_val > s.min_val)) return r.fail("model config: " + w + ": max_val must exceed min_val");
            } else if (s.type == "position") {
                // BEWO's azimuth-state conditioner (its own repository, not stable-audio-tools).
            } else if (r.ok) {
                return r.fail("model config: conditioner \"" + s.id + "\" has type \"" + s.type +
                              "\", which this runtime does not implement (t5, number, position)");
            }
            if (!r.ok) return false;
            if (s.output_dim != cfg.cond_dim) return r.fail("model config: " + w + ".output_dim differs from cond_dim");
            cfg.conditioners.push_back(s);
        }
    }
    const Value* diff = r.obj(model, "diffusion", "model");
    cfg.cross_ids = r.strings(diff, "cross_attention_cond_ids", "model.diffusion");
    cfg.global_ids = r.strings(diff, "global_cond_ids", "model.diffusion");
    r.unsupported_if(diff, "input_concat_ids", "model.diffusion", "[]");
    r.unsupported_if(diff, "prepend_cond_ids", "model.diffusion", "[]");
    cfg.objective = r.string(diff, "diffusion_objective", "model.diffusion", "v");
    if (r.ok && cfg.objective != "v" && cfg.objective != "rf_denoiser" && cfg.objective != "rectified_flow")
        return r.fail("model config: diffusion_objective \"" + cfg.objective + "\" is not supported (v, rf_denoiser, rectified_flow)");
    std::string type = r.string(diff, "type", "model.diffusion", "dit");
    if (r.ok && type != "dit") return r.fail("model config: model.diffusion.type \"" + type + "\" is not supported (dit only)");
    const Value* dit = r.obj(diff, "config", "model.diffusion");
    const std::string w = "model.diffusion.config";
    DitSpec& d = cfg.dit;
    d.io_channels = r.integer(dit, "io_channels", w, 32);
    d.embed_dim = r.integer(dit, "embed_dim", w, 768);
    d.depth = r.integer(dit, "depth", w, 12);
    d.num_heads = r.integer(dit, "num_heads", w, 8);
    d.cond_token_dim = r.integer(dit, "cond_token_dim", w, 0);
    d.global_cond_dim = r.integer(dit, "global_cond_dim", w, 0);
    d.project_cond_tokens = r.boolean(dit, "project_cond_tokens", w, true);
    d.project_global_cond = r.boolean(dit, "project_global_cond", w, true);
    std::string tt = r.string(dit, "transformer_type", w, "continuous_transformer");
    if (r.ok && tt != "continuous_transformer") return r.fail("model config: " + w + ".transformer_type \"" + tt + "\" is not supported");
    r.unsupported_if(dit, "patch_size", w, "1");
    r.unsupported_if(dit, "global_cond_type", w, "prepend");
    r.unsupported_if(dit, "timestep_cond_type", w, "global");
    r.unsupported_if(dit, "input_concat_dim", w, "0");
    r.unsupported_if(dit, "prepend_cond_dim", w, "0");
    r.unsupported_if(dit, "num_memory_tokens", w, "0");
    r.unsupported_if(dit, "use_sinusoidal_emb", w, "false");
    r.unsupported_if(dit, "use_abs_pos_emb", w, "false");
    r.unsupported_if(dit, "rotary_pos_emb", w, "true");
    r.unsupported_if(dit, "layer_scale", w, "false");
    r.unsupported_if(dit, "conformer", w, "false");
    const Value* ak = r.obj(dit, "attn_kwargs", w, false);
    if (ak) {
        d.qk_norm = r.string(ak, "qk_norm", w + ".attn_kwargs", "none");
        r.unsupported_if(ak, "differential", w + ".attn_kwargs", "false");
        r.unsupported_if(ak, "feat_scale", w + ".attn_kwargs", "false");
        if (r.ok && d.qk_norm != "none" && d.qk_norm != "ln")
            return r.fail("model config: qk_norm \"" + d.qk_norm + "\" is not supported (none, ln)");
    }
    if (!r.ok) return false;
    if (d.io_channels != cfg.latent_dim) return r.fail("model config: the DiT's io_channels differ from the latent_dim");
    if (d.embed_dim <= 0 || d.num_heads <= 0 || d.embed_dim % d.num_heads || d.head_dim() % 2 || d.head_dim() > 256)
        return r.fail("model config: embed_dim must be a multiple of num_heads with an even head size <= 256");
    if (d.cond_token_dim != cfg.cond_dim && !cfg.cross_ids.empty())
        return r.fail("model config: cond_token_dim differs from the conditioning's cond_dim");
    if (d.cond_embed_dim() % d.head_dim() || d.num_heads % std::max(1, d.kv_heads()))
        return r.fail("model config: the cross-attention's key/value width must be a whole number of heads dividing num_heads");
    if (d.global_cond_dim > 0 && !d.project_global_cond && d.global_cond_dim != d.embed_dim)
        return r.fail("model config: an unprojected global condition must have embed_dim channels");
    for (const auto& id : cfg.cross_ids)
        if (!cfg.conditioner(id)) return r.fail("model config: cross_attention_cond_ids names \"" + id + "\", which no conditioner has");
    int g = 0;
    for (const auto& id : cfg.global_ids) {
        const ConditionerSpec* c = cfg.conditioner(id);
        if (!c) return r.fail("model config: global_cond_ids names \"" + id + "\", which no conditioner has");
        if (c->type != "number") return r.fail("model config: global condition \"" + id + "\" must be a number conditioner");
        g += c->output_dim;
    }
    if (g != d.global_cond_dim) return r.fail("model config: global_cond_dim " + std::to_string(d.global_cond_dim) +
                                            " differs from the global conditions' total width " + std::to_string(g));
    for (const auto& c : cfg.conditioners)
        if (c.type == "position" && (!cfg.conditioner("prompt") || cfg.conditioner("prompt")->type != "t5"))
            return r.fail("model config: the position conditioner needs a t5 conditioner with id \"prompt\"");
    return true;
}

}  // namespace bewo::sa
