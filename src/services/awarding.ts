import { createHash, randomUUID } from 'node:crypto';
import type { Database } from '../db/database.ts';
import {
  type AssertionRow,
  claimIdempotencyKey,
  findAssertionOfStructure,
  findIdempotentAward,
  insertAssertion,
  listAssertions,
  markRevoked,
  updateSignature,
} from '../db/repositories/assertions.ts';
import { findBadgeClassOfStructure } from '../db/repositories/badge-classes.ts';
import type { EvidenceRecord } from '../db/schema.ts';
import { newSalt, normaliseEmail, signAssertion } from '../openbadges/index.ts';
import { type Actor, actorColumns, recordAudit } from './audit.ts';
import type { DocumentBuilder } from './documents.ts';
import { DomainError } from './errors.ts';
import type { SigningKeyService } from './signing-keys.ts';

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
}

export interface AwardResult {
  assertion: AssertionRow;
  /** True when an earlier request with the same Idempotency-Key produced it. */
  replayed: boolean;
}

class IdempotencyRace extends Error {}

const DAY_MS = 86_400_000;

export class AwardingService {
  constructor(
    private readonly db: Database,
    private readonly keys: SigningKeyService,
    private readonly documents: DocumentBuilder,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async award(input: AwardInput, actor: Actor): Promise<AwardResult> {
    const requestHash = input.idempotencyKey ? hashAwardRequest(input) : '';
    if (input.idempotencyKey) {
      const replay = await this.replay(input.structureId, input.idempotencyKey, requestHash);
      if (replay) return replay;
    }
    try {
      return await this.db.transaction(async (tx) => {
        const assertion = await this.insertSigned(tx, input, actor);
        if (
          input.idempotencyKey &&
          !(await claimIdempotencyKey(tx, {
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

  private async insertSigned(db: Database, input: AwardInput, actor: Actor): Promise<AssertionRow> {
    const badgeClass = await findBadgeClassOfStructure(db, input.structureId, input.badgeClassId);
    if (!badgeClass) throw new DomainError('badge_class_not_found', 404);
    if (badgeClass.archivedAt) throw new DomainError('badge_class_archived', 409);

    // Whole seconds, never ahead of the clock: the reference validator
    // rejects an issuedOn in the future, and a rounded-up one would be.
    const issuedOn = new Date(Math.floor(this.now().getTime() / 1000) * 1000);
    const expires =
      input.expires ??
      (badgeClass.validityDays ? new Date(issuedOn.getTime() + badgeClass.validityDays * DAY_MS) : null);
    if (expires && expires.getTime() <= issuedOn.getTime()) throw new DomainError('expires_before_issue', 422);

    const key = await this.keys.active(input.structureId, db);
    const actorIds = actorColumns(actor);
    const values = {
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
      signingKeyId: key.id,
    };
    const jws = await signAssertion(
      this.documents.signedAssertion(values, input.structureId, key.id),
      key.privateKeyPem,
    );
    const assertion = await insertAssertion(db, { ...values, jws });
    await recordAudit(db, actor, {
      structureId: input.structureId,
      action: 'assertion.awarded',
      targetType: 'assertion',
      targetId: assertion.id,
      details: { badgeClassId: badgeClass.id, badgeClassName: badgeClass.name },
    });
    return assertion;
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
    return this.db.transaction(async (tx) => {
      const actorIds = actorColumns(actor);
      const revoked = await markRevoked(tx, structureId, id, {
        reason: reason.trim(),
        byUserId: actorIds.userId,
        byTokenId: actorIds.tokenId,
      });
      if (!revoked) {
        const existing = await findAssertionOfStructure(tx, structureId, id);
        if (!existing) throw new DomainError('assertion_not_found', 404);
        throw new DomainError('already_revoked', 409);
      }
      await recordAudit(tx, actor, {
        structureId,
        action: 'assertion.revoked',
        targetType: 'assertion',
        targetId: id,
        details: { reason: revoked.revocationReason },
      });
      return revoked;
    });
  }

  /**
   * The assertion's JWS, signed with the structure's current key: files
   * signed with a retired key no longer import into Open Badge Passport.
   */
  async currentJws(assertion: AssertionRow): Promise<string> {
    const key = await this.keys.active(assertion.structureId);
    if (assertion.jws && assertion.signingKeyId === key.id) return assertion.jws;
    const jws = await signAssertion(
      this.documents.signedAssertion(assertion, assertion.structureId, key.id),
      key.privateKeyPem,
    );
    await updateSignature(this.db, assertion.id, { jws, signingKeyId: key.id });
    return jws;
  }
}

function hashAwardRequest(input: AwardInput): string {
  const canonical = JSON.stringify([
    input.badgeClassId,
    normaliseEmail(input.recipient.email),
    input.recipient.name.trim(),
    input.evidence ?? [],
    input.narrative ?? null,
    input.expires?.toISOString() ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
