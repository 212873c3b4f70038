# acko-operator: a static (musl) binary on distroless/static, non-root (uid 65532); run it with a
# read-only root filesystem (deploy/ sets readOnlyRootFilesystem: true). Build from the repo root:
#   docker build -f deploy/images/acko-operator.Dockerfile -t ghcr.io/acko/acko-operator:$VERSION .
FROM rust:1.94-bookworm AS build
RUN rustup target add x86_64-unknown-linux-musl && apt-get update \
    && apt-get install -y --no-install-recommends musl-tools && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked --target x86_64-unknown-linux-musl -p acko-operator --bin acko-operator \
    && cp target/x86_64-unknown-linux-musl/release/acko-operator /acko-operator

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /acko-operator /usr/local/bin/acko-operator
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/acko-operator"]
