"""What every benchmark script shares: database URLs, timing, result files and printed tables."""

import json
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Accounts the generator creates; every one has this password.
PASSWORD = "levier-bench-2026"
ADMIN_EMAIL = "admin@bench.levier.test"
FACILITATOR_EMAIL = "facilitateur@bench.levier.test"
READER_EMAIL = "lecteur@bench.levier.test"
OFFICER_EMAIL = "acheteur@bench.levier.test"
# The year the benchmarks read: the last complete year of the generated data.
BENCH_YEAR = 2025


def normalize_url(url: str) -> str:
    """Accept plain ``postgresql://`` and ``postgres://`` URLs, as the application does."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def engine_name(url: str) -> str:
    return "postgresql" if url.startswith("postgresql") else "sqlite"


def make_app(url: str):
    """The application, configured like development, on ``url``, with CSRF off for the test client."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "bench-secret-key")
    os.environ.setdefault("LEVIER_INSTANCE_PATH", str(ROOT / "instance" / "bench"))
    from app import create_app
    from config import DevelopmentConfig

    app = create_app(DevelopmentConfig)
    app.config["WTF_CSRF_ENABLED"] = False
    app.config["RATELIMIT_ENABLED"] = False
    return app


def timed(function, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 5 runs is the slowest run)."""
    ordered = sorted(values)
    rank = max(1, -(-int(fraction * 100) * len(ordered) // 100))
    return ordered[min(rank, len(ordered)) - 1]


def summary(values: list[float]) -> dict:
    return {
        "runs": len(values),
        "median_s": round(statistics.median(values), 4),
        "p95_s": round(percentile(values, 0.95), 4),
        "min_s": round(min(values), 4),
    }


def write_results(name: str, engine: str, payload: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}-{engine}.json"
    payload = {
        "benchmark": name,
        "engine": engine,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        **payload,
    }
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")
    return path


def print_table(headers: list[str], rows: list[list]) -> None:
    cells = [[str(c) for c in headers]] + [[("" if c is None else str(c)) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for index, row in enumerate(cells):
        print("  ".join(value.ljust(widths[i]) for i, value in enumerate(row)).rstrip())
        if index == 0:
            print("  ".join("-" * w for w in widths))


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 0.01:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"
