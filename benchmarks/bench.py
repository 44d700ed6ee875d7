"""Benchmarks on synthetic dumps: ``python -m benchmarks.bench [--sizes 1000 10000 100000] [--stages ...]``.

For every size, a synthetic dump is generated once (cached under ``data/cache/bench/<n>/dump``)
and every stage runs in its own process (``benchmarks.stages``) so peak memory is per stage:

* ``read``: raw read rate of the dump, every byte like ``cat``, from disk (pages evicted first)
  and from the page cache;
* ``load`` (load+clean+dedupe), ``embed``, ``topics``, ``actors``, ``frames``, ``report``: cold
  (``ANALYSIS_CACHE_DIR`` an empty folder) then warm (the same folder again); the report gets its
  own empty cache folder, so its cold run is the whole pipeline from scratch;
* ``baseline``: plain ``BERTopic()`` defaults on the same article texts (up to ``--baseline-max``);
* ``actors_full`` / ``actors_fast``: both actor paths, each cold, and the F1 of their
  (article, actor) pairs (up to ``--agreement-max``).

Wall time, articles/s and peak RSS (the process tree's summed PSS, polled) go to
``results.csv``; ``results.md`` adds ratios (load rate / raw read rate, 10x-size time ratios,
warm/cold, topics vs plain BERTopic, fast vs full actors) and PASS/MISS per target. Rows of
sizes and stages not rerun are kept, so ``--sizes 100000`` adds to an earlier 1k/10k run.
A stage that runs past ``--timeout`` is stopped and recorded with a linear extrapolation.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from analysis import paths

BENCH_DIR = paths.CACHE_DIR / "bench"
DEFAULT_OUT = paths.REPORTS_DIR / "bench"
SIZES = (1000, 10000, 100000)
CACHED_STAGES = ("load", "embed", "topics", "actors", "frames", "report")
STAGES = ("read", *CACHED_STAGES, "baseline", "agreement")
POLL_SECONDS = 0.2
MEMORY_SECONDS = 2.0  # between memory samples (reading PSS walks every mapping of the tree)

# Targets of issue 7 on this 2-core machine.
LOAD_SHARE_OF_READ = 0.30
COLD_REPORT_SECONDS = 15 * 60
PEAK_RSS_MB = 8 * 1024
WARM_REPORT_SECONDS = 60
MAX_TENFOLD_RATIO = 11.0
TARGET_SIZE = 100000

CSV_FIELDS = (
    "size",
    "stage",
    "mode",
    "status",
    "seconds",
    "process_seconds",
    "articles_per_s",
    "peak_rss_mb",
    "load_avg",
    "figures",
)


@dataclass
class Row:
    """One measured (or estimated) stage run."""

    size: int
    stage: str
    mode: str  # cold, warm or once
    status: str  # ok, failed, timeout, estimate
    seconds: float | None = None  # the stage's own work
    process_seconds: float | None = None  # the whole process: interpreter, imports, loading articles
    articles_per_s: float | None = None
    peak_rss_mb: float | None = None
    load_avg: float | None = None  # 1-minute load average when the stage started (2 cores)
    figures: dict[str, Any] = field(default_factory=dict)


# --- dumps and processes ----------------------------------------------------------------------


def ensure_dump(size: int) -> tuple[Path, dict[str, Any]]:
    """Return the cached synthetic dump of ``size`` articles and its summary, generating it once."""
    from benchmarks.synthetic import write_synthetic_dump

    folder = BENCH_DIR / str(size)
    dump, summary_file = folder / "dump", folder / "summary.json"
    if summary_file.exists() and dump.is_dir():
        return dump, json.loads(summary_file.read_text(encoding="utf-8"))
    shutil.rmtree(dump, ignore_errors=True)  # a generation that was cut short
    print(f"[{size}] generating synthetic dump ...", flush=True)
    started = time.perf_counter()
    summary = write_synthetic_dump(dump, n_articles=size, seed=0)
    summary.pop("duplicate_pairs")
    summary["seconds"] = round(time.perf_counter() - started, 2)
    summary_file.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return dump, summary


def fresh_dir(folder: Path) -> Path:
    """Empty ``folder`` (a cache folder of this benchmark) and return it."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def run_stage(
    stage: str,
    dump: Path,
    *,
    cache: Path,
    cold: bool,
    log: Path,
    timeout: float,
    extra: list[str] | None = None,
) -> tuple[str, dict[str, Any], float, float]:
    """Run one stage in a fresh process; return status, figures, wall seconds and peak RSS in MB.

    Peak RSS is the larger of the process tree's summed proportional set size (polled; the
    report runs a Jupyter kernel per notebook, spaCy forks workers) and the kernel's own
    high-water mark of the largest process.
    """
    import psutil

    result = log.with_suffix(".json")
    result.unlink(missing_ok=True)
    command = [sys.executable, "-m", "benchmarks.stages", stage, str(dump), str(result), *(extra or [])]
    if cold:
        command.append("--cold")
    env = {**os.environ, "ANALYSIS_CACHE_DIR": str(cache), "PYTHONPATH": str(paths.PROJECT_DIR)}
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as handle:
        process = subprocess.Popen(
            command,
            cwd=paths.PROJECT_DIR,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        tree = psutil.Process(process.pid)
        peak, next_sample = 0.0, 0.0
        status, usage = None, None
        while status is None:
            pid, wait_status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                process.returncode = os.waitstatus_to_exitcode(wait_status)
                status = "ok" if process.returncode == 0 else "failed"
                break
            if time.perf_counter() >= next_sample:  # reading PSS walks the page tables: not too often
                peak = max(peak, _tree_rss(tree))
                next_sample = time.perf_counter() + MEMORY_SECONDS
            if time.perf_counter() - started > timeout:
                _stop(process)
                status = "timeout"
                break
            time.sleep(POLL_SECONDS)
    wall = time.perf_counter() - started
    if usage is not None:
        peak = max(peak, usage.ru_maxrss * 1024)  # ru_maxrss is in KiB on Linux
    figures = json.loads(result.read_text(encoding="utf-8")) if status == "ok" else {}
    if status == "failed":
        figures["error"] = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:]
    return status, figures, wall, peak / 2**20


