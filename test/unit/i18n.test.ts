import { describe, expect, it } from 'vitest';
import { elide, formatDate, formatNumber, translator } from '../../src/i18n/index.ts';
import { fr } from '../../src/i18n/fr.ts';
import { en } from '../../src/i18n/en.ts';

const tFr = translator('fr');
const tEn = translator('en');
const NNBSP = '\u202f';

describe('plural forms (Intl.PluralRules: one / other)', () => {
  it('French 0 and 1 are singular, 2 is plural', () => {
    expect([0, 1, 2].map((n) => tFr('awarding.csv.preview.confirm', { n }))).toEqual([
      'Délivrer 0 badge',
      'Délivrer 1 badge',
      'Délivrer 2 badges',
    ]);
    expect([0, 1, 2].map((n) => tFr('awarding.csv.preview.fix', { n }).split(' :')[0])).toEqual([
      '0 ligne contient une erreur',
      '1 ligne contient une erreur',
      '2 lignes contiennent une erreur',
    ]);
    expect(tFr('learner.list.count', { count: 0 })).toBe('0 badge');
    expect(tFr('learner.list.count', { count: 2 })).toBe('2 badges');
    expect(tFr('error.too_many_attempts', { minutes: 1 })).toContain('réessayez dans 1 minute.');
    expect(tFr('error.too_many_attempts', { minutes: 2 })).toContain('réessayez dans 2 minutes.');
  });

  it('English 1 is singular, 0 and 2 are plural', () => {
    expect([0, 1, 2].map((n) => tEn('awarding.csv.preview.confirm', { n }))).toEqual(['Award 0 badges', 'Award 1 badge', 'Award 2 badges']);
    expect([0, 1, 2].map((n) => tEn('awarding.learners.count', { n }))).toEqual(['0 people', '1 person', '2 people']);
    expect([0, 1, 2].map((n) => tEn('awarding.csv.preview.fix', { n }).split(':')[0])).toEqual([
      '0 rows contain an error',
      '1 row contains an error',
      '2 rows contain an error',
    ]);
  });

  it('chooses each number’s form on its own in a message with two, and keeps the other placeholders', () => {
    expect(tFr('following.figures.periodSummary', { months: 12, awarded: 1, revoked: 2 })).toBe(
      'Sur les 12 derniers mois : 1 badge délivré, 2 révoqués.',
    );
    expect(tFr('following.awards.count', { count: 2, page: 1, pages: 3 })).toBe('2 badges trouvés — page 1 sur 3.');
    expect(tEn('awarding.csv.progress.text', { done: 1, total: 20000 })).toBe('1 row processed out of 20,000');
    // The whole sentence agrees with its number, verb included.
    expect(tFr('learner.erase.c1', { count: 1 })).toBe('Votre badge sera révoqué : un recruteur verra qu’il ne certifie plus rien.');
    expect(tFr('learner.erase.c1', { count: 3 })).toBe('Vos 3 badges seront révoqués : un recruteur verra qu’ils ne certifient plus rien.');
  });

  it('writes the numbers it puts in as the locale does, from five digits (a year stays as written)', () => {
    expect(tFr('awarding.csv.progress.text', { done: 20000, total: 20000 })).toBe(`20${NNBSP}000 lignes traitées sur 20${NNBSP}000`);
    expect(formatNumber(1234567, 'en')).toBe('1,234,567');
    expect(formatNumber(2026, 'fr')).toBe('2026');
    expect(tFr('following.platform.thisYear', { year: 2026 })).toBe('Délivrés en 2026');
    expect(formatDate(new Date('2026-12-03T10:00:00Z'), 'fr')).toBe('3 décembre 2026');
    expect(formatDate(new Date('2026-12-03T10:00:00Z'), 'en')).toBe('3 December 2026');
  });

  it('no message writes a plural by hand with « (s) », in either language', () => {
    for (const [key, message] of [...Object.entries(fr), ...Object.entries(en)]) {
      expect(message, key).not.toMatch(/\w\(s\)/);
    }
  });

  it('every plural form in the catalogues has an « other » branch and reads for 0, 1 and 2 without braces left', () => {
    for (const t of [tFr, tEn]) {
      for (const [key, message] of Object.entries(fr)) {
        if (!message.includes(', plural,') && !en[key as keyof typeof en].includes(', plural,')) continue;
        const names = [...message.matchAll(/\{(\w+)/g)].map((m) => m[1]!);
        for (const n of [0, 1, 2]) {
          const text = t(key as keyof typeof fr, Object.fromEntries(names.map((name) => [name, n])));
          expect(text, `${key} (${n})`).not.toMatch(/[{}#]/);
        }
      }
    }
  });
});

describe('elision before a name (elide, `{name, elide, de}`)', () => {
  it('elides « de » and « que » before a vowel, accented or not, and keeps them before a consonant or an H', () => {
    expect(elide('de', 'Insertion & Compétences')).toBe('d’Insertion & Compétences');
    expect(elide('de', 'École de la deuxième chance')).toBe('d’École de la deuxième chance');
    expect(elide('de', 'AFPA Rouen')).toBe('d’AFPA Rouen');
    expect(elide('de', 'Œuvre normande')).toBe('d’Œuvre normande');
    expect(elide('de', 'Yvetot Emploi')).toBe('d’Yvetot Emploi');
    expect(elide('que', 'Insertion & Compétences')).toBe('qu’Insertion & Compétences');
    expect(elide('que', 'anne@example.org')).toBe('qu’anne@example.org');
    expect(elide('de', 'Mission Locale de Caen')).toBe('de Mission Locale de Caen');
    expect(elide('de', 'Yacht Club')).toBe('de Yacht Club');
    expect(elide('de', 'Honfleur Insertion')).toBe('de Honfleur Insertion');
    expect(elide('de', '« Avenir » Formation')).toBe('d’« Avenir » Formation');
  });

  it('contracts « de » with an article that starts the name', () => {
    expect(elide('de', 'Le Relais')).toBe('du Relais');
    expect(elide('de', 'Les Compagnons du Devoir')).toBe('des Compagnons du Devoir');
    expect(elide('de', 'La Source')).toBe('de La Source');
    expect(elide('de', 'Lenormand Formation')).toBe('de Lenormand Formation');
  });

  it('is what the French messages use, in pages and emails; English keeps the name as written', () => {
    expect(tFr('accounts.invitation.body', { structure: 'Insertion & Compétences', role: 'conseiller' })).toBe(
      'Vous êtes invité à rejoindre l’espace d’Insertion & Compétences sur Insigne. Votre rôle : conseiller.',
    );
    expect(tFr('mail.award.subject', { badge: 'Organiser', structure: 'AFPA Rouen' })).toBe(
      'Vous avez reçu le badge « Organiser » d’AFPA Rouen',
    );
    expect(tFr('members.title', { structure: 'Mission Locale de Caen' })).toBe('Les membres de Mission Locale de Caen');
    expect(tEn('accounts.invitation.body', { structure: 'Insertion & Compétences', role: 'advisor' })).toContain('Insertion & Compétences');
  });

  it('no French message writes « de {…} » or « que {…} » before a name by hand', () => {
    for (const [key, message] of Object.entries(fr)) {
      expect(message, key).not.toMatch(/\b(de|que) \{(structure|name|email|issuer|inviter)\}/);
    }
  });
});

describe('English punctuation', () => {
  it('no English message puts a space before a colon, a semicolon, a question or an exclamation mark', () => {
    for (const [key, message] of Object.entries(en)) {
      expect(message, key).not.toMatch(/[ \u00a0\u202f][:;?!](\s|$)/);
    }
  });
});
