import {
  type BadgeInput,
  type DocumentLoader,
  isPng,
  type LoadedDocument,
  looksLikeCompactJws,
  parseDateTime,
  type VerificationReport,
  verifyBadge,
} from '../openbadges/index.ts';
import { DomainError } from './errors.ts';
import type { PublicationService } from './publication.ts';
import type { OpenBadgeCredentialService } from './open-badges-v3/credentials.ts';
import {
  credentialFromPng,
  credentialFromSvg,
  type CredentialReport,
  isCredentialJson,
  isVcJwt,
  unreadCredentialReport,
  verifyCredentialDocument,
  verifyCredentialJwt,
} from '../openbadges/v3/read.ts';
import { type RemoteDocuments, RemoteDocumentError, type RemoteFailure } from './remote-documents.ts';
import type { PublicUrls } from './urls.ts';
import type { Clock } from '../clock.ts';

/**
 * « Vérifier un badge »: any Open Badges 2.0 badge, from any issuer, checked
 * by the same core verifier as our own pages. Our own documents are read
 * in-process (no network to ourselves); everyone else's go through
 * RemoteDocuments and its network guards.
 */

export const VERIFIER_MAX_FILE_BYTES = 2 * 1024 * 1024;
/** A JWS or an assertion's JSON is a few kilobytes; this leaves room for embedded images. */
export const VERIFIER_MAX_TEXT_CHARS = 200_000;
const MAX_EMAIL = 320;
/**
 * The whole verification's budget. Each remote document has up to 10 s
 * (REMOTE_TIMEOUT_MS), but the longest chain is four or five documents one
 * after the other (the assertion, again at its id, its BadgeClass, the issuer
 * Profile, the revocation list or the image): 30 s lets an issuer that
 * answers each in 6 s verify, and bounds what one request may hold. A fetch
 * started near the end gets only what is left.
 */
const VERIFICATION_BUDGET_MS = 30_000;
const MAX_IMAGE_DATA_URI = 1_500_000;

/** What a person sent: a file, a pasted text, and optionally the email the badge should belong to. */
export interface VerifierSubmission {
  file?: { bytes: Uint8Array; filename?: string };
  text?: string;
  email?: string;
}

/** Why a submission was refused before any verification: each has its own message. */
export type VerifierInputProblem =
  | 'empty'
  | 'both'
  | 'file_empty'
  | 'file_type'
  | 'text_too_long'
  | 'url_scheme'
  | 'url_malformed'
  | 'json_malformed'
  | 'text_unrecognised'
  | 'email_invalid';

export type FetchFailureCode = RemoteFailure | 'http_status';

export interface FetchFailure {
  url: string;
  code: FetchFailureCode;
  status?: number;
}

/**
 * What the page states first. 'unverifiable' is an invalid badge whose
 * documents could not be obtained, rather than one proven false.
 */
export type Verdict = 'valid' | 'expired' | 'revoked' | 'invalid' | 'unverifiable';

export interface VerifierOutcome {
  verdict: Verdict;
  report: VerificationReport;
  /** Fetches that failed, in order, each with its cause. */
  failures: FetchFailure[];
  /** Whether an email address was given and checked. */
  emailChecked: boolean;
  /** True when the badge is one of ours (its issuer lives under PUBLIC_URL). */
  ours: boolean;
  /** Our recruiter's page for one of our badges. */
  assertionPage?: string;
  /** The badge's image, ready for <img src>: our own URL or a data: URI. */
  image?: string;
  issuedOn?: Date;
  expires?: Date;
}

/** A 3.0 credential found in a submission. */
type SentCredential = { kind: 'document'; json: unknown } | { kind: 'jwt'; jwt: string } | { kind: 'unread'; report: CredentialReport };

export type VerifierResult = { ok: true; outcome: VerifierOutcome } | { ok: false; problem: VerifierInputProblem };

/** Reasons that leave the badge unproven rather than proven false. */
const UNVERIFIABLE = new Set([
  'assertion_unavailable',
  'badge_class_unavailable',
  'issuer_unavailable',
  'key_unavailable',
  'revocation_list_unavailable',
  'unexpected_error',
  'issuer_not_established',
  'older_version',
  'badge_class_image_unavailable',
  // Signed before a key rotation: genuine once, to be downloaded again, not forged.
  'key_replaced',
  // Open Badges 3.0: forms and lists this page does not read, keys it cannot reach.
  'vc_jwt_unsupported',
  'unsupported_cryptosuite',
  'key_not_http',
  'status_unsupported',
  'status_list_invalid',
]);

