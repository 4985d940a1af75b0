/**
 * npm run bench -- [--assertions 10000[,1000000]] [--duration 10] [--connections 50] [--skip-pglite] [--ob3-only]
 *
 * Seeds a realistic dataset on PostgreSQL, serves it from a separate server
 * process, loads the public endpoints with autocannon from this process, and
 * reports each as a ratio of a raw primary-key lookup served by the same
 * server in the same run: the machine is shared and noisy, ratios hold where
 * absolute figures don't. Then times a bulk award of 10,000 learners, and
 * compares the embedded database to a raw PGlite lookup.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { loadConfig } from '../src/config/config.ts';
import { insertAssertions } from '../src/db/repositories/assertions.ts';
import { newSalt } from '../src/openbadges/index.ts';
import { openPlatform, type Platform } from '../src/platform.ts';
import { MasterKey } from '../src/services/master-key.ts';
import { freePort } from '../test/support/net.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({
  options: {
    assertions: { type: 'string', default: '20000' },
    structures: { type: 'string' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    'skip-pglite': { type: 'boolean', default: false },
    /** Only the Open Badges 3.0 figures (on an embedded database of its own: no PostgreSQL needed). */
    'ob3-only': { type: 'boolean', default: false },
  },
});
const sizes = args
  .assertions!.split(',')
  .map((n) => Number.parseInt(n, 10))
  .sort((a, b) => a - b);
const duration = Number(args.duration);
const connections = Number(args.connections);
const masterKeyBase64 = randomBytes(32).toString('base64');
const masterKey = MasterKey.fromBase64(masterKeyBase64);
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

interface Row {
  run: string;
  endpoint: string;
  rps: number;
  p50: number;
  p99: number;
  ratio?: number;
  target?: string;
  met?: boolean;
  errors: number;
}
const rows: Row[] = [];
const notes: string[] = [];

async function benchDatabaseUrl(): Promise<string> {
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query('drop database if exists insigne_bench with (force)');
  await admin.query('create database insigne_bench');
  await admin.end();
  base.pathname = '/insigne_bench';
  return base.toString();
}

function spawnServer(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['bin/insigne.js', 'serve'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', RATE_LIMITS: 'off', INSIGNE_BENCH_BASELINE: '1', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${env.PORT}`;
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 60_000;
    const poll = async () => {
      try {
        if ((await fetch(`${url}/readyz`)).ok) return resolve({ child, url });
      } catch {}
      if (child.exitCode !== null || Date.now() > deadline) return reject(new Error('the server did not start'));
      setTimeout(() => void poll(), 250);
    };
    void poll();
  });
}

async function stopServer(child: ChildProcess): Promise<number> {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const peakKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return peakKb / 1024;
}

