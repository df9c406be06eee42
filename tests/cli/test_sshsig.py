"""A customer checks a certificate (issue 14): who signed it, with netaccept or without.

A signed device directory carries `SHA256SUMS` and its OpenSSH signature `SHA256SUMS.sig`,
so that the real `ssh-keygen -Y verify` and `sha256sum -c` check it with no Python at all,
exactly as docs/outputs.md says; the certificate (HTML, hence PDF) names the signing key;
`netaccept sign` signs a finished run, or signs it again after a PDF was added; and
`netaccept verify` runs where `fcntl` and the other POSIX-only modules do not exist.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from netaccept.core.exitcodes import ExitCode
from netaccept.report import browser
from netaccept.report.signing import generate_keypair, load_public_key, verify
from netaccept.report.sshsig import ssh_fingerprint
from tests.conftest import LAB_INVENTORY, LAB_RECORDINGS, ROOT, netaccept
from tests.unit.test_signing import build_device

SSH_KEYGEN = shutil.which("ssh-keygen")
needs_ssh_keygen = pytest.mark.skipif(
    SSH_KEYGEN is None,
    reason="ssh-keygen is not installed (openssh-client; `make sshd` installs it in CI)",
)
SHA256SUM = shutil.which("sha256sum")
needs_sha256sum = pytest.mark.skipif(SHA256SUM is None, reason="sha256sum (coreutils) missing")
RUN_ID = "20261122T192324Z-d5ff03"
DEVICE = "nyc-gsr-01"


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`netaccept ...` in a child process, as a user runs it."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NETACCEPT_")}
    return subprocess.run(
        [sys.executable, "-m", "netaccept", *args],
        capture_output=True, text=True, env=environment, cwd=cwd or ROOT, timeout=120,
    )  # fmt: skip


def allowed_signers(printed: str, directory: Path) -> Path:
    """The allowed_signers file, from the line `netaccept sign` prints, as docs/outputs.md says."""
    prefix = "allowed_signers line for ssh-keygen -Y verify: "
    lines = [line[len(prefix) :] for line in printed.splitlines() if line.startswith(prefix)]
    assert len(lines) == 1, printed
    path = directory / "allowed_signers"
    path.write_text(lines[0] + "\n", encoding="ascii")
    return path


def ssh_keygen_verify(device_dir: Path, signers: Path) -> subprocess.CompletedProcess[bytes]:
    """The command of docs/outputs.md, run in the device directory."""
    assert SSH_KEYGEN is not None
    command = [SSH_KEYGEN, "-Y", "verify", "-f", str(signers), "-I", "netaccept",
               "-n", "netaccept-certificate", "-s", "SHA256SUMS.sig"]  # fmt: skip
    with (device_dir / "SHA256SUMS").open("rb") as sums:
        return subprocess.run(command, stdin=sums, capture_output=True, cwd=device_dir, timeout=30)


def sha256sum_check(device_dir: Path) -> subprocess.CompletedProcess[bytes]:
    assert SHA256SUM is not None
    return subprocess.run([SHA256SUM, "-c", "SHA256SUMS"], capture_output=True, cwd=device_dir,
                          timeout=30)  # fmt: skip


@pytest.fixture
def signed(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A run directory signed by `netaccept sign`: (run, device directory, allowed_signers)."""
    run = tmp_path / "reports" / RUN_ID
    device_dir = build_device(run, DEVICE)
    generate_keypair(tmp_path / "signing.key", tmp_path / "signing.pub")
    signing = cli("sign", str(run), "--key", str(tmp_path / "signing.key"))
    assert signing.returncode == ExitCode.PASS, signing.stdout + signing.stderr
    return run, device_dir, allowed_signers(signing.stdout, tmp_path)


# ---------------------------------------------------------------- without netaccept


