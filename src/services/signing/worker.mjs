// A signing thread. Worker threads do not inherit the main thread's
// TypeScript loader, so this file is JavaScript and registers tsx itself
// before loading the Open Badges module: one signing code path for all.
import { register } from 'tsx/esm/api';

register();
const { signAssertion } = await import('../../openbadges/jws.ts');

/** @param {{ privateKeyPem: string, assertions: object[] }} task */
export default async function signBatch({ privateKeyPem, assertions }) {
  const signed = [];
  for (const assertion of assertions) signed.push(await signAssertion(assertion, privateKeyPem));
  return signed;
}
