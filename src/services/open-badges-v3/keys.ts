import type { Clock } from '../../clock.ts';
import type { Database } from '../../db/database.ts';
import {
  findAnyOb3Key,
  findNewestOb3Key,
  findOb3Key,
  insertOb3Key,
  listOb3Keys,
  type Ob3KeyRow,
} from '../../db/repositories/open-badges-v3.ts';
import { lockStructure } from '../../db/repositories/structures.ts';
import { generateEd25519Key, type SigningMultikey } from '../../openbadges/v3/index.ts';
import { type Actor, recordAudit } from '../audit.ts';
import { FRESHNESS_MS, TtlCache } from '../cache.ts';
import type { LocalChanges } from '../changes.ts';
import type { MasterKey } from '../master-key.ts';
import type { Ob3Urls } from './urls.ts';

/**
 * A structure's Ed25519 keys for Open Badges 3.0. The first is made when the
 * structure first needs one; `insigne keys rotate` adds another. None is
 * ever retired: each stays published and listed under the Profile's
 * assertionMethod, so every credential signed before keeps verifying. The
 * newest signs.
 */
export class Ob3KeyService {
  private readonly newest = new TtlCache<Ob3KeyRow>(FRESHNESS_MS);
  private readonly decrypted = new Map<string, SigningMultikey>();

  constructor(
    private readonly db: Database,
    private readonly masterKey: MasterKey,
    private readonly urls: Ob3Urls,
    private readonly changes: LocalChanges,
    private readonly now: Clock,
  ) {
    changes.onStructureChanged((structureId) => this.newest.delete(structureId));
  }

  /** Fails at start-up when the master key cannot open the stored keys (as for the RSA keys). */
  async checkMasterKey(): Promise<void> {
    const any = await findAnyOb3Key(this.db);
    if (any) this.masterKey.decrypt(any.secretKeyEncrypted);
  }

  /** The key that signs now, made if the structure has none yet. Not inside a transaction (PGlite has one connection). */
  async signing(structureId: string): Promise<SigningMultikey> {
    const row = await this.newest.get(structureId, async () => (await findNewestOb3Key(this.db, structureId)) ?? this.create(structureId));
    let key = this.decrypted.get(row.id);
    if (!key) {
      const secret = JSON.parse(this.masterKey.decrypt(row.secretKeyEncrypted)) as { secretKeyMultibase: string };
      key = {
        id: this.urls.key(structureId, row.id),
        controller: this.urls.issuer(structureId),
        publicKeyMultibase: row.publicKeyMultibase,
        secretKeyMultibase: secret.secretKeyMultibase,
      };
      if (this.decrypted.size > 10_000) this.decrypted.clear();
      this.decrypted.set(row.id, key);
    }
    return key;
  }

  /** The row id of a key URL's key (the stored credentials name it). */
  keyIdOf(key: SigningMultikey): string {
    return key.id.slice(key.id.lastIndexOf('/') + 1);
  }

  /** Every key, oldest first. Makes the first one if there is none, so the Profile always lists the key that will sign. */
  async all(structureId: string): Promise<Ob3KeyRow[]> {
    const keys = await listOb3Keys(this.db, structureId);
    if (keys.length) return keys;
    await this.signing(structureId);
    return listOb3Keys(this.db, structureId);
  }

  async find(structureId: string, keyId: string): Promise<Ob3KeyRow | undefined> {
    return findOb3Key(this.db, structureId, keyId);
  }

  /** A new key that signs from now on; the earlier ones stay published and listed. */
  async add(structureId: string, actor: Actor): Promise<Ob3KeyRow> {
    const row = await this.db.transaction(async (tx) => {
      await lockStructure(tx, structureId);
      const created = await this.insert(tx, structureId);
      await recordAudit(tx, actor, {
        at: this.now(),
        structureId,
        action: 'ob3_key.added',
        targetType: 'ob3_key',
        targetId: created.id,
        details: {},
      });
      return created;
    });
    // The Profile lists it at once here, within a second on every other instance.
    this.changes.structureChanged(structureId);
    return row;
  }

  private async create(structureId: string): Promise<Ob3KeyRow> {
    return this.db.transaction(async (tx) => {
      // Two first downloads at once make one key: the second finds the first's.
      await lockStructure(tx, structureId);
      return (await findNewestOb3Key(tx, structureId)) ?? this.insert(tx, structureId);
    });
  }

  private async insert(db: Database, structureId: string): Promise<Ob3KeyRow> {
    const pair = await generateEd25519Key();
    // The newest signs: a key added is always later than the one before, even on a clock that stands still.
    const previous = await findNewestOb3Key(db, structureId);
    const now = this.now();
    const createdAt = previous && previous.createdAt >= now ? new Date(previous.createdAt.getTime() + 1) : now;
    return insertOb3Key(db, {
      structureId,
      publicKeyMultibase: pair.publicKeyMultibase,
      secretKeyEncrypted: this.masterKey.encrypt(JSON.stringify({ secretKeyMultibase: pair.secretKeyMultibase })),
      createdAt,
    });
  }
}
