# mcpgate as a container GitHub Action (action.yml: `runs.using: docker`, `image: Dockerfile`).
# Three stages: build the release binary; download an advisory snapshot with it; copy both
# into a small image with git (diff and history modes read the repository) and CA certificates
# (SARIF upload). All logic lives in the binary: the entrypoint is `mcpgate action`.

ARG RUST_IMAGE=rust:1.90-slim-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${RUST_IMAGE} AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin mcpgate \
 && cp target/release/mcpgate /usr/local/bin/mcpgate

# The advisory snapshot: OSV's npm, PyPI, crates.io (with RustSec) and Go archives, built into
# a store whose metadata records when (`mcpgate db status`; the job summary shows its age).
# Set ECOSYSTEMS to a comma list (e.g. npm,PyPI) to bake a smaller image.
FROM build AS advisories
ARG ECOSYSTEMS=
RUN mcpgate db update --db /opt/mcpgate/advisories ${ECOSYSTEMS:+--ecosystem "$ECOSYSTEMS"} \
 && mcpgate db status --db /opt/mcpgate/advisories

# mcpgate:ignore dockerfile-root-user GitHub runs container actions as root (docs: Dockerfile support for GitHub Actions, USER)
FROM ${RUNTIME_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates git \
 && rm -rf /var/lib/apt/lists/* \
 # The workspace is mounted from the runner and owned by another user; mcpgate opens it
 # read-only with its own git library, and this keeps the git CLI from refusing it too.
 && git config --system --add safe.directory '*'
COPY --from=build /usr/local/bin/mcpgate /usr/local/bin/mcpgate
COPY --from=advisories /opt/mcpgate/advisories /opt/mcpgate/advisories
ENV MCPGATE_DB=/opt/mcpgate/advisories
ENTRYPOINT ["/usr/local/bin/mcpgate", "action"]
