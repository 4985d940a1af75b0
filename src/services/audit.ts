import type { Database } from '../db/database.ts';
import { insertAuditEvent } from '../db/repositories/audit.ts';

/** Who is acting: every use case takes one, so the audit trail always says who did what. */
export type Actor =
  { kind: 'cli' } | { kind: 'system' } | { kind: 'user'; userId: string } | { kind: 'token'; tokenId: string; structureId: string };

export interface AuditEvent {
  /** When it happened, from the service's clock. */
  at: Date;
  structureId?: string | null;
  action: string;
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
