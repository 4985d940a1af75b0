import type { Database } from '../db/database.ts';
import {
  type AssertionRow,
  findAssertion,
  type HostedAssertionRow,
  listRevokedAssertions,
  preparePublicationQueries,
} from '../db/repositories/assertions.ts';
import { findBadgeClassImages, findBadgeClassPublic, listLiveBadgeClasses } from '../db/repositories/badge-classes.ts';
import { findStructure } from '../db/repositories/structures.ts';
import {
  bakePng,
  bakeSvg,
  cryptographicKey,
  hashEmailIdentity,
  recipientMatches,
  type DocumentLoader,
  revocationList,
  revokedHostedAssertion,
  verifyBadge,
  type VerificationReport,
} from '../openbadges/index.ts';
import type { AwardingService } from './awarding.ts';
import { FRESHNESS_MS, TtlCache } from './cache.ts';
import type { LocalChanges } from './changes.ts';
import type { DocumentBuilder } from './documents.ts';
import { DomainError } from './errors.ts';
import type { SigningKeyService } from './signing-keys.ts';
import type { PublicUrls } from './urls.ts';
import type { Clock } from '../clock.ts';

type VerificationContext = NonNullable<Awaited<ReturnType<ReturnType<typeof preparePublicationQueries>['assertionWithContext']>>>;

export type Flavour = 'hosted' | 'signed';
export type ImageFormat = 'png' | 'svg';

export type AssertionPublication =
  | { state: 'published'; document: object; assertion: HostedAssertionRow }
  | { state: 'revoked'; document: object; assertion: HostedAssertionRow };

/**
 * Everything the public side serves without a login: the Open Badges
 * documents at their ids, the baked images, and what a recruiter's
 * verification page shows.
 */
export class PublicationService {
  private readonly queries: ReturnType<typeof preparePublicationQueries>;
  // The documents every verification reads again and again (issuer, key,
  // badge class, revocation list) are kept FRESHNESS_MS at most, so a change
  // made through any instance shows everywhere within a second. Assertions
  // themselves are always read from the database: a revocation answers 410 at once.
  private readonly issuerDocs = new TtlCache<object>(FRESHNESS_MS);
  private readonly keyDocs = new TtlCache<object>(60_000); // a key document never changes
  private readonly revocationLists = new TtlCache<object>(FRESHNESS_MS);
  private readonly badgeClassDocs = new TtlCache<object>(FRESHNESS_MS);
  private readonly badgeClassImages = new TtlCache<{ imagePng: Uint8Array; imageSvg: string | null }>(FRESHNESS_MS, 500);
  // Images to bake, by content digest: what a digest names never changes, and
  // the nine catalogue images every structure shares are held once.
  private readonly imageContent = new TtlCache<{ imagePng: Uint8Array; imageSvg: string | null }>(3_600_000, 500);

  constructor(
    private readonly db: Database,
    private readonly urls: PublicUrls,
    private readonly documents: DocumentBuilder,
    private readonly keys: SigningKeyService,
    private readonly awarding: AwardingService,
    changes: LocalChanges,
    private readonly now: Clock,
  ) {
    this.queries = preparePublicationQueries(db);
    changes.onStructureChanged((structureId) => {
      this.issuerDocs.delete(structureId);
      this.revocationLists.delete(structureId);
    });
    changes.onBadgeClassChanged((badgeClassId) => {
      this.badgeClassDocs.delete(badgeClassId);
      this.badgeClassImages.delete(badgeClassId);
    });
  }

  issuerProfile(structureId: string): Promise<object> {
    return this.issuerDocs.get(structureId, async () => {
      const structure = await findStructure(this.db, structureId);
      if (!structure) throw new DomainError('structure_not_found', 404);
      return this.documents.issuer(structure, await this.keys.activeId(structureId));
    });
  }

  async issuerImage(structureId: string): Promise<{ mime: string; bytes: Uint8Array }> {
    const structure = await findStructure(this.db, structureId);
    if (!structure?.logo || !structure.logoMime) throw new DomainError('not_found', 404);
    return { mime: structure.logoMime, bytes: structure.logo };
  }

  signingKey(structureId: string, keyId: string): Promise<object> {
    return this.keyDocs.get(`${structureId}/${keyId}`, async () => {
      const key = await this.keys.find(structureId, keyId);
      if (!key) throw new DomainError('not_found', 404);
      return cryptographicKey({
        id: this.urls.signingKey(structureId, key.id),
        owner: this.urls.issuer(structureId),
        publicKeyPem: key.publicKeyPem,
      });
    });
  }

  revocationList(structureId: string): Promise<object> {
    return this.revocationLists.get(structureId, async () => {
      if (!(await findStructure(this.db, structureId))) throw new DomainError('structure_not_found', 404);
      const revoked = await listRevokedAssertions(this.db, structureId);
      return revocationList({
        id: this.urls.revocationList(structureId),
        issuer: this.urls.issuer(structureId),
        // Hosted badges say so at their own URL (410); the list is for signed ones.
        revokedAssertions: revoked.map((r) => ({
          id: this.urls.signedAssertionId(r.id),
          revocationReason: r.revocationReason ?? undefined,
        })),
      });
    });
  }

