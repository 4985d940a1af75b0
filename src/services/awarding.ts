// One file because awarding one badge or a batch, its email, its resend, its address correction and its revocation share the signing, idempotency and mail context of one AwardingService.
import { createHash, randomUUID } from 'node:crypto';
import type { Database } from '../db/database.ts';
import {
  type AssertionRow,
  claimIdempotencyKey,
  findAssertionOfStructure,
  findAssertionsOfStructure,
  findIdempotentAward,
  findIdempotentAwards,
  insertAssertion,
  insertAssertions,
  insertIdempotencyKeys,
  listAssertions,
  lockAssertion,
  lockIdempotencyScope,
  markRevoked,
  type NewAssertionRow,
  setRecipient,
  updateSignature,
} from '../db/repositories/assertions.ts';
import { type BadgeClassRow, findBadgeClass, findBadgeClassOfStructure, listLiveBadgeClasses } from '../db/repositories/badge-classes.ts';
import { statusesForAssertion, supersedeWaitingMessages, suppressUnsentAwardMail } from '../db/repositories/outbox.ts';
import { findStructure } from '../db/repositories/structures.ts';
import { refuseIfClosed, StructureRefusal } from './rules/structure-open.ts';
import { findUserById } from '../db/repositories/users.ts';
import type { EvidenceRecord } from '../db/schema.ts';
import { newSalt, normaliseEmail } from '../openbadges/index.ts';
import { type Actor, actorColumns, recordAudit } from './audit.ts';
import type { DocumentBuilder } from './documents.ts';
import type { LocalChanges } from './changes.ts';
import { DomainError } from './errors.ts';
import type { AwardMailFacts, AwardMails } from './mail/award-mail.ts';
import type { ActiveSigningKey, SigningKeyService } from './signing-keys.ts';
import { type AwardStatus, awardStatus } from './rules/award-status.ts';
import { expiresTooEarly, expiryOfAward, expiryOfDay } from './rules/expiry-date.ts';
import type { AssertionSigner } from './signing/signer.ts';
import type { ProgrammeRules, StoredAward } from './programme-rules.ts';
import type { Clock } from '../clock.ts';

export interface AwardInput {
  structureId: string;
  badgeClassId: string;
  recipient: { email: string; name: string };
  evidence?: EvidenceRecord[];
  narrative?: string | null;
  /** When absent, the badge class's validity period (if any) sets it. */
  expires?: Date | null;
  /** A client's retry of the same award gets the first answer back. */
  idempotencyKey?: string;
  /** The advisor's personal message, quoted in the learner's email (plain text, at most 1,000 characters). */
  message?: string | null;
  /** The awarder confirmed a second award of a badge the person holds, valid, from this structure (rules/duplicate-award.ts). */
  allowDuplicate?: boolean;
}

/** The longest personal message an award email carries. */
export const PERSONAL_MESSAGE_MAX = 1000;

/** What the award emails of one structure share: read once, before the transaction. */
interface MailContext {
  structureName: string;
  structureEmail: string;
  authorName: string | null;
  createdByUserId: string | null;
}

/** Why an address could not be corrected. */
export type AddressCorrectionRefusal = 'already_delivered' | 'sending_now' | 'revoked' | 'same_address';

export type BulkAwardItem = Omit<AwardInput, 'structureId'>;

export type BulkAwardOutcome =
  | { status: 'awarded'; assertion: AssertionRow }
  | { status: 'replayed'; assertion: AssertionRow }
  | { status: 'refused'; error: DomainError<string> };

export interface AwardResult {
  assertion: AssertionRow;
  /** True when an earlier request with the same Idempotency-Key produced it. */
  replayed: boolean;
}

class IdempotencyRace extends Error {}

/** An assertion ready to sign and store. */
type PreparedAssertion = Required<
  Pick<
    NewAssertionRow,
    'id' | 'structureId' | 'badgeClassId' | 'recipientEmail' | 'recipientName' | 'recipientSalt' | 'issuedOn' | 'evidence'
  >
> & {
  expires: Date | null;
  narrative: string | null;
  awardedByUserId: string | null;
  awardedByTokenId: string | null;
};

