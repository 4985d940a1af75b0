#!/usr/bin/env node
// Insigne runs its TypeScript sources through tsx: one entry point for the
// server (`insigne serve`, what `npm start` runs) and the operators' commands.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
