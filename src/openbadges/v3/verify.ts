// Checking an OpenBadgeCredential's Data Integrity proof (eddsa-rdfc-2022)
// the way wallets do: the key fetched at its URL through the loader, its
// controller Profile listing it under assertionMethod, the dates, and a
// BitstringStatusListEntry read from its signed list. The loader decides
// what may be fetched; contexts always come from the local copies.
import { gunzipSync } from 'node:zlib';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { verifyCredential } from '@digitalbazaar/vc';
import { type JsonLdDocumentLoader } from './contexts.ts';
import { STATUS_LIST_SIZE } from './status-list.ts';

/** `expired`: the proof, key and status hold, but validUntil has passed. */
export type CredentialVerdict = 'verified' | 'expired' | 'revoked' | 'invalid';

interface StatusEntry {
  type?: unknown;
  statusPurpose?: unknown;
  statusListIndex?: unknown;
  statusListCredential?: unknown;
}

class RevokedError extends Error {}

/** Whether the entry's bit is set in its list, the list's own proof checked first. */
async function revokedInList(entry: StatusEntry, documentLoader: JsonLdDocumentLoader, now: Date): Promise<boolean> {
  if (entry.type !== 'BitstringStatusListEntry' || entry.statusPurpose !== 'revocation') throw new Error('unsupported credentialStatus');
  if (typeof entry.statusListCredential !== 'string' || typeof entry.statusListIndex !== 'string')
    throw new Error('malformed credentialStatus');
  const index = Number(entry.statusListIndex);
  const { document } = await documentLoader(entry.statusListCredential);
  const list = document as { credentialSubject?: { encodedList?: unknown; statusPurpose?: unknown } };
  const listed = await verifyCredential({
    credential: list,
    suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
    documentLoader,
    now,
  });
  if (!listed.verified) throw new Error('the status list does not verify');
  const encoded = list.credentialSubject?.encodedList;
  if (typeof encoded !== 'string' || !encoded.startsWith('u')) throw new Error('malformed encodedList');
  const bits = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'), { maxOutputLength: 16 * 1024 * 1024 });
  if (bits.length * 8 < STATUS_LIST_SIZE || !Number.isInteger(index) || index < 0 || index >= bits.length * 8) {
    throw new Error('the status list is too short for this index');
  }
  return (bits[index >> 3]! & (0x80 >> (index & 7))) !== 0;
}

export async function verifyOpenBadgeCredential(
  credential: object,
  options: { documentLoader: JsonLdDocumentLoader; now: Date },
): Promise<CredentialVerdict> {
  let revoked = false;
  const { validFrom, validUntil } = credential as { validFrom?: unknown; validUntil?: unknown };
  const until = typeof validUntil === 'string' ? Date.parse(validUntil) : NaN;
  const from = typeof validFrom === 'string' ? Date.parse(validFrom) : NaN;
  // An expired credential is still checked (proof, key, status) as of its first valid second, to tell "expired" from "forged".
  const expired = !Number.isNaN(until) && !Number.isNaN(from) && until <= options.now.getTime();
  const result = await verifyCredential({
    credential: structuredClone(credential),
    suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
    documentLoader: options.documentLoader,
    now: expired ? new Date(from) : options.now,
    checkStatus: async ({ credential: checked }) => {
      revoked = await revokedInList(checked.credentialStatus as StatusEntry, options.documentLoader, options.now);
      return revoked ? { verified: false, error: new RevokedError('revoked') } : { verified: true };
    },
  });
  if (result.verified) return expired ? 'expired' : 'verified';
  return revoked ? 'revoked' : 'invalid';
}
