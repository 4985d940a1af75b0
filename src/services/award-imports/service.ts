// One file because an import is one life (upload, preview, corrections, confirmation, the run) over one row of award_imports.
import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import type { Database } from '../../db/database.ts';
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
  renewAwardImportClaim,
  requeueAwardImport,
  setAwardImportRows,
} from '../../db/repositories/award-imports.ts';
import { findIdempotentAwards } from '../../db/repositories/assertions.ts';
import { findBadgeClassOfStructure, listArchivedBadgeClasses, listLiveBadgeClasses } from '../../db/repositories/badge-classes.ts';
import type { AwardImportRow, EvidenceRecord } from '../../db/schema.ts';
import { type Actor, type AuditAction, recordAudit } from '../audit.ts';
import type { AwardingService, BulkAwardItem } from '../awarding.ts';
import { CLAIM_LEASE_MS, Heartbeat } from '../background/heartbeat.ts';
import { spreadsheetCsv } from '../csv-writer.ts';
import { DomainError, notFound } from '../errors.ts';
import { isUuid } from '../ids.ts';
import { endOfProgrammeDay, parseCalendarDay } from '../rules/expiry-date.ts';
import { IMPORT_FIELDS, type ImportField, parseAwardCsv } from './csv-file.ts';
import { BadgeLookup, checkRows, checkRowValues, type RowError, rowIdempotencyKey } from './row-checks.ts';
import { DuplicateAward } from '../rules/duplicate-award.ts';
import { GeneralBadgeRefusal } from '../rules/general-badge.ts';

/** Rows per call to awardMany: each batch is signed, stored and reported before the next. */
export const IMPORT_BATCH = 500;

/**
 * The CSV import's use cases: upload a file as a preview, page through it,
 * drop, restore or correct a row, confirm it, and the result file. The
 * awarding of a confirmed import (runNext) is here too, since it shares the
 * import's state; the background loop that calls it is runner.ts.
 */

export interface ImportCounts {
  total: number;
  valid: number;
  errors: number;
  dropped: number;
  /** Among the valid ones: a badge the person already holds, valid, from this structure (the confirmation asks what to do). */
  held: number;
}

export function countRows(rows: AwardImportRow[]): ImportCounts {
  let valid = 0;
  let errors = 0;
  let dropped = 0;
  let held = 0;
  for (const r of rows) {
    if (r.dropped) dropped++;
    else if (r.errors.length) errors++;
    else {
      valid++;
      if (r.alreadyHeld) held++;
    }
  }
  return { total: rows.length, valid, errors, dropped, held };
}

