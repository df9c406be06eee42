"""Sharded runs that cannot be merged half (issue 13, part 4).

A shard records which share of how many it is in its run.json; `netaccept report merge`
refuses a set with a shard missing or given twice, shards of different counts, shards mixed
with whole runs, and runs of older netaccepts that record no shard, each with exit 4 and a
message naming the shard or the directories; `--allow-partial` merges a set without its
missing shards into a run marked partial. `--shard auto` reads the share from GitLab's or
a Kubernetes Indexed Job's variables. The CI examples in docs/ci/ are run as their CI would
run them, against the lab's recordings.

Every run here is a replay of the lab's recordings: a second or so each, no SSH.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from netaccept.core.exitcodes import ExitCode
from netaccept.inventory import load_inventory
from netaccept.report.signing import generate_keypair
from netaccept.run.shard import Shard, ShardError
from tests.conftest import LAB_INVENTORY, LAB_RECORDINGS, ROOT, Result, netaccept

NAMES = sorted(d.name for d in load_inventory(LAB_INVENTORY).devices)
REPLAY = ("--inventory", str(LAB_INVENTORY), "--replay", str(LAB_RECORDINGS), "--no-progress")
# The CI's own variables, unset whatever the machine running these tests sets.
NO_CI = {"CI_NODE_INDEX": "", "CI_NODE_TOTAL": "", "JOB_COMPLETION_INDEX": ""}
DECIDED = (ExitCode.PASS, ExitCode.FAIL)  # every check decided: a complete run


def replay(out: Path, *args: str, env: Mapping[str, str] | None = None) -> Result:
    return netaccept("run", *REPLAY, *args, out=out, env={**NO_CI, **(env or {})})


def run_json(run_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    return data


def merge(out: Path, *runs: Path | str, allow_partial: bool = False) -> Result:
    extra = ["--allow-partial"] if allow_partial else []
    return netaccept("report", "merge", *map(str, runs), *extra, out=out)


def one_line(text: str) -> str:
    return " ".join(text.split())


def refused(result: Result) -> str:
    """The refusal's message (normalised to one line); and nothing was written."""
    assert result.code == ExitCode.USAGE, result.stdout + result.stderr
    assert not result.out.exists() or not any(p.is_dir() for p in result.out.iterdir())
    return one_line(result.stderr)


# ---------------------------------------------------------------- the runs


@dataclass(frozen=True)
class Runs:
    shards: dict[str, Path]  # "1/3" -> the run directory of that shard
    again: Path  # shard 1/3 run a second time
    halves: dict[str, Path]  # "1/2", "2/2"
    whole: Path  # a run without --shard


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    base = tmp_path_factory.mktemp("shard-runs")
    wanted: dict[str, tuple[str, ...]] = {f"{i}-3": ("--shard", f"{i}/3") for i in (1, 2, 3)}
    wanted |= {f"{i}-2": ("--shard", f"{i}/2") for i in (1, 2)}
    wanted |= {"again": ("--shard", "1/3"), "whole": ()}
    with ThreadPoolExecutor(4) as pool:
        futures = {name: pool.submit(replay, base / name, *args) for name, args in wanted.items()}
        made = {name: future.result() for name, future in futures.items()}
    for name, result in made.items():  # chi-gsr-02 fails bgp_neighbors in the recordings
        assert result.code in DECIDED, f"{name}: {result.stdout}{result.stderr}"
    dirs = {name: result.run_dir for name, result in made.items()}
    return Runs(
        {f"{i}/3": dirs[f"{i}-3"] for i in (1, 2, 3)},
        dirs["again"],
        {f"{i}/2": dirs[f"{i}-2"] for i in (1, 2)},
        dirs["whole"],
    )