/** Rows per transaction in a bulk award: large enough to batch, small enough not to hold locks long. */
const BULK_CHUNK = 1000;

export class AwardingService {
  constructor(
    private readonly db: Database,
    private readonly keys: SigningKeyService,
    private readonly documents: DocumentBuilder,
    private readonly signer: AssertionSigner,
    private readonly changes: LocalChanges,
    private readonly mails: AwardMails,
    private readonly now: Clock,
    private readonly rules: ProgrammeRules,
  ) {}

  /**
   * Awards many badges at once (a CSV import, an integration's batch). Each
   * item succeeds or is refused on its own; an item whose Idempotency-Key was
   * already used answers with the first award, so sending the same batch twice
   * awards nothing twice. Signing is spread over every core.
   */
  async awardMany(structureId: string, items: BulkAwardItem[], actor: Actor): Promise<BulkAwardOutcome[]> {
    const outcomes: (BulkAwardOutcome | undefined)[] = new Array(items.length);
    const badgeClasses = new Map((await listLiveBadgeClasses(this.db, structureId)).map((b) => [b.id, b]));
    // A closed structure refuses each item, so that a CSV import under way finishes instead of retrying.
    const mailContext = await this.mailContext(structureId, actor).catch((error: unknown) => {
      if (error instanceof StructureRefusal) return error;
      throw error;
    });
    if (mailContext instanceof StructureRefusal) return items.map(() => ({ status: 'refused', error: mailContext }));
    const issuedOn = this.issuedOnNow();
    const hashes = items.map((item) => (item.idempotencyKey ? hashAwardRequest(item) : ''));

    const previous = new Map(
      (await findIdempotentAwards(this.db, structureId, unique(items.map((i) => i.idempotencyKey)))).map((p) => [p.key, p]),
    );
    const replayIds = new Map<number, string>();
    const firstIndexOfKey = new Map<string, number>();
    const pending: { index: number; row: PreparedAssertion }[] = [];
    const checked: { index: number; item: BulkAwardItem; badgeClass: BadgeClassRow }[] = [];
    items.forEach((item, index) => {
      const key = item.idempotencyKey;
      if (key) {
        const earlier = previous.get(key);
        const sameBatch = firstIndexOfKey.get(key);
        if (earlier || sameBatch !== undefined) {
          const earlierHash = earlier ? earlier.requestHash : hashes[sameBatch!]!;
          if (earlierHash !== hashes[index]) {
            outcomes[index] = { status: 'refused', error: new DomainError('idempotency_key_reused', 422) };
          } else if (earlier) {
            replayIds.set(index, earlier.assertionId);
          }
          // A repeat within this batch is resolved once the first one is stored.
          return;
        }
        firstIndexOfKey.set(key, index);
      }
      try {
        checkMessage(item.message);
        const badgeClass = badgeClasses.get(item.badgeClassId);
        if (!badgeClass) throw new DomainError('badge_class_not_found', 404);
        checked.push({ index, item, badgeClass });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        outcomes[index] = { status: 'refused', error };
      }
    });
    // The programme's rules (the general badge's, duplicates), with one query for the whole batch.
    const refusals = await this.rules.refusals(
      this.db,
      structureId,
      checked.map((c) => ({ email: c.item.recipient.email, badgeClass: c.badgeClass, allowDuplicate: c.item.allowDuplicate })),
      this.now(),
    );
    checked.forEach(({ index, item, badgeClass }, i) => {
      try {
        if (refusals[i]) throw refusals[i];
        pending.push({ index, row: this.prepareRow({ ...item, structureId }, badgeClass, actor, issuedOn) });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        outcomes[index] = { status: 'refused', error };
      }
    });

    const key = await this.keys.active(structureId);
    // Signing is the slow part: the next chunk is signed (on the worker
    // threads) while this one is written, so the database's time hides behind it.
    const signChunk = (start: number) => {
      const signing = this.signer.signMany(
        pending.slice(start, start + BULK_CHUNK).map(({ row }) => this.documents.signedAssertion(row, structureId, key.id)),
        key.privateKeyPem,
      );
      signing.catch(() => {}); // awaited below; a failed write must not leave it unhandled
      return signing;
    };
    let nextChunkSigned = pending.length > 0 ? signChunk(0) : undefined;

    for (let start = 0; start < pending.length; start += BULK_CHUNK) {
      const jwsList = await nextChunkSigned!;
      nextChunkSigned = start + BULK_CHUNK < pending.length ? signChunk(start + BULK_CHUNK) : undefined;
      const chunk = pending.slice(start, start + BULK_CHUNK).map((p, i) => ({ ...p, jws: jwsList[i]! }));
      await this.db.transaction(async (tx) => {
        const now = this.now();
        await lockIdempotencyScope(tx, structureId);
        // A concurrent sender of the same batch may have stored some of these meanwhile.
        const taken = new Map(
          (await findIdempotentAwards(tx, structureId, unique(chunk.map((p) => items[p.index]!.idempotencyKey)))).map((p) => [p.key, p]),
        );
        const toInsert = chunk.filter((p) => {
          const itemKey = items[p.index]!.idempotencyKey;
          const winner = itemKey ? taken.get(itemKey) : undefined;
          if (!winner) return true;
          if (winner.requestHash === hashes[p.index]) replayIds.set(p.index, winner.assertionId);
          else outcomes[p.index] = { status: 'refused', error: new DomainError('idempotency_key_reused', 422) };
          return false;
        });
        const inserted = await insertAssertions(
          tx,
          toInsert.map((p) => ({ ...p.row, createdAt: now, signingKeyId: key.id, jws: p.jws })),
        );

        await insertIdempotencyKeys(
          tx,
          toInsert.flatMap((p, i) => {
            const itemKey = items[p.index]!.idempotencyKey;
            return itemKey
              ? [{ structureId, key: itemKey, requestHash: hashes[p.index]!, assertionId: inserted[i]!.id, createdAt: now }]
              : [];
          }),
        );
        // One event per stored chunk, naming every assertion: the trail stays
        // complete without doubling the rows a 10,000-line import writes.
        if (inserted.length) {
          await recordAudit(tx, actor, {
            at: this.now(),
            structureId,
            action: 'assertion.bulk_awarded',
            targetType: 'assertion',
            details: { count: inserted.length, assertionIds: inserted.map((a) => a.id) },
          });
        }
        // The emails go in the same transaction: an award that rolls back tells no one.
        await this.mails.enqueue(
          tx,
          toInsert.map((p) => this.mailFacts(p.row, badgeClasses.get(p.row.badgeClassId)!, mailContext, items[p.index]!.message)),
          { now: this.now(), createdByUserId: mailContext.createdByUserId },
        );
        await this.rules.afterAwards(
          tx,
          { id: structureId, name: mailContext.structureName, email: mailContext.structureEmail },
          inserted.map((a) => storedAward(a, badgeClasses.get(a.badgeClassId)!)),
          { now: this.now(), createdByUserId: mailContext.createdByUserId },
        );
        toInsert.forEach((p, i) => {
          outcomes[p.index] = { status: 'awarded', assertion: inserted[i]! };
        });
      });
      this.mails.notify();
    }

    // Repeats within the batch answer with their first occurrence's award.
    items.forEach((item, index) => {
      if (outcomes[index] || replayIds.has(index) || !item.idempotencyKey) return;
      const first = outcomes[firstIndexOfKey.get(item.idempotencyKey)!];
      if (first && first.status !== 'refused') outcomes[index] = { status: 'replayed', assertion: first.assertion };
      else if (first) outcomes[index] = first;
    });
    const replayed = new Map(
      (await findAssertionsOfStructure(this.db, structureId, unique([...replayIds.values()]))).map((a) => [a.id, a]),
    );
    for (const [index, id] of replayIds) {
      const assertion = replayed.get(id);
      outcomes[index] = assertion
        ? { status: 'replayed', assertion }
        : { status: 'refused', error: new DomainError('assertion_not_found', 404) };
    }
    return outcomes as BulkAwardOutcome[];
  }

