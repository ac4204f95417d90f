# syntax=docker/dockerfile:1
#
# Silkgate image: one binary that runs as the HTTP API, the background worker or both
# (SILKGATE_ROLE=api|worker|all). docker-compose.yml runs it against MongoDB and Redis.
#
#   docker build -t silkgate .
#   docker run --rm -p 8080:8080 silkgate        # embedded stores and demo data, like `go run .`

# ---- build -----------------------------------------------------------------------------------
# The Go version follows the go directive in go.mod (compose_test.go checks that they agree).
FROM golang:1.26-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOFLAGS=-mod=readonly

# Modules first: this layer is reused as long as go.mod and go.sum do not change.
COPY go.mod go.sum ./
RUN go mod download

COPY . .
# The build cache survives between builds (BuildKit); a cold build with the embedded
# MongoDB-compatible store takes about two minutes.
RUN --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags="-s -w" -o /out/silkgate .

# ---- runtime ---------------------------------------------------------------------------------
FROM debian:bookworm-slim

# ca-certificates for TLS to managed MongoDB/Redis (mongodb+srv://, rediss://); curl for the
# container health check against /readyz.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*

# An unprivileged user owning the data folder (used only by the embedded store, when MONGO_URI
# is not set; mount a volume there to keep that data).
RUN groupadd --system --gid 10001 silkgate \
 && useradd --system --uid 10001 --gid silkgate --home-dir /var/lib/silkgate --no-create-home \
        --shell /usr/sbin/nologin silkgate \
 && install -d -o silkgate -g silkgate -m 0750 /var/lib/silkgate

COPY --from=build /out/silkgate /usr/local/bin/silkgate

ENV SILKGATE_DATA_DIR=/var/lib/silkgate \
    SILKGATE_HTTP_ADDR=:8080
WORKDIR /var/lib/silkgate
# Numeric, so that orchestrators can verify runAsNonRoot without reading /etc/passwd.
USER 10001:10001
EXPOSE 8080

# Exec form: silkgate is PID 1 and receives SIGTERM itself for a graceful shutdown.
ENTRYPOINT ["/usr/local/bin/silkgate"]