@needs_ssh_keygen
@needs_sha256sum
def test_a_signed_certificate_verifies_with_ssh_keygen_and_sha256sum_alone(
    signed: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _run, device_dir, signers = signed
    checked = ssh_keygen_verify(device_dir, signers)
    assert checked.returncode == 0, checked.stderr
    public = load_public_key(tmp_path / "signing.pub")
    assert ssh_fingerprint(public).encode() in checked.stdout + checked.stderr
    summed = sha256sum_check(device_dir)
    assert summed.returncode == 0, summed.stdout + summed.stderr
    sums = (device_dir / "SHA256SUMS").read_text().splitlines()
    assert {line.split("  ", 1)[1] for line in sums} == {
        "certificate.json", "certificate.html", "evidence/01-show-version.txt",
        "evidence/02-show-inventory.txt", "evidence/03-show-ip-bgp-summary.txt",
    }  # fmt: skip


@needs_ssh_keygen
def test_allowed_signers_built_from_the_pem_public_key_with_openssl_verifies(
    signed: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    _run, device_dir, _signers = signed
    # The documentation's recipe, word for word: no Python, no netaccept.
    outputs = (ROOT / "docs" / "outputs.md").read_text(encoding="utf-8")
    start = outputs.index("printf 'netaccept namespaces=")
    recipe = outputs[start : outputs.index("\n```", start)]
    (tmp_path / "allowed_signers").unlink()  # the one `netaccept sign` printed
    subprocess.run(["sh", "-c", recipe], cwd=tmp_path, check=True, timeout=30)
    checked = ssh_keygen_verify(device_dir, tmp_path / "allowed_signers")
    assert checked.returncode == 0, checked.stderr


@needs_ssh_keygen
@needs_sha256sum
def test_a_tampered_sha256sums_fails_ssh_keygen_and_netaccept_verify(
    signed: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    run, device_dir, signers = signed
    evidence = device_dir / "evidence" / "01-show-version.txt"
    evidence.write_bytes(evidence.read_bytes().replace(b"12.0(32)SY8", b"12.0(33)SY9"))
    assert sha256sum_check(device_dir).returncode != 0  # the file no longer matches its line
    sums = device_dir / "SHA256SUMS"
    forged = [
        f"{__import__('hashlib').sha256(evidence.read_bytes()).hexdigest()}  {line.split('  ')[1]}"
        if line.endswith("01-show-version.txt") else line
        for line in sums.read_text().splitlines()
    ]  # fmt: skip
    sums.write_text("\n".join(forged) + "\n")
    assert sha256sum_check(device_dir).returncode == 0  # the forger's sums agree with the files
    assert ssh_keygen_verify(device_dir, signers).returncode != 0  # but are not signed
    report = verify(run, tmp_path / "signing.pub")
    assert not report.ok
    assert any("SHA256SUMS: changed after signing" in p for p in report.problems), report.render()


@needs_ssh_keygen
def test_a_tampered_sha256sums_sig_fails_both(
    signed: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    run, device_dir, signers = signed
    sig = device_dir / "SHA256SUMS.sig"
    lines = sig.read_text().splitlines()
    lines[3] = lines[3][:10] + ("A" if lines[3][10] != "A" else "B") + lines[3][11:]
    sig.write_text("\n".join(lines) + "\n")
    assert ssh_keygen_verify(device_dir, signers).returncode != 0
    report = verify(run, tmp_path / "signing.pub")
    assert any("SHA256SUMS.sig: changed after signing" in p for p in report.problems)


def test_netaccept_verify_counts_the_checksum_files_as_covered(
    signed: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    run, device_dir, _signers = signed
    report = verify(run, tmp_path / "signing.pub")
    assert report.ok, report.render()
    assert any("SHA256SUMS.sig: sha256" in line for line in report.checked)
    (device_dir / "SHA256SUMS").unlink()
    gone = verify(run, tmp_path / "signing.pub")
    assert any("SHA256SUMS: missing" in p for p in gone.problems), gone.render()


# ---------------------------------------------------------------- netaccept sign


def test_sign_again_after_a_pdf_is_added_covers_the_pdf(
    signed: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    run, device_dir, _signers = signed
    (device_dir / "certificate.pdf").write_bytes(b"%PDF-1.4\n% printed after signing\n")
    assert not verify(run, tmp_path / "signing.pub").ok  # not covered yet
    again = cli("sign", str(run), "--key", str(tmp_path / "signing.key"))
    assert again.returncode == ExitCode.PASS, again.stdout + again.stderr
    assert verify(run, tmp_path / "signing.pub").ok
    assert "  certificate.pdf\n" in (device_dir / "SHA256SUMS").read_text()


def test_sign_refuses_a_missing_run_and_fails_on_a_file_no_certificate_lists(
    signed: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    run, device_dir, _signers = signed
    key = str(tmp_path / "signing.key")
    missing = cli("sign", str(tmp_path / "nothing"), "--key", key)
    assert missing.returncode == ExitCode.USAGE and "no such file" in missing.stderr
    (device_dir / "notes.txt").write_text("added by hand\n")
    stray = cli("sign", str(run), "--key", key)
    assert stray.returncode == ExitCode.FAIL, stray.stdout + stray.stderr
    assert "notes.txt" in stray.stdout


# ---------------------------------------------------------------- a real signed run


@pytest.fixture(scope="module")
def real_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A replay of the lab signed at run time: (run directory, public key)."""
    base = tmp_path_factory.mktemp("signed-run")
    generate_keypair(base / "signing.key", base / "signing.pub")
    result = netaccept("run", "--inventory", str(LAB_INVENTORY), "--replay", str(LAB_RECORDINGS),
                       "--no-progress", "--check", "rp_memory", "--sign-key",
                       str(base / "signing.key"), out=base / "reports")  # fmt: skip
    assert result.code in (ExitCode.PASS, ExitCode.FAIL), result.stdout + result.stderr
    return result.run_dir, base / "signing.pub"


def test_the_certificate_names_its_signer_and_how_to_verify(real_run: tuple[Path, Path]) -> None:
    run, public = real_run
    key = load_public_key(public)
    signature = verify(run, public)
    assert signature.ok, signature.render()
    for device_dir in (d for d in run.iterdir() if (d / "certificate.html").is_file()):
        html = (device_dir / "certificate.html").read_text(encoding="utf-8")
        assert 'data-signed="yes"' in html
        assert signature.key is not None and signature.key in html
        assert ssh_fingerprint(key) in html
        assert "ssh-keygen -Y verify -f allowed_signers -I netaccept -n netaccept-certificate " in (
            html
        )
        assert "sha256sum -c SHA256SUMS" in html
        assert f"netaccept verify {device_dir.name} --public-key" in html


def test_an_unsigned_certificate_says_so(tmp_path: Path) -> None:
    result = netaccept("run", "--inventory", str(LAB_INVENTORY), "--replay", str(LAB_RECORDINGS),
                       "--no-progress", "--check", "rp_memory", "--device", DEVICE,
                       out=tmp_path)  # fmt: skip
    html = (result.run_dir / DEVICE / "certificate.html").read_text(encoding="utf-8")
    assert 'data-signed="no"' in html and "Not signed when this copy was made" in html


BLOCKER = """
import sys
POSIX_ONLY = {"fcntl", "termios", "resource", "pwd", "grp", "tty", "pty"}
class Windows:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in POSIX_ONLY:
            raise ImportError(f"No module named {name!r} (as on Windows)")
for name in POSIX_ONLY:
    sys.modules.pop(name, None)
sys.meta_path.insert(0, Windows())
from netaccept.cli.main import main
code = main(sys.argv[1:])
assert not POSIX_ONLY & set(sys.modules), POSIX_ONLY & set(sys.modules)
raise SystemExit(code)
"""


@pytest.mark.parametrize("command", ["verify", "pdf --help", "history --help", "checks"])
def test_verify_pdf_history_and_checks_start_without_posix_only_modules(
    real_run: tuple[Path, Path], command: str
) -> None:
    run, public = real_run
    args = command.split()
    if command == "verify":
        args += [str(run), "--public-key", str(public)]
    done = subprocess.run([sys.executable, "-c", BLOCKER, *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    if command == "verify":
        assert done.stdout.startswith("VERIFIED"), done.stdout


# ---------------------------------------------------------------- browsers


def test_chrome_and_edge_are_found_where_windows_installs_them() -> None:
    environ = {"PROGRAMFILES": r"C:\Program Files", "LOCALAPPDATA": r"C:\Users\t\AppData\Local"}
    found = [str(p).replace("\\", "/") for p in browser.install_locations("win32", environ)]
    assert "C:/Program Files/Google/Chrome/Application/chrome.exe" in found
    assert "C:/Program Files/Microsoft/Edge/Application/msedge.exe" in found
    assert "C:/Users/t/AppData/Local/Google/Chrome/Application/chrome.exe" in found
    assert browser.install_locations("linux", environ) == []


def test_chrome_is_found_in_a_macos_application_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = tmp_path / "Applications" / "Google Chrome.app" / "Contents" / "MacOS" / "Google Chrome"
    app.parent.mkdir(parents=True)
    app.write_text("#!/bin/sh\n")
    app.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("NETACCEPT_CHROMIUM", raising=False)
    monkeypatch.setattr(sys, "platform", "darwin")
    assert browser.find_chromium() == str(app)


@pytest.mark.parametrize("command", ["keygen", "sign"])
def test_a_named_but_empty_passphrase_variable_is_a_usage_error(
    command: str, tmp_path: Path
) -> None:
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    args = (
        ["keygen", "--private", str(tmp_path / "k.key"), "--public", str(tmp_path / "k.pub")]
        if command == "keygen"
        else ["sign", str(tmp_path), "--key", str(tmp_path / "k.key")]
    )
    env = {**os.environ, "COLUMNS": "200", "EMPTY_PASSPHRASE": ""}
    done = subprocess.run(
        [sys.executable, "-m", "netaccept", *args, "--passphrase-env", "EMPTY_PASSPHRASE"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 4, done.stdout + done.stderr
    assert "EMPTY_PASSPHRASE is not set or empty; it must hold the passphrase" in done.stderr
    assert not (tmp_path / "k.key").exists()
