// The Data Integrity proof of our 3.0 credentials: DataIntegrityProof with
// the eddsa-rdfc-2022 cryptosuite (RDFC-1.0 canonicalisation, SHA-256,
// Ed25519), made by Digital Bazaar's libraries, with every context local.
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { issue } from '@digitalbazaar/vc';
import { DocumentError } from '../errors.ts';
import { type JsonLdDocumentLoader, localDocumentLoader } from './contexts.ts';
import type { DataIntegrityProof as Proof } from './credential.ts';

export interface Ed25519Key {
  publicKeyMultibase: string;
  /** Multibase of the 32-byte seed and public key (the multikey library's form): keep it secret. */
  secretKeyMultibase: string;
}

export async function generateEd25519Key(): Promise<Ed25519Key> {
  const pair = await Ed25519Multikey.generate();
  return { publicKeyMultibase: pair.publicKeyMultibase, secretKeyMultibase: pair.secretKeyMultibase! };
}

export interface SigningMultikey extends Ed25519Key {
  /** The key's fragment-free URL, which `proof.verificationMethod` names. */
  id: string;
  controller: string;
}

const contextsOnly = localDocumentLoader();

/**
 * Adds one eddsa-rdfc-2022 proof, `created` at `now`, and writes `proof` as
 * an array (the plain-JSON schema's shape; the signature is the same).
 */
export async function signCredential<T extends object>(
  credential: T,
  key: SigningMultikey,
  now: Date,
  documentLoader: JsonLdDocumentLoader = contextsOnly,
): Promise<T & { proof: Proof[] }> {
  if ('proof' in credential) throw new DocumentError('the credential is already signed');
  const keyPair = await Ed25519Multikey.from({
    type: 'Multikey',
    id: key.id,
    controller: key.controller,
    publicKeyMultibase: key.publicKeyMultibase,
    secretKeyMultibase: key.secretKeyMultibase,
  });
  const suite = new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite: eddsaRdfc2022, date: now });
  const signed = await issue({ credential: structuredClone(credential), suite, documentLoader, now });
  const proof = signed.proof as Proof | Proof[];
  return { ...(signed as T), proof: Array.isArray(proof) ? proof : [proof] };
}
