"""Build a tiny but real Argos Translate package (.argosmodel) for tests.

Real Argos packages are ~100 MB and cannot be downloaded in CI, so the tests build one:
a SentencePiece unigram model and a small pre-norm Transformer trained with torch until
greedy decoding reproduces every sentence pair below, converted to CTranslate2 (int8)
through ctranslate2's OpenNMT-py converter helpers, zipped as an Argos package.

The model only knows the sentences below: it is for tests, never for real translation.
Build time is a few seconds on 2 cores; the result is cached by a hash of every input
(corpus, hyper-parameters, this file, library versions), so a session builds it once.

Usage from any test suite::

    from tests.argos_model import build_tiny_argos_package, TINY_PAIRS
    path = build_tiny_argos_package(cache_dir)            # en -> es
    path = build_tiny_argos_package(cache_dir, "es", "en")  # es -> en
"""
from __future__ import annotations

import hashlib
import io
import json
import math
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

# Forum-like pairs (English, Spanish). "⟦0⟧" is the pipeline's placeholder token for a
# protected span (inline code, link target...): the model learns to copy it.
TINY_PAIRS: tuple[tuple[str, str], ...] = (
    ("Thank you for the help.", "Gracias por la ayuda."),
    ("How did you reduce water leaks?", "¿Cómo redujeron las fugas de agua?"),
    ("We replaced the old pipes.", "Reemplazamos las tuberías viejas."),
    ("The city council approved the budget.", "El concejo municipal aprobó el presupuesto."),
    ("Our team uses open data.", "Nuestro equipo usa datos abiertos."),
    ("Can you share the job description?", "¿Puedes compartir la descripción del puesto?"),
    ("The meeting is on Monday.", "La reunión es el lunes."),
    ("I agree with you.", "Estoy de acuerdo contigo."),
    ("This is a great idea.", "Esta es una gran idea."),
    ("Please read the report.", "Por favor lee el informe."),
    ("We need more volunteers.", "Necesitamos más voluntarios."),
    ("The new bus line works well.", "La nueva línea de autobús funciona bien."),
    ("Who is responsible for the project?", "¿Quién es responsable del proyecto?"),
    ("The sensors detect leaks early.", "Los sensores detectan fugas temprano."),
    ("Welcome to the forum.", "Bienvenidos al foro."),
    ("The mayor visited the plant.", "El alcalde visitó la planta."),
    ("We published the results.", "Publicamos los resultados."),
    ("Traffic improved a lot.", "El tráfico mejoró mucho."),
    ("The library opens at nine.", "La biblioteca abre a las nueve."),
    ("Send me the documents.", "Envíame los documentos."),
    ("The park is clean now.", "El parque está limpio ahora."),
    ("We trained the staff.", "Capacitamos al personal."),
    ("Citizens can report problems online.", "Los ciudadanos pueden reportar problemas en línea."),
    ("The water is safe.", "El agua es segura."),
    ("Good morning, everyone.", "Buenos días a todos."),
    ("See you next week.", "Nos vemos la próxima semana."),
    ("The pilot lasted six months.", "El piloto duró seis meses."),
    ("Costs went down.", "Los costos bajaron."),
    ("We hired two engineers.", "Contratamos a dos ingenieros."),
    ("The map shows every leak.", "El mapa muestra cada fuga."),
    ("Any questions?", "¿Alguna pregunta?"),
    ("That worked for us.", "Eso nos funcionó."),
    ("Run ⟦0⟧ before you push.", "Ejecuta ⟦0⟧ antes de hacer push."),
    ("Read the ⟦0⟧guide⟦1⟧ first.", "Lee primero la ⟦0⟧guía⟦1⟧."),
    ("Ask ⟦0⟧ for the data.", "Pídele los datos a ⟦0⟧."),
    ("It is ⟦0⟧very⟦1⟧ important.", "Es ⟦0⟧muy⟦1⟧ importante."),
    ("We saved ⟦0⟧ liters a day.", "Ahorramos ⟦0⟧ litros al día."),
    ("Installation guide", "Guía de instalación"),
    ("Results", "Resultados"),
    ("Thanks!", "¡Gracias!"),
)