  badgeClass(id: string): Promise<object> {
    return this.badgeClassDocs.get(id, async () => {
      const row = await findBadgeClassPublic(this.db, id);
      if (!row) throw new DomainError('badge_class_not_found', 404);
      return this.documents.badgeClass(row);
    });
  }

  private images(id: string) {
    return this.badgeClassImages.get(id, async () => {
      const images = await findBadgeClassImages(this.db, id);
      if (!images) throw new DomainError('badge_class_not_found', 404);
      return images;
    });
  }

  async badgeClassImage(id: string, format: ImageFormat): Promise<{ mime: string; bytes: Uint8Array | string }> {
    const images = await this.images(id);
    return format === 'png'
      ? { mime: 'image/png', bytes: images.imagePng }
      : { mime: 'image/svg+xml', bytes: images.imageSvg ?? svgWrappingPng(images.imagePng) };
  }

  async assertion(id: string): Promise<AssertionPublication> {
    const assertion = await this.queries.hostedAssertion(id);
    if (!assertion) throw new DomainError('assertion_not_found', 404);
    if (assertion.revokedAt) {
      return {
        state: 'revoked',
        assertion,
        document: revokedHostedAssertion(this.urls.assertion(id), assertion.revocationReason ?? 'Révoqué'),
      };
    }
    return { state: 'published', assertion, document: this.documents.hostedAssertion(assertion) };
  }

  /** The JWS a learner downloads: always signed with the structure's current key. */
  async jws(id: string): Promise<string> {
    const assertion = await this.liveAssertion(id);
    return this.awarding.currentJws(assertion);
  }

  async bakedImage(id: string, flavour: Flavour, format: ImageFormat): Promise<{ mime: string; bytes: Uint8Array | string }> {
    const assertion = await this.queries.download(id);
    if (!assertion) throw new DomainError('assertion_not_found', 404);
    if (assertion.revokedAt) throw new DomainError('assertion_revoked', 410);
    const badgeClass = await this.imageContent.get(assertion.imageDigest, async () => {
      const images = await findBadgeClassImages(this.db, assertion.badgeClassId);
      if (!images) throw new DomainError('badge_class_not_found', 404);
      return images;
    });
    const signed =
      flavour !== 'signed'
        ? undefined
        : assertion.jws && assertion.signingKeyId === assertion.activeKeyId
          ? assertion.jws
          : await this.awarding.currentJws(await this.liveAssertion(id));
    const hostedJson = signed ? undefined : JSON.stringify(this.documents.hostedAssertion(assertion));
    if (format === 'png') {
      return { mime: 'image/png', bytes: bakePng(badgeClass.imagePng, signed ?? hostedJson!) };
    }
    const svg = badgeClass.imageSvg ?? svgWrappingPng(badgeClass.imagePng);
    return {
      mime: 'image/svg+xml',
      bytes: bakeSvg(svg, signed ? { jws: signed } : { assertionUrl: this.urls.assertion(id), assertionJson: hostedJson! }),
    };
  }

  /**
   * What the recruiter's page shows: the assertion with its badge class and
   * structure, and the report of checking its signed form as any verifier would.
   */
  async verificationView(id: string) {
    const now = this.now();
    const found = await this.queries.assertionWithContext(id);
    if (!found) throw new DomainError('assertion_not_found', 404);
    const erased = found.assertion.erasedAt !== null;
    // An erased badge has no signed copy left and must not be given a new
    // one: it is checked as an outside verifier would, by its URL (410).
    const report = erased
      ? await this.verify({ kind: 'url', url: this.urls.assertion(id) })
      : await verifyBadge({ kind: 'jws', jws: await this.signedForm(found) }, { loader: this.loaderFor(found), now });
    // The learner's choice is read at each view, so it also covers badges awarded after they made it.
    const nameHidden = erased || found.assertion.recipientNameHidden || found.nameHiddenByPreference;
    // A hidden name never reaches the template (nor the link preview built from this view).
    const assertion = nameHidden ? { ...found.assertion, recipientName: '' } : found.assertion;
    return { ...found, assertion, nameHidden, report, now };
  }

  private signedForm(found: VerificationContext): Promise<string> {
    const { assertion, activeKey } = found;
    if (assertion.jws && activeKey && assertion.signingKeyId === activeKey.id) return Promise.resolve(assertion.jws);
    return this.awarding.currentJws(assertion);
  }