def _tree_rss(process) -> float:
    """Resident memory of a process and its children, pages they share counted once (PSS).

    spaCy's worker processes are forked from the stage process; summing their RSS would count
    every page they share with it (the loaded articles, the models) twice.
    """
    import psutil

    total = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0.0
    for member in members:
        try:
            total += member.memory_full_info().pss
        except psutil.Error:
            continue
    return float(total)


def _stop(process: subprocess.Popen) -> None:
    """Stop a stage that ran out of time: its whole process group, politely first."""
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


# --- the run ----------------------------------------------------------------------------------


def measure(
    stage: str,
    size: int,
    mode: str,
    dump: Path,
    *,
    cache: Path,
    logs: Path,
    timeout: float,
    n_articles: int,
    extra: list[str] | None = None,
) -> Row:
    """Run one stage and turn its outcome into a ``Row``."""
    load_avg = os.getloadavg()[0]
    name = f"{size}-{stage}-{mode}"
    print(f"[{size}] {stage} ({mode}) ...", end=" ", flush=True)
    status, figures, wall, peak = run_stage(
        stage, dump, cache=cache, cold=mode == "cold", log=logs / f"{name}.log", timeout=timeout, extra=extra
    )
    seconds = figures.pop("seconds", None)
    process_seconds = figures.pop("process_seconds", None) or wall
    row = Row(
        size=size,
        stage=stage,
        mode=mode,
        status=status,
        seconds=seconds if seconds is not None else (wall if status == "timeout" else None),
        process_seconds=process_seconds,
        articles_per_s=n_articles / seconds if seconds else None,
        peak_rss_mb=peak,
        load_avg=load_avg,
        figures=figures,
    )
    shown = f"{row.seconds:.1f} s" if row.seconds is not None else "-"
    print(f"{status} {shown}, peak {peak:.0f} MB", flush=True)
    return row


