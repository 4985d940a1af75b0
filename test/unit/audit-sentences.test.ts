import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.ts';
import { fr } from '../../src/i18n/fr.ts';
import { type Locale, translator } from '../../src/i18n/index.ts';
import { AUDIT_ACTIONS, LEGACY_AUDIT_ACTIONS } from '../../src/services/audit.ts';
import type { AuditListRow, AuditReferences } from '../../src/services/records.ts';
import { auditSentence } from '../../src/web/audit-sentences.ts';

/**
 * Every kind of event the services write (AUDIT_ACTIONS, the one list that
 * recordAudit accepts) reads as a sentence in French and in English: no raw
 * code, no id, no placeholder left, no English word in the French one.
 */
const TARGET = '7023865e-1b4a-4a8e-9d7e-2f0c1d2e3f40';
const INVITER = '11111111-2222-4333-8444-555555555555';
const BADGE = '99999999-8888-4777-8666-555555555555';

const references = (): AuditReferences => ({
  users: new Map([
    [TARGET, { name: 'Julie Martin', email: 'julie.martin@example.org', member: true }],
    [INVITER, { name: 'Camille Durand', email: 'camille@example.org', member: false }],
  ]),
  badgeClasses: new Map([
    [TARGET, { name: 'Organiser — je maîtrise', version: 2 }],
    [BADGE, { name: 'Organiser — je maîtrise', version: 1 }],
  ]),
  assertions: new Map([[TARGET, { recipientName: 'Inès Moreau', erased: false, badgeClassName: 'Organiser — je maîtrise' }]]),
  imports: new Map([[TARGET, { fileName: 'promo-juin.csv' }]]),
  tokens: new Map([[TARGET, { name: 'Logiciel de suivi' }]]),
  catalogueEntries: new Map([[TARGET, { name: 'Coopérer — je maîtrise' }]]),
  structures: new Map([[TARGET, { name: 'Mission Locale de Caen' }]]),
});

/** Every detail any kind reads, as the services write them. */
const DETAILS = {
  role: 'advisor',
  platformAdmin: false,
  name: 'Organiser — je maîtrise',
  badgeClassId: BADGE,
  badgeClassName: 'Organiser — je maîtrise',
  previousVersionId: BADGE,
  reason: 'Délivré par erreur',
  note: 'Trop proche d’un badge existant',
  count: 3,
  assertionIds: [TARGET, BADGE],
  changed: ['name', 'criteriaNarrative', 'image'],
  version: 2,
  awarded: 4,
  from: 'advisor',
  to: 'admin',
  invitedBy: INVITER,
  ip: '203.0.113.5',
  sessionsEnded: 2,
  mime: 'image/png',
  bytes: 3873,
  kind: 'award',
  fileName: 'promo-juin.csv',
  rows: 12,
  line: 3,
  valid: 10,
  failed: 1,
  key: 'organiser-maitrise',
};

const row = (action: string, details: Record<string, unknown> = DETAILS, targetId: string | null = TARGET): AuditListRow => ({
  id: 1,
  at: new Date(Date.UTC(2026, 5, 15, 10)),
  action,
  actorKind: 'user',
  actorUserId: INVITER,
  actorUserName: 'Camille Durand',
  actorTokenName: null,
  targetType: null,
  targetId,
  details,
  structureName: 'Mission Locale de Caen',
});

const sentence = (action: string, locale: Locale, details?: Record<string, unknown>, targetId?: string | null) =>
  auditSentence(row(action, details, targetId), references(), translator(locale), locale);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-/i;
const ENGLISH_IN_FRENCH = /\b(advisor|admin|award|email undelivered|wrong_password|image\/png|bytes|invitedBy)\b/;

