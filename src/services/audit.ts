import type { Database } from '../db/database.ts';
import { insertAuditEvent } from '../db/repositories/audit.ts';

/** Who is acting: every use case takes one, so the audit trail always says who did what. */
export type Actor =
  { kind: 'cli' } | { kind: 'system' } | { kind: 'user'; userId: string } | { kind: 'token'; tokenId: string; structureId: string };

/**
 * Every kind of event the services write, in one list: the audit trail has a
 * sentence for each (src/web/audit-sentences.ts, checked by a unit test), and
 * `recordAudit` accepts no other. A new kind goes here first.
 */
export const AUDIT_ACTIONS = [
  'platform.setup',
  'auth.signed_in',
  'auth.sign_in_failed',
  'auth.signed_out',
  'auth.structure_switched',
  'auth.password_reset_requested',
  'auth.password_reset',
  'user.created',
  'structure.created',
  'structure.profile_updated',
  'structure.logo_updated',
  'structure.logo_removed',
  'structure.closed',
  'structure.reopened',
  'member.invited',
  'member.invitation_resent',
  'member.invitation_cancelled',
  'member.joined',
  'member.role_changed',
  'member.removed',
  'badge_class.created',
  'badge_class.updated',
  'badge_class.versioned',
  'badge_class.archived',
  'badge_class.unarchived',
  'badge_class.deleted',
  'catalogue.entry_added',
  'catalogue.entry_updated',
  'catalogue.entry_withdrawn',
  'catalogue.proposed',
  'catalogue.accepted',
  'catalogue.declined',
  'catalogue.adopted',
  'assertion.awarded',
  'assertion.bulk_awarded',
  'assertion.mail_resent',
  'assertion.recipient_corrected',
  'assertion.revoked',
  'award_import.created',
  'award_import.row_dropped',
  'award_import.row_restored',
  'award_import.row_corrected',
  'award_import.confirmed',
  'award_import.finished',
  'api_token.created',
  'api_token.revoked',
  'signing_key.rotated',
  'ob3_key.added',
  'mail.links_revealed',
  'mail.requeued',
  'learner.name_hidden',
  'learner.name_shown',
  'learner.erased',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Kinds an older version wrote and no code writes any more: still read, and still put in words. */
export const LEGACY_AUDIT_ACTIONS = ['structure.updated'] as const;

export type KnownAuditAction = AuditAction | (typeof LEGACY_AUDIT_ACTIONS)[number];

export function isKnownAuditAction(action: string): action is KnownAuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(action) || (LEGACY_AUDIT_ACTIONS as readonly string[]).includes(action);
}

export interface AuditEvent {
  /** When it happened, from the service's clock. */
  at: Date;
  structureId?: string | null;
  action: AuditAction;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

function auditRow(actor: Actor, event: AuditEvent) {
  return {
    structureId: event.structureId ?? null,
    actorKind: actor.kind,
    actorUserId: actor.kind === 'user' ? actor.userId : null,
    actorTokenId: actor.kind === 'token' ? actor.tokenId : null,
    action: event.action,
    targetType: event.targetType ?? null,
    targetId: event.targetId ?? null,
    details: event.details ?? {},
    at: event.at,
  };
}

export async function recordAudit(db: Database, actor: Actor, event: AuditEvent): Promise<void> {
  await insertAuditEvent(db, auditRow(actor, event));
}

export function actorColumns(actor: Actor): { userId: string | null; tokenId: string | null } {
  return {
    userId: actor.kind === 'user' ? actor.userId : null,
    tokenId: actor.kind === 'token' ? actor.tokenId : null,
  };
}
