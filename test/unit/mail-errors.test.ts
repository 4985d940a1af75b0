import { describe, expect, it } from 'vitest';
import { translator } from '../../src/i18n/index.ts';
import { mailErrorKey } from '../../src/web/mail-errors.ts';

/** The stored delivery errors (src/services/mail/transport.ts: code, SMTP reply, text), in words. */
describe('a delivery error in words', () => {
  it('tells a refused address, a refusal for now, a refused message, an unreachable server and a refused login apart', () => {
    expect(mailErrorKey("EENVELOPE 550 Can't send mail - all recipients were rejected: 550 5.1.1 User unknown")).toBe(
      'mail.error.refusedAddress',
    );
    expect(mailErrorKey('EENVELOPE 451 Mailbox busy')).toBe('mail.error.refusedForNow');
    expect(mailErrorKey('EMESSAGE 554 Message rejected as spam')).toBe('mail.error.refusedMessage');
    expect(mailErrorKey('ECONNECTION connect ECONNREFUSED 127.0.0.1:25')).toBe('mail.error.unreachable');
    expect(mailErrorKey('ETIMEDOUT Connection timeout')).toBe('mail.error.unreachable');
    expect(mailErrorKey('EAUTH 535 Authentication failed')).toBe('mail.error.login');
    expect(mailErrorKey('550 <mailbox> unknown')).toBe('mail.error.refusedAddress');
    expect(mailErrorKey('Adresse corrigée : remplacé par un envoi à la nouvelle adresse.')).toBe('mail.error.superseded');
    expect(mailErrorKey('unexpected error while sending')).toBe('mail.error.other');
  });

  it('has words in both languages for each', () => {
    const keys = ['refusedAddress', 'refusedForNow', 'refusedMessage', 'unreachable', 'login', 'superseded', 'other'] as const;
    for (const locale of ['fr', 'en'] as const) {
      const t = translator(locale);
      for (const key of keys) expect(t(`mail.error.${key}`), `${locale} ${key}`).not.toBe(`mail.error.${key}`);
    }
    expect(translator('en')('mail.error.refusedAddress')).toContain('The receiving server refused this address');
  });
});