  /**
   * The documents the page's check reads, built from the row it already has
   * (the same builders serve them at their URLs): the issuer profile, the
   * badge class, the active key, and this assertion's entry of the revocation
   * list. Anything else is read as usual. One query per page, however many
   * structures the platform serves.
   */
  private loaderFor(found: VerificationContext): DocumentLoader {
    const { assertion, badgeClass, structure, activeKey } = found;
    const documents = new Map<string, object>([
      [this.urls.issuer(structure.id), this.documents.issuer(structure, activeKey?.id ?? undefined)],
      [this.urls.badgeClass(badgeClass.id), this.documents.badgeClass(badgeClass)],
      [
        this.urls.revocationList(structure.id),
        revocationList({
          id: this.urls.revocationList(structure.id),
          issuer: this.urls.issuer(structure.id),
          revokedAssertions: assertion.revokedAt
            ? [{ id: this.urls.signedAssertionId(assertion.id), revocationReason: assertion.revocationReason ?? undefined }]
            : [],
        }),
      ],
    ]);
    const keyUrl = activeKey ? this.urls.signingKey(structure.id, activeKey.id) : undefined;
    const fallback = this.localLoader();
    return {
      fetchJson: async (url: string) => {
        if (activeKey && url === keyUrl) {
          // A key document never changes, and building one parses the PEM: kept, like the served ones.
          const key = await this.keyDocs.get(`${structure.id}/${activeKey.id}`, async () =>
            cryptographicKey({ id: keyUrl, owner: this.urls.issuer(structure.id), publicKeyPem: activeKey.publicKeyPem }),
          );
          return { status: 200, body: key };
        }
        const document = documents.get(url);
        return document ? { status: 200, body: document } : fallback.fetchJson(url);
      },
    };
  }

  /** Tells whether an email address is the recipient's, without ever revealing the address. */
  async recipientMatches(id: string, email: string): Promise<boolean> {
    const found = await this.queries.assertionWithContext(id);
    if (!found) throw new DomainError('assertion_not_found', 404);
    const identity = hashEmailIdentity(found.assertion.recipientEmail, found.assertion.recipientSalt);
    return recipientMatches(identity, email);
  }

  async badgeClassView(id: string) {
    const badgeClass = await findBadgeClassPublic(this.db, id);
    if (!badgeClass) throw new DomainError('badge_class_not_found', 404);
    const structure = await findStructure(this.db, badgeClass.structureId);
    if (!structure) throw new DomainError('structure_not_found', 404);
    return { badgeClass, structure };
  }

  async issuerView(structureId: string) {
    const structure = await findStructure(this.db, structureId);
    if (!structure) throw new DomainError('structure_not_found', 404);
    return { structure, badgeClasses: await listLiveBadgeClasses(this.db, structureId) };
  }

  /**
   * Checks a badge of ours the way an outside verifier would, reading our own
   * documents in-process instead of over HTTP.
   */
  async verify(input: Parameters<typeof verifyBadge>[0], recipientEmail?: string): Promise<VerificationReport> {
    return verifyBadge(input, { loader: this.localLoader(), recipientEmail, now: this.now() });
  }

  /** Resolves URLs under PUBLIC_URL to the documents we would serve there, with their status. */
  localLoader(): DocumentLoader {
    const prefix = this.urls.origin;
    const routes: [RegExp, (m: RegExpMatchArray) => Promise<object>][] = [
      [/^\/issuers\/([0-9a-f-]{36})$/, (m) => this.issuerProfile(m[1]!)],
      [/^\/issuers\/([0-9a-f-]{36})\/keys\/([0-9a-f-]{36})$/, (m) => this.signingKey(m[1]!, m[2]!)],
      [/^\/issuers\/([0-9a-f-]{36})\/revocations$/, (m) => this.revocationList(m[1]!)],
      [/^\/badges\/([0-9a-f-]{36})$/, (m) => this.badgeClass(m[1]!)],
    ];
    return {
      fetchJson: async (url: string) => {
        if (!url.startsWith(`${prefix}/`)) return { status: 404, body: null };
        const path = url.slice(prefix.length);
        try {
          const assertionMatch = /^\/assertions\/([0-9a-f-]{36})$/.exec(path);
          if (assertionMatch) {
            const published = await this.assertion(assertionMatch[1]!);
            return { status: published.state === 'revoked' ? 410 : 200, body: published.document };
          }
          for (const [pattern, load] of routes) {
            const match = pattern.exec(path);
            if (match) return { status: 200, body: await load(match) };
          }
        } catch (error) {
          if (error instanceof DomainError) return { status: error.status, body: null };
          throw error;
        }
        return { status: 404, body: null };
      },
    };
  }

  private async liveAssertion(id: string): Promise<AssertionRow> {
    const assertion = await findAssertion(this.db, id);
    if (!assertion) throw new DomainError('assertion_not_found', 404);
    if (assertion.revokedAt) throw new DomainError('assertion_revoked', 410);
    return assertion;
  }
}

/** A badge class uploaded as PNG only still gets an SVG to bake into. */
function svgWrappingPng(png: Uint8Array): string {
  const href = `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400"><image width="400" height="400" href="${href}"/></svg>`;
}
