import { z } from 'zod';
import type { Database } from '../db/database.ts';
import { countAdmins, deleteMembership, setMembershipRole } from '../db/repositories/accounts.ts';
import { lockStructure } from '../db/repositories/structures.ts';
import { findMembership, listMembersOfStructure, type StructureMember } from '../db/repositories/users.ts';
import { recordAudit } from './audit.ts';
import { DomainError } from './errors.ts';
import { isUuid } from './ids.ts';
import type { Clock } from '../clock.ts';

export const roleInput = z.enum(['admin', 'advisor']);

/**
 * The people of a structure, which its administrators manage: who they are,
 * their role, their removal. A structure always keeps one administrator.
 */
export class MemberService {
  constructor(
    private readonly db: Database,
    private readonly now: Clock,
  ) {}

  members(structureId: string): Promise<StructureMember[]> {
    return listMembersOfStructure(this.db, structureId);
  }

  /** Changes a member's role. The structure always keeps at least one admin. */
  async changeRole(structureId: string, userId: string, role: string, actor: { kind: 'user'; userId: string }): Promise<void> {
    // Whose it is comes first: someone else's member is a 404, whatever the form says.
    if (!isUuid(userId)) throw new DomainError('member_not_found', 404);
    await this.db.transaction(async (tx) => {
      await lockStructure(tx, structureId);
      const membership = await findMembership(tx, userId, structureId);
      if (!membership) throw new DomainError('member_not_found', 404);
      const parsed = roleInput.safeParse(role);
      if (!parsed.success) throw new DomainError('validation_failed', 400);
      if (membership.role === parsed.data) return;
      if (membership.role === 'admin' && (await countAdmins(tx, structureId)) <= 1) throw new DomainError('last_admin', 409);
      await setMembershipRole(tx, userId, structureId, parsed.data);
      await recordAudit(tx, actor, {
        at: this.now(),
        structureId,
        action: 'member.role_changed',
        targetType: 'user',
        targetId: userId,
        details: { from: membership.role, to: parsed.data },
      });
    });
  }

  /** Removes someone from the structure (their account stays). Never the last admin. */
  async removeMember(structureId: string, userId: string, actor: { kind: 'user'; userId: string }): Promise<void> {
    if (!isUuid(userId)) throw new DomainError('member_not_found', 404);
    await this.db.transaction(async (tx) => {
      await lockStructure(tx, structureId);
      const membership = await findMembership(tx, userId, structureId);
      if (!membership) throw new DomainError('member_not_found', 404);
      if (membership.role === 'admin' && (await countAdmins(tx, structureId)) <= 1) throw new DomainError('last_admin', 409);
      await deleteMembership(tx, userId, structureId);
      await recordAudit(tx, actor, {
        at: this.now(),
        structureId,
        action: 'member.removed',
        targetType: 'user',
        targetId: userId,
        details: { role: membership.role },
      });
    });
  }
}
