"""Outputs: negsim never destroys what it did not write, and says why it cannot write.

Real files, real subprocesses, real process pools, real signals and real (tmpfs) mounts;
the one fault injection is a failing final rename, which a test cannot otherwise provoke.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest
import yaml

from negsim.cli.main import main
from tests.conftest import CliRun
from tests.stopping import DUMPING, stop, wait_for

ROOT = Path(__file__).resolve().parents[1]
GAZA = ROOT / "scenarios" / "gaza-2024-08.yaml"
VARIANT = ROOT / "scenarios" / "gaza-2024-08-israel-accepts-monitoring.yaml"
GENIUS = ROOT / "tests" / "genius"
Negsim = Callable[..., CliRun]


def sweep_args(out: Path, *extra: str) -> list[str]:
    return ["sweep", str(GAZA), "-n", "8", "--jobs", "1", "--quiet", "-o", str(out), *extra]


def compare_args(out: Path, *extra: str) -> list[str]:
    return ["compare", str(GAZA), str(VARIANT), "-n", "8", "--jobs", "1", "--quiet", "-o", str(out), *extra]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes, to show that nothing changed."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".partial", ".replaced", ".tmp")))


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small results folder of negsim's, for report and --force."""
    out = tmp_path_factory.mktemp("results") / "gaza"
    assert main(sweep_args(out)) == 0
    return out


# --force replaces only what negsim wrote -------------------------------------------------------------------------


def test_force_refuses_a_folder_holding_a_users_file(tmp_path: Path, negsim_cli: Negsim) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my own notes\n")
    result = negsim_cli(*sweep_args(out, "--force"))
    assert result.code == 2, result.err
    assert "--force replaces only a results folder that negsim wrote" in result.err
    assert "nothing was changed" in result.err
    assert snapshot(out) == {"notes.txt": b"my own notes\n"}
    assert leftovers(tmp_path) == []


def test_force_refuses_the_folder_holding_the_scenario(tmp_path: Path, negsim_cli: Negsim) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    scenario = folder / "gaza.yaml"
    shutil.copy(GAZA, scenario)
    result = negsim_cli("sweep", str(scenario), "-n", "4", "--jobs", "1", "--quiet", "-o", str(folder), "--force")
    assert result.code == 2, result.err
    assert scenario.read_bytes() == GAZA.read_bytes()
    assert sorted(p.name for p in folder.iterdir()) == ["gaza.yaml"]


def test_force_refuses_the_current_folder(tmp_path: Path, negsim_cli: Negsim, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "keep.txt").write_text("keep")
    monkeypatch.chdir(tmp_path)
    result = negsim_cli(*sweep_args(Path("."), "--force"))
    assert result.code == 2, result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


@pytest.mark.parametrize("manifest", ['{"scenario": "gaza"}', '{"kind": "something-else"}', "not json", "[1]"])
def test_force_refuses_a_manifest_that_is_not_negsims(tmp_path: Path, negsim_cli: Negsim, manifest: str) -> None:
    out = tmp_path / "other"
    out.mkdir()
    (out / "manifest.json").write_text(manifest)
    (out / "replications.csv").write_text("a,b\n1,2\n")
    before = snapshot(out)
    result = negsim_cli(*sweep_args(out, "--force"))
    assert result.code == 2, result.err
    assert "manifest.json" in result.err
    assert snapshot(out) == before


def test_force_refuses_a_results_folder_with_a_users_file_added(tmp_path: Path, results: Path,
                                                                negsim_cli: Negsim) -> None:
    out = tmp_path / "gaza"
    shutil.copytree(results, out)
    (out / "analysis.ipynb").write_text("{}")
    before = snapshot(out)
    result = negsim_cli(*sweep_args(out, "--force"))
    assert result.code == 2, result.err
    assert "'analysis.ipynb', which negsim did not write" in result.err
    assert snapshot(out) == before


def test_force_replaces_a_results_folder_of_negsims(tmp_path: Path, results: Path, negsim_cli: Negsim) -> None:
    out = tmp_path / "gaza"
    shutil.copytree(results, out)
    assert json.loads((out / "manifest.json").read_text())["kind"] == "negsim-sweep"
    result = negsim_cli(*sweep_args(out, "--force", "--seed", "3"))
    assert result.code == 0, result.err
    assert json.loads((out / "manifest.json").read_text())["seed"] == 3
    empty = tmp_path / "empty"
    empty.mkdir()
    assert negsim_cli(*sweep_args(empty)).code == 0  # an empty folder may be used, --force or not
    assert json.loads((empty / "manifest.json").read_text())["kind"] == "negsim-sweep"
    assert leftovers(tmp_path) == []


