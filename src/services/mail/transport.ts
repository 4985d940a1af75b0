import { createRequire } from 'node:module';
import type { Transporter } from 'nodemailer';

// Loaded when a transport is made (only with SMTP_URL), not by every process.
const loadNodemailer = () => createRequire(import.meta.url)('nodemailer') as typeof import('nodemailer');

export interface OutgoingEnvelope {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable per outbox message, so a receiver can recognise a repeat after a crash. */
  messageId: string;
  headers: Record<string, string>;
}

/** What the dispatcher sends through: SMTP in production, anything alike in principle. */
export interface MailTransport {
  send(envelope: OutgoingEnvelope): Promise<void>;
  close(): void;
}

/**
 * A refusal or a fault while sending. `permanent` when the server refused
 * this message or this recipient for good (5xx to RCPT or DATA): retrying
 * would not help. Everything else (connection, timeout, 4xx, a refused
 * login) is worth trying again later.
 */
export class MailSendError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'MailSendError';
  }
}

const PERMANENT_STAGES = new Set(['EENVELOPE', 'EMESSAGE']);

/**
 * nodemailer over SMTP_URL (smtp:// with STARTTLS when offered, smtps://
 * for implicit TLS), with a small pool of connections. Errors are turned
 * into a short text with no secret in it: the SMTP password never appears.
 */
export class SmtpTransport implements MailTransport {
  private readonly transporter: Transporter;
  private readonly secret: string;

  constructor(smtpUrl: string) {
    const url = new URL(smtpUrl);
    this.secret = decodeURIComponent(url.password);
    const nodemailer = loadNodemailer();
    this.transporter = nodemailer.createTransport({
      url: smtpUrl,
      pool: true,
      maxConnections: 3,
      connectionTimeout: 20_000,
      greetingTimeout: 20_000,
      socketTimeout: 60_000,
      logger: false,
    } as Parameters<typeof nodemailer.createTransport>[0]);
  }

  async send(envelope: OutgoingEnvelope): Promise<void> {
    try {
      await this.transporter.sendMail({
        from: envelope.from,
        to: envelope.to,
        subject: envelope.subject,
        text: envelope.text,
        html: envelope.html,
        messageId: envelope.messageId,
        headers: envelope.headers,
        // Bare line feeds and long lines are folded by nodemailer; this keeps the text readable in old clients.
        textEncoding: 'quoted-printable',
      });
    } catch (error) {
      const e = error as { code?: string; responseCode?: number; message?: string };
      const permanent = !!e.responseCode && e.responseCode >= 500 && PERMANENT_STAGES.has(e.code ?? '');
      let text = [e.code, e.responseCode, e.message].filter(Boolean).join(' ').replace(/\s+/g, ' ').slice(0, 500);
      if (this.secret) text = text.split(this.secret).join('***');
      throw new MailSendError(text || 'unknown error', permanent);
    }
  }

  close(): void {
    this.transporter.close();
  }
}
