// Bitstring Status List (W3C): the revocation bits of one issuer's
// credentials, published as a signed BitstringStatusListCredential.
import { randomInt } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { formatDateTime } from '../context.ts';
import { DocumentError } from '../errors.ts';
import { isHttpUrl } from '../urls.ts';
import { VC_V2_CONTEXT } from './contexts.ts';
import type { Profile } from './profile.ts';

/** The smallest list verifiers accept (131,072 entries, 16 KiB): too few entries would tell who was revoked. */
export const STATUS_LIST_SIZE = 131_072;

export interface BitstringStatusListEntry {
  id: string;
  type: 'BitstringStatusListEntry';
  statusPurpose: 'revocation';
  /** A string, as the spec writes it. */
  statusListIndex: string;
  statusListCredential: string;
}

export interface BitstringStatusListCredential {
  '@context': [typeof VC_V2_CONTEXT];
  id: string;
  type: ['VerifiableCredential', 'BitstringStatusListCredential'];
  /** The issuer's id: the VC context alone has no Profile type to embed. */
  issuer: string;
  validFrom: string;
  credentialSubject: {
    id: string;
    type: 'BitstringStatusList';
    statusPurpose: 'revocation';
    encodedList: string;
  };
}

function checkIndex(index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= STATUS_LIST_SIZE) {
    throw new DocumentError(`a status list index is an integer from 0 to ${STATUS_LIST_SIZE - 1}`);
  }
}

/** A random index, so that list neighbours reveal nothing about each other. */
export function randomStatusIndex(): number {
  return randomInt(STATUS_LIST_SIZE);
}

export function statusListEntry(listUrl: string, index: number): BitstringStatusListEntry {
  if (!isHttpUrl(listUrl)) throw new DocumentError('the status list must be an http(s) URL');
  checkIndex(index);
  return {
    id: `${listUrl}#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: 'revocation',
    statusListIndex: String(index),
    statusListCredential: listUrl,
  };
}

/** "u" + base64url(gzip(bits)), bit 0 being the most significant bit of byte 0. */
export function encodeStatusList(setIndexes: Iterable<number>): string {
  const bits = new Uint8Array(STATUS_LIST_SIZE / 8);
  for (const index of setIndexes) {
    checkIndex(index);
    bits[index >> 3]! |= 0x80 >> (index & 7);
  }
  return `u${gzipSync(bits).toString('base64url')}`;
}

export function bitstringStatusListCredential(input: {
  id: string;
  issuer: Profile;
  revokedIndexes: Iterable<number>;
  validFrom: Date;
}): BitstringStatusListCredential {
  if (!isHttpUrl(input.id)) throw new DocumentError('the status list must be an http(s) URL');
  return {
    '@context': [VC_V2_CONTEXT],
    id: input.id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: input.issuer.id,
    validFrom: formatDateTime(input.validFrom),
    credentialSubject: {
      id: `${input.id}#list`,
      type: 'BitstringStatusList',
      statusPurpose: 'revocation',
      encodedList: encodeStatusList(input.revokedIndexes),
    },
  };
}
