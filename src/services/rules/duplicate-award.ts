import { DomainError } from '../errors.ts';

/**
 * Awarding a badge that the person already holds, valid, from the same
 * structure asks for confirmation (every entry point: the form's checkbox,
 * the CSV preview's choice, the API's `allowDuplicate: true`). The same badge
 * is the same badge class or any version of it; a catalogue badge is the same
 * whatever the version (its catalogue key). A structure's own badge made from
 * a copy is another badge.
 */

/** The badge is already held (409): `issuedOn` (YYYY-MM-DD) and `assertionId` name the award held. Worded by `error.duplicate_award`. */
export class DuplicateAward extends DomainError<'duplicate_award'> {
  constructor(readonly held: { id: string; issuedOn: Date }) {
    super('duplicate_award', 409, { issuedOn: held.issuedOn.toISOString().slice(0, 10), assertionId: held.id }, { field: 'badgeClassId' });
    this.name = 'DuplicateAward';
  }
}

export interface HeldAward {
  id: string;
  badgeClassId: string;
  catalogueKey: string | null;
  issuedOn: Date;
}

/**
 * The valid award among `held` (this structure's, to this address) that is
 * the same badge as `badgeClass`, the earliest first; `roots` maps a badge
 * class to the first version of its line (versionRoots).
 */
export function heldSameBadge(
  badgeClass: { id: string; catalogueKey: string | null },
  held: readonly HeldAward[],
  roots: ReadonlyMap<string, string>,
): HeldAward | undefined {
  const root = roots.get(badgeClass.id) ?? badgeClass.id;
  return held.find(
    (h) =>
      h.badgeClassId === badgeClass.id ||
      (badgeClass.catalogueKey !== null && h.catalogueKey === badgeClass.catalogueKey) ||
      (roots.get(h.badgeClassId) ?? h.badgeClassId) === root,
  );
}
