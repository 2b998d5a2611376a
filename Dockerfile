# The stress service (service/), as a small image that runs as a non-root user.
# Build: docker build -t <you>/k3s-playbook-stress .   (the app role's default needs no image build: see README)

FROM node:20.19-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Install scripts are not needed to build the service (they build ssh2's optional native crypto).
RUN npm ci --ignore-scripts
COPY tsconfig.json ./
COPY scripts ./scripts
COPY runner ./runner
COPY service ./service
RUN npm run build

# The runner itself, for a fleet run as a Kubernetes Indexed Job (fleet/job.yaml, docs/fleet.md):
#   docker build --target runner -t <you>/run-playbook .
FROM node:20.19-bookworm-slim AS runner
ENV NODE_ENV=production HOME=/home/node
WORKDIR /opt/k3s-playbook
COPY package.json package-lock.json ./
# ssh2's optional native crypto is not built: its pure JavaScript fallback serves.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /src/dist ./dist
COPY roles ./roles
COPY playbooks ./playbooks
USER node
WORKDIR /fleet
ENTRYPOINT ["node", "/opt/k3s-playbook/dist/cli.js"]

FROM node:20.19-alpine AS runtime
ENV NODE_ENV=production PORT=8080
WORKDIR /app
COPY --from=build --chown=node:node /src/dist/service.mjs ./service.mjs
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "service.mjs"]
