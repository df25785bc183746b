# newsdigest: slim image, non-root, database on the /data volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    NEWSDIGEST_CONFIG=/etc/newsdigest/newsdigest.toml

WORKDIR /app
# psycopg's binary wheel brings its own libpq: PostgreSQL as the store needs no system package.
COPY pyproject.toml README.md ./
COPY newsdigest ./newsdigest
RUN pip install --no-cache-dir . && useradd --system --uid 10001 --home /data newsdigest \
    && mkdir -p /data /etc/newsdigest && chown newsdigest /data

# The sample articles are the embedded default: an empty database is seeded from them.
COPY seeds ./seeds
COPY config.docker.toml /etc/newsdigest/newsdigest.toml
# The compose `postgres` profile's workers read this one instead (NEWSDIGEST_CONFIG).
COPY config.postgres.toml /etc/newsdigest/postgres.toml

USER newsdigest
VOLUME ["/data"]
# 8080: /healthz and /metrics ([ops] health_port in config.docker.toml); 3000: Slack HTTP mode;
# 8443: Telegram webhook mode. Socket Mode and long polling need no inbound port at all.
EXPOSE 3000 8080 8443
# 200 while the database answers, 503 (-> unhealthy) when it does not; keep the port in step with [ops] health_port.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status == 200 else 1)"
CMD ["newsdigest", "run"]
