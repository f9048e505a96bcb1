"""Does pip install this version of aiofiles next to the packages that use aiofiles?

    python .ci/check_version_pins.py dist/aiofiles-X.Y.Z-py3-none-any.whl

This distribution takes the place of upstream aiofiles, so its version must
satisfy the ``aiofiles`` requirements of the packages people install it with.
For each dependent below:

1. pip (with the machine's own index settings) fetches the metadata of its
   newest release (``pip install --dry-run --no-deps --report``: metadata
   only, no wheels), following exact pins (``langflow`` -> ``langflow-base==``
   -> ``lfx==``, which is where langflow's aiofiles requirement is);
2. for each of those a stub wheel is written holding only its ``Requires-Dist``
   lines on aiofiles and on the pinned packages;
3. pip's resolver, offline, decides ``pip install DEPENDENT==V aiofiles==OURS``
   from the stubs and the real built wheel (``--no-index --find-links``).

A dependent whose requirement rejects the version fails the check, unless it is
listed in ``KNOWN_REJECTS`` with the reason no version above 25.1.0 can please
it. Needs the network only for step 1 (the package index).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

# What users install next to aiofiles (newest release unless pinned here).
DEPENDENTS = [
    "aiogram",
    "aiogram==3.23.0",  # the oldest aiogram 3.x that accepts any aiofiles 25.x
    "quart",
    "sanic",
    "nicegui",
    "chainlit",
    "langflow",
    "datasette",
    "gradio",
    "aiogram==3.22.0",
]
# Requirements that no version above upstream's 25.1.0 can meet (they reject
# upstream's own 25.1.0 too). They must still reject: a change is news.
KNOWN_REJECTS = {
    "langflow": "langflow-base and lfx require aiofiles>=24.1.0,<25.0.0",
    "aiogram==3.22.0": "aiogram 3.13 to 3.22 require aiofiles>=23.2.1,<24.2",
}
PARALLEL = 4  # pip processes at a time (they mostly wait for the network)
FOLLOW_DEPTH = 3  # how many exact pins deep to follow (langflow needs 2)


def pip(*args: str, isolated: bool = False) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    if isolated:  # neither the machine's config nor its PIP_* settings
        env = {k: v for k, v in env.items() if not k.startswith("PIP_")}
        env["PIP_CONFIG_FILE"] = os.devnull
        args = ("--isolated", *args)
    return subprocess.run(
        [sys.executable, "-m", "pip", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


Meta = dict[str, object]


def key(meta: Meta) -> tuple[str, str]:
    return canonicalize_name(str(meta["name"])), str(meta["version"])


def requires(meta: Meta) -> list[Requirement]:
    return [Requirement(line) for line in meta.get("requires_dist") or []]  # type: ignore[attr-defined]


def fetch(requirements: list[str], scratch: Path) -> list[Meta]:
    """Metadata of what pip would install for these requirements (no dependencies)."""
    report = Path(tempfile.mkstemp(suffix=".json", dir=scratch)[1])
    done = pip(
        "install", "--dry-run", "--ignore-installed", "--no-deps", "--quiet",
        "--report", str(report), *requirements,
    )  # fmt: skip
    if done.returncode != 0:
        sys.exit(f"pip could not fetch the metadata of {requirements}:\n{done.stderr}")
    return [item["metadata"] for item in json.loads(report.read_text())["install"]]


def exact_pin(req: Requirement) -> tuple[str, str] | None:
    """(name, version) of a plain exact pin that applies here, else None."""
    if req.marker is not None and (
        "extra" in str(req.marker) or not req.marker.evaluate()
    ):
        return None
    specs = list(req.specifier)
    if len(specs) == 1 and specs[0].operator == "==" and "*" not in specs[0].version:
        return canonicalize_name(req.name), specs[0].version
    return None


def write_stub(meta: Meta, keep: set[str], where: Path) -> None:
    """A wheel with this metadata's name, version and chosen requirements only."""
    name, version = str(meta["name"]), str(meta["version"])
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    for req in requires(meta):
        if canonicalize_name(req.name) in keep:
            req.extras = set()
            lines.append(f"Requires-Dist: {req}")
    stem = f"{re.sub(r'[-_.]+', '_', name).lower()}-{version}"
    with zipfile.ZipFile(where / f"{stem}-py3-none-any.whl", "w") as whl:
        whl.writestr(f"{stem}.dist-info/METADATA", "\n".join(lines) + "\n")
        whl.writestr(
            f"{stem}.dist-info/WHEEL",
            "Wheel-Version: 1.0\nGenerator: stub\nRoot-Is-Purelib: true\n"
            "Tag: py3-none-any\n",
        )
        whl.writestr(f"{stem}.dist-info/RECORD", "")