def test_a_shard_records_its_index_and_count_in_run_json(runs: Runs) -> None:
    for text, run_dir in runs.shards.items():
        shard = Shard.parse(text)
        summary = run_json(run_dir)
        assert summary["shard"] == {"index": shard.index, "count": shard.count}
        assert [d["name"] for d in summary["devices"]] != []
        assert sorted(d["name"] for d in summary["devices"]) == shard.select(NAMES)


def test_a_run_without_shard_records_shard_null(runs: Runs) -> None:
    summary = run_json(runs.whole)
    assert "shard" in summary and summary["shard"] is None


# ---------------------------------------------------------------- merge: complete sets


def test_every_shard_merged_is_a_complete_run_that_names_its_shards(
    runs: Runs, tmp_path: Path
) -> None:
    result = merge(tmp_path, *reversed(runs.shards.values()))
    assert result.code in DECIDED, result.stderr
    summary = run_json(result.run_dir)
    assert summary["partial"] is False
    assert summary["shards"] == {"count": 3, "merged": [1, 2, 3], "missing": []}
    assert summary["shard"] is None  # the merged run is no share of anything
    assert summary["complete"] is True and summary["not_completed"] == []
    by_id = {m["id"]: m["shard"] for m in summary["merged_from"]}
    assert by_id == {d.name: {"index": int(t[0]), "count": 3} for t, d in runs.shards.items()}
    assert 'id="run-partial"' not in (result.run_dir / "index.html").read_text("utf-8")


def test_runs_without_shard_merge_as_before(runs: Runs, tmp_path: Path) -> None:
    result = merge(tmp_path, runs.whole)
    assert result.code in DECIDED, result.stderr
    summary = run_json(result.run_dir)
    assert summary["partial"] is False and summary["shards"] is None


# ---------------------------------------------------------------- merge: refusals


def test_merge_refuses_a_missing_shard_and_names_it(runs: Runs, tmp_path: Path) -> None:
    result = merge(tmp_path / "out", runs.shards["1/3"], runs.shards["3/3"])
    message = refused(result)
    assert "shard 2/3 is missing" in message
    assert "--allow-partial" in message
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_merge_names_every_missing_shard(runs: Runs, tmp_path: Path) -> None:
    message = refused(merge(tmp_path / "out", runs.shards["2/3"]))
    assert "shards 1/3 and 3/3 are missing" in message


def test_merge_refuses_a_shard_given_twice_and_names_both_directories(
    runs: Runs, tmp_path: Path
) -> None:
    result = merge(tmp_path / "out", runs.shards["1/3"], runs.again, runs.shards["2/3"],
                   runs.shards["3/3"])  # fmt: skip
    message = refused(result)
    assert f"shard 1/3 is given twice: {runs.shards['1/3']} and {runs.again}" in message, message


def test_merge_refuses_shards_of_different_counts(runs: Runs, tmp_path: Path) -> None:
    result = merge(tmp_path / "out", runs.shards["1/3"], runs.halves["2/2"])
    message = refused(result)
    assert "shards of different counts" in message, message
    assert f"{runs.shards['1/3']} is 1/3" in message and f"{runs.halves['2/2']} is 2/2" in message


def test_merge_refuses_shards_mixed_with_a_whole_run(runs: Runs, tmp_path: Path) -> None:
    message = refused(merge(tmp_path / "out", runs.shards["1/3"], runs.whole))
    assert f"{runs.whole} ran without --shard" in message, message
    assert f"{runs.shards['1/3']} is shard 1/3" in message, message


def test_merge_refuses_runs_of_different_inventories_in_one_line(
    runs: Runs, tmp_path: Path
) -> None:
    other = tmp_path / "other.yaml"
    shutil.copyfile(LAB_INVENTORY, other)
    elsewhere = replay(tmp_path / "elsewhere", "--shard", "2/2", "-i", str(other))
    assert elsewhere.code in DECIDED, elsewhere.stderr
    result = merge(tmp_path / "out", runs.halves["1/2"], elsewhere.run_dir)
    message = refused(result)
    assert "the runs differ in inventory" in message and str(other) in message
    assert "\n- " not in result.stderr  # one problem: one message, not a list


