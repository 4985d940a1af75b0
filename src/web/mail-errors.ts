import type { MessageKey } from '../i18n/index.ts';

/**
 * Why a message was not delivered, in words, from the text the transport
 * stored (src/services/mail/transport.ts: nodemailer's code, the SMTP reply
 * code, the server's text). The raw text means nothing to a structure; it is
 * shown only to the Région, folded under the explanation.
 */
export function mailErrorKey(lastError: string): MessageKey {
  const words = lastError.trim().split(/\s+/).slice(0, 2);
  const code = /^E[A-Z]+$/.test(words[0] ?? '') ? words[0]! : '';
  const reply = words.find((w) => /^[245]\d\d$/.test(w)) ?? '';
  const temporary = reply.startsWith('4');
  switch (code) {
    case 'EENVELOPE':
      return temporary ? 'mail.error.refusedForNow' : 'mail.error.refusedAddress';
    case 'EMESSAGE':
      return temporary ? 'mail.error.refusedForNow' : 'mail.error.refusedMessage';
    case 'EAUTH':
      return 'mail.error.login';
    case 'ECONNECTION':
    case 'ETIMEDOUT':
    case 'ESOCKET':
    case 'EDNS':
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'EHOSTUNREACH':
    case 'ENOTFOUND':
    case 'EGREETING':
    case 'ETLS':
      return 'mail.error.unreachable';
  }
  // A server's reply without nodemailer's code: a lasting refusal is almost always the address.
  if (code === '' && reply.startsWith('5')) return 'mail.error.refusedAddress';
  if (code === '' && temporary) return 'mail.error.refusedForNow';
  // Written when a corrected address replaced the message (services/awarding.ts).
  if (lastError.startsWith('Adresse corrigée')) return 'mail.error.superseded';
  return 'mail.error.other';
}
