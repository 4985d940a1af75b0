import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import iconv from 'iconv-lite';
import type { Database } from '../db/database.ts';
import {
  type AwardImportRecord,
  type AwardImportSummary,
  claimQueuedAwardImport,
  countPendingAwardImports,
  findAwardImport,
  findAwardImportSummary,
  findSentImportsOfFile,
  finishAwardImport,
  insertAwardImport,
  listRecentAwardImports,
  lockAwardImportOfStructure,
  queueAwardImport,
  recordImportProgress,
  requeueAwardImport,
  setAwardImportRows,
} from '../db/repositories/award-imports.ts';
import { type BadgeClassRow, listLiveBadgeClasses } from '../db/repositories/badge-classes.ts';
import type { AwardImportRow, EvidenceRecord } from '../db/schema.ts';
import { normaliseEmail } from '../openbadges/index.ts';
import { type Actor, recordAudit } from './audit.ts';
import type { AwardingService, BulkAwardItem } from './awarding.ts';
import { Poller } from './background/poller.ts';
import { DomainError, notFound } from './errors.ts';
import { email as emailSchema, httpUrl, isPlainLine, isPlainText } from './inputs.ts';
import { endOfProgrammeDay, expiryOfDay, parseCalendarDay } from './rules/expiry-date.ts';
import type { Clock } from '../clock.ts';

// ---------------------------------------------------------------------------
// Reading the file

/** Larger files are refused before they are read (the upload route enforces it too). */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
/** 10,000 rows is a normal file; twice that is still accepted. */
export const MAX_IMPORT_ROWS = 20_000;
/** Rows per call to awardMany: each batch is signed, stored and reported before the next. */
export const IMPORT_BATCH = 500;

export type ImportField = 'email' | 'firstName' | 'lastName' | 'badge' | 'evidence' | 'link' | 'expires';
export const IMPORT_FIELDS: readonly ImportField[] = ['email', 'firstName', 'lastName', 'badge', 'evidence', 'link', 'expires'];
const REQUIRED_FIELDS: readonly ImportField[] = ['email', 'firstName', 'lastName', 'badge'];

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
export type ImportFileProblem =
  | 'empty'
  | 'too_large'
  | 'spreadsheet'
  | 'malformed'
  | 'missing_columns'
  | 'duplicate_column'
  | 'no_rows'
  | 'too_many_rows';