  async award(input: AwardInput, actor: Actor): Promise<AwardResult> {
    checkMessage(input.message);
    const requestHash = input.idempotencyKey ? hashAwardRequest(input) : '';
    if (input.idempotencyKey) {
      const replay = await this.replay(input.structureId, input.idempotencyKey, requestHash);
      if (replay) return replay;
    }
    // Read before the transaction: the embedded database has one connection,
    // and a query outside the transaction would wait for it forever.
    const key = await this.keys.active(input.structureId);
    const mailContext = await this.mailContext(input.structureId, actor);
    try {
      const result = await this.db.transaction(async (tx) => {
        const { assertion, badgeClass } = await this.insertSigned(tx, input, actor, key);
        await this.mails.enqueue(tx, [this.mailFacts(assertion, badgeClass, mailContext, input.message)], {
          now: this.now(),
          createdByUserId: mailContext.createdByUserId,
        });
        await this.rules.afterAwards(
          tx,
          { id: input.structureId, name: mailContext.structureName, email: mailContext.structureEmail },
          [storedAward(assertion, badgeClass)],
          { now: this.now(), createdByUserId: mailContext.createdByUserId },
        );
        if (
          input.idempotencyKey &&
          !(await claimIdempotencyKey(tx, {
            createdAt: this.now(),
            structureId: input.structureId,
            key: input.idempotencyKey,
            requestHash,
            assertionId: assertion.id,
          }))
        ) {
          throw new IdempotencyRace();
        }
        return { assertion, replayed: false };
      });
      this.mails.notify();
      return result;
    } catch (error) {
      // A concurrent retry won the key: ours rolled back, so answer with theirs.
      if (error instanceof IdempotencyRace && input.idempotencyKey) {
        const replay = await this.replay(input.structureId, input.idempotencyKey, requestHash);
        if (replay) return replay;
      }
      throw error;
    }
  }

