"""Translation engines: Argos Translate (primary) and Apertium (secondary)."""
from translation.engines.base import Engine, EngineStatus, PairInfo

__all__ = ["Engine", "EngineStatus", "PairInfo"]
