import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { openPlatform } from '../../src/platform.ts';
import { MasterKey } from '../../src/services/master-key.ts';
import { freshDatabase } from '../support/platform.ts';
import { freePort } from '../support/net.ts';
import { waitFor } from '../support/wait.ts';

/**
 * The real server process (`insigne serve`), stopped with SIGTERM while
 * requests are in flight: it stops accepting, finishes them, and exits 0.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let database: Awaited<ReturnType<typeof freshDatabase>>;
let child: ChildProcess | undefined;
let base: string;
let assertionId: string;

beforeAll(async () => {
  database = await freshDatabase();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const masterKey = randomBytes(32).toString('base64');
  const env = { DATABASE_URL: database.options.url!, PUBLIC_URL: base, MASTER_KEY: masterKey, PORT: String(port), HOST: '127.0.0.1' };
  const platform = await openPlatform(loadConfig(env), { masterKey: MasterKey.fromBase64(masterKey) });
  const structure = await platform.services.structures.create(
    { name: 'Structure', url: 'https://structure.example.org', email: 'contact@structure.example.org' },
    { kind: 'cli' },
  );
  const [badgeClass] = await platform.services.badgeClasses.listAwardable(structure.id);
  const { assertion } = await platform.services.awarding.award(
    { allowDuplicate: true, structureId: structure.id, badgeClassId: badgeClass!.id, recipient: { email: 'a@example.org', name: 'A' } },
    { kind: 'cli' },
  );
  assertionId = assertion.id;
  await platform.close();

  child = spawn(process.execPath, ['bin/insigne.js', 'serve'], {
    cwd: ROOT,
    env: { ...process.env, ...env, LOG_LEVEL: 'warn', RATE_LIMITS: 'off' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitFor(async () => (await fetch(`${base}/readyz`)).ok, {
    message: 'the server did not become ready',
    timeout: 20_000,
    interval: 100,
    retryOnError: true,
  });
});

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await database?.drop();
});

describe('SIGTERM', () => {
  it('reports health and readiness, then finishes the requests in flight and exits cleanly', { timeout: 60_000 }, async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ready' });

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    // Signed PNGs take the longest of the public documents: a good load to be caught mid-flight.
    const inFlight = Array.from({ length: 40 }, () =>
      fetch(`${base}/assertions/${assertionId}/signed.png`).then(
        async (r) => ({ status: r.status, bytes: (await r.arrayBuffer()).byteLength }),
        (error: Error) => ({ error: String(error.cause ?? error.message) }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    child!.kill('SIGTERM');
    const results = await Promise.all(inFlight);
    // Every request the server accepted got a whole answer; none was cut off midway.
    const answered = results.filter((r) => 'status' in r) as { status: number; bytes: number }[];
    expect(answered.length).toBeGreaterThan(0);
    for (const r of answered) {
      expect([200, 503]).toContain(r.status);
      if (r.status === 200) expect(r.bytes).toBeGreaterThan(1000);
    }
    for (const r of results.filter((r) => 'error' in r) as { error: string }[]) {
      expect(r.error).toMatch(/ECONNREFUSED|ECONNRESET|other side closed|SocketError/);
    }
    expect(await exited).toBe(0);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
