"""Operations: /healthz and /metrics server, Prometheus metrics."""
