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
# lp(1) for printing letter batches to a CUPS printer when one is configured.
RUN apt-get update \
 && apt-get install -y --no-install-recommends cups-client tini \
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
ENTRYPOINT ["/usr/bin/tini", "--"]
# Apply pending migrations, then run the bot and the workers together.
CMD ["sh", "-c", "npm run db:migrate && npm start"]