def test_sweep_into_an_existing_file_is_refused(tmp_path: Path, negsim_cli: Negsim) -> None:
    out = tmp_path / "results.txt"
    out.write_text("mine")
    result = negsim_cli(*sweep_args(out, "--force"))
    assert result.code == 2, result.err
    assert "Not a directory" in result.err
    assert out.read_text() == "mine"


def test_missing_folders_above_the_results_are_made_as_mkdir_p_makes_them(tmp_path: Path, negsim_cli: Negsim) -> None:
    out = tmp_path / "results" / "august" / "gaza"
    result = negsim_cli(*sweep_args(out))
    assert result.code == 0, result.err
    assert f"made the folder '{tmp_path / 'results' / 'august'}' for the results" in result.err
    assert (out / "manifest.json").is_file() and sorted(p.name for p in tmp_path.iterdir()) == ["results"]


def test_folders_made_for_results_that_never_came_are_removed_again(tmp_path: Path) -> None:
    from negsim.experiments.results import OutputFolder

    kept = tmp_path / "results" / "mine.txt"  # a folder the user had stays, with what it holds
    kept.parent.mkdir()
    kept.write_text("mine")
    with pytest.raises(RuntimeError), OutputFolder(tmp_path / "results" / "a" / "b" / "gaza", "sweep"):
        raise RuntimeError("a failure while the results are written")
    assert snapshot(tmp_path) == {"results/mine.txt": b"mine"} and not (tmp_path / "results" / "a").exists()


def test_a_file_in_the_way_of_a_folder_above_the_results_is_refused(tmp_path: Path, negsim_cli: Negsim) -> None:
    (tmp_path / "results").write_text("mine")
    result = negsim_cli(*sweep_args(tmp_path / "results" / "august" / "gaza"))
    assert result.code == 2, result.err
    assert "Not a directory" in result.err  # the operating system's reason
    assert (tmp_path / "results").read_text() == "mine"


def test_compare_force_refuses_a_folder_negsim_did_not_write(tmp_path: Path, negsim_cli: Negsim) -> None:
    out = tmp_path / "cmp"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    result = negsim_cli(*compare_args(out, "--force"))
    assert result.code == 2, result.err
    assert snapshot(out) == {"notes.txt": b"mine"}
    assert leftovers(tmp_path) == []


def test_compare_force_replaces_its_own_folder_and_refuses_a_sweep_folder(tmp_path: Path, results: Path,
                                                                          negsim_cli: Negsim) -> None:
    out = tmp_path / "cmp"
    assert negsim_cli(*compare_args(out)).code == 0
    assert json.loads((out / "compare.json").read_text())["kind"] == "negsim-compare"
    assert negsim_cli(*compare_args(out)).code == 2
    assert negsim_cli(*compare_args(out, "--force", "--seed", "2")).code == 0
    assert sorted(p.name for p in out.iterdir()) == ["compare.json", GAZA.stem, VARIANT.stem]
    swept = tmp_path / "swept"
    shutil.copytree(results, swept)
    before = snapshot(swept)
    assert negsim_cli(*compare_args(swept, "--force")).code == 2
    assert snapshot(swept) == before


# Single output files: only regular files are replaced, "-" is standard output ------------------------------------


def _genius_args(out: Path | str) -> list[str]:
    return ["import-genius", str(GENIUS / "job_domain.xml"), str(GENIUS / "job_candidate.xml"),
            str(GENIUS / "job_employer.xml"), "-o", str(out)]


WRITERS: dict[str, Callable[[Path, Path | str], list[str]]] = {
    "run --log": lambda results, out: ["run", str(GAZA), "--log", str(out)],
    "report -o": lambda results, out: ["report", str(results), "-o", str(out)],
    "import-genius -o": lambda results, out: _genius_args(out),
}


def _make_symlink(path: Path) -> Callable[[], bool]:
    real = path.parent / "real.txt"
    real.write_text("the user's file\n")
    path.symlink_to(real)
    return lambda: path.is_symlink() and real.read_text() == "the user's file\n"


def _make_fifo(path: Path) -> Callable[[], bool]:
    os.mkfifo(path)
    return lambda: stat.S_ISFIFO(os.lstat(path).st_mode)


