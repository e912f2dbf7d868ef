/**
 * Encrypted cookie values: JWE compact, `dir` + `A256GCM`, with a key derived by HKDF
 * from each secret and purpose. The first secret encrypts; every secret decrypts, chosen
 * by the `kid` in the header, so secrets can rotate without signing everyone out.
 */

import { EncryptJWT, base64url, decodeProtectedHeader, jwtDecrypt, type JWTPayload } from 'jose';

const encoder = new TextEncoder();

/** What a sealed value is for; a value sealed for one purpose never opens as another. */
export type SealPurpose = 'session' | 'transaction';

interface DerivedKey {
  kid: string;
  key: Uint8Array;
}

async function derive(secret: string, purpose: SealPurpose): Promise<DerivedKey> {
  const material = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('@qeetid/nextjs'), info: encoder.encode(`cookie ${purpose}`) },
    material,
    256,
  );
  const key = new Uint8Array(bits);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', key));
  return { kid: base64url.encode(digest.slice(0, 9)), key };
}

/** Seals and opens values for one purpose under the configured secrets. */
export class Sealer {
  private constructor(private readonly keys: DerivedKey[]) {}

  /** Derives a key per secret; `secrets[0]` seals. */
  static async create(secrets: string[], purpose: SealPurpose): Promise<Sealer> {
    return new Sealer(await Promise.all(secrets.map((s) => derive(s, purpose))));
  }

  /** Encrypts `payload`, readable until `expiresAt` (seconds since the epoch). */
  async seal(payload: JWTPayload, expiresAt: number): Promise<string> {
    const [newest] = this.keys;
    if (!newest) throw new Error('no secret to seal with');
    return new EncryptJWT(payload)
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: newest.kid })
      .setIssuedAt()
      .setExpirationTime(expiresAt)
      .encrypt(newest.key);
  }

  /** The payload, or `undefined` for anything tampered, expired, foreign or unreadable. */
  async open(value: string): Promise<JWTPayload | undefined> {
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(value).kid;
    } catch {
      return undefined;
    }
    const key = this.keys.find((k) => k.kid === kid);
    if (!key) return undefined;
    try {
      const { payload } = await jwtDecrypt(value, key.key, {
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
      });
      return payload;
    } catch {
      return undefined;
    }
  }
}