def run_size(size: int, stages: list[str], args: argparse.Namespace, table: dict) -> None:
    """Run the chosen stages on the dump of ``size`` articles, saving results after each stage."""
    dump, summary = ensure_dump(size)
    n_articles = int(summary["articles"])
    folder = BENCH_DIR / str(size)
    logs = folder / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    common = {"logs": logs, "timeout": args.timeout, "n_articles": n_articles}

    def save(row: Row) -> None:
        if row.status == "timeout":
            row.figures["estimate_s"] = extrapolate(table, row)
        table[(row.size, row.stage, row.mode)] = row
        write_results(table, args.out)

    if "read" in stages:
        save(measure("read", size, "once", dump, cache=folder / "cache-read", **common))
    stage_cache = folder / "cache-stages"
    report_cache = folder / "cache-report"
    for mode in ("cold", "warm"):
        if mode == "cold":
            fresh_dir(stage_cache)
            fresh_dir(report_cache)
        for stage in CACHED_STAGES:
            if stage not in stages or (stage == "report" and size > args.report_max):
                continue
            cache = report_cache if stage == "report" else stage_cache
            previous = table.get((size, stage, "cold"))
            if mode == "warm" and (previous is None or previous.status != "ok"):
                continue  # nothing cached to rerun on
            save(measure(stage, size, mode, dump, cache=cache, **common))
    if "baseline" in stages and size <= args.baseline_max:
        save(measure("baseline", size, "once", dump, cache=stage_cache, **common))
    if "agreement" in stages and size <= args.agreement_max:
        pairs = {method: folder / f"pairs-{method}.json" for method in ("full", "fast")}
        for path in pairs.values():
            path.unlink(missing_ok=True)
        for method in ("full", "fast"):
            cache = fresh_dir(folder / f"cache-actors-{method}")
            row = measure(
                f"actors_{method}",
                size,
                "cold",
                dump,
                cache=cache,
                extra=["--pairs", str(pairs[method])],
                **common,
            )
            if method == "fast" and row.status == "ok" and pairs["full"].exists():
                row.figures.update(agreement(pairs["full"], pairs["fast"]))
            save(row)
    for name in ("cache-read", "cache-actors-full", "cache-actors-fast"):
        shutil.rmtree(folder / name, ignore_errors=True)


def agreement(full_file: Path, fast_file: Path) -> dict[str, float]:
    """F1 of the fast path's (article, actor) and (article, speaker) pairs against the full path's."""
    full = json.loads(full_file.read_text(encoding="utf-8"))
    fast = json.loads(fast_file.read_text(encoding="utf-8"))
    scores = {}
    for kind in ("mentions", "quotes"):
        truth = {tuple(pair) for pair in full[kind]}
        found = {tuple(pair) for pair in fast[kind]}
        hits = len(truth & found)
        precision = hits / len(found) if found else 0.0
        recall = hits / len(truth) if truth else 0.0
        f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
        scores.update({f"{kind}_precision": precision, f"{kind}_recall": recall, f"{kind}_f1": f1})
        scores[f"{kind}_pairs_full"] = len(truth)
        scores[f"{kind}_pairs_fast"] = len(found)
    return scores


def extrapolate(table: dict, row: Row) -> float | None:
    """Linear estimate of a stopped stage's time from the largest smaller size where it finished."""
    done = sorted(
        (size, other.seconds)
        for (size, stage, mode), other in table.items()
        if stage == row.stage
        and mode == row.mode
        and size < row.size
        and other.status == "ok"
        and other.seconds
    )
    if not done:
        return None
    size, seconds = done[-1]
    return max(row.seconds or 0.0, seconds * row.size / size)


# --- results ----------------------------------------------------------------------------------


def read_results(out: Path) -> dict[tuple[int, str, str], Row]:
    """Return the rows of an earlier ``results.csv`` (empty when there is none)."""
    table: dict[tuple[int, str, str], Row] = {}
    path = out / "results.csv"
    if not path.exists():
        return table
    with path.open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            numbers = {
                key: (float(record[key]) if record[key] not in ("", None) else None)
                for key in ("seconds", "process_seconds", "articles_per_s", "peak_rss_mb", "load_avg")
            }
            row = Row(
                size=int(record["size"]),
                stage=record["stage"],
                mode=record["mode"],
                status=record["status"],
                figures=json.loads(record["figures"] or "{}"),
                **numbers,
            )
            table[(row.size, row.stage, row.mode)] = row
    return table


def _sorted_rows(table: dict) -> list[Row]:
    order = {
        stage: index
        for index, stage in enumerate(("read", *CACHED_STAGES, "baseline", "actors_full", "actors_fast"))
    }
    modes = {"once": 0, "cold": 1, "warm": 2}
    return sorted(
        table.values(), key=lambda row: (row.size, order.get(row.stage, 99), modes.get(row.mode, 9))
    )


