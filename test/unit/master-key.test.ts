import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMasterKey, MasterKey, masterKeyWarning } from '../../src/services/master-key.ts';

const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n';

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'insigne-master-key-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('MasterKey', () => {
  it('decrypts what it encrypted', () => {
    const key = MasterKey.random();
    expect(key.decrypt(key.encrypt(PEM))).toBe(PEM);
    expect(key.decrypt(key.encrypt('é€😀'))).toBe('é€😀');
  });

  it('gives a different ciphertext each time, none containing the plaintext', () => {
    const key = MasterKey.random();
    const sealed = [key.encrypt(PEM), key.encrypt(PEM), key.encrypt(PEM)];
    expect(new Set(sealed).size).toBe(3);
    for (const text of sealed) {
      expect(text).toMatch(/^v1\./);
      expect(text).not.toContain('PRIVATE KEY');
      expect(text).not.toContain('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC');
      expect(text).not.toContain(Buffer.from(PEM).toString('base64').slice(0, 24));
      expect(key.decrypt(text)).toBe(PEM);
    }
  });

  it('a different key cannot decrypt, and says why in plain words', () => {
    const sealed = MasterKey.random().encrypt(PEM);
    expect(() => MasterKey.random().decrypt(sealed)).toThrow(
      'A signing key cannot be decrypted with this master key. Was MASTER_KEY changed, or DATA_DIR/master.key replaced?',
    );
  });

  it('refuses a ciphertext that was tampered with', () => {
    const key = MasterKey.random();
    const [version, iv, tag, body] = key.encrypt(PEM).split('.') as [string, string, string, string];
    const bytes = Buffer.from(body, 'base64');
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    expect(() => key.decrypt([version, iv, tag, bytes.toString('base64')].join('.'))).toThrow(/cannot be decrypted/);
    expect(() => key.decrypt(`v2.${iv}.${tag}.${body}`)).toThrow('Unknown encrypted key format.');
  });

  it('fromBase64 accepts 32 bytes only', () => {
    const value = randomBytes(32).toString('base64');
    const key = MasterKey.fromBase64(value);
    expect(MasterKey.fromBase64(value).decrypt(key.encrypt('x'))).toBe('x');
    expect(() => MasterKey.fromBase64(randomBytes(16).toString('base64'))).toThrow('The master key must be 32 bytes.');
  });
});

describe('loadMasterKey', () => {
  it('generates DATA_DIR/master.key once (mode 0600), then reuses it', () => {
    const dataDir = path.join(tempDir(), 'not', 'yet', 'there');
    const file = path.join(dataDir, 'master.key');

    const first = loadMasterKey({ dataDir });
    expect(first.created).toBe(true);
    expect(first.generatedFile).toBe(file);
    expect(existsSync(file)).toBe(true);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = readFileSync(file, 'utf8').trim();
    expect(Buffer.from(stored, 'base64')).toHaveLength(32);

    const second = loadMasterKey({ dataDir });
    expect(second.created).toBe(false);
    expect(second.generatedFile).toBe(file);
    expect(readFileSync(file, 'utf8').trim()).toBe(stored);
    // The same key: what the first one sealed, the second one opens.
    expect(second.masterKey.decrypt(first.masterKey.encrypt(PEM))).toBe(PEM);
    expect(MasterKey.fromBase64(stored).decrypt(first.masterKey.encrypt(PEM))).toBe(PEM);
  });

  it('resolves a relative DATA_DIR to an absolute file path', () => {
    const dataDir = tempDir();
    const relative = path.relative(process.cwd(), dataDir);
    const source = loadMasterKey({ dataDir: relative });
    expect(source.generatedFile).toBe(path.join(dataDir, 'master.key'));
  });

  it('MASTER_KEY wins over the file, and then no file is written', () => {
    const dataDir = tempDir();
    const fromFile = loadMasterKey({ dataDir });
    const fileContent = readFileSync(path.join(dataDir, 'master.key'), 'utf8');
    const value = randomBytes(32).toString('base64');

    const source = loadMasterKey({ masterKey: value, dataDir });
    expect(source.generatedFile).toBeUndefined();
    expect(source.created).toBe(false);
    expect(source.masterKey.decrypt(MasterKey.fromBase64(value).encrypt(PEM))).toBe(PEM);
    expect(() => source.masterKey.decrypt(fromFile.masterKey.encrypt(PEM))).toThrow(/cannot be decrypted/);
    expect(readFileSync(path.join(dataDir, 'master.key'), 'utf8')).toBe(fileContent);

    const empty = path.join(tempDir(), 'data');
    loadMasterKey({ masterKey: value, dataDir: empty });
    expect(existsSync(path.join(empty, 'master.key'))).toBe(false);
  });

  it('reads a master.key written by hand (surrounding whitespace ignored)', () => {
    const dataDir = tempDir();
    const value = randomBytes(32).toString('base64');
    writeFileSync(path.join(dataDir, 'master.key'), `  ${value}\n\n`);
    const source = loadMasterKey({ dataDir });
    expect(source.created).toBe(false);
    expect(source.masterKey.decrypt(MasterKey.fromBase64(value).encrypt('x'))).toBe('x');
  });
});

describe('masterKeyWarning', () => {
  it('tells production to set MASTER_KEY, names the file, and never shows the key', () => {
    const dataDir = tempDir();
    const created = loadMasterKey({ dataDir });
    const value = readFileSync(path.join(dataDir, 'master.key'), 'utf8').trim();

    const first = masterKeyWarning(created);
    expect(first).toBeDefined();
    expect(first).toContain('MASTER_KEY');
    expect(first).toMatch(/In production, set MASTER_KEY/);
    expect(first).toContain(path.join(dataDir, 'master.key'));
    expect(first).toContain('(generated now)');
    expect(first).not.toContain(value);
    expect(first).not.toContain(Buffer.from(value, 'base64').toString('hex'));

    const reused = masterKeyWarning(loadMasterKey({ dataDir }));
    expect(reused).toMatch(/In production, set MASTER_KEY/);
    expect(reused).not.toContain('(generated now)');
    expect(reused).not.toContain(value);
  });

  it('says nothing when MASTER_KEY is set', () => {
    const value = randomBytes(32).toString('base64');
    expect(masterKeyWarning(loadMasterKey({ masterKey: value, dataDir: tempDir() }))).toBeUndefined();
  });
});
