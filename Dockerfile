# syntax=docker/dockerfile:1
# Frontline's image: `docker compose up` (compose.yaml) or `docker build -t frontline .`.
# Two stages: uv installs the locked dependencies into /app/.venv in the first; the second is a
# plain Python image with that virtual environment and the code, run by a non-root user.
# docs/deployment.md explains the volume, the health check and running more than one process.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: the same install as the README's, `uv sync --frozen`, without the test tools ------
FROM ${PYTHON_IMAGE} AS build
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /uvx /bin/
# Compile to bytecode at install (faster start), copy out of uv's cache (it is a cache mount),
# and use the image's own Python, so the venv works in the runtime stage (same base image).
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=0
WORKDIR /app
# The dependencies first, from the lock file alone: this layer is rebuilt only when they change.
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=uv.lock,target=uv.lock \
    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \
    uv sync --frozen --no-dev --no-install-project
# Then the code, and the project itself (the `frontline` console script).
COPY . /app
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev
# The runtime user cannot write __pycache__ next to the code: compile it here.
RUN python -m compileall -q bot handlers storage

# --- runtime: no uv, no compiler, no root -------------------------------------------------------
FROM ${PYTHON_IMAGE}
RUN groupadd --system --gid 10001 frontline \
    && useradd --system --uid 10001 --gid frontline --home-dir /data --no-create-home \
       --shell /usr/sbin/nologin frontline \
    && mkdir /data \
    && chown frontline:frontline /data
# The code and the venv belong to root: the app can read them, not change them.
COPY --from=build /app /app
WORKDIR /app
# /data holds the config and, with the default DATABASE_URL, the SQLite database (and its -wal
# and -shm files): mount a volume there. With PostgreSQL, set DATABASE_URL (compose.yaml does).
ENV PATH="/app/.venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    FRONTLINE_CONFIG=/data/frontline.yml \
    DATABASE_URL=sqlite:////data/frontline.db \
    PORT=3000
USER frontline
VOLUME ["/data"]
EXPOSE 3000
# /healthz answers 200 while the process serves and the database answers (503 when it does not):
# on PORT in HTTP mode; in Socket Mode (SLACK_APP_TOKEN set), which serves no Slack HTTP, on
# METRICS_PORT, so set it there (without it the check fails and says so).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request as u; e = os.environ; p = e.get('METRICS_PORT') if e.get('SLACK_APP_TOKEN', '').strip() else e.get('PORT', '3000'); p or sys.exit('Socket Mode: set METRICS_PORT to serve /healthz'); u.urlopen('http://127.0.0.1:%s/healthz' % p, timeout=4)"]
# The README's entry point: `frontline run` (there: `uv run frontline run`). Any other
# command runs the same way, e.g. `docker compose run --rm frontline jobs run deliveries`.
ENTRYPOINT ["frontline"]
CMD ["run"]
