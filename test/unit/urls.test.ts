import { describe, expect, it } from 'vitest';
import { PublicUrls, paths, redactSecretLinks } from '../../src/services/urls.ts';

/** Emailed links are in people's mailboxes: their form is fixed. */
describe('the addresses PublicUrls emails and publishes', () => {
  const urls = new PublicUrls('https://badges.example.org');

  it('keeps the form of every emailed link', () => {
    expect(urls.passwordReset('abc_-1')).toBe('https://badges.example.org/mot-de-passe/abc_-1');
    expect(urls.invitation('abc_-1')).toBe('https://badges.example.org/invitation/abc_-1');
    expect(urls.learnerSignIn('abc_-1')).toBe('https://badges.example.org/mon-espace/lien/abc_-1');
    expect(urls.learnerSpace()).toBe('https://badges.example.org/mon-espace');
    expect(urls.unsubscribe('bGVh.mac')).toBe('https://badges.example.org/courriels/arret/bGVh.mac');
  });

  it('puts an unsubscribe token too long for a path segment in the query string', () => {
    const long = `${'a'.repeat(201)}.mac`;
    expect(urls.unsubscribe(long)).toBe(`https://badges.example.org/courriels/arret?jeton=${long}`);
    expect(urls.unsubscribe('a'.repeat(200))).toBe(`https://badges.example.org/courriels/arret/${'a'.repeat(200)}`);
  });

  it('gives the same paths to the forms that post back to them', () => {
    expect(paths.passwordReset('t')).toBe('/mot-de-passe/t');
    expect(paths.invitation('t')).toBe('/invitation/t');
    expect(paths.unsubscribe('t')).toBe('/courriels/arret/t');
  });

  it('names a signed assertion urn:uuid: with the hosted one’s uuid, and reads it back', () => {
    const id = '8f1c2e9a-0000-4000-8000-000000000000';
    expect(urls.signedAssertionId(id)).toBe(`urn:uuid:${id}`);
    expect(urls.assertionIdOfSigned(urls.signedAssertionId(id))).toBe(id);
    expect(urls.assertionIdOfSigned(urls.assertion(id))).toBeUndefined();
  });
});

describe('the secret links of an email shown to staff', () => {
  const urls = new PublicUrls('https://badges.example.org');
  const token = 'Zm9vYmFyX2-Zm9vYmFy';

  it('redacts every declared link, in text and in HTML, and nothing else', () => {
    const long = `${'a'.repeat(201)}.mac`;
    const text = [
      urls.passwordReset(token),
      urls.invitation(token),
      urls.learnerSignIn(token),
      urls.unsubscribe('bGVh.mac'),
      urls.unsubscribe(long),
      urls.assertion('0e7a4b9c-1f3d-4a5b-8c6d-7e8f9a0b1c2d'),
    ].join('\n');
    const redacted = redactSecretLinks(text);
    expect(redacted).not.toContain(token);
    expect(redacted).not.toContain('bGVh');
    expect(redacted).not.toContain(long);
    expect(redacted).toContain('https://badges.example.org/mot-de-passe/***');
    expect(redacted).toContain('https://badges.example.org/courriels/arret?jeton=***');
    expect(redacted).toContain(urls.assertion('0e7a4b9c-1f3d-4a5b-8c6d-7e8f9a0b1c2d'));

    const html = `<a href="${urls.learnerSignIn(token)}">ouvrir</a> <a href="https://badges.example.org/courriels/arret?x=1&amp;jeton=${long}">arrêter</a>`;
    const redactedHtml = redactSecretLinks(html);
    expect(redactedHtml).toBe(
      '<a href="https://badges.example.org/mon-espace/lien/***">ouvrir</a> <a href="https://badges.example.org/courriels/arret?x=1&amp;jeton=***">arrêter</a>',
    );
  });
});
