import { hash, verify } from "@node-rs/argon2";

// argon2id with the OWASP minimum (m = 19 MiB, t = 2, p = 1). Algorithm 2 = Argon2id.
const OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash of a random string, verified against when a username is unknown, so both paths take as long. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(`dummy-${process.pid}-${Date.now()}`);
  return dummyHash;
}

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

// The most common passwords of German and international leak lists (lower-cased), refused outright.
const COMMON_PASSWORDS = new Set(
  `123456 123456789 12345678 1234567890 12345 1234567 password passwort qwerty qwertz 111111 123123 abc123
  password1 passwort1 iloveyou 000000 1q2w3e4r 1q2w3e4r5t qwertzuiop qwertyuiop hallo123 hallo1234 schatz
  schalke04 fussball ficken ichliebedich sommer2024 sommer2025 sommer2026 winter2025 winter2026 welcome
  willkommen willkommen1 admin admin123 administrator letmein monkey dragon master sunshine princess
  football baseball 987654321 654321 666666 121212 112233 daniel michael thomas andreas stefan
  matrix killer trustno1 superman batman starwars hello123 test1234 testtest geheim geheim123 passwort123
  password123 password1234 passwort1234 asdfghjk asdfasdf mustermann 11111111 22222222 88888888 00000000
  abcdefgh abcd1234 1234abcd qwer1234 zxcvbnm1 deutschland berlin123 hamburg1 muenchen1 kennwort
  kennwort1 changeme changeme1 startstart start123 internet computer`.split(/\s+/),
);

/** German messages for a new password, or null when it is acceptable (NIST 800-63B style: no composition rules). */
export function checkPasswordPolicy(password: string, username?: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) {
    return `Das Passwort muss mindestens ${PASSWORD_MIN_LENGTH} Zeichen lang sein (empfohlen: 12 oder mehr).`;
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    return `Das Passwort darf höchstens ${PASSWORD_MAX_LENGTH} Zeichen lang sein.`;
  }
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower) || /^(.)\1+$/.test(password)) {
    return "Dieses Passwort ist zu verbreitet und leicht zu erraten. Bitte wählen Sie ein anderes.";
  }
  if (username && lower.includes(username.toLowerCase())) {
    return "Das Passwort darf den Benutzernamen nicht enthalten.";
  }
  return null;
}
