"""Signed certificates: keys, signing, and verification that names exactly what changed.

Every test builds its own run directory in tmp_path, by hand, in the format a run writes
(`reports/<run-id>/<device>/certificate.json` as in a demo run, `certificate.html`, and
`evidence/NN-<command>.txt`); none needs the lab.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from netaccept.report.signing import (
    SIGNATURE_SCHEMA,
    SigningError,
    VerifyReport,
    canonical_json,
    fingerprint,
    generate_keypair,
    load_private_key,
    load_public_key,
    sign_certificate,
    signed_payload,
    verify,
)

FINGERPRINT = re.compile(r"ed25519:SHA256:[A-Za-z0-9+/]{43}")

OUTPUTS = {
    "show version": (
        "Cisco IOS Software, 12000 Software (GSR-P-M), Version 12.0(32)SY8\n"
        "ROM: System Bootstrap, Version 12.0(20040128:214555)\n"
        "nyc-gsr-01 uptime is 41 weeks, 2 days, 3 hours\n"
        'System image file is "disk0:c12kprp-k4p-mz.120-32.SY8.bin"\n'
        "cisco 12416/PRP (MPC7457) processor with 1048576K/20480K bytes of memory.\n"
    ),
    "show inventory": (
        'NAME: "Chassis", DESCR: "Cisco 12416 16-slot Chassis"\n'
        "PID: GSR12416          , VID: V01, SN: SAD08250C1M\n"
    ),
    "show ip bgp summary": (
        "BGP router identifier 192.0.2.1, local AS number 64500\n"
        "Neighbor        V    AS MsgRcvd MsgSent   TblVer  InQ OutQ Up/Down  State/PfxRcd\n"
        "192.0.2.2       4 64500  120045  120051  9734811    0    0 41w2d        5160\n"
        "192.0.2.4       4 64500       0       0        0    0    0 never    Idle\n"
        "Caf\u00e9 ré-sumé ✓\n"
    ),
}
FILES = {
    "show version": "evidence/01-show-version.txt",
    "show inventory": "evidence/02-show-inventory.txt",
    "show ip bgp summary": "evidence/03-show-ip-bgp-summary.txt",
}
FAIL_MESSAGE = "neighbour 192.0.2.4 (AS 64500) is Idle, expected Established"


def build_device(run_dir: Path, name: str) -> Path:
    """A device directory as a run writes it: certificate.json, certificate.html, evidence."""
    device_dir = run_dir / name
    (device_dir / "evidence").mkdir(parents=True)
    refs: dict[str, dict[str, str]] = {}
    for command, text in OUTPUTS.items():
        (device_dir / FILES[command]).write_bytes(text.encode("utf-8"))
        refs[command] = {
            "command": command,
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "file": FILES[command],
            "captured_at": "2026-11-22T19:23:24.966Z",
        }
    checks = [
        {
            "id": "bgp_neighbors",
            "line": 8,
            "schedule2": "Verify BGP neighbors",
            "status": "fail",
            "message": FAIL_MESSAGE,
            "findings": [
                {"met": False, "message": FAIL_MESSAGE},
                {"met": True, "message": "neighbour 192.0.2.2 (AS 64500) Established"},
            ],
            "evidence": [refs["show ip bgp summary"]],
        },
        {
            "id": "ios_version",
            "line": 16,
            "schedule2": "Verify IOS version",
            "status": "pass",
            "message": "running version 12.0(32)SY8, as approved",
            "findings": [{"met": True, "message": "running version 12.0(32)SY8, as approved"}],
            "evidence": [refs["show version"], refs["show inventory"]],
        },
    ]
    certificate = {
        "schema": "netaccept.certificate/1",
        "certificate_id": f"{run_dir.name}/{name}",
        "contract": {
            "agreement": "Port Access Services Agreement of June 30, 2001",
            "provider": "Example Carrier Hotels Inc.",
            "customer": "Example Backbone Corp",
            "acceptance_days_new": 5,
            "acceptance_days_repair": 2,
            "attempts_before_remedies": 2,
        },
        "device": {
            "name": name,
            "site": {"id": "NYC1", "name": "60 Hudson Street", "address": "60 Hudson St, NY"},
            "platform": "cisco_ios",
            "host": "192.0.2.1",
            "port": 22,
            "hostname_reported": name,
            "model": "GSR12416",
            "chassis_pid": "GSR12416",
            "chassis_description": "Cisco 12416 16-slot Chassis",
            "chassis_serial": "SAD08250C1M",
            "processor_board_id": None,
            "software_version": "12.0(32)SY8",
            "image": "disk0:c12kprp-k4p-mz.120-32.SY8.bin",
            "host_key": "ssh-ed25519 SHA256:AhhUqVmelA/GrMMJ/Mt/jraIKinD17kyCjhWevEVI40",
        },
        "run": {
            "id": run_dir.name,
            "started": "2026-11-22T19:23:24.284Z",
            "finished": "2026-11-22T19:23:25.974Z",
            "reason": "initial",
            "reason_text": "initial connection",
            "technician": "Jörg Doe",
            "harness": "netaccept 0.1.0",
            "transport": "ssh",
            "inventory": "inventory/pop-nyc.yaml",
        },
        "ports": [
            {
                "order": "PSO-2001-0042",
                "interface": "POS4/0",
                "speed": "OC-12",
                "customer": "Example Backbone Corp",
                "verdict": "fail",
                "checks": [
                    {k: c[k] for k in ("id", "line", "schedule2", "status", "message")}
                    | {"scope": "device"}
                    for c in checks
                ],
                "acceptance": None,
            }
        ],
        "verdict": "fail",
        "summary": {"pass": 1, "fail": 1, "error": 0, "skipped": 0},
        "scope": "partial",
        "not_run": [
            {"id": "flash", "line": 17, "schedule2": "Verify Flash", "reason": "not selected"}
        ],
        "identity_errors": [],
        "checks": checks,
        "evidence": list(refs.values()),
    }
    text = json.dumps(certificate, indent=2, ensure_ascii=False) + "\n"
    (device_dir / "certificate.json").write_bytes(text.encode("utf-8"))
    rows = "".join(
        f"<tr><td>{c['id']}</td><td>{str(c['status']).upper()}</td><td>{c['message']}</td></tr>"
        for c in checks
    )
    html = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{name}</title></head>"
        f"<body><h1>Acceptance certificate {name}: FAIL</h1><table>{rows}</table>"
        + "".join(f"<pre>{t}</pre>" for t in OUTPUTS.values())
        + "</body></html>\n"
    )
    (device_dir / "certificate.html").write_bytes(html.encode("utf-8"))
    return device_dir


@dataclass(frozen=True)
class Keys:
    private: Path
    public: Path
    fingerprint: str


def make_keys(directory: Path, passphrase: bytes | None = None) -> Keys:
    private, public = directory / "signing.key", directory / "signing.pub"
    return Keys(private, public, generate_keypair(private, public, passphrase=passphrase))


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    return make_keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def other_keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    return make_keys(tmp_path_factory.mktemp("other-keys"))


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return tmp_path / "reports" / "20261122T192324Z-d5ff03"


@pytest.fixture
def device(run_dir: Path, keys: Keys) -> Path:
    """A signed device directory."""
    device_dir = build_device(run_dir, "nyc-gsr-01")
    sign_certificate(device_dir, keys.private)
    return device_dir


def flip(path: Path, offset: int, mask: int = 0x01) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= mask
    path.write_bytes(bytes(data))


def offset_of(path: Path, needle: str) -> int:
    offset = path.read_bytes().find(needle.encode("utf-8"))
    assert offset >= 0, f"{needle!r} not in {path}"
    return offset


def problems_naming(report: VerifyReport, file: str) -> list[str]:
    return [p for p in report.problems if f": {file}:" in p or f" {file} " in p]


def assert_fails_naming(report: VerifyReport, file: str) -> None:
    assert not report.ok and report.status == "FAILED", report.render()
    assert problems_naming(report, file), report.render()
    assert "FAILED" in report.render()


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- keys


def test_keygen_writes_a_0600_private_key_and_a_public_key(tmp_path: Path) -> None:
    keys = make_keys(tmp_path / "keys")
    assert stat.S_IMODE(keys.private.stat().st_mode) == 0o600
    assert stat.S_IMODE(keys.public.stat().st_mode) == 0o644
    assert keys.private.read_text().startswith("-----BEGIN PRIVATE KEY-----\n")
    assert keys.public.read_text().startswith("-----BEGIN PUBLIC KEY-----\n")
    assert FINGERPRINT.fullmatch(keys.fingerprint)
    assert sorted(p.name for p in keys.private.parent.iterdir()) == ["signing.key", "signing.pub"]


def test_fingerprints_are_stable_and_agree_between_the_two_halves(tmp_path: Path) -> None:
    keys = make_keys(tmp_path)
    private = load_private_key(keys.private)
    assert fingerprint(private.public_key()) == keys.fingerprint
    assert fingerprint(load_public_key(keys.public)) == keys.fingerprint
    assert fingerprint(load_public_key(keys.public)) == keys.fingerprint  # read again
    assert make_keys(tmp_path / "second").fingerprint != keys.fingerprint


def test_fingerprint_is_sha256_of_the_raw_public_key_unpadded() -> None:
    # RFC 8032, section 7.1, test 1.
    secret = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    public = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    key = Ed25519PrivateKey.from_private_bytes(secret).public_key()
    expected = base64.b64encode(hashlib.sha256(bytes.fromhex(public)).digest()).decode()
    assert expected.endswith("=")
    assert fingerprint(key) == "ed25519:SHA256:" + expected.rstrip("=")


def test_keygen_never_overwrites_a_key(tmp_path: Path) -> None:
    keys = make_keys(tmp_path)
    before = keys.private.read_bytes(), keys.public.read_bytes()
    with pytest.raises(SigningError, match="already exists"):
        generate_keypair(keys.private, tmp_path / "new.pub")
    with pytest.raises(SigningError, match="already exists"):
        generate_keypair(tmp_path / "new.key", keys.public)
    assert (keys.private.read_bytes(), keys.public.read_bytes()) == before
    assert not (tmp_path / "new.key").exists()  # nothing half-made
    assert not (tmp_path / "new.pub").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["signing.key", "signing.pub"]
    with pytest.raises(SigningError, match="two different files"):
        generate_keypair(tmp_path / "same", tmp_path / "same")


def test_a_passphrase_encrypts_the_private_key(tmp_path: Path, run_dir: Path) -> None:
    passphrase = b"correct horse battery staple"
    keys = make_keys(tmp_path / "keys", passphrase=passphrase)
    assert keys.private.read_text().startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----\n")
    device_dir = build_device(run_dir, "nyc-gsr-01")
    for wrong in (None, b"wrong"):
        with pytest.raises(SigningError) as caught:
            sign_certificate(device_dir, keys.private, passphrase=wrong)
        assert passphrase.decode() not in str(caught.value)
        assert "passphrase" in str(caught.value)
    assert not (device_dir / "certificate.sig").exists()
    sign_certificate(device_dir, keys.private, passphrase=passphrase)
    assert verify(device_dir, keys.public).status == "VERIFIED"
    with pytest.raises(SigningError, match="empty"):
        generate_keypair(tmp_path / "k2", tmp_path / "k2.pub", passphrase=b"")


def test_a_private_key_given_as_the_public_key_is_refused_without_echoing_it(
    keys: Keys, device: Path
) -> None:
    with pytest.raises(SigningError) as caught:
        verify(device, keys.private)
    message = str(caught.value)
    assert "private key" in message
    body = "".join(keys.private.read_text().splitlines()[1:-1])
    assert body not in message and body[:16] not in message


# ---------------------------------------------------------------- canonical form


def test_canonical_json_ignores_key_order_and_whitespace() -> None:
    one = json.loads('{"b": [1, {"y": null, "x": true}], "a": "caf\\u00e9 \u2713"}')
    two = json.loads('{\n  "a":"café ✓",\n\t"b" : [ 1 , { "x" : true , "y" : null } ]\n}')
    assert canonical_json(one) == canonical_json(two)
    assert canonical_json(one) == '{"a":"café ✓","b":[1,{"x":true,"y":null}]}'.encode()
    assert canonical_json({"b": 1, "a": 2}) != canonical_json({"a": 1, "b": 2})
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})


def test_canonical_form_of_a_certificate_survives_reformatting(device: Path) -> None:
    data = json.loads((device / "certificate.json").read_text(encoding="utf-8"))
    compact = json.dumps(data, separators=(",", ":"), ensure_ascii=True)
    reordered = json.dumps(dict(reversed(list(data.items()))), indent=4)
    assert canonical_json(json.loads(compact)) == canonical_json(data)
    assert canonical_json(json.loads(reordered)) == canonical_json(data)


# ---------------------------------------------------------------- sign and verify


def test_sign_writes_a_signature_over_certificate_evidence_and_html(
    device: Path, keys: Keys
) -> None:
    signature = json.loads((device / "certificate.sig").read_text(encoding="utf-8"))
    assert set(signature) == {"schema", "algorithm", "key", "signed_at", "manifest", "signature"}
    assert signature["schema"] == SIGNATURE_SCHEMA
    assert signature["algorithm"] == "ed25519"
    assert signature["key"] == keys.fingerprint
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", signature["signed_at"])
    expected = ["SHA256SUMS", "SHA256SUMS.sig", "certificate.html", "certificate.json"]
    assert sorted(signature["manifest"]) == [*expected, *sorted(FILES.values())]
    for name, sha in signature["manifest"].items():
        assert sha == sha256_file(device / name)
    # The documented payload, rebuilt independently, is what was signed.
    certificate = json.loads((device / "certificate.json").read_bytes())
    payload = json.dumps(
        {"certificate": certificate, "manifest": signature["manifest"]},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")
    assert payload == signed_payload(certificate, signature["manifest"])
    load_public_key(keys.public).verify(base64.b64decode(signature["signature"]), payload)
    assert not [p for p in device.iterdir() if p.name.startswith(".")]  # no temp files left


def test_sign_then_verify_is_ok(device: Path, keys: Keys) -> None:
    report = verify(device, keys.public)
    assert report.ok and report.authenticated and report.status == "VERIFIED"
    assert report.problems == []
    assert any("signature valid" in line for line in report.checked)
    # 3 evidence, html, json, SHA256SUMS and SHA256SUMS.sig
    assert sum("matches" in line for line in report.checked) == 7
    text = report.render()
    assert text.startswith("VERIFIED")
    assert keys.fingerprint in text and "nyc-gsr-01" in text


def test_verify_accepts_a_certificate_json_a_device_or_a_run_directory(
    device: Path, run_dir: Path, keys: Keys
) -> None:
    for target in (device, device / "certificate.json", run_dir):
        report = verify(target, keys.public)
        assert report.status == "VERIFIED", report.render()
        assert [d.name for d in report.devices] == ["nyc-gsr-01"]


def test_verify_with_the_wrong_public_key_says_the_key_does_not_match(
    device: Path, keys: Keys, other_keys: Keys
) -> None:
    report = verify(device, other_keys.public)
    assert not report.ok and not report.authenticated
    lines = problems_naming(report, "certificate.sig")
    assert any("does not match" in p for p in lines), report.render()
    assert any(keys.fingerprint in p and other_keys.fingerprint in p for p in lines)


def test_verify_without_a_key_checks_integrity_but_is_labelled_unverified(
    device: Path, keys: Keys
) -> None:
    report = verify(device)
    assert report.ok and report.problems == []
    assert not report.authenticated
    assert report.status == "UNVERIFIED-KEY"
    assert report.devices[0].signature == "unchecked"
    text = report.render()
    assert text.startswith("UNVERIFIED-KEY")
    assert "authenticity cannot be established" in text
    assert "VERIFIED:" not in text.replace("UNVERIFIED-KEY:", "")
    # Integrity is still checked without a key.
    flip(device / FILES["show version"], 5)
    tampered = verify(device)
    assert_fails_naming(tampered, FILES["show version"])


# ---------------------------------------------------------------- tampering


# Where to flip a byte in certificate.json: a unique needle, and offsets within it.
CERTIFICATE_SPOTS: dict[str, tuple[str, tuple[int, ...]]] = {
    "check message": ('\n      "message": "neighbour 192.0.2.4 (AS 64500) is Idle', (29, 50)),
    "finding message": ('{\n          "met": false,\n          "message": "neigh', (52,)),
    "certificate verdict": ('\n  "verdict": "fail"', (15, 18)),
    "check status": ('\n      "status": "fail"', (18, 21)),
    "finding met": ('"met": false', (7, 11)),
    "evidence hash": (
        f'"sha256": "{hashlib.sha256(OUTPUTS["show version"].encode()).hexdigest()}"',
        (11, 40, 74),
    ),
    "evidence file name": ('"file": "evidence/01', (10, 19)),
    "chassis serial": ("SAD08250C1M", (0, 10)),
    "summary count": ('"pass": 1', (8,)),
    "a key name": ('"technician"', (1, 10)),
    "non-ASCII text": ("Jörg", (1, 2)),
    "indentation": ('\n  "verdict"', (1, 2)),
    "first and last byte": ("{", (0,)),
}


@pytest.mark.parametrize("spot", sorted(CERTIFICATE_SPOTS))
@pytest.mark.parametrize("mask", [0x01, 0x20, 0x80, 0xFF])
def test_a_flipped_byte_in_certificate_json_is_named(
    device: Path, keys: Keys, spot: str, mask: int
) -> None:
    path = device / "certificate.json"
    original = path.read_bytes()
    signed = sha256_file(path)
    needle, positions = CERTIFICATE_SPOTS[spot]
    offsets = [offset_of(path, needle) + p for p in positions]
    if spot == "first and last byte":
        offsets.append(len(original) - 1)
    for offset in offsets:
        flip(path, offset, mask)
        found = sha256_file(path)
        for key in (keys.public, None):
            report = verify(device, key)
            assert_fails_naming(report, "certificate.json")
            named = problems_naming(report, "certificate.json")
            assert any(signed in p and found in p for p in named), report.render()
        path.write_bytes(original)
        assert verify(device, keys.public).ok


def test_the_spots_are_where_they_claim(device: Path) -> None:
    text = (device / "certificate.json").read_bytes()
    for spot, (needle, positions) in CERTIFICATE_SPOTS.items():
        if spot in ("check message", "finding message", "certificate verdict", "check status"):
            assert text.count(needle.encode()) == 1, spot
        assert all(0 <= p < len(needle.encode()) for p in positions), spot
    needle, positions = CERTIFICATE_SPOTS["check message"]
    at = offset_of(device / "certificate.json", needle)
    assert text[at + 19 : at + 28] == b"neighbour" and min(positions) >= 19
    needle, (first, last) = CERTIFICATE_SPOTS["certificate verdict"]
    at = offset_of(device / "certificate.json", needle)
    assert text[at + first : at + last + 1] == b"fail"
    assert text.count(needle.encode()) == 1


def test_a_valid_json_edit_of_a_check_message_breaks_the_signature(
    device: Path, keys: Keys
) -> None:
    path = device / "certificate.json"
    path.write_bytes(path.read_bytes().replace(b"is Idle, expected", b"is Idla, expected", 1))
    report = verify(device, keys.public)
    assert_fails_naming(report, "certificate.json")
    assert any("signature does not verify" in p for p in problems_naming(report, "certificate.sig"))


def test_flipped_bytes_all_across_certificate_json_are_named(device: Path, keys: Keys) -> None:
    """Every whitespace byte (where a change could leave the parsed JSON equal) and every
    third byte elsewhere, with a different bit each time: each flip fails, naming the file."""
    path = device / "certificate.json"
    original = path.read_bytes()
    offsets = [i for i, byte in enumerate(original) if i % 3 == 0 or byte in b" \n"]
    missed = []
    for offset in offsets:
        data = bytearray(original)
        data[offset] ^= (0x01, 0x02, 0x40, 0x80, 0x29)[offset % 5]  # 0x29: space <-> tab
        path.write_bytes(bytes(data))
        report = verify(device, keys.public)
        if report.ok or not problems_naming(report, "certificate.json"):
            missed.append(offset)
    path.write_bytes(original)
    assert not missed, f"undetected flips at offsets {missed[:10]}"


def test_whitespace_only_change_to_certificate_json_is_named_as_formatting(
    device: Path, keys: Keys
) -> None:
    path = device / "certificate.json"
    path.write_bytes(path.read_bytes().replace(b'\n  "verdict"', b'\n\t"verdict"'))
    report = verify(device, keys.public)
    assert_fails_naming(report, "certificate.json")
    assert any("formatting only" in p for p in report.problems), report.render()


def test_a_rewritten_verdict_is_caught_even_with_a_valid_json(device: Path, keys: Keys) -> None:
    path = device / "certificate.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["verdict"] = "pass"
    data["checks"][0]["status"] = "pass"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    report = verify(device, keys.public)
    assert_fails_naming(report, "certificate.json")
    assert any("signature does not verify" in p for p in problems_naming(report, "certificate.sig"))


@pytest.mark.parametrize("name", sorted(FILES.values()))
def test_a_flipped_byte_in_an_evidence_file_is_named_with_both_hashes(
    device: Path, keys: Keys, name: str
) -> None:
    path = device / name
    signed = sha256_file(path)
    size = path.stat().st_size
    for offset in (0, size // 2, size - 1):
        original = path.read_bytes()
        flip(path, offset)
        found = sha256_file(path)
        for key in (keys.public, None):
            report = verify(device, key)
            assert_fails_naming(report, name)
            named = problems_naming(report, name)
            assert any(signed in p and found in p for p in named), report.render()
            assert all("nyc-gsr-01" in p for p in report.problems)
            others = set(FILES.values()) - {name}
            assert not any(other in p for p in report.problems for other in others)
        path.write_bytes(original)


@pytest.mark.parametrize("offset", [0, 1000, -1])
def test_a_flipped_byte_in_certificate_html_is_named(device: Path, keys: Keys, offset: int) -> None:
    path = device / "certificate.html"
    signed = sha256_file(path)
    flip(path, offset % path.stat().st_size)
    report = verify(device, keys.public)
    assert_fails_naming(report, "certificate.html")
    assert any(signed in p and sha256_file(path) in p for p in report.problems)


def test_a_deleted_evidence_file_is_named_missing(device: Path, keys: Keys) -> None:
    path = device / FILES["show inventory"]
    signed = sha256_file(path)
    path.unlink()
    for key in (keys.public, None):
        report = verify(device, key)
        assert_fails_naming(report, FILES["show inventory"])
        assert any("missing" in p and signed in p for p in report.problems), report.render()


def test_a_deleted_certificate_html_is_named_missing(device: Path, keys: Keys) -> None:
    (device / "certificate.html").unlink()
    report = verify(device, keys.public)
    assert_fails_naming(report, "certificate.html")
    assert any("missing" in p for p in report.problems)


@pytest.mark.parametrize(
    "cut",
    [lambda n: 0, lambda n: 1, lambda n: 40, lambda n: n // 2, lambda n: n - 2],
    ids=["empty", "1 byte", "40 bytes", "half", "all but 2 bytes"],
)
def test_a_truncated_signature_is_a_problem_not_a_traceback(
    device: Path, keys: Keys, cut: Callable[[int], int]
) -> None:
    path = device / "certificate.sig"
    data = path.read_bytes()
    path.write_bytes(data[: cut(len(data))])
    for key in (keys.public, None):
        report = verify(device, key)
        assert_fails_naming(report, "certificate.sig")
        assert any("malformed" in p for p in report.problems), report.render()


@pytest.mark.parametrize(
    "mutate",
    [
        lambda s: s.update(schema="netaccept.signature/9"),
        lambda s: s.update(algorithm="rsa"),
        lambda s: s.update(key="ed25519:SHA256:short"),
        lambda s: s.update(signature="not base64!"),
        lambda s: s.update(signature=base64.b64encode(b"x" * 63).decode()),
        lambda s: s.update(manifest={}),
        lambda s: s.update(manifest={"../../etc/passwd": "0" * 64}),
        lambda s: s.update(manifest={"certificate.json": "NOT-HEX"}),
        lambda s: s.pop("manifest"),
    ],
)
def test_a_malformed_signature_document_is_a_problem(
    device: Path, keys: Keys, mutate: Callable[[dict[str, object]], object]
) -> None:
    path = device / "certificate.sig"
    data = json.loads(path.read_text(encoding="utf-8"))
    mutate(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    report = verify(device, keys.public)
    assert_fails_naming(report, "certificate.sig")


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{",
        b"[]",
        b"\xff\xfe{}",
        b'{"schema": "netaccept.certificate/1", "evidence": NaN}',
        b'{"schema": "netaccept.certificate/1", "evidence": [{"file": "x"}]}',
        b'{"schema": "netaccept.certificate/1", "evidence": [{"file": "../x", "sha256": "0"}]}',
        b'{"schema": "other/1", "evidence": []}',
        b"[" * 100_000,
    ],
)
def test_a_malformed_certificate_is_a_problem_not_a_traceback(
    device: Path, keys: Keys, content: bytes
) -> None:
    (device / "certificate.json").write_bytes(content)
    for key in (keys.public, None):
        report = verify(device, key)
        assert_fails_naming(report, "certificate.json")
        assert report.render()


def test_a_deleted_certificate_json_is_named(device: Path, keys: Keys) -> None:
    (device / "certificate.json").unlink()
    report = verify(device, keys.public)
    assert_fails_naming(report, "certificate.json")
    assert any("missing" in p for p in problems_naming(report, "certificate.json"))


def test_an_unsigned_certificate_is_named(run_dir: Path, keys: Keys) -> None:
    device_dir = build_device(run_dir, "nyc-gsr-01")
    report = verify(device_dir, keys.public)
    assert_fails_naming(report, "certificate.sig")
    assert any("not signed" in p for p in report.problems)


def test_a_signature_from_another_key_is_refused(
    device: Path, keys: Keys, other_keys: Keys
) -> None:
    # Re-signed by someone else, who states their own key: the key does not match.
    sign_certificate(device, other_keys.private)
    report = verify(device, keys.public)
    assert_fails_naming(report, "certificate.sig")
    assert any("does not match" in p for p in report.problems), report.render()
    # Re-signed by someone else, who claims to be us: the signature does not verify.
    path = device / "certificate.sig"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["key"] = keys.fingerprint
    path.write_text(json.dumps(data), encoding="utf-8")
    report = verify(device, keys.public)
    assert_fails_naming(report, "certificate.sig")
    assert any("signature does not verify" in p for p in report.problems), report.render()
    assert verify(device, other_keys.public).ok is False  # and the key field was forged


def test_a_replaced_manifest_entry_is_named(device: Path, keys: Keys) -> None:
    path = device / "certificate.sig"
    original = path.read_text(encoding="utf-8")
    for name in ("certificate.html", "certificate.json", FILES["show version"]):
        data = json.loads(original)
        data["manifest"][name] = hashlib.sha256(b"something else").hexdigest()
        path.write_text(json.dumps(data), encoding="utf-8")
        report = verify(device, keys.public)
        assert not report.ok
        entry = [p for p in problems_naming(report, "certificate.sig") if name in p]
        assert entry and "altered" in entry[0], report.render()
        assert sha256_file(device / name) in entry[0]
        assert data["manifest"][name] in entry[0]
        unverified = verify(device)  # without the key, the mismatch is still named
        assert_fails_naming(unverified, name)
    path.write_text(original, encoding="utf-8")
    assert verify(device, keys.public).ok


def test_a_file_replaced_together_with_its_manifest_entry_is_caught(
    device: Path, keys: Keys
) -> None:
    path = device / "certificate.sig"
    original = path.read_text(encoding="utf-8")
    # An evidence file: the certificate's own hash still names it.
    evidence = device / FILES["show ip bgp summary"]
    evidence.write_text("192.0.2.4       4 64500  1 1 1 0 0 1d  Established\n", encoding="utf-8")
    data = json.loads(original)
    data["manifest"][FILES["show ip bgp summary"]] = sha256_file(evidence)
    path.write_text(json.dumps(data), encoding="utf-8")
    report = verify(device, keys.public)
    assert_fails_naming(report, FILES["show ip bgp summary"])
    # The human copy: only the signature can tell, and it does.
    evidence.write_text(OUTPUTS["show ip bgp summary"], encoding="utf-8")
    html = device / "certificate.html"
    html.write_text(html.read_text(encoding="utf-8").replace("Idle", "Established"), "utf-8")
    data = json.loads(original)
    data["manifest"]["certificate.html"] = sha256_file(html)
    path.write_text(json.dumps(data), encoding="utf-8")
    report = verify(device, keys.public)
    assert_fails_naming(report, "certificate.sig")
    assert any("signature does not verify" in p for p in report.problems), report.render()


def test_a_manifest_entry_added_after_signing_is_named(device: Path, keys: Keys) -> None:
    (device / "evidence" / "99-planted.txt").write_text("planted\n", encoding="utf-8")
    path = device / "certificate.sig"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["manifest"]["evidence/99-planted.txt"] = sha256_file(device / "evidence/99-planted.txt")
    path.write_text(json.dumps(data), encoding="utf-8")
    report = verify(device, keys.public)
    assert_fails_naming(report, "certificate.sig")
    assert any("99-planted" in p for p in report.problems)


def test_a_file_added_to_evidence_after_signing_fails_verification(
    device: Path, keys: Keys
) -> None:
    # Issue 12: anything in a signed device directory that the signature does not cover.
    (device / "evidence" / "99-extra.txt").write_text("extra\n", encoding="utf-8")
    report = verify(device, keys.public)
    assert_fails_naming(report, "evidence/99-extra.txt")
    assert any("not covered by the signature" in p for p in report.problems)


@pytest.mark.parametrize(
    ("copy", "content"),
    [
        ("certificate.xml", b'<?xml version="1.0"?><certificate verdict="fail"/>\n'),
        ("certificate.pdf", b"%PDF-1.7\n1 0 obj << /Verdict (fail) >> endobj\n%%EOF\n"),
    ],
)
def test_other_copies_are_covered_when_present_and_refused_when_added_later(
    run_dir: Path, keys: Keys, copy: str, content: bytes
) -> None:
    device_dir = build_device(run_dir, "nyc-gsr-01")
    path = device_dir / copy
    path.write_bytes(content)
    sign_certificate(device_dir, keys.private)
    manifest = json.loads((device_dir / "certificate.sig").read_text(encoding="utf-8"))["manifest"]
    assert manifest[copy] == sha256_file(path)
    assert verify(device_dir, keys.public).ok
    flip(path, offset_of(path, "fail"))
    assert_fails_naming(verify(device_dir, keys.public), copy)
    path.unlink()
    assert_fails_naming(verify(device_dir, keys.public), copy)
    sign_certificate(device_dir, keys.private)  # re-signed without it
    path.write_bytes(content.replace(b"fail", b"pass"))
    report = verify(device_dir, keys.public)
    assert_fails_naming(report, copy)
    assert any("not covered by the signature" in p for p in report.problems)


# ---------------------------------------------------------------- run directories


def test_a_run_with_two_devices_names_only_the_tampered_one(run_dir: Path, keys: Keys) -> None:
    for name in ("nyc-gsr-01", "chi-xr-01"):
        sign_certificate(build_device(run_dir, name), keys.private)
    (run_dir / "run.json").write_text(
        json.dumps({"schema": "netaccept.run/1", "devices": [{"name": "nyc-gsr-01"}]}),
        encoding="utf-8",
    )
    assert verify(run_dir, keys.public).status == "VERIFIED"
    flip(run_dir / "chi-xr-01" / FILES["show version"], 10)
    report = verify(run_dir, keys.public)
    assert not report.ok
    assert [d.name for d in report.devices] == ["chi-xr-01", "nyc-gsr-01"]
    assert [d.status for d in report.devices] == ["FAILED", "VERIFIED"]
    assert report.problems and all(p.startswith("chi-xr-01: ") for p in report.problems)
    assert not any("nyc-gsr-01" in p for p in report.problems)
    assert any(FILES["show version"] in p for p in report.problems)
    text = report.render()
    assert "FAILED: 1 of 2 devices" in text


def test_a_device_listed_in_run_json_whose_files_vanished_is_named(
    run_dir: Path, keys: Keys
) -> None:
    for name in ("nyc-gsr-01", "chi-xr-01"):
        sign_certificate(build_device(run_dir, name), keys.private)
    (run_dir / "run.json").write_text(
        json.dumps({"devices": [{"name": "nyc-gsr-01"}, {"name": "chi-xr-01"}]}),
        encoding="utf-8",
    )
    shutil.rmtree(run_dir / "chi-xr-01")
    report = verify(run_dir, keys.public)
    assert not report.ok
    assert {p.split(":")[0] for p in report.problems} == {"chi-xr-01"}


def test_swapped_device_directories_are_named(run_dir: Path, keys: Keys) -> None:
    for name in ("nyc-gsr-01", "chi-xr-01"):
        sign_certificate(build_device(run_dir, name), keys.private)
    (run_dir / "nyc-gsr-01").rename(run_dir / "tmp")
    (run_dir / "chi-xr-01").rename(run_dir / "nyc-gsr-01")
    (run_dir / "tmp").rename(run_dir / "chi-xr-01")
    report = verify(run_dir, keys.public)
    assert not report.ok
    assert any("certifies device 'chi-xr-01'" in p for p in report.problems), report.render()


def test_verify_usage_errors_raise_signing_error(tmp_path: Path, keys: Keys) -> None:
    with pytest.raises(SigningError, match="no such file"):
        verify(tmp_path / "nowhere", keys.public)
    (tmp_path / "empty").mkdir()
    with pytest.raises(SigningError, match=r"no certificate\.json"):
        verify(tmp_path / "empty", keys.public)
    (tmp_path / "notes.txt").write_text("hello\n", encoding="utf-8")
    with pytest.raises(SigningError, match=r"not a certificate\.json"):
        verify(tmp_path / "notes.txt", keys.public)
    with pytest.raises(SigningError, match="no such public key"):
        verify(tmp_path, tmp_path / "missing.pub")
    (tmp_path / "garbage.pub").write_text("not a key\n", encoding="utf-8")
    with pytest.raises(SigningError, match="not a PEM public key"):
        verify(tmp_path, tmp_path / "garbage.pub")


# ---------------------------------------------------------------- signing refuses


def test_sign_refuses_evidence_that_does_not_match_the_certificate(
    run_dir: Path, keys: Keys
) -> None:
    device_dir = build_device(run_dir, "nyc-gsr-01")
    flip(device_dir / FILES["show version"], 3)
    with pytest.raises(SigningError, match="01-show-version"):
        sign_certificate(device_dir, keys.private)
    (device_dir / FILES["show version"]).unlink()
    with pytest.raises(SigningError, match="missing"):
        sign_certificate(device_dir, keys.private)
    assert not (device_dir / "certificate.sig").exists()


def test_sign_refuses_a_path_outside_the_device_directory(run_dir: Path, keys: Keys) -> None:
    device_dir = build_device(run_dir, "nyc-gsr-01")
    path = device_dir / "certificate.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["evidence"][0]["file"] = "../../../etc/passwd"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SigningError, match="relative path"):
        sign_certificate(device_dir, keys.private)


def test_sign_refuses_a_malformed_certificate(run_dir: Path, keys: Keys) -> None:
    device_dir = build_device(run_dir, "nyc-gsr-01")
    (device_dir / "certificate.json").write_text('{"schema": ', encoding="utf-8")
    with pytest.raises(SigningError, match="not valid JSON"):
        sign_certificate(device_dir, keys.private)


def test_nothing_secret_is_written_or_reported(device: Path, keys: Keys) -> None:
    body = "".join(keys.private.read_text().splitlines()[1:-1])
    raw = load_private_key(keys.private).private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    secrets = {body, raw.hex(), base64.b64encode(raw).decode()}
    texts = [p.read_text(encoding="utf-8") for p in device.rglob("*") if p.is_file()]
    texts += [verify(device, keys.public).render(verbose=True), verify(device).render()]
    assert not [s for s in secrets for t in texts if s in t]
