import type { Locale, MessageKey, Translate } from '../i18n/index.ts';
import { isKnownAuditAction, type KnownAuditAction } from '../services/audit.ts';
import type { AuditListRow, AuditReferences } from '../services/records.ts';

/**
 * The audit trail in sentences, in the reader's language: who did what to
 * what (« Léa Martin a révoqué « Organiser — je maîtrise » de Jules Lambert :
 * « Délivré par erreur » »), with a link to each thing that still exists.
 *
 * Names are read as they are now (resolveAuditReferences): a learner whose
 * data was erased is no longer named, a deleted badge is said to be gone.
 * An older event that lacks a detail is still told, with a plainer word.
 */

/** A piece of a sentence: words, or a name linking to its page. */
export interface SentencePart {
  text: string;
  href?: string;
}

export interface AuditSentence {
  id: number;
  at: Date;
  action: string;
  /** The kind of event in a few words (the filter, the CSV's « Type » column). */
  kind: string;
  /** Who did it, in words. */
  actor: string;
  /** The structure it belongs to; null: the platform's own. */
  structure: string | null;
  parts: SentencePart[];
  /** The sentence as plain text (the CSV file). */
  text: string;
}

type Value = string | number | SentencePart;
type Params = Record<string, Value>;

/** What a sentence is built from: the event, the names it points to, the reader's language. */
interface Context {
  row: AuditListRow;
  refs: AuditReferences;
  t: Translate;
  locale: Locale;
  actor: string;
  details: Record<string, unknown>;
}

const str = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

const MAX_QUOTED = 300;
const quoted = (text: string) => (text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text);

function role(c: Context, value: unknown): string {
  return value === 'admin' ? c.t('role.admin') : value === 'advisor' ? c.t('role.advisor') : c.t('audit.role.unknown');
}

/** The badge class the event names: linked while it exists, else its recorded name, else « un badge supprimé depuis ». */
function badge(c: Context, id: unknown, recorded?: unknown): SentencePart {
  const found = typeof id === 'string' ? c.refs.badgeClasses.get(id) : undefined;
  if (found && typeof id === 'string') return { text: str(recorded) ?? found.name, href: `/espace/badges/${id}` };
  return { text: str(recorded) ?? c.t('audit.gone.badge') };
}

/** The learner of an award: linked to the award; no name once their data was erased. */
function learner(c: Context): SentencePart {
  const id = c.row.targetId;
  const found = id ? c.refs.assertions.get(id) : undefined;
  if (!found) return { text: c.t('audit.gone.learner') };
  return { text: found.erased ? c.t('audit.erasedLearner') : found.recipientName, href: `/espace/delivres/${id}` };
}

/** The badge of an award: its recorded name, else the award's badge. */
function awardBadge(c: Context): SentencePart {
  const id = c.row.targetId;
  const found = id ? c.refs.assertions.get(id) : undefined;
  const badgeClassId = str(c.details.badgeClassId);
  if (badgeClassId) return badge(c, badgeClassId, c.details.badgeClassName ?? found?.badgeClassName);
  return { text: str(c.details.badgeClassName) ?? found?.badgeClassName ?? c.t('audit.gone.badge') };
}

/** A person the event names: linked to the members' page while they belong to the structure. */
function person(c: Context, id: unknown): SentencePart {
  const found = typeof id === 'string' ? c.refs.users.get(id) : undefined;
  if (!found) return { text: c.t('audit.unknownPerson') };
  return found.member ? { text: found.name, href: '/espace/membres' } : { text: found.name };
}

function importFile(c: Context): SentencePart {
  const id = c.row.targetId;
  const found = id ? c.refs.imports.get(id) : undefined;
  const name = found?.fileName ?? str(c.details.fileName);
  if (!name) return { text: c.t('audit.gone.file') };
  return found ? { text: name, href: `/espace/delivrer/csv/${id}` } : { text: name };
}

const targetName = (c: Context, map: 'tokens' | 'catalogueEntries' | 'structures'): string | null =>
  (c.row.targetId ? c.refs[map].get(c.row.targetId)?.name : undefined) ?? null;

/** The invited address: the event's target (older events too), or its detail. */
const invitedEmail = (c: Context) =>
  str(c.details.email) ?? (c.row.targetId?.includes('@') ? c.row.targetId : null) ?? c.t('audit.unknownPerson');

