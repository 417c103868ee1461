# syntax=docker/dockerfile:1
# The Palisade image: `palisade serve` for the admission webhook (see
# `palisade install`), and every other command.
#
#   docker build -t palisade .
#
# Base images are pinned by digest (DF003). The digests for
# rust:1.94-bookworm and gcr.io/distroless/cc-debian12:nonroot were taken
# from public Dockerfiles pinning those tags and have NOT been checked
# against the registries (none is reachable where this was written, nor is a
# Docker engine): verify them with `docker buildx imagetools inspect
# IMAGE:TAG` before the first release build.

FROM rust:1.94-bookworm@sha256:6ae102bdbf528294bc79ad6e1fae682f6f7c2a6e6621506ba959f9685b308a55 AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p palisade-cli \
    && cp target/release/palisade /usr/local/bin/palisade

# Distroless: glibc and CA certificates, no shell, no package manager.
FROM gcr.io/distroless/cc-debian12:nonroot@sha256:fccdbb0a547c14e23fcf4ce8ad62ca5d43b4faae8d22cd292f490fef9946c96e
COPY --from=build /usr/local/bin/palisade /usr/local/bin/palisade
USER 65532:65532
EXPOSE 8443
ENTRYPOINT ["/usr/local/bin/palisade"]
CMD ["serve", "--cert", "/tls/tls.crt", "--key", "/tls/tls.key"]
