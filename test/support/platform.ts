import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../src/config/config.ts';
import type { DatabaseOptions } from '../../src/db/database.ts';
import { openPlatform, type Platform } from '../../src/platform.ts';
import { MasterKey } from '../../src/services/master-key.ts';
import { buildApp } from '../../src/web/app.ts';

export const TEST_PUBLIC_URL = 'https://badges.insigne.test';

/** Which database this test run targets: set per vitest project (see vitest.config.ts). */
export function testDatabaseKind(): 'pglite' | 'postgres' {
  return process.env.INSIGNE_TEST_DB === 'postgres' ? 'postgres' : 'pglite';
}

/**
 * A database of its own for one test file: in-memory PGlite, or a fresh
 * PostgreSQL database created on the server of TEST_DATABASE_URL and dropped after.
 */
export async function freshDatabase(
  adminDatabaseUrl?: string,
): Promise<{ options: DatabaseOptions & { url?: string }; drop(): Promise<void> }> {
  if (!adminDatabaseUrl && testDatabaseKind() === 'pglite') {
    return { options: { kind: 'pglite-memory' }, drop: async () => {} };
  }
  const adminUrl = adminDatabaseUrl ?? process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is required for the postgres project');
  const name = `insigne_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    options: { kind: 'postgres', url: url.toString(), poolSize: 5 },
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

export interface TestPlatform {
  platform: Platform;
  close(): Promise<void>;
}

export async function startTestPlatform(
  options: {
    env?: Record<string, string>;
    now?: () => Date;
    masterKey?: MasterKey;
    /** Use this database (shared with another instance) instead of a fresh one. */
    database?: DatabaseOptions;
    /** Create the fresh database on this server instead of TEST_DATABASE_URL's. */
    adminDatabaseUrl?: string;
  } = {},
): Promise<TestPlatform> {
  const database = options.database ? { options: options.database, drop: async () => {} } : await freshDatabase(options.adminDatabaseUrl);
  const config = loadConfig({ NODE_ENV: 'test', PUBLIC_URL: TEST_PUBLIC_URL, DATA_DIR: '/nonexistent', ...options.env });
  const platform = await openPlatform(config, {
    database: database.options,
    masterKey: options.masterKey ?? MasterKey.random(),
    now: options.now,
  });
  return {
    platform,
    async close() {
      await platform.close();
      await database.drop();
    },
  };
}

export async function startTestApp(options: Parameters<typeof startTestPlatform>[0] = {}) {
  const test = await startTestPlatform(options);
  const app = await buildApp(test.platform);
  return {
    ...test,
    app,
    services: test.platform.services,
    async close() {
      await app.close();
      await test.close();
    },
  };
}

/** A structure with an API token: the starting point of most tests. */
export async function seedStructure(services: Platform['services'], overrides: Partial<{ name: string; url: string; email: string }> = {}) {
  const structure = await services.structures.create(
    {
      name: overrides.name ?? 'Mission Locale de Caen',
      url: overrides.url ?? 'https://mission-locale-caen.example.org',
      email: overrides.email ?? 'contact@mission-locale-caen.example.org',
      description: 'Accompagnement des jeunes de 16 à 25 ans.',
    },
    { kind: 'cli' },
  );
  const { token } = await services.apiTokens.create({ structureId: structure.id, name: 'tests' }, { kind: 'cli' });
  const badgeClasses = await services.badgeClasses.listAwardable(structure.id);
  return { structure, token, badgeClasses };
}
