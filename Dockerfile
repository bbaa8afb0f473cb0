# replguard's container image: `docker build -t replguard .` then
# `docker run --rm -e AWS_REGION replguard audit --out s3://bucket/prefix/` (credentials from the
# environment: IRSA, an ECS task role or OIDC-issued keys; never baked in).
# Two stages: the build stage compiles TypeScript with the dev dependencies; the final stage holds
# only the production dependencies (npm ci --omit=dev) and the compiled code, and runs as `node`.

FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:22-slim
LABEL org.opencontainers.image.title="replguard" \
      org.opencontainers.image.description="Audit Amazon S3 replication across an AWS Organization" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY policies ./policies
COPY templates ./templates
COPY schemas ./schemas
COPY scenarios ./scenarios
# Reports go to /reports (a mounted volume, or an emptyDir under a read-only root file system) or to
# S3 (--out s3://...); the image itself stays read-only.
RUN mkdir /reports && chown node:node /reports
WORKDIR /reports
USER node
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["--help"]