export class VerifierService {
  constructor(
    private readonly publication: PublicationService,
    private readonly urls: PublicUrls,
    private readonly remote: RemoteDocuments,
    private readonly now: Clock,
    /** Our own 3.0 documents, read in-process like the 2.0 ones. */
    private readonly openBadges3?: OpenBadgeCredentialService,
  ) {}

  /** Sorts what was sent into something the core verifier reads, or says what is wrong with it. */
  classify(submission: VerifierSubmission): { ok: true; input: BadgeInput; email?: string } | { ok: false; problem: VerifierInputProblem } {
    const email = (submission.email ?? '').trim();
    if (email !== '' && (email.length > MAX_EMAIL || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))) {
      return { ok: false, problem: 'email_invalid' };
    }
    const text = (submission.text ?? '').replace(/^\uFEFF/, '').trim();
    const file = submission.file && (submission.file.bytes.length > 0 || submission.file.filename) ? submission.file : undefined;
    if (file && text !== '') return { ok: false, problem: 'both' };
    const withEmail = <T extends BadgeInput>(input: T) => ({ ok: true as const, input, ...(email !== '' && { email }) });

    if (file) {
      const bytes = file.bytes;
      if (bytes.length === 0) return { ok: false, problem: 'file_empty' };
      if (isPng(bytes)) return withEmail({ kind: 'png', bytes });
      let decoded: string;
      try {
        decoded = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        return { ok: false, problem: 'file_type' };
      }
      const svg = decoded.replace(/^\uFEFF/, '').trimStart();
      if (svg.startsWith('<') && /<svg[\s>]/i.test(svg.slice(0, 4096))) return withEmail({ kind: 'svg', text: svg });
      // A 3.0 credential's .json file (what wallets export); a 2.0 JSON file stays refused, as before.
      if (svg.startsWith('{')) {
        try {
          const json = JSON.parse(svg) as unknown;
          if (isCredentialJson(json)) return withEmail({ kind: 'json', json });
        } catch {
          return { ok: false, problem: 'file_type' };
        }
      }
      return { ok: false, problem: 'file_type' };
    }

