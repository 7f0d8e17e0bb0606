"""`derive serve` over real HTTP: a server started as a user starts it, asked as `curl` asks.

The JSON API answers exactly what `derive check --json` prints; bad input gets a clean
error with its line and column; Python is never run; the body-size limit holds; the
identity pages show their verdicts, figures and BibTeX; and nothing is written to disk.
The load test sends a burst of good and bad requests at once (tests/test_serve.py is the
place for it because it shares the server).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from html import escape
from pathlib import Path

import pytest

from derive.cli.main import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "check_corpus"
SWAPPED = CORPUS / "kl_arguments_swapped.tex"
JENSEN = CORPUS / "kl_jensen_correct.tex"
# Small limits, so the pathological requests of the load test end quickly.
LIMITS = ["--cpu-seconds", "20", "--step-seconds", "4", "--memory-mb", "1536"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url: str, body: bytes | None = None, headers: dict | None = None,
            timeout: float = 300) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=body, headers=headers or {},
                                 method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def post(url: str, text: str, **kw: object) -> tuple[int, object]:
    status, body = request(url, text.encode(), {"Content-Type": "text/plain"}, **kw)
    return status, json.loads(body)


class Server:
    """`python -m derive serve` in a fresh empty directory, HOME and TMPDIR."""

    def __init__(self, where: Path, *args: str) -> None:
        self.where = where
        for d in ("cwd", "home", "tmp"):
            (where / d).mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(where / "home"),
               "TMPDIR": str(where / "tmp"), "DERIVE_VERIFY_CACHE": str(where / "home")}
        self.log = (where / "server.log").open("w")
        self.proc = subprocess.Popen([sys.executable, "-m", "derive", "serve", "--port",
                                      str(self.port), *args], cwd=where / "cwd", env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while True:
            try:
                if request(self.url + "/", timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((where / "server.log").read_text()[-2000:])
            time.sleep(0.3)

    def files_written(self) -> list[Path]:
        """Regular files in the server's directories (the forkserver's socket is not one)."""
        return [p for d in ("cwd", "home", "tmp") for p in (self.where / d).rglob("*")
                if p.is_file()]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    s = Server(tmp_path_factory.mktemp("serve"), "--workers", "2", "--queue", "4", *LIMITS)
    yield s
    s.stop()


def cli_json(path: Path, capsys: pytest.CaptureFixture) -> list:
    main(["check", str(path), "--json"])
    return json.loads(capsys.readouterr().out)


def test_it_binds_loopback_unless_told():
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.workers) == ("127.0.0.1", 8000, 2)


@pytest.mark.parametrize("args", [["--workers", "0"], ["--port", "70000"],
                                  ["--max-bytes", "-1"], ["--cpu-seconds", "0"]])
def test_bad_options_are_one_line_errors(args: list[str], capsys):
    assert main(["serve", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("derive: error: --") and err.count("\n") == 1


def test_the_api_answers_what_derive_check_json_prints(server: Server, capsys):
    status, got = post(server.url + "/api/check", SWAPPED.read_text())
    assert status == 200
    want = cli_json(SWAPPED, capsys)
    for chain in want:
        chain["file"] = "input.tex"
    assert got == want
    assert [s["verdict"] for s in got[0]["steps"]] == ["proved", "refuted", "proved"]
    assert got[0]["steps"][1]["counterexample"]["n"] == "5"


def test_the_documented_curl_example(server: Server, tmp_path: Path):
    """docs/serve.md's curl call on docs/check.md's swapped.tex prints what the doc shows."""
    import re
    import shlex
    import shutil

    if not shutil.which("curl"):
        pytest.skip("curl is not installed")
    docs = ROOT / "docs"
    files = dict(re.findall(r"```\w+ file=(\S+)\n(.*?)\n```", (docs / "check.md").read_text(),
                            re.S))
    (tmp_path / "swapped.tex").write_text(files["swapped.tex"] + "\n")
    command, shown = re.search(r"```console\n\$ (curl .*?)\n(.*?) \.\.\.\n```",
                               (docs / "serve.md").read_text(), re.S).groups()
    argv = shlex.split(command.replace("127.0.0.1:8000", f"127.0.0.1:{server.port}"))
    out = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert out.stdout.startswith(shown), out.stdout[:300]


def test_json_requests_and_the_page_endpoint(server: Server):
    body = json.dumps({"latex": JENSEN.read_text(), "name": "mine.tex"}).encode()
    status, raw = request(server.url + "/check", body, {"Content-Type": "application/json"})
    got = json.loads(raw)
    assert status == 200 and got["chains"][0]["file"] == "mine.tex"
    assert [s["verdict"] for s in got["chains"][0]["steps"]] == ["proved"] * 4
    assert got["latex"].startswith(r"\documentclass") and r"\vproved{}" in got["latex"]
    assert got["html"].count("<math") == 6  # the statement, the start, four steps


def test_unreadable_input_is_answered_at_its_line_and_column(server: Server, capsys):
    text = "% assume: a > 0\n\\begin{align*}\n a &= \\frac{b \\\\\n &= c\n\\end{align*}\n"
    status, got = post(server.url + "/api/check", text)
    assert status == 422 and set(got) == {"error", "line", "column"}
    bad = server.where / "bad.tex"
    bad.write_text(text)
    assert main(["check", str(bad)]) == 2
    assert capsys.readouterr().err.strip().endswith(got["error"])  # the CLI's own message


def test_python_is_never_run(server: Server, tmp_path: Path):
    mark = tmp_path / "ran"
    code = f"from pathlib import Path\nPath({str(mark)!r}).touch()\nderivations = []\n"
    body = json.dumps({"latex": code, "name": "evil.py"}).encode()
    status, raw = request(server.url + "/api/check", body, {"Content-Type": "application/json"})
    assert status == 422 and "expected a chain" in json.loads(raw)["error"]
    status, _ = request(server.url + "/api/check", code.encode(),
                        {"Content-Type": "text/x-python"})
    assert status == 422
    assert not mark.exists()


def test_the_body_size_limit_holds_with_and_without_a_length(server: Server):
    big = b"% " + b"x" * (100 * 1024) + b"\n"
    status, raw = request(server.url + "/api/check", big)
    assert status == 413 and "limit of 65536 bytes" in json.loads(raw)["error"]
    status, raw = request(server.url + "/api/check", iter([big[:40000], big[40000:]]),
                          {"Content-Type": "text/plain"})  # sent chunked, no length
    assert status == 413


def test_the_catalogue_and_an_identity_page(server: Server):
    from derive.cli.cite import bibtex
    from derive.identities.catalogue import all_identities, lookup

    status, raw = request(server.url + "/identities")
    page = raw.decode()
    assert status == 200
    for ident in all_identities():
        assert f'href="/identities/{ident.id}"' in page
    deadline = time.monotonic() + 600
    while True:  # the first visit starts `derive verify 1a`; the page reloads until done
        status, raw = request(server.url + "/identities/kl-asymmetry")
        page = raw.decode()
        if 'http-equiv="refresh"' not in page or time.monotonic() > deadline:
            break
        time.sleep(2)
    assert status == 200 and 'http-equiv="refresh"' not in page
    assert escape(bibtex(lookup("1a"))) in page
    assert '<span class="verdict v-proved">proved</span>' in page  # the derivations
    assert '<span class="verdict v-passed">passed</span>' in page  # the confirmations
    assert "<math" in page and "z = " in page  # a derivation, and Monte Carlo figures
    assert request(server.url + "/identities/9z")[0] == 404


# ------------------------------------------------------------------ the load test
def _bad(name: str) -> str:
    chain = {"unbalanced": r"a &= \frac{b}{c \\ &= d",
             "bomb": r"(a+b)^{100000} &= a^{100000} + b^{100000}",
             "nesting": "a &= " + "{" * 3000 + "b" + "}" * 3000,
             "parens": "a &= " + r"\left(" * 400 + "a" + r"\right)" * 400}[name]
    return "\\begin{align*}\n" + chain + "\n\\end{align*}\n"


def _expect_good(status: int, got: object, verdicts: list[str]) -> None:
    assert status == 503 or [s["verdict"] for s in got[0]["steps"]] == verdicts, got


def test_a_burst_of_good_and_bad_requests(server: Server):
    """12 requests at once at 2 workers and a queue of 4: each answer is right or a clean
    error (413, 422 with its place, 503), and afterwards the server still answers."""
    jobs = [("swapped", SWAPPED.read_text()), ("jensen", JENSEN.read_text()),
            ("unbalanced", _bad("unbalanced")), ("big", "% " + "x" * 100_000 + "\n"),
            ("bomb", _bad("bomb")), ("nesting", _bad("nesting")), ("parens", _bad("parens")),
            ("swapped", SWAPPED.read_text()), ("unbalanced", _bad("unbalanced")),
            ("jensen", JENSEN.read_text()), ("bomb", _bad("bomb")),
            ("swapped", SWAPPED.read_text())]
    with ThreadPoolExecutor(len(jobs)) as ex:
        answers = list(ex.map(lambda j: post(server.url + "/api/check", j[1]), jobs))
    for (kind, _), (status, got) in zip(jobs, answers, strict=True):
        assert status in (200, 413, 422, 503), (kind, status, got)
        if status != 200:
            assert isinstance(got, dict) and got["error"], (kind, got)
        if kind == "swapped":
            _expect_good(status, got, ["proved", "refuted", "proved"])
        elif kind == "jensen":
            _expect_good(status, got, ["proved"] * 4)
        elif kind == "big":
            assert status == 413
        elif kind in ("unbalanced", "nesting"):
            assert status in (422, 503), (kind, got)
            assert status == 503 or got["line"] >= 1 and got["column"] >= 1
        elif kind == "bomb" and status == 200:  # a false claim: never proved
            assert got[0]["steps"][0]["verdict"] != "proved"
        elif kind == "parens" and status == 200:
            assert got[0]["steps"][0]["verdict"] == "proved"  # a = a, in 400 brackets
    assert any(s == 503 for s, _ in answers)  # 12 at once cannot all wait in a queue of 4
    assert server.proc.poll() is None
    status, got = post(server.url + "/api/check", SWAPPED.read_text())
    assert status == 200 and [s["verdict"] for s in got[0]["steps"]] == \
        ["proved", "refuted", "proved"]


def test_nothing_was_written_to_disk(server: Server):
    """Last: after every request above, the server's directories hold no file."""
    assert server.files_written() == []
