import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MasterKey } from '../../src/services/master-key.ts';
import { freshDatabase, seedStructure, startTestApp } from '../support/platform.ts';

/** The documented backup and restore, run for real: pg_dump, pg_restore, and the master key. */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'insigne-backup-'));
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('backup and restore', () => {
  it('brings back every badge, still verifiable, and the structure can award again', async () => {
    const masterKey = MasterKey.random();
    const source = await freshDatabase();
    cleanups.push(source.drop);
    const original = await startTestApp({ database: source.options, masterKey });
    cleanups.push(() => original.close());
    const seeded = await seedStructure(original.services);
    const { assertion } = await original.services.awarding.award(
      {
        allowDuplicate: true,
        structureId: seeded.structure.id,
        badgeClassId: seeded.badgeClasses[0]!.id,
        recipient: { email: 'a@example.org', name: 'A' },
      },
      { kind: 'cli' },
    );
    const revoked = await original.services.awarding.award(
      {
        allowDuplicate: true,
        structureId: seeded.structure.id,
        badgeClassId: seeded.badgeClasses[1]!.id,
        recipient: { email: 'b@example.org', name: 'B' },
      },
      { kind: 'cli' },
    );
    await original.services.awarding.revoke(seeded.structure.id, revoked.assertion.id, 'Erreur', { kind: 'cli' });
    const before = (await original.app.inject({ url: `/assertions/${assertion.id}` })).json();

    const file = path.join(dir, 'insigne.dump');
    execFileSync('bash', ['scripts/backup.sh', file], { cwd: ROOT, env: { ...process.env, DATABASE_URL: source.options.url! } });

    const target = await freshDatabase();
    cleanups.push(target.drop);
    execFileSync('bash', ['scripts/restore.sh', file], { cwd: ROOT, env: { ...process.env, DATABASE_URL: target.options.url! } });
    // Restoring over data is refused rather than mixed.
    expect(() =>
      execFileSync('bash', ['scripts/restore.sh', file], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: target.options.url! },
        stdio: 'pipe',
      }),
    ).toThrow(/not empty/);

    const restored = await startTestApp({ database: target.options, masterKey });
    cleanups.push(() => restored.close());
    expect((await restored.app.inject({ url: `/assertions/${assertion.id}` })).json()).toEqual(before);
    expect((await restored.app.inject({ url: `/assertions/${revoked.assertion.id}` })).statusCode).toBe(410);
    const jws = (await restored.app.inject({ url: `/assertions/${assertion.id}/signed.jws` })).body;
    expect((await restored.services.publication.verify({ kind: 'jws', jws })).valid).toBe(true);
    const again = await restored.app.inject({
      method: 'POST',
      url: '/api/v1/assertions',
      headers: { authorization: `Bearer ${seeded.token}` },
      payload: { badgeClass: seeded.badgeClasses[0]!.id, recipient: { email: 'c@example.org', name: 'C' } },
    });
    expect(again.statusCode).toBe(201);

    // Without the master key of the backup, the platform refuses to start, and says why.
    await expect(startTestApp({ database: target.options, masterKey: MasterKey.random() })).rejects.toThrow(
      /cannot be decrypted with this master key/,
    );
  });
});
