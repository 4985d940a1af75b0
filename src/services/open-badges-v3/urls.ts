import type { PublicUrls } from '../urls.ts';

/**
 * The Open Badges 3.0 addresses, beside the 2.0 ones and distinct from them
 * (impl/migrating.md: separate documents, linked both ways). The ids are
 * these URLs, and the public routes serve exactly these paths.
 */
export class Ob3Urls {
  constructor(private readonly urls: PublicUrls) {}

  get origin(): string {
    return this.urls.origin;
  }

  issuer = (structureId: string) => `${this.origin}/ob3/issuers/${structureId}`;
  key = (structureId: string, keyId: string) => `${this.origin}/ob3/issuers/${structureId}/keys/${keyId}`;
  statusList = (structureId: string, list: number) => `${this.origin}/ob3/issuers/${structureId}/status/${list}`;
  achievement = (badgeClassId: string) => `${this.origin}/ob3/achievements/${badgeClassId}`;

  /** The credential's id: the award's uuid, as the 2.0 signed assertion's. */
  credentialId = (assertionId: string) => `urn:uuid:${assertionId}`;
  credentialJson = (assertionId: string) => `${this.origin}/assertions/${assertionId}/credential.json`;
  credentialPng = (assertionId: string) => `${this.origin}/assertions/${assertionId}/credential.png`;
  credentialSvg = (assertionId: string) => `${this.origin}/assertions/${assertionId}/credential.svg`;
}