  private async replay(structureId: string, key: string, requestHash: string): Promise<AwardResult | undefined> {
    const previous = await findIdempotentAward(this.db, structureId, key);
    if (!previous) return undefined;
    if (previous.requestHash !== requestHash) throw new DomainError('idempotency_key_reused', 422);
    const assertion = await findAssertionOfStructure(this.db, structureId, previous.assertionId);
    if (!assertion) throw new DomainError('assertion_not_found', 404);
    return { assertion, replayed: true };
  }

  /**
   * The programme's rules for awards about to be made (the general badge's,
   * duplicates): why each would be refused now, or null. A form and a CSV
   * preview ask before their confirmation; the award itself checks again.
   */
  async ruleRefusals(
    structureId: string,
    candidates: { email: string; badgeClass: Pick<BadgeClassRow, 'id' | 'catalogueKey'>; allowDuplicate?: boolean }[],
    /** A caller's transaction, when it checks within one. */
    db: Database = this.db,
  ): Promise<(DomainError | null)[]> {
    return this.rules.refusals(db, structureId, candidates, this.now());
  }

  /** An award's status now, on the platform's clock (the API and the pages show it). */
  status(assertion: Pick<AssertionRow, 'revokedAt' | 'expires'>): AwardStatus {
    return awardStatus(assertion, this.now());
  }

  /**
   * An expiry typed as a day (a form, a CSV cell, the API's YYYY-MM-DD): the
   * end of that day in Paris, or why it cannot be used (today or later only).
   */
  expiryOfDay(text: string): ReturnType<typeof expiryOfDay> {
    return expiryOfDay(text, this.now());
  }

  /** What an award made now would say: its issue date and its expiry (the one asked for, or the badge class's validity). */
  preview(badgeClass: Pick<BadgeClassRow, 'validityDays'>, expires: Date | null): { issuedOn: Date; expires: Date | null } {
    const issuedOn = this.issuedOnNow();
    return { issuedOn, expires: expiryOfAward(expires, badgeClass.validityDays, issuedOn) };
  }

  /** Whole seconds, never ahead of the clock: the reference validator rejects an issuedOn in the future. */
  private issuedOnNow(): Date {
    return new Date(Math.floor(this.now().getTime() / 1000) * 1000);
  }

