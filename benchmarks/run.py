#!/usr/bin/env python
"""Benchmark this aiofiles against the blocking call, anyio and aiofiles 25.1
from PyPI (in its own venv and process), side by side in one run.

    python benchmarks/run.py --all --write-docs   # everything, then the docs
    python benchmarks/run.py --quick               # smoke run
    python benchmarks/run.py [--loop asyncio|uvloop|both] [--upstream] [--http]
                             [--only a,b] [--impls ours,anyio,thread] [--reps N]

Writes Markdown tables to stdout and ``OUT/results.md``, the figures to
``OUT/results.json`` and charts to ``OUT/bench.png`` and ``OUT/bench-http.png``
(when matplotlib is importable; a development-only dependency). ``--write-docs``
also puts the tables into ``docs/performance.md`` and ``README.md`` (between their
markers) and the charts into ``docs/img/``. See ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SRC = os.path.join(REPO, "src")
UPSTREAM_VERSION = "25.1.0"
UPSTREAM = "aiofiles 25.1"
IMPLS = ["blocking", "floor", "ours", "anyio", UPSTREAM, "thread"]
LABEL = {"ours": "this library", "floor": "floor"}
SLACK = 1.1  # "not slower than aiofiles 25.1" allows this much noise
HTTP_TARGET = 4.0  # this library's requests/s on 1 MiB files / aiofiles 25.1's

# ``_workloads`` and ``http_bench`` sit beside this script (sys.path[0]).
import _workloads as wl  # noqa: E402
import http_bench  # noqa: E402


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--all",
        action="store_true",
        help="every workload on asyncio and uvloop, with aiofiles 25.1 "
        "(--upstream) and the HTTP benchmark (--http)",
    )
    p.add_argument(
        "--loop",
        choices=["asyncio", "uvloop", "both"],
        default=None,
        help="event loop(s) to run on (default: both when uvloop is installed)",
    )
    p.add_argument(
        "--upstream",
        action="store_true",
        help=f"also run aiofiles {UPSTREAM_VERSION} from PyPI, in its own venv",
    )
    p.add_argument("--http", action="store_true", help="run the HTTP benchmark")
    p.add_argument(
        "--write-docs",
        action="store_true",
        help="put the tables into docs/performance.md and README.md and the "
        "charts into docs/img/",
    )
    p.add_argument(
        "--quick", action="store_true", help="small sizes, 1 run per row (smoke run)"
    )
    p.add_argument(
        "--reps", type=int, default=None, help="rounds per row (default 3, quick 1)"
    )
    p.add_argument(
        "--budget",
        type=float,
        default=0.04,
        help="after the first round, an implementation whose run takes less than "
        "this many seconds runs several times a round (up to --max-inner)",
    )
    p.add_argument("--max-inner", type=int, default=5, help=argparse.SUPPRESS)
    p.add_argument(
        "--http-seconds",
        type=float,
        default=None,
        help="load time per HTTP measurement (default 0.8 in each of 3 rounds; quick 0.3, 1 round)",
    )
    p.add_argument(
        "--http-conns", type=int, default=16, help="client connections (default 16)"
    )
    p.add_argument(
        "--http-loop",
        choices=["asyncio", "uvloop"],
        default=None,
        help="the servers' event loop (default: uvloop when installed)",
    )
    p.add_argument(
        "--out",
        default=os.path.join(HERE, "results"),
        help="output directory (default: benchmarks/results)",
    )
    p.add_argument(
        "--installed",
        action="store_true",
        help="measure the installed aiofiles instead of this clone's src/",
    )
    p.add_argument(
        "--only", default="", help="comma-separated workload keys (default: all)"
    )
    p.add_argument(
        "--impls",
        default="floor,ours,anyio",
        help="comma-separated in-process async implementations: floor (the "
        "blocking call inside an async def, on the loop), ours, anyio, thread (a "
        "run_in_executor per call); default floor,ours,anyio",
    )
    p.add_argument("--data-dir", default=None, help="keep the data set here")
    p.add_argument(
        "--upstream-venv",
        default=None,
        help="venv for aiofiles 25.1 (default: a cache directory)",
    )
    p.add_argument("--no-chart", action="store_true", help="skip the PNG charts")
    p.add_argument(
        "--render",
        metavar="JSON",
        default=None,
        help="measure nothing: write the tables (and with --write-docs, the docs) "
        "from the results.json of an earlier run",
    )
    # The upstream worker: this script run by the venv's interpreter.
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.all:
        args.upstream = args.http = True
        args.loop = args.loop or "both"
    return args


# -- formatting ---------------------------------------------------------------------


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    ms = seconds * 1e3
    if ms >= 100:
        return f"{ms:,.0f} ms"
    if ms >= 10:
        return f"{ms:.1f} ms"
    if ms >= 1:
        return f"{ms:.2f} ms"
    return f"{ms * 1e3:.0f} µs"


def fmt_ratio(r: float | None) -> str:
    if r is None:
        return "-"
    if r >= 100:
        return f"x{r:,.0f}"
    if r >= 10:
        return f"x{r:.1f}"
    return f"x{r:.2f}"


# -- evaluation ----------------------------------------------------------------------


def evaluate(w: wl.Workload, row: dict[str, Any], upstream: dict | None) -> None:
    """Fill ``met`` (None when there is nothing to judge) and ``miss``."""
    row["met"], row["miss"] = None, None
    if row["impl"] in ("blocking", "floor") or row.get("time_s") is None:
        return
    misses = []
    judged = False
    if w.limit is not None:
        rel = row["ratio"]
        if w.vs_key or w.vs_upstream:
            rel = row.get("ratio_rel")
        if rel is not None:
            judged = True
            if rel > w.limit:
                misses.append(f"{rel / w.limit:.2f}x over")
    if w.stall_limit_ms is not None and row.get("stall_ms") is not None:
        judged = True
        if row["stall_ms"] > w.stall_limit_ms:
            misses.append(f"stall {row['stall_ms']:.1f} ms")
    if row["impl"] == "ours" and upstream and upstream.get("time_s"):
        judged = True
        if row["time_s"] > SLACK * upstream["time_s"]:
            misses.append(f"{row['time_s'] / upstream['time_s']:.2f}x aiofiles 25.1")
    if not row.get("result_ok", True):
        judged = True
        misses.append("wrong result")
    if judged:
        row["met"] = not misses
        row["miss"] = ", ".join(misses) or None


def target_text(w: wl.Workload) -> str:
    general = "not slower than aiofiles 25.1"
    return f"{w.target}; {general}" if w.target else general


def cell(w: wl.Workload, r: dict[str, Any] | None) -> str:
    if r is None or r.get("time_s") is None:
        return "-"
    if r["impl"] == "blocking":
        return fmt_time(r["time_s"])
    out = fmt_ratio(r["ratio"])
    if w.vs_key and r.get("ratio_rel") is not None:
        out += f" ({r['ratio_rel']:.2f}x one task)"
    if w.vs_upstream and r.get("ratio_rel") is not None and r["impl"] != UPSTREAM:
        out += f" ({r['ratio_rel']:.2f}x aiofiles 25.1)"
    if r.get("stall_ms") is not None:
        out += f", {r['stall_ms']:.1f} ms"
    if not r.get("result_ok", True):
        out += " **WRONG RESULT**"
    return out


def met_text(r: dict[str, Any] | None) -> str:
    if r is None or r.get("met") is None:
        return "-"
    return "yes" if r["met"] else f"**no** ({r['miss']})"


def impls_of(res: dict[str, Any]) -> list[str]:
    have = {r["impl"] for r in res["rows"]}
    return [i for i in IMPLS if i in have]


def table(res: dict[str, Any], sizes: wl.Sizes) -> str:
    impls = impls_of(res)
    head = ["workload"] + [LABEL.get(i, i) for i in impls] + ["target", "met"]
    lines = []
    for group, title in wl.GROUPS.items():
        keys = [k for k in res["order"] if wl.BY_KEY[k].group == group]
        if not keys:
            continue
        lines += [
            f"**{title}**",
            "",
            "| " + " | ".join(head) + " |",
            "|---|" + "---:|" * len(impls) + "---|---|",
        ]
        for key in keys:
            w = wl.BY_KEY[key]
            rows = {r["impl"]: r for r in res["rows"] if r["workload"] == key}
            cells = [cell(w, rows.get(i)) for i in impls]
            lines.append(
                f"| {w.title(sizes)} | "
                + " | ".join(cells)
                + f" | {target_text(w)} | {met_text(rows.get('ours'))} |"
            )
        lines.append("")
    return "\n".join(lines)


def targets_table(results: dict[str, Any]) -> str:
    """One line per target of the issue: measured on each loop, met or not."""
    sizes = wl.Sizes(**results["meta"]["sizes"])
    loops = list(results["loops"])
    lines = [
        "| workload | target | "
        + " | ".join(f"this library, {k}" for k in loops)
        + " | met |",
        "|---|---|" + "---|" * len(loops) + "---|",
    ]
    for w in wl.WORKLOADS:
        if not w.target:
            continue
        rows, floors = [], []
        for k in loops:
            by = {
                r["impl"]: r
                for r in results["loops"][k]["rows"]
                if r["workload"] == w.key
            }
            rows.append(by.get("ours"))
            floors.append(by.get("floor"))
        if all(r is None for r in rows):
            continue
        mets = [r["met"] for r in rows if r is not None and r["met"] is not None]
        verdict = "-" if not mets else "yes" if all(mets) else "**no**"
        lines.append(
            f"| {w.title(sizes)} | {w.target} | "
            + " | ".join(
                cell(w, r)
                + (f"; floor {fmt_ratio(f['ratio'])}" if f and f.get("ratio") else "")
                for r, f in zip(rows, floors, strict=True)
            )
            + f" | {verdict} |"
        )
    has_up = any(
        r["impl"] == UPSTREAM for k in loops for r in results["loops"][k]["rows"]
    )
    if has_up:
        counts = [
            sum(1 for r in results["loops"][k]["rows"] if _slower(r)) for k in loops
        ]
        lines.append(
            f"| every workload | not slower than aiofiles 25.1 "
            f"(within {SLACK - 1:.0%}) | "
            + " | ".join(
                f"{n} of {len(results['loops'][k]['order'])} slower"
                for n, k in zip(counts, loops, strict=True)
            )
            + f" | {'yes' if not any(counts) else '**no**'} |"
        )
    http = results.get("http")
    if http:
        for big in [r for r in http["rows"] if r["file"] == "big"]:
            if big["impl"] != "ours":
                continue
            up = http_row(http, big["style"], "big", UPSTREAM)
            if not up:
                continue
            ratio = big["rps"] / up["rps"] if up["rps"] else None
            ok = ratio is not None and ratio >= HTTP_TARGET and not big["bad"]
            lines.append(
                f"| HTTP, {_style_title(big['style'])}, 1 MiB file | >= {HTTP_TARGET:g}x "
                f"aiofiles 25.1's requests/s | {big['rps']:,.0f} req/s = "
                f"{ratio:.2f}x aiofiles 25.1 ({http['loop']} servers)"
                + " | " * (len(loops) - 1)
                + f" | {'yes' if ok else '**no**'} |"
            )
    return "\n".join(lines)


def _slower(r: dict[str, Any]) -> bool:
    return r["impl"] == "ours" and "aiofiles 25.1" in (r.get("miss") or "")


def slower_note(results: dict[str, Any]) -> str:
    """Which workloads this library ran slower than aiofiles 25.1, per loop."""
    out = []
    for k, res in results["loops"].items():
        keys = [r["workload"] for r in res["rows"] if _slower(r)]
        if keys:
            out.append(f"{k}: " + ", ".join(f"`{x}`" for x in keys))
    if not out:
        return ""
    return "Slower than aiofiles 25.1 (by key, see the tables): " + "; ".join(out) + "."


def http_row(http: dict, style: str, file: str, impl: str) -> dict | None:
    for r in http["rows"]:
        if r["style"] == style and r["file"] == file and r["impl"] == impl:
            return r  # type: ignore[no-any-return]
    return None


def _style_title(style: str) -> str:
    return {
        "quart": "tell() + read(8192) chunks (Quart)",
        "sanic": "read(4096) chunks (Sanic)",
    }[style]


def http_table(http: dict[str, Any]) -> str:
    impls = [
        i
        for i in ["blocking", "ours", UPSTREAM]
        if any(r["impl"] == i for r in http["rows"])
    ]
    lines = [
        "| file | served as | "
        + " | ".join(
            "blocking open() in the handler" if i == "blocking" else LABEL.get(i, i)
            for i in impls
        )
        + " | this library / aiofiles 25.1 |",
        "|---|---|" + "---:|" * len(impls) + "---:|",
    ]
    for file, label in [("small", "4 KiB"), ("big", "1 MiB")]:
        for style in http["styles"]:
            cells = []
            for i in impls:
                r = http_row(http, style, file, i)
                if r is None:
                    cells.append("-")
                    continue
                c = f"{r['rps']:,.0f} req/s ({r['mib_s']:,.0f} MiB/s)"
                if r["bad"]:
                    c += f" **{r['bad']} WRONG**"
                cells.append(c)
            ours = http_row(http, style, file, "ours")
            up = http_row(http, style, file, UPSTREAM)
            rel = (
                f"{ours['rps'] / up['rps']:.2f}x" if ours and up and up["rps"] else "-"
            )
            lines.append(
                f"| {label} | {_style_title(style)} | "
                + " | ".join(cells)
                + f" | {rel} |"
            )
    return "\n".join(lines)


def meta_lines(results: dict[str, Any]) -> list[str]:
    meta = results["meta"]
    out = [
        f"Command: `{meta['command']}` ({meta['wall_s']:.0f} s wall time)",
        "",
        f"Machine: {meta['machine']}; load average {meta['load_start']} at the "
        f"start, {meta['load_end']} at the end.",
        "",
        f"Measured: {meta['ours']}; "
        + ", ".join(
            f"{'aiofiles' if k == UPSTREAM else k} {v}"
            for k, v in meta["versions"].items()
        )
        + ".",
        "",
        f"Each cell: the ratio of the best of {meta['reps']} rounds (cheap runs are "
        f"repeated up to {meta['max_inner']} times a round) to the blocking call's "
        "best in the same run, then the worst stall of the event loop over all "
        "timed runs; data set on "
        f"{meta['data_dir_fs']}, hot page cache.",
    ]
    return out


def report(results: dict[str, Any]) -> str:
    sizes = wl.Sizes(**results["meta"]["sizes"])
    out = ["# Benchmark results", "", *meta_lines(results), "", "## Targets", ""]
    out += [targets_table(results), "", slower_note(results)]
    for kind, res in results["loops"].items():
        out += [
            "",
            f"## {kind}",
            "",
            f"Idle ticker floor (worst lateness of the 1 ms ticker on an idle "
            f"loop): {res['idle_floor_ms']:.2f} ms.",
            "",
            table(res, sizes),
        ]
    if results.get("http"):
        out += [
            "",
            "## HTTP",
            "",
            http_note(results["http"]),
            "",
            http_table(results["http"]),
        ]
    return "\n".join(out) + "\n"


def http_note(http: dict[str, Any]) -> str:
    return (
        f"Requests per second, the best of {http.get('rounds', 1)} rounds of "
        f"{http['seconds']:g} s of load (each server takes its turn in every round) by "
        f"{http['conns']} keep-alive connections from one asyncio client process "
        f"(on {http['client_loop']}); the servers, one process each on "
        f"{http['loop']}, are loaded one at a time, all on 127.0.0.1; every "
        "response's length and end are checked."
    )


# -- the charts ------------------------------------------------------------------------

COLOURS = {
    "floor": "#bdbdbd",
    "ours": "#1565c0",
    "anyio": "#ef6c00",
    UPSTREAM: "#6a1b9a",
    "thread": "#9e9e9e",
}


def chart(results: dict[str, Any], path: str) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    sizes = wl.Sizes(**results["meta"]["sizes"])
    loops = list(results["loops"].items())
    fig, axes = plt.subplots(
        len(loops), 1, figsize=(16, 5.6 * len(loops)), squeeze=False
    )
    for ax, (kind, res) in zip(axes[:, 0], loops, strict=True):
        impls = [i for i in impls_of(res) if i != "blocking"]
        order = res["order"]
        width = 0.8 / max(1, len(impls))
        for j, impl in enumerate(impls):
            xs, ys = [], []
            for i, key in enumerate(order):
                for r in res["rows"]:
                    if r["workload"] == key and r["impl"] == impl and r["ratio"]:
                        xs.append(i - 0.4 + width * (j + 0.5))
                        ys.append(r["ratio"])
            ax.bar(
                xs,
                ys,
                width,
                label=LABEL.get(impl, impl),
                color=COLOURS.get(impl),
                zorder=2,
            )
        first = True
        for i, key in enumerate(order):
            w = wl.BY_KEY[key]
            if w.limit is None or w.vs_key or w.vs_upstream:
                continue
            ax.hlines(
                w.limit,
                i - 0.45,
                i + 0.45,
                colors="#c62828",
                linestyles="--",
                zorder=3,
                label="target" if first else None,
            )
            first = False
        ax.axhline(1.0, color="black", linewidth=0.8, zorder=1)
        ax.set_yscale("log")
        ax.set_xticks(range(len(order)))
        ax.set_xticklabels(
            [wl.BY_KEY[k].title(sizes) for k in order],
            rotation=40,
            ha="right",
            rotation_mode="anchor",
            fontsize=7,
        )
        ax.set_ylabel("time / blocking call (log)")
        ax.set_title(f"{kind}: ratio to the blocking call (lower is better)")
        ax.grid(axis="y", which="both", alpha=0.3, zorder=0)
        ax.legend(fontsize=8, ncol=len(impls) + 1, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return True


def http_chart(http: dict[str, Any], path: str) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    impls = [
        i
        for i in ["blocking", "ours", UPSTREAM]
        if any(r["impl"] == i for r in http["rows"])
    ]
    groups = [(f, s) for f in ("small", "big") for s in http["styles"]]
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    colours = dict(COLOURS, blocking="#616161")
    for ax, file in zip(axes, ("small", "big"), strict=True):
        sub = [g for g in groups if g[0] == file]
        width = 0.8 / len(impls)
        for j, impl in enumerate(impls):
            xs, ys = [], []
            for i, (_, style) in enumerate(sub):
                r = http_row(http, style, file, impl)
                if r:
                    xs.append(i - 0.4 + width * (j + 0.5))
                    ys.append(r["rps"])
            label = "blocking open()" if impl == "blocking" else LABEL.get(impl, impl)
            ax.bar(xs, ys, width, label=label, color=colours.get(impl), zorder=2)
        ax.set_xticks(range(len(sub)))
        ax.set_xticklabels([_style_title(s) for _, s in sub], fontsize=8)
        ax.set_title(
            f"HTTP, {'4 KiB' if file == 'small' else '1 MiB'} file: "
            "requests/s (higher is better)",
            fontsize=10,
        )
        ax.grid(axis="y", alpha=0.3, zorder=0)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return True


# -- the upstream worker -------------------------------------------------------------------


def cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return os.path.join(base, "aiofiles-bench")


def clean_env() -> dict[str, str]:
    env = dict(os.environ)
    for k in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP"):
        env.pop(k, None)
    return env


def ensure_upstream_venv(path: str, uvloop_version: str | None) -> str:
    """Create (once) a venv with aiofiles 25.1 (and uvloop); return its python."""
    py = os.path.join(path, "bin", "python")
    if not os.path.exists(py):
        print(f"creating {path} ...", file=sys.stderr)
        subprocess.check_call([sys.executable, "-m", "venv", path])
    env = clean_env()

    def has(code: str) -> bool:
        r = subprocess.run([py, "-c", code], env=env, capture_output=True, text=True)
        return r.returncode == 0

    want = (
        []
        if has(
            "import importlib.metadata as m, sys; "
            f"sys.exit(m.version('aiofiles') != {UPSTREAM_VERSION!r})"
        )
        else [f"aiofiles=={UPSTREAM_VERSION}"]
    )
    if uvloop_version and not has("import uvloop"):
        want.append(f"uvloop=={uvloop_version}")
    if want:
        print(f"pip install {' '.join(want)} into {path} ...", file=sys.stderr)
        subprocess.check_call(
            [py, "-m", "pip", "install", "-q", "--disable-pip-version-check", *want],
            env=env,
        )
    return py


class Upstream:
    """aiofiles 25.1 in its own process: runs workloads on request, as JSON lines."""

    name = UPSTREAM

    def __init__(self, py: str, data: wl.Data) -> None:
        cmd = [py, os.path.abspath(__file__), "--worker", "--data-dir", data.root]
        self.proc = subprocess.Popen(
            cmd,
            env=clean_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        hello = self._read()
        self.version = f"{hello['version']} (from PyPI, in a venv of its own)"
        self.file = hello["file"]

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the aiofiles 25.1 worker died (see its stderr above)")
        return json.loads(line)  # type: ignore[no-any-return]

    def run(
        self, kind: str, w: wl.Workload, n: int
    ) -> list[tuple[float, Any, float | None]]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"loop": kind, "key": w.key, "n": n}) + "\n")
        self.proc.stdin.flush()
        return [tuple(x) for x in self._read()["runs"]]  # type: ignore[misc]

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def worker_main(args: argparse.Namespace) -> None:
    import aiofiles

    where = os.path.abspath(aiofiles.__file__)
    if where.startswith(SRC + os.sep):
        raise SystemExit(f"the upstream worker imported this repo's aiofiles: {where}")
    from importlib.metadata import version

    data = wl.load_data(args.data_dir)
    api = wl.aiofiles_api(UPSTREAM, aiofiles)
    loops: dict[str, asyncio.AbstractEventLoop] = {}
    print(json.dumps({"version": version("aiofiles"), "file": where}), flush=True)
    try:
        for line in sys.stdin:
            req = json.loads(line)
            loop = loops.get(req["loop"]) or loops.setdefault(
                req["loop"], wl.new_loop(req["loop"])
            )
            w = wl.BY_KEY[req["key"]]
            runs = [wl.time_async(loop, w, api, data, True) for _ in range(req["n"])]
            print(json.dumps({"runs": runs}), flush=True)
    finally:
        for loop in loops.values():
            wl.close_loop(loop)


# -- the run ---------------------------------------------------------------------------------


def load_avg() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def machine_note(data_dir: str) -> tuple[str, str]:
    fs = "?"
    try:
        r = subprocess.run(
            ["df", "--output=fstype", data_dir], capture_output=True, text=True
        )
        fs = r.stdout.split()[-1]
    except (OSError, IndexError):
        pass
    note = (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs "
        f"({platform.machine()}), Python {platform.python_version()} "
        f"({platform.python_implementation()})"
    )
    return note, fs


def git_state() -> str:
    """The commit of this clone and whether src/ differs from it."""
    try:
        head = subprocess.run(
            ["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", REPO, "status", "--porcelain", "--", "src"],
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return (head or "unknown") + (" + uncommitted changes in src/" if dirty else "")


def versions(loops: list[str]) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ["anyio"] + (["uvloop"] if "uvloop" in loops else []):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out


def make_row(w: wl.Workload, impl: str, runs: list[tuple[float, Any, Any]]) -> dict:
    times = [r[0] for r in runs]
    stalls = [r[2] for r in runs if r[2] is not None]
    return {
        "workload": w.key,
        "impl": impl,
        "times": times,
        "time_s": min(times) if times else None,
        "stall_ms": max(stalls) * 1e3 if stalls else None,
        "results": [r[1] for r in runs],
    }


def finish_rows(w: wl.Workload, rows: list[dict[str, Any]], done: list[dict]) -> None:
    base = next(r for r in rows if r["impl"] == "blocking")
    up = next((r for r in rows if r["impl"] == UPSTREAM), None)
    expect = base["results"][0]
    for r in rows:
        r["ratio"] = r["time_s"] / base["time_s"] if r["time_s"] else None
        r["result_ok"] = all(x == expect for x in r["results"])
        if r["impl"] != "blocking" and not r["result_ok"]:
            bad = next(x for x in r["results"] if x != expect)
            print(f"  {r['impl']}: WRONG RESULT {bad!r} != {expect!r}", file=sys.stderr)
        r.pop("results")
        r["expect"] = expect
        r["ratio_rel"] = None
        if w.vs_key:
            one = next(
                (
                    o
                    for o in done
                    if o["workload"] == w.vs_key and o["impl"] == r["impl"]
                ),
                None,
            )
            if one and one["time_s"]:
                r["ratio_rel"] = r["time_s"] / one["time_s"]
        elif w.vs_upstream and up and up["time_s"]:
            r["ratio_rel"] = r["time_s"] / up["time_s"]
    for r in rows:
        evaluate(w, r, up)


def progress(kind: str, w: wl.Workload, rows: list[dict[str, Any]], dt: float) -> None:
    parts = [
        f"{r['impl']} {fmt_time(r['time_s'])} {fmt_ratio(r['ratio'])}" for r in rows
    ]
    print(
        f"[{kind}] {w.key} ({dt:.1f} s): " + "; ".join(parts),
        file=sys.stderr,
        flush=True,
    )


def measure(
    kind: str,
    loop: asyncio.AbstractEventLoop,
    w: wl.Workload,
    data: wl.Data,
    apis: list[wl.Api],
    upstream: Upstream | None,
    reps: int,
    budget: float,
    max_inner: int,
) -> list[dict[str, Any]]:
    """``reps`` interleaved rounds of every implementation; cheap ones run several
    times a round, so that their best is not one noisy sample."""
    runners: list[tuple[str, Any]] = [
        ("blocking", lambda: [(*wl.time_blocking(w, data), None)])
    ]
    for api in apis:
        runners.append(
            (api.name, lambda api=api: [wl.time_async(loop, w, api, data, True)])
        )
    if upstream is not None:
        runners.append((UPSTREAM, lambda: upstream.run(kind, w, 1)))
    runs: dict[str, list] = {name: [] for name, _ in runners}
    inner: dict[str, int] = {}
    for rnd in range(reps):
        for name, fn in runners:
            k = inner.get(name, 1)
            if name == UPSTREAM and k > 1:
                runs[name] += upstream.run(kind, w, k)  # type: ignore[union-attr]
                continue
            for _ in range(k):
                runs[name] += fn()
            if rnd == 0:
                cost = runs[name][0][0]
                inner[name] = max(1, min(max_inner, int(budget / max(cost, 1e-6))))
    return [make_row(w, name, rr) for name, rr in runs.items()]


def run_http(
    args: argparse.Namespace, data: wl.Data, upstream_py: str | None, loop_kind: str
) -> dict[str, Any]:
    """Each server (blocking, this library, aiofiles 25.1) per style, loaded in turn."""
    seconds = args.http_seconds or (0.3 if args.quick else 0.8)
    with open(data.small4k, "rb") as f:
        small = f.read()
    with open(data.task_file(0), "rb") as f:
        big = f.read()
    servers: list[tuple[str, str, str | None]] = [
        ("blocking", sys.executable, None),
        ("ours", sys.executable, None if args.installed else SRC),
    ]
    if upstream_py:
        servers.append((UPSTREAM, upstream_py, None))
    try:
        import uvloop

        client_loop = "uvloop"
        runner = uvloop.run
    except ImportError:
        client_loop = "asyncio"
        runner = asyncio.run
    styles = list(http_bench.STYLES)
    rounds = 1 if args.quick else 3
    best: dict[tuple[str, str, str], dict[str, Any]] = {}
    with contextlib.ExitStack() as stack:
        srvs = {}
        for style in styles:
            for impl, py, src in servers:
                srv = stack.enter_context(
                    http_bench.Server(
                        py,
                        "blocking" if impl == "blocking" else "aiofiles",
                        style,
                        loop_kind,
                        data.small4k,
                        data.task_file(0),
                        src,
                        clean_env(),
                    )
                )
                if impl == "ours" and not args.installed:
                    if not srv.where.startswith(SRC):
                        raise SystemExit(f"the HTTP server imported {srv.where}")
                if impl == UPSTREAM and srv.where.startswith(SRC):
                    raise SystemExit("the aiofiles 25.1 server imported src/")
                srvs[style, impl] = srv
        # Rounds: every server gets its turn in each, so that the machine's
        # noise falls on all of them alike; the best round is kept.
        for _ in range(rounds):
            for style in styles:
                for file, body, path in [
                    ("small", small, "/small"),
                    ("big", big, "/big"),
                ]:
                    for impl, _py, _src in servers:
                        port = srvs[style, impl].port
                        m = runner(
                            http_bench.load(port, path, body, args.http_conns, seconds)
                        )
                        key = (style, file, impl)
                        prev = best.get(key)
                        bad = m["bad"] + (prev["bad"] if prev else 0)
                        if prev is None or m["rps"] > prev["rps"]:
                            best[key] = dict(m, impl=impl, style=style, file=file)
                        best[key]["bad"] = bad
                        print(
                            f"[http {loop_kind}] {style} {file} {impl}: "
                            f"{m['rps']:,.0f} req/s ({m['bad']} bad)",
                            file=sys.stderr,
                            flush=True,
                        )
    rows = list(best.values())
    return {
        "rows": rows,
        "styles": styles,
        "seconds": seconds,
        "rounds": rounds,
        "conns": args.http_conns,
        "loop": loop_kind,
        "client_loop": client_loop,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    t_start = time.perf_counter()
    load_start = load_avg()
    if not args.installed:
        sys.path.insert(0, SRC)
    import aiofiles

    ours_file = os.path.abspath(aiofiles.__file__)
    if not args.installed and not ours_file.startswith(SRC + os.sep):
        raise SystemExit(f"import aiofiles gave {ours_file}, not this repo's src/")
    try:
        import uvloop

        uvloop_version: str | None = uvloop.__version__
    except ImportError:
        uvloop_version = None
    if args.loop is None:
        args.loop = "both" if uvloop_version else "asyncio"
    loops = ["asyncio", "uvloop"] if args.loop == "both" else [args.loop]
    if "uvloop" in loops and not uvloop_version:
        raise SystemExit("--loop uvloop: uvloop is not installed")
    http_loop = args.http_loop or ("uvloop" if uvloop_version else "asyncio")

    apis: list[wl.Api] = []
    for name in [x.strip() for x in args.impls.split(",") if x.strip()]:
        if name == "thread":
            apis.append(wl.thread_api())
        elif name == "floor":
            apis.append(wl.floor_api())
        elif name == "ours":
            apis.append(wl.aiofiles_api("ours", aiofiles))
        elif name == "anyio":
            try:
                apis.append(wl.anyio_api())
            except ImportError:
                print("anyio is not installed: its rows are skipped", file=sys.stderr)
        else:
            raise SystemExit(f"unknown implementation {name!r}")

    sizes = wl.QUICK if args.quick else wl.FULL
    reps = args.reps or (1 if args.quick else 3)
    max_inner = 1 if args.quick else args.max_inner
    keys = [k.strip() for k in args.only.split(",") if k.strip()] or list(wl.BY_KEY)
    for k in keys:
        if k not in wl.BY_KEY:
            raise SystemExit(f"unknown workload {k!r}; known: {', '.join(wl.BY_KEY)}")

    upstream_py = None
    if args.upstream:
        venv = args.upstream_venv or os.path.join(
            cache_dir(),
            f"venv-aiofiles-{UPSTREAM_VERSION}-py{sys.version_info[0]}{sys.version_info[1]}",
        )
        need_uv = (
            uvloop_version if ("uvloop" in loops or http_loop == "uvloop") else None
        )
        upstream_py = ensure_upstream_venv(venv, need_uv)

    tmp = None
    root = args.data_dir
    if root is None:
        tmp = root = tempfile.mkdtemp(prefix="aiofiles-bench-")
    os.makedirs(root, exist_ok=True)
    t0 = time.perf_counter()
    data = wl.make_data(root, sizes)
    print(f"data set in {root} ({time.perf_counter() - t0:.1f} s)", file=sys.stderr)
    note, fs = machine_note(root)
    command = " ".join(
        shlex.quote(a) for a in [os.path.relpath(__file__), *sys.argv[1:]]
    )
    results: dict[str, Any] = {
        "meta": {
            "command": "python " + command,
            "python": sys.executable,
            "machine": note,
            "load_start": load_start,
            "data_dir_fs": fs,
            "date": datetime.datetime.now().isoformat(timespec="seconds"),
            "ours": f"aiofiles from {os.path.relpath(os.path.dirname(ours_file), REPO)} "
            f"at {git_state()}",
            "versions": versions(loops),
            "reps": reps,
            "max_inner": max_inner,
            "quick": args.quick,
            "sizes": data.sizes.__dict__,
        },
        "loops": {},
    }
    upstream = None
    try:
        if upstream_py:
            upstream = Upstream(upstream_py, data)
            results["meta"]["versions"][UPSTREAM] = upstream.version
        for kind in loops:
            loop = wl.new_loop(kind)
            try:
                res: dict[str, Any] = {"idle_floor_ms": wl.idle_floor(loop) * 1e3}
                res["order"] = keys
                res["rows"] = rows_all = []
                for key in keys:
                    w = wl.BY_KEY[key]
                    t1 = time.perf_counter()
                    wl.warm(data.all_inputs())
                    rows = measure(
                        kind,
                        loop,
                        w,
                        data,
                        apis,
                        upstream,
                        reps,
                        args.budget,
                        max_inner,
                    )
                    finish_rows(w, rows, rows_all)
                    progress(kind, w, rows, time.perf_counter() - t1)
                    rows_all.extend(rows)
                results["loops"][kind] = res
            finally:
                wl.close_loop(loop)
        if upstream is not None:
            upstream.close()
            upstream = None
        if args.http:
            results["http"] = run_http(args, data, upstream_py, http_loop)
    finally:
        if upstream is not None:
            upstream.close()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    results["meta"]["load_end"] = load_avg()
    results["meta"]["wall_s"] = time.perf_counter() - t_start
    return results


# -- the docs ----------------------------------------------------------------------------


def replace_block(path: str, start: str, end: str, body: str) -> None:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise SystemExit(f"{path}: no {start} ... {end} block")
    text = pattern.sub(lambda _m: f"{start}\n{body.strip()}\n{end}", text, count=1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def docs_block(results: dict[str, Any], charts: bool) -> str:
    sizes = wl.Sizes(**results["meta"]["sizes"])
    out = [
        *meta_lines(results),
        "",
        "### Targets",
        "",
        targets_table(results),
        "",
        slower_note(results),
    ]
    if results.get("http"):
        http = results["http"]
        out += ["", "### A file server", "", http_note(http), "", http_table(http)]
        if charts:
            out += ["", "![HTTP requests per second, per server](img/bench-http.png)"]
    if charts:
        out += [
            "",
            "![Ratio to the blocking call per workload and implementation"
            "](img/bench.png)",
        ]
    for kind, res in results["loops"].items():
        out += [
            "",
            f"### All workloads, {kind}",
            "",
            f"Idle ticker floor (worst lateness of the 1 ms ticker on an idle "
            f"loop): {res['idle_floor_ms']:.2f} ms.",
            "",
            table(res, sizes),
        ]
    return "\n".join(out)


README_ROWS = [
    "whole_small",
    "stream_quart",
    "upload_16k",
    "shared_log",
    "readline_text",
    "write_text",
    "open_close",
    "stat_gather",
]


def readme_block(results: dict[str, Any], charts: bool) -> str:
    sizes = wl.Sizes(**results["meta"]["sizes"])
    kind = "asyncio" if "asyncio" in results["loops"] else next(iter(results["loops"]))
    res = results["loops"][kind]
    impls = [i for i in impls_of(res) if i != "blocking"]
    out = [
        f"Measured side by side in one run (`{results['meta']['command']}`, "
        f"{os.cpu_count()} CPUs shared with other work (load average "
        f"{results['meta']['load_start'].split(',')[0]}), {kind}; ratio to the "
        "blocking call, lower is better; *floor* is the blocking call inside an "
        "`async def`, on the loop: the least a pure-Python async API costs):",
        "",
        "| workload | " + " | ".join(LABEL.get(i, i) for i in impls) + " |",
        "|---|" + "---:|" * len(impls),
    ]
    for key in README_ROWS:
        if key not in res["order"]:
            continue
        rows = {r["impl"]: r for r in res["rows"] if r["workload"] == key}
        out.append(
            f"| {re.sub(r'^[1-7][.] ', '', wl.BY_KEY[key].title(sizes))} | "
            + " | ".join(
                fmt_ratio(rows[i]["ratio"]) if i in rows else "-" for i in impls
            )
            + " |"
        )
    http = results.get("http")
    if http:
        ours = http_row(http, "quart", "big", "ours")
        up = http_row(http, "quart", "big", UPSTREAM)
        if ours and up:
            out += [
                "",
                f"A small file server sending a 1 MiB file in 8 KiB chunks, as Quart "
                f"does: {ours['rps']:,.0f} requests/s with this library, "
                f"{up['rps']:,.0f} with aiofiles 25.1.",
            ]
    if charts:
        out += ["", "![Ratio to the blocking call, per workload](docs/img/bench.png)"]
    out += [
        "",
        "All workloads, the targets and the misses: "
        "[docs/performance.md](docs/performance.md).",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.worker:
        worker_main(args)
        return 0
    if args.render:
        with open(args.render) as f:
            results = json.load(f)
    else:
        results = run(args)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    md = report(results)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(md)
    print(md)
    charts = False
    if args.no_chart:
        print("charts skipped (--no-chart)", file=sys.stderr)
    elif chart(results, os.path.join(args.out, "bench.png")):
        charts = True
        if results.get("http"):
            http_chart(results["http"], os.path.join(args.out, "bench-http.png"))
    else:
        print("charts skipped: matplotlib is not importable", file=sys.stderr)
    if args.write_docs:
        img = os.path.join(REPO, "docs", "img")
        if charts:
            for name in ("bench.png", "bench-http.png"):
                if os.path.exists(os.path.join(args.out, name)):
                    shutil.copyfile(
                        os.path.join(args.out, name), os.path.join(img, name)
                    )
        replace_block(
            os.path.join(REPO, "docs", "performance.md"),
            "<!-- results -->",
            "<!-- /results -->",
            docs_block(results, charts),
        )
        replace_block(
            os.path.join(REPO, "README.md"),
            "<!-- figures -->",
            "<!-- /figures -->",
            readme_block(results, charts),
        )
        print("docs/performance.md, README.md and docs/img/ updated", file=sys.stderr)
    print(
        f"results: {os.path.join(args.out, 'results.md')}, results.json; "
        f"{results['meta']['wall_s']:.0f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
