import { describe, expect, it } from 'vitest';
import { distinguishingDetails, likelyDuplicates, siteKey, structureNameKey } from '../../src/services/rules/structure-duplicates.ts';
import { refuseIfClosed, StructureRefusal } from '../../src/services/rules/structure-open.ts';

describe('a likely duplicate structure', () => {
  it('has the same name whatever its case, accents, spaces and punctuation', () => {
    const key = structureNameKey('Mission Locale de Caen');
    for (const same of ['MISSION LOCALE DE CAEN', 'mission locale de caën', '  Mission  Locale - de Caen ', 'Mission-Locale de Caen.']) {
      expect(structureNameKey(same), same).toBe(key);
    }
    expect(structureNameKey('Mission Locale de Bayeux')).not.toBe(key);
    expect(structureNameKey('Ça Émerge')).toBe('ca emerge');
  });

  it('has the same site whatever its scheme, www., case, port, query or trailing slash', () => {
    const key = siteKey('https://www.ml-caen.fr/');
    for (const same of ['http://ml-caen.fr', 'https://ML-CAEN.FR', 'https://www.ml-caen.fr:443/?utm=x#top', 'https://ml-caen.fr./']) {
      expect(siteKey(same), same).toBe(key);
    }
    // A path is part of the site: two branches under one domain are two sites.
    expect(siteKey('https://ml-caen.fr/lisieux')).not.toBe(key);
    expect(siteKey('https://ml-caen.fr/Lisieux/')).toBe(siteKey('https://ml-caen.fr/lisieux'));
    expect(siteKey('not a url')).toBe('not a url');
  });

  it('names every existing structure that matches, and why', () => {
    const existing = [
      { id: '1', name: 'Mission Locale de Caen', url: 'https://www.ml-caen.fr' },
      { id: '2', name: 'AFPA Alençon', url: 'https://ml-caen.fr/' },
      { id: '3', name: 'Cap Emploi', url: 'https://cap.example.org' },
    ];
    expect(likelyDuplicates({ name: 'mission locale de caen', url: 'http://ml-caen.fr' }, existing)).toEqual([
      { structure: existing[0], reasons: ['name', 'site'] },
      { structure: existing[1], reasons: ['site'] },
    ]);
    expect(likelyDuplicates({ name: 'AFPA alencon', url: 'https://afpa.example.org' }, existing)).toEqual([
      { structure: existing[1], reasons: ['name'] },
    ]);
    expect(likelyDuplicates({ name: 'CIDFF', url: 'https://cidff.example.org' }, existing)).toEqual([]);
  });
});

describe('structures of the same name in a list', () => {
  it('are told apart by their site, then by their contact address; a name alone needs nothing', () => {
    const details = distinguishingDetails([
      { id: 'a', name: 'Mission Locale', url: 'https://www.ml-lisieux.fr', email: 'a@x.fr' },
      { id: 'b', name: 'mission locale', url: 'https://ml-bayeux.fr', email: 'b@x.fr' },
      { id: 'c', name: 'Cap Emploi', url: 'https://cap.fr', email: 'c@x.fr' },
      { id: 'd', name: 'AFPA', url: 'https://afpa.fr', email: 'd1@x.fr' },
      { id: 'e', name: 'AFPA', url: 'https://afpa.fr/', email: 'd2@x.fr' },
    ]);
    expect(Object.fromEntries(details)).toEqual({
      a: 'ml-lisieux.fr',
      b: 'ml-bayeux.fr',
      c: null,
      d: 'afpa.fr · d1@x.fr',
      e: 'afpa.fr · d2@x.fr',
    });
  });
});

describe('a closed structure', () => {
  it('is refused with its name; an open one passes', () => {
    expect(() => refuseIfClosed({ name: 'Vire', closedAt: null })).not.toThrow();
    let error: unknown;
    try {
      refuseIfClosed({ name: 'Vire', closedAt: new Date('2026-05-04T08:00:00Z') });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StructureRefusal);
    expect(error).toMatchObject({
      code: 'structure_closed',
      status: 403,
      params: { structure: 'Vire' },
      messageKey: 'error.structure.structure_closed',
    });
  });
});