export class ImportFileError extends Error {
  constructor(
    readonly problem: ImportFileProblem,
    readonly params: Record<string, string | number> = {},
  ) {
    super(problem);
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
export function normaliseLabel(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[’‘`]/g, "'")
    .replace(/\s+/gu, ' ')
    .trim();
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
  if (bytes.length > MAX_IMPORT_BYTES) throw new ImportFileError('too_large');
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

// ---------------------------------------------------------------------------
// Checking the rows

/**
 * The badge a cell names: the id of one of the structure's live badge
 * classes, a catalogue key ('organiser-je-maitrise'), or a name, whatever its
 * accents, case or spaces.
 */
export class BadgeLookup {
  private readonly byId = new Map<string, BadgeClassRow>();
  private readonly byKey = new Map<string, BadgeClassRow>();
  private readonly byName = new Map<string, BadgeClassRow>();

  constructor(readonly badgeClasses: readonly BadgeClassRow[]) {
    for (const b of badgeClasses) {
      this.byId.set(b.id.toLowerCase(), b);
      if (b.catalogueKey) this.byKey.set(b.catalogueKey.toLowerCase(), b);
      if (!this.byName.has(normaliseLabel(b.name))) this.byName.set(normaliseLabel(b.name), b);
    }
  }

  find(cell: string): BadgeClassRow | undefined {
    const text = cell.trim();
    if (!text) return undefined;
    return this.byId.get(text.toLowerCase()) ?? this.byKey.get(text.toLowerCase()) ?? this.byName.get(normaliseLabel(text));
  }
}

const LIMITS = { email: 320, firstName: 100, lastName: 100, badge: 300, evidence: 2000, link: 2000, expires: 40 } as const;

type RowError = AwardImportRow['errors'][number];

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
        const badge = badges.find(value);
        if (!badge) errors.push({ column: field, message: 'badge_unknown' });
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

// ---------------------------------------------------------------------------
// The use cases

export interface ImportCounts {
  total: number;
  valid: number;
  errors: number;
  dropped: number;
}

export function countRows(rows: AwardImportRow[]): ImportCounts {
  let valid = 0;
  let errors = 0;
  let dropped = 0;
  for (const r of rows) {
    if (r.dropped) dropped++;
    else if (r.errors.length) errors++;
    else valid++;
  }
  return { total: rows.length, valid, errors, dropped };
}

export type RowOutcome = 'awarded' | 'replayed' | 'failed';
export const rowOutcome = (row: AwardImportRow): RowOutcome =>
  row.assertionId ? (row.replayed ? 'replayed' : 'awarded') : 'failed';

export const PAGE_SIZE = 100;

export class AwardImportService {
  /** Called after a confirmation so that this process starts at once (set by the runner). */
  onQueued: () => void = () => {};

  constructor(
    private readonly db: Database,
    private readonly awarding: AwardingService,
    private readonly now: Clock,
  ) {}

  private async lookup(structureId: string): Promise<BadgeLookup> {
    return new BadgeLookup(await listLiveBadgeClasses(this.db, structureId));
  }

  /** Reads, checks and stores an uploaded file as a preview. ImportFileError when the file itself is unusable. */
  async upload(
    input: { structureId: string; userId: string; fileName: string; bytes: Uint8Array; personalMessage?: string | null },
    actor: Actor,
  ): Promise<AwardImportSummary> {
    const parsed = parseAwardCsv(input.bytes);
    const badges = await this.lookup(input.structureId);
    const rows = checkRows(
      parsed.rows.map((r) => ({ line: r.line, values: r.values, errors: [] })),
      badges,
      this.now(),
    );
    const fileSha256 = createHash('sha256').update(input.bytes).digest('hex');
    return this.db.transaction(async (tx) => {
      const created = await insertAwardImport(tx, {
        createdAt: this.now(),
        structureId: input.structureId,
        createdByUserId: input.userId,
        fileName: input.fileName.slice(0, 200),
        fileSha256,
        encoding: parsed.encoding,
        delimiter: parsed.delimiter,
        status: 'preview',
        rows,
        total: rows.length,
        personalMessage: input.personalMessage?.trim() || null,
      });
      await recordAudit(tx, actor, {
        at: this.now(),
        structureId: input.structureId,
        action: 'award_import.created',
        targetType: 'award_import',
        targetId: created.id,
        details: { fileName: created.fileName, rows: rows.length, encoding: parsed.encoding, delimiter: parsed.delimiter },
      });
      return created;
    });
  }

  async get(structureId: string, id: string): Promise<AwardImportRecord> {
    const record = await findAwardImport(this.db, structureId, id);
    if (!record) throw notFound();
    return record;
  }

  async summary(structureId: string, id: string): Promise<AwardImportSummary> {
    const record = await findAwardImportSummary(this.db, structureId, id);
    if (!record) throw notFound();
    return record;
  }

  recent(structureId: string, limit = 10): Promise<AwardImportSummary[]> {
    return listRecentAwardImports(this.db, structureId, limit);
  }

  /** Earlier imports of the same bytes: the preview says that those rows will not be awarded twice. */
  sameFileSent(record: AwardImportSummary): Promise<AwardImportSummary[]> {
    return findSentImportsOfFile(this.db, record.structureId, record.fileSha256, record.id);
  }

  /** One page of a preview: rows with problems first, then the others, in file order. */
  previewPage(record: AwardImportRecord, page: number) {
    const withErrors = record.rows.filter((r) => !r.dropped && r.errors.length);
    const others = record.rows.filter((r) => r.dropped || !r.errors.length);
    const ordered = [...withErrors, ...others];
    return this.paginate(ordered, page);
  }

  /** One page of a result: rows not awarded first. */
  resultPage(record: AwardImportRecord, page: number) {
    const failed = record.rows.filter((r) => !r.assertionId);
    const awarded = record.rows.filter((r) => r.assertionId);
    return this.paginate([...failed, ...awarded], page);
  }

  private paginate(rows: AwardImportRow[], page: number) {
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    const current = Math.min(Math.max(1, page), pages);
    return { rows: rows.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE), page: current, pages };
  }

  /**
   * Changes one row of a preview (drop, restore, correct) and checks every
   * row again, under a lock on the import so that two people editing at once
   * do not undo each other. Returns the row's new problems.
   */
  private async editRow(
    structureId: string,
    id: string,
    line: number,
    change: (row: AwardImportRow) => AwardImportRow,
    audit: { action: string; actor: Actor },
  ): Promise<AwardImportRow> {
    const badges = await this.lookup(structureId);
    return this.db.transaction(async (tx) => {
      const record = await lockAwardImportOfStructure(tx, structureId, id);
      if (!record) throw notFound();
      if (record.status !== 'preview') throw new DomainError('validation_failed', 409);
      const index = record.rows.findIndex((r) => r.line === line);
      if (index < 0) throw notFound();
      const rows = [...record.rows];
      rows[index] = change(rows[index]!);
      const checked = checkRows(rows, badges, this.now());
      await setAwardImportRows(tx, id, checked);
      await recordAudit(tx, audit.actor, {
        at: this.now(),
        structureId,
        action: audit.action,
        targetType: 'award_import',
        targetId: id,
        details: { line },
      });
      return checked[index]!;
    });
  }

  dropRow(structureId: string, id: string, line: number, actor: Actor): Promise<AwardImportRow> {
    return this.editRow(structureId, id, line, (row) => ({ ...row, dropped: true }), {
      action: 'award_import.row_dropped',
      actor,
    });
  }

  restoreRow(structureId: string, id: string, line: number, actor: Actor): Promise<AwardImportRow> {
    return this.editRow(structureId, id, line, ({ dropped: _dropped, ...row }) => row, {
      action: 'award_import.row_restored',
      actor,
    });
  }

  /** The row's problems with the given values, without saving anything (the correction form's check). */
  async checkCorrection(structureId: string, values: Record<ImportField, string>): Promise<RowError[]> {
    return checkRowValues(values, await this.lookup(structureId), this.now());
  }

  async correctRow(
    structureId: string,
    id: string,
    line: number,
    values: Record<ImportField, string>,
    actor: Actor,
  ): Promise<AwardImportRow> {
    const clean = Object.fromEntries(IMPORT_FIELDS.map((f) => [f, (values[f] ?? '').trim()]));
    return this.editRow(structureId, id, line, ({ dropped: _dropped, ...row }) => ({ ...row, values: clean }), {
      action: 'award_import.row_corrected',
      actor,
    });
  }

  /**
   * Sends the preview to awarding. Only the first confirmation counts; a
   * second one (double click, reload) changes nothing. Refused when no row
   * can be awarded.
   */
  async confirm(structureId: string, id: string, actor: Actor): Promise<{ queued: boolean }> {
    const record = await this.get(structureId, id);
    if (record.status !== 'preview') return { queued: false };
    if (countRows(record.rows).valid === 0) throw new DomainError('validation_failed', 422);
    const queued = await this.db.transaction(async (tx) => {
      if (!(await queueAwardImport(tx, structureId, id))) return false;
      await recordAudit(tx, actor, {
        at: this.now(),
        structureId,
        action: 'award_import.confirmed',
        targetType: 'award_import',
        targetId: id,
        details: countRows(record.rows) as unknown as Record<string, unknown>,
      });
      return true;
    });
    if (queued) this.onQueued();
    return { queued };
  }

  /** The result as a CSV for French Excel: UTF-8 with a BOM, ';' separated. */
  resultCsv(record: AwardImportRecord, labels: { header: string[]; outcome: (row: AwardImportRow) => string; reason: (row: AwardImportRow) => string; url: (assertionId: string) => string }): string {
    const lines = record.rows.map((r) => [
      String(r.line),
      ...IMPORT_FIELDS.map((f) => csvSafe(r.values[f] ?? '')),
      labels.outcome(r),
      labels.reason(r),
      r.assertionId ? labels.url(r.assertionId) : '',
    ]);
    return `\ufeff${stringify([labels.header, ...lines], { delimiter: ';', record_delimiter: '\r\n' })}`;
  }

  // -------------------------------------------------------------------------
  // Awarding (the runner)

  /** Claims one queued import and awards it; false when there was none. */
  async runNext(shouldStop: () => boolean = () => false): Promise<boolean> {
    // Imports interrupted while the database was away go back to the queue
    // first, instead of waiting STALE_AFTER_MS for another instance to notice.
    for (const id of [...this.interrupted]) {
      await requeueAwardImport(this.db, id);
      this.interrupted.delete(id);
    }
    const record = await claimQueuedAwardImport(this.db, { now: this.now(), staleAfterMs: STALE_AFTER_MS });
    if (!record) return false;
    try {
      await this.run(record, shouldStop);
    } catch (error) {
      // Hand it back at once; the keys make the retry safe. If the database
      // cannot be told now (it is restarting), the next round tells it.
      await requeueAwardImport(this.db, record.id).catch(() => this.interrupted.add(record.id));
      throw error;
    }
    return true;
  }

  private readonly interrupted = new Set<string>();

  private async run(record: AwardImportRecord, shouldStop: () => boolean): Promise<void> {
    const badges = await this.lookup(record.structureId);
    const actor: Actor = { kind: 'user', userId: record.createdByUserId };
    const rows = record.rows.map((r) => ({ ...r }));
    let failed = 0;
    const pending: number[] = [];
    rows.forEach((row, index) => {
      delete row.failure;
      if (row.dropped) row.failure = 'dropped';
      else if (row.errors.length) row.failure = 'row_errors';
      else if (!row.assertionId) pending.push(index);
      if (row.failure) failed++;
    });
    let awarded = rows.filter((r) => r.assertionId).length;
    const message = record.personalMessage ? { message: record.personalMessage } : {};

    for (let start = 0; start < pending.length; start += IMPORT_BATCH) {
      if (shouldStop()) {
        await requeueAwardImport(this.db, record.id);
        return;
      }
      const batch: { index: number; item: BulkAwardItem }[] = [];
      for (const index of pending.slice(start, start + IMPORT_BATCH)) {
        const row = rows[index]!;
        const badge = badges.find(row.values.badge ?? '');
        if (!badge) {
          row.failure = 'badge_class_not_found';
          failed++;
          continue;
        }
        const evidence: EvidenceRecord[] =
          row.values.evidence || row.values.link
            ? [{ ...(row.values.evidence ? { narrative: row.values.evidence } : {}), ...(row.values.link ? { url: row.values.link } : {}) }]
            : [];
        // Checked when previewed; a day over since then is refused by the award itself (expires_before_issue).
        const day = row.values.expires ? parseCalendarDay(row.values.expires) : null;
        const expires = day ? endOfProgrammeDay(day) : null;
        const item = {
          badgeClassId: badge.id,
          recipient: { email: row.values.email ?? '', name: `${row.values.firstName ?? ''} ${row.values.lastName ?? ''}`.trim() },
          evidence,
          ...(expires ? { expires } : {}),
          idempotencyKey: rowIdempotencyKey(record.fileSha256, row.values),
          ...message,
        };
        batch.push({ index, item });
      }
      const outcomes = batch.length ? await this.awarding.awardMany(record.structureId, batch.map((b) => b.item), actor) : [];
      outcomes.forEach((outcome, i) => {
        const row = rows[batch[i]!.index]!;
        if (outcome.status === 'refused') {
          row.failure = outcome.error.code;
          failed++;
        } else {
          row.assertionId = outcome.assertion.id;
          if (outcome.status === 'replayed') row.replayed = true;
          else delete row.replayed;
          awarded++;
        }
      });
      await recordImportProgress(this.db, record.id, { awarded, failed, now: this.now() });
    }
    await this.db.transaction(async (tx) => {
      const now = this.now();
      await finishAwardImport(tx, record.id, { rows, awarded, failed, now });
      await recordAudit(tx, actor, {
        at: now,
        structureId: record.structureId,
        action: 'award_import.finished',
        targetType: 'award_import',
        targetId: record.id,
        details: { awarded, failed, replayed: rows.filter((r) => r.replayed).length },
      });
    });
  }

  /** Imports waiting or running, for the runner's tests and the operators. */
  async pendingCount(): Promise<number> {
    return countPendingAwardImports(this.db);
  }
}

/** A formula in a cell would run when the result file is opened in a spreadsheet. */
function csvSafe(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** A 'running' import whose runner gave no news for this long is taken over (its instance died). */
export const STALE_AFTER_MS = 10 * 60_000;

/**
 * Awards the confirmed imports in the background, in this process: polls
 * for queued imports (the Poller's loop), claims one at a time (safe with
 * several instances), and stops between two batches when the platform closes.
 */
export class AwardImportRunner {
  private readonly poller: Poller;

  constructor(
    private readonly imports: AwardImportService,
    options: { intervalMs?: number; onError?: (error: unknown) => void } = {},
  ) {
    this.poller = new Poller({
      name: 'Award import runner',
      warningType: 'InsigneImportWarning',
      intervalMs: options.intervalMs ?? 1000,
      round: (stopping) => this.imports.runNext(stopping),
      onError: options.onError,
    });
  }

  start(): void {
    this.imports.onQueued = () => this.kick();
    this.poller.start();
  }

  /** Look now rather than at the next tick. */
  kick(): void {
    this.poller.wake();
  }

  stop(): Promise<void> {
    return this.poller.stop();
  }

  /** Awards every queued import, one after the other; resolves when none is left. */
  async drain(): Promise<void> {
    while (await this.imports.runNext(() => this.poller.stopping)) {
      // next one
    }
    // …and whatever the background loop had already taken.
    await this.poller.idle();
  }
}
