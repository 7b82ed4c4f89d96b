"""The HTTP goal: the case list and the case page against /healthz, over gunicorn, in one run.

    createdb -h 127.0.0.1 -U postgres needle_http
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/needle_http .venv/bin/python -m bench.http

Migrates and seeds the demo in that database (once), analyses it (as autovacuum would have; it is
off on this machine's server), compiles the translations, starts gunicorn as production does here
(2 workers × 4 threads, persistent database connections), logs in as the demo's worker and drives
each URL for --seconds with --connections keep-alive connections, one after another. It prints
requests per second for each and each page's share of /healthz's rate (the goal: at least 0.1).

wrk is not on this machine, so the load comes from threads in this process: they share its GIL
and the machine's two cores with the server, so absolute rates are low; the ratios compare pages
measured the same way in the same run, which is what the goal asks.
"""

import argparse
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env() -> dict[str, str]:
    env = dict(os.environ)
    url = env.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL database (see the docstring).")
    if "conn_max_age" not in url:  # persistent connections, as in production
        env["DATABASE_URL"] = url + ("&" if "?" in url else "?") + "conn_max_age=600"
    env.setdefault("DJANGO_SETTINGS_MODULE", "needle.settings")
    return env


def _manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def _session(port: int, username: str, password: str) -> str:
    """Logs in through the login form; returns the Cookie header of the session."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    page = response.read().decode()
    csrf = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie", "")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    conn.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}"},
    )
    response = conn.getresponse()
    response.read()
    cookies = response.getheader("Set-Cookie", "")
    session = re.search(r"sessionid=([^;]+)", cookies)
    if response.status != 302 or not session:
        sys.exit(f"login as {username} failed: {response.status}")
    return f"csrftoken={csrf}; sessionid={session.group(1)}"


def _get(port: int, path: str, cookie: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    return response.status, response.read().decode()


def load(port: int, path: str, cookie: str, seconds: float, connections: int) -> dict:
    """Requests per second at `path`: `connections` keep-alive connections for `seconds`."""
    done, failed = [0] * connections, [0] * connections
    stop = time.perf_counter() + seconds

    def run(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": cookie} if cookie else {}
        while time.perf_counter() < stop:
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    done[i] += 1
                else:
                    failed[i] += 1
            except (OSError, http.client.HTTPException):
                failed[i] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {"path": path, "requests": sum(done), "errors": sum(failed), "rate": round(sum(done) / elapsed, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--user", default="worker")
    parser.add_argument("--json", metavar="PATH", help="also write the figures to PATH")
    args = parser.parse_args()

    env = _env()
    with socket.socket() as probe:
        # Another server on the port would answer in gunicorn's place (gunicorn, unable to bind,
        # retries and exits): the figures would be that server's.
        if probe.connect_ex(("127.0.0.1", args.port)) == 0:
            sys.exit(f"port {args.port} is in use: give another with --port")
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "seed_demo", "--if-empty")
    # What autovacuum would have done by now (bench_cases does the same after a fill): without
    # statistics a freshly seeded database plans the case list's referral subqueries as a scan of
    # the committee's referrals per row: 16 ms, against 0.6–1 ms with them. The database
    # server here runs with autovacuum off.
    _manage(
        env, "shell", "-c", "from django.db import connection\nconnection.cursor().execute('VACUUM ANALYZE')"
    )
    # With DEBUG off the pages read the manifest of collected static files: without it
    # (a fresh checkout) every page is a 500, as a server without collectstatic would be.
    _manage(env, "collectstatic", "--noinput", "-v0")
    # The catalogues are not in git (*.mo): without them the demo's Chinese pages are drawn in
    # English, which reads no translation and is not the page people are served.
    _manage(env, "compile_translations")
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "needle.wsgi",
            "--workers=2",
            "--threads=4",
            f"--bind=127.0.0.1:{args.port}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                if _get(args.port, "/healthz", "")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            sys.exit("gunicorn did not answer /healthz")
        cookie = _session(args.port, args.user, "needle-demo")
        status, listing = _get(args.port, "/cases/", cookie)
        case = re.search(r'href="(/cases/\d+/)"', listing)
        if status != 200 or not case:
            sys.exit(f"the case list gave {status} and no case link")
        results = {}
        for name, path, with_cookie in (
            ("healthz", "/healthz", False),
            ("case_list", "/cases/", True),
            ("case_page", case.group(1), True),
        ):
            sent = cookie if with_cookie else ""
            load(args.port, path, sent, 2, args.connections)  # warm both workers
            results[name] = load(args.port, path, sent, args.seconds, args.connections)
        floor = results["healthz"]["rate"] or 1
        for r in results.values():
            r["share_of_healthz"] = round(r["rate"] / floor, 3)
        results["load_average"] = os.getloadavg()[0]
        results["setup"] = (
            f"gunicorn 2 workers × 4 threads, {args.connections} connections, {args.seconds:g} s each"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)

    for name in ("healthz", "case_list", "case_page"):
        r = results[name]
        print(
            f"{name:10} {r['rate']:8.1f} req/s  {r['share_of_healthz']:6.3f} of /healthz"
            f"  ({r['requests']} requests, {r['errors']} errors, {r['path']})"
        )
    print(f"load average {results['load_average']:.2f}; {results['setup']}")
    goal = all(results[n]["share_of_healthz"] >= 0.1 for n in ("case_list", "case_page"))
    print("goal (≥ 0.1 of /healthz):", "met" if goal else "NOT met")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