  private prepareRow(input: AwardInput, badgeClass: BadgeClassRow, actor: Actor, issuedOn: Date): PreparedAssertion {
    if (badgeClass.archivedAt) throw new DomainError('badge_class_archived', 409);
    const expires = expiryOfAward(input.expires, badgeClass.validityDays, issuedOn);
    if (expires && expiresTooEarly(expires, issuedOn)) throw new DomainError('expires_before_issue', 422);
    const actorIds = actorColumns(actor);
    return {
      id: randomUUID(),
      structureId: input.structureId,
      badgeClassId: badgeClass.id,
      recipientEmail: normaliseEmail(input.recipient.email),
      recipientName: input.recipient.name.trim(),
      recipientSalt: newSalt(),
      issuedOn,
      expires,
      evidence: input.evidence ?? [],
      narrative: input.narrative?.trim() || null,
      awardedByUserId: actorIds.userId,
      awardedByTokenId: actorIds.tokenId,
    };
  }

  private async insertSigned(
    db: Database,
    input: AwardInput,
    actor: Actor,
    key: ActiveSigningKey,
  ): Promise<{ assertion: AssertionRow; badgeClass: BadgeClassRow }> {
    const badgeClass = await findBadgeClassOfStructure(db, input.structureId, input.badgeClassId);
    if (!badgeClass) throw new DomainError('badge_class_not_found', 404);
    const [refusal] = await this.rules.refusals(
      db,
      input.structureId,
      [{ email: input.recipient.email, badgeClass, allowDuplicate: input.allowDuplicate }],
      this.now(),
    );
    if (refusal) throw refusal;
    const values = this.prepareRow(input, badgeClass, actor, this.issuedOnNow());
    const jws = await this.signer.sign(this.documents.signedAssertion(values, input.structureId, key.id), key.privateKeyPem);
    const assertion = await insertAssertion(db, { createdAt: this.now(), ...values, signingKeyId: key.id, jws });
    await recordAudit(db, actor, {
      at: this.now(),
      structureId: input.structureId,
      action: 'assertion.awarded',
      targetType: 'assertion',
      targetId: assertion.id,
      details: { badgeClassId: badgeClass.id, badgeClassName: badgeClass.name },
    });
    return { assertion, badgeClass };
  }

  /** The structure's name and address, and who writes the personal message, for the emails of an award. */
  private async mailContext(structureId: string, actor: Actor): Promise<MailContext> {
    const structure = await findStructure(this.db, structureId);
    if (!structure) throw new DomainError('structure_not_found', 404);
    // Every award (one, many, the API) and its emails pass here: a closed structure awards nothing more.
    refuseIfClosed(structure);
    const user = actor.kind === 'user' ? await findUserById(this.db, actor.userId) : undefined;
    return {
      structureName: structure.name,
      structureEmail: structure.email,
      authorName: user?.name ?? null,
      createdByUserId: user?.id ?? null,
    };
  }

  private mailFacts(
    assertion: Pick<AssertionRow, 'id' | 'structureId' | 'recipientEmail' | 'recipientName'>,
    badgeClass: BadgeClassRow,
    context: MailContext,
    message: string | null | undefined,
    again = false,
  ): AwardMailFacts {
    return {
      assertionId: assertion.id,
      structureId: assertion.structureId,
      recipientEmail: assertion.recipientEmail,
      recipientName: assertion.recipientName,
      badgeName: badgeClass.name,
      badgeDescription: badgeClass.description,
      structureName: context.structureName,
      structureEmail: context.structureEmail,
      message: message?.trim() || null,
      authorName: context.authorName,
      again,
    };
  }

