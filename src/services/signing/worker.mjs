// A signing thread. Worker threads do not inherit the main thread's
// TypeScript loader: from a production build (build/) this file sits beside
// the compiled Open Badges module and loads it directly; from the sources it
// registers tsx first. One signing code path for all.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../../openbadges/jws.js', import.meta.url);
let jws;
if (existsSync(fileURLToPath(compiled))) {
  jws = await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  jws = await import('../../openbadges/jws.ts');
}
const { signAssertion } = jws;

/** @param {{ privateKeyPem: string, assertions: object[] }} task */
export default async function signBatch({ privateKeyPem, assertions }) {
  const signed = [];
  for (const assertion of assertions) signed.push(await signAssertion(assertion, privateKeyPem));
  return signed;
}
