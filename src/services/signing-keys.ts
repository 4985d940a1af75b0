import type { Database } from '../db/database.ts';
import {
  findActiveSigningKey,
  findAnySigningKey,
  findSigningKey,
  insertSigningKey,
  lockStructure,
  retireSigningKeys,
  type SigningKeyRow,
} from '../db/repositories/structures.ts';
import { generateSigningKeyPair } from '../openbadges/index.ts';
import { type Actor, recordAudit } from './audit.ts';
import { DomainError } from './errors.ts';
import { FRESHNESS_MS, TtlCache } from './cache.ts';
import type { LocalChanges } from './changes.ts';
import type { MasterKey } from './master-key.ts';
import type { Clock } from '../clock.ts';

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
  // A structure's active key is read on every award and signed download.
  // Decrypted keys are kept by key id (a key never changes); which key is
  // active is re-read at most every FRESHNESS_MS, so a rotation made by
  // another instance is seen within a second.
  private readonly decrypted = new Map<string, ActiveSigningKey>();
  private readonly activeIds = new TtlCache<SigningKeyRow | undefined>(FRESHNESS_MS);

  constructor(
    private readonly db: Database,
    private readonly masterKey: MasterKey,
    private readonly changes: LocalChanges,
    private readonly now: Clock,
  ) {
    changes.onStructureChanged((structureId) => this.activeIds.delete(structureId));
  }

  /**
   * Fails at start-up, with the reason, when the master key is not the one the
   * signing keys were sealed with (a restore without its key, a changed
   * MASTER_KEY), rather than on the first badge someone downloads.
   */
  async checkMasterKey(): Promise<void> {
    const any = await findAnySigningKey(this.db);
    if (any) this.masterKey.decrypt(any.privateKeyEncrypted);
  }

  async createFor(db: Database, structureId: string): Promise<SigningKeyRow> {
    const pair = await generateSigningKeyPair();
    return insertSigningKey(db, {
      createdAt: this.now(),
      structureId,
      publicKeyPem: pair.publicKeyPem,
      privateKeyEncrypted: this.masterKey.encrypt(pair.privateKeyPem),
    });
  }

  async active(structureId: string): Promise<ActiveSigningKey> {
    const row = await this.activeIds.get(structureId, () => findActiveSigningKey(this.db, structureId));
    if (!row) throw new DomainError('structure_not_found', 404);
    let key = this.decrypted.get(row.id);
    if (!key) {
      key = { id: row.id, structureId, publicKeyPem: row.publicKeyPem, privateKeyPem: this.masterKey.decrypt(row.privateKeyEncrypted) };
      if (this.decrypted.size > 10_000) this.decrypted.clear();
      this.decrypted.set(row.id, key);
    }
    return key;
  }

  async activeId(structureId: string): Promise<string | undefined> {
    return (await this.activeIds.get(structureId, () => findActiveSigningKey(this.db, structureId)))?.id;
  }

  async find(structureId: string, keyId: string): Promise<SigningKeyRow | undefined> {
    return findSigningKey(this.db, structureId, keyId);
  }

  async rotate(structureId: string, actor: Actor): Promise<SigningKeyRow> {
    const key = await this.db.transaction(async (tx) => {
      await lockStructure(tx, structureId);
      const previous = await findActiveSigningKey(tx, structureId);
      if (!previous) throw new DomainError('structure_not_found', 404);
      const now = this.now();
      await retireSigningKeys(tx, structureId, now);
      const created = await this.createFor(tx, structureId);
      await recordAudit(tx, actor, {
        at: now,
        structureId,
        action: 'signing_key.rotated',
        targetType: 'signing_key',
        targetId: created.id,
        details: { retiredKeyId: previous.id },
      });
      return created;
    });
    this.changes.structureChanged(structureId);
    return key;
  }
}