async function load(base: string, paths: string[], accept: string | undefined, seconds: number) {
  let i = 0;
  const result = await autocannon({
    url: base,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => ({
          ...request,
          path: paths[i++ % paths.length]!,
          headers: accept ? { accept } : {},
        }),
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

async function measure(run: string, base: string, endpoints: Endpoint[]) {
  let baseline = 0;
  for (const endpoint of endpoints) {
    await load(base, endpoint.paths, endpoint.accept, Math.min(3, duration)); // warm-up
    const result = await load(base, endpoint.paths, endpoint.accept, duration);
    if (endpoint.baseline) baseline = result.rps;
    const ratio = endpoint.baseline ? 1 : result.rps / baseline;
    rows.push({
      run,
      endpoint: endpoint.name,
      ...result,
      ratio,
      target: endpoint.target ? `≥ ${endpoint.target}` : undefined,
      met: endpoint.target ? ratio >= endpoint.target : undefined,
    });
    log(`${run} ${endpoint.name}: ${result.rps.toFixed(0)} req/s, p99 ${result.p99} ms, ratio ${ratio.toFixed(2)}`);
  }
}

interface Endpoint {
  name: string;
  paths: string[];
  accept?: string;
  baseline?: boolean;
  target?: number;
}

/** Structures with the nine catalogue badges each, then assertions spread over four years. */
async function seed(platform: Platform, structureIds: string[], total: number, already: number) {
  const { services, database } = platform;
  const badgeClasses = new Map<string, string[]>();
  for (const id of structureIds) {
    badgeClasses.set(
      id,
      (await services.badgeClasses.listAwardable(id)).map((b) => b.id),
    );
  }
  const now = Date.now();
  const fourYears = 4 * 365 * 86_400_000;
  const perChunk = 2000;
  let done = already;
  const started = Date.now();
  while (done < total) {
    const n = Math.min(perChunk, total - done);
    const structureId = structureIds[Math.floor(Math.random() * structureIds.length)]!;
    const key = await services.keys.active(structureId);
    const classes = badgeClasses.get(structureId)!;
    const rowsToInsert = Array.from({ length: n }, (_, i) => {
      const issuedOn = new Date(Math.floor((now - Math.random() * fourYears) / 1000) * 1000);
      const roll = Math.random();
      return {
        id: randomUUID(),
        structureId,
        badgeClassId: classes[(done + i) % classes.length]!,
        recipientEmail: `apprenant.${done + i}@exemple.fr`,
        recipientName: `Apprenant ${done + i}`,
        recipientSalt: newSalt(),
        issuedOn,
        // One in ten expires two years after issue (so some have expired), one in twenty is revoked.
        expires: roll < 0.1 ? new Date(issuedOn.getTime() + 2 * 365 * 86_400_000) : null,
        evidence: [{ narrative: 'Observé en atelier collectif.' }],
        narrative: null,
        awardedByUserId: null,
        awardedByTokenId: null,
        revokedAt: roll > 0.95 ? new Date(issuedOn.getTime() + 86_400_000) : null,
        revocationReason: roll > 0.95 ? 'Attribué par erreur' : null,
      };
    });
    const jws = await services.signer.signMany(
      rowsToInsert.map((row) => services.documents.signedAssertion(row, structureId, key.id)),
      key.privateKeyPem,
    );
    for (let i = 0; i < rowsToInsert.length; i += 1000) {
      await insertAssertions(
        database.db,
        rowsToInsert.slice(i, i + 1000).map((row, j) => ({ ...row, createdAt: row.issuedOn, jws: jws[i + j]!, signingKeyId: key.id })),
      );
    }
    done += n;
    if (done % 50_000 < perChunk)
      log(`seeded ${done}/${total} assertions (${((done - already) / ((Date.now() - started) / 1000)).toFixed(0)}/s)`);
  }
  await database.rawQuery('analyze', []);
}

async function createStructures(platform: Platform, count: number): Promise<string[]> {
  const ids: string[] = [];
  const queue = Array.from({ length: count }, (_, i) => i);
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        const structure = await platform.services.structures.create(
          { name: `Structure ${i + 1}`, url: `https://structure-${i + 1}.exemple.fr`, email: `contact@structure-${i + 1}.exemple.fr` },
          { kind: 'cli' },
        );
        ids.push(structure.id);
      }
    }),
  );
  return ids;
}

async function samplePaths(platform: Platform) {
  const ids = (await platform.database.rawQuery(
    'select id, structure_id from assertions where revoked_at is null order by random() limit 20000',
    [],
  )) as { id: string; structure_id: string }[];
  return {
    assertions: ids.map((r) => r.id),
    structures: [...new Set(ids.map((r) => r.structure_id))],
  };
}

