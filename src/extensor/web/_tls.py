"""A self-signed certificate for ``extensor serve --https``, made on this computer.

Phones open the camera only on a secure page, so the live coach on a phone needs HTTPS.
:func:`ensure_certificate` makes a key and a certificate for this machine's names and
addresses once (kept in the data folder, 0600) and reuses them while they still cover the
addresses; the browser then warns once, and the terminal tells how to trust it (compare
the SHA-256 fingerprint the page shows with the one printed).

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp:
...     cert = ensure_certificate(pathlib.Path(tmp), ["127.0.0.1", "localhost"])
...     again = ensure_certificate(pathlib.Path(tmp), ["127.0.0.1", "localhost"])
...     cert.fingerprint == again.fingerprint, cert.cert_path.name
(True, 'cert.pem')
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from extensor._errors import MissingExtraError
from extensor._files import atomic_write

__all__ = ["CERT_DAYS", "Certificate", "ensure_certificate"]

#: Lifetime of the certificate: a year, then a new one is made (and trusted once again).
CERT_DAYS = 365


@dataclass(frozen=True, slots=True)
class Certificate:
    cert_path: Path
    key_path: Path
    fingerprint: str  # SHA-256, colon-separated hex


def _names(hosts: Sequence[str]) -> tuple[list[str], list[str]]:
    dns, ips = [], []
    for h in hosts:
        try:
            ips.append(str(ipaddress.ip_address(h)))
        except ValueError:
            dns.append(h)
    return sorted(set(dns)), sorted(set(ips))


def ensure_certificate(folder: Path, hosts: Sequence[str]) -> Certificate:
    """The certificate in ``folder`` for ``hosts`` (names and IP addresses), made if needed."""
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        raise MissingExtraError.for_extra("web", "cryptography") from None
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    dns, ips = _names(hosts)
    if cert_path.exists() and key_path.exists():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        try:
            san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            have_dns = set(san.get_values_for_type(x509.DNSName))
            have_ips = {str(a) for a in san.get_values_for_type(x509.IPAddress)}
        except x509.ExtensionNotFound:
            have_dns, have_ips = set(), set()
        fresh = cert.not_valid_after_utc > dt.datetime.now(dt.UTC) + dt.timedelta(days=7)
        if fresh and set(dns) <= have_dns and set(ips) <= have_ips:
            return Certificate(cert_path, key_path, _fingerprint(cert, hashes))
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "extensor on this computer")])
    now = dt.datetime.now(dt.UTC)
    alt: list[x509.GeneralName] = [x509.DNSName(d) for d in dns]
    alt += [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=CERT_DAYS))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    atomic_write(key_path, key_pem)
    os.chmod(key_path, 0o600)
    atomic_write(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return Certificate(cert_path, key_path, _fingerprint(cert, hashes))


def _fingerprint(cert: object, hashes: object) -> str:
    digest: bytes = cert.fingerprint(hashes.SHA256())  # type: ignore[attr-defined]
    return ":".join(f"{b:02X}" for b in digest)
