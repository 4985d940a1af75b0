import { describe, expect, it } from 'vitest';
import { renderAttestationPdf } from '../../src/services/learners/attestation-pdf.ts';
import type { LearnerBadge } from '../../src/services/learners/badges.ts';
import { pdfPageCount, pdfText, pdfWords } from '../support/pdf.ts';
import { popplerTarget } from '../support/targets.ts';

/** The layout alone, on texts longer than any catalogue badge's: nothing is cut, a page is added. */
describe.skipIf(!popplerTarget())('the attestation’s layout', () => {
  const sentence = (i: number) => `Critère numéro ${i} : la personne démontre en situation réelle une compétence observable et vérifiable.`;
  const criteria = [
    'Introduction du badge, avec des **mots en gras** et un [lien](https://example.org/referentiel).',
    ...Array.from({ length: 40 }, (_, i) => `- ${sentence(i + 1)}`),
    'Conclusion : la structure vérifie les preuves avant de le rendre.',
  ].join('\n');
  const longUrl = `https://portfolio.example.org/${'dossier-'.repeat(20)}fin`;
  const badge = {
    badgeName: 'Un badge aux critères longs',
    criteriaNarrative: criteria,
    recipientName: 'Ștefan Popescu',
    structureName: 'Insertion & Compétences',
    issuedOn: new Date('2026-12-03T10:00:00Z'),
    expires: new Date('2028-12-03T10:00:00Z'),
    status: 'valid',
    assertionUrl: 'https://badges.example.org/assertions/0b5e2d1c-8f7a-4c3b-9e6d-1a2b3c4d5e6f',
    evidence: [{ narrative: 'Un atelier animé.', url: longUrl }],
    narrative: null,
  } as unknown as LearnerBadge;

  it('lays long criteria out whole over more pages, marks dropped, words never cut, the address after them', async () => {
    const pdf = await renderAttestationPdf(badge, undefined, null, 'fr');
    expect(pdfPageCount(pdf)).toBeGreaterThanOrEqual(2);
    const read = pdfText(pdf).replace(/\u00a0/g, ' ');
    const body = read.replace(/ Ștefan Popescu — Un badge aux critères longs · page \d sur \d/g, '');
    for (let i = 1; i <= 40; i++) expect(body).toContain(sentence(i));
    expect(read).toContain('Introduction du badge, avec des mots en gras et un lien (https://example.org/referentiel).');
    expect(read).toContain('Conclusion : la structure vérifie les preuves avant de le rendre.');
    expect(read).not.toContain('**');
    expect(read).toContain('le 3 décembre 2026');
    expect(read).toContain('Valable jusqu’au 3 décembre 2028.');
    // The long address is broken across lines but every character is there.
    expect(read.replace(/ /g, '')).toContain(longUrl);
    // The verification address comes after everything else, on the last page.
    const words = pdfWords(pdf).filter((w) => w.yMax < 841.89 - 56);
    const last = words[words.length - 1]!;
    expect(last.text).toBe(badge.assertionUrl);
    expect(last.page).toBe(pdfPageCount(pdf));
    // Each page says whose it is and which it is.
    const pages = pdfPageCount(pdf);
    for (let page = 1; page <= pages; page++)
      expect(read).toContain(`Ștefan Popescu — Un badge aux critères longs · page ${page} sur ${pages}`);
  });

  it('in English, with the dates in English words', async () => {
    const read = pdfText(await renderAttestationPdf(badge, undefined, null, 'en'));
    expect(read).toContain('awarded by Insertion & Compétences on 3 December 2026.');
    expect(read).toContain('Valid until 3 December 2028.');
  });
});
