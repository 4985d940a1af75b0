import { describe, expect, it } from 'vitest';
import { detectBadgeInput } from '../../src/openbadges/input.ts';
import { fixtureText, makePng } from './support.ts';

describe('detectBadgeInput', () => {
  it('recognises a PNG by its signature', () => {
    const png = makePng();
    expect(detectBadgeInput(png)).toEqual({ kind: 'png', bytes: png });
  });

  it('recognises SVG text and SVG bytes (with a BOM)', () => {
    const svg = fixtureText('spec-baked-hosted.svg');
    expect(detectBadgeInput(svg)).toEqual({ kind: 'svg', text: svg.trim() });
    expect(detectBadgeInput(Buffer.from(`\uFEFF${svg}`))).toEqual({ kind: 'svg', text: svg.trim() });
  });

  it('recognises a compact JWS', () => {
    const jws = fixtureText('spec-signed-badge.jws');
    expect(detectBadgeInput(`  ${jws}\n`)).toEqual({ kind: 'jws', jws });
  });

  it('recognises assertion JSON and parses it', () => {
    const json = fixtureText('spec-assertion.json');
    expect(detectBadgeInput(json)).toEqual({ kind: 'json', json: JSON.parse(json) });
  });

  it('recognises an assertion URL', () => {
    expect(detectBadgeInput('https://example.org/beths-robotics-badge.json')).toEqual({
      kind: 'url',
      url: 'https://example.org/beths-robotics-badge.json',
    });
  });

  it('never throws: anything else is handed on as raw text', () => {
    expect(detectBadgeInput('{ not json')).toEqual({ kind: 'json', json: '{ not json' });
    expect(detectBadgeInput('hello')).toEqual({ kind: 'json', json: 'hello' });
    expect(detectBadgeInput(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toMatchObject({ kind: 'json' });
    expect(detectBadgeInput('ftp://example.org/a')).toEqual({ kind: 'json', json: 'ftp://example.org/a' });
  });
});
