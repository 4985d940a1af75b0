import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../db/database.ts';
import {
  type ApiTokenRow,
  findLiveApiTokenByHash,
  insertApiToken,
  listApiTokens,
  revokeApiToken,
  touchApiToken,
} from '../db/repositories/api-tokens.ts';
import { type Actor, recordAudit } from './audit.ts';
import { DomainError } from './errors.ts';
import { refuseIfClosed, StructureRefusal } from './rules/structure-open.ts';
import type { StructureService } from './structures.ts';
import type { Clock } from '../clock.ts';

const TOKEN_PREFIX = 'insg_';

/** A fast hash is right here: the token is 256 random bits, not a password to brute-force. */
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface AuthenticatedToken {
  tokenId: string;
  structureId: string;
}

export class ApiTokenService {
  constructor(
    private readonly db: Database,
    private readonly structures: StructureService,
    private readonly now: Clock,
  ) {}

  /** The token is returned here once and never again: only its hash is stored. */
  async create(input: { structureId: string; name?: string }, actor: Actor): Promise<{ token: string; record: ApiTokenRow }> {
    refuseIfClosed(await this.structures.get(input.structureId));
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    return this.db.transaction(async (tx) => {
      const record = await insertApiToken(tx, {
        createdAt: this.now(),
        structureId: input.structureId,
        name: input.name?.trim() || 'API',
        tokenHash: hashToken(token),
        prefix: token.slice(0, TOKEN_PREFIX.length + 6),
        createdByUserId: actor.kind === 'user' ? actor.userId : null,
      });
      await recordAudit(tx, actor, {
        at: this.now(),
        structureId: input.structureId,
        action: 'api_token.created',
        targetType: 'api_token',
        targetId: record.id,
        details: { name: record.name },
      });
      return { token, record };
    });
  }

  async authenticate(token: string): Promise<AuthenticatedToken> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) throw new DomainError('invalid_token', 401);
    const record = await findLiveApiTokenByHash(this.db, hashToken(token));
    if (!record) throw new DomainError('invalid_token', 401);
    // A closed structure's tokens are refused, not revoked: they work again if it reopens.
    if (record.structureClosedAt) throw new StructureRefusal('structure_closed', 403, { structure: record.structureName });
    await touchApiToken(this.db, record.id, this.now());
    return { tokenId: record.id, structureId: record.structureId };
  }

  list(structureId: string): Promise<ApiTokenRow[]> {
    return listApiTokens(this.db, structureId);
  }

  async revoke(structureId: string, tokenId: string, actor: Actor): Promise<void> {
    await this.db.transaction(async (tx) => {
      const now = this.now();
      if (!(await revokeApiToken(tx, structureId, tokenId, now))) throw new DomainError('not_found', 404);
      await recordAudit(tx, actor, {
        at: now,
        structureId,
        action: 'api_token.revoked',
        targetType: 'api_token',
        targetId: tokenId,
      });
    });
  }
}
