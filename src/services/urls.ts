/**
 * Every public address Insigne publishes, built on PUBLIC_URL. The Open Badges
 * ids are these URLs, and the public routes serve exactly these paths: keep
 * both in step through this one place.
 */
export class PublicUrls {
  constructor(readonly origin: string) {}

  home = () => `${this.origin}/`;
  framework = (anchor?: string) => `${this.origin}/referentiel${anchor ? `#${anchor}` : ''}`;

  issuer = (structureId: string) => `${this.origin}/issuers/${structureId}`;
  issuerImage = (structureId: string) => `${this.origin}/issuers/${structureId}/image`;
  signingKey = (structureId: string, keyId: string) => `${this.origin}/issuers/${structureId}/keys/${keyId}`;
  revocationList = (structureId: string) => `${this.origin}/issuers/${structureId}/revocations`;

  badgeClass = (badgeClassId: string) => `${this.origin}/badges/${badgeClassId}`;
  badgeClassImage = (badgeClassId: string, format: 'png' | 'svg' = 'png') =>
    `${this.origin}/badges/${badgeClassId}/image.${format}`;

  assertion = (assertionId: string) => `${this.origin}/assertions/${assertionId}`;
  hostedPng = (assertionId: string) => `${this.origin}/assertions/${assertionId}/hosted.png`;
  hostedSvg = (assertionId: string) => `${this.origin}/assertions/${assertionId}/hosted.svg`;
  signedPng = (assertionId: string) => `${this.origin}/assertions/${assertionId}/signed.png`;
  signedSvg = (assertionId: string) => `${this.origin}/assertions/${assertionId}/signed.svg`;
  jws = (assertionId: string) => `${this.origin}/assertions/${assertionId}/signed.jws`;
}
