import type { Database } from '../db/database.ts';
import {
  type BadgeClassRow,
  type BadgeClassSummary,
  countAssertionsOfBadgeClass,
  deleteUnawardedBadgeClass,
  findBadgeClassOfStructure,
  findLiveBadgeClassByCatalogueKey,
  findNextVersion,
  insertBadgeClasses,
  listBadgeClassSummaries,
  listLiveBadgeClasses,
  lockBadgeClassOfStructure,
  nextBadgeClassPosition,
  updateBadgeClass,
} from '../db/repositories/badge-classes.ts';
import { findPendingProposalOfBadgeClass } from '../db/repositories/catalogue.ts';
import { type Actor, recordAudit } from './audit.ts';
import { DomainError } from './errors.ts';
import type { LocalChanges } from './changes.ts';
import { type BadgeClassFields, checkBadgeClassDefinition } from './rules/badge-class-definition.ts';
import { catalogueFieldsChanged, checkLocalNote } from './rules/catalogue-copy.ts';
import type { Clock } from '../clock.ts';

/**
 * What a badge class says: the editor's fields. `validityDays` is the days an
 * assertion stays valid (sets its `expires`); null: no limit. Checked here
 * (checkBadgeClassDefinition) whatever the edge checked.
 */
export type BadgeClassDefinition = BadgeClassFields;

export interface BadgeClassImage {
  png: Uint8Array;
  /** Null for an uploaded PNG: the SVG form is then the PNG wrapped. */
  svg: string | null;
}

export const BADGE_CLASS_REFUSALS = [
  'superseded',
  'catalogue_key_taken',
  'not_archived',
  'already_archived',
  'has_awards',
  'has_versions',
  'proposal_pending',
  'catalogue_meaning',
] as const;
export type BadgeClassRefusalCode = (typeof BADGE_CLASS_REFUSALS)[number];

/** An action on a badge class that cannot be done now (409, shown on the page): worded by `error.badgeClass.<code>`. */
export class BadgeClassRefusal extends DomainError<BadgeClassRefusalCode> {
  constructor(code: BadgeClassRefusalCode, params: Record<string, string | number> = {}) {
    super(code, 409, params, { messageKey: `error.badgeClass.${code}` });
    this.name = 'BadgeClassRefusal';
  }
}

/** The fields whose change alters what an awarded badge certifies (tags only classify it). */
const MEANING_FIELDS = ['name', 'description', 'criteriaNarrative', 'alignment', 'validityDays'] as const;

function sameBytes(a: Uint8Array | null | undefined, b: Uint8Array | null | undefined): boolean {
  if (!a || !b) return a === b;
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

/** JSON with object keys sorted: jsonb gives keys back in its own order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

function changedFields(row: BadgeClassRow, next: BadgeClassDefinition, image: BadgeClassImage | null): string[] {
  const changed: string[] = MEANING_FIELDS.filter((field) => canonical(row[field] ?? null) !== canonical(next[field] ?? null));
  if (image && (!sameBytes(row.imagePng, image.png) || (row.imageSvg ?? null) !== (image.svg ?? null))) changed.push('image');
  return changed;
}

export interface BadgeClassUpdate {
  row: BadgeClassRow;
  /** True when the change made a new version (the badge class had been awarded). */
  versioned: boolean;
  /** The fields that changed (empty: nothing to save). */
  changed: string[];
}

/** What a structure sets beside a badge class's definition. */
export interface BadgeClassLocalFields {
  /** Its own guidance on the evidence it expects; undefined: left as it is. */
  localNote?: string | null;
}

export class BadgeClassService {
  constructor(
    private readonly db: Database,
    private readonly changes: LocalChanges,
    private readonly now: Clock,
  ) {}

  /** The badge classes a structure can award now (archived ones are kept, not listed). */
  listAwardable(structureId: string): Promise<BadgeClassRow[]> {
    return listLiveBadgeClasses(this.db, structureId);
  }

  async get(structureId: string, id: string): Promise<BadgeClassRow> {
    const row = await findBadgeClassOfStructure(this.db, structureId, id);
    if (!row) throw new DomainError('badge_class_not_found', 404);
    return row;
  }

  /** The structure's page of badges: live ones and archived ones apart, each with how often it was awarded. */
  async overview(structureId: string): Promise<{ live: BadgeClassSummary[]; archived: BadgeClassSummary[] }> {
    const rows = await listBadgeClassSummaries(this.db, structureId);
    return { live: rows.filter((r) => !r.archivedAt), archived: rows.filter((r) => r.archivedAt) };
  }

  /** One badge class with what its page says about it: awards, and the version that replaced it. */
  async details(structureId: string, id: string) {
    const row = await this.get(structureId, id);
    const [awarded, nextVersion, previous] = await Promise.all([
      countAssertionsOfBadgeClass(this.db, id),
      findNextVersion(this.db, id),
      row.previousVersionId ? findBadgeClassOfStructure(this.db, structureId, row.previousVersionId) : undefined,
    ]);
    return {
      row,
      awarded,
      nextVersion: nextVersion ?? null,
      previousVersion: previous ? { id: previous.id, version: previous.version } : null,
    };
  }

