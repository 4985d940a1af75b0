import type { Config } from './config/config.ts';
import { type DatabaseHandle, type DatabaseOptions, openDatabase } from './db/database.ts';
import { createServices, type Services } from './services/index.ts';
import { loadMasterKey, MasterKey, masterKeyWarning } from './services/master-key.ts';

export interface Platform {
  config: Config;
  database: DatabaseHandle;
  services: Services;
  /** Things an operator must hear about at start-up (never secrets). */
  warnings: string[];
  close(): Promise<void>;
}

export function databaseOptions(config: Config): DatabaseOptions {
  return config.DATABASE_URL
    ? { kind: 'postgres', url: config.DATABASE_URL }
    : { kind: 'pglite', dataDir: config.DATA_DIR };
}

/**
 * Opens the database, brings it up to date and wires the services: what the
 * server and every CLI command start with.
 */
export async function openPlatform(
  config: Config,
  overrides: { database?: DatabaseOptions; masterKey?: MasterKey; now?: () => Date } = {},
): Promise<Platform> {
  const warnings: string[] = [];
  let masterKey = overrides.masterKey;
  if (!masterKey) {
    const source = loadMasterKey({ masterKey: config.MASTER_KEY, dataDir: config.DATA_DIR });
    masterKey = source.masterKey;
    const warning = masterKeyWarning(source);
    if (warning) warnings.push(warning);
  }
  const database = await openDatabase(overrides.database ?? databaseOptions(config));
  try {
    await database.migrate();
  } catch (error) {
    await database.close();
    throw error;
  }
  const services = createServices({
    db: database.db,
    masterKey,
    publicUrl: config.PUBLIC_URL,
    now: overrides.now,
  });
  try {
    await services.keys.checkMasterKey();
  } catch (error) {
    await database.close();
    throw error;
  }
  return {
    config,
    database,
    services,
    warnings,
    async close() {
      await services.signer.close();
      await database.close();
    },
  };
}
