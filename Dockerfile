# syntax=docker/dockerfile:1
# Concierge: build stage compiles the native modules (better-sqlite3, hnswlib-node) with the toolchain of the full
# Node image; the runtime stage is the slim image with only production dependencies and the sources (tsx runs the
# TypeScript directly, so there is no compile step). Build: `docker build -t concierge .`

ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /app
# python3, make and g++ come with the full image; node-gyp uses them for the native modules.
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund \
  && npm cache clean --force

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    CONCIERGE_HOST=0.0.0.0 \
    CONCIERGE_PORT=8080 \
    CONCIERGE_INDEXES_DIR=/var/lib/concierge/indexes \
    CONCIERGE_MODELS_DIR=/var/lib/concierge/models \
    CONCIERGE_MODEL_CACHE_DIR=/var/lib/concierge/models/hub \
    CONCIERGE_STORE_PATH=/var/lib/concierge/store/concierge.db
WORKDIR /app
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root package.json ./
COPY --chown=root:root bin ./bin
COPY --chown=root:root src ./src
COPY --chown=root:root prompts ./prompts
COPY --chown=root:root slack ./slack
# The code stays root-owned and read-only to the server; only its state folders belong to the unprivileged user.
# ./data is where `concierge data` writes and `serve` looks by default, so it points into the state volume.
RUN mkdir -p /var/lib/concierge/data /var/lib/concierge/indexes /var/lib/concierge/models /var/lib/concierge/store \
  && chown -R node:node /var/lib/concierge \
  && ln -s /var/lib/concierge/data /app/data
USER node
# Catalogue data, build outputs (indexes, models, encoder cache) and the SQLite store survive a new image.
VOLUME ["/var/lib/concierge"]
EXPOSE 8080
# The slim image has no curl; Node's fetch asks the liveness endpoint.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.CONCIERGE_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/concierge.js"]
CMD ["serve"]
