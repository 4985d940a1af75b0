export type RefusalStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429;

/**
 * The one refusal type: what the user can act on, from any service, to any
 * entry point. `code` is stable (the API returns it); `params` fill in its
 * message; `status` is the HTTP status it maps to; `field` names the input it
 * is about (a form field, a CSV column, an API property), when it is about one.
 *
 * Its message is `messageKey` in src/i18n: `error.<code>`, or
 * `error.<topic>.<code>` for a family of refusals whose codes are only
 * meaningful together (a badge class's actions, the catalogue's, an uploaded
 * image, a CSV file, a badge class definition's field: the subclasses of DomainError, each
 * with the list of its codes).
 * The web layer words every refusal through that one key (src/web/refusals.ts);
 * no route keeps its own table of messages.
 */
export class DomainError<Code extends string = ErrorCode> extends Error {
  readonly field: string | undefined;
  readonly messageKey: string;

  constructor(
    readonly code: Code,
    readonly status: RefusalStatus,
    readonly params: Record<string, string | number> = {},
    options: { field?: string; messageKey?: string } = {},
  ) {
    super(code);
    this.name = 'DomainError';
    this.field = options.field;
    this.messageKey = options.messageKey ?? `error.${code}`;
  }
}

export type ErrorCode =
  | 'validation_failed'
  | 'not_found'
  | 'badge_class_not_found'
  | 'badge_class_archived'
  | 'badge_class_invalid'
  | 'assertion_not_found'
  | 'assertion_revoked'
  | 'already_revoked'
  | 'structure_not_found'
  | 'user_exists'
  | 'invalid_token'
  | 'idempotency_key_reused'
  | 'expires_before_issue'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'rate_limited'
  | 'setup_done'
  | 'invalid_credentials'
  | 'too_many_attempts'
  | 'csrf_failed'
  | 'not_a_member'
  | 'admin_only'
  | 'member_only'
  | 'platform_admin_only'
  // Accounts: one-time links, invitations, members (i18n in src/i18n/features/accounts.ts).
  | 'link_invalid'
  | 'already_member'
  | 'invitation_not_found'
  | 'member_not_found'
  | 'last_admin'
  // The outbox (i18n in src/i18n/features/mail.ts).
  | 'reveal_password_reset'
  | 'reveal_not_needed'
  // The programme's rules (i18n in src/i18n/features/programme-rules.ts).
  | 'duplicate_award';

export const notFound = (code: ErrorCode = 'not_found') => new DomainError(code, 404);
