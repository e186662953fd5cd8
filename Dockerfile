# Work In France back office. Build: docker build -t wif-backoffice .
# Node 22 LTS; the code and its dependencies also run on Node 20 (>= 20.19).
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Production dependencies only, installed from the lock file without the dev ones (no build tools, no test kit).
FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    API_PORT=4000 \
    METRICS_PORT=9464 \
    DATA_DIR=/data \
    LOG_FORMAT=json
WORKDIR /app
# The charts in workbooks and mails are SVG rendered to PNG by resvg, which needs a system font for their text.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY drizzle ./drizzle
COPY package.json .env.sample ./
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4000 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.API_PORT||4000)+'/api/liveness').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Migrations run at start (replicas wait for one another); `docker run IMAGE migrate|sync …` runs the CLI instead.
# The process handles SIGTERM itself (readiness 503, then a clean close, exit 0): no init wrapper is needed.
# --max-old-space-size=1024 is a ceiling far above the service's needs (its live heap is under 100 MB), set for what
# it does below the ceiling: V8 then lets the heap grow to about 1.6 times what survives a full collection instead of
# 4 times, which keeps every job and the server under 250 MB of RSS (see docs/decisions.md#heap-sized-for-the-service).
ENTRYPOINT ["node", "--max-old-space-size=1024", "dist/cli/wif.js"]
CMD ["serve"]
