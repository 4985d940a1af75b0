# Insigne: one image for the server and the operators' CLI.

# The TypeScript sources compiled once, at image build (typescript is a dev dependency).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:24-bookworm-slim

ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/data

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY bin ./bin
COPY src ./src
COPY views ./views
COPY public ./public
COPY assets ./assets
COPY migrations ./migrations
COPY tsconfig.json ./
# What runs in production: no TypeScript loader in the server (see bin/insigne.js).
COPY --from=build /app/build ./build

RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"

# `docker compose exec app node bin/insigne.js structure create ...` runs the CLI.
CMD ["node", "bin/insigne.js", "serve"]
