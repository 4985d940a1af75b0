import { createHash } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import type { Database } from '../../db/database.ts';
import {
  claimStatusSlot,
  countStatusSlots,
  type CredentialContext,
  findCredentialContext,
  findOb3Credential,
  listRevokedStatusIndexes,
  type Ob3CredentialRow,
  statusListExists,
  storeSignedCredential,
} from '../../db/repositories/open-badges-v3.ts';
import { findStructure, type StructureRow } from '../../db/repositories/structures.ts';
import { findBadgeClassImages, findBadgeClassPublic } from '../../db/repositories/badge-classes.ts';
import { newSalt, OpenBadgesError } from '../../openbadges/index.ts';
import {
  achievement,
  type AchievementInput,
  bakeCredentialPng,
  bakeCredentialSvg,
  bitstringStatusListCredential,
  multikeyDocument,
  type MultikeyDocument,
  OB_V3_CONTEXT,
  openBadgeCredential,
  type OpenBadgeCredential,
  type SignedOpenBadgeCredential,
  profile,
  type Profile,
  profileDocument,
  type ProfileDocument,
  randomStatusIndex,
  STATUS_LIST_SIZE,
  signCredential,
  statusListEntry,
  VC_V2_CONTEXT,
  type CredentialVerdict,
  localDocumentLoader,
  verifyOpenBadgeCredential,
} from '../../openbadges/v3/index.ts';
import { FRESHNESS_MS, TtlCache } from '../cache.ts';
import type { LocalChanges } from '../changes.ts';
import { DomainError } from '../errors.ts';
import type { PublicUrls } from '../urls.ts';
import type { Ob3KeyService } from './keys.ts';
import type { Ob3Urls } from './urls.ts';

type PublishedStructure = Pick<StructureRow, 'id' | 'name' | 'url' | 'email' | 'description' | 'telephone' | 'logoMime'>;

/** A list is left for the next once this full: random slots stay quick to find, and neighbours stay many. */
const LIST_FILL = Math.floor(STATUS_LIST_SIZE * 0.75);
const SLOT_TRIES = 32;

/**
 * Every award's Open Badges 3.0 credential, and the documents that make it
 * verifiable: the structure's 3.0 Profile, its Multikey documents, and its
 * BitstringStatusListCredentials.
 *
 * A credential is built and signed on its first download, then kept: awarding
 * (one badge or a 10,000-row import) pays nothing for 3.0, and awards made
 * before 3.0 existed get theirs the same way. Its status slot is claimed at
 * that first build; whether the slot's bit is set is the assertion's
 * revoked_at, read when the list is served, so a revocation or an erasure
 * shows in the list from its own transaction on (and within a second on
 * every instance).
 */
export class OpenBadgeCredentialService {
  private readonly profiles = new TtlCache<ProfileDocument>(FRESHNESS_MS);
  private readonly statusLists = new TtlCache<object>(FRESHNESS_MS);
  private readonly verdicts = new TtlCache<CredentialVerdict>(60_000, 10_000);
  private readonly images = new TtlCache<{ imagePng: Uint8Array; imageSvg: string | null }>(FRESHNESS_MS, 500);

  constructor(
    private readonly db: Database,
    private readonly urls: PublicUrls,
    readonly ob3: Ob3Urls,
    private readonly keys: Ob3KeyService,
    changes: LocalChanges,
    private readonly now: Clock,
  ) {
    changes.onStructureChanged((structureId) => {
      this.profiles.delete(structureId);
      for (let list = 0; list < 8; list++) this.statusLists.delete(`${structureId}/${list}`);
    });
  }

  issuer(structure: PublishedStructure): Profile {
    return profile({
      id: this.ob3.issuer(structure.id),
      name: structure.name,
      url: structure.url,
      email: structure.email,
      description: structure.description ?? undefined,
      phone: structure.telephone ?? undefined,
      image: structure.logoMime ? this.urls.issuerImage(structure.id) : undefined,
      issuerV2: this.urls.issuer(structure.id),
    });
  }

  /** The 3.0 Profile served at the issuer id, listing every key the structure ever had. */
  async profileDocument(structureId: string): Promise<ProfileDocument> {
    return this.profiles.get(structureId, async () => {
      const structure = await findStructure(this.db, structureId);
      if (!structure) throw new DomainError('structure_not_found', 404);
      const keys = await this.keys.all(structureId);
      return profileDocument(
        this.issuer(structure),
        keys.map((k) => ({
          id: this.ob3.key(structureId, k.id),
          type: 'Multikey' as const,
          controller: this.ob3.issuer(structureId),
          publicKeyMultibase: k.publicKeyMultibase,
        })),
      );
    });
  }

