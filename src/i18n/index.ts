import { en } from './en.ts';
import { fr, type Messages } from './fr.ts';

export type Locale = 'fr' | 'en';
export const LOCALES: readonly Locale[] = ['fr', 'en'];
const catalogues: Record<Locale, Messages> = { fr, en };

export type MessageKey = keyof Messages;
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const TAGS: Record<Locale, string> = { fr: 'fr-FR', en: 'en-GB' };

// Building an Intl formatter costs far more than using one: one of each per locale.
const dateFormats: Record<Locale, Intl.DateTimeFormat> = {
  fr: new Intl.DateTimeFormat(TAGS.fr, { dateStyle: 'long', timeZone: 'Europe/Paris' }),
  en: new Intl.DateTimeFormat(TAGS.en, { dateStyle: 'long', timeZone: 'Europe/Paris' }),
};
// Grouped from five digits (« 20 000 », « 20,000 »), so that a year or a four-digit count reads as people write it (« en 2026 »).
const numberFormats: Record<Locale, Intl.NumberFormat> = {
  fr: new Intl.NumberFormat(TAGS.fr, { useGrouping: 'min2' }),
  en: new Intl.NumberFormat(TAGS.en, { useGrouping: 'min2' }),
};
// French says « 0 badge » and « 1 badge » (one), English « 0 badges » (other).
const pluralRules: Record<Locale, Intl.PluralRules> = {
  fr: new Intl.PluralRules(TAGS.fr),
  en: new Intl.PluralRules(TAGS.en),
};

/**
 * A message's words with its parameters put in. A message is a string with
 * `{name}` placeholders, and, where a word depends on a number, the ICU
 * plural form `{count, plural, one {# badge délivré} other {# badges délivrés}}`
 * (`=0` or another exact value may come first; `#` is the number, formatted).
 * The form is chosen by Intl.PluralRules for the locale, so French 0 and 1
 * are singular and English 0 is plural. A number put in is formatted for the
 * locale (Intl.NumberFormat). In French, `{structure, elide, de}` puts
 * « de » or « d’ » before the name (see elide).
 */
export function translator(locale: Locale): Translate {
  const messages = catalogues[locale];
  return (key, params) => {
    const template = messages[key] ?? fr[key] ?? key;
    return params ? interpolate(template, params, locale) : template;
  };
}

export function formatDate(date: Date, locale: Locale): string {
  return dateFormats[locale].format(date);
}

export function formatNumber(value: number, locale: Locale): string {
  return numberFormats[locale].format(value);
}

/** The plural category of a number in a locale (`one`, `other`…). */
export function pluralCategory(value: number, locale: Locale): Intl.LDMLPluralRule {
  return pluralRules[locale].select(value);
}

function show(value: string | number | undefined, name: string, locale: Locale): string {
  if (value === undefined) return `{${name}}`;
  return typeof value === 'number' ? formatNumber(value, locale) : value;
}

/** The French words that elide before a vowel (« de » → « d’ », « que » → « qu’ »). */
export type ElidingWord = 'de' | 'que';

/**
 * A French word before a name, elided as French writes it: « d’Insertion &
 * Compétences », « qu’AFPA Rouen », « de Mission Locale »; « de » before an
 * article is contracted: « du Relais », « des Compagnons ». Only before a
 * vowel (accented or not, a Y before a consonant): an H may be aspirated
 * (« de Honfleur », « des Hauts-de-France »), and no rule tells a name's H,
 * so it keeps the full word, which is never wrong to read.
 */
export function elide(word: ElidingWord, name: string): string {
  const text = name.trim();
  if (word === 'de') {
    const article = /^(Le|Les|le|les)\s+(.*)$/su.exec(text);
    if (article) return `${article[1]!.toLowerCase() === 'le' ? 'du' : 'des'} ${article[2]}`;
  }
  const start = text.normalize('NFD').replace(/^[«"“‘'(\s]+/u, '');
  const vowel = /^[aeiouæœ]/iu.test(start) || /^y[^aeiouy]/iu.test(start);
  return vowel ? `${word.slice(0, -1)}’${text}` : `${word} ${text}`;
}

function interpolate(template: string, params: Record<string, string | number>, locale: Locale, hash?: string): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const ch = template[i]!;
    if (ch === '#' && hash !== undefined) {
      out += hash;
      i++;
      continue;
    }
    if (ch !== '{') {
      out += ch;
      i++;
      continue;
    }
    const simple = /^\{(\w+)\}/.exec(template.slice(i));
    if (simple) {
      out += show(params[simple[1]!], simple[1]!, locale);
      i += simple[0].length;
      continue;
    }
    // `{structure, elide, de}`: the word, elided before the name as French writes it.
    const elision = /^\{(\w+),\s*elide,\s*(de|que)\s*\}/.exec(template.slice(i));
    if (elision) {
      const value = params[elision[1]!];
      out += value === undefined ? elision[0] : elide(elision[2] as ElidingWord, String(value));
      i += elision[0].length;
      continue;
    }
    const plural = /^\{(\w+),\s*plural,/.exec(template.slice(i));
    if (!plural) {
      out += ch;
      i++;
      continue;
    }
    const name = plural[1]!;
    const { branches, end } = readBranches(template, i + plural[0].length);
    const value = params[name];
    const count = typeof value === 'number' ? value : Number.NaN;
    const chosen =
      branches.get(`=${count}`) ??
      branches.get(Number.isNaN(count) ? 'other' : pluralCategory(count, locale)) ??
      branches.get('other') ??
      '';
    out += interpolate(chosen, params, locale, show(value, name, locale));
    i = end;
  }
  return out;
}

/** The `key {text}` branches of a plural form starting at `from`, and where the form ends (after its closing brace). */
function readBranches(template: string, from: number): { branches: Map<string, string>; end: number } {
  const branches = new Map<string, string>();
  let i = from;
  for (;;) {
    while (/\s/.test(template[i] ?? '')) i++;
    if (template[i] === '}' || i >= template.length) return { branches, end: i + 1 };
    const key = /^(=\d+|zero|one|two|few|many|other)\s*\{/.exec(template.slice(i));
    if (!key) throw new Error(`Malformed plural form in message: ${template}`);
    let depth = 1;
    let j = i + key[0].length;
    const start = j;
    for (; j < template.length && depth > 0; j++) {
      if (template[j] === '{') depth++;
      else if (template[j] === '}') depth--;
    }
    branches.set(key[1]!, template.slice(start, j - 1));
    i = j;
  }
}
