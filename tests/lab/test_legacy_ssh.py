"""Legacy SSH on purpose: the GSRs' SHA-1-only offer, negotiated only when the inventory says so.

The lab's routers offer what their software offers (`netaccept.lab.offers`): IOS 12.0S and
IOS-XR 3.x/4.x only SHA-1 key exchange, an RSA 1024 `ssh-rsa` host key, CBC ciphers and
`hmac-sha1`. Over real SSH: without `ssh.legacy_algorithms` such a router is an `error`
that states its offer and the setting to add; with it, the session works and every weak
algorithm negotiated is on the certificate; a modern router never negotiates a weak one.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from netaccept.inventory import Device, Ssh, load_inventory
from netaccept.lab.process import LabProcess
from netaccept.lab.spec import LabCredentials, LabRouterSpec
from netaccept.platforms.registry import CLI
from netaccept.session.transport import DeviceUnavailable, HostKeySettings, SshTransport
from tests.conftest import LAB_INVENTORY, LAB_RECORDINGS, Lab, netaccept

pytestmark = pytest.mark.lab

INVENTORY = load_inventory(LAB_INVENTORY)
ROUTERS = {
    "ios": ("nyc-gsr-01", "ios-12.0s"),
    "xr": ("nyc-gsr-02", "xr-4"),
    "modern": ("chi-xr-01", "modern"),
}


@pytest.fixture(scope="module")
def offers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LabProcess, Path]]:
    credentials = LabCredentials("lab-" + secrets.token_hex(4), secrets.token_urlsafe(16), "s3")
    specs = [
        LabRouterSpec(name, INVENTORY.device(name).platform, LAB_RECORDINGS / f"{name}.json",
                      ssh_offer=offer)
        for name, offer in ROUTERS.values()
    ]  # fmt: skip
    with LabProcess(specs, credentials) as running:
        known = running.write_known_hosts(tmp_path_factory.mktemp("ssh") / "known_hosts")
        yield running, known


def device(running: LabProcess, which: str, *, legacy: bool) -> Device:
    name = ROUTERS[which][0]
    return INVENTORY.device(name).model_copy(
        update={
            "port": running.ports[name],
            "host": "127.0.0.1",
            "ssh": Ssh(legacy_algorithms=legacy),
        }
    )


def open_session(
    offers: tuple[LabProcess, Path], which: str, *, legacy: bool, monkeypatch: pytest.MonkeyPatch
) -> SshTransport:
    running, _known = offers
    monkeypatch.setenv("NETACCEPT_USERNAME", running.credentials.username)
    monkeypatch.setenv("NETACCEPT_PASSWORD", running.credentials.password)
    monkeypatch.setenv("NETACCEPT_SECRET", running.credentials.secret)
    return SshTransport(CLI, HostKeySettings(known_hosts=offers[1]))


@pytest.mark.parametrize(
    ("which", "kex"),
    [("ios", "diffie-hellman-group1-sha1, diffie-hellman-group14-sha1"),
     ("xr", "diffie-hellman-group-exchange-sha1, diffie-hellman-group14-sha1")],
)  # fmt: skip
def test_legacy_router_without_the_setting_says_its_offer_and_the_setting(
    offers: tuple[LabProcess, Path], which: str, kex: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    transport = open_session(offers, which, legacy=False, monkeypatch=monkeypatch)
    target = device(offers[0], which, legacy=False)
    with pytest.raises(DeviceUnavailable) as caught:
        transport.open(target)
    message = str(caught.value)
    assert message.startswith(f"{target.name} (127.0.0.1:{target.port}): ")
    assert "offers only legacy SSH algorithms" in message
    assert f"key exchange {kex}" in message
    assert "host keys ssh-rsa" in message
    assert "add `ssh: {legacy_algorithms: true}`" in message


@pytest.mark.parametrize("which", ["ios", "xr"])
def test_legacy_router_with_the_setting_negotiates_and_flags_every_weak_algorithm(
    offers: tuple[LabProcess, Path], which: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    transport = open_session(offers, which, legacy=True, monkeypatch=monkeypatch)
    session = transport.open(device(offers[0], which, legacy=True))
    try:
        assert session.algorithms is not None
        found = session.algorithms
        assert found.kex.endswith("-sha1") and found.host_key_type == "ssh-rsa"
        assert found.cipher.endswith("-cbc") and found.mac == "hmac-sha1"
        assert list(found.weak) == [
            f"negotiated {name}: weak, allowed by ssh.legacy_algorithms"
            for name in (found.kex, "ssh-rsa", found.cipher, "hmac-sha1")
        ]
        assert "Cisco" in session.run("show version")
    finally:
        session.close()


@pytest.mark.parametrize("legacy", [False, True])
def test_modern_router_never_negotiates_a_weak_algorithm(
    offers: tuple[LabProcess, Path], legacy: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    transport = open_session(offers, "modern", legacy=legacy, monkeypatch=monkeypatch)
    session = transport.open(device(offers[0], "modern", legacy=legacy))
    try:
        assert session.algorithms is not None
        assert session.algorithms.weak == ()
        assert session.algorithms.host_key_type == "ssh-ed25519"
    finally:
        session.close()


def test_certificates_record_the_negotiated_algorithms(lab: Lab, tmp_path: Path) -> None:
    # The built-in lab as the demo serves it: the GSRs legacy, chi-xr-01 modern.
    result = netaccept(
        "run", "--inventory", str(LAB_INVENTORY), "--no-progress", "--check", "ios_version",
        "--device", "nyc-gsr-01", "--device", "chi-xr-01", *lab.args(),
        out=tmp_path / "reports", env=lab.env(),
    )  # fmt: skip
    assert result.code == 0, result.stdout + result.stderr
    gsr = result.certificate("nyc-gsr-01")["device"]["ssh"]
    assert gsr["host_key_type"] == "ssh-rsa" and gsr["mac"] == "hmac-sha1"
    assert "negotiated ssh-rsa: weak, allowed by ssh.legacy_algorithms" in gsr["weak"]
    html = (result.run_dir / "nyc-gsr-01" / "certificate.html").read_text(encoding="utf-8")
    assert "negotiated ssh-rsa: weak, allowed by ssh.legacy_algorithms" in html
    xml = (result.run_dir / "nyc-gsr-01" / "certificate.xml").read_text(encoding="utf-8")
    assert 'hostKeyType="ssh-rsa"' in xml
    modern = result.certificate("chi-xr-01")["device"]["ssh"]
    assert modern["weak"] == [] and modern["host_key_type"] == "ssh-ed25519"