    if (text === '') return { ok: false, problem: 'empty' };
    if (text.length > VERIFIER_MAX_TEXT_CHARS) return { ok: false, problem: 'text_too_long' };
    if (looksLikeCompactJws(text)) return withEmail({ kind: 'jws', jws: text });
    if (text.startsWith('{')) {
      try {
        return withEmail({ kind: 'json', json: JSON.parse(text) as unknown });
      } catch {
        return { ok: false, problem: 'json_malformed' };
      }
    }
    if (text.startsWith('<')) return withEmail({ kind: 'svg', text });
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text);
    if (scheme) {
      const protocol = scheme[1]!.toLowerCase();
      if (protocol !== 'http' && protocol !== 'https') return { ok: false, problem: 'url_scheme' };
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        return { ok: false, problem: 'url_malformed' };
      }
      if (/\s/.test(text) || url.hostname === '' || url.username !== '' || url.password !== '') {
        return { ok: false, problem: 'url_malformed' };
      }
      return withEmail({ kind: 'url', url: url.href });
    }
    return { ok: false, problem: 'text_unrecognised' };
  }

  async verify(submission: VerifierSubmission): Promise<VerifierResult> {
    const classified = this.classify(submission);
    if (!classified.ok) return classified;

    const failures: FetchFailure[] = [];
    const loader = this.loader(failures);
    const credential = this.credentialIn(classified.input);
    if (credential !== undefined) return { ok: true, outcome: await this.verifyCredential(credential, loader, failures, classified.email) };
    const report = await verifyBadge(classified.input, {
      loader,
      now: this.now(),
      ...(classified.email !== undefined && { recipientEmail: classified.email }),
    });

    const issuerId = report.issuer?.id ?? report.badgeClass?.issuer;
    // « Awarded on this platform » only when the issuer's identity was established from what it publishes: a file
    // that merely names one of our issuers (a forgery, a broken signature) gets no word or link of ours.
    const ours = report.issuerIdentity.established && issuerId !== undefined && this.isOurs(issuerId);
    const assertionId = report.assertion?.id;
    const uuid = assertionId ? this.urls.assertionIdOfSigned(assertionId) : undefined;
    const assertionPage = ours
      ? uuid
        ? this.urls.assertion(uuid)
        : assertionId !== undefined && this.isOurs(assertionId)
          ? assertionId
          : undefined
      : undefined;
    const issuedOn = report.assertion ? parseDateTime(report.assertion.issuedOn) : null;
    const expires = report.assertion?.expires ? parseDateTime(report.assertion.expires) : null;
    const image =
      report.badgeClassImage && report.badgeClassImage.bytes.length <= MAX_IMAGE_DATA_URI
        ? `data:${report.badgeClassImage.mime};base64,${Buffer.from(report.badgeClassImage.bytes).toString('base64')}`
        : report.badgeClass?.image
          ? this.image(report.badgeClass.image)
          : undefined;

    return {
      ok: true,
      outcome: {
        verdict: verdictOf(report),
        report,
        failures,
        emailChecked: classified.email !== undefined,
        ours,
        ...(assertionPage !== undefined && { assertionPage }),
        ...(image !== undefined && { image }),
        ...(issuedOn && { issuedOn }),
        ...(expires && { expires }),
      },
    };
  }

  /**
   * An Open Badges 3.0 credential in what was sent: its JSON or JWT, a
   * report saying why it cannot be read, or undefined for anything else
   * (read as 2.0). Tagged, so that nothing sent is ever taken for a report.
   */
  private credentialIn(input: BadgeInput): SentCredential | undefined {
    const parsed = (text: string | null): SentCredential | undefined => {
      if (text === null) return undefined;
      try {
        return { kind: 'document', json: JSON.parse(text) as unknown };
      } catch {
        return { kind: 'unread', report: unreadCredentialReport('credential_not_json') };
      }
    };
    try {
      if (input.kind === 'json') return isCredentialJson(input.json) ? { kind: 'document', json: input.json } : undefined;
      if (input.kind === 'png') return parsed(credentialFromPng(input.bytes));
      if (input.kind === 'svg') return parsed(credentialFromSvg(input.text));
      if (input.kind === 'jws') return isVcJwt(input.jws) ? { kind: 'jwt', jwt: input.jws } : undefined;
    } catch {
      // A broken image: the 2.0 reading says so in its own words.
      return undefined;
    }
    return undefined;
  }

  private async verifyCredential(
    credential: SentCredential,
    loader: DocumentLoader,
    failures: FetchFailure[],
    email?: string,
  ): Promise<VerifierOutcome> {
    const options = { loader: this.ob3Loader(loader), now: this.now(), ...(email !== undefined && { recipientEmail: email }) };
    const report: CredentialReport =
      credential.kind === 'unread'
        ? credential.report
        : credential.kind === 'jwt'
          ? await verifyCredentialJwt(credential.jwt, options)
          : await verifyCredentialDocument(credential.json, options);
    // As for 2.0: ours only when the issuer's identity was established, never because the credential says so.
    const ours = report.issuerIdentity.established && report.issuerId !== undefined && this.isOurs(report.issuerId);
    const uuid = /^urn:uuid:([0-9a-f-]{36})$/.exec(report.credentialId ?? '')?.[1];
    const image = report.badgeClass?.image ? this.image(report.badgeClass.image) : undefined;
    return {
      verdict: verdictOf(report),
      report,
      failures,
      emailChecked: email !== undefined,
      ours,
      ...(ours && uuid !== undefined && { assertionPage: this.urls.assertion(uuid) }),
      ...(image !== undefined && { image }),
      ...(report.validFrom && { issuedOn: report.validFrom }),
      ...(report.validUntil && { expires: report.validUntil }),
    };
  }

  /** Our 3.0 issuer Profiles, keys and status lists in-process; everything else through `loader`. */
  private ob3Loader(loader: DocumentLoader): DocumentLoader {
    const service = this.openBadges3;
    return {
      fetchJson: async (url) => {
        const path = this.isOurs(url) ? url.slice(this.urls.origin.length) : undefined;
        const match =
          path === undefined || !service
            ? null
            : /^\/ob3\/issuers\/([0-9a-f-]{36})(?:\/keys\/([0-9a-f-]{36})|\/status\/(\d{1,6}))?$/.exec(path);
        if (!match || !service) return loader.fetchJson(url);
        try {
          const body = match[2]
            ? await service.keyDocument(match[1]!, match[2])
            : match[3]
              ? await service.statusList(match[1]!, Number(match[3]))
              : await service.profileDocument(match[1]!);
          return { status: 200, body };
        } catch (error) {
          if (error instanceof DomainError) return { status: error.status, body: null };
          throw error;
        }
      },
    };
  }

  private isOurs(url: string): boolean {
    return url.startsWith(`${this.urls.origin}/`);
  }

  /** Ours in-process, others' over the guarded network, every failure noted with its cause. */
  private loader(failures: FetchFailure[]): DocumentLoader {
    const local = this.publication.localLoader();
    const deadline = performance.now() + VERIFICATION_BUDGET_MS;
    const note = (failure: FetchFailure) => {
      if (!failures.some((f) => f.url === failure.url)) failures.push(failure);
    };
    const remaining = () => {
      const left = deadline - performance.now();
      if (left <= 0) throw new RemoteDocumentError('timeout', 'the verification took too long');
      return left;
    };
    return {
      fetchJson: async (url, options) => {
        if (this.isOurs(url)) return options?.acceptImage ? this.ourBakedImage(url, local) : local.fetchJson(url);
        try {
          const response = await this.remote.fetchJson(url, { ...options, timeoutMs: remaining() });
          if (response.status !== 200 && response.status !== 410) note({ url, code: 'http_status', status: response.status });
          return response;
        } catch (error) {
          note({ url, code: error instanceof RemoteDocumentError ? error.code : 'connection_failed' });
          throw error;
        }
      },
      // Our own images are ours to trust; others' are fetched for the verifier to check that they are images.
      fetchImage: async (url) => {
        if (this.isOurs(url)) return null;
        try {
          const response = await this.remote.fetchImageBytes(url, { timeoutMs: remaining() });
          if (response.status !== 200) note({ url, code: 'http_status', status: response.status });
          return response;
        } catch (error) {
          note({ url, code: error instanceof RemoteDocumentError ? error.code : 'connection_failed' });
          throw error;
        }
      },
    };
  }

  /** One of our own baked files pasted as a link: baked in-process, as it would be served. */
  private async ourBakedImage(url: string, local: DocumentLoader): Promise<LoadedDocument> {
    const match = /\/assertions\/([0-9a-f-]{36})\/(signed|hosted)\.(png|svg)$/.exec(url.slice(this.urls.origin.length));
    if (!match) return local.fetchJson(url);
    try {
      const baked = await this.publication.bakedImage(match[1]!, match[2] as 'signed' | 'hosted', match[3] as 'png' | 'svg');
      const bytes = typeof baked.bytes === 'string' ? new TextEncoder().encode(baked.bytes) : baked.bytes;
      return { status: 200, body: undefined, image: { mime: match[3] === 'png' ? 'image/png' : 'image/svg+xml', bytes } };
    } catch (error) {
      if (error instanceof DomainError) return { status: error.status, body: null };
      throw error;
    }
  }

  /** The badge picture for the page: our own URL, or others' image inlined (the page's CSP allows data: only). */
  private image(source: string): string | undefined {
    if (this.isOurs(source)) return source;
    const data = /^data:(image\/png|image\/svg\+xml)(;base64)?,(.*)$/is.exec(source.trim());
    if (data) {
      if (source.length > MAX_IMAGE_DATA_URI) return undefined;
      let bytes: Buffer;
      try {
        bytes = data[2] ? Buffer.from(data[3]!, 'base64') : Buffer.from(decodeURIComponent(data[3]!), 'utf8');
      } catch {
        return undefined;
      }
      if (data[1] === 'image/png' && !isPng(bytes)) return undefined;
      return `data:${data[1]!.toLowerCase()};base64,${bytes.toString('base64')}`;
    }
    // A linked image was fetched, and checked, by the verification itself (report.badgeClassImage).
    return undefined;
  }
}

function verdictOf(report: VerificationReport): Verdict {
  if (report.status !== 'invalid') return report.status;
  return report.reason !== undefined && UNVERIFIABLE.has(report.reason) ? 'unverifiable' : 'invalid';
}
