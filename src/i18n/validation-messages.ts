import type { Locale } from './index.ts';

/**
 * Zod's own messages are English and technical. This turns an issue (its
 * code and parameters) into a sentence in the reader's language.
 */
interface IssueLike {
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

const FORMAT_NAMES: Record<Locale, Record<string, string>> = {
  fr: {
    email: 'une adresse e-mail',
    url: 'une adresse web (http:// ou https://)',
    uuid: 'un identifiant (UUID)',
    guid: 'un identifiant (UUID)',
    datetime: 'une date ISO 8601, par exemple 2026-12-31 ou 2026-12-31T18:00:00Z',
    date: 'une date ISO 8601, par exemple 2026-12-31',
    regex: 'une valeur au format attendu',
  },
  en: {
    email: 'an email address',
    url: 'a web address (http:// or https://)',
    uuid: 'an identifier (UUID)',
    guid: 'an identifier (UUID)',
    datetime: 'an ISO 8601 date, e.g. 2026-12-31 or 2026-12-31T18:00:00Z',
    date: 'an ISO 8601 date, e.g. 2026-12-31',
    regex: 'a value in the expected format',
  },
};

/** Messages we give zod ourselves (refinements) are keys into this table. */
export const CUSTOM_MESSAGES: Record<string, Record<Locale, string>> = {
  evidence_needs_narrative_or_url: {
    fr: 'chaque preuve doit avoir un texte (narrative) ou un lien (url)',
    en: 'each piece of evidence needs a narrative or a url',
  },
  control_characters: {
    fr: 'contient des caractères non autorisés (caractère de contrôle comme NUL, retour à la ligne dans un nom, inversion du sens du texte) : retapez-le',
    en: 'contains characters that are not allowed (a control character such as NUL, a line break in a name, a text-direction override): type it again',
  },
  http_url: { fr: 'doit être une adresse web (http:// ou https://)', en: 'must be a web address (http:// or https://)' },
  expires_format: {
    fr: 'doit être une date ISO 8601, par exemple 2027-06-30 ou 2027-06-30T18:00:00Z',
    en: 'must be an ISO 8601 date, e.g. 2027-06-30 or 2027-06-30T18:00:00Z',
  },
};

export function describeIssue(issue: IssueLike, locale: Locale): string {
  const fr = locale === 'fr';
  const p = issue.params;
  switch (issue.keyword) {
    case 'invalid_type':
      return fr
        ? `valeur manquante ou de type incorrect (attendu : ${String(p.expected)})`
        : `missing value or wrong type (expected: ${String(p.expected)})`;
    case 'invalid_format': {
      const format = String(p.format);
      const name = FORMAT_NAMES[locale][format] ?? format;
      return fr ? `doit être ${name}` : `must be ${name}`;
    }
    case 'too_small':
      if (p.origin === 'string') {
        return Number(p.minimum) <= 1
          ? fr
            ? 'ne doit pas être vide'
            : 'must not be empty'
          : fr
            ? `au moins ${String(p.minimum)} caractères`
            : `at least ${String(p.minimum)} characters`;
      }
      return fr ? `doit valoir au moins ${String(p.minimum)}` : `must be at least ${String(p.minimum)}`;
    case 'too_big':
      if (p.origin === 'string') {
        return fr ? `au plus ${String(p.maximum)} caractères` : `at most ${String(p.maximum)} characters`;
      }
      if (p.origin === 'array') {
        return fr ? `au plus ${String(p.maximum)} éléments` : `at most ${String(p.maximum)} items`;
      }
      return fr ? `doit valoir au plus ${String(p.maximum)}` : `must be at most ${String(p.maximum)}`;
    case 'invalid_value':
      return fr
        ? `valeur non autorisée (valeurs possibles : ${(p.values as unknown[] | undefined)?.join(', ') ?? '?'})`
        : `value not allowed (allowed: ${(p.values as unknown[] | undefined)?.join(', ') ?? '?'})`;
    case 'unrecognized_keys':
      return fr
        ? `champ inconnu : ${(p.keys as string[] | undefined)?.join(', ')}`
        : `unknown field: ${(p.keys as string[] | undefined)?.join(', ')}`;
    case 'invalid_union': {
      const custom = issue.message ? CUSTOM_MESSAGES[issue.message] : undefined;
      return custom ? custom[locale] : fr ? 'valeur invalide' : 'invalid value';
    }
    default: {
      const custom = issue.message ? CUSTOM_MESSAGES[issue.message] : undefined;
      return custom ? custom[locale] : (issue.message ?? (fr ? 'valeur invalide' : 'invalid value'));
    }
  }
}
