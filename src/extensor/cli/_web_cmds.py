"""``extensor serve``: the local web app (pages and REST API) on this computer.

The web dependencies are imported only when the command runs, so ``extensor --help``
works without the ``web`` extra; a missing one ends with a message naming the extra.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any

import typer

from extensor._config import load_settings
from extensor._errors import ExtensorError, MissingExtraError
from extensor.cli._app import app, console, err_console, fail

__all__ = ["serve"]

#: Modules the web app needs, with the package that provides each (for the message).
_WEB_MODULES = (
    ("fastapi", "fastapi"),
    ("uvicorn", "uvicorn"),
    ("jinja2", "jinja2"),
    ("python_multipart", "python-multipart"),
    ("argon2", "argon2-cffi"),
)


def _check_extra() -> None:
    import importlib

    for module, package in _WEB_MODULES:
        try:
            importlib.import_module(module)
        except ImportError:
            raise MissingExtraError.for_extra("web", package) from None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on; keep 127.0.0.1 unless you need the network.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    multi_user: Annotated[
        bool,
        typer.Option(
            "--multi-user", help="Accounts with passwords; each lifter sees only their own data."
        ),
    ] = False,
    add_user: Annotated[
        str | None,
        typer.Option(
            "--add-user",
            metavar="NAME",
            help="Create an account (asks for its password) and exit.",
            show_default=False,
        ),
    ] = None,
    admin: Annotated[
        bool, typer.Option("--admin", help="With --add-user: the account can manage accounts.")
    ] = False,
    workers: Annotated[
        int, typer.Option(min=1, max=16, help="Analyses that run at the same time.")
    ] = 1,
    max_video_mb: Annotated[float, typer.Option(min=1, help="Largest video upload, in MB.")] = 200,
    max_file_mb: Annotated[
        float, typer.Option(min=0.1, help="Largest keypoint or sensor upload, in MB.")
    ] = 20,
    keep_uploads: Annotated[
        bool, typer.Option(help="Keep each uploaded recording after its analysis.")
    ] = False,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            metavar="NAME",
            help="Another host name the server answers to (repeatable; *.lan for a whole "
            "domain). By default only the loopback names, and this machine's own names and "
            "addresses when --host is another interface: anything else is refused, which "
            "stops DNS rebinding.",
            show_default=False,
        ),
    ] = None,
    data_dir: Annotated[
        str | None,
        typer.Option(help="Data folder (default from settings).", show_default=False),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Training log (single-user mode): a file path or a URL.",
            show_default=False,
        ),
    ] = None,
    https: Annotated[
        bool,
        typer.Option(
            "--https",
            help="Serve HTTPS with a certificate made on this computer (phones need it for "
            "the camera of the live coach).",
        ),
    ] = False,
) -> None:
    """Start the web app: guide, plan builder, upload and analysis, report, history, next session."""
    try:
        _check_extra()
        settings = load_settings(data_dir=data_dir, db=db)
        from extensor.web import WEB_DIR_NAME, WebDB, WebOptions

        if add_user is not None:
            from extensor.web import add_user as create_account

            password = typer.prompt(
                f"Password for {add_user}", hide_input=True, confirmation_prompt=True
            )
            web_db = WebDB(settings.data_dir / WEB_DIR_NAME / "web.db")
            create_account(web_db, add_user, password, is_admin=admin)
            role = "admin" if admin else "lifter"
            console.print(f"Account {add_user} ({role}) created in {web_db.path}.")
            console.print("Start the server with `extensor serve --multi-user`.")
            return
        options = WebOptions(
            multi_user=multi_user,
            workers=workers,
            max_video_mb=max_video_mb,
            max_file_mb=max_file_mb,
            keep_uploads=keep_uploads,
            bind_host=host,
            allowed_hosts=tuple(allowed_host or ()),
            secure_cookies=https,
            require_pairing=not _is_loopback(host),
        )
        if multi_user and not WebDB(settings.data_dir / WEB_DIR_NAME / "web.db").users():
            raise fail(
                "--multi-user needs at least one account: "
                "create one with `extensor serve --add-user NAME --admin`"
            )
    except ExtensorError as err:
        raise fail(err) from None
    if not _is_loopback(host):
        err_console.print(
            f"[yellow]warning:[/] listening on {host}: other machines can reach this server, "
            "over plain HTTP."
            + ("" if multi_user else " Anyone who can reach it sees your data; use --multi-user.")
        )
    import uvicorn

    from extensor.web import create_app

    web_app = create_app(settings, options)
    tls: dict[str, Any] = {}
    scheme = "https" if https else "http"
    addresses = local_addresses(host)
    if https:
        from extensor.web import ensure_certificate

        cert = ensure_certificate(
            settings.data_dir / WEB_DIR_NAME / "tls", [*addresses, "localhost", "127.0.0.1"]
        )
        tls = {"ssl_certfile": str(cert.cert_path), "ssl_keyfile": str(cert.key_path)}
        console.print(
            "HTTPS with a certificate made on this computer. The browser warns once: check "
            f"that the certificate's SHA-256 fingerprint is {cert.fingerprint}, then accept it."
        )
    mode = "multi-user" if multi_user else "single-user"
    console.print(
        f"extensor web app ({mode}) on {scheme}://{host}:{port}/ - data in {settings.data_dir}. "
        "Ctrl+C stops it."
    )
    if options.require_pairing:
        _print_pairing(web_app.state.ext.pairing.new_token(), scheme, addresses, port)
    uvicorn.run(web_app, host=host, port=port, log_level="info", access_log=False, **tls)


def local_addresses(host: str) -> list[str]:
    """The addresses a phone can reach this server at: ``host`` itself, or this machine's
    own addresses when it listens on all of them (no packet is sent to find them)."""
    if host not in ("0.0.0.0", "::", ""):
        return [host]
    import socket

    found: list[str] = []
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            addr = str(info[4][0])
            if addr not in found and not addr.startswith("127."):
                found.append(addr)
    except OSError:
        pass
    return found or ["127.0.0.1"]


def _print_pairing(token: str, scheme: str, addresses: list[str], port: int) -> None:
    """The one-time pairing address and its QR code, for the phone's camera app."""
    url = f"{scheme}://{addresses[0]}:{port}/pair?token={token}"
    console.print(
        "Other devices must be paired. On the phone, scan this code (or open the address); "
        "it works once, for one device:"
    )
    try:
        import sys

        import segno

        segno.make(url, error="m").terminal(out=sys.stdout, compact=True)
    except ImportError:
        console.print("(install segno for a QR code: pip install 'extensor[web]')")
    console.print(url, markup=False)