  async create(structureId: string, definition: BadgeClassDefinition, image: BadgeClassImage, actor: Actor): Promise<BadgeClassRow> {
    checkBadgeClassDefinition(definition);
    return this.db.transaction(async (tx) => {
      const [row] = await insertBadgeClasses(tx, [
        {
          createdAt: this.now(),
          structureId,
          position: await nextBadgeClassPosition(tx, structureId),
          ...definition,
          imagePng: image.png,
          imageSvg: image.svg,
        },
      ]);
      await recordAudit(tx, actor, {
        at: this.now(),
        structureId,
        action: 'badge_class.created',
        targetType: 'badge_class',
        targetId: row!.id,
        details: { name: row!.name },
      });
      return row!;
    });
  }

  /**
   * Saves the editor's fields. A badge class never awarded changes in place.
   * Once awarded, its meaning is locked: a change of what it certifies makes
   * a new version (same catalogue key, version + 1) and archives the old one,
   * which stays published for the assertions that point to it.
   *
   * A copy of a catalogue badge refuses any change of the catalogue's fields
   * (BadgeClassRefusal 'catalogue_meaning', rules/catalogue-copy.ts); its
   * tags, validity and local note are the structure's.
   */
  async update(
    structureId: string,
    id: string,
    definition: BadgeClassDefinition,
    image: BadgeClassImage | null,
    actor: Actor,
    local: BadgeClassLocalFields = {},
  ): Promise<BadgeClassUpdate> {
    return this.save(structureId, id, definition, image, actor, local, 'structure');
  }

  /**
   * The catalogue's entry changed (`insigne catalogue sync` for the regional
   * badges): this structure's copy takes its new fields, as a new version if
   * it was awarded (earlier awards keep theirs), keeping the structure's tags,
   * validity and local note.
   */
  applyCatalogueChange(
    structureId: string,
    id: string,
    definition: BadgeClassDefinition,
    image: BadgeClassImage | null,
    actor: Actor,
  ): Promise<BadgeClassUpdate> {
    return this.save(structureId, id, definition, image, actor, {}, 'catalogue');
  }

  /**
   * The same as applyCatalogueChange, inside the caller's transaction (the
   * Région's edit of a shared catalogue entry saves the entry and every copy
   * at once). The caller drops the caches after its commit (copiesChanged).
   */
  applyCatalogueChangeIn(
    tx: Database,
    structureId: string,
    id: string,
    definition: BadgeClassDefinition,
    image: BadgeClassImage | null,
    actor: Actor,
  ): Promise<BadgeClassUpdate> {
    checkBadgeClassDefinition(definition);
    return this.saveIn(tx, structureId, id, definition, image, actor, undefined, 'catalogue');
  }

  /** After a commit that changed these badge classes: their published documents and images change now on this instance. */
  copiesChanged(ids: string[]): void {
    for (const id of ids) this.changes?.badgeClassChanged(id);
  }

  private async save(
    structureId: string,
    id: string,
    definition: BadgeClassDefinition,
    image: BadgeClassImage | null,
    actor: Actor,
    local: BadgeClassLocalFields,
    by: 'structure' | 'catalogue',
  ): Promise<BadgeClassUpdate> {
    checkBadgeClassDefinition(definition);
    const localNote = local.localNote === undefined ? undefined : checkLocalNote(local.localNote);
    const result = await this.db.transaction((tx) => this.saveIn(tx, structureId, id, definition, image, actor, localNote, by));
    // Its published document and image change now on this instance (within a second on others).
    this.changes?.badgeClassChanged(id);
    return result;
  }

