import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { openPlatform, type Platform } from '../../src/platform.ts';
import { latestOutboxMail } from '../support/mail.ts';
import { freshDatabase } from '../support/platform.ts';

// The real thing: `node bin/insigne.js …` in a child process, as an operator runs it.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const target = process.env.INSIGNE_TEST_DB === 'postgres' ? 'postgres' : 'pglite';
const PUBLIC_URL = 'http://localhost:3999';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Each CLI start costs a few seconds (tsx, then PGlite); the first PGlite start creates the cluster.
const CLI_TIMEOUT = 150_000;
const TEST_TIMEOUT = 180_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let dataDir: string;
let env: NodeJS.ProcessEnv;
let masterKeyValue: string | undefined;
let dropDatabase: (() => Promise<void>) | undefined;
/** Everything every CLI run printed, checked at the end for secrets. */
const printed: string[] = [];

function cli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/insigne.js', ...args],
      { cwd: ROOT, env, timeout: CLI_TIMEOUT, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        printed.push(stdout, stderr);
        let code = 0;
        if (error) code = typeof error.code === 'number' ? error.code : -1;
        if (error && error.killed) stderr += `\n[killed by ${String(error.signal)} after ${CLI_TIMEOUT} ms]`;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** stdout must be one JSON document and nothing else. */
function json(run: Run): Record<string, unknown> {
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

/** The same configuration the CLI read, opened in this process (after the CLI has exited). */
async function withPlatform<T>(use: (platform: Platform) => Promise<T>): Promise<T> {
  const config = loadConfig(
    target === 'pglite'
      ? { DATA_DIR: dataDir, PUBLIC_URL }
      : { DATA_DIR: dataDir, PUBLIC_URL, DATABASE_URL: env.DATABASE_URL, MASTER_KEY: env.MASTER_KEY },
  );
  const platform = await openPlatform(config);
  try {
    return await use(platform);
  } finally {
    await platform.close();
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'insigne-cli-'));
  const inherited = { ...process.env };
  delete inherited.DATABASE_URL;
  delete inherited.MASTER_KEY;
  delete inherited.PORT;
  if (target === 'pglite') {
    env = { ...inherited, DATA_DIR: dataDir, PUBLIC_URL };
  } else {
    const database = await freshDatabase();
    dropDatabase = database.drop;
    if (database.options.kind !== 'postgres') throw new Error('expected a PostgreSQL database');
    masterKeyValue = randomBytes(32).toString('base64');
    env = { ...inherited, DATA_DIR: dataDir, PUBLIC_URL, DATABASE_URL: database.options.url, MASTER_KEY: masterKeyValue };
  }
});