export type RowOutcome = 'awarded' | 'replayed' | 'failed';
export const rowOutcome = (row: AwardImportRow): RowOutcome => (row.assertionId ? (row.replayed ? 'replayed' : 'awarded') : 'failed');

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
    return new BadgeLookup(await listLiveBadgeClasses(this.db, structureId), await listArchivedBadgeClasses(this.db, structureId));
  }

  /** Reads, checks and stores an uploaded file as a preview. ImportFileError when the file itself is unusable. */
  async upload(
    input: { structureId: string; userId: string; fileName: string; bytes: Uint8Array; personalMessage?: string | null },
    actor: Actor,
  ): Promise<AwardImportSummary> {
    const parsed = parseAwardCsv(input.bytes);
    const badges = await this.lookup(input.structureId);
    const fileSha256 = createHash('sha256').update(input.bytes).digest('hex');
    const rows = await this.programmeChecks(
      input.structureId,
      checkRows(
        parsed.rows.map((r) => ({ line: r.line, values: r.values, errors: [] })),
        badges,
        this.now(),
      ),
      badges,
      fileSha256,
    );
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

  /**
   * The programme's rules on the rows that are otherwise right: a general
   * badge the person cannot receive is a problem of the row; a badge the
   * person already holds, valid, from this structure is flagged, and the
   * confirmation asks what to do with those rows.
   */
  private async programmeChecks(
    structureId: string,
    rows: AwardImportRow[],
    badges: BadgeLookup,
    fileSha256: string,
    db: Database = this.db,
  ): Promise<AwardImportRow[]> {
    const candidates = rows.flatMap((row, index) => {
      const badgeClass = !row.dropped && !row.errors.length ? badges.find(row.values.badge ?? '') : undefined;
      return badgeClass ? [{ index, email: row.values.email ?? '', badgeClass, key: rowIdempotencyKey(fileSha256, row.values) }] : [];
    });
    if (!candidates.length) return rows;
    // A row of the same file sent before answers with its first award (a replay): not a second award to confirm.
    const sent = new Set(
      (
        await findIdempotentAwards(
          db,
          structureId,
          candidates.map((c) => c.key),
        )
      ).map((p) => p.key),
    );
    const refusals = await this.awarding.ruleRefusals(structureId, candidates, db);
    candidates.forEach(({ index }, i) => {
      const refusal = refusals[i];
      const row = rows[index]!;
      if (refusal instanceof DuplicateAward) {
        if (!sent.has(candidates[i]!.key)) row.alreadyHeld = refusal.held.issuedOn.toISOString();
      } else if (refusal instanceof GeneralBadgeRefusal) {
        const p = refusal.params;
        row.errors.push({
          column: 'badge',
          message: refusal.code === 'not_eligible' ? `general_not_eligible:${p.held}|${p.needed}|${p.missing}` : 'general_held_elsewhere',
        });
      }
    });
    return rows;
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
    audit: { action: AuditAction; actor: Actor },
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
      const checked = await this.programmeChecks(structureId, checkRows(rows, badges, this.now()), badges, record.fileSha256, tx);
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
   * can be awarded, and, when rows give a badge the person already holds
   * (alreadyHeld), without the choice of what to do with them.
   */
  async confirm(structureId: string, id: string, actor: Actor, duplicates?: 'award' | 'skip'): Promise<{ queued: boolean }> {
    const record = await this.get(structureId, id);
    if (record.status !== 'preview') return { queued: false };
    const counts = countRows(record.rows);
    if (counts.valid === 0) throw new DomainError('validation_failed', 422);
    if (counts.held > 0 && !duplicates) throw new DomainError('validation_failed', 422, {}, { field: 'duplicates' });
    const queued = await this.db.transaction(async (tx) => {
      const locked = await lockAwardImportOfStructure(tx, structureId, id);
      if (!locked || locked.status !== 'preview') return false;
      if (countRows(locked.rows).held > 0) {
        if (!duplicates) throw new DomainError('validation_failed', 422, {}, { field: 'duplicates' });
        await setAwardImportRows(
          tx,
          id,
          locked.rows.map((r) => (r.alreadyHeld ? { ...r, duplicateChoice: duplicates } : r)),
        );
      }
      if (!(await queueAwardImport(tx, structureId, id))) return false;
      await recordAudit(tx, actor, {
        at: this.now(),
        structureId,
        action: 'award_import.confirmed',
        targetType: 'award_import',
        targetId: id,
        details: { ...countRows(record.rows), ...(counts.held ? { duplicates } : {}) } as unknown as Record<string, unknown>,
      });
      return true;
    });
    if (queued) this.onQueued();
    return { queued };
  }

  /**
   * The name of the badge each row names (by line), for the preview, the
   * result and the result file: a row corrected on the form holds the badge's
   * id, which means nothing to a person. A cell that names no badge is shown
   * as written; an id of a badge archived since is still named.
   */
  async badgeNames(record: AwardImportRecord): Promise<Map<number, string>> {
    const live = await this.lookup(record.structureId);
    const names = new Map<number, string>();
    const archived = new Map<string, string | undefined>();
    for (const row of record.rows) {
      const cell = row.values.badge ?? '';
      let name = live.find(cell)?.name;
      const id = cell.trim().toLowerCase();
      if (name === undefined && isUuid(id)) {
        if (!archived.has(id)) archived.set(id, (await findBadgeClassOfStructure(this.db, record.structureId, id))?.name);
        name = archived.get(id);
      }
      names.set(row.line, name ?? cell);
    }
    return names;
  }

  /** The result as a CSV for French Excel: UTF-8 with a BOM, ';' separated. */
  resultCsv(
    record: AwardImportRecord,
    labels: {
      header: string[];
      /** The badge as people read it (badgeNames); the cell as written without it. */
      badge?: (row: AwardImportRow) => string;
      outcome: (row: AwardImportRow) => string;
      reason: (row: AwardImportRow) => string;
      url: (assertionId: string) => string;
    },
  ): string {
    const lines = record.rows.map((r) => [
      String(r.line),
      ...IMPORT_FIELDS.map((f) => (f === 'badge' && labels.badge ? labels.badge(r) : (r.values[f] ?? ''))),
      labels.outcome(r),
      labels.reason(r),
      r.assertionId ? labels.url(r.assertionId) : '',
    ]);
    return spreadsheetCsv([labels.header, ...lines]);
  }

  // -------------------------------------------------------------------------
  // Awarding (the runner)

  /**
   * Claims one queued import (or one whose runner stopped beating) and awards
   * it; false when there was none. While it runs, a heartbeat renews the
   * claim's short lease, so that if this process dies another runner takes
   * the import over within CLAIM_LEASE_MS; a run that finds its claim taken
   * over stops between two batches and writes nothing more.
   */
  async runNext(shouldStop: () => boolean = () => false): Promise<boolean> {
    // Imports interrupted while the database was away go back to the queue
    // first, instead of waiting for their lease to lapse.
    for (const [id, claimedBy] of [...this.interrupted]) {
      await requeueAwardImport(this.db, id, claimedBy);
      this.interrupted.delete(id);
    }
    const claimedBy = randomUUID();
    const lease = () => new Date(this.now().getTime() + CLAIM_LEASE_MS);
    const record = await claimQueuedAwardImport(this.db, { now: this.now(), claimedBy, claimedUntil: lease() });
    if (!record) return false;
    const heartbeat = new Heartbeat(() => renewAwardImportClaim(this.db, record.id, { claimedBy, claimedUntil: lease() }));
    try {
      await this.run(record, { claimedBy, lease }, () => shouldStop() || heartbeat.lost);
    } catch (error) {
      // Hand it back at once; the keys make the retry safe. If the database
      // cannot be told now (it is restarting), the next round tells it.
      await requeueAwardImport(this.db, record.id, claimedBy).catch(() => this.interrupted.set(record.id, claimedBy));
      throw error;
    } finally {
      await heartbeat.stop();
    }
    return true;
  }

  /** Import id → the claim of the run the database could not be told had stopped. */
  private readonly interrupted = new Map<string, string>();

  private async run(record: AwardImportRecord, claim: { claimedBy: string; lease: () => Date }, shouldStop: () => boolean): Promise<void> {
    const badges = await this.lookup(record.structureId);
    const actor: Actor = { kind: 'user', userId: record.createdByUserId };
    const rows = record.rows.map((r) => ({ ...r }));
    let failed = 0;
    const pending: number[] = [];
    rows.forEach((row, index) => {
      delete row.failure;
      if (row.dropped) row.failure = 'dropped';
      else if (row.errors.length) row.failure = 'row_errors';
      else if (row.alreadyHeld && row.duplicateChoice !== 'award' && !row.assertionId) row.failure = 'duplicate_skipped';
      else if (!row.assertionId) pending.push(index);
      if (row.failure) failed++;
    });
    let awarded = rows.filter((r) => r.assertionId).length;
    const message = record.personalMessage ? { message: record.personalMessage } : {};

    for (let start = 0; start < pending.length; start += IMPORT_BATCH) {
      if (shouldStop()) {
        await requeueAwardImport(this.db, record.id, claim.claimedBy);
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
          ...(row.duplicateChoice === 'award' ? { allowDuplicate: true } : {}),
          ...message,
        };
        batch.push({ index, item });
      }
      const outcomes = batch.length
        ? await this.awarding.awardMany(
            record.structureId,
            batch.map((b) => b.item),
            actor,
          )
        : [];
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
      // Taken over by another runner (this one was cut off longer than the lease): it carries on, this one stops.
      if (!(await recordImportProgress(this.db, record.id, { awarded, failed, claimedBy: claim.claimedBy, claimedUntil: claim.lease() })))
        return;
    }
    await this.db.transaction(async (tx) => {
      const now = this.now();
      if (!(await finishAwardImport(tx, record.id, { rows, awarded, failed, now, claimedBy: claim.claimedBy }))) return;
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
