/**
 * The committed images of the regional catalogue (see
 * scripts/render-catalogue-images.ts), read without rendering anything.
 */
import { readFileSync } from 'node:fs';
import { findCatalogueBadge } from './regional.ts';

/** assets/catalogue/ at the root of the repository, whatever the working directory. */
export const CATALOGUE_ASSETS_DIR = new URL('../../assets/catalogue/', import.meta.url);

export interface CatalogueImage {
  svg: string;
  png: Uint8Array;
}

/** Reads the SVG and PNG of a catalogue badge. Throws on a key that is not in the catalogue. */
export function loadCatalogueImage(key: string): CatalogueImage {
  // Only known keys reach the file system: no path built from arbitrary input.
  const badge = findCatalogueBadge(key);
  if (!badge) throw new Error(`No badge "${key}" in the regional catalogue`);
  const svg = readFileSync(new URL(`${badge.key}.svg`, CATALOGUE_ASSETS_DIR), 'utf8');
  const png = new Uint8Array(readFileSync(new URL(`${badge.key}.png`, CATALOGUE_ASSETS_DIR)));
  return { svg, png };
}