def write_results(table: dict, out: Path) -> None:
    """Write ``results.csv`` and ``results.md`` from every row measured so far."""
    out.mkdir(parents=True, exist_ok=True)
    rows = _sorted_rows(table)
    with (out / "results.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            record = asdict(row)
            record["figures"] = json.dumps(row.figures, sort_keys=True, default=str)
            for key in ("seconds", "process_seconds", "articles_per_s", "peak_rss_mb", "load_avg"):
                record[key] = "" if record[key] is None else f"{record[key]:.3f}"
            writer.writerow(record)
    (out / "results.md").write_text(render_markdown(table), encoding="utf-8")


def _fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _detail(row: Row) -> str:
    keys = {
        "read": ("disk_mb_per_s", "page_cache_mb_per_s"),
        "load": ("mb_per_s", "articles", "duplicates", "words"),
        "embed": ("unit", "units", "embedder", "units_per_s"),
        "topics": ("unit", "units", "embedder", "topics", "outlier_share", "clustering"),
        "baseline": ("units", "topics", "outlier_share"),
        "actors": ("method", "words_per_s", "mentions", "quotes"),
        "actors_full": ("words_per_s", "mentions", "quotes"),
        "actors_fast": ("words_per_s", "mentions", "quotes", "mentions_f1", "quotes_f1"),
        "frames": ("sentences", "embedded_sentences", "generic_seconds", "policy_seconds"),
        "report": ("notebook_seconds", "other_seconds", "failed"),
    }.get(row.stage, ())
    parts = []
    for key in (*keys, "estimate_s", "error"):
        value = row.figures.get(key)
        if value in (None, ""):
            continue
        if isinstance(value, dict):
            value = ", ".join(f"{name} {number}" for name, number in value.items())
        elif isinstance(value, float):
            value = f"{value:.3f}" if abs(value) < 10 else f"{value:,.0f}"
        parts.append(f"{key}={value}")
    return "; ".join(str(part).replace("|", "/") for part in parts)


def _get(table: dict, size: int, stage: str, mode: str) -> Row | None:
    row = table.get((size, stage, mode))
    return row if row is not None and row.status == "ok" else None


def _verdict(ok: bool, margin: str) -> str:
    return f"**{'PASS' if ok else 'MISS'}** ({margin})"


def render_markdown(table: dict) -> str:
    """Return the Markdown page: measurements, ratios and PASS/MISS per target."""
    rows = _sorted_rows(table)
    sizes = sorted({row.size for row in rows})
    loads = [row.load_avg for row in rows if row.load_avg is not None]
    lines = [
        "# Benchmarks on synthetic dumps",
        "",
        f"Machine: {os.cpu_count()} CPU cores, {platform.machine()}, Python {platform.python_version()}; "
        f"shared with other jobs: 1-minute load average at stage starts "
        f"{min(loads, default=0):.2f}–{max(loads, default=0):.2f}. "
        "Generated by `python -m benchmarks.bench`.",
        "",
        "`seconds` is the stage's own work; `process s` adds interpreter start, imports and reading the "
        "articles (from the load cache). Articles/s counts every article of the dump (duplicates included). "
        "Peak RSS is the process tree's (proportional set size, shared pages counted once). "
        "Cold = empty `ANALYSIS_CACHE_DIR`; warm = the same folder again. "
        "`embed` embeds what `model_topics` embeds, so the cold `topics` row reuses those embeddings.",
        "",
        "| articles | stage | mode | status | seconds | process s | articles/s | peak RSS MB | load avg "
        "| details |",
        "|---:|---|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.size:,} | {row.stage} | {row.mode} | {row.status} | {_fmt(row.seconds)} | "
            f"{_fmt(row.process_seconds)} | {_fmt(row.articles_per_s)} | {_fmt(row.peak_rss_mb, 0)} | "
            f"{_fmt(row.load_avg, 2)} | {_detail(row)} |"
        )
    lines += ["", "## Ratios", ""]
    lines += _ratio_lines(table, sizes)
    lines += ["", "## Targets", ""]
    lines += _target_lines(table, sizes)
    return "\n".join(lines) + "\n"


def _ratio_lines(table: dict, sizes: list[int]) -> list[str]:
    lines = []
    for size in sizes:
        read, load = _get(table, size, "read", "once"), _get(table, size, "load", "cold")
        if read and load:
            rate, disk = load.figures["mb_per_s"], read.figures["disk_mb_per_s"]
            lines.append(
                f"- {size:,}: load+clean+dedupe {rate:.2f} MB/s = {rate / disk:.1%} of the "
                f"disk read rate ({read.figures['disk_mb_per_s']:.0f} MB/s), "
                f"{rate / read.figures['page_cache_mb_per_s']:.2%} of the page-cache read rate "
                f"({read.figures['page_cache_mb_per_s']:.0f} MB/s)."
            )
    for small in sizes:
        if small * 10 not in sizes:
            continue
        parts = []
        for stage in (*CACHED_STAGES, "baseline"):
            for mode in ("cold", "warm", "once"):
                one, ten = _get(table, small, stage, mode), _get(table, small * 10, stage, mode)
                if one and ten and one.seconds:
                    parts.append(f"{stage} {mode} {ten.seconds / one.seconds:.1f}×")
        if parts:
            lines.append(f"- {small:,} → {small * 10:,} articles, time ratio: " + ", ".join(parts) + ".")
    for size in sizes:
        parts = []
        for stage in CACHED_STAGES:
            cold, warm = _get(table, size, stage, "cold"), _get(table, size, stage, "warm")
            if cold and warm and cold.seconds:
                parts.append(f"{stage} {warm.seconds / cold.seconds:.2f}")
        if parts:
            lines.append(f"- {size:,}: warm/cold time: " + ", ".join(parts) + ".")
    for size in sizes:
        embed, topics = _get(table, size, "embed", "cold"), _get(table, size, "topics", "cold")
        baseline = _get(table, size, "baseline", "once")
        if embed and topics and baseline:
            ours = embed.seconds + topics.seconds
            peak = max(embed.peak_rss_mb, topics.peak_rss_mb)
            lines.append(
                f"- {size:,}: topics (embed+fit, cold) {ours:.1f} s / peak {peak:.0f} MB vs plain BERTopic "
                f"defaults {baseline.seconds:.1f} s / peak {baseline.peak_rss_mb:.0f} MB: "
                f"{baseline.seconds / ours:.1f}× faster; {topics.figures.get('topics')} topics "
                f"({topics.figures.get('outlier_share', 0):.1%} outliers) vs "
                f"{baseline.figures.get('topics')} "
                f"({baseline.figures.get('outlier_share', 0):.1%} outliers)."
            )
    for size in sizes:
        full, fast = _get(table, size, "actors_full", "cold"), _get(table, size, "actors_fast", "cold")
        if full and fast and "mentions_f1" in fast.figures:
            f = fast.figures
            lines.append(
                f"- {size:,}: actors fast vs full: (article, actor) F1 {f['mentions_f1']:.3f} "
                f"(P {f['mentions_precision']:.3f}, R {f['mentions_recall']:.3f}); (article, speaker) F1 "
                f"{f['quotes_f1']:.3f} (P {f['quotes_precision']:.3f}, R {f['quotes_recall']:.3f}); "
                f"time {fast.seconds:.1f} s vs {full.seconds:.1f} s, peak {fast.peak_rss_mb:.0f} MB vs "
                f"{full.peak_rss_mb:.0f} MB."
            )
    for size in sizes:
        frames = _get(table, size, "frames", "cold")
        if frames:
            f = frames.figures
            warm = _get(table, size, "frames", "warm")
            warm_rate = (
                f"; warm (cached embeddings) {2 * f['sentences'] / warm.seconds:,.0f} sentences/s "
                "over both codebooks"
                if warm
                else ""
            )
            lines.append(
                f"- {size:,}: framing, {f['sentences']:,} sentences ({f['embedded_sentences']:,} embedded): "
                f"cold generic codebook (embeds) {f['sentences'] / f['generic_seconds']:,.0f} sentences/s, "
                f"then policy codebook (embeddings cached) {f['sentences'] / f['policy_seconds']:,.0f} "
                f"sentences/s{warm_rate}."
            )
    return lines or ["- (not enough stages measured yet)"]


def _stage_sum(table: dict, size: int, mode: str) -> tuple[float | None, float | None, list[str]]:
    """Sum of the pipeline stages' seconds (measured, else the extrapolated estimate) and max peak."""
    total, peak, notes = 0.0, 0.0, []
    for stage in ("load", "embed", "topics", "actors", "frames"):
        row = table.get((size, stage, mode))
        if row is None:
            return None, None, notes
        if row.status == "ok":
            total += row.seconds
        elif row.figures.get("estimate_s"):
            total += row.figures["estimate_s"]
            notes.append(f"{stage} extrapolated")
        else:
            return None, None, notes
        peak = max(peak, row.peak_rss_mb or 0.0)
    return total, peak, notes


def _target_lines(table: dict, sizes: list[int]) -> list[str]:
    lines = []
    for size in sizes:
        read, load = _get(table, size, "read", "once"), _get(table, size, "load", "cold")
        if read and load:
            share = load.figures["mb_per_s"] / read.figures["disk_mb_per_s"]
            lines.append(
                f"- load+clean+dedupe ≥ {LOAD_SHARE_OF_READ:.0%} of raw (disk) read rate, {size:,}: "
                + _verdict(
                    share >= LOAD_SHARE_OF_READ, f"{share:.1%}, {share / LOAD_SHARE_OF_READ:.2f}× target"
                )
            )
    report = _get(table, TARGET_SIZE, "report", "cold")
    if report:
        lines.append(
            f"- cold report on {TARGET_SIZE:,} ≤ {COLD_REPORT_SECONDS / 60:.0f} min: "
            + _verdict(report.seconds <= COLD_REPORT_SECONDS, f"measured {report.seconds / 60:.1f} min")
        )
        lines.append(
            f"- cold report peak RSS ≤ {PEAK_RSS_MB / 1024:.0f} GB: "
            + _verdict(report.peak_rss_mb <= PEAK_RSS_MB, f"measured {report.peak_rss_mb / 1024:.2f} GB")
        )
    else:
        total, peak, notes = _stage_sum(table, TARGET_SIZE, "cold")
        if total is not None:
            how = f"; {', '.join(notes)}" if notes else ""
            lines.append(
                f"- cold report on {TARGET_SIZE:,} ≤ {COLD_REPORT_SECONDS / 60:.0f} min: "
                + _verdict(
                    total <= COLD_REPORT_SECONDS,
                    f"report not run at this size; the pipeline stages alone take {total / 60:.1f} min{how} "
                    "(a lower bound: the notebooks also parse for word choice and render)",
                )
            )
            lines.append(
                f"- peak RSS ≤ {PEAK_RSS_MB / 1024:.0f} GB at {TARGET_SIZE:,}: "
                + _verdict(peak <= PEAK_RSS_MB, f"largest stage {peak / 1024:.2f} GB; report not run")
            )
    for size in sizes:
        warm = _get(table, size, "report", "warm")
        if warm:
            lines.append(
                f"- warm report rerun ≤ {WARM_REPORT_SECONDS} s, {size:,}: "
                + _verdict(warm.seconds <= WARM_REPORT_SECONDS, f"measured {warm.seconds:.1f} s")
            )
    if _get(table, TARGET_SIZE, "report", "warm") is None:
        total, _, notes = _stage_sum(table, TARGET_SIZE, "warm")
        if total is not None:
            lines.append(
                f"- warm rerun ≤ {WARM_REPORT_SECONDS} s at {TARGET_SIZE:,}: "
                + _verdict(total <= WARM_REPORT_SECONDS, f"warm stages alone {total:.1f} s; report not run")
            )
    for small in sizes:
        for stage in CACHED_STAGES:
            for mode in ("cold", "warm"):
                one, ten = _get(table, small, stage, mode), _get(table, small * 10, stage, mode)
                if one and ten and one.seconds:
                    ratio = ten.seconds / one.seconds
                    lines.append(
                        f"- linear cost, {stage} {mode} {small:,} → {small * 10:,}: "
                        + _verdict(ratio <= MAX_TENFOLD_RATIO, f"{ratio:.1f}× for 10× articles")
                    )
    return lines or ["- (not enough stages measured yet)"]


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="dump sizes in articles")
    parser.add_argument("--stages", nargs="+", choices=STAGES, default=list(STAGES), help="stages to run")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="results folder (default reports/bench)"
    )
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before a stage is stopped")
    parser.add_argument(
        "--baseline-max", type=int, default=10000, help="largest size to run plain BERTopic defaults on"
    )
    parser.add_argument(
        "--agreement-max", type=int, default=1000, help="largest size to run both actor paths on"
    )
    parser.add_argument(
        "--report-max", type=int, default=1000, help="largest size to build the HTML report on"
    )
    parser.add_argument("--render", action="store_true", help="only rewrite results.md from results.csv")
    args = parser.parse_args(argv)
    table = read_results(args.out)
    if args.render:
        write_results(table, args.out)
        return 0
    for key in [key for key in table if key[0] in args.sizes]:
        stage = "agreement" if key[1] in ("actors_full", "actors_fast") else key[1]
        if stage in args.stages:
            del table[key]
    for size in sorted(args.sizes):
        run_size(size, args.stages, args, table)
    write_results(table, args.out)
    print((args.out / "results.md").read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
