import type { Database } from '../db/database.ts';
import {
  findActiveSigningKey,
  findSigningKey,
  insertSigningKey,
  lockStructure,
  retireSigningKeys,
  type SigningKeyRow,
} from '../db/repositories/structures.ts';
import { generateSigningKeyPair } from '../openbadges/index.ts';
import { type Actor, recordAudit } from './audit.ts';
import { DomainError } from './errors.ts';
import type { MasterKey } from './master-key.ts';

export interface ActiveSigningKey {
  id: string;
  structureId: string;
  publicKeyPem: string;
  privateKeyPem: string;
}

/**
 * A structure's RSA keys. One is active and signs; retired ones stay published
 * so files signed before a rotation can still be checked. After a rotation,
 * existing assertions are re-signed with the new key when next downloaded,
 * because Open Badge Passport accepts only the issuer's current key.
 */
export class SigningKeyService {
  // Decrypting a key costs little, parsing it far more; a structure's active
  // key is read on every award and signed download.
  private readonly activeKeys = new Map<string, ActiveSigningKey>();

  constructor(
    private readonly db: Database,
    private readonly masterKey: MasterKey,
  ) {}

  async createFor(db: Database, structureId: string): Promise<SigningKeyRow> {
    const pair = await generateSigningKeyPair();
    return insertSigningKey(db, {
      structureId,
      publicKeyPem: pair.publicKeyPem,
      privateKeyEncrypted: this.masterKey.encrypt(pair.privateKeyPem),
    });
  }

  async active(structureId: string, db: Database = this.db): Promise<ActiveSigningKey> {
    const row = await findActiveSigningKey(db, structureId);
    if (!row) throw new DomainError('structure_not_found', 404);
    const cached = this.activeKeys.get(structureId);
    if (cached?.id === row.id) return cached;
    const key = {
      id: row.id,
      structureId,
      publicKeyPem: row.publicKeyPem,
      privateKeyPem: this.masterKey.decrypt(row.privateKeyEncrypted),
    };
    this.activeKeys.set(structureId, key);
    return key;
  }

  async activeId(structureId: string): Promise<string | undefined> {
    return (await findActiveSigningKey(this.db, structureId))?.id;
  }

  async find(structureId: string, keyId: string): Promise<SigningKeyRow | undefined> {
    return findSigningKey(this.db, structureId, keyId);
  }

  async rotate(structureId: string, actor: Actor): Promise<SigningKeyRow> {
    const key = await this.db.transaction(async (tx) => {
      await lockStructure(tx, structureId);
      const previous = await findActiveSigningKey(tx, structureId);
      if (!previous) throw new DomainError('structure_not_found', 404);
      await retireSigningKeys(tx, structureId);
      const created = await this.createFor(tx, structureId);
      await recordAudit(tx, actor, {
        structureId,
        action: 'signing_key.rotated',
        targetType: 'signing_key',
        targetId: created.id,
        details: { retiredKeyId: previous.id },
      });
      return created;
    });
    this.activeKeys.delete(structureId);
    return key;
  }
}