afterAll(async () => {
  await dropDatabase?.();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

// Shared by the steps below, which run in order.
let structureId = '';
let adminEmail = '';
let token = '';
let keyUrlBeforeRotation: unknown;

describe(`insigne CLI on ${target}`, { timeout: TEST_TIMEOUT }, () => {
  it('--help lists the commands, and `structure create --help` its options', async () => {
    const [top, create] = await Promise.all([cli(['--help']), cli(['structure', 'create', '--help'])]);
    expect(top.code, top.stderr).toBe(0);
    for (const command of ['serve', 'migrate', 'structure', 'user', 'token', 'keys']) {
      expect(top.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    }
    expect(create.code, create.stderr).toBe(0);
    expect(create.stdout).toContain('Usage: insigne structure create [options]');
    for (const option of [
      '--name <name>',
      '--url <url>',
      '--email <email>',
      '--description <text>',
      '--telephone <number>',
      '--admin <email>',
      '--allow-duplicate',
      '--json',
    ]) {
      expect(create.stdout).toContain(option);
    }
  });

  it('`migrate` brings a fresh database up to date', async () => {
    const run = await cli(['migrate']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`Database up to date (${target}).\n`);
    if (target === 'pglite') {
      // A development install: the master key is generated, and the operator is told so on stderr.
      expect(existsSync(path.join(dataDir, 'master.key'))).toBe(true);
      expect(run.stderr).toContain(
        `warning: MASTER_KEY is not set: signing keys are encrypted with the key in ${path.join(dataDir, 'master.key')} (generated now)`,
      );
      expect(run.stderr).toContain('In production, set MASTER_KEY');
    } else {
      // MASTER_KEY and DATABASE_URL given: nothing to warn about, nothing written to DATA_DIR.
      expect(run.stderr).toBe('');
      expect(readdirSync(dataDir)).toEqual([]);
    }
  });

  it('`structure create --json` prints the structure and its issuer URL on PUBLIC_URL', async () => {
    const run = await cli([
      'structure',
      'create',
      '--name',
      'Mission Locale de Caen',
      '--url',
      'https://mission-locale-caen.example.org',
      '--email',
      'contact@mission-locale-caen.example.org',
      '--json',
    ]);
    // With --json, stdout is JSON only: the master key warning went to stderr.
    const body = json(run);
    expect(body.id).toMatch(UUID);
    structureId = body.id as string;
    expect(body).toEqual({
      id: structureId,
      name: 'Mission Locale de Caen',
      url: 'https://mission-locale-caen.example.org',
      email: 'contact@mission-locale-caen.example.org',
      issuer: `${PUBLIC_URL}/issuers/${structureId}`,
    });
    if (target === 'pglite') {
      expect(run.stderr).toMatch(/^warning: MASTER_KEY is not set: .*master\.key\. In production, set MASTER_KEY/m);
      expect(run.stderr).not.toContain('(generated now)');
      expect(run.stdout).not.toContain('warning');
    } else {
      expect(run.stderr).toBe('');
    }
  });

  it('`user create` makes a structure admin, then a platform admin, and refuses the same email twice', async () => {
    adminEmail = `admin-${randomBytes(3).toString('hex')}@mission-locale-caen.example.org`;
    const admin = json(
      await cli([
        'user',
        'create',
        '--email',
        adminEmail,
        '--name',
        'Camille Admin',
        '--password',
        'correct horse battery',
        '--structure',
        structureId,
        '--role',
        'admin',
        '--json',
      ]),
    );
    expect(admin.id).toMatch(UUID);
    expect(admin).toEqual({
      id: admin.id,
      email: adminEmail,
      name: 'Camille Admin',
      platformAdmin: false,
      structure: structureId,
      role: 'admin',
    });

    const region = json(
      await cli([
        'user',
        'create',
        '--email',
        'region@normandie.example.org',
        '--name',
        'Dominique Région',
        '--password',
        'another long passphrase',
        '--platform-admin',
        '--json',
      ]),
    );
    expect(region.id).toMatch(UUID);
    expect(region.id).not.toBe(admin.id);
    expect(region).toEqual({
      id: region.id,
      email: 'region@normandie.example.org',
      name: 'Dominique Région',
      platformAdmin: true,
    });

    // The same address, typed in capitals this time.
    const again = await cli([
      'user',
      'create',
      '--email',
      adminEmail.toUpperCase(),
      '--name',
      'Camille Encore',
      '--password',
      'correct horse battery',
      '--platform-admin',
    ]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('error: A user with this email already exists.');
    expect(again.stdout).toBe('');
  });

  it('`token create --json` prints a token that authenticates as the structure', async () => {
    const body = json(await cli(['token', 'create', '--structure', structureId, '--name', 'Moodle', '--json']));
    expect(body.token).toMatch(/^insg_[A-Za-z0-9_-]{43}$/);
    expect(body).toEqual({ token: body.token, id: expect.stringMatching(UUID), name: 'Moodle', structure: structureId });
    token = body.token as string;

    await withPlatform(async ({ services }) => {
      expect(await services.apiTokens.authenticate(token)).toEqual({ tokenId: body.id, structureId });
      await expect(services.apiTokens.authenticate(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).rejects.toThrow(
        'invalid_token',
      );
      keyUrlBeforeRotation = ((await services.publication.issuerProfile(structureId)) as { publicKey?: unknown }).publicKey;
    });
    expect(keyUrlBeforeRotation).toMatch(new RegExp(`^${PUBLIC_URL}/issuers/${structureId}/keys/[0-9a-f-]{36}$`));
  });

  it('`keys rotate --json` prints the new key URL, which the issuer profile then publishes', async () => {
    const body = json(await cli(['keys', 'rotate', '--structure', structureId, '--json']));
    expect(body.id).toMatch(UUID);
    expect(body).toEqual({
      id: body.id,
      structure: structureId,
      publicKey: `${PUBLIC_URL}/issuers/${structureId}/keys/${body.id as string}`,
      openBadges3Key: expect.stringMatching(new RegExp(`^${PUBLIC_URL}/ob3/issuers/${structureId}/keys/[0-9a-f-]{36}$`)),
    });
    expect(body.publicKey).not.toBe(keyUrlBeforeRotation);

    await withPlatform(async ({ services }) => {
      const profile = (await services.publication.issuerProfile(structureId)) as { publicKey?: unknown };
      expect(profile.publicKey).toBe(body.publicKey);
      // The retired key stays published for files signed before.
      const oldKeyId = String(keyUrlBeforeRotation).split('/').pop()!;
      expect(await services.keys.find(structureId, oldKeyId)).toBeDefined();
      // And the token still works after the rotation.
      expect((await services.apiTokens.authenticate(token)).structureId).toBe(structureId);
    });
  });

  it('`structure create --admin` invites its first administrator by email, through the outbox', async () => {
    const body = json(
      await cli([
        'structure',
        'create',
        '--name',
        'Cap Emploi Rouen',
        '--url',
        'https://cap-emploi-rouen.example.org',
        '--email',
        'contact@cap-emploi-rouen.example.org',
        '--admin',
        'Julie.Martin@Cap-Emploi-Rouen.example.org',
        '--json',
      ]),
    );
    expect(body.id).toMatch(UUID);
    expect(body.admin).toEqual({ email: 'julie.martin@cap-emploi-rouen.example.org', invitation: expect.stringContaining('outbox') });
    await withPlatform(async ({ services, database }) => {
      const mail = await latestOutboxMail(database.db, 'julie.martin@cap-emploi-rouen.example.org', 'invitation');
      expect(mail?.subject).toBe('Invitation à rejoindre Cap Emploi Rouen sur Insigne');
      expect(mail?.structureId).toBe(body.id);
      const [invitation] = await services.accounts.openInvitations(body.id as string);
      expect(invitation).toMatchObject({ email: 'julie.martin@cap-emploi-rouen.example.org', role: 'admin' });
    });
  });

  it('`structure create` refuses a likely duplicate unless --allow-duplicate', async () => {
    const args = [
      'structure',
      'create',
      '--name',
      'MISSION LOCALE DE CAËN',
      '--url',
      'https://autre.example.org',
      '--email',
      'a@example.org',
    ];
    const refused = await cli([...args, '--admin', 'someone@example.org']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('error: A structure with the same name or website exists:');
    expect(refused.stderr).toContain(`Mission Locale de Caen <https://mission-locale-caen.example.org> (name), id ${structureId}`);
    expect(refused.stderr).toContain('Add --allow-duplicate if it is another one.');
    expect(refused.stdout).toBe('');
    const allowed = json(await cli([...args, '--allow-duplicate', '--json']));
    expect(allowed.id).toMatch(UUID);
    await withPlatform(async ({ database }) => {
      expect(await latestOutboxMail(database.db, 'someone@example.org')).toBeUndefined();
    });
  });

  it('`user invite` invites someone into a structure by email, in the language asked', async () => {
    const body = json(
      await cli(['user', 'invite', '--structure', structureId, '--email', 'Paul@Example.org', '--role', 'admin', '--lang', 'en', '--json']),
    );
    expect(body).toEqual({
      structure: structureId,
      email: 'paul@example.org',
      role: 'admin',
      invitation: expect.stringContaining('outbox'),
    });
    await withPlatform(async ({ database }) => {
      const mail = await latestOutboxMail(database.db, 'paul@example.org', 'invitation');
      expect(mail?.subject).toBe('Invitation to join Mission Locale de Caen on Insigne');
    });
    const unknown = await cli(['user', 'invite', '--structure', randomUUID(), '--email', 'x@example.org', '--role', 'admin']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error: No structure has this id.');
  });

  // These are refused before the database is opened, so they can run side by side.
  describe.concurrent('wrong input exits 2, naming the option on stderr', () => {
    const structureArgs = ['structure', 'create', '--name', 'X', '--json'];

    it('a URL that is not http(s)', async () => {
      const run = await cli([...structureArgs, '--url', 'ftp://files.example.org', '--email', 'a@example.org']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('error: --url must be a web address (http:// or https://)');
      expect(run.stdout).toBe('');
    });

    it('an email address that is not one', async () => {
      const run = await cli([...structureArgs, '--url', 'https://x.example.org', '--email', 'not-an-email']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('error: --email must be an email address');
      expect(run.stdout).toBe('');
    });

    it('an administrator address that is not one, and an invitation without a valid address or role', async () => {
      const [admin, email, role] = await Promise.all([
        cli([...structureArgs, '--url', 'https://x.example.org', '--email', 'a@example.org', '--admin', 'not-an-email']),
        cli(['user', 'invite', '--structure', randomUUID(), '--email', 'nope', '--role', 'admin']),
        cli(['user', 'invite', '--structure', randomUUID(), '--email', 'a@example.org', '--role', 'boss']),
      ]);
      expect(admin.code).toBe(2);
      expect(admin.stderr).toContain('error: --admin must be an email address');
      expect(email.code).toBe(2);
      expect(email.stderr).toContain('error: --email must be an email address');
      expect(role.code).toBe(2);
      expect(role.stderr).toContain("error: option '--role <role>' argument 'boss' is invalid");
      for (const run of [admin, email, role]) expect(run.stdout).toBe('');
    });

    it('a password under 12 characters', async () => {
      const run = await cli([
        'user',
        'create',
        '--email',
        'short@example.org',
        '--name',
        'Short',
        '--password',
        'elevenchars',
        '--platform-admin',
      ]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('error: --password at least 12 characters');
      expect(run.stdout).toBe('');
    });

    it('--structure without --role', async () => {
      const run = await cli([
        'user',
        'create',
        '--email',
        'norole@example.org',
        '--name',
        'No Role',
        '--password',
        'long enough password',
        '--structure',
        randomUUID(),
      ]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--role');
      expect(run.stderr).toContain('error: Give --structure ID with --role admin|advisor, or --platform-admin.');
      expect(run.stdout).toBe('');
    });

    it('a structure id that is not a UUID', async () => {
      const run = await cli(['token', 'create', '--structure', '42', '--json']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^error: --structure .*UUID/m);
      expect(run.stdout).toBe('');
    });
  });

  it('an unknown structure id (a valid UUID) exits 2 and says no structure has it', async () => {
    const run = await cli(['keys', 'rotate', '--structure', randomUUID(), '--json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error: No structure has this id.');
    expect(run.stdout).toBe('');
  });

  it.runIf(target === 'pglite')('refuses to open DATA_DIR while another process holds it', async () => {
    const platform = await openPlatform(loadConfig({ DATA_DIR: dataDir, PUBLIC_URL }));
    try {
      const run = await cli(['token', 'create', '--structure', structureId, '--json']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`error: The embedded database in ${dataDir} is already open in another Insigne process`);
      expect(run.stderr).toContain('Stop that process first, or set DATABASE_URL');
      expect(run.stdout).toBe('');
      // The holder is unharmed and nothing was created behind its back.
      expect(await platform.services.apiTokens.list(structureId)).toHaveLength(1);
    } finally {
      await platform.close();
    }
  });

  it('never printed a private key or the master key', () => {
    expect(printed.length).toBeGreaterThanOrEqual(2 * 14);
    const all = printed.join('\n');
    const masterKey = target === 'pglite' ? readFileSync(path.join(dataDir, 'master.key'), 'utf8').trim() : masterKeyValue!;
    expect(masterKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(all).not.toContain(masterKey);
    expect(all).not.toContain(Buffer.from(masterKey, 'base64').toString('hex'));
    expect(all).not.toContain('PRIVATE KEY');
    expect(all).not.toMatch(/MII[A-Za-z0-9+/]{60}/); // no base64 DER of any key either
  });
});
