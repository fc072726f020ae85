"""gunicorn configuration for Casework (used by deploy/systemd/casework-web.service and CI's stack test).

Every value can be overridden from the environment (GUNICORN_*), so that the same file serves a
2-core NGO server and CI. Access log lines carry the path only, never the query string: search forms
put names in query strings.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
# Sync workers: the app is database-bound; 2 × cores + 1 is gunicorn's advice (see docs/benchmarks.md
# for the load test that measured 1, 2, 4 and 5 workers on 2 cores).
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# nginx is on the same host; only it may set X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proxy_allow_ips = forwarded_allow_ips
# Request line and header limits: gunicorn's defaults, stated so that nginx's are known to match.
limit_request_line = 8190
limit_request_fields = 100
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
access_log_format = "%(t)s %(m)s %(U)s %(s)s %(b)s %(L)s"
# No "Server: gunicorn/x.y" banner reaches clients: nginx replaces it (server_tokens off).
proc_name = "casework-web"
