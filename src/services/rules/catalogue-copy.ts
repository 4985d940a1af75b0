import { isPlainText } from '../inputs.ts';
import { DomainError } from '../errors.ts';

/**
 * A structure's copy of a catalogue badge (a badge class with a catalogue
 * key: the regional nine, a published entry it adopted, its own proposal once
 * accepted) keeps the catalogue's meaning: its name, description, criteria,
 * image and alignment are the same for every structure, and only the
 * catalogue changes them. What a structure may set on its copy: its tags, its
 * validity period, and a local note on the evidence it expects (shown beside
 * the criteria, never in them). A structure that wants another meaning makes
 * its own badge from a copy (no catalogue key: labelled as its own, not
 * counted for the general badge).
 */

/** The fields of a catalogue badge that belong to the catalogue (BadgeClassService's names of changed fields). */
export const CATALOGUE_FIELDS = ['name', 'description', 'criteriaNarrative', 'alignment', 'image'] as const;

export const LOCAL_NOTE_MAX = 2000;

export function isCatalogueCopy(row: { catalogueKey: string | null }): boolean {
  return row.catalogueKey !== null;
}

/** The catalogue's fields among the changed ones: a copy refuses any (BadgeClassRefusal 'catalogue_meaning'). */
export function catalogueFieldsChanged(row: { catalogueKey: string | null }, changed: readonly string[]): string[] {
  return isCatalogueCopy(row) ? changed.filter((f) => (CATALOGUE_FIELDS as readonly string[]).includes(f)) : [];
}

/** The local note as stored: trimmed, null when empty; refused past its length or with control characters. */
export function checkLocalNote(note: string | null | undefined): string | null {
  const text = (note ?? '').replace(/\r\n?/g, '\n').trim();
  if (text.length > LOCAL_NOTE_MAX || !isPlainText(text)) {
    throw new DomainError(
      'badge_class_invalid',
      422,
      { max: LOCAL_NOTE_MAX },
      { field: 'localNote', messageKey: 'error.localNote.invalid' },
    );
  }
  return text || null;
}
