"""Argos Translate packages driven directly through CTranslate2 and SentencePiece.

We read the Argos package format (a zip holding one folder with metadata.json, model/ for
CTranslate2 and sentencepiece.model) ourselves instead of calling argostranslate.translate,
because argostranslate 1.11 (a) downloads a MiniSBD model or fetches Stanza resources on
first use, (b) reads its data directories once at import time, (c) costs ~1.7 s and 330 MB to
import, (d) creates its translator lazily without a lock and (e) keeps serving a reinstalled
pair from a global cache. Here: our own sentence splitter (offline by construction), one
shared ``ctranslate2.Translator`` per installed package created under a lock, caches keyed
by the package's content fingerprint, and ctranslate2/sentencepiece imported only when a
translation actually runs. The web process that only lists pairs pays nothing.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Sequence

from translation.engines.base import EngineStatus, PairInfo
from translation.errors import EngineError, PackageError, UnsupportedPair
from translation.placeholders import TOKEN_RE, token
from translation.sentences import split_sentences

PIVOT = "en"
_FINGERPRINT_FILE = ".fingerprint"


@dataclass(frozen=True)
class ArgosPackage:
    path: Path
    source: str
    target: str
    package_version: str
    fingerprint: str        # sha256 of model.bin: a reinstall of another model is a new version
    target_prefix: str = ""

    @property
    def model_version(self) -> str:
        return f"{self.source}-{self.target}@{self.package_version}+{self.fingerprint[:12]}"


class ArgosEngine:
    name = "argos"

    def __init__(
        self,
        data_dir: str | os.PathLike[str],
        *,
        inter_threads: int = 1,
        intra_threads: int = 1,   # 0 ("all cores") over-subscribes small machines
        beam_size: int = 4,       # argostranslate's default; the published model scores use it
        max_tokens: int = 200,    # models raise past 256 subword tokens: longer sentences are cut
        compute_type: str = "auto",
        device: str = "cpu",
    ) -> None:
        self.data_dir = Path(data_dir)
        self.packages_dir = self.data_dir / "packages"
        self.inter_threads = inter_threads
        self.intra_threads = intra_threads
        self.beam_size = beam_size
        self.max_tokens = max_tokens
        self.compute_type = compute_type
        self.device = device
        self._lock = threading.Lock()
        self._listing: tuple[int, list[ArgosPackage]] | None = None
        self._models: dict[tuple[Path, str], tuple[Any, Any, bool]] = {}

    # --- packages ----------------------------------------------------------------------
    def installed_packages(self) -> list[ArgosPackage]:
        try:
            stamp = self.packages_dir.stat().st_mtime_ns
        except FileNotFoundError:
            return []
        listing = self._listing
        if listing is not None and listing[0] == stamp:
            return listing[1]
        packages = []
        for child in sorted(self.packages_dir.iterdir()):
            if child.is_dir() and not child.name.startswith("."):
                try:
                    packages.append(_read_package(child))
                except PackageError:
                    continue  # a broken folder is skipped, not fatal for the other pairs
        self._listing = (stamp, packages)
        return packages

    def install(self, archive: str | os.PathLike[str]) -> ArgosPackage:
        """Install an .argosmodel file offline, replacing any package for the same pair."""
        archive = Path(archive)
        if not zipfile.is_zipfile(archive):
            raise PackageError(f"{archive} is not an Argos package (not a zip archive)")
        self.packages_dir.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(archive) as zf:
            top = _single_top_folder(zf, archive)
            staging = Path(tempfile.mkdtemp(prefix=".install-", dir=self.packages_dir))
            try:
                zf.extractall(staging)
                folder = staging / top
                meta = _read_metadata(folder)
                digest = _sha256(folder / "model" / "model.bin")
                (folder / _FINGERPRINT_FILE).write_text(digest)
                _read_package(folder)  # validates before anything is replaced
                final = self.packages_dir / f"translate-{_code(meta['from_code'])}_{_code(meta['to_code'])}"
                with self._lock:
                    old = None
                    if final.exists():
                        old = final.with_name(f".old-{final.name}-{os.getpid()}-{threading.get_ident()}")
                        os.replace(final, old)
                    os.replace(folder, final)
                    if old is not None:
                        shutil.rmtree(old, ignore_errors=True)
                    self._listing = None
                    # drop cached translators of replaced packages: no stale model after reinstall
                    self._models = {k: v for k, v in self._models.items() if k[0] != final}
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        return _read_package(final)

    def remove(self, source: str, target: str) -> bool:
        for package in self.installed_packages():
            if (package.source, package.target) == (source, target):
                with self._lock:
                    shutil.rmtree(package.path)
                    self._listing = None
                    self._models = {k: v for k, v in self._models.items() if k[0] != package.path}
                return True
        return False

    # --- Engine protocol ---------------------------------------------------------------
    def status(self) -> EngineStatus:
        if not self.installed_packages():
            return EngineStatus(self.name, False, f"no Argos package installed in {self.packages_dir}")
        try:
            import ctranslate2  # noqa: F401
            import sentencepiece  # noqa: F401
        except ImportError as exc:  # pragma: no cover - both are pinned requirements
            return EngineStatus(self.name, False, f"ctranslate2/sentencepiece not importable: {exc}")
        return EngineStatus(self.name, True)

    def pairs(self) -> list[PairInfo]:
        direct = {(p.source, p.target): p for p in self.installed_packages()}
        pairs = [PairInfo(s, t, self.name, p.model_version) for (s, t), p in sorted(direct.items())]
        codes = {c for pair in direct for c in pair}
        for s in sorted(codes):
            for t in sorted(codes):
                if s != t and PIVOT not in (s, t) and (s, t) not in direct \
                        and (s, PIVOT) in direct and (PIVOT, t) in direct:
                    version = f"{direct[s, PIVOT].model_version}>{direct[PIVOT, t].model_version}"
                    pairs.append(PairInfo(s, t, self.name, version, via=(PIVOT,)))
        return pairs

    def route(self, source: str, target: str) -> list[ArgosPackage]:
        """A direct package when there is one, else source->en->target."""
        direct = {(p.source, p.target): p for p in self.installed_packages()}
        if (source, target) in direct:
            return [direct[source, target]]
        if (source, PIVOT) in direct and (PIVOT, target) in direct:
            return [direct[source, PIVOT], direct[PIVOT, target]]
        raise UnsupportedPair(source, target, "no Argos package (direct or through English)")

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        out = list(texts)
        for package in self.route(source, target):
            out = self._translate_package(package, out)
        return out

    def warm_up(self) -> None:
        """Load every installed model now (before threads share the engine)."""
        for package in self.installed_packages():
            self._model(package)

    # --- internals ---------------------------------------------------------------------
    def _model(self, package: ArgosPackage) -> tuple[Any, Any, bool]:
        key = (package.path, package.fingerprint)
        model = self._models.get(key)
        if model is None:
            with self._lock:
                model = self._models.get(key)
                if model is None:
                    import ctranslate2
                    import sentencepiece

                    try:
                        translator = ctranslate2.Translator(
                            str(package.path / "model"), device=self.device, compute_type=self.compute_type,
                            inter_threads=self.inter_threads, intra_threads=self.intra_threads)
                        sp = sentencepiece.SentencePieceProcessor(model_file=str(package.path / "sentencepiece.model"))
                    except Exception as exc:  # ctranslate2 raises RuntimeError/ValueError on bad models
                        raise EngineError(f"cannot load Argos model {package.path}: {exc}") from exc
                    model = (translator, sp, _spells_placeholders(sp))
                    # a package reinstalled by another process: free the old model
                    self._models = {k: v for k, v in self._models.items() if k[0] != package.path}
                    self._models[key] = model
        return model

    def _translate_package(self, package: ArgosPackage, texts: list[str]) -> list[str]:
        translator, sp, spells_placeholders = self._model(package)
        # plan[i]: per sentence (first batch index or -1, chunk count, text before, text after);
        # placeholders and spaces at a sentence's edges stay out of the model (soft line
        # breaks, closing emphasis...), so it sees the sentence it was trained on
        plan: list[list[tuple[int, int, str, str]]] = []
        batch: list[list[str]] = []
        local_ids: list[list[int]] = []  # per translated sentence: local placeholder -> run placeholder
        for text in texts:
            sentences = []
            for sentence, space in split_sentences(text):
                lead, core, trail = _edges(sentence)
                if not any(c.isalpha() for c in core):
                    sentences.append((-1, 0, sentence + space, ""))
                    continue
                core, ids = _localize(core)
                if not spells_placeholders:
                    core = _placeholders_to_numbers(core)
                chunks = _chunk(sp.encode(core, out_type=str), self.max_tokens)
                sentences.append((len(batch), len(chunks), lead, trail + space))
                local_ids.append(ids)
                batch.extend(chunks)
            plan.append(sentences)
        if not batch:
            return list(texts)
        prefix = package.target_prefix.split() if package.target_prefix else None
        longest = max(len(b) for b in batch)
        try:
            results = translator.translate_batch(
                batch,
                target_prefix=[prefix] * len(batch) if prefix else None,
                beam_size=self.beam_size,
                max_batch_size=32,
                max_decoding_length=min(512, 2 * longest + 16),
            )
        except Exception as exc:
            raise EngineError(f"Argos translation failed with {package.model_version}: {exc}") from exc
        decoded = []
        for result in results:
            tokens = result.hypotheses[0][len(prefix):] if prefix else result.hypotheses[0]
            # decode_pieces keeps "_" (argostranslate turns job_id into "job id"); " ⁇ " is how
            # SentencePiece spells an unknown piece: never show it
            decoded.append(_UNK_RE.sub(" ", sp.decode_pieces(tokens)).strip())
        if not spells_placeholders:
            decoded = [_numbers_to_placeholders(d) for d in decoded]
        out = []
        sentence_no = 0
        for sentences in plan:
            parts = []
            for start, count, before, after in sentences:
                if start < 0:
                    parts.append(before)
                else:
                    text = _globalize(" ".join(decoded[start:start + count]), local_ids[sentence_no])
                    sentence_no += 1
                    parts.append(before + text + after)
            out.append("".join(parts))
        return out


_UNK_RE = re.compile(r"\s*⁇\s*")
# Spaces and placeholders at a sentence's edges. The trailing ones are matched on the
# reversed text: a lazy (.*?) before them retried the whole tail at every position.
_LEAD_RE = re.compile(r"(?:\s|⟦\d+⟧)*+")
_TRAIL_REVERSED_RE = re.compile(r"(?:\s|⟧\d+⟦)*+")
# Real Argos vocabularies cannot spell ⟦0⟧ (it would come out as " ⁇ "). Models copy numbers
# faithfully, and a run never holds a bare digit (numbers are protected spans), so placeholder
# n travels as the number 7nn and comes back as ⟦n⟧. What the model drops, the pipeline restores.
_NUMBER_BASE = 700
_NUMBER_RE = re.compile(r"(?<![\d.,])7(\d\d)(?!\d)(?![.,]\d)")


def _edges(sentence: str) -> tuple[str, str, str]:
    """(lead, core, trail): spaces and placeholders before and after the words."""
    lead = _LEAD_RE.match(sentence).end()
    rest = sentence[lead:]
    core = len(rest) - _TRAIL_REVERSED_RE.match(rest[::-1]).end()
    return sentence[:lead], rest[:core], rest[core:]


def _localize(sentence: str) -> tuple[str, list[int]]:
    """Number a sentence's placeholders from 0, as the model saw them in training data."""
    local_ids: dict[int, int] = {}

    def local(m: re.Match[str]) -> str:
        return token(local_ids.setdefault(int(m.group(1)), len(local_ids)))

    return TOKEN_RE.sub(local, sentence), list(local_ids)