  /**
   * Sends the award email again (a new sign-in link, a new message in the
   * outbox): the learner lost it, or asks for it. Not for a revoked badge.
   */
  async resendAwardMail(structureId: string, assertionId: string, actor: Actor): Promise<AssertionRow> {
    const assertion = await this.get(structureId, assertionId);
    if (assertion.revokedAt) throw new DomainError('already_revoked', 409);
    const badgeClass = await findBadgeClass(this.db, assertion.badgeClassId);
    if (!badgeClass) throw new DomainError('badge_class_not_found', 404);
    const context = await this.mailContext(structureId, actor);
    await this.db.transaction(async (tx) => {
      await this.mails.enqueue(tx, [this.mailFacts(assertion, badgeClass, context, null, true)], {
        now: this.now(),
        createdByUserId: context.createdByUserId,
      });
      await recordAudit(tx, actor, {
        at: this.now(),
        structureId,
        action: 'assertion.mail_resent',
        targetType: 'assertion',
        targetId: assertion.id,
      });
    });
    this.mails.notify();
    return assertion;
  }

  /**
   * Whether the learner's address may still be corrected: only while no
   * award email reached it (once one did, the address was right, and the
   * badge belongs to that person).
   */
  async addressCorrection(
    structureId: string,
    assertionId: string,
  ): Promise<{ assertion: AssertionRow; badgeName: string; refusal: AddressCorrectionRefusal | null }> {
    const assertion = await this.get(structureId, assertionId);
    const badgeClass = await findBadgeClass(this.db, assertion.badgeClassId);
    return { assertion, badgeName: badgeClass?.name ?? '', refusal: await this.correctionRefusal(this.db, assertion) };
  }

  private async correctionRefusal(db: Database, assertion: AssertionRow): Promise<AddressCorrectionRefusal | null> {
    if (assertion.revokedAt) return 'revoked';
    const statuses = await statusesForAssertion(db, assertion.id, 'award');
    if (statuses.includes('sent')) return 'already_delivered';
    if (statuses.includes('sending')) return 'sending_now';
    return null;
  }

  /**
   * Corrects the learner's address of an award whose email never reached
   * them: a fresh salt for the new address, the assertion signed again, the
   * messages still waiting for the old address dropped, and the email sent
   * to the new one. Refused (with the reason) once an email was delivered.
   */
  async correctRecipientEmail(
    structureId: string,
    assertionId: string,
    newEmail: string,
    actor: Actor,
  ): Promise<{ assertion: AssertionRow; refusal: null } | { assertion: AssertionRow; refusal: AddressCorrectionRefusal }> {
    const email = normaliseEmail(newEmail);
    const current = await this.get(structureId, assertionId);
    if (current.recipientEmail === email) return { assertion: current, refusal: 'same_address' };
    const badgeClass = await findBadgeClass(this.db, current.badgeClassId);
    if (!badgeClass) throw new DomainError('badge_class_not_found', 404);
    const key = await this.keys.active(structureId);
    const context = await this.mailContext(structureId, actor);
    return this.db
      .transaction(async (tx) => {
        // Locks the assertion: two corrections at once cannot both pass the check below.
        const locked = await lockAssertion(tx, assertionId);
        if (!locked || locked.structureId !== structureId) throw new DomainError('assertion_not_found', 404);
        const refusal = await this.correctionRefusal(tx, locked);
        if (refusal) return { assertion: locked, refusal };
        const corrected = { ...locked, recipientEmail: email, recipientSalt: newSalt() };
        const jws = await this.signer.sign(this.documents.signedAssertion(corrected, structureId, key.id), key.privateKeyPem);
        const updated = await setRecipient(tx, assertionId, {
          recipientEmail: corrected.recipientEmail,
          recipientSalt: corrected.recipientSalt,
          jws,
          signingKeyId: key.id,
        });
        await supersedeWaitingMessages(tx, assertionId, 'Adresse corrigée : remplacé par un envoi à la nouvelle adresse.');
        await this.mails.enqueue(tx, [this.mailFacts(updated, badgeClass, context, null, true)], {
          now: this.now(),
          createdByUserId: context.createdByUserId,
        });
        await recordAudit(tx, actor, {
          at: this.now(),
          structureId,
          action: 'assertion.recipient_corrected',
          targetType: 'assertion',
          targetId: assertionId,
          details: { reason: 'award email undelivered' },
        });
        return { assertion: updated, refusal: null };
      })
      .finally(() => this.mails.notify());
  }

