import argon2 from 'argon2';
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

// Staff passwords: argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane), so a
// sign-in costs tens of milliseconds on a small machine. Hashes from before argon2 (the demo
// seed's scrypt) still verify, and are replaced with argon2id at the next sign-in.

const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const LEGACY_SCRYPT_KEY_LENGTH = 64;

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

export async function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

/** Whether the password matches the stored hash; false for a hash in no form we know. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  if (passwordHash.startsWith('scrypt$')) return verifyLegacyScrypt(passwordHash, password);
  try {
    return await argon2.verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash made before today's parameters (or before argon2id): worth replacing after a good sign-in. */
export function needsRehash(passwordHash: string): boolean {
  if (!passwordHash.startsWith('$argon2')) return true;
  return argon2.needsRehash(passwordHash, ARGON2_OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/** Spends the time a real verification costs, so an unknown email answers as slowly as a known one. */
export async function verifyAgainstDummy(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(24).toString('base64url'));
  await verifyPassword(await dummyHash, password);
}

/** Why a new password is refused, in a sentence; undefined when it is acceptable. */
export function passwordProblem(password: string, email?: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `A password needs at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `A password may have at most ${MAX_PASSWORD_LENGTH} characters.`;
  if (password.trim().length === 0) return 'A password cannot be only spaces.';
  if (email && password.trim().toLowerCase() === email.trim().toLowerCase()) return 'A password cannot be the email address.';
  return undefined;
}

/** A password for a new account or a reset: 18 random characters, shown to the operator once. */
export function generatePassword(): string {
  return randomBytes(14).toString('base64url').slice(0, 18);
}

async function verifyLegacyScrypt(passwordHash: string, password: string): Promise<boolean> {
  const [, saltHex = '', hashHex = ''] = passwordHash.split('$');
  const expected = Buffer.from(hashHex, 'hex');
  if (expected.length !== LEGACY_SCRYPT_KEY_LENGTH) return false;
  const actual = await new Promise<Buffer>((resolve, reject) => {
    scrypt(password, Buffer.from(saltHex, 'hex'), LEGACY_SCRYPT_KEY_LENGTH, (error, key) => (error ? reject(error) : resolve(key)));
  });
  return timingSafeEqual(actual, expected);
}