# Hyper-parameters (part of the cache key).
VOCAB_SIZE = 256
D_MODEL = 64
HEADS = 4
FF = 128
LAYERS = 2
MAX_POSITIONS = 512
LEARNING_RATE = 3e-3
MAX_STEPS = 1500
CHECK_EVERY = 10
SEED = 1234
PACKAGE_VERSION = "0.1-tiny"
NAMES = {"en": "English", "es": "Spanish", "pt": "Portuguese"}
SPECIALS = ("<unk>", "<s>", "</s>", "<blank>")


def _cache_key(source: str, target: str) -> str:
    import ctranslate2
    import sentencepiece
    import torch

    h = hashlib.sha256()
    h.update(Path(__file__).read_bytes())
    h.update(json.dumps([source, target, TINY_PAIRS]).encode())
    h.update(f"{torch.__version__}|{ctranslate2.__version__}|{sentencepiece.__version__}".encode())
    return h.hexdigest()[:16]


def build_tiny_argos_package(cache_dir: str | os.PathLike[str], source: str = "en", target: str = "es") -> Path:
    """Return the path of a cached tiny .argosmodel for source->target, building it if needed."""
    pairs = _pairs(source, target)
    cache = Path(cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    out = cache / f"tiny-{source}_{target}-{_cache_key(source, target)}.argosmodel"
    if out.exists():
        return out
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        tmp_zip = Path(tmp) / "package.argosmodel"
        _build(pairs, source, target, Path(tmp), tmp_zip)
        os.replace(tmp_zip, out)  # atomic: parallel builders never see a half file
    return out


def _pairs(source: str, target: str) -> list[tuple[str, str]]:
    if (source, target) == ("en", "es"):
        return list(TINY_PAIRS)
    if (source, target) == ("es", "en"):
        return [(es, en) for en, es in TINY_PAIRS]
    raise ValueError(f"tiny corpus only covers en<->es, not {source}->{target}")


def _train_sentencepiece(pairs: list[tuple[str, str]]):
    import sentencepiece as spm

    buf = io.BytesIO()
    lines = [s for pair in pairs for s in pair]
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buf,
        vocab_size=VOCAB_SIZE,
        model_type="unigram",
        character_coverage=1.0,
        normalization_rule_name="identity",  # keeps the file small and text byte-exact
        hard_vocab_limit=False,
        unk_id=0, bos_id=1, eos_id=2, pad_id=3,
        unk_piece=SPECIALS[0], bos_piece=SPECIALS[1], eos_piece=SPECIALS[2], pad_piece=SPECIALS[3],
        user_defined_symbols=["⟦0⟧", "⟦1⟧", "⟦2⟧"],
        num_threads=1,
        minloglevel=2,
    )
    data = buf.getvalue()
    return data, spm.SentencePieceProcessor(model_proto=data)


def _build(pairs, source: str, target: str, workdir: Path, out_zip: Path) -> None:
    import torch

    # One thread: the same float summation order on every machine (reproducible weights),
    # and no over-subscription when other test processes share the 2 cores.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        _train_and_package(pairs, source, target, workdir, out_zip)
    finally:
        torch.set_num_threads(threads)


def _train_and_package(pairs, source: str, target: str, workdir: Path, out_zip: Path) -> None:
    import numpy as np
    import torch

    sp_bytes, sp = _train_sentencepiece(pairs)
    vocab = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    src_ids = [sp.encode(s) for s, _ in pairs]  # no source EOS: Argos/CTranslate2 feed pieces as-is
    tgt_ids = [sp.encode(t) for _, t in pairs]

    # Seeded; not use_deterministic_algorithms(): it makes this CPU training 10x slower and the
    # build checks its own result (every pair, beams 1/2/4) so any drift fails loudly.
    torch.manual_seed(SEED)
    model = _TinyTransformer(len(vocab))
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)

    src = _pad(src_ids)
    dec_in = _pad([[1] + t for t in tgt_ids])
    dec_out = _pad([t + [2] for t in tgt_ids])
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=3)
    pkg_dir = workdir / f"translate-{source}_{target}-tiny"
    pkg_dir.mkdir()
    (pkg_dir / "sentencepiece.model").write_bytes(sp_bytes)
    for step in range(1, MAX_STEPS + 1):
        optimizer.zero_grad()
        logits = model(src, dec_in)
        loss = loss_fn(logits.reshape(-1, logits.size(-1)), dec_out.reshape(-1))
        loss.backward()
        optimizer.step()
        # Teacher-forced argmax right at every position <=> greedy decoding reproduces every pair.
        if step % CHECK_EVERY == 0 and bool((logits.argmax(-1) == dec_out)[dec_out != 3].all()):
            # int8 quantization can still flip a token: convert, check with CTranslate2, else train on
            shutil.rmtree(pkg_dir / "model", ignore_errors=True)
            _convert(model, vocab, pkg_dir / "model", np)
            if _ctranslate2_errors(pkg_dir, pairs) == []:
                break
    else:
        raise RuntimeError(f"tiny model did not memorise all {len(pairs)} pairs in {MAX_STEPS} steps")

    (pkg_dir / "metadata.json").write_text(json.dumps({
        "package_version": PACKAGE_VERSION,
        "argos_version": "1.11.0",
        "from_code": source, "from_name": NAMES[source],
        "to_code": target, "to_name": NAMES[target],
        "type": "translate",
        "links": [],
    }, indent=2))
    (pkg_dir / "README.md").write_text("Tiny test model built by tests/argos_model.py. Not for real use.\n")
    # argostranslate itself downloads a MiniSBD model unless the package brings one: ship a
    # hand-written rule model so even stock argostranslate runs this package offline.
    (pkg_dir / "minisbd").mkdir()
    (pkg_dir / "minisbd" / f"{source}.onnx").write_bytes(minisbd_rule_model(source))
    _zip_one_folder(pkg_dir, out_zip)


