import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { DomainError } from '../errors.ts';

/**
 * Reading an uploaded CSV of awards: its bytes decoded (UTF-8 or
 * Windows-1252), its delimiter found, its header mapped to the import's
 * fields, and its rows with the line a spreadsheet shows. A file unusable as a
 * whole is refused with an ImportFileError; the rows are checked elsewhere
 * (row-checks.ts).
 */
/** Larger files are refused before they are read (the upload route enforces it too). */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
/** 10,000 rows is a normal file; twice that is still accepted. */
export const MAX_IMPORT_ROWS = 20_000;

export type ImportField = 'email' | 'firstName' | 'lastName' | 'badge' | 'evidence' | 'link' | 'expires';
export const IMPORT_FIELDS: readonly ImportField[] = ['email', 'firstName', 'lastName', 'badge', 'evidence', 'link', 'expires'];
export const REQUIRED_FIELDS: readonly ImportField[] = ['email', 'firstName', 'lastName', 'badge'];

/**
 * Header names people write, once lower-cased, stripped of accents and of
 * everything but letters and digits ("Adresse e-mail" → "adresseemail").
 */
const HEADER_ALIASES: Readonly<Record<ImportField, readonly string[]>> = {
  email: ['email', 'mail', 'courriel', 'adresseemail', 'adressemail', 'adressecourriel', 'adresseelectronique', 'emailaddress'],
  firstName: ['prenom', 'prenoms', 'firstname', 'givenname'],
  lastName: ['nom', 'nomdefamille', 'nomdusage', 'lastname', 'familyname', 'surname'],
  badge: ['badge', 'badges', 'nomdubadge', 'cledubadge', 'identifiantdubadge', 'badgename', 'badgekey', 'badgeid', 'badgeclass'],
  evidence: ['preuve', 'preuves', 'descriptiondelapreuve', 'evidence', 'evidencenarrative'],
  link: ['lien', 'liendelapreuve', 'lienpreuve', 'link', 'url', 'evidenceurl', 'evidencelink'],
  expires: ['expiration', 'dateexpiration', 'datedexpiration', 'expirele', 'expires', 'expiry', 'expirationdate', 'expireson'],
};

/** What is wrong with the file as a whole: nothing is stored. */
export const IMPORT_FILE_REFUSALS = [
  'empty',
  'too_large',
  'spreadsheet',
  'malformed',
  'missing_columns',
  'duplicate_column',
  'no_rows',
  'too_many_rows',
] as const;
export type ImportFileProblem = (typeof IMPORT_FILE_REFUSALS)[number];

/** A refusal like any other, about the form's `file` field: worded by `error.import.<code>`; too large is 413, anything else 422. */
export class ImportFileError extends DomainError<ImportFileProblem> {
  constructor(code: ImportFileProblem, params: Record<string, string | number> = {}) {
    super(code, code === 'too_large' ? 413 : 422, params, { field: 'file', messageKey: `error.import.${code}` });
    this.name = 'ImportFileError';
  }
}

export interface DecodedFile {
  text: string;
  encoding: 'utf-8' | 'utf-8-bom' | 'windows-1252';
}

/**
 * UTF-8 (with or without the BOM Excel writes) or, when the bytes are not
 * valid UTF-8, Windows-1252: what French spreadsheets save as "CSV".
 */
export function decodeCsv(bytes: Uint8Array): DecodedFile {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8-bom' };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(Buffer.from(bytes), 'win1252'), encoding: 'windows-1252' };
  }
}

/** ';' (French Excel) or ',': whichever the header line has more of, outside quotes. */
export function detectDelimiter(text: string): ';' | ',' {
  let semicolons = 0;
  let commas = 0;
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === '\n') break;
    else if (!quoted && char === ';') semicolons++;
    else if (!quoted && char === ',') commas++;
  }
  return commas > semicolons ? ',' : ';';
}

/** Lower case, no accents, typographic apostrophes and spaces made plain, spaces collapsed. */
function normaliseLabel(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[’‘`]/g, "'").replace(/\s+/gu, ' ').trim();
}

const headerKey = (text: string) => normaliseLabel(text).replace(/[^a-z0-9]/g, '');

export function mapHeader(header: string[]): { columns: (ImportField | null)[]; ignored: string[] } {
  const columns: (ImportField | null)[] = [];
  const seen = new Set<ImportField>();
  const ignored: string[] = [];
  for (const name of header) {
    const key = headerKey(name);
    const field = (IMPORT_FIELDS.find((f) => HEADER_ALIASES[f].includes(key)) ?? null) as ImportField | null;
    if (field && seen.has(field)) throw new ImportFileError('duplicate_column', { column: name.slice(0, 100) });
    if (field) seen.add(field);
    else if (name.trim()) ignored.push(name.trim().slice(0, 100));
    columns.push(field);
  }
  const missing = REQUIRED_FIELDS.filter((f) => !seen.has(f));
  if (missing.length) throw new ImportFileError('missing_columns', { columns: missing.join(', ') });
  return { columns, ignored };
}

export interface ParsedFile {
  encoding: DecodedFile['encoding'];
  delimiter: ';' | ',';
  rows: { line: number; values: Record<ImportField, string> }[];
  ignoredColumns: string[];
}

/** Bytes → rows with their line in the file (the header is line 1). Problems with the file as a whole throw. */
export function parseAwardCsv(bytes: Uint8Array): ParsedFile {
  if (bytes.length === 0) throw new ImportFileError('empty');
  if (bytes.length > MAX_IMPORT_BYTES) throw new ImportFileError('too_large', { maxMb: MAX_IMPORT_BYTES / 1024 / 1024 });
  // An .xlsx (a zip) or an old .xls saved without "CSV".
  if ((bytes[0] === 0x50 && bytes[1] === 0x4b) || (bytes[0] === 0xd0 && bytes[1] === 0xcf)) {
    throw new ImportFileError('spreadsheet');
  }
  const decoded = decodeCsv(bytes);
  // One kind of line break, so that line numbers are those a spreadsheet shows.
  const text = decoded.text.replace(/\r\n?/g, '\n');
  if (!text.trim()) throw new ImportFileError('empty');
  const delimiter = detectDelimiter(text);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    const line = Number((error as { lines?: number }).lines) || 0;
    throw new ImportFileError('malformed', { line });
  }
  const [head, ...body] = records;
  if (!head) throw new ImportFileError('empty');
  const { columns, ignored } = mapHeader(head.record);
  const rows: ParsedFile['rows'] = [];
  for (const { record, info } of body) {
    if (record.every((v) => v === '')) continue;
    if (rows.length >= MAX_IMPORT_ROWS) throw new ImportFileError('too_many_rows', { max: MAX_IMPORT_ROWS });
    const values = Object.fromEntries(IMPORT_FIELDS.map((f) => [f, ''])) as Record<ImportField, string>;
    record.forEach((value, i) => {
      const field = columns[i];
      if (field) values[field] = value;
    });
    // info.lines is the record's last line: a quoted field may span several.
    const spanned = record.reduce((n, v) => n + (v.match(/\n/g)?.length ?? 0), 0);
    rows.push({ line: info.lines - spanned, values });
  }
  if (rows.length === 0) throw new ImportFileError('no_rows');
  return { encoding: decoded.encoding, delimiter, rows, ignoredColumns: ignored };
}
