import { z } from 'zod';
import type { AssertionRow, BadgeClassRow } from '../../../../services/records.ts';
import type { AwardStatus } from '../../../../services/rules/award-status.ts';
import type { PublicUrls } from '../../../../services/urls.ts';
import { Ob3Urls } from '../../../../services/open-badges-v3/urls.ts';

/**
 * The API's own shapes, kept apart from the Open Badges wire format: an
 * integrator sees plain fields (the recipient's email in clear, a status),
 * and follows `url` for the Open Badges document.
 */
export const badgeClassResource = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  criteria: z.string(),
  tags: z.array(z.string()),
  catalogueKey: z.string().nullable().describe('Set for the regional catalogue badges, e.g. "organiser-je-maitrise"'),
  validityDays: z.number().int().nullable(),
  url: z.url().describe('The Open Badges BadgeClass id'),
  image: z.url(),
});

export function toBadgeClassResource(row: BadgeClassRow, urls: PublicUrls): z.infer<typeof badgeClassResource> {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    criteria: row.criteriaNarrative,
    tags: row.tags,
    catalogueKey: row.catalogueKey,
    validityDays: row.validityDays,
    url: urls.badgeClass(row.id),
    image: urls.badgeClassImage(row.id),
  };
}

export const assertionResource = z.object({
  id: z.uuid(),
  url: z.url().describe('The hosted Open Badges Assertion id, also the verification page for people'),
  badgeClass: z.uuid(),
  recipient: z.object({ email: z.string(), name: z.string() }),
  issuedOn: z.string(),
  expires: z.string().nullable(),
  evidence: z.array(z.object({ narrative: z.string().optional(), url: z.string().optional() })),
  narrative: z.string().nullable(),
  status: z.enum(['valid', 'expired', 'revoked']),
  revocation: z.object({ revokedAt: z.string(), reason: z.string() }).nullable(),
  jws: z.string().optional().describe('The signed assertion (compact JWS, RS256)'),
  images: z.object({
    hostedPng: z.url(),
    hostedSvg: z.url(),
    signedPng: z.url(),
    signedSvg: z.url(),
  }),
  jwsUrl: z.url(),
  openBadges3: z
    .object({
      credential: z.url().describe('The signed OpenBadgeCredential (Data Integrity, eddsa-rdfc-2022), application/vc+ld+json'),
      png: z.url().describe('The badge image with the credential baked in (iTXt openbadgecredential)'),
      svg: z.url().describe('The badge image with the credential baked in (<openbadges:credential>)'),
    })
    .describe('Open Badges 3.0 files of the same award: signed on first download, refused (410) once revoked'),
});

export function toAssertionResource(
  row: AssertionRow,
  urls: PublicUrls,
  /** The status comes from the service (its clock, the one rule): `services.awarding.status(row)`. */
  extra: { status: AwardStatus; jws?: string },
): z.infer<typeof assertionResource> {
  const ob3 = new Ob3Urls(urls);
  return {
    id: row.id,
    url: urls.assertion(row.id),
    badgeClass: row.badgeClassId,
    recipient: { email: row.recipientEmail, name: row.recipientName },
    issuedOn: row.issuedOn.toISOString(),
    expires: row.expires?.toISOString() ?? null,
    evidence: row.evidence,
    narrative: row.narrative,
    status: extra.status,
    revocation: row.revokedAt ? { revokedAt: row.revokedAt.toISOString(), reason: row.revocationReason ?? '' } : null,
    ...(extra.jws ? { jws: extra.jws } : {}),
    images: {
      hostedPng: urls.hostedPng(row.id),
      hostedSvg: urls.hostedSvg(row.id),
      signedPng: urls.signedPng(row.id),
      signedSvg: urls.signedSvg(row.id),
    },
    jwsUrl: urls.jws(row.id),
    openBadges3: {
      credential: ob3.credentialJson(row.id),
      png: ob3.credentialPng(row.id),
      svg: ob3.credentialSvg(row.id),
    },
  };
}

const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
});

export const apiErrorResponses = { 400: errorBody, 401: errorBody, 404: errorBody } as const;
export const apiErrorBody = errorBody;
