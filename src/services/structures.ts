import { loadCatalogueImage } from '../catalogue/assets.ts';
import { alignmentPath, REGIONAL_CATALOGUE } from '../catalogue/regional.ts';
import type { Database } from '../db/database.ts';
import { insertBadgeClasses } from '../db/repositories/badge-classes.ts';
import {
  findStructure,
  insertStructure,
  listStructures,
  type StructureRow,
} from '../db/repositories/structures.ts';
import { type Actor, recordAudit } from './audit.ts';
import { DomainError } from './errors.ts';
import type { SigningKeyService } from './signing-keys.ts';

export interface NewStructure {
  name: string;
  url: string;
  email: string;
  description?: string | null;
  telephone?: string | null;
}

export class StructureService {
  constructor(
    private readonly db: Database,
    private readonly keys: SigningKeyService,
  ) {}

  /** A new structure is ready to award at once: its signing key and the regional catalogue come with it. */
  async create(input: NewStructure, actor: Actor): Promise<StructureRow> {
    return this.db.transaction(async (tx) => {
      const structure = await insertStructure(tx, {
        name: input.name,
        url: input.url,
        email: input.email,
        description: input.description ?? null,
        telephone: input.telephone ?? null,
      });
      await this.keys.createFor(tx, structure.id);
      await this.adoptRegionalCatalogue(tx, structure.id);
      await recordAudit(tx, actor, {
        structureId: structure.id,
        action: 'structure.created',
        targetType: 'structure',
        targetId: structure.id,
        details: { name: structure.name },
      });
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

  list(): Promise<StructureRow[]> {
    return listStructures(this.db);
  }

  private async adoptRegionalCatalogue(db: Database, structureId: string): Promise<void> {
    await insertBadgeClasses(
      db,
      REGIONAL_CATALOGUE.map((entry, position) => {
        const image = loadCatalogueImage(entry.key);
        return {
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
