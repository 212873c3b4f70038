# aerospike-cluster-manager with the web UI embedded: static (musl) binary on distroless/static,
# non-root (uid 65532), read-only root filesystem; state in /data (a volume). From the repo root:
#   docker build -f deploy/images/aerospike-cluster-manager.Dockerfile -t ghcr.io/acko/aerospike-cluster-manager:$VERSION .
FROM node:20-bookworm AS web
WORKDIR /src
COPY web web
COPY crates/acm/openapi.json crates/acm/openapi.json
RUN cd web && npm ci && npm run build

FROM rust:1.94-bookworm AS build
RUN rustup target add x86_64-unknown-linux-musl && apt-get update \
    && apt-get install -y --no-install-recommends musl-tools && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
COPY --from=web /src/web/dist web/dist
RUN cargo build --release --locked --target x86_64-unknown-linux-musl -p acm \
    && cp target/x86_64-unknown-linux-musl/release/aerospike-cluster-manager /aerospike-cluster-manager

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /aerospike-cluster-manager /usr/local/bin/aerospike-cluster-manager
USER 65532:65532
ENV ACM_LISTEN=0.0.0.0:8080 ACM_DB=/data/acm.db ACM_KEY_FILE=/data/acm.key
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/aerospike-cluster-manager"]
