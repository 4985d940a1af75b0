import { DomainError } from '../errors.ts';

/**
 * Whether a structure is open: a structure the Région has closed awards
 * nothing more (one, CSV, API), takes no API token and no new member, and
 * its people lose access to its workspace; its badges, issuer Profile and
 * public pages stay as they were, so everything it awarded stays
 * verifiable. Nothing is ever deleted: the Région may reopen it.
 */

export const STRUCTURE_REFUSALS = ['structure_closed', 'likely_duplicate', 'already_closed', 'not_closed'] as const;
export type StructureRefusalCode = (typeof STRUCTURE_REFUSALS)[number];

/** What cannot be done to or by a structure now: worded by `error.structure.<code>`. */
export class StructureRefusal extends DomainError<StructureRefusalCode> {
  constructor(code: StructureRefusalCode, status: 403 | 409 = 409, params: Record<string, string | number> = {}) {
    super(code, status, params, { messageKey: `error.structure.${code}` });
    this.name = 'StructureRefusal';
  }
}

export const isClosed = (structure: { closedAt: Date | null }): boolean => structure.closedAt !== null;

/**
 * The one check of every entry point that acts for a structure (an award,
 * one or many, from a form, a CSV file or the API; an invitation; an API
 * token): a closed structure is refused, 403, with its name in the message.
 */
export function refuseIfClosed(structure: { name: string; closedAt: Date | null }): void {
  if (isClosed(structure)) throw new StructureRefusal('structure_closed', 403, { structure: structure.name });
}
