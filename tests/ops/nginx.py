"""Render the shipped nginx site (deploy/nginx/casework.conf) for a loopback test server.

Only names, ports and paths change: every directive that matters (TLS, headers, body size, /media/
refused, proxy headers) is the shipped one. Used by the config test and by the stack tests.
"""

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx" / "casework.conf"


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def render(directory: Path, *, http_port: int, https_port: int, upstream_port: int, static_root: Path) -> Path:
    """Write nginx.conf (a main file including the rendered site) into `directory`; return its path."""
    cert, key = self_signed_certificate(directory)
    logs = directory / "logs"
    logs.mkdir(exist_ok=True)
    site = SITE.read_text()
    replacements = [
        (r"server_name casework\.example\.org;", "server_name 127.0.0.1;"),
        (r"listen 80;", f"listen 127.0.0.1:{http_port};"),
        (r"listen \[::\]:80;", ""),
        (r"listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        (r"listen \[::\]:443 ssl http2;", ""),
        (r"/etc/letsencrypt/live/casework\.example\.org/fullchain\.pem", str(cert)),
        (r"/etc/letsencrypt/live/casework\.example\.org/privkey\.pem", str(key)),
        (r"/var/log/nginx/", f"{logs}/"),
        (r"/srv/casework/var/staticfiles/", f"{static_root}/"),
        (r"server 127\.0\.0\.1:8001", f"server 127.0.0.1:{upstream_port}"),
    ]
    for pattern, replacement in replacements:
        site, count = re.subn(pattern, replacement, site)
        assert count, f"deploy/nginx/casework.conf no longer contains {pattern!r}"
    (directory / "casework.conf").write_text(site)
    user = "user root;\n" if os.geteuid() == 0 else ""
    main = directory / "nginx.conf"
    main.write_text(
        f"{user}worker_processes 1;\npid {directory}/nginx.pid;\nerror_log {logs}/error.log warn;\n"
        "events { worker_connections 256; }\n"
        "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        f"  client_body_temp_path {directory}/body;\n  proxy_temp_path {directory}/proxy;\n"
        f"  fastcgi_temp_path {directory}/fastcgi;\n  uwsgi_temp_path {directory}/uwsgi;\n"
        f"  scgi_temp_path {directory}/scgi;\n"
        f"  include {directory}/casework.conf;\n}}\n"
    )
    return main
