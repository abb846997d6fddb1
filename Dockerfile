# syntax=docker/dockerfile:1
#
# One image per service, all built from this file:
#   docker build --build-arg SERVICE=reservation -t inventory/reservation .
# SERVICE is the workspace package and console script name (stock-ledger, reservation,
# replenishment, approval, alerting, integration-gateway).

# The venv's interpreter is a symlink into the base image, so builder and runtime must stay on
# the same image tag.
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS builder

ARG UV_VERSION=0.13.9
RUN pip install --no-cache-dir "uv==${UV_VERSION}"

ARG SERVICE
RUN test -n "${SERVICE}" \
    || { echo "build arg SERVICE is required, e.g. --build-arg SERVICE=reservation" >&2; exit 1; }

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv

WORKDIR /src

# uv needs every workspace member's pyproject.toml to read the workspace, but none of the source:
# the third-party layer below is rebuilt only when the lock or a manifest changes.
COPY pyproject.toml uv.lock ./
COPY contracts/pyproject.toml contracts/
COPY libs/runtime/pyproject.toml libs/runtime/
COPY libs/testkit/pyproject.toml libs/testkit/
COPY clients/gateway-client/pyproject.toml clients/gateway-client/
COPY services/stock-ledger/pyproject.toml services/stock-ledger/
COPY services/reservation/pyproject.toml services/reservation/
COPY services/replenishment/pyproject.toml services/replenishment/
COPY services/approval/pyproject.toml services/approval/
COPY services/alerting/pyproject.toml services/alerting/
COPY services/integration-gateway/pyproject.toml services/integration-gateway/

RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable --no-install-workspace --package "${SERVICE}"

# Whole member folders (tests are left out by .dockerignore): a build backend may need more than
# src/, e.g. a readme named in pyproject.toml. Other services' code stays out of this image.
COPY contracts contracts
COPY libs/runtime libs/runtime
COPY services/${SERVICE} services/${SERVICE}

# --no-editable installs the workspace packages as wheels, so the runtime stage needs only the venv.
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable --package "${SERVICE}"


FROM ${PYTHON_IMAGE} AS runtime

ARG SERVICE

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin app

# Owned by root and read-only for the app user: the service never writes into its own code.
COPY --from=builder /app/.venv /app/.venv
COPY --chmod=0755 deploy/docker/entrypoint.sh /usr/local/bin/entrypoint

ENV SERVICE=${SERVICE} \
    SERVICE_NAME=${SERVICE} \
    PATH=/app/.venv/bin:${PATH} \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8000

WORKDIR /app
# Numeric, so that Kubernetes' runAsNonRoot can verify it without an /etc/passwd lookup.
USER 10001:10001
EXPOSE 8000

ENTRYPOINT ["entrypoint"]
CMD ["start"]
