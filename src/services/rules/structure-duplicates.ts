/**
 * When a new structure is likely one that exists already: the same name, or
 * the same site, whatever the case, accents, spaces and punctuation
 * (« Mission locale de Caen » is « MISSION LOCALE DE CAEN » and « Mission
 * Locale - de Caën »; https://www.ml-caen.fr/ is http://ml-caen.fr). The
 * Région is then warned and asked to confirm: two structures may share a
 * name (two « Mission locale » in two towns), so it is a question, not a refusal.
 */

/** The key two spellings of one structure name share. */
export function structureNameKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The key two addresses of one site share: the host without « www. », then
 * the path without its trailing slash; the scheme, port, query and fragment
 * do not count. An address that is not one keys as itself, lowercased.
 */
export function siteKey(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return url.trim().toLowerCase();
  }
  const host = parsed.hostname
    .toLowerCase()
    .replace(/^www\./, '')
    .replace(/\.$/, '');
  const path = decodeURIComponentSafe(parsed.pathname).replace(/\/+$/, '').toLowerCase();
  return `${host}${path}`;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export type DuplicateReason = 'name' | 'site';

export interface LikelyDuplicate<T> {
  structure: T;
  reasons: DuplicateReason[];
}

/** The existing structures the new one is likely a duplicate of, and why; none when it looks new. */
export function likelyDuplicates<T extends { name: string; url: string }>(
  candidate: { name: string; url: string },
  existing: readonly T[],
): LikelyDuplicate<T>[] {
  const name = structureNameKey(candidate.name);
  const site = siteKey(candidate.url);
  return existing.flatMap((structure) => {
    const reasons: DuplicateReason[] = [];
    if (name !== '' && structureNameKey(structure.name) === name) reasons.push('name');
    if (site !== '' && siteKey(structure.url) === site) reasons.push('site');
    return reasons.length ? [{ structure, reasons }] : [];
  });
}

/**
 * What tells apart structures of the same name in a list (the header's
 * switcher): the host of the site for each one whose name another shares,
 * then its contact address if the host is shared too; null for a name that
 * is alone.
 */
export function distinguishingDetails<T extends { id: string; name: string; url: string; email: string }>(
  structures: readonly T[],
): Map<string, string | null> {
  const byName = new Map<string, T[]>();
  for (const s of structures) {
    const key = structureNameKey(s.name);
    byName.set(key, [...(byName.get(key) ?? []), s]);
  }
  const details = new Map<string, string | null>();
  for (const group of byName.values()) {
    for (const s of group) {
      if (group.length === 1) {
        details.set(s.id, null);
        continue;
      }
      const host = hostOf(s.url);
      const sameHost = group.filter((o) => hostOf(o.url) === host).length > 1;
      details.set(s.id, sameHost ? `${host} · ${s.email}` : host);
    }
  }
  return details;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    return url;
  }
}