  private async saveIn(
    tx: Database,
    structureId: string,
    id: string,
    definition: BadgeClassDefinition,
    image: BadgeClassImage | null,
    actor: Actor,
    localNote: string | null | undefined,
    by: 'structure' | 'catalogue',
  ): Promise<BadgeClassUpdate> {
    const row = await lockBadgeClassOfStructure(tx, structureId, id);
    if (!row) throw new DomainError('badge_class_not_found', 404);
    if (row.archivedAt) throw new DomainError('badge_class_archived', 409);
    const meaning = changedFields(row, definition, image);
    const locked = by === 'structure' ? catalogueFieldsChanged(row, meaning) : [];
    if (locked.length) throw new BadgeClassRefusal('catalogue_meaning', { fields: locked.join(', ') });
    const tagsChanged = canonical(row.tags) !== canonical(definition.tags);
    const noteChanged = localNote !== undefined && localNote !== (row.localNote ?? null);
    const changed = [...meaning, ...(tagsChanged ? ['tags'] : []), ...(noteChanged ? ['localNote'] : [])];
    if (!changed.length) return { row, versioned: false, changed };
    const imageValues = image ? { imagePng: image.png, imageSvg: image.svg } : {};
    const noteValues = noteChanged ? { localNote } : {};
    const awarded = meaning.length ? await countAssertionsOfBadgeClass(tx, id) : 0;

    if (awarded === 0) {
      const updated = await updateBadgeClass(tx, id, { ...definition, ...imageValues, ...noteValues });
      await recordAudit(tx, actor, {
        at: this.now(),
        structureId,
        action: 'badge_class.updated',
        targetType: 'badge_class',
        targetId: id,
        details: { name: updated.name, changed, ...(by === 'catalogue' ? { by } : {}) },
      });
      return { row: updated, versioned: false, changed };
    }

    // Archive first: a catalogue key is unique among live badge classes.
    await updateBadgeClass(tx, id, { archivedAt: this.now() });
    const [next] = await insertBadgeClasses(tx, [
      {
        createdAt: this.now(),
        structureId,
        catalogueKey: row.catalogueKey,
        position: row.position,
        ...definition,
        imagePng: row.imagePng,
        imageSvg: row.imageSvg,
        ...imageValues,
        localNote: row.localNote,
        ...noteValues,
        version: row.version + 1,
        previousVersionId: row.id,
      },
    ]);
    await recordAudit(tx, actor, {
      at: this.now(),
      structureId,
      action: 'badge_class.versioned',
      targetType: 'badge_class',
      targetId: next!.id,
      details: {
        name: next!.name,
        previousVersionId: row.id,
        version: next!.version,
        changed,
        awarded,
        ...(by === 'catalogue' ? { by } : {}),
      },
    });
    return { row: next!, versioned: true, changed };
  }

  /** Archived: no longer offered for awarding; still published, never deleted. */
  async archive(structureId: string, id: string, actor: Actor): Promise<BadgeClassRow> {
    return this.db.transaction(async (tx) => {
      const row = await lockBadgeClassOfStructure(tx, structureId, id);
      if (!row) throw new DomainError('badge_class_not_found', 404);
      if (row.archivedAt) throw new BadgeClassRefusal('already_archived');
      const updated = await updateBadgeClass(tx, id, { archivedAt: this.now() });
      await recordAudit(tx, actor, {
        at: this.now(),
        structureId,
        action: 'badge_class.archived',
        targetType: 'badge_class',
        targetId: id,
        details: { name: row.name, version: row.version },
      });
      return updated;
    });
  }

  /** Back in the list of badges to award, unless a newer version (or a copy of its catalogue badge) now stands for it. */
  async unarchive(structureId: string, id: string, actor: Actor): Promise<BadgeClassRow> {
    return this.db.transaction(async (tx) => {
      const row = await lockBadgeClassOfStructure(tx, structureId, id);
      if (!row) throw new DomainError('badge_class_not_found', 404);
      if (!row.archivedAt) throw new BadgeClassRefusal('not_archived');
      const next = await findNextVersion(tx, id);
      if (next) throw new BadgeClassRefusal('superseded', { version: next.version, id: next.id });
      if (row.catalogueKey) {
        const live = await findLiveBadgeClassByCatalogueKey(tx, structureId, row.catalogueKey);
        if (live) throw new BadgeClassRefusal('catalogue_key_taken', { id: live.id });
      }
      const updated = await updateBadgeClass(tx, id, { archivedAt: null });
      await recordAudit(tx, actor, {
        at: this.now(),
        structureId,
        action: 'badge_class.unarchived',
        targetType: 'badge_class',
        targetId: id,
        details: { name: row.name, version: row.version },
      });
      return updated;
    });
  }

  /**
   * Deletes a badge class that was never awarded: a real delete, for a badge
   * made by mistake or never used (a catalogue badge too: the catalogue page
   * offers it again). Refused once awarded, since its awards must stay
   * verifiable (archive it then), while a newer version stands on it, or
   * while the Région is deciding on its proposal to the catalogue.
   */
  async delete(structureId: string, id: string, actor: Actor): Promise<BadgeClassRow> {
    const row = await this.db.transaction(async (tx) => {
      const row = await lockBadgeClassOfStructure(tx, structureId, id);
      if (!row) throw new DomainError('badge_class_not_found', 404);
      const awarded = await countAssertionsOfBadgeClass(tx, id);
      if (awarded > 0) throw new BadgeClassRefusal('has_awards', { count: awarded });
      if (await findNextVersion(tx, id)) throw new BadgeClassRefusal('has_versions');
      if (await findPendingProposalOfBadgeClass(tx, id)) throw new BadgeClassRefusal('proposal_pending');
      if (!(await deleteUnawardedBadgeClass(tx, structureId, id))) throw new DomainError('badge_class_not_found', 404);
      await recordAudit(tx, actor, {
        at: this.now(),
        structureId,
        action: 'badge_class.deleted',
        targetType: 'badge_class',
        targetId: id,
        details: { name: row.name, version: row.version, catalogueKey: row.catalogueKey },
      });
      return row;
    });
    this.changes?.badgeClassChanged(id);
    return row;
  }
}