  async keyDocument(structureId: string, keyId: string): Promise<MultikeyDocument> {
    const key = await this.keys.find(structureId, keyId);
    if (!key) throw new DomainError('not_found', 404);
    return multikeyDocument({
      id: this.ob3.key(structureId, key.id),
      type: 'Multikey',
      controller: this.ob3.issuer(structureId),
      publicKeyMultibase: key.publicKeyMultibase,
    });
  }

  /** An Achievement as it stands in the credentials, with its own context, at its own URL. */
  async achievementDocument(badgeClassId: string): Promise<object> {
    const badgeClass = await findBadgeClassPublic(this.db, badgeClassId);
    if (!badgeClass) throw new DomainError('badge_class_not_found', 404);
    return { '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT], ...achievement(this.achievementInput(badgeClass)) };
  }

  /** The signed status list: 131,072 bits, those of revoked (or erased) awards set. */
  async statusList(structureId: string, list: number): Promise<object> {
    return this.statusLists.get(`${structureId}/${list}`, async () => {
      const structure = await findStructure(this.db, structureId);
      if (!structure) throw new DomainError('structure_not_found', 404);
      // List 0 always exists (it may be empty); later ones once a slot was claimed there.
      if (list > 0 && !(await statusListExists(this.db, structureId, list))) throw new DomainError('not_found', 404);
      const revoked = await listRevokedStatusIndexes(this.db, structureId, list);
      const key = await this.keys.signing(structureId);
      const now = this.now();
      return signCredential(
        bitstringStatusListCredential({
          id: this.ob3.statusList(structureId, list),
          issuer: this.issuer(structure),
          revokedIndexes: revoked,
          validFrom: now,
        }),
        key,
        now,
      );
    });
  }

  /**
   * The award's signed credential: the one kept if what it says still holds,
   * else built and signed now (first download, or the learner hid their name,
   * or the structure's details changed). Refused once revoked, like 2.0.
   */
  async credential(assertionId: string): Promise<SignedOpenBadgeCredential> {
    return (await this.signedWithContext(assertionId)).signed;
  }

  /**
   * What the recruiter's page says of the 3.0 form: the award's credential
   * checked as a wallet would (proof, the key its Profile lists, dates, the
   * status list's bit), from the documents we serve at their URLs, built
   * in process.
   */
  async check(assertionId: string): Promise<CredentialVerdict> {
    const context = await findCredentialContext(this.db, assertionId);
    if (!context) throw new DomainError('assertion_not_found', 404);
    // Read from the row at every view: a revocation shows at once.
    if (context.assertion.revokedAt) return 'revoked';
    let signed: SignedOpenBadgeCredential;
    try {
      signed = await this.credential(assertionId);
    } catch (error) {
      // A badge class the 3.0 rules refuse (say, no criteria) must not break the 2.0 page.
      if (error instanceof OpenBadgesError) return 'invalid';
      throw error;
    }
    // Canonicalising costs milliseconds: a signed credential's verdict is kept a minute (its dates are rechecked then).
    const proofValue = signed.proof[0]?.proofValue ?? '';
    return this.verdicts.get(`${assertionId}/${proofValue}`, async () => {
      const structureId = context.structure.id;
      const profileDoc = await this.profileDocument(structureId);
      const documents = new Map<string, unknown>([[profileDoc.id, profileDoc]]);
      for (const key of profileDoc.assertionMethod) documents.set(key.id, multikeyDocument(key));
      const status = signed.credentialStatus;
      if (status) {
        documents.set(
          status.statusListCredential,
          await this.statusList(structureId, Number(status.statusListCredential.split('/').pop())),
        );
      }
      return verifyOpenBadgeCredential(signed, { documentLoader: localDocumentLoader(documents), now: this.now() });
    });
  }

  /** The credential baked into the badge class's image: PNG (iTXt `openbadgecredential`) or SVG (`<openbadges:credential>`). */
  async baked(assertionId: string, format: 'png' | 'svg'): Promise<{ mime: string; bytes: Uint8Array | string }> {
    const { signed, badgeClassId } = await this.signedWithContext(assertionId);
    const images = await this.images.get(badgeClassId, async () => {
      const found = await findBadgeClassImages(this.db, badgeClassId);
      if (!found) throw new DomainError('badge_class_not_found', 404);
      return found;
    });
    if (format === 'png') return { mime: 'image/png', bytes: bakeCredentialPng(images.imagePng, signed) };
    return { mime: 'image/svg+xml', bytes: bakeCredentialSvg(images.imageSvg ?? svgWrappingPng(images.imagePng), signed) };
  }

  private async signedWithContext(assertionId: string): Promise<{ signed: SignedOpenBadgeCredential; badgeClassId: string }> {
    const context = await findCredentialContext(this.db, assertionId);
    if (!context) throw new DomainError('assertion_not_found', 404);
    if (context.assertion.revokedAt) throw new DomainError('assertion_revoked', 410);
    const slot = context.credential ?? (await this.claimSlot(context));
    const unsigned = this.unsigned(context, slot);
    const basis = createHash('sha256').update(JSON.stringify(unsigned)).digest('base64url');
    const badgeClassId = context.badgeClass.id;
    if (slot.credential && slot.basis === basis) return { signed: slot.credential as SignedOpenBadgeCredential, badgeClassId };
    const key = await this.keys.signing(context.structure.id);
    const signed = await signCredential(unsigned, key, this.now());
    await storeSignedCredential(this.db, assertionId, { credential: signed, basis, keyId: this.keys.keyIdOf(key) });
    return { signed, badgeClassId };
  }

  private achievementInput(badgeClass: CredentialContext['badgeClass']): AchievementInput {
    const alignment = badgeClass.alignment.map((a) =>
      a.targetUrl.startsWith('/') ? { ...a, targetUrl: `${this.urls.origin}${a.targetUrl}` } : a,
    );
    return {
      id: this.ob3.achievement(badgeClass.id),
      name: badgeClass.name,
      description: badgeClass.description,
      criteria: { narrative: badgeClass.criteriaNarrative },
      image: { id: this.urls.badgeClassImage(badgeClass.id, 'png') },
      // The regional badges certify a competence of the framework they align to.
      achievementType: alignment.length ? 'Competency' : 'Badge',
      alignment,
      tag: badgeClass.tags,
      relatedBadgeClass: this.urls.badgeClass(badgeClass.id),
    };
  }

  private unsigned(context: CredentialContext, slot: Ob3CredentialRow): OpenBadgeCredential {
    const { assertion, structure, badgeClass } = context;
    const nameHidden = assertion.recipientNameHidden || context.nameHiddenByPreference;
    return openBadgeCredential({
      id: this.ob3.credentialId(assertion.id),
      issuer: this.issuer(structure),
      achievement: this.achievementInput(badgeClass),
      recipient: { email: assertion.recipientEmail, salt: slot.salt, name: nameHidden ? undefined : assertion.recipientName },
      narrative: assertion.narrative ?? undefined,
      evidence: assertion.evidence.map((e) => ({ id: e.url, narrative: e.narrative })),
      assertionV2: this.urls.assertion(assertion.id),
      awardedDate: assertion.issuedOn,
      validFrom: assertion.issuedOn,
      validUntil: assertion.expires ?? undefined,
      credentialStatus: statusListEntry(this.ob3.statusList(structure.id, slot.statusList), slot.statusIndex),
      now: this.now(),
    });
  }

  /** A random free slot in the structure's current list, and the credential's own fresh salt. */
  private async claimSlot(context: CredentialContext): Promise<Ob3CredentialRow> {
    const structureId = context.structure.id;
    const assertionId = context.assertion.id;
    return this.db.transaction(async (tx) => {
      const used = await countStatusSlots(tx, structureId);
      let list = Math.max(0, ...used.keys());
      if ((used.get(list) ?? 0) >= LIST_FILL) list++;
      for (;;) {
        for (let i = 0; i < SLOT_TRIES; i++) {
          const claimed = await claimStatusSlot(tx, {
            assertionId,
            structureId,
            statusList: list,
            statusIndex: randomStatusIndex(),
            salt: newSalt(),
            createdAt: this.now(),
          });
          const row = await findOb3Credential(tx, assertionId);
          // Claimed now, or by a concurrent first download: either way the award has its slot.
          if (row) return row;
          if (claimed) throw new Error('a claimed status slot cannot be read back');
        }
        list++;
      }
    });
  }
}

/** A badge class uploaded as PNG only still gets an SVG to bake into (as for 2.0). */
function svgWrappingPng(png: Uint8Array): string {
  const href = `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400"><image width="400" height="400" href="${href}"/></svg>`;
}
