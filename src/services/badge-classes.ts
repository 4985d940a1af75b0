import type { Database } from '../db/database.ts';
import {
  type BadgeClassRow,
  findBadgeClassOfStructure,
  listLiveBadgeClasses,
} from '../db/repositories/badge-classes.ts';
import { DomainError } from './errors.ts';

export class BadgeClassService {
  constructor(private readonly db: Database) {}

  /** The badge classes a structure can award now (archived ones are kept, not listed). */
  listAwardable(structureId: string): Promise<BadgeClassRow[]> {
    return listLiveBadgeClasses(this.db, structureId);
  }

  async get(structureId: string, id: string): Promise<BadgeClassRow> {
    const row = await findBadgeClassOfStructure(this.db, structureId, id);
    if (!row) throw new DomainError('badge_class_not_found', 404);
    return row;
  }
}