function list(c: Context, words: string[]): string {
  return new Intl.ListFormat(c.locale === 'fr' ? 'fr-FR' : 'en-GB', { type: 'conjunction' }).format(words);
}

const BADGE_FIELDS: Record<string, MessageKey> = {
  name: 'audit.field.badge.name',
  description: 'audit.field.badge.description',
  criteriaNarrative: 'audit.field.badge.criteria',
  alignment: 'audit.field.badge.alignment',
  validityDays: 'audit.field.badge.validity',
  image: 'audit.field.badge.image',
  tags: 'audit.field.badge.tags',
};

const PROFILE_FIELDS: Record<string, MessageKey> = {
  name: 'audit.field.profile.name',
  url: 'audit.field.profile.url',
  email: 'audit.field.profile.email',
  description: 'audit.field.profile.description',
  telephone: 'audit.field.profile.telephone',
};

/** The fields an event says changed, in words; an unknown one as « another field ». */
function fields(c: Context, labels: Record<string, MessageKey>): string {
  const changed = Array.isArray(c.details.changed) ? c.details.changed.filter((f): f is string => typeof f === 'string') : [];
  const words = [...new Set(changed.map((f) => (labels[f] ? c.t(labels[f]) : c.t('audit.field.other'))))];
  return words.length ? list(c, words) : c.t('audit.field.none');
}

const MAIL_KINDS: Record<string, MessageKey> = {
  award: 'mail.kind.award',
  'learner-sign-in': 'mail.kind.learner-sign-in',
  'password-reset': 'mail.kind.password-reset',
  invitation: 'mail.kind.invitation',
  'erasure-notice': 'mail.kind.erasure-notice',
};

/** « une image PNG de 3,8 Ko »: the type by its name, the size in kilobytes as the reader writes numbers. */
function imageWords(c: Context): string {
  const mime = str(c.details.mime);
  const type = mime === 'image/png' ? 'PNG' : mime === 'image/svg+xml' ? 'SVG' : mime === 'image/jpeg' ? 'JPEG' : null;
  const bytes = num(c.details.bytes);
  const size =
    bytes === null ? null : new Intl.NumberFormat(c.locale === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 1 }).format(bytes / 1024);
  if (type && size) return c.t('audit.image.typeSize', { type, size });
  if (type) return c.t('audit.image.type', { type });
  return c.t('audit.image.any');
}

const ip = (c: Context) => str(c.details.ip) ?? c.t('audit.unknownAddress');

type Builder = (c: Context) => [MessageKey, Params];

/**
 * One sentence per kind of event. The record's type makes it complete: a kind
 * added to AUDIT_ACTIONS without its sentence does not compile.
 */
