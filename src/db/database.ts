import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePostgres } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePostgres } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.ts';
import * as schema from './schema.ts';

export { DataDirLockedError } from './data-dir-lock.ts';

/** One type for both drivers: the services never know which one they run on. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

export interface DatabaseHandle {
  db: Database;
  kind: 'postgres' | 'pglite';
  /** One parameterised query straight to the driver, bypassing drizzle: the benchmark's baseline. */
  rawQuery(text: string, params: unknown[]): Promise<unknown[]>;
  /** Applies pending migrations from migrations/. Safe to call from several processes at once. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export type DatabaseOptions =
  { kind: 'postgres'; url: string; poolSize?: number } | { kind: 'pglite'; dataDir: string } | { kind: 'pglite-memory' };

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.kind === 'postgres') return openPostgres(options.url, options.poolSize ?? 10);
  // Loaded only when used: a server on PostgreSQL does not carry PGlite's WebAssembly.
  const { PGlite } = await import('@electric-sql/pglite');
  if (options.kind === 'pglite-memory') return openPglite(new PGlite(), async () => {});

  const dataDir = path.resolve(options.dataDir);
  const dbDir = path.join(dataDir, 'pglite');
  mkdirSync(dbDir, { recursive: true });
  // PGlite is single-process: two writers on one directory corrupt it.
  const release = lockDataDir(dataDir, path.join(dataDir, 'pglite.pid'));
  try {
    const client = await PGlite.create(dbDir);
    return await openPglite(client, release);
  } catch (error) {
    await release();
    throw error;
  }
}

async function openPglite(client: PGlite, release: () => Promise<void>): Promise<DatabaseHandle> {
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite');
  const { migrate: migratePglite } = await import('drizzle-orm/pglite/migrator');
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    rawQuery: async (text, params) => (await client.query(text, params)).rows,
    migrate: () => migratePglite(drizzlePglite(client, { schema }), { migrationsFolder: MIGRATIONS_FOLDER }),
    async close() {
      await client.close();
      await release();
    },
  };
}

function openPostgres(url: string, poolSize: number): DatabaseHandle {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // A client that loses its server (a restart, a failover) emits 'error': on
  // the pool while idle, on the client itself while checked out (between two
  // queries of a transaction). Unheard, either kills the process; heard, the
  // query in progress fails (the request answers 503) and the pool opens a
  // fresh connection for the next one.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const nodePgDb = drizzleNodePostgres(pool, { schema });
  // drizzle's own pool transaction leaks the connection when BEGIN fails and
  // hands a dead one back to the pool after a failed ROLLBACK: both happen
  // when the server restarts mid-request. This one always gives the
  // connection back, and destroys it when it can no longer be trusted.
  (nodePgDb as { transaction: unknown }).transaction = async (run: (tx: Database) => Promise<unknown>) => {
    const client = await pool.connect();
    let reusable = true;
    try {
      await client.query('begin');
      const result = await run(drizzleNodePostgres(client, { schema }) as unknown as Database);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => {
        reusable = false;
      });
      throw error;
    } finally {
      client.release(!reusable);
    }
  };
  return {
    db: nodePgDb as unknown as Database,
    kind: 'postgres',
    rawQuery: async (text, params) => (await pool.query(text, params)).rows,
    async migrate() {
      const client = await pool.connect();
      try {
        // Several app instances may start together: let one migrate at a time.
        await client.query('select pg_advisory_lock(7260315)');
        try {
          await migrateNodePostgres(drizzleNodePostgres(client, { schema }), { migrationsFolder: MIGRATIONS_FOLDER });
        } finally {
          await client.query('select pg_advisory_unlock(7260315)');
        }
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

export async function pingDatabase(db: Database): Promise<void> {
  await db.execute(sql`select 1`);
}
