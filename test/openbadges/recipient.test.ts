import { describe, expect, it } from 'vitest';
import { hashEmailIdentity, newSalt, normaliseEmail, recipientMatches } from '../../src/openbadges/recipient.ts';

describe('normaliseEmail', () => {
  it('trims and lower-cases', () => {
    expect(normaliseEmail('  Alice.Martin@Example.ORG\n')).toBe('alice.martin@example.org');
  });
});

describe('newSalt', () => {
  it('is at least 16 random bytes of lower-case hex, fresh each time', () => {
    const salts = new Set(Array.from({ length: 50 }, () => newSalt()));
    expect(salts.size).toBe(50);
    for (const salt of salts) expect(salt).toMatch(/^[0-9a-f]{32,}$/);
  });
});

describe('hashEmailIdentity', () => {
  it('hashes the normalised email followed by the salt with sha256', () => {
    // sha256("alice@example.org" + "c0ffee"), computed outside this code base.
    expect(hashEmailIdentity('alice@example.org', 'c0ffee')).toEqual({
      type: 'email',
      hashed: true,
      salt: 'c0ffee',
      identity: 'sha256$5b7206eee76001e69a403df65d47b4395234da2d76f3163620d634bc20068e8e',
    });
  });

  it('normalises before hashing, so OBP users match with the address they were given', () => {
    expect(hashEmailIdentity('  ALICE@Example.org ', 'c0ffee').identity).toBe(hashEmailIdentity('alice@example.org', 'c0ffee').identity);
  });

  it('writes the prefix and the hex in lower case (OBP compares case-sensitively)', () => {
    const { identity } = hashEmailIdentity('Someone@Example.org');
    expect(identity).toMatch(/^sha256\$[0-9a-f]{64}$/);
  });

  it('uses a fresh salt per call by default', () => {
    const a = hashEmailIdentity('a@example.org');
    const b = hashEmailIdentity('a@example.org');
    expect(a.salt).not.toBe(b.salt);
    expect(a.identity).not.toBe(b.identity);
  });
});

describe('recipientMatches', () => {
  it('matches our own hashed identities, whatever the case and spaces typed', () => {
    const recipient = hashEmailIdentity('alice@example.org');
    expect(recipientMatches(recipient, 'alice@example.org')).toBe(true);
    expect(recipientMatches(recipient, ' Alice@EXAMPLE.org ')).toBe(true);
    expect(recipientMatches(recipient, 'bob@example.org')).toBe(false);
  });

  it('checks the spec\'s own IdentityHash example (sha256 of "mayze", unsalted)', () => {
    const recipient = {
      type: 'email',
      hashed: true,
      identity: 'sha256$7a1a1b3f7d40552e4299180e346e3add12bf9a751a43d9c4ca4518febc2c60c6',
    };
    expect(recipientMatches(recipient, 'mayze')).toBe(true);
    expect(recipientMatches(recipient, 'maize')).toBe(false);
  });

  it('accepts upper-case hex and md5 hashes from other issuers', () => {
    const recipient = { type: 'email', hashed: true, salt: 'pepper', identity: 'MD5$5D57A505A10DABF8EEEC16A22787A13B' };
    expect(recipientMatches(recipient, 'bob@example.org')).toBe(true);
    expect(recipientMatches(recipient, 'rob@example.org')).toBe(false);
  });

  it('finds an address another issuer hashed with its original case', () => {
    const recipient = {
      type: 'email',
      hashed: true,
      identity: 'sha256$30374b2ebec0fb1214b05ee8c48142a0598497e5b85e92df810b5ab3bad2da3a',
    };
    expect(recipientMatches(recipient, 'Carol@Example.org')).toBe(true);
  });

  it('compares unhashed identities case-insensitively', () => {
    const recipient = { type: 'email', hashed: false, identity: 'Alice@Example.org' };
    expect(recipientMatches(recipient, 'alice@example.org ')).toBe(true);
    expect(recipientMatches(recipient, 'alice@example.com')).toBe(false);
  });

  it('refuses unknown algorithms, non-email identities and empty candidates', () => {
    const { identity, salt } = hashEmailIdentity('alice@example.org', 's');
    expect(recipientMatches({ type: 'email', hashed: true, salt, identity: identity.replace('sha256', 'sha1') }, 'alice@example.org')).toBe(
      false,
    );
    expect(recipientMatches({ type: 'url', hashed: true, salt, identity }, 'alice@example.org')).toBe(false);
    expect(recipientMatches({ type: 'email', hashed: false, identity: '' }, '  ')).toBe(false);
  });
});
