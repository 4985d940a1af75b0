/**
 * The emailed links that carry a secret, and where it sits: the path segment
 * after `prefix`, or the query parameter `param`. Such a link works for
 * whoever holds it (or, for unsubscribing, names an address), so the request
 * log hides that part: src/logging.ts reads this table. PublicUrls builds
 * these links only through `secretPath`, whose kinds are this table's keys:
 * a new secret-bearing link cannot be built without being declared here.
 */
export const SECRET_LINKS = {
  passwordReset: { prefix: '/mot-de-passe/' },
  invitation: { prefix: '/invitation/' },
  learnerSignIn: { prefix: '/mon-espace/lien/' },
  unsubscribe: { prefix: '/courriels/arret/', param: 'jeton' },
} as const satisfies Record<string, { prefix: `/${string}/`; param?: string }>;

export type SecretLink = keyof typeof SECRET_LINKS;

/** fastify's routerOptions.maxParamLength: a longer token goes in the query string instead. */
export const MAX_PATH_TOKEN = 200;

/** The path of a secret-bearing link; a token too long for a path segment goes in the declared parameter. */
export function secretPath(link: SecretLink, token: string): string {
  const declared: { prefix: string; param?: string } = SECRET_LINKS[link];
  if (token.length <= MAX_PATH_TOKEN || !declared.param) return `${declared.prefix}${token}`;
  return `${declared.prefix.slice(0, -1)}?${declared.param}=${encodeURIComponent(token)}`;
}

/** Paths of our pages, for routes' redirects and forms' actions (PublicUrls puts PUBLIC_URL in front). */
export const paths = {
  passwordReset: (token: string) => secretPath('passwordReset', token),
  invitation: (token: string) => secretPath('invitation', token),
  learnerSignIn: (token: string) => secretPath('learnerSignIn', token),
  unsubscribe: (token: string) => secretPath('unsubscribe', token),
  learnerSpace: () => '/mon-espace',
};

/**
 * Every public address Insigne publishes or emails, built on PUBLIC_URL. The
 * Open Badges ids are these URLs, and the public routes serve exactly these
 * paths: keep both in step through this one place. Emailed links are in
 * people's mailboxes: their form never changes.
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
  badgeClassImage = (badgeClassId: string, format: 'png' | 'svg' = 'png') => `${this.origin}/badges/${badgeClassId}/image.${format}`;

  assertion = (assertionId: string) => `${this.origin}/assertions/${assertionId}`;
  hostedPng = (assertionId: string) => `${this.origin}/assertions/${assertionId}/hosted.png`;
  hostedSvg = (assertionId: string) => `${this.origin}/assertions/${assertionId}/hosted.svg`;
  signedPng = (assertionId: string) => `${this.origin}/assertions/${assertionId}/signed.png`;
  signedSvg = (assertionId: string) => `${this.origin}/assertions/${assertionId}/signed.svg`;
  jws = (assertionId: string) => `${this.origin}/assertions/${assertionId}/signed.jws`;

  /**
   * The id of a signed assertion (and of its entry in a revocation list): the
   * same uuid as the hosted one. src/openbadges checks this form when it
   * builds the signed document.
   */
  signedAssertionId = (assertionId: string) => `urn:uuid:${assertionId}`;
  /** The uuid a signed assertion's id names, if it has that form. */
  assertionIdOfSigned = (id: string): string | undefined => /^urn:uuid:([0-9a-f-]{36})$/.exec(id)?.[1];

  // Emailed links
  passwordReset = (token: string) => `${this.origin}${paths.passwordReset(token)}`;
  invitation = (token: string) => `${this.origin}${paths.invitation(token)}`;
  learnerSignIn = (token: string) => `${this.origin}${paths.learnerSignIn(token)}`;
  /** The "stop receiving emails" page of an unsubscribe token (also the RFC 8058 one-click target). */
  unsubscribe = (token: string) => `${this.origin}${paths.unsubscribe(token)}`;
  /** The learner's space, where a new sign-in link is asked for. */
  learnerSpace = () => `${this.origin}${paths.learnerSpace()}`;
  /** A badge class's page in its structure's workspace (staff emails: sign-in required). */
  workspaceBadgeClass = (badgeClassId: string) => `${this.origin}/espace/badges/${badgeClassId}`;
  /** The Région's page of the shared catalogue and its pending proposals. */
  platformCatalogue = () => `${this.origin}/espace/plateforme/catalogue`;
  /** The staff's workspace (its dashboard), where a structure reads what concerns it. */
  workspace = () => `${this.origin}/espace`;
}

/** What stands in a shown email for a link's secret. */
export const REDACTED_SECRET = '***';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const declaredLinks: readonly { prefix: string; param?: string }[] = Object.values(SECRET_LINKS);
/** A declared prefix and the token after it, wherever it stands in a text (a URL, an href, escaped or not). */
const SECRET_IN_PATH = new RegExp(`(${declaredLinks.map((l) => escapeRegExp(l.prefix)).join('|')})[^\\s"'<>?#/&)]+`, 'g');
/** The declared parameter of a declared link (`/courriels/arret?…jeton=…`), `&` written raw or as `&amp;`. */
const SECRET_IN_QUERY = declaredLinks.flatMap((l) =>
  l.param
    ? [new RegExp(`(${escapeRegExp(l.prefix.slice(0, -1))}\\?(?:[^\\s"'<>#]*?(?:&amp;|&))?${escapeRegExp(l.param)}=)[^&\\s"'<>#]+`, 'g')]
    : [],
);

/**
 * An email's body (text or HTML) with the secret of every declared link
 * (SECRET_LINKS) replaced: what staff are shown of a message, since such a
 * link works for whoever holds it. A link declared there is hidden here too.
 */
export function redactSecretLinks(body: string): string {
  let redacted = body.replace(SECRET_IN_PATH, `$1${REDACTED_SECRET}`);
  for (const pattern of SECRET_IN_QUERY) redacted = redacted.replace(pattern, `$1${REDACTED_SECRET}`);
  return redacted;
}
