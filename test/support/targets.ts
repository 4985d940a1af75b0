export interface DatabaseTarget {
  name: 'pglite' | 'postgres';
  env: Record<string, string>;
}

import { existsSync } from 'node:fs';

let announced = false;
let announcedBrowser = false;
let announcedResilience = false;
let announcedPoppler = false;

/** Which databases the suite runs on, and a plain word about what it skips. */
export function databaseTargets(): DatabaseTarget[] {
  const targets: DatabaseTarget[] = [{ name: 'pglite', env: {} }];
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    targets.push({ name: 'postgres', env: { TEST_DATABASE_URL: url } });
  } else if (!announced) {
    announced = true;
    console.log(
      '\n[insigne] PostgreSQL: SKIPPED. The suite runs on the embedded database (PGlite) only.\n' +
        '          Set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run it on PostgreSQL too\n' +
        '          (.ci/run does this, so CI skips nothing).\n',
    );
  }
  return targets;
}

/** The Chromium the browser tests drive, or undefined (and a word why) when there is none. */
export function browserTarget(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
  const found = candidates.find((path) => existsSync(path));
  if (!found && !announcedBrowser) {
    announcedBrowser = true;
    console.log(
      '[insigne] Browser tests: SKIPPED. No Chromium found (looked at CHROMIUM_PATH, /usr/bin/chromium).\n' +
        '          Install it (Debian: apt-get install -y chromium) to run the page tests with axe-core.\n',
    );
  }
  return found;
}

/**
 * The resilience tests start and restart a PostgreSQL server of their own,
 * which needs the server binaries (pg_ctl) on this machine.
 */
export function resilienceTarget(): boolean {
  const found = ['/usr/lib/postgresql'].some((dir) => existsSync(dir));
  if (!found && !announcedResilience) {
    announcedResilience = true;
    console.log(
      '[insigne] Resilience tests: SKIPPED. They restart a PostgreSQL server of their own and need its binaries\n' +
        '          (Debian: apt-get install -y postgresql).\n',
    );
  }
  return found;
}

/**
 * The PDF tests read an attestation back as a person would (its text with
 * pdftotext, its pages as pictures with pdftoppm), which needs poppler-utils.
 */
export function popplerTarget(): boolean {
  const found = ['/usr/bin/pdftotext', '/usr/bin/pdftoppm'].every((path) => existsSync(path));
  if (!found && !announcedPoppler) {
    announcedPoppler = true;
    console.log(
      '[insigne] PDF read-back tests: SKIPPED. No pdftotext / pdftoppm found.\n' +
        '          Install them (Debian: apt-get install -y poppler-utils) to read the attestation back.\n',
    );
  }
  return found;
}
