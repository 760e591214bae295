"""Apertium (Debian packages apertium, apertium-eng-spa, apertium-es-pt) through its CLI.

``-f html-noent`` keeps tags as format and leaves our placeholder tokens alone (in text mode
Apertium translates inline code: ``q=agua`` became ``q=Water``); ``-u`` drops the ``*``
marks on unknown words. Portuguese is produced with the Brazilian mode ``es-pt_BR``: the
default ``es-pt`` writes European Portuguese, including a word that is a slur in Brazil.
en<->pt goes through Spanish. All runs of a document travel in one HTML document, one
subprocess per mode, separated by ``<hr>`` which Apertium passes through untouched.
"""
from __future__ import annotations

import html
import re
import shutil
import subprocess
import threading
from typing import Sequence

from translation.engines.base import EngineStatus, PairInfo
from translation.errors import EngineError, UnsupportedPair

# pair -> chain of Apertium modes
MODES: dict[tuple[str, str], tuple[str, ...]] = {
    ("en", "es"): ("eng-spa",),
    ("es", "en"): ("spa-eng",),
    ("es", "pt"): ("es-pt_BR",),
    ("pt", "es"): ("pt-es",),
    ("en", "pt"): ("eng-spa", "es-pt_BR"),
    ("pt", "en"): ("pt-es", "spa-eng"),
}
# Debian package providing each mode (its version is the "model version")
_MODE_PACKAGE = {"eng-spa": "apertium-eng-spa", "spa-eng": "apertium-eng-spa",
                 "es-pt_BR": "apertium-es-pt", "pt-es": "apertium-es-pt"}
_SEPARATOR = "<hr>"
_SEPARATOR_RE = re.compile(r"<hr\s*/?>", re.I)
# Apertium's date rules take a placeholder's digits for a day or year and move its brackets:
# "on ⟦0⟧ March ⟦1⟧" -> "el ⟦0⟧ de ⟦marzo de 1⟧" (eng-spa), "de marzo de ⟦1⟧" -> "March 1 ⟦⟧"
# (spa-eng), "antes del ⟦1⟧ de abril" -> "before 1 ⟦April⟧" (spa-eng). These shapes are impossible in
# our own text (a token always holds digits only), so they are put back after each mode (the
# guardrails count a token the engine broke as lost). Bounded classes: linear.
_WRAPPED_WORDS_RE = re.compile(r"⟦([^⟦⟧\d<>]{1,40}?)( ?)(\d{1,5})⟧")
_ESCAPED_DIGITS_RE = re.compile(r"(?<![\d⟦])(\d{1,5}) ?⟦ ?⟧")
_SWAPPED_RE = re.compile(r"(?<![\d⟦])(\d{1,5}) ⟦([^⟦⟧\d<>]{1,40})⟧")


class ApertiumEngine:
    name = "apertium"

    def __init__(self, binary: str = "apertium", timeout: float = 120.0) -> None:
        self.binary = binary
        self.timeout = timeout
        self._lock = threading.Lock()
        self._modes: frozenset[str] | None = None
        self._versions: dict[str, str] = {}
        self._reason = ""

    def _installed_modes(self) -> frozenset[str]:
        if self._modes is None:
            with self._lock:
                if self._modes is None:
                    self._modes = self._probe()
        return self._modes

    def _probe(self) -> frozenset[str]:
        path = shutil.which(self.binary)
        if path is None:
            self._reason = (f"'{self.binary}' not found on PATH (install the Debian packages "
                            "apertium, apertium-eng-spa and apertium-es-pt)")
            return frozenset()
        try:
            done = subprocess.run([path, "-l"], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError) as exc:
            self._reason = f"'{path} -l' failed: {exc}"
            return frozenset()
        modes = frozenset(done.stdout.split())
        if not modes & set(_MODE_PACKAGE):
            self._reason = "Apertium has no en/es/pt modes (install apertium-eng-spa and apertium-es-pt)"
        return modes

    def status(self) -> EngineStatus:
        if not self.pairs():
            self._installed_modes()
            return EngineStatus(self.name, False, self._reason or "no usable Apertium mode")
        return EngineStatus(self.name, True)

    def pairs(self) -> list[PairInfo]:
        modes = self._installed_modes()
        out = []
        for (s, t), chain in MODES.items():
            if all(m in modes for m in chain):
                version = ">".join(f"{m}@{self._version(m)}" for m in chain)
                out.append(PairInfo(s, t, self.name, version, via=("es",) if len(chain) > 1 else ()))
        return out

    def _version(self, mode: str) -> str:
        package = _MODE_PACKAGE.get(mode, "")
        if package not in self._versions:
            version = "unknown"
            dpkg = shutil.which("dpkg-query")
            if dpkg and package:
                try:
                    done = subprocess.run([dpkg, "-W", "-f", "${Version}", package],
                                          capture_output=True, text=True, timeout=10)
                    version = done.stdout.strip() or version
                except (OSError, subprocess.SubprocessError):
                    pass
            self._versions[package] = version
        return self._versions[package]

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        chain = MODES.get((source, target))
        if chain is None or not all(m in self._installed_modes() for m in chain):
            raise UnsupportedPair(source, target, "no Apertium mode installed for this pair")
        if not texts:
            return []
        document = _SEPARATOR.join(html.escape(t, quote=False).replace("\n", "<br>") for t in texts)
        for mode in chain:
            document = repair_tokens(self._run(mode, document))
        pieces = _SEPARATOR_RE.split(document)
        if len(pieces) != len(texts):
            # Should not happen; if a separator got lost, fall back to one call per text.
            return [self.translate([t], source, target)[0] for t in texts] if len(texts) > 1 else \
                [_decode(document)]
        # Apertium leaves two or three spaces where it dropped a word ("Como   cortou")
        return [_tidy(_decode(p), t) for p, t in zip(pieces, texts)]

    def _run(self, mode: str, document: str) -> str:
        try:
            done = subprocess.run([self.binary, "-u", "-f", "html-noent", mode], input=document,
                                  capture_output=True, text=True, timeout=self.timeout)
        except subprocess.TimeoutExpired as exc:
            raise EngineError(f"apertium {mode} timed out after {self.timeout}s") from exc
        except OSError as exc:
            raise EngineError(f"apertium {mode} could not run: {exc}") from exc
        if done.returncode != 0:
            raise EngineError(f"apertium {mode} exited {done.returncode}: {done.stderr.strip()[:300]}")
        return done.stdout


def repair_tokens(text: str) -> str:
    text = _WRAPPED_WORDS_RE.sub(r"\1\2⟦\3⟧", text)
    return _SWAPPED_RE.sub(r"⟦\1⟧ \2", _ESCAPED_DIGITS_RE.sub(r"⟦\1⟧", text))


def _tidy(out: str, source: str) -> str:
    return out if "  " in source else re.sub(r"(?<=\S) {2,}(?=\S)", " ", out)


def _decode(piece: str) -> str:
    return html.unescape(re.sub(r"<br\s*/?>", "\n", piece, flags=re.I)).strip()