def minisbd_rule_model(lang: str) -> bytes:
    """A MiniSBD-format ONNX "model" made of rules, needing no download.

    MiniSBD feeds character ids (``units`` [batch, chars]) and reads per-character class
    scores: 0 inside a token, 1 token end, 2 sentence end. Rules: a character followed by a
    space (or the end) ends a token; ``. ! ?`` followed by a space (or the end) ends a sentence.
    """
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    id2unit = ["<PAD>", "<UNK>", " ", ".", "!", "?"]
    ends = np.array([0, 0, 0, 1, 1, 1], dtype=np.float32)
    space_or_pad = np.array([1, 0, 1, 0, 0, 0], dtype=np.float32)
    space = np.array([0, 0, 1, 0, 0, 0], dtype=np.float32)
    consts = {
        "ends": ends, "space_or_pad": space_or_pad, "space": space,
        "one_i": np.array([1], dtype=np.int64), "zero_i": np.array([0], dtype=np.int64),
        "big_i": np.array([1 << 62], dtype=np.int64), "axis1": np.array([1], dtype=np.int64),
        "axis2": np.array([2], dtype=np.int64), "zero_l": np.array(0, dtype=np.int64),
        "half": np.array(0.5, dtype=np.float32), "one": np.array(1.0, dtype=np.float32),
        "two": np.array(2.0, dtype=np.float32), "minus": np.array(-1.0, dtype=np.float32),
        "zero": np.array(0.0, dtype=np.float32),
    }
    n = helper.make_node
    nodes = [
        n("Slice", ["units", "one_i", "big_i", "axis1"], ["rest"]),          # units[:, 1:]
        n("Slice", ["units", "zero_i", "one_i", "axis1"], ["first"]),        # units[:, :1]
        n("Mul", ["first", "zero_l"], ["pad_col"]),                          # a column of <PAD>
        n("Concat", ["rest", "pad_col"], ["next_units"], axis=1),
        n("Gather", ["ends", "units"], ["is_end"]),
        n("Gather", ["space", "units"], ["is_space"]),
        n("Gather", ["space_or_pad", "next_units"], ["next_space"]),
        n("Sub", ["one", "is_space"], ["not_space"]),
        n("Mul", ["next_space", "not_space"], ["token_end"]),
        n("Mul", ["is_end", "next_space"], ["sent"]),
        n("Mul", ["sent", "two"], ["sentence_end"]),
        n("Mul", ["is_space", "zero"], ["zeros"]),
        n("Add", ["zeros", "half"], ["inside"]),
        n("Add", ["zeros", "minus"], ["never"]),
    ]
    columns = ["inside", "token_end", "sentence_end", "never", "never"]
    for c in dict.fromkeys(columns):
        nodes.append(n("Unsqueeze", [c, "axis2"], [f"{c}_3d"]))
    nodes.append(n("Concat", [f"{c}_3d" for c in columns], ["scores"], axis=2))
    graph = helper.make_graph(
        nodes, "minisbd_rules",
        [helper.make_tensor_value_info("units", TensorProto.INT64, ["batch", "chars"]),
         helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", "chars", "feats"])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["batch", "chars", 5])],
        initializer=[numpy_helper.from_array(v, k) for k, v in consts.items()],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="tests/argos_model.py")
    model.ir_version = 8
    config = {"skip_newline": False, "max_seqlen": 1000, "no_ssplit": False, "batch_size": 32,
              "feat_funcs": [], "use_dictionary": False, "num_dict_feat": 0}
    vocab = {"lang": lang, "idx": 0, "cutoff": 0, "lower": False,
             "_unit2id": {u: i for i, u in enumerate(id2unit)}, "_id2unit": id2unit}
    helper.set_model_props(model, {"lang_code": lang, "config": json.dumps(config), "vocab": json.dumps(vocab),
                                   "lexicon": "null"})
    onnx.checker.check_model(model)
    return model.SerializeToString()


def _pad(seqs: list[list[int]]):
    import torch

    width = max(len(s) for s in seqs)
    return torch.tensor([s + [3] * (width - len(s)) for s in seqs], dtype=torch.long)


def _zip_one_folder(folder: Path, out_zip: Path) -> None:
    # Exactly one top-level folder, fixed timestamps and order: a reproducible archive.
    with zipfile.ZipFile(out_zip, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}", (2020, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, path.read_bytes())


def _ctranslate2_errors(pkg_dir: Path, pairs) -> list[tuple[int, str, str]]:
    """(beam size, source, output) for every pair the converted model gets wrong."""
    import ctranslate2
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(pkg_dir / "sentencepiece.model"))
    translator = ctranslate2.Translator(str(pkg_dir / "model"), device="cpu", intra_threads=1)
    batch = [sp.encode(s, out_type=str) for s, _ in pairs]
    errors = []
    for beam_size in (1, 2, 4):
        results = translator.translate_batch(batch, beam_size=beam_size, max_decoding_length=64)
        for (s, t), r in zip(pairs, results):
            out = sp.decode_pieces(r.hypotheses[0])
            if out != t:
                errors.append((beam_size, s, out))
    return errors


