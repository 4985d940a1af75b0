import { count, eq } from 'drizzle-orm';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertions, auditEvents, awardImports } from '../../src/db/schema.ts';
import { ImportFileError, MAX_IMPORT_BYTES, parseAwardCsv } from '../../src/services/award-imports/csv-file.ts';
import { PAGE_SIZE } from '../../src/services/award-imports/service.ts';
import { DomainError } from '../../src/services/errors.ts';
import { seedStructure, startTestPlatform } from '../support/platform.ts';

/**
 * CSV awards through the real services on a real database: reading files as
 * spreadsheets write them, checking every row (errors by line and column),
 * a 10,000-row preview, and the background runner awarding a confirmed file
 * once — however often the file or the confirmation is sent.
 */
let ctx: Awaited<ReturnType<typeof startTestPlatform>>;
let seeded: Awaited<ReturnType<typeof seedStructure>>;
let userId: string;
const services = () => ctx.platform.services;
const db = () => ctx.platform.database.db;
const actor = () => ({ kind: 'user' as const, userId });

const utf8 = (text: string) => new TextEncoder().encode(text);
const withBom = (text: string) => new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(text)]);
const cp1252 = (text: string) => new Uint8Array(iconv.encode(text, 'win1252'));

const HEADER = 'email;prénom;nom;badge;preuve;lien;expiration';

async function countAssertions() {
  const [row] = await db().select({ n: count() }).from(assertions).where(eq(assertions.structureId, seeded.structure.id));
  return Number(row!.n);
}

async function upload(bytes: Uint8Array, fileName = 'promo.csv', personalMessage?: string) {
  return services().awardImports.upload({ structureId: seeded.structure.id, userId, fileName, bytes, personalMessage }, actor());
}

/** Waits for the platform's runner to award everything queued. */
async function drain() {
  await ctx.platform.awardImportRunner!.drain();
}

function fileError(bytes: Uint8Array): ImportFileError {
  try {
    parseAwardCsv(bytes);
  } catch (error) {
    if (error instanceof ImportFileError) return error;
    throw error;
  }
  throw new Error('no error');
}

beforeAll(async () => {
  ctx = await startTestPlatform();
  seeded = await seedStructure(ctx.platform.services);
  const user = await services().users.create(
    {
      email: 'conseillere@example.org',
      name: 'Claire Conseil',
      password: 'un mot de passe assez long',
      structureId: seeded.structure.id,
      role: 'advisor',
    },
    { kind: 'cli' },
  );
  userId = user.id;
});

afterAll(async () => {
  await ctx?.close();
});

describe('reading a file', () => {
  it('reads ";" and "," files, with or without a BOM, and names the encoding and separator', () => {
    const semicolon = parseAwardCsv(utf8(`${HEADER}\nana@example.org;Ana;Durand;organiser-je-pratique;;;\n`));
    expect(semicolon).toMatchObject({ encoding: 'utf-8', delimiter: ';' });
    expect(semicolon.rows).toEqual([
      {
        line: 2,
        values: {
          email: 'ana@example.org',
          firstName: 'Ana',
          lastName: 'Durand',
          badge: 'organiser-je-pratique',
          evidence: '',
          link: '',
          expires: '',
        },
      },
    ]);
    const comma = parseAwardCsv(
      withBom('Email,First name,Last name,Badge,Evidence\r\nbob@example.org,Bob,Martin,"Organiser, je pratique","Did it, well"\r\n'),
    );
    expect(comma).toMatchObject({ encoding: 'utf-8-bom', delimiter: ',' });
    expect(comma.rows[0]!.values).toMatchObject({
      email: 'bob@example.org',
      firstName: 'Bob',
      badge: 'Organiser, je pratique',
      evidence: 'Did it, well',
    });
  });

  it('reads Windows-1252 (what French Excel writes) and keeps the accents', () => {
    const parsed = parseAwardCsv(cp1252('Courriel;Prénom;Nom;Badge\r\nelodie@example.org;Élodie;Hébert;S’adapter — je maîtrise\r\n'));
    expect(parsed.encoding).toBe('windows-1252');
    expect(parsed.rows[0]!.values).toMatchObject({ firstName: 'Élodie', lastName: 'Hébert', badge: 'S’adapter — je maîtrise' });
  });

  it('tolerates accents, case and spaces in the headers, in French and in English', () => {
    const parsed = parseAwardCsv(
      utf8(' Adresse E-mail ; PRENOM;Nom de famille;Badge;Lien;Date d’expiration;Remarque\nx@example.org;X;Y;general;;;ignored\n'),
    );
    expect(parsed.rows[0]!.values).toMatchObject({ email: 'x@example.org', firstName: 'X', lastName: 'Y', badge: 'general' });
    expect(parsed.ignoredColumns).toEqual(['Remarque']);
  });

  it('keeps quoted fields with line breaks in one row, and counts lines as the spreadsheet does', () => {
    const parsed = parseAwardCsv(
      utf8(`${HEADER}\na@example.org;A;A;general;"ligne un\nligne deux\nligne trois";;\n\nb@example.org;B;B;general;;;\n`),
    );
    expect(parsed.rows.map((r) => r.line)).toEqual([2, 6]);
    expect(parsed.rows[0]!.values.evidence).toBe('ligne un\nligne deux\nligne trois');
  });

  it('refuses a file that cannot be a list of awards, saying why', () => {
    expect(fileError(utf8('')).code).toBe('empty');
    expect(fileError(utf8('email;nom\nx@example.org;X\n'))).toMatchObject({
      code: 'missing_columns',
      params: { columns: 'firstName, badge' },
    });
    expect(fileError(utf8(`${HEADER}\n`)).code).toBe('no_rows');
    expect(fileError(utf8('email;email;prénom;nom;badge\n')).code).toBe('duplicate_column');
    expect(fileError(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])).code).toBe('spreadsheet');
    expect(fileError(utf8(`${HEADER}\na@example.org;"A;A;general;;;\n`)).code).toBe('malformed');
  });

  it('refuses it as a refusal like any other: a code, its params and a 4xx status', () => {
    const missing = fileError(utf8('email;nom\nx@example.org;X\n'));
    expect(missing).toBeInstanceOf(DomainError);
    expect(missing.status).toBe(422);
    const tooLarge = fileError(new Uint8Array(MAX_IMPORT_BYTES + 1).fill(0x61));
    expect(tooLarge).toMatchObject({ code: 'too_large', status: 413 });
  });
});

