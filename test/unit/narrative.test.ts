import { describe, expect, it } from 'vitest';
import { renderNarrative } from '../../src/web/narrative.ts';

describe('narratives (the Markdown subset of criteria and evidence)', () => {
  it('makes paragraphs of blocks and keeps line breaks inside them', () => {
    expect(renderNarrative('Première ligne\nseconde ligne\n\nAutre paragraphe')).toBe(
      '<p>Première ligne<br>seconde ligne</p>\n<p>Autre paragraphe</p>',
    );
  });

  it('makes a list of "- " lines, alone or after an introducing line', () => {
    expect(renderNarrative('- écoute\n- **reformule**')).toBe('<ul><li>écoute</li><li><strong>reformule</strong></li></ul>');
    expect(renderNarrative('La personne :\n- écoute\n- reformule\nEt conclut.')).toBe(
      '<p>La personne :</p>\n<ul><li>écoute</li><li>reformule</li></ul>\n<p>Et conclut.</p>',
    );
  });

  it('escapes everything else', () => {
    expect(renderNarrative('<script>alert(1)</script>\n- <img src=x onerror=alert(1)>')).toBe(
      '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n<ul><li>&lt;img src=x onerror=alert(1)&gt;</li></ul>',
    );
  });
});