def _convert(model, vocab: list[str], out_dir: Path, np) -> None:
    import ctranslate2
    from ctranslate2.converters import opennmt_py

    variables = {name: p.detach().numpy().astype(np.float32) for name, p in model.onmt_state().items()}
    spec = ctranslate2.specs.TransformerSpec.from_config((LAYERS, LAYERS), HEADS)
    spec.config.decoder_start_token = "<s>"
    opennmt_py.set_transformer_spec(spec, variables)
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.optimize(quantization="int8")
    out_dir.mkdir()
    spec.save(str(out_dir))


def _positions(n: int, d: int):
    import torch

    pe = torch.zeros(n, d)
    pos = torch.arange(n, dtype=torch.float).unsqueeze(1)
    div = torch.exp(torch.arange(0, d, 2, dtype=torch.float) * -(math.log(10000.0) / d))
    pe[:, 0::2] = torch.sin(pos * div)
    pe[:, 1::2] = torch.cos(pos * div)
    return pe


def _modules():
    """Torch modules named like OpenNMT-py so the converter helpers find every weight."""
    import torch
    from torch import nn

    class Attention(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.linear_query = nn.Linear(D_MODEL, D_MODEL)
            self.linear_keys = nn.Linear(D_MODEL, D_MODEL)
            self.linear_values = nn.Linear(D_MODEL, D_MODEL)
            self.final_linear = nn.Linear(D_MODEL, D_MODEL)

        def forward(self, q_in, kv_in, mask):
            b, lq, _ = q_in.shape
            lk = kv_in.shape[1]
            dh = D_MODEL // HEADS
            q = self.linear_query(q_in).view(b, lq, HEADS, dh).transpose(1, 2)
            k = self.linear_keys(kv_in).view(b, lk, HEADS, dh).transpose(1, 2)
            v = self.linear_values(kv_in).view(b, lk, HEADS, dh).transpose(1, 2)
            scores = (q / math.sqrt(dh)) @ k.transpose(-1, -2)
            scores = scores.masked_fill(~mask, float("-inf"))
            out = torch.softmax(scores, dim=-1) @ v
            return self.final_linear(out.transpose(1, 2).reshape(b, lq, D_MODEL))

    class FeedForward(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layer_norm = nn.LayerNorm(D_MODEL, eps=1e-6)
            self.w_1 = nn.Linear(D_MODEL, FF)
            self.w_2 = nn.Linear(FF, D_MODEL)

        def forward(self, x):
            return x + self.w_2(torch.relu(self.w_1(self.layer_norm(x))))

    class EncoderLayer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layer_norm = nn.LayerNorm(D_MODEL, eps=1e-6)
            self.self_attn = Attention()
            self.feed_forward = FeedForward()

        def forward(self, x, mask):
            h = self.layer_norm(x)
            return self.feed_forward(x + self.self_attn(h, h, mask))

    class DecoderLayer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layer_norm_1 = nn.LayerNorm(D_MODEL, eps=1e-6)
            self.self_attn = Attention()
            self.layer_norm_2 = nn.LayerNorm(D_MODEL, eps=1e-6)
            self.context_attn = Attention()
            self.feed_forward = FeedForward()

        def forward(self, x, memory, self_mask, ctx_mask):
            h = self.layer_norm_1(x)
            x = x + self.self_attn(h, h, self_mask)
            x = x + self.context_attn(self.layer_norm_2(x), memory, ctx_mask)
            return self.feed_forward(x)

    class Stack(nn.Module):
        def __init__(self, layer_cls, attr: str) -> None:
            super().__init__()
            setattr(self, attr, nn.ModuleList(layer_cls() for _ in range(LAYERS)))
            self.layers_attr = attr
            self.layer_norm = nn.LayerNorm(D_MODEL, eps=1e-6)

        @property
        def layers(self):
            return getattr(self, self.layers_attr)

    class TinyTransformer(nn.Module):
        def __init__(self, vocab_size: int) -> None:
            super().__init__()
            self.embedding = nn.Embedding(vocab_size, D_MODEL)  # shared: encoder, decoder, generator
            nn.init.normal_(self.embedding.weight, std=D_MODEL ** -0.5)
            self.encoder = Stack(EncoderLayer, "transformer")
            self.decoder = Stack(DecoderLayer, "transformer_layers")
            self.generator_bias = nn.Parameter(torch.zeros(vocab_size))
            self.register_buffer("pe", _positions(MAX_POSITIONS, D_MODEL), persistent=False)

        def embed(self, ids):
            return self.embedding(ids) * math.sqrt(D_MODEL) + self.pe[: ids.shape[1]]

        def encode(self, src):
            pad = (src != 3)[:, None, None, :]
            x = self.embed(src)
            for layer in self.encoder.layers:
                x = layer(x, pad)
            return self.encoder.layer_norm(x), pad

        def decode(self, dec_in, memory, ctx_mask):
            n = dec_in.shape[1]
            causal = torch.tril(torch.ones(n, n, dtype=torch.bool))[None, None]
            x = self.embed(dec_in)
            for layer in self.decoder.layers:
                x = layer(x, memory, causal, ctx_mask)
            x = self.decoder.layer_norm(x)
            return x @ self.embedding.weight.T + self.generator_bias

        def forward(self, src, dec_in):
            memory, pad = self.encode(src)
            return self.decode(dec_in, memory, pad)

        def onmt_state(self) -> dict:
            state = {}
            for side, stack, prefix in (("encoder", self.encoder, "encoder.transformer"),
                                        ("decoder", self.decoder, "decoder.transformer_layers")):
                state[f"{side}.embeddings.make_embedding.emb_luts.0.weight"] = self.embedding.weight
                state[f"{side}.embeddings.make_embedding.pe.pe"] = self.pe
                for name, p in stack.layer_norm.named_parameters():
                    state[f"{side}.layer_norm.{name}"] = p
                for i, layer in enumerate(stack.layers):
                    for name, p in layer.named_parameters():
                        state[f"{prefix}.{i}.{name}"] = p
            state["generator.weight"] = self.embedding.weight
            state["generator.bias"] = self.generator_bias
            return state

    return TinyTransformer


def _TinyTransformer(vocab_size: int):
    return _modules()(vocab_size)


if __name__ == "__main__":  # python tests/argos_model.py [cache_dir]
    import sys
    import time

    t0 = time.perf_counter()
    print(build_tiny_argos_package(sys.argv[1] if len(sys.argv) > 1 else ".cache/argos-test"),
          f"{time.perf_counter() - t0:.1f}s")