async function postgresRuns() {
  // The server runs as in production: compiled (npm run build), NODE_ENV=production.
  log('building (npm run build)');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const databaseUrl = await benchDatabaseUrl();
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig({ DATABASE_URL: databaseUrl, PUBLIC_URL: publicUrl, MASTER_KEY: masterKeyBase64 });
  const largest = sizes[sizes.length - 1]!;
  const structureCount = Number(args.structures ?? Math.min(3000, Math.max(37, Math.round(largest / 330))));
  let seeded = 0;
  let structureIds: string[] = [];
  for (const size of sizes) {
    const platform = await openPlatform(config, { masterKey });
    if (structureIds.length === 0) {
      log(`creating ${structureCount} structures`);
      structureIds = await createStructures(platform, structureCount);
    }
    log(`seeding up to ${size} assertions`);
    await seed(platform, structureIds, size, seeded);
    seeded = size;
    const sample = await samplePaths(platform);
    await platform.close();

    const { child, url } = await spawnServer({
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      PUBLIC_URL: publicUrl,
      MASTER_KEY: masterKeyBase64,
    });
    const run = `PostgreSQL, ${size.toLocaleString('en')} assertions, ${structureCount} structures`;
    const a = sample.assertions;
    await measure(run, url, [
      { name: 'baseline: raw pg primary-key lookup', paths: a.map((id) => `/__bench/baseline/${id}`), baseline: true },
      { name: 'hosted assertion JSON', paths: a.map((id) => `/assertions/${id}`), accept: 'application/ld+json', target: 0.9 },
      { name: 'verification page (HTML)', paths: a.map((id) => `/assertions/${id}`), accept: 'text/html', target: 0.8 },
      { name: 'signed baked PNG', paths: a.map((id) => `/assertions/${id}/signed.png`), target: 0.7 },
      { name: 'issuer profile', paths: sample.structures.map((id) => `/issuers/${id}`), accept: 'application/json' },
      { name: 'revocation list', paths: sample.structures.map((id) => `/issuers/${id}/revocations`), accept: 'application/json' },
    ]);
    const peak = await stopServer(child);
    notes.push(`${run}: server peak memory (VmHWM) ${peak.toFixed(0)} MB (target < 200 MB)`);
  }

  // The bulk award: what a 10,000-row CSV import does, through the same service.
  const platform = await openPlatform(config, { masterKey });
  const structureId = structureIds[0]!;
  const badgeClassId = (await platform.services.badgeClasses.listAwardable(structureId))[0]!.id;
  const items = Array.from({ length: 10_000 }, (_, i) => ({
    badgeClassId,
    recipient: { email: `lot.${i}@exemple.fr`, name: `Lot ${i}` },
    idempotencyKey: `bench:${i}`,
  }));
  await platform.services.awarding.awardMany(
    structureId,
    items.slice(0, 200).map((x) => ({ ...x, idempotencyKey: `warm:${x.idempotencyKey}` })),
    { kind: 'cli' },
  );
  // The floor: how fast this machine signs at all, on the same thread pool.
  const key = await platform.services.keys.active(structureId);
  const signStarted = performance.now();
  await platform.services.signer.signMany(
    Array.from({ length: 4000 }, (_, i) => ({ '@context': 'https://w3id.org/openbadges/v2', id: `urn:uuid:${i}`, pad: 'x'.repeat(900) })),
    key.privateKeyPem,
  );
  const signaturesPerSecond = 4000 / ((performance.now() - signStarted) / 1000);
  notes.push(
    `Signing floor on this machine: ${signaturesPerSecond.toFixed(0)} RS256 signatures/s on every core (4,000 signed through the same pool).`,
  );
  log(notes[notes.length - 1]!);
  const started = performance.now();
  const outcomes = await platform.services.awarding.awardMany(structureId, items, { kind: 'cli' });
  const seconds = (performance.now() - started) / 1000;
  const awarded = outcomes.filter((o) => o.status === 'awarded').length;
  notes.push(
    `Bulk award of 10,000 learners (signing, storing, queueing each learner's email with its sign-in link): ${seconds.toFixed(2)} s, ${(awarded / seconds).toFixed(0)} awards/s (target < 3 s).`,
  );
  log(notes[notes.length - 1]!);
  await platform.close();
}

async function pgliteRun() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'insigne-bench-'));
  try {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: publicUrl, MASTER_KEY: masterKeyBase64 });
    const platform = await openPlatform(config, { masterKey });
    const structureIds = await createStructures(platform, 3);
    await seed(platform, structureIds, 10_000, 0);
    const sample = await samplePaths(platform);
    await platform.close();
    const { child, url } = await spawnServer({ DATA_DIR: dataDir, PORT: String(port), PUBLIC_URL: publicUrl, MASTER_KEY: masterKeyBase64 });
    const a = sample.assertions;
    await measure('PGlite (embedded), 10,000 assertions', url, [
      { name: 'baseline: raw PGlite primary-key lookup', paths: a.map((id) => `/__bench/baseline/${id}`), baseline: true },
      { name: 'hosted assertion JSON', paths: a.map((id) => `/assertions/${id}`), accept: 'application/ld+json', target: 0.5 },
    ]);
    await stopServer(child);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Open Badges 3.0, on and off. An award does nothing for 3.0 (its credential
 * is built and signed on first download), so "3.0 off" is the award alone and
 * "3.0 on" adds that first download; the figures say what signing 3.0 eagerly
 * in the award's path would cost, one award and a 10,000-row bulk award.
 */
