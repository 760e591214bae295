"""Thread page throughput under gunicorn, the way FlaskBB was measured here (../shared/FACTS.md):

    gunicorn -w 2, SQLite, wrk -t2 -c16, a topic page of 10 posts read in another language.

    python -m bench.thread_page        (needs `wrk`: apt-get install wrk)

FlaskBB 2.2 served its 10-post topic page at ~60 requests/s (p50 ~265 ms) on this kind of
machine; our page is stored, pre-rendered text read with a few indexed queries.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLASKBB_TOPIC_RPS = 60  # measured on this kind of machine (FACTS.md)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk): skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "forum.db"
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_path}", "SECRET_KEY": "bench",
               "TRANSLATION_WORKER": "off", "ARGOS_DATA_DIR": str(Path(tmp) / "argos"), "PYTHONPATH": str(ROOT),
               "FORUM_PUBLIC_READ": "1"}  # wrk reads the thread page without logging in
        env.pop("REDIS_URL", None)
        subprocess.run([sys.executable, "-m", "bench.thread_page_seed"], cwd=ROOT, env=env, check=True)
        port = _free_port()
        server = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "-w", "2", "-b",
                                   f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
                                  cwd=ROOT, env=env)
        try:
            url = f"http://127.0.0.1:{port}/t/1?lang=en"
            for _ in range(100):
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                        break
                except OSError:
                    time.sleep(0.1)
            subprocess.run(["wrk", "-t2", "-c16", "-d3s", url], capture_output=True)  # warm-up
            out = subprocess.run(["wrk", "-t2", "-c16", "-d10s", "--latency", url],
                                 capture_output=True, text=True, check=True).stdout
        finally:
            server.terminate()
            server.wait(10)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+\w+)", out).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    print("Thread page, 10 posts machine-translated into English (gunicorn -w 2, SQLite, wrk -t2 -c16):")
    print(f"  {rps:7.0f} requests/s  p50 {p50}  p99 {p99}  ({rps / FLASKBB_TOPIC_RPS:.1f}x FlaskBB's topic page)")


if __name__ == "__main__":
    main()
