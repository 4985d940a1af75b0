// The issuer's 3.0 Profile (embedded in each credential, and served at its id
// with the keys it vouches for) and the Multikey documents of those keys.
import { DocumentError } from '../errors.ts';
import { isHttpUrl } from '../urls.ts';
import { DID_V1_CONTEXT, MULTIKEY_CONTEXT, OB_V3_CONTEXT, VC_V2_CONTEXT } from './contexts.ts';

export interface IdentifierEntry {
  type: 'IdentifierEntry';
  identifier: string;
  identifierType: 'identifier';
}

export interface Profile {
  id: string;
  type: ['Profile'];
  name: string;
  url?: string;
  email?: string;
  description?: string;
  phone?: string;
  image?: { id: string; type: 'Image' };
  /** The 2.0 issuer Profile of the same structure (impl/migrating.md). */
  otherIdentifier?: IdentifierEntry[];
}

export interface ProfileInput {
  /** An https URL (http in development) that serves the Profile document. */
  id: string;
  name: string;
  url?: string;
  email?: string;
  description?: string;
  phone?: string;
  image?: string;
  /** The URL of the 2.0 issuer Profile. */
  issuerV2?: string;
}

export interface Multikey {
  id: string;
  type: 'Multikey';
  controller: string;
  publicKeyMultibase: string;
}

export interface MultikeyDocument extends Multikey {
  '@context': typeof MULTIKEY_CONTEXT;
}

/** The Profile served at its id: the DID context first, so that libraries read `assertionMethod` without re-framing. */
export interface ProfileDocument extends Profile {
  '@context': string[];
  assertionMethod: Multikey[];
}

const optional = (value: string | undefined) => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

export function profile(input: ProfileInput): Profile {
  if (!isHttpUrl(input.id)) throw new DocumentError('the issuer id must be an http(s) URL');
  if (typeof input.name !== 'string' || input.name.trim() === '') throw new DocumentError('the issuer needs a name');
  const result: Profile = { id: input.id, type: ['Profile'], name: input.name };
  const url = optional(input.url);
  if (url) {
    if (!isHttpUrl(url)) throw new DocumentError('the issuer url must be an http(s) URL');
    result.url = url;
  }
  if (optional(input.email)) result.email = input.email;
  if (optional(input.description)) result.description = input.description;
  if (optional(input.phone)) result.phone = input.phone;
  if (optional(input.image)) result.image = { id: input.image!, type: 'Image' };
  if (input.issuerV2 !== undefined) {
    if (!isHttpUrl(input.issuerV2)) throw new DocumentError('the 2.0 issuer must be an http(s) URL');
    result.otherIdentifier = [{ type: 'IdentifierEntry', identifier: input.issuerV2, identifierType: 'identifier' }];
  }
  return result;
}

const MULTIBASE_ED25519 = /^z6Mk[1-9A-HJ-NP-Za-km-z]{44}$/;

export function multikey(input: { id: string; controller: string; publicKeyMultibase: string }): Multikey {
  if (!isHttpUrl(input.id) || input.id.includes('#')) throw new DocumentError('a key id must be an http(s) URL without a fragment');
  if (!isHttpUrl(input.controller)) throw new DocumentError('a key controller must be an http(s) URL');
  if (!MULTIBASE_ED25519.test(input.publicKeyMultibase)) throw new DocumentError('publicKeyMultibase must be an Ed25519 multikey (z6Mk…)');
  return { id: input.id, type: 'Multikey', controller: input.controller, publicKeyMultibase: input.publicKeyMultibase };
}

/** A key alone, as served at its own (fragment-free) URL. */
export function multikeyDocument(key: Multikey): MultikeyDocument {
  return { '@context': MULTIKEY_CONTEXT, ...multikey(key) };
}

/** Every key stays listed: a rotation only adds one, so earlier credentials keep verifying. */
export function profileDocument(issuer: Profile, keys: Multikey[]): ProfileDocument {
  for (const key of keys) {
    if (key.controller !== issuer.id) throw new DocumentError('every key listed by a Profile must name it as controller');
  }
  return {
    '@context': [DID_V1_CONTEXT, VC_V2_CONTEXT, OB_V3_CONTEXT, MULTIKEY_CONTEXT],
    ...issuer,
    assertionMethod: keys.map(multikey),
  };
}