# ---------------------------------------------------------------- --allow-partial


def test_allow_partial_merges_the_shards_given_and_marks_the_run_partial(
    runs: Runs, tmp_path: Path
) -> None:
    result = merge(tmp_path, runs.shards["1/3"], runs.shards["3/3"], allow_partial=True)
    # Never a pass: the missing shard's devices were not tested.
    assert result.code == ExitCode.UNDECIDED, result.stdout + result.stderr
    summary = run_json(result.run_dir)
    assert summary["partial"] is True
    assert summary["shards"] == {"count": 3, "merged": [1, 3], "missing": [2]}
    assert summary["partial_reasons"] == ["shard 2/3 is missing"]
    missing = Shard(2, 3).select(NAMES)
    assert [n["name"] for n in summary["not_completed"]] == [
        d.name for d in load_inventory(LAB_INVENTORY).devices if d.name in missing
    ]
    assert all("shard 2/3 is missing" in n["reason"] for n in summary["not_completed"])
    assert summary["verdict"] == "incomplete" and summary["complete"] is False
    assert sorted(d["name"] for d in summary["devices"]) == sorted(set(NAMES) - set(missing))
    html = (result.run_dir / "index.html").read_text(encoding="utf-8")
    banner = html[html.index('id="run-partial"') :]
    banner = banner[: banner.index("</section>")]
    assert "Partial run" in banner and "shard 2/3 is missing" in banner
    for name in missing:
        assert f'data-device="{name}"' in banner


def test_merge_refuses_a_run_that_records_no_shard_unless_partial_is_allowed(
    runs: Runs, tmp_path: Path
) -> None:
    old = tmp_path / "old" / runs.shards["1/3"].name
    shutil.copytree(runs.shards["1/3"], old)
    summary = run_json(old)
    del summary["shard"]  # as a netaccept before this change wrote it
    (old / "run.json").write_text(json.dumps(summary), encoding="utf-8")
    shards = (old, runs.shards["2/3"], runs.shards["3/3"])

    message = refused(merge(tmp_path / "refused", *shards))
    assert f"{old}: its run.json records no shard" in message, message

    result = merge(tmp_path / "partial", *shards, allow_partial=True)
    assert result.code == ExitCode.UNDECIDED, result.stdout + result.stderr
    merged = run_json(result.run_dir)
    assert merged["partial"] is True
    assert any("records no shard" in r for r in merged["partial_reasons"])
    assert merged["not_completed"] == []  # every device is there, whatever the old run was
    assert "shard" not in next(m for m in merged["merged_from"] if m["id"] == old.name)


def test_merge_refuses_a_shard_record_that_is_no_share(runs: Runs, tmp_path: Path) -> None:
    edited = tmp_path / "edited" / runs.shards["2/3"].name
    shutil.copytree(runs.shards["2/3"], edited)
    summary = run_json(edited)
    summary["shard"] = {"index": 4, "count": 3}
    (edited / "run.json").write_text(json.dumps(summary), encoding="utf-8")
    message = refused(merge(tmp_path / "out", runs.shards["1/3"], edited, runs.shards["3/3"]))
    assert f"{edited / 'run.json'}: its shard" in message and "not an index from 1" in message


