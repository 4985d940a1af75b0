import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The master key encrypts signing keys at rest (AES-256-GCM), so a copy of
 * the database alone cannot forge badges. Production sets MASTER_KEY from a
 * secret manager; a development install gets one generated into DATA_DIR.
 */
export class MasterKey {
  private constructor(private readonly key: Buffer) {}

  static fromBase64(value: string): MasterKey {
    const key = Buffer.from(value, 'base64');
    if (key.length !== 32) throw new Error('The master key must be 32 bytes.');
    return new MasterKey(key);
  }

  static random(): MasterKey {
    return new MasterKey(randomBytes(32));
  }

  /** Versioned so the scheme can change without breaking stored keys. */
  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join('.');
  }

  /**
   * A key of its own for one purpose (HKDF-SHA256 with the purpose as info):
   * what is derived for unsubscribe links cannot decrypt signing keys, and
   * changing MASTER_KEY changes it too.
   */
  deriveKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), purpose, 32));
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('Unknown encrypted key format.');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('A signing key cannot be decrypted with this master key. Was MASTER_KEY changed, or DATA_DIR/master.key replaced?');
    }
  }
}

export interface MasterKeySource {
  masterKey: MasterKey;
  /** Set when the key was read from or written to DATA_DIR rather than given by MASTER_KEY. */
  generatedFile?: string;
  created: boolean;
}

export function loadMasterKey(options: { masterKey?: string; dataDir: string }): MasterKeySource {
  if (options.masterKey) return { masterKey: MasterKey.fromBase64(options.masterKey), created: false };
  const file = path.resolve(options.dataDir, 'master.key');
  if (existsSync(file)) {
    return { masterKey: MasterKey.fromBase64(readFileSync(file, 'utf8').trim()), generatedFile: file, created: false };
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const value = randomBytes(32).toString('base64');
  try {
    writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created it between our check and our write: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { masterKey: MasterKey.fromBase64(readFileSync(file, 'utf8').trim()), generatedFile: file, created: false };
  }
  return { masterKey: MasterKey.fromBase64(value), generatedFile: file, created: true };
}

export function masterKeyWarning(source: MasterKeySource): string | undefined {
  if (!source.generatedFile) return undefined;
  return (
    `MASTER_KEY is not set: signing keys are encrypted with the key in ${source.generatedFile}` +
    `${source.created ? ' (generated now)' : ''}. In production, set MASTER_KEY from a secret manager ` +
    'and keep a copy with your backups: without it, the signing keys cannot be read.'
  );
}
