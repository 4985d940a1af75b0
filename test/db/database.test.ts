import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type SQL, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { type Database, type DatabaseHandle, DataDirLockedError, MIGRATIONS_FOLDER, openDatabase } from '../../src/db/database.ts';
import { openPlatform, type Platform } from '../../src/platform.ts';
import { freshDatabase } from '../support/platform.ts';

const target = process.env.INSIGNE_TEST_DB === 'postgres' ? 'postgres' : 'pglite';

const EXPECTED_TABLES = [
  'api_tokens',
  'assertions',
  'audit_events',
  'award_imports',
  'badge_classes',
  'catalogue_entries',
  'form_submissions',
  'general_badge_notices',
  'idempotency_keys',
  'learner_preferences',
  'learner_sessions',
  'link_requests',
  'memberships',
  'ob3_credentials',
  'ob3_keys',
  'one_time_tokens',
  'outbox_messages',
  'platform_setup',
  'sessions',
  'sign_in_attempts',
  'signing_keys',
  'structures',
  'users',
];

const JOURNAL_ENTRIES = (JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] })
  .entries.length;

/** Both drivers answer db.execute with an object holding `rows`. */
async function rows<T = Record<string, unknown>>(db: Database, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

async function publicTables(db: Database): Promise<string[]> {
  const found = await rows<{ table_name: string }>(
    db,
    sql`select table_name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  return found.map((row) => row.table_name);
}

async function appliedMigrations(db: Database): Promise<number> {
  const [row] = await rows<{ n: number | string }>(db, sql`select count(*) as n from drizzle.__drizzle_migrations`);
  return Number(row?.n);
}

// Cleaned up even when a test fails half-way.
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch {
      // The next cleanup still runs.
    }
  }
});

function tempDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'insigne-db-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Opens a handle that afterAll closes if the test did not. */
async function track(handle: Promise<DatabaseHandle>): Promise<DatabaseHandle> {
  const opened = await handle;
  let closed = false;
  const close = opened.close.bind(opened);
  const tracked: DatabaseHandle = {
    ...opened,
    async close() {
      if (closed) return;
      closed = true;
      await close();
    },
  };
  cleanups.push(() => tracked.close());
  return tracked;
}

describe(`migrations (${target})`, () => {
  it('apply on a fresh database, and applying them again is a no-op', { timeout: 120_000 }, async () => {
    const database = await freshDatabase();
    cleanups.push(() => database.drop());
    const handle = await track(openDatabase(database.options));
    expect(handle.kind).toBe(target);

    expect(await publicTables(handle.db)).toEqual([]);
    await handle.migrate();
    expect(await publicTables(handle.db)).toEqual(EXPECTED_TABLES);
    expect(await appliedMigrations(handle.db)).toBe(JOURNAL_ENTRIES);

    // A row written between the two runs survives the second one.
    const [structure] = await rows<{ id: string }>(
      handle.db,
      sql`insert into structures (name, url, email, created_at) values ('Kept', 'https://kept.example.org', 'a@kept.example.org', '2026-06-15T10:00:00Z') returning id`,
    );
    await handle.migrate();
    expect(await appliedMigrations(handle.db)).toBe(JOURNAL_ENTRIES);
    expect(await publicTables(handle.db)).toEqual(EXPECTED_TABLES);
    const kept = await rows<{ name: string }>(handle.db, sql`select name from structures where id = ${structure!.id}`);
    expect(kept).toEqual([{ name: 'Kept' }]);

    await handle.close();
  });
});

describe.runIf(target === 'pglite')('the embedded database in DATA_DIR', () => {
  it('is held by one opener at a time: a second one is refused with a plain message', { timeout: 120_000 }, async () => {
    const dataDir = tempDataDir();
    const first = await track(openDatabase({ kind: 'pglite', dataDir }));

    const second = openDatabase({ kind: 'pglite', dataDir });
    await expect(second).rejects.toBeInstanceOf(DataDirLockedError);
    const error = (await second.catch((e: unknown) => e)) as DataDirLockedError;
    expect(error.dataDir).toBe(path.resolve(dataDir));
    expect(error.message).toContain(`in ${path.resolve(dataDir)} is already open in another Insigne process`);
    expect(error.message).toMatch(/Stop that process first/);
    expect(error.message).toMatch(/set DATABASE_URL/);

    // The same directory reached by another spelling is the same lock.
    const relative = path.relative(process.cwd(), dataDir);
    await expect(openDatabase({ kind: 'pglite', dataDir: relative })).rejects.toBeInstanceOf(DataDirLockedError);
    await expect(openDatabase({ kind: 'pglite', dataDir: `${dataDir}/` })).rejects.toBeInstanceOf(DataDirLockedError);

    // The refused opener did not hurt the holder.
    await first.migrate();
    expect(await publicTables(first.db)).toEqual(EXPECTED_TABLES);

    await first.close();
    const again = await track(openDatabase({ kind: 'pglite', dataDir }));
    expect(await publicTables(again.db)).toEqual(EXPECTED_TABLES);
    await again.close();
  });

  it('is taken at once when its holder was killed (a supervisor restarts the server immediately)', { timeout: 120_000 }, async () => {
    const dataDir = tempDataDir();
    // A real holder: another process opens the directory and is killed with SIGKILL, so it releases nothing.
    const holder = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { openDatabase } = await import(${JSON.stringify(new URL('../../src/db/database.ts', import.meta.url).href)});
         await openDatabase({ kind: 'pglite', dataDir: ${JSON.stringify(dataDir)} });
         console.log('ready');
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    cleanups.push(async () => void holder.kill('SIGKILL'));
    await new Promise<void>((resolve, reject) => {
      holder.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      holder.on('exit', (code) => reject(new Error(`the holder exited (${code})`)));
    });
    const refused = await openDatabase({ kind: 'pglite', dataDir }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DataDirLockedError);
    expect((refused as Error).message).toContain(`pid ${holder.pid}`);

    const exited = new Promise((resolve) => holder.once('exit', resolve));
    holder.kill('SIGKILL');
    await exited;
    // No waiting for a lock to go stale: the holder is gone, so the lock is.
    const opened = await track(openDatabase({ kind: 'pglite', dataDir }));
    await opened.migrate();
    expect(await publicTables(opened.db)).toEqual(EXPECTED_TABLES);
    await opened.close();
  });

  it('keeps everything across a restart, signing keys included', { timeout: 180_000 }, async () => {
    const dataDir = tempDataDir();
    const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'https://badges.restart.test' });

    let platform: Platform | undefined = await openPlatform(config);
    cleanups.push(() => platform?.close());
    expect(platform.warnings.join('\n')).toContain('(generated now)');
    const structure = await platform.services.structures.create(
      { name: 'Avant redémarrage', url: 'https://avant.example.org', email: 'contact@avant.example.org' },
      { kind: 'cli' },
    );
    const { token } = await platform.services.apiTokens.create({ structureId: structure.id }, { kind: 'cli' });
    const keyBefore = await platform.services.keys.active(structure.id);
    const badgeClassesBefore = await platform.services.badgeClasses.listAwardable(structure.id);
    expect(badgeClassesBefore.length).toBeGreaterThan(0);
    await platform.close();
    platform = undefined;

    platform = await openPlatform(config);
    // The master key is read back, not generated again.
    expect(platform.warnings.join('\n')).not.toContain('(generated now)');
    expect((await platform.services.structures.get(structure.id)).name).toBe('Avant redémarrage');
    expect((await platform.services.apiTokens.authenticate(token)).structureId).toBe(structure.id);
    const keyAfter = await platform.services.keys.active(structure.id);
    expect(keyAfter.id).toBe(keyBefore.id);
    expect(keyAfter.privateKeyPem).toBe(keyBefore.privateKeyPem);
    expect((await platform.services.badgeClasses.listAwardable(structure.id)).map((b) => b.id).sort()).toEqual(
      badgeClassesBefore.map((b) => b.id).sort(),
    );
    expect(await appliedMigrations(platform.database.db)).toBe(JOURNAL_ENTRIES);
    await platform.close();
    platform = undefined;
  });
});

describe.runIf(target === 'postgres')('PostgreSQL shared by several instances', () => {
  it('lets several handles migrate a fresh database at the same time', { timeout: 120_000 }, async () => {
    const database = await freshDatabase();
    cleanups.push(() => database.drop());
    const { options } = database;
    if (options.kind !== 'postgres') throw new Error('expected a PostgreSQL database');
    // Four instances starting together, each with its own pool.
    const handles = await Promise.all(
      Array.from({ length: 4 }, () => track(openDatabase({ kind: 'postgres', url: options.url, poolSize: 2 }))),
    );

    const outcomes = await Promise.allSettled(handles.map((handle) => handle.migrate()));
    expect(outcomes.map((outcome) => (outcome.status === 'rejected' ? String(outcome.reason) : 'ok'))).toEqual(handles.map(() => 'ok'));
    for (const handle of handles) {
      expect(await publicTables(handle.db)).toEqual(EXPECTED_TABLES);
    }
    expect(await appliedMigrations(handles[0]!.db)).toBe(JOURNAL_ENTRIES);

    // No advisory lock is left behind for the next instance to wait on.
    const held = await rows(
      handles[0]!.db,
      sql`select 1 from pg_locks
          where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`,
    );
    expect(held).toEqual([]);

    await Promise.all(handles.map((handle) => handle.close()));
  });
});
