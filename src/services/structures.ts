import { z } from 'zod';
import { loadCatalogueImage } from '../catalogue/assets.ts';
import { alignmentPath, REGIONAL_CATALOGUE } from '../catalogue/regional.ts';
import type { Database } from '../db/database.ts';
import { insertBadgeClasses } from '../db/repositories/badge-classes.ts';
import {
  findStructure,
  insertStructure,
  listStructureNamesAndSites,
  listStructures,
  setStructureClosed,
  type StructureRow,
} from '../db/repositories/structures.ts';
import { updateStructureLogo, updateStructureProfile } from '../db/repositories/accounts.ts';
import { type Actor, recordAudit } from './audit.ts';
import { LocalChanges } from './changes.ts';
import { DomainError } from './errors.ts';
import { isPlainText, newStructureInput, personName } from './inputs.ts';
import { type LikelyDuplicate, likelyDuplicates } from './rules/structure-duplicates.ts';
import { StructureRefusal } from './rules/structure-open.ts';
import type { SigningKeyService } from './signing-keys.ts';
import type { Clock } from '../clock.ts';

/** Line breaks are welcome in a presentation; the characters refused in any text (inputs.ts) are not. */
export const structureDescription = z.string().trim().max(2000).refine(isPlainText, 'control_characters');

/**
 * What people type about a structure in the workspace: a new structure's
 * rules, with the name held to a person's name's (no control characters) and
 * the description to plain paragraphs. An empty description or telephone clears it.
 */
export const structureProfileInput = newStructureInput.extend({
  name: personName,
  description: structureDescription.or(z.literal('')),
  telephone: newStructureInput.shape.telephone.or(z.literal('')),
});

export interface NewStructure {
  name: string;
  url: string;
  email: string;
  description?: string | null;
  telephone?: string | null;
}

/** An existing structure a new one may duplicate, as the warning names it. */
export type StructureSummary = Pick<StructureRow, 'id' | 'name' | 'url' | 'email' | 'closedAt'>;

/**
 * A new structure that looks like one that exists (same name or same site):
 * opened only once the Région confirms. `duplicates` says which, and why.
 */
export class LikelyDuplicateRefusal extends StructureRefusal {
  constructor(readonly duplicates: LikelyDuplicate<StructureSummary>[]) {
    super('likely_duplicate', 409, { names: duplicates.map((d) => d.structure.name).join(', ') });
  }
}

export class StructureService {
  constructor(
    private readonly db: Database,
    private readonly keys: SigningKeyService,
    private readonly changes: LocalChanges,
    private readonly now: Clock,
  ) {}

  /**
   * A new structure is ready to award at once: its signing key and the
   * regional catalogue come with it. `alsoInTransaction` runs in the same
   * transaction (the invitation of its first administrator).
   */
  async create(
    input: NewStructure,
    actor: Actor,
    alsoInTransaction?: (tx: Database, structure: StructureRow) => Promise<void>,
  ): Promise<StructureRow> {
    return this.db.transaction(async (tx) => {
      const now = this.now();
      const structure = await insertStructure(tx, {
        createdAt: now,
        name: input.name,
        url: input.url,
        email: input.email,
        description: input.description ?? null,
        telephone: input.telephone ?? null,
      });
      await this.keys.createFor(tx, structure.id);
      await this.adoptRegionalCatalogue(tx, structure.id, now);
      await recordAudit(tx, actor, {
        at: now,
        structureId: structure.id,
        action: 'structure.created',
        targetType: 'structure',
        targetId: structure.id,
        details: { name: structure.name },
      });
      if (alsoInTransaction) await alsoInTransaction(tx, structure);
      return structure;
    });
  }

  async get(id: string): Promise<StructureRow> {
    const structure = await findStructure(this.db, id);
    if (!structure) throw new DomainError('structure_not_found', 404);
    return structure;
  }

  async find(id: string): Promise<StructureRow | undefined> {
    return findStructure(this.db, id);
  }