describe('checking the rows', () => {
  it('names every problem by line and column, and stores nothing awarded', async () => {
    const before = await countAssertions();
    const csv = [
      HEADER,
      'ok@example.org;Oscar;Kay;organiser-je-pratique;A tenu le planning;https://exemple.fr/preuve;31/12/2099',
      'pas-une-adresse;Paul;Ar;organiser-je-pratique;;;',
      'c@example.org;;Cé;badge inconnu;;;',
      'd@example.org;Dé;Dé;organiser-je-pratique;;ftp://exemple.fr;32/13/2099',
      'e@example.org;E;E;communiquer-je-maitrise;;;01/01/2001',
      'ok@example.org;Oscar;Kay;Organiser — je pratique;;;',
      'f@example.org;F;F;ORGANISER-JE-PRATIQUE;;;2099-02-28',
    ].join('\n');
    const created = await upload(utf8(csv));
    expect(created.status).toBe('preview');
    const record = await services().awardImports.get(seeded.structure.id, created.id);
    const problems = record.rows.flatMap((r) => r.errors.map((e) => `${r.line}:${e.column}:${e.message}`));
    expect(problems).toEqual([
      '3:email:email',
      '4:firstName:required',
      '4:badge:badge_unknown',
      '5:link:url',
      '5:expires:date',
      '6:expires:date_past',
      '7:badge:duplicate:2',
    ]);
    const page = services().awardImports.previewPage(record, 1);
    expect(page.rows.map((r) => r.line)).toEqual([3, 4, 5, 6, 7, 2, 8]);
    expect(await countAssertions()).toBe(before);
  });

  it('previews a 10,000-row file, one page of 100 rows at a time', async () => {
    const lines = [HEADER];
    for (let i = 0; i < 10_000; i++) {
      lines.push(`apprenant.${i}@example.org;Prénom${i};Nom${i};organiser-je-pratique;Observé en atelier n°${i};;`);
    }
    lines[5001] = 'pas-une-adresse;X;Y;organiser-je-pratique;;;';
    const created = await upload(utf8(lines.join('\r\n')), 'dix-mille.csv');
    expect(created.total).toBe(10_000);
    const record = await services().awardImports.get(seeded.structure.id, created.id);
    const first = services().awardImports.previewPage(record, 1);
    expect(first.pages).toBe(100);
    expect(first.rows).toHaveLength(PAGE_SIZE);
    expect(first.rows[0]!.line).toBe(5002);
    expect(services().awardImports.previewPage(record, 100).rows.at(-1)!.line).toBe(10_001);
  });
});

