// Every JSON-LD context a 3.0 document of ours names, served from the copies
// beside this file (taken unchanged from the spec repository and the npm
// context packages): canonicalisation never fetches anything.
import credentialsV2 from './contexts/credentials-v2.json' with { type: 'json' };
import dataIntegrityV2 from './contexts/data-integrity-v2.json' with { type: 'json' };
import didV1 from './contexts/did-v1.json' with { type: 'json' };
import multikeyV1 from './contexts/multikey-v1.json' with { type: 'json' };
import obContext301 from './contexts/ob-context-3.0.1.json' with { type: 'json' };
import obContext302 from './contexts/ob-context-3.0.2.json' with { type: 'json' };
import obContext303 from './contexts/ob-context-3.0.3.json' with { type: 'json' };
import obExtensions from './contexts/ob-extensions.json' with { type: 'json' };

export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const OB_V3_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
/** Defines 1EdTechJsonSchemaValidator2019, the type of `credentialSchema`. */
export const OB_V3_EXTENSIONS_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json';
export const MULTIKEY_CONTEXT = 'https://w3id.org/security/multikey/v1';
export const DID_V1_CONTEXT = 'https://www.w3.org/ns/did/v1';
const DATA_INTEGRITY_V2_CONTEXT = 'https://w3id.org/security/data-integrity/v2';

/** The `@context` of every OpenBadgeCredential we issue, in this order. */
export const OPEN_BADGE_CREDENTIAL_CONTEXT = [VC_V2_CONTEXT, OB_V3_CONTEXT, OB_V3_EXTENSIONS_CONTEXT] as const;

const CONTEXTS: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  [VC_V2_CONTEXT, credentialsV2],
  [OB_V3_CONTEXT, obContext303],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json', obContext302],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json', obContext301],
  [OB_V3_EXTENSIONS_CONTEXT, obExtensions],
  [MULTIKEY_CONTEXT, multikeyV1],
  [DID_V1_CONTEXT, didV1],
  [DATA_INTEGRITY_V2_CONTEXT, dataIntegrityV2],
]);

/** What a jsonld document loader answers. */
export interface RemoteDocument {
  contextUrl: null;
  documentUrl: string;
  document: unknown;
}

export type JsonLdDocumentLoader = (url: string) => Promise<RemoteDocument>;

export class UnknownDocumentError extends Error {
  constructor(readonly url: string) {
    super(`No local copy of ${url}: JSON-LD documents are never fetched`);
  }
}

/**
 * A jsonld document loader answering from the local contexts and from
 * `documents` (our own issuer and key documents, for a verification made in
 * process); anything else is refused, never fetched.
 */
export function localDocumentLoader(documents: ReadonlyMap<string, unknown> = new Map()): JsonLdDocumentLoader {
  return async (url: string) => {
    const document = CONTEXTS.get(url) ?? documents.get(url);
    if (document === undefined) throw new UnknownDocumentError(url);
    return { contextUrl: null, documentUrl: url, document: structuredClone(document) };
  };
}