const SENTENCES: Record<KnownAuditAction, Builder> = {
  'platform.setup': (c) => ['audit.sentence.platform.setup', { actor: c.actor }],
  'auth.signed_in': (c) => ['audit.sentence.auth.signed_in', { actor: c.actor, ip: ip(c) }],
  'auth.sign_in_failed': (c) =>
    c.row.targetId
      ? [
          c.details.reason === 'wrong_password' ? 'audit.sentence.auth.sign_in_failed' : 'audit.sentence.auth.sign_in_failed.other',
          { user: person(c, c.row.targetId), ip: ip(c) },
        ]
      : ['audit.sentence.auth.sign_in_failed.unknown', { ip: ip(c) }],
  'auth.signed_out': (c) => ['audit.sentence.auth.signed_out', { actor: c.actor }],
  'auth.structure_switched': (c) => [
    'audit.sentence.auth.structure_switched',
    { actor: c.actor, structure: targetName(c, 'structures') ?? c.t('audit.gone.structure') },
  ],
  'auth.password_reset_requested': (c) => ['audit.sentence.auth.password_reset_requested', { user: person(c, c.row.targetId), ip: ip(c) }],
  'auth.password_reset': (c) => [
    'audit.sentence.auth.password_reset',
    { actor: c.actor, sessions: num(c.details.sessionsEnded) ?? 0, ip: ip(c) },
  ],
  'user.created': (c) =>
    c.details.platformAdmin === true
      ? ['audit.sentence.user.created.platform', { actor: c.actor, user: person(c, c.row.targetId) }]
      : ['audit.sentence.user.created', { actor: c.actor, user: person(c, c.row.targetId), role: role(c, c.details.role) }],
  'structure.created': (c) => [
    'audit.sentence.structure.created',
    { actor: c.actor, name: str(c.details.name) ?? targetName(c, 'structures') ?? c.t('audit.gone.structure') },
  ],
  'structure.profile_updated': (c) => ['audit.sentence.structure.profile_updated', { actor: c.actor, fields: fields(c, PROFILE_FIELDS) }],
  'structure.updated': (c) => ['audit.sentence.structure.profile_updated', { actor: c.actor, fields: fields(c, PROFILE_FIELDS) }],
  'structure.logo_updated': (c) => ['audit.sentence.structure.logo_updated', { actor: c.actor, image: imageWords(c) }],
  'structure.logo_removed': (c) => ['audit.sentence.structure.logo_removed', { actor: c.actor }],
  'structure.closed': (c) => [
    'audit.sentence.structure.closed',
    { actor: c.actor, name: str(c.details.name) ?? targetName(c, 'structures') ?? c.t('audit.gone.structure') },
  ],
  'structure.reopened': (c) => [
    'audit.sentence.structure.reopened',
    { actor: c.actor, name: str(c.details.name) ?? targetName(c, 'structures') ?? c.t('audit.gone.structure') },
  ],
  'member.invited': (c) => ['audit.sentence.member.invited', { actor: c.actor, email: invitedEmail(c), role: role(c, c.details.role) }],
  'member.invitation_resent': (c) => [
    'audit.sentence.member.invitation_resent',
    { actor: c.actor, email: invitedEmail(c), role: role(c, c.details.role) },
  ],
  'member.invitation_cancelled': (c) => [
    'audit.sentence.member.invitation_cancelled',
    { actor: c.actor, email: invitedEmail(c), role: role(c, c.details.role) },
  ],
  'member.joined': (c) =>
    typeof c.details.invitedBy === 'string'
      ? [
          'audit.sentence.member.joined.invited',
          { user: person(c, c.row.targetId), role: role(c, c.details.role), inviter: person(c, c.details.invitedBy) },
        ]
      : ['audit.sentence.member.joined', { user: person(c, c.row.targetId), role: role(c, c.details.role) }],
  'member.role_changed': (c) => [
    'audit.sentence.member.role_changed',
    { actor: c.actor, user: person(c, c.row.targetId), from: role(c, c.details.from), to: role(c, c.details.to) },
  ],
  'member.removed': (c) => [
    'audit.sentence.member.removed',
    { actor: c.actor, user: person(c, c.row.targetId), role: role(c, c.details.role) },
  ],
  'badge_class.created': (c) => ['audit.sentence.badge_class.created', { actor: c.actor, badge: badge(c, c.row.targetId, c.details.name) }],
  'badge_class.updated': (c) => [
    'audit.sentence.badge_class.updated',
    { actor: c.actor, badge: badge(c, c.row.targetId, c.details.name), fields: fields(c, BADGE_FIELDS) },
  ],
  'badge_class.versioned': (c) => [
    'audit.sentence.badge_class.versioned',
    {
      actor: c.actor,
      badge: badge(c, c.row.targetId, c.details.name),
      fields: fields(c, BADGE_FIELDS),
      version: num(c.details.version) ?? 2,
      awarded: num(c.details.awarded) ?? 1,
    },
  ],
  'badge_class.archived': (c) => [
    'audit.sentence.badge_class.archived',
    { actor: c.actor, badge: badge(c, c.row.targetId, c.details.name) },
  ],
  'badge_class.unarchived': (c) => [
    'audit.sentence.badge_class.unarchived',
    { actor: c.actor, badge: badge(c, c.row.targetId, c.details.name) },
  ],
  'badge_class.deleted': (c) => [
    'audit.sentence.badge_class.deleted',
    { actor: c.actor, name: str(c.details.name) ?? c.t('audit.gone.badge') },
  ],
  'catalogue.entry_added': (c) => [
    'audit.sentence.catalogue.entry_added',
    { actor: c.actor, name: str(c.details.name) ?? targetName(c, 'catalogueEntries') ?? c.t('audit.gone.badge') },
  ],
  'catalogue.entry_updated': (c) => [
    'audit.sentence.catalogue.entry_updated',
    {
      actor: c.actor,
      name: str(c.details.name) ?? targetName(c, 'catalogueEntries') ?? c.t('audit.gone.badge'),
      structures: num(c.details.structures) ?? 0,
    },
  ],
  'catalogue.entry_withdrawn': (c) => [
    'audit.sentence.catalogue.entry_withdrawn',
    { actor: c.actor, name: str(c.details.name) ?? targetName(c, 'catalogueEntries') ?? c.t('audit.gone.badge') },
  ],
  'catalogue.proposed': (c) => [
    'audit.sentence.catalogue.proposed',
    { actor: c.actor, badge: badge(c, c.details.badgeClassId, c.details.name ?? targetName(c, 'catalogueEntries')) },
  ],
  'catalogue.accepted': (c) => [
    'audit.sentence.catalogue.accepted',
    { actor: c.actor, name: str(c.details.name) ?? targetName(c, 'catalogueEntries') ?? c.t('audit.gone.badge') },
  ],
  'catalogue.declined': (c) =>
    str(c.details.note)
      ? [
          'audit.sentence.catalogue.declined',
          {
            actor: c.actor,
            name: str(c.details.name) ?? targetName(c, 'catalogueEntries') ?? c.t('audit.gone.badge'),
            note: quoted(str(c.details.note)!),
          },
        ]
      : [
          'audit.sentence.catalogue.declined.noNote',
          { actor: c.actor, name: str(c.details.name) ?? targetName(c, 'catalogueEntries') ?? c.t('audit.gone.badge') },
        ],
  'catalogue.adopted': (c) => ['audit.sentence.catalogue.adopted', { actor: c.actor, badge: badge(c, c.row.targetId, c.details.name) }],
  'assertion.awarded': (c) => ['audit.sentence.assertion.awarded', { actor: c.actor, badge: awardBadge(c), learner: learner(c) }],
  'assertion.bulk_awarded': (c) => [
    'audit.sentence.assertion.bulk_awarded',
    {
      actor: c.actor,
      count: num(c.details.count) ?? (Array.isArray(c.details.assertionIds) ? c.details.assertionIds.length : 0),
    },
  ],
  'assertion.mail_resent': (c) => ['audit.sentence.assertion.mail_resent', { actor: c.actor, badge: awardBadge(c), learner: learner(c) }],
  'assertion.recipient_corrected': (c) => [
    'audit.sentence.assertion.recipient_corrected',
    { actor: c.actor, badge: awardBadge(c), learner: learner(c) },
  ],
  'assertion.revoked': (c) =>
    // A reason is staff's own words and may name the learner: once their data was erased, it is not repeated.
    str(c.details.reason) && !(c.row.targetId && c.refs.assertions.get(c.row.targetId)?.erased)
      ? [
          'audit.sentence.assertion.revoked',
          { actor: c.actor, badge: awardBadge(c), learner: learner(c), reason: quoted(str(c.details.reason)!) },
        ]
      : ['audit.sentence.assertion.revoked.noReason', { actor: c.actor, badge: awardBadge(c), learner: learner(c) }],
  'award_import.created': (c) => [
    'audit.sentence.award_import.created',
    { actor: c.actor, file: importFile(c), rows: num(c.details.rows) ?? 0 },
  ],
  'award_import.row_dropped': (c) => [
    'audit.sentence.award_import.row_dropped',
    { actor: c.actor, file: importFile(c), line: num(c.details.line) ?? '?' },
  ],
  'award_import.row_restored': (c) => [
    'audit.sentence.award_import.row_restored',
    { actor: c.actor, file: importFile(c), line: num(c.details.line) ?? '?' },
  ],
  'award_import.row_corrected': (c) => [
    'audit.sentence.award_import.row_corrected',
    { actor: c.actor, file: importFile(c), line: num(c.details.line) ?? '?' },
  ],
  'award_import.confirmed': (c) => [
    'audit.sentence.award_import.confirmed',
    { actor: c.actor, file: importFile(c), count: num(c.details.valid) ?? 0 },
  ],
  'award_import.finished': (c) => [
    'audit.sentence.award_import.finished',
    { file: importFile(c), awarded: num(c.details.awarded) ?? 0, failed: num(c.details.failed) ?? 0 },
  ],
  'api_token.created': (c) => [
    'audit.sentence.api_token.created',
    { actor: c.actor, name: str(c.details.name) ?? targetName(c, 'tokens') ?? c.t('audit.gone.token') },
  ],
  'api_token.revoked': (c) => [
    'audit.sentence.api_token.revoked',
    { actor: c.actor, name: str(c.details.name) ?? targetName(c, 'tokens') ?? c.t('audit.gone.token') },
  ],
  'signing_key.rotated': (c) => ['audit.sentence.signing_key.rotated', { actor: c.actor }],
  'ob3_key.added': (c) => ['audit.sentence.ob3_key.added', { actor: c.actor }],
  'mail.links_revealed': (c) => [
    'audit.sentence.mail.links_revealed',
    {
      actor: c.actor,
      kind: MAIL_KINDS[String(c.details.kind)] ? c.t(MAIL_KINDS[String(c.details.kind)]!) : c.t('audit.mail.other'),
      reason: quoted(str(c.details.reason) ?? '—'),
    },
  ],
  'mail.requeued': (c) => ['audit.sentence.mail.requeued', { actor: c.actor }],
  'learner.name_hidden': () => ['audit.sentence.learner.name_hidden', {}],
  'learner.name_shown': () => ['audit.sentence.learner.name_shown', {}],
  'learner.erased': (c) => [
    'audit.sentence.learner.erased',
    { count: Array.isArray(c.details.assertionIds) ? c.details.assertionIds.length : c.row.targetId ? 1 : 0 },
  ],
};