  /**
   * The structure's public profile: what its issuer Profile publishes. The
   * change shows at once in this process (its cached issuer document is
   * dropped) and within a second in the others.
   */
  async updateProfile(structureId: string, input: unknown, actor: Actor): Promise<StructureRow> {
    const parsed = structureProfileInput.safeParse(input);
    if (!parsed.success) throw new DomainError('validation_failed', 400);
    const values = {
      name: parsed.data.name,
      url: parsed.data.url,
      email: parsed.data.email,
      description: parsed.data.description || null,
      telephone: parsed.data.telephone || null,
    };
    const updated = await this.db.transaction(async (tx) => {
      const before = await findStructure(tx, structureId);
      if (!before) throw new DomainError('structure_not_found', 404);
      await updateStructureProfile(tx, structureId, values);
      const changed = (Object.keys(values) as (keyof typeof values)[]).filter((k) => before[k] !== values[k]);
      await recordAudit(tx, actor, {
        at: this.now(),
        structureId,
        action: 'structure.profile_updated',
        targetType: 'structure',
        targetId: structureId,
        details: { changed },
      });
      return { ...before, ...values };
    });
    this.changes.structureChanged(structureId);
    return updated;
  }

  /** Sets (or, with null, removes) the logo the issuer Profile publishes as its image. Checked by the caller. */
  async updateLogo(structureId: string, logo: { mime: string; bytes: Uint8Array } | null, actor: Actor): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await findStructure(tx, structureId))) throw new DomainError('structure_not_found', 404);
      await updateStructureLogo(tx, structureId, logo);
      await recordAudit(tx, actor, {
        at: this.now(),
        structureId,
        action: logo ? 'structure.logo_updated' : 'structure.logo_removed',
        targetType: 'structure',
        targetId: structureId,
        details: logo ? { mime: logo.mime, bytes: logo.bytes.length } : {},
      });
    });
    this.changes.structureChanged(structureId);
  }

  list(): Promise<StructureRow[]> {
    return listStructures(this.db);
  }

  /** The structures a new one would likely duplicate (same name or same site, case and accents aside), closed ones included. */
  async likelyDuplicates(input: { name: string; url: string }): Promise<LikelyDuplicate<StructureSummary>[]> {
    return likelyDuplicates(input, await listStructureNamesAndSites(this.db));
  }

  /** Refuses a new structure that likely duplicates one, unless the Région confirmed it is another. */
  async refuseLikelyDuplicate(input: { name: string; url: string }, confirmed: boolean): Promise<void> {
    if (confirmed) return;
    const duplicates = await this.likelyDuplicates(input);
    if (duplicates.length) throw new LikelyDuplicateRefusal(duplicates);
  }

  /**
   * Closes a structure: it awards nothing more and its people lose access to
   * its workspace (rules/structure-open.ts); what it published stays. Only
   * the closing time is written: nothing is deleted, so reopening gives
   * everything back.
   */
  async close(structureId: string, actor: Actor): Promise<StructureRow> {
    return this.setClosed(structureId, true, actor);
  }

  /** Reopens a closed structure: its people, its API tokens and its awarding come back as they were. */
  async reopen(structureId: string, actor: Actor): Promise<StructureRow> {
    return this.setClosed(structureId, false, actor);
  }

  private async setClosed(structureId: string, close: boolean, actor: Actor): Promise<StructureRow> {
    const updated = await this.db.transaction(async (tx) => {
      const before = await findStructure(tx, structureId);
      if (!before) throw new DomainError('structure_not_found', 404);
      const now = this.now();
      if (!(await setStructureClosed(tx, structureId, close ? now : null))) {
        throw new StructureRefusal(close ? 'already_closed' : 'not_closed', 409, { structure: before.name });
      }
      await recordAudit(tx, actor, {
        at: now,
        structureId,
        action: close ? 'structure.closed' : 'structure.reopened',
        targetType: 'structure',
        targetId: structureId,
        details: close ? { name: before.name } : { name: before.name, closedAt: before.closedAt?.toISOString() ?? null },
      });
      return { ...before, closedAt: close ? now : null };
    });
    this.changes.structureChanged(structureId);
    return updated;
  }

  private async adoptRegionalCatalogue(db: Database, structureId: string, now: Date): Promise<void> {
    await insertBadgeClasses(
      db,
      REGIONAL_CATALOGUE.map((entry, position) => {
        const image = loadCatalogueImage(entry.key);
        return {
          createdAt: now,
          structureId,
          catalogueKey: entry.key,
          position,
          name: entry.name,
          description: entry.description,
          criteriaNarrative: entry.criteriaNarrative,
          tags: [...entry.tags],
          alignment: entry.alignment.map((a) => ({
            targetName: a.targetName,
            // Kept relative to the platform: the published document adds PUBLIC_URL.
            targetUrl: alignmentPath(a.anchor),
            targetDescription: a.targetDescription,
            targetFramework: a.targetFramework,
            targetCode: a.targetCode,
          })),
          imageSvg: image.svg,
          imagePng: image.png,
        };
      }),
    );
  }
}
