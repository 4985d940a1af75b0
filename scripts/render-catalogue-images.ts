/**
 * Renders the images of the regional catalogue to assets/catalogue/<key>.svg
 * and <key>.png. The outputs are committed: seeding a structure's catalogue
 * then needs neither rendering nor fonts. Run it again whenever the catalogue
 * or the drawing code changes (test/unit/catalogue.test.ts fails until you do).
 *
 *   npx tsx scripts/render-catalogue-images.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CATALOGUE_ASSETS_DIR } from '../src/catalogue/assets.ts';
import { catalogueBadgeSvg, renderSvgToPng } from '../src/catalogue/images.ts';
import { REGIONAL_CATALOGUE } from '../src/catalogue/regional.ts';

const dir = fileURLToPath(CATALOGUE_ASSETS_DIR);
mkdirSync(dir, { recursive: true });
for (const badge of REGIONAL_CATALOGUE) {
  const svg = catalogueBadgeSvg(badge);
  const png = renderSvgToPng(svg);
  writeFileSync(new URL(`${badge.key}.svg`, CATALOGUE_ASSETS_DIR), svg);
  writeFileSync(new URL(`${badge.key}.png`, CATALOGUE_ASSETS_DIR), png);
  console.log(`${badge.key}: ${svg.length} bytes of SVG, ${png.length} bytes of PNG`);
}
console.log(`Written to ${dir}`);
