import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './net.ts';

/** The PostgreSQL server binaries of this machine (Debian's layout), if any. */
export function postgresBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const version = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  const bin = version ? path.join(root, version, 'bin') : undefined;
  return bin && existsSync(path.join(bin, 'pg_ctl')) ? bin : undefined;
}

/**
 * A PostgreSQL server of the test's own, in a temporary directory, that the
 * test may stop and restart without disturbing the shared one. PostgreSQL
 * refuses to run as root, so when we are root it runs as the postgres user.
 */
export async function startOwnPostgres() {
  const bin = postgresBinaries();
  if (!bin) throw new Error('PostgreSQL server binaries not found');
  const dir = mkdtempSync(path.join(tmpdir(), 'insigne-pg-'));
  const dataDir = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const run = (command: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, command), ...args], { stdio: 'pipe' })
      : execFileSync(path.join(bin, command), args, { stdio: 'pipe' });
  // The same, without blocking this process: the platform under test keeps running (and meeting the outage) meanwhile.
  const runInBackground = async (command: string, args: string[]) => {
    await (asRoot
      ? promisify(execFile)('runuser', ['-u', 'postgres', '--', path.join(bin, command), ...args])
      : promisify(execFile)(path.join(bin, command), args));
  };
  run('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c full_page_writes=off`;
  const pgCtlArgs = (args: string[]) => ['-D', dataDir, '-l', path.join(dir, 'log'), '-o', options, ...args];
  const pgCtl = (...args: string[]) => run('pg_ctl', pgCtlArgs(args));
  pgCtl('-w', 'start');
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    /** Fast shutdown (in-flight sessions are cut off), then start again. */
    restart: () => pgCtl('-w', '-m', 'fast', 'restart'),
    /**
     * Fast shutdown alone, while this process runs on: the server stays down
     * until `start`, an outage as long as the test needs.
     */
    shutDown: () => runInBackground('pg_ctl', pgCtlArgs(['-w', '-m', 'fast', 'stop'])),
    start: () => runInBackground('pg_ctl', pgCtlArgs(['-w', 'start'])),
    stop: () => {
      try {
        pgCtl('-w', '-m', 'immediate', 'stop');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