def _make_device(path: Path) -> Callable[[], bool]:
    # The same device as /dev/null (major 1, minor 3), made here so the real one is never at risk.
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    return lambda: stat.S_ISCHR(os.lstat(path).st_mode) and os.lstat(path).st_rdev == os.makedev(1, 3)


def _make_socket(path: Path) -> Callable[[], bool]:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()  # the socket file stays
    return lambda: stat.S_ISSOCK(os.lstat(path).st_mode)


def _make_folder(path: Path) -> Callable[[], bool]:
    path.mkdir()
    (path / "inside.txt").write_text("x")
    return lambda: path.is_dir() and (path / "inside.txt").read_text() == "x"


THINGS: dict[str, tuple[Callable[[Path], Callable[[], bool]], str]] = {
    "symlink": (_make_symlink, "a symbolic link"),
    "fifo": (_make_fifo, "a named pipe (FIFO)"),
    "device": (_make_device, "a character device"),
    "socket": (_make_socket, "a socket"),
    "folder": (_make_folder, "a folder"),
}


@pytest.mark.parametrize("thing", list(THINGS))
@pytest.mark.parametrize("writer", list(WRITERS))
def test_an_output_path_that_is_not_a_regular_file_is_left_untouched(
        tmp_path: Path, results: Path, negsim_cli: Negsim, writer: str, thing: str) -> None:
    make, words = THINGS[thing]
    target = tmp_path / "target"
    untouched = make(target)
    result = negsim_cli(*WRITERS[writer](results, target))
    assert result.code == 2, result.err
    assert f"it is {words}" in result.err and "left it untouched" in result.err
    assert "Traceback" not in result.err
    assert untouched()
    assert leftovers(tmp_path) == []


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path, negsim_cli: Negsim) -> None:
    log = tmp_path / "events.jsonl"
    log.write_text("old")
    log.chmod(0o600)  # a private file must not become readable by others when negsim replaces it
    assert negsim_cli("run", str(GAZA), "--log", str(log)).code == 0
    assert log.read_text() != "old" and stat.S_IMODE(log.stat().st_mode) == 0o600


def test_run_log_dash_writes_the_log_to_stdout(tmp_path: Path, negsim_cli: Negsim,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = negsim_cli("run", str(GAZA), "--log", "-")
    assert result.code == 0, result.err
    entries = [json.loads(line) for line in result.out.splitlines()]
    assert entries and all("kind" in e for e in entries)
    assert list(tmp_path.iterdir()) == []


def test_run_log_dash_with_json_is_a_usage_error(tmp_path: Path, negsim_cli: Negsim,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = negsim_cli("run", str(GAZA), "--log", "-", "--json")
    assert result.code == 2
    assert "standard output" in result.err and result.out == ""
    assert list(tmp_path.iterdir()) == []


def test_report_dash_writes_html_to_stdout(tmp_path: Path, results: Path, negsim_cli: Negsim,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = negsim_cli("report", str(results), "-o", "-")
    assert result.code == 0, result.err
    assert result.out.lstrip().lower().startswith("<!doctype html") and result.out.rstrip().endswith("</html>")
    assert "report written to standard output" in result.err
    assert list(tmp_path.iterdir()) == []


def test_import_genius_dash_writes_the_scenario_to_stdout(tmp_path: Path, negsim_cli: Negsim,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = negsim_cli(*_genius_args("-"))
    assert result.code == 0, result.err
    assert yaml.safe_load(result.out)["issues"]
    assert "wrote standard output" in result.err
    assert list(tmp_path.iterdir()) == []


# The operating system's refusals: exit 2 with its reason, nothing half-written ----------------------------------


@pytest.mark.parametrize("length", [250, 300])  # 250: the name fits, its hidden partial or temporary name not
@pytest.mark.parametrize("writer", ["sweep", "run --log"])
def test_a_name_that_is_too_long_gives_the_reason(tmp_path: Path, negsim_cli: Negsim, writer: str, length: int) -> None:
    target = tmp_path / ("x" * length)
    result = negsim_cli(*(sweep_args(target) if writer == "sweep" else ["run", str(GAZA), "--log", str(target)]))
    if writer == "run --log" and length == 250:
        assert result.code == 0, result.err  # the temporary file's name is shortened to fit
        assert [p.name for p in tmp_path.iterdir()] == [target.name]
        return
    assert result.code == 2, result.err
    assert "File name too long" in result.err
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def mount_tmpfs(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """Mount a small tmpfs (we run as root); unmounted afterwards."""
    mounted: list[Path] = []

    def mount(name: str, size: str = "64k", read_only: bool = False) -> Path:
        point = tmp_path / name
        point.mkdir()
        options = f"size={size}" + (",ro" if read_only else "")
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)],
                              capture_output=True, text=True, timeout=10)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}); the failing rename test covers ENOSPC")
        mounted.append(point)
        return point

    yield mount
    for point in reversed(mounted):
        subprocess.run(["umount", "-l", str(point)], capture_output=True, timeout=10)


