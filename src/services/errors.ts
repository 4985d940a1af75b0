/**
 * A refusal the user can act on. `code` is stable (the API returns it, the
 * web layer translates it); `status` is the HTTP status it maps to.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429,
    readonly params: Record<string, string | number> = {},
  ) {
    super(code);
    this.name = 'DomainError';
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
  // A CSV import's file as a whole (ImportFileError; i18n under awarding.csv.file.* in src/i18n/features/awarding.ts).
  | 'empty'
  | 'too_large'
  | 'spreadsheet'
  | 'malformed'
  | 'missing_columns'
  | 'duplicate_column'
  | 'no_rows'
  | 'too_many_rows';

export const notFound = (code: ErrorCode = 'not_found') => new DomainError(code, 404);
