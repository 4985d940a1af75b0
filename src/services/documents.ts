import type { AssertionRow } from '../db/repositories/assertions.ts';
import type { BadgeClassRow } from '../db/repositories/badge-classes.ts';
import type { StructureRow } from '../db/repositories/structures.ts';
import {
  type Assertion,
  type BadgeClass,
  badgeClass,
  hashEmailIdentity,
  hostedAssertion,
  type IssuerProfile,
  issuerProfile,
  signedAssertion,
} from '../openbadges/index.ts';
import type { PublicUrls } from './urls.ts';

type PublishedStructure = Pick<StructureRow, 'id' | 'name' | 'url' | 'email' | 'description' | 'telephone' | 'logoMime'>;
type PublishedBadgeClass = Pick<BadgeClassRow, 'id' | 'structureId' | 'name' | 'description' | 'criteriaNarrative' | 'tags' | 'alignment'>;
type PublishedAssertion = Pick<
  AssertionRow,
  'id' | 'badgeClassId' | 'recipientEmail' | 'recipientSalt' | 'issuedOn' | 'expires' | 'evidence' | 'narrative'
>;

/**
 * Maps Insigne's records to Open Badges documents. The wire format is the
 * openbadges module's business; this file only decides which of our URLs and
 * fields go where.
 */
export class DocumentBuilder {
  constructor(readonly urls: PublicUrls) {}

  issuer(structure: PublishedStructure, activeKeyId: string | undefined): IssuerProfile {
    return issuerProfile({
      id: this.urls.issuer(structure.id),
      name: structure.name,
      url: structure.url,
      email: structure.email,
      description: structure.description ?? undefined,
      telephone: structure.telephone ?? undefined,
      image: structure.logoMime ? this.urls.issuerImage(structure.id) : undefined,
      // A single string equal to the signed badges' creator: Open Badge Passport accepts nothing else.
      publicKey: activeKeyId ? this.urls.signingKey(structure.id, activeKeyId) : undefined,
      revocationList: this.urls.revocationList(structure.id),
    });
  }

  badgeClass(row: PublishedBadgeClass): BadgeClass {
    return badgeClass({
      id: this.urls.badgeClass(row.id),
      name: row.name,
      description: row.description,
      image: this.urls.badgeClassImage(row.id, 'png'),
      criteria: { narrative: row.criteriaNarrative },
      issuer: this.urls.issuer(row.structureId),
      tags: row.tags,
      // Our own framework pages are stored as paths, so that PUBLIC_URL is the only origin.
      alignment: row.alignment.map((a) => (a.targetUrl.startsWith('/') ? { ...a, targetUrl: `${this.urls.origin}${a.targetUrl}` } : a)),
    });
  }

  private assertionFields(row: PublishedAssertion) {
    return {
      recipient: hashEmailIdentity(row.recipientEmail, row.recipientSalt),
      badge: this.urls.badgeClass(row.badgeClassId),
      issuedOn: row.issuedOn,
      image: this.urls.hostedPng(row.id),
      evidence: row.evidence.length ? row.evidence.map((e) => ({ id: e.url, narrative: e.narrative })) : undefined,
      narrative: row.narrative ?? undefined,
      expires: row.expires ?? undefined,
    };
  }

  hostedAssertion(row: PublishedAssertion): Assertion {
    return hostedAssertion({ id: this.urls.assertion(row.id), ...this.assertionFields(row) });
  }

  signedAssertion(row: PublishedAssertion, structureId: string, keyId: string): Assertion {
    return signedAssertion({
      uuid: row.id,
      creator: this.urls.signingKey(structureId, keyId),
      ...this.assertionFields(row),
    });
  }
}
