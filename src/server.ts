import type { FastifyInstance } from 'fastify';
import type { Config } from './config/config.ts';
import { openPlatform, type Platform } from './platform.ts';
import { buildApp } from './web/app.ts';
import { loggerOptions } from './logging.ts';

export interface RunningServer {
  app: FastifyInstance;
  platform: Platform;
  address: string;
  stop(): Promise<void>;
}

/** Starts the platform and serves it until told to stop. */
export async function startServer(config: Config): Promise<RunningServer> {
  const platform = await openPlatform(config);
  const app = await buildApp(platform, {
    benchBaseline: process.env.INSIGNE_BENCH_BASELINE === '1',
    logger: loggerOptions(config.LOG_LEVEL),
  });
  for (const warning of platform.warnings) app.log.warn(warning);
  try {
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (error) {
    await app.close();
    await platform.close();
    throw error;
  }
  app.log.info(
    `Insigne is serving ${config.PUBLIC_URL} on the ${platform.database.kind === 'pglite' ? `embedded database in ${config.DATA_DIR}` : 'PostgreSQL database of DATABASE_URL'}`,
  );
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // Stops accepting, lets requests in flight finish, then lets go of the
      // database. A keep-alive connection whose last request finishes after
      // close() began would otherwise be held until its keep-alive timeout:
      // sweep the idle ones until the server is closed.
      const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
      try {
        await app.close();
      } finally {
        clearInterval(sweep);
      }
      await platform.close();
    })());
  return { app, platform, address: `http://${config.HOST}:${config.PORT}`, stop };
}