def test_a_full_disk_during_a_sweep_exits_2_and_leaves_nothing(mount_tmpfs: Callable[..., Path],
                                                               negsim_cli: Negsim) -> None:
    disk = mount_tmpfs("full", size="16k")
    result = negsim_cli("sweep", str(GAZA), "-n", "200", "--jobs", "1", "--quiet", "--trace", "-o", str(disk / "out"))
    assert result.code == 2, result.err
    assert "No space left on device" in result.err
    assert list(disk.iterdir()) == []


def test_a_full_disk_under_run_log_exits_2_and_leaves_nothing(mount_tmpfs: Callable[..., Path],
                                                              negsim_cli: Negsim) -> None:
    disk = mount_tmpfs("full", size="16k")
    (disk / "filler").write_bytes(b"\0" * 12 * 1024)
    result = negsim_cli("run", str(GAZA), "--log", str(disk / "events.jsonl"))
    assert result.code == 2, result.err
    assert "No space left on device" in result.err
    assert sorted(p.name for p in disk.iterdir()) == ["filler"]


@pytest.mark.parametrize("writer", ["sweep", "compare", "run --log", "report -o", "import-genius -o"])
def test_a_read_only_folder_exits_2_with_the_reason(mount_tmpfs: Callable[..., Path], results: Path,
                                                    negsim_cli: Negsim, writer: str) -> None:
    folder = mount_tmpfs("ro", read_only=True)
    target = folder / "out"
    argv = {"sweep": sweep_args(target), "compare": compare_args(target)}.get(writer)
    result = negsim_cli(*(argv or WRITERS[writer](results, target)))
    assert result.code == 2, result.err
    assert "Read-only file system" in result.err
    assert "Traceback" not in result.err


