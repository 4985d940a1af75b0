/**
 * How a badge is named in a file typed by hand (a CSV import's « badge »
 * column, its row correction form): the same name whatever its accents, case,
 * spaces, apostrophes or dashes (« Organiser - je maitrise » is « Organiser —
 * je maîtrise »), and, when none matches, the nearest name to suggest.
 */

/** Every dash a keyboard, a word processor or a spreadsheet may put for the em dash of our names. */
const DASHES = /[-‐‑‒–—―−﹘﹣－]/gu;

/** The key two spellings of one badge name share. */
export function badgeNameKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(DASHES, ' - ')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** Edits (insert, delete, replace a character) from one key to the other. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The name nearest to `text` among `names`, if one is near enough to be what
 * was meant: at most a third of the typed name's characters changed (a typo,
 * a missing word), the first of equally near ones.
 */
export function nearestBadgeName(text: string, names: readonly string[]): string | undefined {
  const key = badgeNameKey(text);
  if (!key) return undefined;
  const allowed = Math.max(2, Math.floor(key.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = editDistance(key, badgeNameKey(name));
    if (distance <= allowed && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}
