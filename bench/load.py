"""Throughput under concurrent load: gunicorn (2 workers, loopback) + locust headless, next to ``/sante``.

    /work/venv/bin/python bench/load.py --database-url URL [--users 8] [--duration 20] [--year 2025]

Starts gunicorn on a free loopback port, then runs locust headless three times for ``--duration``
seconds (60 at most) with ``--users`` users and no think time: ``/sante`` (the ceiling: a request that
only pings the database), the contract list, the dashboard of the largest buyer-year (the server is
idle again before each run: requests locust drops at the end of a run are left to finish first). Prints requests/s,
median and p95 of each, and the dashboard's and list's throughput as a share of ``/sante``'s. Everything
it starts stops by itself. On a 2-core machine locust shares the cores with the two workers.
"""

import argparse
import csv
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine  # noqa: E402

from bench.common import (  # noqa: E402
    BENCH_YEAR,
    ROOT,
    engine_name,
    normalize_url,
    print_table,
    write_results,
)

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/sante", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer /sante in time")


def drain(base: str, seconds: float = 180) -> None:
    """Wait for requests locust dropped at the end of a run to finish: /sante answers fast again."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        start = time.monotonic()
        try:
            with urllib.request.urlopen(base + "/sante", timeout=seconds):
                pass
        except OSError:
            pass
        if time.monotonic() - start < 0.2:
            return
    raise SystemExit("the server stayed busy after the run")


def run_locust(base: str, target: str, query: str, users: int, duration: int, folder: Path) -> dict:
    prefix = folder / target
    env = {**os.environ, "BENCH_TARGET": target, "BENCH_QUERY": query}
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{duration}s",
        "--host",
        base,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    completed = subprocess.run(
        command, env=env, check=False, timeout=duration + 60, capture_output=True, text=True
    )
    with open(f"{prefix}_stats.csv", newline="") as handle:
        stats = {r["Name"]: r for r in csv.DictReader(handle)}
    if "page" not in stats:
        # No request finished within the run (locust drops those still in flight when the time is up).
        sign_in = stats.get("sign-in", {})
        return {
            "requests": 0,
            "failures": int(sign_in.get("Failure Count") or 0),
            "requests_per_s": 0.0,
            "median_ms": None,
            "p95_ms": None,
            "max_ms": None,
            "note": "no request finished within the run",
            "locust_stderr": completed.stderr[-2000:],
        }
    row = stats["page"]
    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "requests_per_s": round(float(row["Requests/s"]), 2),
        "median_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "max_ms": round(float(row["Max Response Time"])),
    }


def largest_buyer(url: str, year: int) -> int:
    from sqlalchemy import text

    engine = create_engine(url)
    with engine.connect() as connection:
        buyer = connection.execute(
            text(
                "SELECT buyer_id FROM contracts WHERE notified_on >= :start AND notified_on < :next "
                "GROUP BY buyer_id ORDER BY COUNT(*) DESC, buyer_id LIMIT 1"
            ),
            {"start": f"{year}-01-01", "next": f"{year + 1}-01-01"},
        ).scalar_one()
    engine.dispose()
    return buyer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--duration", type=int, default=30, help="seconds per page, 60 at most")
    parser.add_argument("--year", type=int, default=BENCH_YEAR)
    args = parser.parse_args()
    duration = max(5, min(60, args.duration))
    users = max(1, min(50, args.users))
    url = normalize_url(args.database_url)
    buyer_id = largest_buyer(url, args.year)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    instance = tempfile.mkdtemp(prefix="levier-bench-")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "LEVIER_ENV": "development",
        "SECRET_KEY": "bench-secret-key",
        "LEVIER_INSTANCE_PATH": instance,
    }
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "300",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results = {}
    try:
        wait_until_up(base)
        with tempfile.TemporaryDirectory() as folder:
            for label, target, query in (
                ("/sante (ceiling)", "sante", ""),
                ("contract list", "contracts", ""),
                ("dashboard, one buyer-year", "dashboard", f"?acheteur={buyer_id}&annee={args.year}"),
            ):
                drain(base)
                results[label] = {
                    "target": target,
                    "query": query,
                    **run_locust(base, target, query, users, duration, Path(folder)),
                }
                print(
                    f"  {label}: {results[label]['requests_per_s']} requests/s", file=sys.stderr, flush=True
                )
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    ceiling = results["/sante (ceiling)"]["requests_per_s"] or None
    rows = []
    for label, r in results.items():
        share = f"{100 * r['requests_per_s'] / ceiling:.1f} %" if ceiling else "-"
        rows.append(
            [
                label,
                r["requests_per_s"],
                share,
                "-" if r["median_ms"] is None else f"{r['median_ms']:.0f} ms",
                f"> {duration} s" if r["p95_ms"] is None else f"{r['p95_ms']:.0f} ms",
                r["requests"],
                r["failures"],
            ]
        )
        r["share_of_sante"] = round(r["requests_per_s"] / ceiling, 4) if ceiling else None
    engine = engine_name(url)
    print(f"\ngunicorn 2 workers + locust, {users} users, {duration} s per page, no think time ({engine}).\n")
    print_table(["page", "requests/s", "of /sante", "median", "p95", "requests", "failures"], rows)
    path = write_results(
        "load",
        engine,
        {
            "database": url.rsplit("/", 1)[-1],
            "users": users,
            "duration_s": duration,
            "buyer_id": buyer_id,
            "pages": results,
        },
    )
    print(f"Written to {path.relative_to(path.parent.parent.parent)}")


if __name__ == "__main__":
    main()
