import { randomBytes } from 'node:crypto';
import { loadCatalogueImage } from '../catalogue/assets.ts';
import { alignmentPath, type CatalogueBadge, findCatalogueBadge, REGIONAL_CATALOGUE } from '../catalogue/regional.ts';
import type { Database } from '../db/database.ts';
import {
  type BadgeClassRow,
  findBadgeClassOfStructure,
  findLiveBadgeClassByCatalogueKey,
  insertBadgeClasses,
  listBadgeClassSummaries,
  listLiveCatalogueKeys,
  listLiveCopies,
  nextBadgeClassPosition,
  updateBadgeClass,
} from '../db/repositories/badge-classes.ts';
import {
  type CatalogueEntryRow,
  type CatalogueEntrySummary,
  findCatalogueEntry,
  findCatalogueEntryByKey,
  findPendingProposalOfBadgeClass,
  insertCatalogueEntry,
  listCatalogueEntries,
  lockCatalogueEntry,
  lockCatalogueEntryByKey,
  updateCatalogueEntry,
} from '../db/repositories/catalogue.ts';
import { findMemberOfStructure } from '../db/repositories/notifications.ts';
import { findStructure } from '../db/repositories/structures.ts';
import { findUserById } from '../db/repositories/users.ts';
import type { AlignmentRecord, badgeClasses } from '../db/schema.ts';
import { normaliseEmail } from '../openbadges/index.ts';
import { type Actor, recordAudit } from './audit.ts';
import type { BadgeClassDefinition, BadgeClassImage, BadgeClassService } from './badge-classes.ts';
import { checkBadgeClassDefinition } from './rules/badge-class-definition.ts';
import { DomainError } from './errors.ts';
import type { Clock } from '../clock.ts';
import type { NotificationMails } from './mail/notifications.ts';

/** One badge of the shared catalogue: one of the regional nine (in code) or an entry of the table. */
export interface CatalogueItem extends BadgeClassDefinition {
  key: string;
  source: 'regional' | 'shared';
  /** The entry's id (shared entries only). */
  id: string | null;
  proposedByStructureName: string | null;
}

export const CATALOGUE_REFUSALS = [
  'already_adopted',
  'already_proposed',
  'not_own_badge',
  'not_pending',
  'not_published',
  'archived',
] as const;
export type CatalogueRefusalCode = (typeof CATALOGUE_REFUSALS)[number];

/** A catalogue action that cannot be done now (409, shown on the page): worded by `error.catalogue.<code>`. */
export class CatalogueRefusal extends DomainError<CatalogueRefusalCode> {
  constructor(code: CatalogueRefusalCode) {
    super(code, 409, {}, { messageKey: `error.catalogue.${code}` });
    this.name = 'CatalogueRefusal';
  }
}

function regionalAlignment(badge: CatalogueBadge): AlignmentRecord[] {
  return badge.alignment.map((a) => ({
    targetName: a.targetName,
    // Kept relative to the platform: the published document adds PUBLIC_URL.
    targetUrl: alignmentPath(a.anchor),
    targetDescription: a.targetDescription,
    targetFramework: a.targetFramework,
    targetCode: a.targetCode,
  }));
}

function regionalItem(badge: CatalogueBadge): CatalogueItem {
  return {
    key: badge.key,
    source: 'regional',
    id: null,
    name: badge.name,
    description: badge.description,
    criteriaNarrative: badge.criteriaNarrative,
    tags: [...badge.tags],
    alignment: regionalAlignment(badge),
    validityDays: null,
    proposedByStructureName: null,
  };
}

function sharedItem(entry: CatalogueEntrySummary): CatalogueItem {
  return {
    key: entry.key,
    source: 'shared',
    id: entry.id,
    name: entry.name,
    description: entry.description,
    criteriaNarrative: entry.criteriaNarrative,
    tags: entry.tags,
    alignment: entry.alignment,
    validityDays: entry.validityDays,
    proposedByStructureName: entry.proposedByStructureName,
  };
}

