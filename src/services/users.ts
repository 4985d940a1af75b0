import argon2 from 'argon2';
import type { Database } from '../db/database.ts';
import { findUserByEmail, insertMembership, insertUser, type UserRow } from '../db/repositories/users.ts';
import type { MembershipRole } from '../db/schema.ts';
import { normaliseEmail } from '../openbadges/index.ts';
import { type Actor, recordAudit } from './audit.ts';
import { DomainError } from './errors.ts';
import type { StructureService } from './structures.ts';
import type { Clock } from '../clock.ts';

export type NewUser = {
  email: string;
  name: string;
  password: string;
} & ({ platformAdmin: true } | { platformAdmin?: false; structureId: string; role: MembershipRole });

export function hashPassword(password: string): Promise<string> {
  // OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
  return argon2.hash(password, { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
}

/**
 * A staff account (an advisor, an administrator, a platform administrator)
 * created directly, without an invitation: the CLI and the test seeds. How
 * people sign in is staff-sign-in.ts; resets and invitations, account-links.ts;
 * the people of a structure, members.ts.
 */
export class UserService {
  constructor(
    private readonly db: Database,
    private readonly structures: StructureService,
    private readonly now: Clock,
  ) {}

  async create(input: NewUser, actor: Actor): Promise<UserRow> {
    const email = normaliseEmail(input.email);
    if (!input.platformAdmin) await this.structures.get(input.structureId);
    const passwordHash = await hashPassword(input.password);
    return this.db.transaction(async (tx) => {
      if (await findUserByEmail(tx, email)) throw new DomainError('user_exists', 409, { email });
      const user = await insertUser(tx, {
        createdAt: this.now(),
        email,
        name: input.name,
        passwordHash,
        isPlatformAdmin: input.platformAdmin === true,
      });
      if (!input.platformAdmin) {
        await insertMembership(tx, { createdAt: this.now(), userId: user.id, structureId: input.structureId, role: input.role });
      }
      await recordAudit(tx, actor, {
        at: this.now(),
        structureId: input.platformAdmin ? null : input.structureId,
        action: 'user.created',
        targetType: 'user',
        targetId: user.id,
        details: input.platformAdmin ? { platformAdmin: true } : { role: input.role },
      });
      return user;
    });
  }
}
