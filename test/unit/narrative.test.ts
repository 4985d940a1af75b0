import { describe, expect, it } from 'vitest';
import { narrativeBlocks } from '../../src/services/narrative.ts';
import { renderNarrative } from '../../src/web/narrative.ts';

describe('narratives and descriptions (one markdown-it, HTML off, safe links only)', () => {
  it('makes paragraphs of blocks and keeps line breaks inside them', () => {
    expect(renderNarrative('Première ligne\nseconde ligne\n\nAutre paragraphe')).toBe(
      '<p>Première ligne<br>\nseconde ligne</p>\n<p>Autre paragraphe</p>',
    );
    expect(renderNarrative('Un\r\n\r\nDeux')).toBe('<p>Un</p>\n<p>Deux</p>');
  });

  it('renders **bold** and *emphasis*, never the literal stars', () => {
    const html = renderNarrative('Une structure **engagée** pour *tous*, \\*vraiment\\*.');
    expect(html).toBe('<p>Une structure <strong>engagée</strong> pour <em>tous</em>, *vraiment*.</p>');
    expect(renderNarrative('**Organiser** — je maîtrise')).not.toContain('**');
  });

  it('makes a list of "- " and "1. " lines, alone or after an introducing line', () => {
    expect(renderNarrative('- écoute\n- **reformule**')).toBe('<ul>\n<li>écoute</li>\n<li><strong>reformule</strong></li>\n</ul>');
    expect(renderNarrative('La personne :\n- écoute\n- reformule\n\nEt conclut.')).toBe(
      '<p>La personne :</p>\n<ul>\n<li>écoute</li>\n<li>reformule</li>\n</ul>\n<p>Et conclut.</p>',
    );
    expect(renderNarrative('1. un\n2. deux')).toBe('<ol>\n<li>un</li>\n<li>deux</li>\n</ol>');
  });

  it('never lets HTML through: tags and attributes are text', () => {
    expect(renderNarrative('<script>alert(1)</script>\n- <img src=x onerror=alert(1)>')).toBe(
      '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n<ul>\n<li>&lt;img src=x onerror=alert(1)&gt;</li>\n</ul>',
    );
    expect(renderNarrative('<a href="javascript:alert(1)">x</a> <iframe src="https://evil.example"></iframe>')).not.toMatch(
      /<(a|iframe)\b/,
    );
    expect(renderNarrative('&lt;b&gt; &amp;')).toBe('<p>&lt;b&gt; &amp;</p>');
  });

  it('links only to http(s) and mailto addresses, with no referrer', () => {
    expect(renderNarrative('[le référentiel](https://example.org/a?b=1&c=2)')).toBe(
      '<p><a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">le référentiel</a></p>',
    );
    expect(renderNarrative('[écrire](mailto:contact@example.org)')).toContain('href="mailto:contact@example.org"');
    for (const attack of [
      '[clic](javascript:alert(1))',
      '[clic](JaVaScRiPt:alert(1))',
      '[clic](  javascript:alert(1))',
      '[clic](data:text/html;base64,PHNjcmlwdD4=)',
      '[clic](vbscript:msgbox)',
      '[clic](/workspace/admin)',
      '<javascript:alert(1)>',
      '![x](javascript:alert(1))',
    ]) {
      const html = renderNarrative(attack);
      expect(html, attack).not.toMatch(/<a\b|<img\b/);
    }
    // A quote cannot leave the attribute.
    expect(renderNarrative('[x](https://e.org/"onmouseover="alert(1))')).toBe(
      '<p><a href="https://e.org/%22onmouseover=%22alert(1)" rel="nofollow noopener noreferrer">x</a></p>',
    );
    // No bare address becomes a link by itself.
    expect(renderNarrative('voir www.example.org')).toBe('<p>voir www.example.org</p>');
  });

  it("loads no outside image and keeps the page's heading order", () => {
    expect(renderNarrative('![le schéma](https://example.org/s.png)')).toBe(
      '<p><a href="https://example.org/s.png" rel="nofollow noopener noreferrer">le schéma</a></p>',
    );
    expect(renderNarrative('# Critères\n\nTexte')).toBe('<p><strong>Critères</strong></p>\n<p>Texte</p>');
  });

  it('gives the PDF the same reading, as plain blocks', () => {
    expect(narrativeBlocks('Intro **forte** :\n- écoute\n- [lien](https://e.org)\n\nFin\nsur deux lignes')).toEqual([
      { kind: 'paragraph', text: 'Intro forte :' },
      { kind: 'item', text: 'écoute' },
      { kind: 'item', text: 'lien (https://e.org)' },
      { kind: 'paragraph', text: 'Fin sur deux lignes' },
    ]);
    expect(narrativeBlocks('<b>x</b> [m](mailto:a@b.fr)')).toEqual([{ kind: 'paragraph', text: '<b>x</b> m (a@b.fr)' }]);
  });
});