function isUniqueViolation(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (e.code === '23505') return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** A readable, stable key that cannot collide with the regional ones (which have no random suffix). */
function newEntryKey(name: string): string {
  const slug = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return `${slug || 'badge'}-${randomBytes(3).toString('hex')}`;
}

/**
 * The shared catalogue: the regional nine (in code) and the entries the
 * platform administrator published or accepted from the structures'
 * proposals. Structures adopt entries as badge classes of their own.
 */
export class CatalogueService {
  constructor(
    private readonly db: Database,
    private readonly now: Clock,
    /** The Région is told of each proposal, the structure of each answer (in the same transactions). */
    private readonly mails: NotificationMails,
  ) {}

  /** What every structure may adopt: the regional nine, then the published entries. */
  async published(): Promise<CatalogueItem[]> {
    const entries = await listCatalogueEntries(this.db, ['published']);
    return [...REGIONAL_CATALOGUE.map(regionalItem), ...entries.map(sharedItem)];
  }

  /** The platform administrator's page: the catalogue and the proposals waiting for a decision. */
  async forPlatform() {
    const [items, proposals] = await Promise.all([this.published(), listCatalogueEntries(this.db, ['proposed'])]);
    return { items, proposals };
  }

  /** A structure's page: the catalogue (adopted or not), its own badges it may propose, and its proposals. */
  async forStructure(structureId: string) {
    const [items, keys, proposals, badgeClasses] = await Promise.all([
      this.published(),
      listLiveCatalogueKeys(this.db, structureId),
      listCatalogueEntries(this.db, ['proposed', 'published', 'declined', 'withdrawn'], { proposedByStructureId: structureId }),
      listBadgeClassSummaries(this.db, structureId),
    ]);
    const adopted = new Set(keys);
    const pending = new Set(proposals.filter((p) => p.status === 'proposed').map((p) => p.proposedFromBadgeClassId));
    return {
      items: items.map((item) => ({ ...item, adopted: adopted.has(item.key) })),
      proposals,
      ownBadgeClasses: badgeClasses
        .filter((b) => !b.archivedAt && !b.catalogueKey)
        .map((b) => ({ id: b.id, name: b.name, version: b.version, proposed: pending.has(b.id) })),
    };
  }

  /** The structure's proposals, newest first, with the Région's answers: shown where it looks at its badges. */
  proposalsOf(structureId: string): Promise<CatalogueEntrySummary[]> {
    return listCatalogueEntries(this.db, ['proposed', 'published', 'declined', 'withdrawn'], { proposedByStructureId: structureId });
  }

  /**
   * The image of a catalogue badge, for the workspace pages. Regional and
   * published entries are for everyone signed in; a proposal, for the
   * platform administrator and the structure that made it.
   */
  async image(key: string, viewer: { isPlatformAdmin: boolean; structureId: string | null }): Promise<Uint8Array> {
    if (findCatalogueBadge(key)) return loadCatalogueImage(key).png;
    const entry = await findCatalogueEntryByKey(this.db, key);
    const visible =
      entry &&
      (entry.status === 'published' ||
        viewer.isPlatformAdmin ||
        (viewer.structureId !== null && entry.proposedByStructureId === viewer.structureId));
    if (!visible) throw new DomainError('not_found', 404);
    return entry.imagePng;
  }

  /** The platform administrator adds a badge to the catalogue (published at once). */
  async add(definition: BadgeClassDefinition, image: BadgeClassImage, actor: Actor): Promise<CatalogueEntryRow> {
    checkBadgeClassDefinition(definition);
    return this.db.transaction(async (tx) => {
      const entry = await insertCatalogueEntry(tx, {
        createdAt: this.now(),
        key: newEntryKey(definition.name),
        status: 'published',
        ...definition,
        imagePng: image.png,
        imageSvg: image.svg,
        decidedByUserId: actor.kind === 'user' ? actor.userId : null,
        decidedAt: this.now(),
      });
      await recordAudit(tx, actor, {
        at: this.now(),
        action: 'catalogue.entry_added',
        targetType: 'catalogue_entry',
        targetId: entry.id,
        details: { key: entry.key, name: entry.name },
      });
      return entry;
    });
  }

  /** A published shared entry, for the Région's editor (the regional nine change in src/catalogue/, not here). */
  async sharedEntry(id: string): Promise<CatalogueEntryRow> {
    const entry = await findCatalogueEntry(this.db, id);
    if (!entry) throw new DomainError('not_found', 404);
    if (entry.status !== 'published') throw new CatalogueRefusal('not_published');
    return entry;
  }

  /**
   * The platform administrator changes a published shared entry (`image`
   * null: kept). In the same transaction every structure's live copy takes
   * the entry's name, description, criteria, alignment and image: in place
   * when never awarded, as a new version when awarded (earlier awards keep
   * theirs); each copy keeps its own tags, validity and local note.
   * `structures`: how many structures' badges changed.
   */
  async editShared(
    id: string,
    definition: BadgeClassDefinition,
    image: BadgeClassImage | null,
    badgeClassService: BadgeClassService,
    actor: Actor,
  ): Promise<{ entry: CatalogueEntryRow; updated: number; versioned: number; structures: number }> {
    checkBadgeClassDefinition(definition);
    const changedIds: string[] = [];
    const result = await this.db.transaction(async (tx) => {
      const before = await lockCatalogueEntry(tx, id);
      if (!before) throw new DomainError('not_found', 404);
      if (before.status !== 'published') throw new CatalogueRefusal('not_published');
      const entry = await updateCatalogueEntry(tx, id, {
        ...definition,
        ...(image ? { imagePng: image.png, imageSvg: image.svg } : {}),
      });
      let updated = 0;
      let versioned = 0;
      for (const copy of await listLiveCopies(tx, entry.key)) {
        const change = await badgeClassService.applyCatalogueChangeIn(
          tx,
          copy.structureId,
          copy.id,
          {
            name: entry.name,
            description: entry.description,
            criteriaNarrative: entry.criteriaNarrative,
            alignment: entry.alignment,
            tags: copy.tags,
            validityDays: copy.validityDays,
          },
          { png: entry.imagePng, svg: entry.imageSvg },
          actor,
        );
        if (!change.changed.length) continue;
        changedIds.push(copy.id);
        if (change.versioned) versioned++;
        else updated++;
      }
      const structures = updated + versioned;
      await recordAudit(tx, actor, {
        at: this.now(),
        action: 'catalogue.entry_updated',
        targetType: 'catalogue_entry',
        targetId: id,
        details: { key: entry.key, name: entry.name, ...(before.name !== entry.name ? { previousName: before.name } : {}), structures },
      });
      return { entry, updated, versioned, structures };
    });
    badgeClassService.copiesChanged(changedIds);
    return result;
  }

  /** No longer offered for adoption; the structures that adopted it keep their badge classes. */
  async withdraw(id: string, actor: Actor): Promise<CatalogueEntryRow> {
    return this.db.transaction(async (tx) => {
      const entry = await lockCatalogueEntry(tx, id);
      if (!entry) throw new DomainError('not_found', 404);
      if (entry.status !== 'published') throw new CatalogueRefusal('not_published');
      const updated = await updateCatalogueEntry(tx, id, { status: 'withdrawn' });
      await recordAudit(tx, actor, {
        at: this.now(),
        action: 'catalogue.entry_withdrawn',
        targetType: 'catalogue_entry',
        targetId: id,
        details: { key: entry.key, name: entry.name },
      });
      return updated;
    });
  }

  /** A structure proposes one of its own badge classes; the platform administrator decides. */
  async propose(structureId: string, badgeClassId: string, actor: Actor): Promise<CatalogueEntryRow> {
    const proposed = await this.db.transaction(async (tx) => {
      const badgeClass = await findBadgeClassOfStructure(tx, structureId, badgeClassId);
      if (!badgeClass) throw new DomainError('badge_class_not_found', 404);
      if (badgeClass.archivedAt) throw new CatalogueRefusal('archived');
      if (badgeClass.catalogueKey) throw new CatalogueRefusal('not_own_badge');
      if (await findPendingProposalOfBadgeClass(tx, badgeClassId)) throw new CatalogueRefusal('already_proposed');
      const entry = await insertCatalogueEntry(tx, {
        createdAt: this.now(),
        key: newEntryKey(badgeClass.name),
        status: 'proposed',
        name: badgeClass.name,
        description: badgeClass.description,
        criteriaNarrative: badgeClass.criteriaNarrative,
        tags: badgeClass.tags,
        alignment: badgeClass.alignment,
        validityDays: badgeClass.validityDays,
        imagePng: badgeClass.imagePng,
        imageSvg: badgeClass.imageSvg,
        proposedByStructureId: structureId,
        proposedFromBadgeClassId: badgeClassId,
        proposedByUserId: actor.kind === 'user' ? actor.userId : null,
      });
      await recordAudit(tx, actor, {
        at: this.now(),
        structureId,
        action: 'catalogue.proposed',
        targetType: 'catalogue_entry',
        targetId: entry.id,
        details: { key: entry.key, name: entry.name, badgeClassId },
      });
      await this.tellProposal(tx, structureId, entry, actor);
      return entry;
    });
    this.mails.notify();
    return proposed;
  }

  private async userOf(db: Database, actor: Actor) {
    return actor.kind === 'user' ? findUserById(db, actor.userId) : undefined;
  }

  /** Tells every platform administrator of a new proposal. */
  private async tellProposal(db: Database, structureId: string, entry: CatalogueEntryRow, actor: Actor) {
    const structure = await findStructure(db, structureId);
    const proposer = await this.userOf(db, actor);
    await this.mails.catalogueProposal(
      db,
      {
        badgeName: entry.name,
        badgeDescription: entry.description,
        structureName: structure?.name ?? '',
        proposerName: proposer?.name ?? null,
        createdByUserId: proposer?.id ?? null,
      },
      this.now(),
    );
  }

  /**
   * Tells the proposing structure the Région's answer: at its contact
   * address, and to the person who proposed if they still belong to it.
   */
  private async tellDecision(db: Database, entry: CatalogueEntryRow, decision: 'accepted' | 'declined', note: string | null, actor: Actor) {
    if (!entry.proposedByStructureId) return;
    const structure = await findStructure(db, entry.proposedByStructureId);
    if (!structure) return;
    const proposer = entry.proposedByUserId ? await findMemberOfStructure(db, structure.id, entry.proposedByUserId) : undefined;
    const recipients = [...new Set([structure.email, ...(proposer ? [proposer.email] : [])].map(normaliseEmail))];
    const source = entry.proposedFromBadgeClassId
      ? await findBadgeClassOfStructure(db, structure.id, entry.proposedFromBadgeClassId)
      : undefined;
    const decider = await this.userOf(db, actor);
    await this.mails.catalogueDecision(
      db,
      {
        structureId: structure.id,
        structureName: structure.name,
        badgeClassId: source?.id ?? null,
        badgeName: entry.name,
        decision,
        note,
        deciderName: decider?.name ?? null,
        recipients,
        createdByUserId: decider?.id ?? null,
      },
      this.now(),
    );
  }

  /**
   * Accepting publishes the proposal. The proposing structure's badge class
   * takes the entry's key, so that it counts as holding this catalogue badge.
   */
  async accept(id: string, actor: Actor): Promise<CatalogueEntryRow> {
    const accepted = await this.db.transaction(async (tx) => {
      const entry = await lockCatalogueEntry(tx, id);
      if (!entry) throw new DomainError('not_found', 404);
      if (entry.status !== 'proposed') throw new CatalogueRefusal('not_pending');
      const updated = await updateCatalogueEntry(tx, id, {
        status: 'published',
        decidedByUserId: actor.kind === 'user' ? actor.userId : null,
        decidedAt: this.now(),
        decisionNote: null,
      });
      if (entry.proposedByStructureId && entry.proposedFromBadgeClassId) {
        const source = await findBadgeClassOfStructure(tx, entry.proposedByStructureId, entry.proposedFromBadgeClassId);
        if (source && !source.archivedAt && !source.catalogueKey) {
          await updateBadgeClass(tx, source.id, { catalogueKey: entry.key });
        }
      }
      await recordAudit(tx, actor, {
        at: this.now(),
        structureId: entry.proposedByStructureId,
        action: 'catalogue.accepted',
        targetType: 'catalogue_entry',
        targetId: id,
        details: { key: entry.key, name: entry.name },
      });
      await this.tellDecision(tx, entry, 'accepted', null, actor);
      return updated;
    });
    this.mails.notify();
    return accepted;
  }

  async decline(id: string, note: string, actor: Actor): Promise<CatalogueEntryRow> {
    const declined = await this.db.transaction(async (tx) => {
      const entry = await lockCatalogueEntry(tx, id);
      if (!entry) throw new DomainError('not_found', 404);
      if (entry.status !== 'proposed') throw new CatalogueRefusal('not_pending');
      const updated = await updateCatalogueEntry(tx, id, {
        status: 'declined',
        decidedByUserId: actor.kind === 'user' ? actor.userId : null,
        decidedAt: this.now(),
        decisionNote: note,
      });
      await recordAudit(tx, actor, {
        at: this.now(),
        structureId: entry.proposedByStructureId,
        action: 'catalogue.declined',
        targetType: 'catalogue_entry',
        targetId: id,
        details: { key: entry.key, name: entry.name, note },
      });
      await this.tellDecision(tx, entry, 'declined', note, actor);
      return updated;
    });
    this.mails.notify();
    return declined;
  }

  /**
   * The regional badges as the code now says them, carried to every
   * structure's live copy (`insigne catalogue sync`, after a release that
   * changed src/catalogue/): each copy whose name, description, criteria,
   * alignment or image differs takes the catalogue's, as a new version when
   * it was awarded, earlier awards keeping theirs (BadgeClassService).
   * Returns how many copies changed.
   */
  async syncRegional(badgeClassService: BadgeClassService, actor: Actor): Promise<{ updated: number; versioned: number }> {
    let updated = 0;
    let versioned = 0;
    for (const badge of REGIONAL_CATALOGUE) {
      const item = regionalItem(badge);
      const image = loadCatalogueImage(badge.key);
      for (const copy of await listLiveCopies(this.db, badge.key)) {
        const result = await badgeClassService.applyCatalogueChange(
          copy.structureId,
          copy.id,
          {
            name: item.name,
            description: item.description,
            criteriaNarrative: item.criteriaNarrative,
            alignment: item.alignment,
            tags: copy.tags,
            validityDays: copy.validityDays,
          },
          { png: image.png, svg: image.svg },
          actor,
        );
        if (result.versioned) versioned++;
        else if (result.changed.length) updated++;
      }
    }
    return { updated, versioned };
  }

  /** Copies a catalogue badge into the structure's badge classes, image included. */
  async adopt(structureId: string, key: string, actor: Actor): Promise<BadgeClassRow> {
    try {
      return await this.adoptOnce(structureId, key, actor);
    } catch (error) {
      // Two adoptions at once: the unique index lets one through.
      if (isUniqueViolation(error)) throw new CatalogueRefusal('already_adopted');
      throw error;
    }
  }

  private async adoptOnce(structureId: string, key: string, actor: Actor): Promise<BadgeClassRow> {
    return this.db.transaction(async (tx) => {
      const regional = findCatalogueBadge(key);
      let values: Omit<typeof badgeClasses.$inferInsert, 'structureId' | 'position'>;
      if (regional) {
        const image = loadCatalogueImage(regional.key);
        const item = regionalItem(regional);
        values = {
          createdAt: this.now(),
          catalogueKey: regional.key,
          name: item.name,
          description: item.description,
          criteriaNarrative: item.criteriaNarrative,
          tags: item.tags,
          alignment: item.alignment,
          imagePng: image.png,
          imageSvg: image.svg,
        };
      } else {
        // Locked: an edit of the entry at the same moment (editShared) either comes first and is copied, or finds this copy.
        const entry = await lockCatalogueEntryByKey(tx, key);
        if (!entry || entry.status !== 'published') throw new DomainError('not_found', 404);
        values = {
          createdAt: this.now(),
          catalogueKey: entry.key,
          name: entry.name,
          description: entry.description,
          criteriaNarrative: entry.criteriaNarrative,
          tags: entry.tags,
          alignment: entry.alignment,
          validityDays: entry.validityDays,
          imagePng: entry.imagePng,
          imageSvg: entry.imageSvg,
        };
      }
      if (await findLiveBadgeClassByCatalogueKey(tx, structureId, key)) throw new CatalogueRefusal('already_adopted');
      const [row] = await insertBadgeClasses(tx, [{ structureId, position: await nextBadgeClassPosition(tx, structureId), ...values }]);
      await recordAudit(tx, actor, {
        at: this.now(),
        structureId,
        action: 'catalogue.adopted',
        targetType: 'badge_class',
        targetId: row!.id,
        details: { key, name: row!.name },
      });
      return row!;
    });
  }
}