# ---------------------------------------------------------------- --shard auto


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("auto", {"CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "4"}, Shard(1, 4)),  # GitLab: from 1
        ("auto", {"CI_NODE_INDEX": "4", "CI_NODE_TOTAL": "4"}, Shard(4, 4)),
        ("auto/4", {"CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "4"}, Shard(2, 4)),
        ("auto/3", {"JOB_COMPLETION_INDEX": "0"}, Shard(1, 3)),  # Kubernetes: from 0
        ("auto/3", {"JOB_COMPLETION_INDEX": "2"}, Shard(3, 3)),
        (" AUTO / 3 ", {"JOB_COMPLETION_INDEX": "1", "CI_NODE_INDEX": ""}, Shard(2, 3)),
        ("2/3", {"JOB_COMPLETION_INDEX": "0"}, Shard(2, 3)),  # given: the variables are not read
    ],
)
def test_shard_auto_reads_the_share_from_the_ci(
    text: str, env: dict[str, str], expected: Shard
) -> None:
    assert Shard.from_option(text, env) == expected


@pytest.mark.parametrize(
    ("text", "env", "named"),
    [
        ("auto", {}, ["CI_NODE_INDEX", "CI_NODE_TOTAL", "JOB_COMPLETION_INDEX", "--shard I/N"]),
        ("auto", {"CI_NODE_TOTAL": "1"}, ["CI_NODE_INDEX", "parallel"]),  # a job without it
        ("auto", {"JOB_COMPLETION_INDEX": "0"}, ["JOB_COMPLETION_INDEX", "auto/N"]),
        ("auto", {"CI_NODE_INDEX": "2"}, ["CI_NODE_TOTAL"]),
        ("auto", {"CI_NODE_INDEX": "0", "CI_NODE_TOTAL": "4"}, ["CI_NODE_INDEX=0", "1 to 4"]),
        ("auto", {"CI_NODE_INDEX": "5", "CI_NODE_TOTAL": "4"}, ["CI_NODE_INDEX=5", "1 to 4"]),
        ("auto", {"CI_NODE_INDEX": "x", "CI_NODE_TOTAL": "4"}, ["CI_NODE_INDEX='x'"]),
        ("auto", {"CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "0"}, ["CI_NODE_TOTAL=0"]),
        ("auto/3", {"CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "4"}, ["auto/3", "CI_NODE_TOTAL=4"]),
        ("auto/3", {"JOB_COMPLETION_INDEX": "3"}, ["JOB_COMPLETION_INDEX=3", "0 to 2"]),
        ("auto/3", {"JOB_COMPLETION_INDEX": "-1"}, ["JOB_COMPLETION_INDEX='-1'"]),
        ("auto/0", {"JOB_COMPLETION_INDEX": "0"}, ["auto/0", "N"]),
        ("auto/x", {"JOB_COMPLETION_INDEX": "0"}, ["auto/x"]),
        (
            "auto/2",
            {"CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "2", "JOB_COMPLETION_INDEX": "0"},
            ["CI_NODE_INDEX", "JOB_COMPLETION_INDEX", "--shard I/N"],
        ),
    ],
)
def test_shard_auto_without_usable_variables_is_refused_naming_them(
    text: str, env: dict[str, str], named: list[str]
) -> None:
    with pytest.raises(ShardError) as refusal:
        Shard.from_option(text, env)
    message = str(refusal.value)
    assert "\n" not in message
    for word in named:
        assert word in message, message


def test_run_shard_auto_takes_gitlabs_share(tmp_path: Path) -> None:
    result = replay(tmp_path, "--shard", "auto", env={"CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "3"})
    assert result.code in DECIDED, result.stderr
    summary = run_json(result.run_dir)
    assert summary["shard"] == {"index": 2, "count": 3}
    assert sorted(d["name"] for d in summary["devices"]) == Shard(2, 3).select(NAMES)


def test_run_shard_auto_n_takes_a_kubernetes_indexed_jobs_share(tmp_path: Path) -> None:
    result = replay(tmp_path, "--shard", "auto/3", env={"JOB_COMPLETION_INDEX": "0"})
    assert result.code in DECIDED, result.stderr
    summary = run_json(result.run_dir)
    assert summary["shard"] == {"index": 1, "count": 3}
    assert sorted(d["name"] for d in summary["devices"]) == Shard(1, 3).select(NAMES)


def test_run_shard_auto_outside_a_ci_is_a_usage_error_naming_the_variables(
    tmp_path: Path,
) -> None:
    result = replay(tmp_path, "--shard", "auto")
    assert result.code == ExitCode.USAGE
    message = one_line(result.stderr)
    assert "--shard" in message
    assert "CI_NODE_INDEX" in message and "JOB_COMPLETION_INDEX" in message
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


# ---------------------------------------------------------------- docs/ci: the examples, run

EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


@dataclass(frozen=True)
class Workspace:
    """A CI job's checkout: the project's inventory and recordings, `netaccept` on PATH."""

    root: Path
    env: dict[str, str]

    @classmethod
    def make(cls, path: Path, keys: Path, extra: Mapping[str, str]) -> Workspace:
        path.mkdir(parents=True)
        (path / "inventory").symlink_to(ROOT / "inventory")
        env = {
            k: v for k, v in os.environ.items() if not k.startswith("NETACCEPT_") and k not in NO_CI
        }
        env["PATH"] = f"{keys.parent / 'bin'}{os.pathsep}{env['PATH']}"
        env["COLUMNS"] = "200"
        return cls(path, {**env, **extra})

    def script(self, lines: list[str]) -> subprocess.CompletedProcess[str]:
        """The lines in one shell that stops at the first failing line, as a CI runner does."""
        return subprocess.run(
            ["bash", "-c", "set -eo pipefail\n" + "\n".join(lines)],
            cwd=self.root, env=self.env, capture_output=True, text=True, timeout=300,
            check=False, stdin=subprocess.DEVNULL,
        )  # fmt: skip


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    """A signing key pair, and a `netaccept` command on PATH that runs this checkout's."""
    base = tmp_path / "keys"
    base.mkdir()
    generate_keypair(base / "signing.pem", base / "signing.pub")
    shim = tmp_path / "bin" / "netaccept"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m netaccept "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    return base


def _example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docs" / "ci" / name).read_text("utf-8"))
    return data


def _copy_artifacts(source: Path, target: Path, patterns: list[str]) -> None:
    for pattern in patterns:
        for found in source.glob(pattern):
            relative = found.relative_to(source)
            if found.is_dir():
                shutil.copytree(found, target / relative, dirs_exist_ok=True)
            else:
                (target / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(found, target / relative)


def _merged_run(workspace: Workspace, out: str) -> dict[str, Any]:
    runs = [p for p in (workspace.root / out).iterdir() if (p / "run.json").is_file()]
    assert len(runs) == 1, runs
    return run_json(runs[0])


def test_the_gitlab_ci_example_runs_its_shards_and_merges_them(tmp_path: Path, keys: Path) -> None:
    pipeline = _example("gitlab-ci.yml")
    shard_job, merge_job = pipeline["acceptance"], pipeline["merge"]
    assert pipeline["stages"].index(shard_job["stage"]) < pipeline["stages"].index(
        merge_job["stage"]
    )
    assert merge_job["when"] == "always"  # it must run, and refuse, when a shard failed
    count = int(shard_job["parallel"])
    variables = {
        **{k: str(v) for k, v in pipeline.get("variables", {}).items()},
        "NETACCEPT_SIGN_KEY": str(keys / "signing.pem"),  # CI/CD variables of type File
        "NETACCEPT_PUBLIC_KEY": str(keys / "signing.pub"),
    }
    merging = Workspace.make(tmp_path / "merge", keys, variables)
    for index in range(1, count + 1):
        job = Workspace.make(
            tmp_path / f"shard-{index}",
            keys,
            {**variables, "CI_NODE_INDEX": str(index), "CI_NODE_TOTAL": str(count)},
        )
        done = job.script(shard_job["script"])
        assert done.returncode in DECIDED, done.stdout + done.stderr
        _copy_artifacts(job.root, merging.root, shard_job["artifacts"]["paths"])
    done = merging.script(merge_job["script"])
    # The merged run's exit code, once the signatures were verified (even when a check failed).
    assert done.returncode in DECIDED, done.stdout + done.stderr
    assert re.search(r"^VERIFIED: ", done.stdout, re.MULTILINE), done.stdout
    merged = _merged_run(merging, "reports")
    assert merged["partial"] is False
    assert merged["shards"] == {"count": count, "merged": list(range(1, count + 1)),
                                "missing": []}  # fmt: skip
    assert sorted(d["name"] for d in merged["devices"]) == NAMES

    # A shard job that failed before writing anything: the merge job refuses, naming it.
    shutil.rmtree(merging.root / "reports")
    shutil.rmtree(merging.root / "shards" / "2")
    done = merging.script(merge_job["script"])
    assert done.returncode == ExitCode.USAGE, done.stdout + done.stderr
    assert f"shard 2/{count} is missing" in one_line(done.stderr)


def test_the_github_actions_example_runs_its_matrix_and_merges_it(
    tmp_path: Path, keys: Path
) -> None:
    workflow = _example("github-actions.yml")
    shard_job, merge_job = workflow["jobs"]["acceptance"], workflow["jobs"]["merge"]
    assert merge_job["needs"] == "acceptance"
    assert shard_job["strategy"]["fail-fast"] is False
    matrix = shard_job["strategy"]["matrix"]["shard"]
    secrets = {
        "secrets.NETACCEPT_SIGN_KEY": (keys / "signing.pem").read_text("utf-8"),
        "vars.NETACCEPT_PUBLIC_KEY": (keys / "signing.pub").read_text("utf-8"),
    }
    merging = Workspace.make(tmp_path / "merge", keys, {"RUNNER_TEMP": str(tmp_path / "t0")})
    (tmp_path / "t0").mkdir()
    download = next(
        s["with"] for s in merge_job["steps"] if "download-artifact" in s.get("uses", "")
    )
    assert download.get("merge-multiple") is True
    for n, value in enumerate(matrix, 1):
        context = {**secrets, "matrix.shard": str(value)}
        (tmp_path / f"t{n}").mkdir()
        job = Workspace.make(
            tmp_path / f"shard-{n}", keys, {"RUNNER_TEMP": str(tmp_path / f"t{n}")}
        )
        _github_steps(job, shard_job, context)
        upload = next(
            s["with"] for s in shard_job["steps"] if "upload-artifact" in s.get("uses", "")
        )
        # A directory uploaded alone: its content is the artifact's root.
        source = job.root / _expand(upload["path"], context).rstrip("/")
        shutil.copytree(source, merging.root / download["path"], dirs_exist_ok=True)
    output = _github_steps(merging, merge_job, secrets)
    assert re.search(r"^VERIFIED: ", output, re.MULTILINE), output
    merged = _merged_run(merging, "reports")
    assert merged["partial"] is False
    assert merged["shards"]["missing"] == [] and merged["shards"]["count"] == len(matrix)
    assert sorted(d["name"] for d in merged["devices"]) == NAMES


def _expand(text: str, context: Mapping[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        assert match[1] in context, f"the test does not know ${{{{ {match[1]} }}}}"
        return context[match[1]]

    return EXPRESSION.sub(value, text)


def _github_steps(workspace: Workspace, job: dict[str, Any], context: Mapping[str, str]) -> str:
    """Run the job's `run:` steps that call netaccept (the others install or move files);
    their output."""
    output = ""
    for step in job["steps"]:
        script = step.get("run")
        if not script or not re.search(r"^\s*netaccept ", script, re.MULTILINE):
            continue
        env = {k: _expand(str(v), context) for k, v in {**job.get("env", {}),
                                                        **step.get("env", {})}.items()}  # fmt: skip
        done = Workspace(workspace.root, {**workspace.env, **env}).script(
            [_expand(script, context)]
        )
        assert done.returncode in DECIDED, f"{step.get('name')}: {done.stdout}{done.stderr}"
        output += done.stdout
    assert output, f"no step of {job} runs netaccept"
    return output
