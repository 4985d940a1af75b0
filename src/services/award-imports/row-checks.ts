import { createHash } from 'node:crypto';
import type { BadgeClassRow } from '../../db/repositories/badge-classes.ts';
import type { AwardImportRow } from '../../db/schema.ts';
import { normaliseEmail } from '../../openbadges/index.ts';
import { email as emailSchema, httpUrl, isPlainLine, isPlainText } from '../inputs.ts';
import { expiryOfDay } from '../rules/expiry-date.ts';
import { badgeNameKey, nearestBadgeName } from '../rules/badge-names.ts';
import { IMPORT_FIELDS, type ImportField, REQUIRED_FIELDS } from './csv-file.ts';

/**
 * Checking the rows of an import: each row's own problems (as codes the web
 * layer translates), the same person given the same badge twice in the file,
 * and the per-row idempotency key that makes a resent row a replay.
 */

/**
 * The badge a cell names: the id of one of the structure's live badge
 * classes, a catalogue key ('organiser-je-maitrise'), or a name, whatever its
 * accents, case, spaces or dashes (src/services/rules/badge-names.ts). A cell
 * that names none is told why: an archived badge, or the nearest name.
 */
export class BadgeLookup {
  private readonly live: Index;
  private readonly archived: Index;
  private readonly problems = new Map<string, string>();

  constructor(
    readonly badgeClasses: readonly BadgeClassRow[],
    archived: readonly BadgeClassRow[] = [],
  ) {
    this.live = index(badgeClasses);
    this.archived = index(archived);
  }

  find(cell: string): BadgeClassRow | undefined {
    return lookUp(this.live, cell);
  }

  /** Why a cell names no live badge, as a row problem code: 'badge_archived:<name>', 'badge_unknown:<nearest>' or 'badge_unknown'. */
  problem(cell: string): string {
    const text = cell.trim();
    let code = this.problems.get(text);
    if (code === undefined) {
      const archived = lookUp(this.archived, text);
      const nearest = archived
        ? undefined
        : nearestBadgeName(
            text,
            this.badgeClasses.map((b) => b.name),
          );
      code = archived ? `badge_archived:${archived.name}` : nearest ? `badge_unknown:${nearest}` : 'badge_unknown';
      // A file repeats the same few names: each is weighed once.
      this.problems.set(text, code);
    }
    return code;
  }
}

interface Index {
  byId: Map<string, BadgeClassRow>;
  byKey: Map<string, BadgeClassRow>;
  byName: Map<string, BadgeClassRow>;
}

function index(rows: readonly BadgeClassRow[]): Index {
  const found: Index = { byId: new Map(), byKey: new Map(), byName: new Map() };
  for (const b of rows) {
    found.byId.set(b.id.toLowerCase(), b);
    if (b.catalogueKey) found.byKey.set(b.catalogueKey.toLowerCase(), b);
    const name = badgeNameKey(b.name);
    if (!found.byName.has(name)) found.byName.set(name, b);
  }
  return found;
}

function lookUp(found: Index, cell: string): BadgeClassRow | undefined {
  const text = cell.trim();
  if (!text) return undefined;
  return found.byId.get(text.toLowerCase()) ?? found.byKey.get(text.toLowerCase()) ?? found.byName.get(badgeNameKey(text));
}

const LIMITS = { email: 320, firstName: 100, lastName: 100, badge: 300, evidence: 2000, link: 2000, expires: 40 } as const;

export type RowError = AwardImportRow['errors'][number];

/** The problems of one row, without the duplicates (see checkRows). Codes are translated when shown. */
export function checkRowValues(values: Record<string, string>, badges: BadgeLookup, now: Date): RowError[] {
  const errors: RowError[] = [];
  const v = (f: ImportField) => values[f] ?? '';
  for (const field of IMPORT_FIELDS) {
    const value = v(field);
    if (REQUIRED_FIELDS.includes(field) && !value.trim()) {
      errors.push({ column: field, message: 'required' });
    } else if (value.length > LIMITS[field]) {
      errors.push({ column: field, message: `too_long:${LIMITS[field]}` });
    } else if (!(field === 'evidence' ? isPlainText : isPlainLine)(value)) {
      errors.push({ column: field, message: 'control_characters' });
    } else if (value.trim()) {
      if (field === 'email' && !emailSchema.safeParse(value).success) errors.push({ column: field, message: 'email' });
      if (field === 'link' && !httpUrl.safeParse(value).success) errors.push({ column: field, message: 'url' });
      if (field === 'badge') {
        if (!badges.find(value)) errors.push({ column: field, message: badges.problem(value) });
      }
      if (field === 'expires') {
        // The same rule as the single-award form and the API: the end of that day in Paris, today or later.
        const expiry = expiryOfDay(value, now);
        if ('refusal' in expiry) errors.push({ column: field, message: expiry.refusal === 'expires_format' ? 'date' : 'date_past' });
      }
    }
  }
  return errors;
}

/**
 * Checks every row again (after an upload, a correction, a row dropped):
 * each row's own problems, then the same person given the same badge twice
 * in the file, reported on the later line.
 */
export function checkRows(rows: AwardImportRow[], badges: BadgeLookup, now: Date): AwardImportRow[] {
  const firstLine = new Map<string, number>();
  return rows.map((row) => {
    const errors = checkRowValues(row.values, badges, now);
    if (!row.dropped && errors.length === 0) {
      const key = `${normaliseEmail(row.values.email ?? '')}\n${badges.find(row.values.badge ?? '')!.id}`;
      const first = firstLine.get(key);
      if (first !== undefined) errors.push({ column: 'badge', message: `duplicate:${first}` });
      else firstLine.set(key, row.line);
    }
    return { line: row.line, values: storable(row.values), errors, ...(row.dropped ? { dropped: true } : {}) };
  });
}

/**
 * A row's values as the preview keeps them (jsonb, which cannot hold a NUL):
 * a NUL becomes U+FFFD, itself a refused character, so the row stays refused
 * and the preview shows where the character was.
 */
function storable(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([field, value]) => [field, value.replaceAll('\u0000', '\ufffd')]));
}

/** The per-row idempotency key: the same row of the same file is awarded once, however often it is sent. */
export function rowIdempotencyKey(fileSha256: string, values: Record<string, string>): string {
  const content = JSON.stringify([
    normaliseEmail(values.email ?? ''),
    ...IMPORT_FIELDS.filter((f) => f !== 'email').map((f) => (values[f] ?? '').trim()),
  ]);
  return `csv:${createHash('sha256').update(`${fileSha256}\n${content}`).digest('hex')}`;
}
