# syntax=docker/dockerfile:1
# Lifeline: one image for the bot and the workers (choose with the command: start:bot / start:worker).

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts ./
# Production dependencies only; postinstall generates the Prisma client into src/generated.
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    STORAGE_DIR=/data
# lp(1) for printing letter batches to a CUPS printer when one is configured; pdftoppm
# (poppler-utils) to rasterise reply PDFs, which drops their metadata (src/media/pdf-scrub.ts).
RUN apt-get update \
 && apt-get install -y --no-install-recommends cups-client poppler-utils tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/src/generated ./src/generated
COPY package.json package-lock.json tsconfig.json prisma.config.ts ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY locales ./locales
COPY src ./src
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
# tini is PID 1 and passes SIGTERM to node, which drains and exits: `docker stop` waits for that.
# node runs directly, never under `sh -c` or npm, neither of which forwards SIGTERM.
ENTRYPOINT ["/usr/bin/tini", "--"]
# Bot and workers together; docker-compose.yml runs them apart (`bot` / `worker`) after a one-shot
# `migrate` (node --import tsx src/db/migrate-cli.ts deploy).
STOPSIGNAL SIGTERM
CMD ["node", "--max-semi-space-size=32", "--import", "tsx", "src/main.ts", "all"]