  async get(structureId: string, id: string): Promise<AssertionRow> {
    const assertion = await findAssertionOfStructure(this.db, structureId, id);
    if (!assertion) throw new DomainError('assertion_not_found', 404);
    return assertion;
  }

  list(filter: {
    structureId: string;
    badgeClassId?: string;
    recipientEmail?: string;
    page: number;
    perPage: number;
  }): Promise<{ rows: AssertionRow[]; total: number }> {
    return listAssertions(this.db, {
      structureId: filter.structureId,
      badgeClassId: filter.badgeClassId,
      recipientEmail: filter.recipientEmail ? normaliseEmail(filter.recipientEmail) : undefined,
      limit: filter.perPage,
      offset: (filter.page - 1) * filter.perPage,
    });
  }

  /** Revocation keeps the assertion: its URL answers 410 and its signed id joins the revocation list. */
  async revoke(structureId: string, id: string, reason: string, actor: Actor): Promise<AssertionRow> {
    const revoked = await this.db.transaction(async (tx) => {
      const actorIds = actorColumns(actor);
      const revoked = await markRevoked(tx, structureId, id, {
        at: this.now(),
        reason: reason.trim(),
        byUserId: actorIds.userId,
        byTokenId: actorIds.tokenId,
      });
      if (!revoked) {
        const existing = await findAssertionOfStructure(tx, structureId, id);
        if (!existing) throw new DomainError('assertion_not_found', 404);
        throw new DomainError('already_revoked', 409);
      }
      await suppressUnsentAwardMail(tx, id);
      // The learner is told, in the revocation's transaction (an erasure they asked for does not come this way).
      const badgeClass = await findBadgeClass(tx, revoked.badgeClassId);
      const structure = await findStructure(tx, structureId);
      await this.mails.notifications.revocation(
        tx,
        {
          assertionId: revoked.id,
          structureId,
          recipientEmail: revoked.recipientEmail,
          recipientName: revoked.recipientName,
          issuedOn: revoked.issuedOn,
          badgeName: badgeClass?.name ?? '',
          structureName: structure?.name ?? '',
          structureEmail: structure?.email ?? '',
          reason: revoked.revocationReason ?? '',
          createdByUserId: actorIds.userId,
        },
        this.now(),
      );
      await recordAudit(tx, actor, {
        at: this.now(),
        structureId,
        action: 'assertion.revoked',
        targetType: 'assertion',
        targetId: id,
        details: { reason: revoked.revocationReason },
      });
      return revoked;
    });
    this.changes.structureChanged(structureId);
    this.mails.notify();
    return revoked;
  }

  /**
   * The assertion's JWS, signed with the structure's current key: files
   * signed with a retired key no longer import into Open Badge Passport.
   */
  async currentJws(assertion: AssertionRow): Promise<string> {
    const key = await this.keys.active(assertion.structureId);
    if (assertion.jws && assertion.signingKeyId === key.id) return assertion.jws;
    const jws = await this.signer.sign(this.documents.signedAssertion(assertion, assertion.structureId, key.id), key.privateKeyPem);
    await updateSignature(this.db, assertion.id, { jws, signingKeyId: key.id });
    return jws;
  }
}

function storedAward(assertion: AssertionRow, badgeClass: BadgeClassRow): StoredAward {
  return {
    id: assertion.id,
    email: assertion.recipientEmail,
    name: assertion.recipientName,
    catalogueKey: badgeClass.catalogueKey,
    badgeName: badgeClass.name,
  };
}

function hashAwardRequest(input: BulkAwardItem): string {
  const canonical = JSON.stringify([
    input.badgeClassId,
    normaliseEmail(input.recipient.email),
    input.recipient.name.trim(),
    input.evidence ?? [],
    input.narrative ?? null,
    input.expires?.toISOString() ?? null,
    // Only when present, so that keys stored before messages existed still match their retries.
    ...(input.message?.trim() ? [input.message.trim()] : []),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

function checkMessage(message: string | null | undefined): void {
  if (message && message.trim().length > PERSONAL_MESSAGE_MAX) {
    throw new DomainError('validation_failed', 422, { field: 'message' });
  }
}

function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => Boolean(v)))];
}