describe('the audit trail in sentences', () => {
  const kinds = [...AUDIT_ACTIONS, ...LEGACY_AUDIT_ACTIONS];

  it.each(kinds)('%s has its own sentence and label in French and in English', (action) => {
    for (const locale of ['fr', 'en'] as const) {
      for (const details of [DETAILS, {}]) {
        // An invitation's target is the address invited.
        const s = sentence(action, locale, details, action.startsWith('member.invit') ? 'julie.martin@example.org' : TARGET);
        const fallback = sentence('no.such_kind', locale);
        expect(s.text, `${action} ${locale}`).not.toBe(fallback.text);
        expect(s.kind).not.toBe(fallback.kind);
        expect(s.text).not.toContain(action);
        expect(s.text).not.toMatch(/[{}]/);
        expect(s.text).not.toMatch(UUID);
        expect(s.text).not.toMatch(/undefined|null|NaN|\[object/);
        if (locale === 'fr') expect(s.text).not.toMatch(ENGLISH_IN_FRENCH);
      }
    }
    expect(fr).toHaveProperty([`audit.kind.${action}`]);
    expect(en).toHaveProperty([`audit.kind.${action}`]);
  });

  it('says who invited whom, and as what, in the reader’s words', () => {
    expect(sentence('member.invited', 'fr', { role: 'advisor' }, 'julie.martin@example.org').text).toBe(
      'Camille Durand a invité julie.martin@example.org comme conseiller ou conseillère.',
    );
    expect(sentence('member.invited', 'en', { role: 'admin' }, 'julie.martin@example.org').text).toBe(
      'Camille Durand invited julie.martin@example.org as structure administrator.',
    );
    expect(sentence('member.joined', 'fr', { role: 'advisor', invitedBy: INVITER }).text).toBe(
      'Julie Martin a rejoint la structure comme conseiller ou conseillère, à l’invitation de Camille Durand.',
    );
  });

  it('links what still exists, and names what is gone without a link', () => {
    const awarded = sentence('assertion.awarded', 'fr', { badgeClassId: BADGE, badgeClassName: 'Organiser — je maîtrise' });
    expect(awarded.text).toBe('Camille Durand a décerné « Organiser — je maîtrise » à Inès Moreau.');
    expect(awarded.parts).toContainEqual({ text: 'Organiser — je maîtrise', href: `/espace/badges/${BADGE}` });
    expect(awarded.parts).toContainEqual({ text: 'Inès Moreau', href: `/espace/delivres/${TARGET}` });
    const gone = auditSentence(
      row('assertion.revoked', { reason: 'Erreur', badgeClassName: 'Ancien badge' }, 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa'),
      references(),
      translator('fr'),
      'fr',
    );
    expect(gone.parts.every((p) => !p.href)).toBe(true);
    expect(gone.text).toBe('Camille Durand a révoqué le badge « Ancien badge » d’une personne. Motif : « Erreur ».');
  });

  it('elides « de » before a linked name as before a plain one', () => {
    const s = sentence('member.role_changed', 'fr', { from: 'advisor', to: 'admin' });
    expect(s.text).toBe(
      'Camille Durand a changé le rôle de Julie Martin : conseiller ou conseillère auparavant, administrateur ou administratrice de la structure désormais.',
    );
    const refs = references();
    refs.assertions.set(TARGET, { recipientName: 'Inès Moreau', erased: false, badgeClassName: 'Organiser' });
    const revoked = auditSentence(row('assertion.revoked', { reason: 'Erreur' }), refs, translator('fr'), 'fr');
    expect(revoked.text).toContain('« Organiser » d’Inès Moreau.');
    expect(revoked.parts).toContainEqual({ text: 'Inès Moreau', href: `/espace/delivres/${TARGET}` });
  });

  it('tells an image by its type and size, as the reader writes numbers', () => {
    expect(sentence('structure.logo_updated', 'fr').text).toBe(
      'Camille Durand a changé le logo de la structure (une image PNG de 3,8 Ko).',
    );
    expect(sentence('structure.logo_updated', 'en').text).toBe('Camille Durand changed the structure’s logo (a PNG image of 3.8 KB).');
  });

  it('no longer names a learner whose data was erased', () => {
    const refs = references();
    refs.assertions.set(TARGET, { recipientName: 'Inès Moreau', erased: true, badgeClassName: 'Organiser' });
    const s = auditSentence(row('assertion.awarded', {}), refs, translator('fr'), 'fr');
    expect(s.text).not.toContain('Inès');
    expect(s.text).toContain('une personne dont les données ont été effacées');
  });

  it('tells the fields that changed in words, and an old correction without its English reason', () => {
    expect(sentence('badge_class.updated', 'fr', { name: 'Organiser', changed: ['description', 'tags'] }).text).toBe(
      'Camille Durand a modifié le badge « Organiser » : la description et les mots-clés.',
    );
    const corrected = sentence('assertion.recipient_corrected', 'fr', { reason: 'award email undelivered' });
    expect(corrected.text).not.toContain('award email');
    expect(corrected.text).toContain('l’e-mail n’ayant pas pu être remis');
  });
});