async function ob3Run() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'insigne-bench-ob3-'));
  try {
    const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'http://127.0.0.1:9', MASTER_KEY: masterKeyBase64 });
    const platform = await openPlatform(config, { masterKey });
    const [structureId] = await createStructures(platform, 1);
    const badgeClassId = (await platform.services.badgeClasses.listAwardable(structureId!))[0]!.id;
    const { awarding, openBadges3 } = platform.services;
    const one = (i: number) =>
      awarding.award(
        { structureId: structureId!, badgeClassId, recipient: { email: `un.${i}@exemple.fr`, name: `Un ${i}` } },
        { kind: 'cli' },
      );
    const average = async (n: number, work: (i: number) => Promise<unknown>) => {
      const started = performance.now();
      for (let i = 0; i < n; i++) await work(i);
      return (performance.now() - started) / n;
    };
    for (let i = 0; i < 10; i++) await openBadges3.credential((await one(1000 + i)).assertion.id); // warm-up, first key made
    const ids: string[] = [];
    const awardMs = await average(50, async (i) => ids.push((await one(i)).assertion.id));
    const firstMs = await average(ids.length, (i) => openBadges3.credential(ids[i]!));
    const keptMs = await average(ids.length, (i) => openBadges3.credential(ids[i]!));
    notes.push(
      `Open Badges 3.0, one award (PGlite): award ${awardMs.toFixed(1)} ms with 3.0 off or on (the award signs nothing for 3.0); ` +
        `the first 3.0 download builds, signs and stores the credential in ${firstMs.toFixed(1)} ms, later ones read it back in ${keptMs.toFixed(1)} ms. ` +
        `Signed in the award's path, 3.0 would make one award ${(((awardMs + firstMs - keptMs) / awardMs - 1) * 100).toFixed(0)}% slower.`,
    );
    log(notes[notes.length - 1]!);

    const items = Array.from({ length: 10_000 }, (_, i) => ({
      badgeClassId,
      recipient: { email: `lot.${i}@exemple.fr`, name: `Lot ${i}` },
    }));
    const started = performance.now();
    const outcomes = await awarding.awardMany(structureId!, items, { kind: 'cli' });
    const bulkSeconds = (performance.now() - started) / 1000;
    const sample = outcomes.slice(0, 300).map((o) => (o.status === 'refused' ? '' : o.assertion.id));
    const perCredential = await average(sample.length, (i) => openBadges3.credential(sample[i]!));
    notes.push(
      `Open Badges 3.0, bulk award of 10,000 (PGlite): ${bulkSeconds.toFixed(2)} s with 3.0 off or on; signing the 10,000 credentials ` +
        `at once would add about ${((perCredential * 10_000) / 1000).toFixed(0)} s on one thread (${perCredential.toFixed(1)} ms each, measured on 300): ` +
        `hence signing on first download.`,
    );
    log(notes[notes.length - 1]!);
    await platform.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function table(): string {
  const lines = [
    '| run | endpoint | req/s | p50 ms | p99 ms | ratio to baseline | target | met |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.run} | ${r.endpoint} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.ratio?.toFixed(2) ?? ''} | ${r.target ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : 'NO'}${r.errors ? ` (${r.errors} errors)` : ''} |`,
    ),
  ];
  return lines.join('\n');
}

if (!args['ob3-only']) {
  await postgresRuns();
  if (!args['skip-pglite']) await pgliteRun();
}
await ob3Run();
const report = `# Insigne benchmark, ${new Date().toISOString()}\n\n${connections} connections, ${duration} s per endpoint after a warm-up.\n\n${table()}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`;
process.stdout.write(`\n${report}`);
const dir = path.join(ROOT, 'bench', 'results');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.md`);
writeFileSync(file, report);
process.stdout.write(`\nWritten to ${path.relative(ROOT, file)}\n`);
