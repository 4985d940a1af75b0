#!/usr/bin/env node
// One entry point for the server (`insigne serve`, what `npm start` runs) and
// the operators' commands. In production, when `npm run build` has compiled
// the sources into build/ (and nothing in src/ is newer), that is what runs:
// no TypeScript loader thread, less memory. Otherwise the sources run through tsx.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = `${root}build/cli/main.js`;

function newestSource(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

let main;
if (process.env.NODE_ENV === 'production' && existsSync(built) && statSync(built).mtimeMs >= newestSource(`${root}src`)) {
  ({ main } = await import(built));
} else {
  if (process.env.NODE_ENV === 'production' && existsSync(built)) {
    process.emitWarning('build/ is older than src/: running the sources through tsx (run `npm run build`).');
  }
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv);
