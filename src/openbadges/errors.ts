// Callers (the issuing service, the web layer) branch on `code`, never on
// message text, so every failure this module throws on purpose is one of these.

export type OpenBadgesErrorCode =
  | 'invalid_document'
  | 'jws_malformed'
  | 'jws_bad_signature'
  | 'jws_bad_key'
  | 'jws_weak_key'
  | 'jws_unsupported_algorithm'
  | 'not_png'
  | 'corrupt_png'
  | 'not_svg'
  | 'unsupported_svg'
  | 'invalid_bake_input';

export class OpenBadgesError extends Error {
  readonly code: OpenBadgesErrorCode;

  constructor(code: OpenBadgesErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A builder was given something that would produce a document real verifiers reject. */
export class DocumentError extends OpenBadgesError {
  constructor(message: string, options?: ErrorOptions) {
    super('invalid_document', message, options);
  }
}

export class JwsError extends OpenBadgesError {}

export class BakeError extends OpenBadgesError {}
