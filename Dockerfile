# syntax=docker/dockerfile:1
# Build stage: a wheel and its dependencies in a virtual environment.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv
COPY pyproject.toml setup.py README.md ./
COPY app ./app
COPY migrations ./migrations
# setup.py compiles the gettext catalogues (app/locale) into the wheel.
RUN /opt/venv/bin/pip install .

# Runtime stage: the virtual environment only, run by an unprivileged user.
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    DIPLOCAL_DATABASE_URL=sqlite:////data/diplocal.db
RUN useradd --system --uid 10001 --home-dir /data --create-home diplocal
COPY --from=build /opt/venv /opt/venv
USER diplocal
WORKDIR /data
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]
CMD ["diplocal", "serve", "--host", "0.0.0.0", "--port", "8000"]
