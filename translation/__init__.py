"""Offline, Markdown-exact translation between English, Spanish and Portuguese.

A plain library (no Flask): text and Markdown in, text and Markdown out; errors are
exceptions, never UI strings. Importing it is cheap: engines load their models
(ctranslate2, sentencepiece, py3langid, the Apertium subprocess) on first use.

    from translation import Translator, detect_language
    translator = Translator.from_config(argos_data_dir="instance/argos", apertium_enabled=True)
    result = translator.translate(markdown, "es", "en", memory=my_memory)
    result.text, result.engine, result.model_version
    result.suspect   # why runs the guardrails found suspect were kept (no other engine did better)
"""
from translation.detect import Detection, detect_language
from translation.engines.base import Engine, EngineStatus, PairInfo
from translation.errors import (
    EngineError,
    NoEngineAvailable,
    PackageError,
    TranslationError,
    UnsupportedPair,
)
from translation.glossary import Glossary, Term, pluralize
from translation.guardrails import check_run
from translation.memory import InMemoryMemory, MemoryKey, TranslationMemory, text_hash
from translation.pipeline import (
    FORMATS,
    SUPPORTED_LANGUAGES,
    TranslationResult,
    Translator,
    check_pair,
    translate_document,
)

__all__ = [
    "Detection", "Engine", "EngineError", "EngineStatus", "FORMATS", "Glossary", "InMemoryMemory", "MemoryKey",
    "NoEngineAvailable", "PackageError", "PairInfo", "SUPPORTED_LANGUAGES", "TranslationError",
    "Term", "TranslationMemory", "TranslationResult", "Translator", "UnsupportedPair", "available_engines",
    "check_pair", "check_run", "detect_language", "install_argos_package", "pluralize", "text_hash",
    "translate_document",
]


def available_engines(argos_data_dir=None, apertium_enabled: bool = True) -> list[EngineStatus]:
    """Status (available or why not) of every configured engine."""
    return Translator.from_config(argos_data_dir, apertium_enabled).statuses()


def install_argos_package(argos_data_dir, path):
    """Install an .argosmodel file offline into argos_data_dir; returns the ArgosPackage."""
    from translation.engines.argos import ArgosEngine

    return ArgosEngine(argos_data_dir).install(path)
