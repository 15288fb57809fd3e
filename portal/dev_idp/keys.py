"""Throwaway key pairs for development and tests: never committed, never used in production.

    key_file, cert_file = ensure_keypair(folder, "sp")

makes `sp.key` (an RSA private key, PEM) and `sp.crt` (a self-signed
certificate for it, PEM) in `folder` the first time, and returns the same
files after that. The portal signs and decrypts with its pair; the test
identity provider signs and encrypts with its own.
"""
import datetime
import os
from pathlib import Path

KEY_BITS = 2048  # enough for a throwaway pair, and quick to make
VALID_DAYS = 3650


def ensure_keypair(folder, name, *, common_name=None):
    """(key file, certificate file) named `name` in `folder`, made when missing."""
    folder = Path(folder)
    key_file, cert_file = folder / f"{name}.key", folder / f"{name}.crt"
    if key_file.is_file() and cert_file.is_file():
        return str(key_file), str(cert_file)
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    folder.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    subject = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, common_name or f"Familieportalen {name} (kun til test)"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Familieportalen, udvikling"),
    ])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(subject).issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    # The private key is readable by its owner only, and written whole or not at all.
    partial = key_file.with_suffix(".key.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(key_pem)
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    os.replace(partial, key_file)
    return str(key_file), str(cert_file)