def main() -> int:
    wheel = Path(sys.argv[1]).resolve()
    with zipfile.ZipFile(wheel) as whl:
        meta = next(n for n in whl.namelist() if n.endswith(".dist-info/METADATA"))
        found = re.search(r"^Version: (\S+)$", whl.read(meta).decode(), re.M)
    if found is None:
        sys.exit(f"no Version in the METADATA of {wheel}")
    version = found.group(1)
    print(f"aiofiles {version} ({wheel.name}) against its dependents' requirements")

    with tempfile.TemporaryDirectory(prefix="version-pins-") as tmp:
        scratch = Path(tmp)
        # 1. metadata: the newest releases in one call, each pinned one alone
        #    (pip takes one requirement per name), then exact pins, level by level.
        newest = [r for r in DEPENDENTS if "==" not in r]
        pinned = [r for r in DEPENDENTS if "==" in r]
        with ThreadPoolExecutor(PARALLEL) as pool:
            got = list(
                pool.map(
                    lambda reqs: fetch(reqs, scratch), [newest] + [[r] for r in pinned]
                )
            )
        roots = dict(zip(newest, got[0], strict=True))
        roots.update((r, g[0]) for r, g in zip(pinned, got[1:], strict=True))
        metas = {key(m): m for m in roots.values()}
        frontier = list(metas.values())
        for _ in range(FOLLOW_DEPTH):
            wanted = {
                pin
                for m in frontier
                for req in requires(m)
                if (pin := exact_pin(req)) and pin not in metas
            }
            if not wanted:
                break
            frontier = fetch(sorted(f"{n}=={v}" for n, v in wanted), scratch)
            metas.update((key(m), m) for m in frontier)

        # 2. stubs carrying only the requirements that matter, and our wheel.
        stubs = scratch / "stubs"
        stubs.mkdir()
        names = {name for name, _ in metas} | {"aiofiles"}
        for m in metas.values():
            write_stub(m, names, stubs)
        (stubs / wheel.name).write_bytes(wheel.read_bytes())

        # 3. pip's resolver decides, offline, with nothing but the stubs.
        def resolve(root: Meta) -> subprocess.CompletedProcess[str]:
            return pip(
                "install", "--dry-run", "--ignore-installed", "--no-index",
                "--find-links", str(stubs), f"{root['name']}=={root['version']}",
                f"aiofiles=={version}", isolated=True,
            )  # fmt: skip

        with ThreadPoolExecutor(PARALLEL) as pool:
            verdicts = list(pool.map(resolve, roots.values()))

        failures, news = [], []
        for (req, root), done in zip(roots.items(), verdicts, strict=True):
            exact = f"{root['name']}=={root['version']}"
            chain, todo = [], [root]
            while todo:  # the root and what it pins exactly, for the log
                m = todo.pop()
                chain.append(m)
                todo += [metas[p] for r in requires(m) if (p := exact_pin(r)) in metas]
            accepted = done.returncode == 0
            print(
                f"\n{exact}: {'accepts' if accepted else 'REJECTS'} aiofiles {version}"
            )
            for m in chain:
                ranges = [str(r) for r in requires(m) if r.name.lower() == "aiofiles"]
                if ranges or m is root:
                    print(f"    {m['name']} {m['version']} requires: "
                          f"{'; '.join(ranges) or 'no aiofiles'}")  # fmt: skip
            for line in (done.stderr + done.stdout).splitlines():
                if line.startswith(("Would install", "ERROR", "    ")) or (
                    "conflict is caused by" in line
                ):
                    print(f"    pip: {line.strip()}")
            if req in KNOWN_REJECTS:
                print(f"    known: {KNOWN_REJECTS[req]}")
                if accepted:
                    news.append(req)
            elif not accepted:
                failures.append(exact)
    if news:
        print(f"\nNOTE: now accepted, remove from KNOWN_REJECTS: {', '.join(news)}")
    if failures:
        print(
            f"\nFAILED: pip will not install aiofiles {version} next to: "
            f"{', '.join(failures)}",
            file=sys.stderr,
        )
        return 1
    print(
        f"\naiofiles {version}: pip installs it next to every dependent checked "
        f"(known exceptions: {', '.join(KNOWN_REJECTS)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