def _globalize(text: str, ids: list[int]) -> str:
    return TOKEN_RE.sub(lambda m: token(ids[int(m.group(1))]) if int(m.group(1)) < len(ids) else "", text)


def _spells_placeholders(sp: Any) -> bool:
    return sp.unk_id() not in sp.encode(token(0) + token(1))


def _placeholders_to_numbers(text: str) -> str:
    return TOKEN_RE.sub(lambda m: str(_NUMBER_BASE + int(m.group(1))) if int(m.group(1)) < 100 else m.group(0), text)


def _numbers_to_placeholders(text: str) -> str:
    return _NUMBER_RE.sub(lambda m: token(int(m.group(1))), text)


def _chunk(tokens: list[str], limit: int) -> list[list[str]]:
    """Cut an over-long sentence at word starts (pieces beginning with ▁), preferring punctuation."""
    if len(tokens) <= limit:
        return [tokens]
    chunks = []
    while len(tokens) > limit:
        window = tokens[:limit]
        cut = next((i + 1 for i in range(limit - 1, limit // 2, -1) if window[i].rstrip().endswith((",", ";", ":"))), 0)
        if not cut:
            cut = next((i for i in range(limit - 1, 0, -1) if window[i].startswith("▁")), limit)
        chunks.append(tokens[:cut])
        tokens = tokens[cut:]
    if tokens:
        chunks.append(tokens)
    return chunks


def _single_top_folder(zf: zipfile.ZipFile, archive: Path) -> str:
    tops = set()
    for name in zf.namelist():
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts or not path.parts:
            raise PackageError(f"{archive}: unsafe path {name!r} in archive")
        if len(path.parts) == 1 and not name.endswith("/"):
            raise PackageError(f"{archive}: file {name!r} outside the package folder (flat zip)")
        tops.add(path.parts[0])
    if len(tops) != 1:
        raise PackageError(f"{archive}: an Argos package holds exactly one top-level folder, found {sorted(tops)}")
    return tops.pop()


def _read_metadata(folder: Path) -> dict[str, Any]:
    try:
        meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PackageError(f"{folder.name}: metadata.json missing") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise PackageError(f"{folder.name}: metadata.json unreadable: {exc}") from exc
    if not isinstance(meta, dict) or meta.get("type", "translate") != "translate":
        raise PackageError(f"{folder.name}: not a translation package")
    if not meta.get("from_code") or not meta.get("to_code"):
        raise PackageError(f"{folder.name}: metadata.json lacks from_code/to_code")
    if not (folder / "model" / "model.bin").is_file():
        raise PackageError(f"{folder.name}: model/model.bin missing (not a CTranslate2 package)")
    if not (folder / "sentencepiece.model").is_file():
        raise PackageError(f"{folder.name}: sentencepiece.model missing (BPE packages are not supported)")
    return meta


# The Argos index also uses "pb" for Brazilian Portuguese; the forum says "pt".
_CODE_ALIASES = {"pb": "pt", "pt-br": "pt", "pt_br": "pt"}


def _code(code: object) -> str:
    text = str(code)
    return _CODE_ALIASES.get(text.lower(), text)


_fingerprints: dict[tuple[Path, int, int], str] = {}


def _read_package(folder: Path) -> ArgosPackage:
    meta = _read_metadata(folder)
    stored = folder / _FINGERPRINT_FILE
    if stored.is_file():
        fingerprint = stored.read_text().strip()
    else:  # installed by another tool: hash once per process
        st = (folder / "model" / "model.bin").stat()
        key = (folder, st.st_size, st.st_mtime_ns)
        fingerprint = _fingerprints.get(key) or _fingerprints.setdefault(key, _sha256(folder / "model" / "model.bin"))
    return ArgosPackage(
        path=folder,
        source=_code(meta["from_code"]),
        target=_code(meta["to_code"]),
        package_version=str(meta.get("package_version", "")),
        fingerprint=fingerprint,
        target_prefix=str(meta.get("target_prefix", "") or ""),
    )


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