/** The kind of event in a few words. */
export function kindLabel(action: string, t: Translate): string {
  return isKnownAuditAction(action) ? t(`audit.kind.${action}`) : t('audit.kind.other');
}

function actorWords(row: AuditListRow, t: Translate): string {
  if (row.actorKind === 'user') return row.actorUserName ?? t('audit.unknownPerson');
  if (row.actorKind === 'token') return t('audit.actor.token', { name: row.actorTokenName ?? '?' });
  if (row.actorKind === 'cli') return t('audit.actor.cli');
  return t('audit.actor.system');
}

// A marker no message or name holds: a linked name is put in followed by one (so that
// « de » before it is still elided as the name asks), then the sentence is cut there.
const OPEN = '\u{E000}';
const CLOSE = '\u{E001}';
const clean = (text: string) => text.replaceAll(OPEN, '').replaceAll(CLOSE, '');

/** Interpolates, keeping each linked value as its own part, so the template links it and escapes every word. */
function parts(t: Translate, key: MessageKey, params: Params, links: boolean): SentencePart[] {
  const linked: SentencePart[] = [];
  const flat: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'object') {
      const text = clean(value.text).trim();
      if (value.href && links) {
        flat[name] = `${text}${OPEN}${linked.length}${CLOSE}`;
        linked.push({ text, href: value.href });
      } else flat[name] = text;
    } else flat[name] = typeof value === 'string' ? clean(value) : value;
  }
  const sentence = t(key, flat);
  const out: SentencePart[] = [];
  let last = 0;
  for (const match of sentence.matchAll(new RegExp(`${OPEN}(\\d+)${CLOSE}`, 'gu'))) {
    const link = linked[Number(match[1])]!;
    const start = sentence.slice(0, match.index).endsWith(link.text) ? match.index - link.text.length : match.index;
    if (start > last) out.push({ text: sentence.slice(last, start) });
    out.push(link);
    last = match.index + match[0].length;
  }
  if (last < sentence.length) out.push({ text: sentence.slice(last) });
  return out;
}

/**
 * One event of the trail, as a sentence in the reader's language. Without
 * links for the Région, who reads every structure's trail but whose
 * workspace has no structure's pages.
 */
export function auditSentence(
  row: AuditListRow,
  refs: AuditReferences,
  t: Translate,
  locale: Locale,
  options: { links: boolean } = { links: true },
): AuditSentence {
  const actor = actorWords(row, t);
  const details = row.details && typeof row.details === 'object' && !Array.isArray(row.details) ? row.details : {};
  const context: Context = { row, refs, t, locale, actor, details };
  const [key, params]: [MessageKey, Params] = isKnownAuditAction(row.action)
    ? SENTENCES[row.action](context)
    : ['audit.sentence.other', { actor }];
  const sentence = parts(t, key, params, options.links);
  return {
    id: row.id,
    at: row.at,
    action: row.action,
    kind: kindLabel(row.action, t),
    actor,
    structure: row.structureName,
    parts: sentence,
    text: sentence.map((p) => p.text).join(''),
  };
}