describe('correcting, dropping, confirming, awarding', () => {
  const csv = (n: number, prefix: string) =>
    [HEADER, ...Array.from({ length: n }, (_, i) => `${prefix}.${i}@example.org;Élodie;Hébert${i};organiser-je-pratique;Atelier;;`)].join(
      '\r\n',
    );

  it('corrects a row and drops another, checking every row again', async () => {
    const text = `${csv(3, 'corr')}\r\nmauvais;M;M;inconnu;;;\r\ncorr.0@example.org;Élodie;Hébert0;organiser-je-pratique;Atelier;;`;
    const created = await upload(utf8(text));
    let record = await services().awardImports.get(seeded.structure.id, created.id);
    expect(record.rows.find((r) => r.line === 6)!.errors).toEqual([{ column: 'badge', message: 'duplicate:2' }]);

    const corrected = await services().awardImports.correctRow(
      seeded.structure.id,
      created.id,
      5,
      {
        email: 'bon@example.org',
        firstName: 'Bon',
        lastName: 'Nom',
        badge: 'communiquer-je-pratique',
        evidence: '',
        link: '',
        expires: '',
      },
      actor(),
    );
    expect(corrected.errors).toEqual([]);
    // Dropping the first of two duplicates clears the second's problem.
    await services().awardImports.dropRow(seeded.structure.id, created.id, 2, actor());
    record = await services().awardImports.get(seeded.structure.id, created.id);
    expect(record.rows.find((r) => r.line === 6)!.errors).toEqual([]);
    expect(record.rows.find((r) => r.line === 2)!.dropped).toBe(true);
    await services().awardImports.restoreRow(seeded.structure.id, created.id, 2, actor());
    record = await services().awardImports.get(seeded.structure.id, created.id);
    expect(record.rows.find((r) => r.line === 6)!.errors).toHaveLength(1);
    await services().awardImports.dropRow(seeded.structure.id, created.id, 6, actor());

    const before = await countAssertions();
    await services().awardImports.confirm(seeded.structure.id, created.id, actor());
    await drain();
    record = await services().awardImports.get(seeded.structure.id, created.id);
    expect(record.status).toBe('done');
    expect(record.awarded).toBe(4);
    expect(record.failed).toBe(1);
    expect(await countAssertions()).toBe(before + 4);
    const line5 = record.rows.find((r) => r.line === 5)!;
    const [awarded] = await db().select().from(assertions).where(eq(assertions.id, line5.assertionId!));
    expect(awarded).toMatchObject({ recipientEmail: 'bon@example.org', recipientName: 'Bon Nom' });
    expect(record.rows.find((r) => r.line === 6)!.failure).toBe('dropped');
  });

  it('awards every valid row of a confirmed file; the same file again, and a second confirmation, award nothing twice', async () => {
    const bytes = cp1252(`${csv(120, 'lot')}\r\nmauvais;M;M;organiser-je-pratique;;;\r\n`);
    const before = await countAssertions();
    const first = await upload(bytes, 'lot.csv', 'Bravo à toutes et à tous !');
    const [a, b] = await Promise.all([
      services().awardImports.confirm(seeded.structure.id, first.id, actor()),
      services().awardImports.confirm(seeded.structure.id, first.id, actor()),
    ]);
    expect([a.queued, b.queued].sort()).toEqual([false, true]);
    await drain();
    expect(await services().awardImports.confirm(seeded.structure.id, first.id, actor())).toEqual({ queued: false });
    let record = await services().awardImports.get(seeded.structure.id, first.id);
    expect(record).toMatchObject({ status: 'done', awarded: 120, failed: 1 });
    expect(await countAssertions()).toBe(before + 120);
    const [sample] = await db().select().from(assertions).where(eq(assertions.id, record.rows[0]!.assertionId!));
    expect(sample!.recipientName).toBe('Élodie Hébert0');

    // The very same bytes, sent again and confirmed: every row answers with its first award.
    const second = await upload(bytes, 'lot (copie).csv', 'Bravo à toutes et à tous !');
    expect((await services().awardImports.sameFileSent(second)).map((s) => s.id)).toEqual([first.id]);
    await services().awardImports.confirm(seeded.structure.id, second.id, actor());
    await drain();
    record = await services().awardImports.get(seeded.structure.id, second.id);
    expect(record.status).toBe('done');
    expect(record.rows.filter((r) => r.replayed)).toHaveLength(120);
    expect(await countAssertions()).toBe(before + 120);

    // The result as French Excel opens it: BOM, ';', one line per row.
    const csvOut = services().awardImports.resultCsv(record, {
      header: ['ligne', 'email', 'prénom', 'nom', 'badge', 'preuve', 'lien', 'expiration', 'résultat', 'motif', 'url'],
      outcome: (row) => (row.assertionId ? 'oui' : 'non'),
      reason: (row) => row.failure ?? '',
      url: (id) => `https://x/${id}`,
    });
    expect(csvOut.startsWith('\ufeffligne;email;prénom')).toBe(true);
    expect(csvOut.trim().split('\r\n')).toHaveLength(122);

    const audits = await db().select().from(auditEvents).where(eq(auditEvents.targetId, first.id));
    expect(audits.map((e) => e.action).sort()).toEqual(['award_import.confirmed', 'award_import.created', 'award_import.finished']);
  });

  it('another structure cannot read or change an import', async () => {
    const other = await seedStructure(ctx.platform.services, {
      name: 'Autre structure',
      url: 'https://autre.example.org',
      email: 'contact@autre.example.org',
    });
    const created = await upload(utf8(csv(2, 'scope')));
    await expect(services().awardImports.get(other.structure.id, created.id)).rejects.toMatchObject({ status: 404 });
    await expect(services().awardImports.dropRow(other.structure.id, created.id, 2, actor())).rejects.toMatchObject({ status: 404 });
    await expect(services().awardImports.confirm(other.structure.id, created.id, actor())).rejects.toMatchObject({ status: 404 });
    const [row] = await db().select({ status: awardImports.status }).from(awardImports).where(eq(awardImports.id, created.id));
    expect(row!.status).toBe('preview');
  });
});
