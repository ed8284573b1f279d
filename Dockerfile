# syntax=docker/dockerfile:1
# Build stage: compile TypeScript to dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY shared ./shared
COPY services ./services
RUN npm run build && npm prune --omit=dev

# Run stage: production dependencies and compiled code only, as a non-root user (uid 1000).
FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY deploy/demo-directory.yaml ./deploy/demo-directory.yaml
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# node itself is PID 1 (not npm), so SIGTERM reaches the service's graceful drain.
STOPSIGNAL SIGTERM
# V8 flags as in services/switchboard/node-flags.ts (a larger young generation: less GC per webhook).
CMD ["node", "--max-semi-space-size=32", "dist/services/switchboard/main.js"]