@pytest.fixture
def root_only_folder() -> Iterator[Path]:
    """A folder the user nobody can enter but not write (outside pytest's private tmp folder)."""
    folder = Path(tempfile.mkdtemp(prefix="negsim-denied-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


# The interpreter may live where nobody cannot read (here under /root): load negsim as root, then become nobody.
AS_NOBODY = ("import os, pwd, sys; import negsim.cli.main; negsim.cli.main.load_every_command(); "
             "user = pwd.getpwnam('nobody'); os.setgroups([]); "
             "os.setgid(user.pw_gid); os.setuid(user.pw_uid); sys.exit(negsim.cli.main.main(sys.argv[1:]))")


@pytest.mark.parametrize("argv", [["run", str(GAZA), "--log", "{out}"],
                                  ["sweep", str(GAZA), "-n", "2", "--jobs", "1", "--quiet", "-o", "{out}"]])
def test_permission_denied_exits_2_with_the_reason(root_only_folder: Path, argv: list[str]) -> None:
    if os.geteuid() != 0:
        pytest.skip("running a command as another user needs root")
    out = str(root_only_folder / "out")
    command = [sys.executable, "-c", AS_NOBODY, *(a.replace("{out}", out) for a in argv)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=30, cwd="/")
    assert done.returncode == 2, done.stderr
    assert "Permission denied" in done.stderr
    assert list(root_only_folder.iterdir()) == []


def test_a_failed_final_rename_keeps_the_old_results_and_leaves_nothing(
        tmp_path: Path, results: Path, negsim_cli: Negsim, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "gaza"
    shutil.copytree(results, out)
    before = snapshot(out)
    def failing(real: Callable[[str | Path, str | Path], None]) -> Callable[[str | Path, str | Path], None]:
        def rename(source: str | Path, target: str | Path) -> None:
            if str(source).endswith(".gaza.partial"):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            real(source, target)
        return rename

    monkeypatch.setattr(os, "rename", failing(os.rename))
    monkeypatch.setattr(os, "replace", failing(os.replace))
    result = negsim_cli(*sweep_args(out, "--force", "--seed", "9"))
    assert result.code == 2, result.err
    assert "No space left on device" in result.err
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


# Partial folders, their owners, and workers that die with their parent -------------------------------------------


def _owner(pid: int) -> dict[str, object]:
    boot = Path("/proc/sys/kernel/random/boot_id")
    return {"pid": pid, "host": socket.gethostname(), "boot": boot.read_text().strip() if boot.exists() else None,
            "started": "2026-01-01T00:00:00+00:00"}


def test_a_partial_folder_of_a_running_negsim_is_left_alone_and_one_of_a_dead_one_removed(
        tmp_path: Path, negsim_cli: Negsim) -> None:
    writer = subprocess.Popen(["sleep", "30"])
    try:
        partial = tmp_path / ".out.partial"
        partial.mkdir()
        (partial / "owner.json").write_text(json.dumps(_owner(writer.pid)))
        (partial / "replications.csv").write_text("replication\n0\n")
        result = negsim_cli(*sweep_args(tmp_path / "out"))
        assert result.code == 2, result.err
        assert "another negsim is writing" in result.err and str(writer.pid) in result.err
        assert (partial / "replications.csv").is_file()
    finally:
        writer.kill()
        writer.wait(timeout=10)
    result = negsim_cli(*sweep_args(tmp_path / "out"))
    assert result.code == 0, result.err
    assert f"removed '{partial}'" in result.err
    assert leftovers(tmp_path) == []


def test_a_partial_folder_that_lost_its_owner_file_is_removed_if_it_holds_only_negsims_files(
        tmp_path: Path, negsim_cli: Negsim) -> None:
    partial = tmp_path / ".out.partial"
    partial.mkdir()
    (partial / "replications.csv").write_text("replication\n0\n")
    (partial / "summary.json").write_text("{}")
    result = negsim_cli(*sweep_args(tmp_path / "out"))
    assert result.code == 0, result.err
    assert f"removed '{partial}', left by a negsim that was stopped" in result.err
    assert leftovers(tmp_path) == []


def test_a_partial_folder_negsim_did_not_write_is_refused(tmp_path: Path, negsim_cli: Negsim) -> None:
    partial = tmp_path / ".out.partial"
    partial.mkdir()
    (partial / "mine.txt").write_text("mine")
    result = negsim_cli(*sweep_args(tmp_path / "out"))
    assert result.code == 2, result.err
    assert "was not written by negsim" in result.err
    assert (partial / "mine.txt").read_text() == "mine"


def _gone(pid: int) -> bool:
    try:
        return bool(psutil.Process(pid).status() == psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return True


def test_kill_9_of_a_sweep_kills_its_workers_and_the_next_sweep_cleans_up(tmp_path: Path, negsim_cli: Negsim) -> None:
    out = tmp_path / "big"
    command = [sys.executable, "-m", "negsim", "sweep", str(GAZA), "-n", "200000", "--jobs", "2", "--chunk-size", "5",
               "--quiet", "-o", str(out)]
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        parent = psutil.Process(child.pid)
        assert wait_for(lambda: (tmp_path / ".big.partial" / "replications.csv").is_file()
                         and len(parent.children()) >= 2, 30)
        workers = [p.pid for p in parent.children(recursive=True)]
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        assert wait_for(lambda: all(_gone(pid) for pid in workers), 5), [psutil.Process(p) for p in workers]
    finally:
        child.kill()
        child.wait(timeout=10)
    assert (tmp_path / ".big.partial").is_dir()  # kill -9 cannot be caught: the next run sees to it
    result = negsim_cli(*sweep_args(out))
    assert result.code == 0, result.err
    assert "removed" in result.err and ".big.partial" in result.err and f"process {child.pid}" in result.err
    assert leftovers(tmp_path) == [] and (out / "manifest.json").is_file()


def test_an_interrupted_compare_keeps_its_sweeps_and_says_how_to_resume(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    command = [sys.executable, "-m", "negsim", "compare", str(GAZA), str(VARIANT), "-n", "200000", "--jobs", "1",
               "--quiet", "-o", str(out)]
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=DUMPING)
    if not wait_for(lambda: any(tmp_path.rglob("replications.csv")), 30):
        child.kill()
        pytest.fail("the compare did not start writing within 30 s")
    err = stop(child, signal.SIGINT, 30)
    assert child.returncode == 130, err
    assert f"`negsim compare --resume {out}` runs the rest" in err
    assert [p.name for p in tmp_path.iterdir()] == ["cmp"]  # renamed into place: no partial folder is left
    assert json.loads((out / "compare.json").read_text(encoding="utf-8"))["interrupted"] is True
    manifest = json.loads((out / "gaza-2024-08" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["interrupted"] is True and manifest["replications"] < 200_000


def _default_sighup() -> None:
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


def _start_big_sweep(tmp_path: Path, *extra: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "negsim", "sweep", str(GAZA), "-n", "200000", "--quiet",
               "-o", str(tmp_path / "big"), *extra]
    # As in a terminal session, SIGHUP takes its default action in the sweep, even when these tests
    # run under nohup (which leaves it ignored, and negsim rightly keeps an ignored SIGHUP ignored).
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                             preexec_fn=_default_sighup, env=DUMPING)
    if not wait_for(lambda: (tmp_path / ".big.partial" / "replications.csv").is_file(), 30):
        child.kill()
        pytest.fail("the sweep did not start writing within 30 s")
    return child


def test_an_interrupted_pool_sweep_stops_its_workers_at_once(tmp_path: Path) -> None:
    # Large chunks: a pool that let its workers finish their tasks would take many seconds.
    child = _start_big_sweep(tmp_path, "--jobs", "2", "--chunk-size", "500")
    try:
        time.sleep(0.5)
        workers = [p.pid for p in psutil.Process(child.pid).children()]
        started = time.monotonic()
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=60)
        took = time.monotonic() - started
    finally:
        child.kill()
        child.wait(timeout=10)
    assert child.returncode == 130, err
    assert took < 3.0, f"stopping took {took:.1f} s"
    assert err.strip().startswith("negsim: interrupted; kept the ") and err.count("\n") == 1, err
    assert all(_gone(pid) for pid in workers)
    assert [p.name for p in tmp_path.iterdir()] == ["big"]  # what ran, kept; no partial folder


def test_a_closed_terminal_sighup_keeps_what_ran(tmp_path: Path) -> None:
    child = _start_big_sweep(tmp_path, "--jobs", "1")
    err = stop(child, signal.SIGHUP, 30)
    assert child.returncode == 130, err
    assert [p.name for p in tmp_path.iterdir()] == ["big"]  # what ran, kept; no partial folder
    assert json.loads((tmp_path / "big" / "manifest.json").read_text())["interrupted"] is True


def test_an_output_naming_one_of_the_commands_inputs_is_refused(tmp_path: Path, results: Path,
                                                                 negsim_cli: Negsim) -> None:
    scenario = tmp_path / "gaza.yaml"
    shutil.copy(GAZA, scenario)
    domain = tmp_path / "job_domain.xml"
    shutil.copy(GENIUS / "job_domain.xml", domain)
    folder = tmp_path / "gaza"
    shutil.copytree(results, folder)
    before = snapshot(tmp_path)
    attempts = [
        ["run", str(scenario), "--log", str(scenario)],
        ["import-genius", str(domain), str(GENIUS / "job_candidate.xml"), str(GENIUS / "job_employer.xml"),
         "-o", str(domain)],
        ["report", str(folder), "-o", str(folder / "replications.csv")],
    ]
    for argv in attempts:
        result = negsim_cli(*argv)
        assert result.code == 2, (argv, result.err)
        assert "would overwrite" in result.err
    assert snapshot(tmp_path) == before


def test_standard_output_closed_exits_2_with_the_reason() -> None:
    command = [sys.executable, "-m", "negsim", "run", str(GAZA), "--log", "-"]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None
    child.stdout.close()  # the reader goes away before negsim writes, as `| head -1` may
    _, err = child.communicate(timeout=30)
    assert child.returncode == 2, err
    assert "cannot write to standard output: Broken pipe" in err and "Traceback" not in err


def test_standard_output_on_a_full_disk_exits_2_with_the_reason() -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "negsim", "run", str(GAZA), "--log", "-"], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=30)
    assert done.returncode == 2, done.stderr
    assert "No space left on device" in done.stderr and "Traceback" not in done.stderr


def test_results_a_killed_replacement_left_aside_are_restored(tmp_path: Path, results: Path,
                                                              negsim_cli: Negsim) -> None:
    # Killed between its two renames, a --force run leaves the old results as .NAME.replaced and no NAME.
    aside = tmp_path / ".gaza.replaced"
    shutil.copytree(results, aside)
    before = snapshot(aside)
    result = negsim_cli(*sweep_args(tmp_path / "gaza"))
    assert result.code == 2, result.err
    assert "restored" in result.err and "already holds results" in result.err
    assert snapshot(tmp_path / "gaza") == before
    assert leftovers(tmp_path) == []
