"""Fixtures for the translation library tests: no Flask app anywhere in here."""
from __future__ import annotations

import os
import shutil
import socket
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
for path in (ROOT, ROOT / "tests"):  # translation/ and argos_model.py ("tests" is taken in site-packages)
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from argos_model import build_tiny_argos_package  # noqa: E402

REQUIRE_ALL = os.environ.get("FORUM_REQUIRE_ALL_TESTS") == "1"
# Built models are cached here (gitignored) by a hash of their inputs.
ARGOS_CACHE = Path(os.environ.get("TINY_ARGOS_CACHE", ROOT / ".cache" / "argos-test"))


def skip_or_fail(reason: str) -> None:
    """Skip where a component is missing; with FORUM_REQUIRE_ALL_TESTS=1 (CI) fail instead."""
    if REQUIRE_ALL:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def tiny_argos_package() -> Path:
    """A real (tiny) en->es .argosmodel built by tests/argos_model.py, cached."""
    return build_tiny_argos_package(ARGOS_CACHE, "en", "es")


@pytest.fixture(scope="session")
def tiny_argos_package_es_en() -> Path:
    return build_tiny_argos_package(ARGOS_CACHE, "es", "en")


@pytest.fixture
def argos_engine(tmp_path, tiny_argos_package):
    from translation.engines.argos import ArgosEngine

    engine = ArgosEngine(tmp_path / "argos")
    engine.install(tiny_argos_package)
    return engine


@pytest.fixture
def apertium_engine():
    from translation.engines.apertium import ApertiumEngine

    if shutil.which("apertium") is None:
        skip_or_fail("Apertium is not installed (apt-get install apertium apertium-eng-spa apertium-es-pt)")
    engine = ApertiumEngine()
    if len(engine.pairs()) < 6:
        skip_or_fail(f"Apertium language data missing: {engine.status().reason}")
    return engine


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a socket fails loudly (and is recorded)."""
    attempts: list[tuple] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted during an offline test")

    class NoSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            refuse(*args)

    monkeypatch.setattr(socket, "socket", NoSocket)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts
