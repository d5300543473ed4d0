// Secrets at rest (the TOTP secrets of the second factor): AES-256-GCM with a key from KIM_SECRET_KEY.
// A sealed value names the key it was sealed with, so keys can be rotated: the current key seals, the
// current and the old keys (KIM_SECRET_KEYS_OLD) open. Each value is bound to its context (e.g. the
// user id) as additional authenticated data: copying a sealed value to another user's row makes it
// unreadable rather than useful.
//
//   key (environment):  <id>:<32 bytes, base64>          e.g. k2026a:3q2+7w…=
//   sealed value:       kim1:<id>:<iv>:<ciphertext>:<tag>  (iv 12 bytes, tag 16 bytes; base64url)
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

export interface SecretKey {
  id: string;
  key: Buffer;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const PREFIX = "kim1";

/** Parses "<id>:<base64 of 32 bytes>"; throws an English message naming what is wrong (never the key). */
export function parseSecretKey(text: string): SecretKey {
  const colon = text.indexOf(":");
  const id = colon > 0 ? text.slice(0, colon) : "";
  if (!KEY_ID.test(id)) throw new Error("expected <id>:<base64 key>, the id of letters, digits, - or _ (at most 32)");
  const key = Buffer.from(text.slice(colon + 1), "base64");
  if (key.length !== 32) throw new Error(`key "${id}" must be 32 bytes (base64), got ${key.length}`);
  return { id, key };
}

/** A new random key in the environment's format; the id defaults to k<yyyymmdd>. */
export function generateSecretKey(id = `k${new Date().toISOString().slice(0, 10).replace(/-/g, "")}`): string {
  return `${parseSecretKey(`${id}:${Buffer.alloc(32).toString("base64")}`).id}:${randomBytes(32).toString("base64")}`;
}

export function isSealed(value: string): boolean {
  return value.startsWith(`${PREFIX}:`);
}

/** The id of the key a sealed value names (null for a plain value). */
export function sealedKeyId(value: string): string | null {
  return isSealed(value) ? (value.split(":")[1] ?? null) : null;
}

export interface SecretBox {
  currentKeyId: string;
  seal(plain: string, context: string): string;
  /** The plain value; throws when the key is unknown, the value was changed or the context differs. */
  open(sealed: string, context: string): string;
  /** Whether a sealed value names a key this box holds. */
  canOpen(sealed: string): boolean;
}

export function createSecretBox(current: SecretKey, old: SecretKey[] = []): SecretBox {
  const keys = new Map<string, Buffer>();
  for (const k of [...old, current]) keys.set(k.id, k.key);
  const b64 = (b: Buffer) => b.toString("base64url");
  return {
    currentKeyId: current.id,
    seal(plain, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", current.key, iv);
      cipher.setAAD(Buffer.from(context, "utf8"));
      const ciphertext = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      return [PREFIX, current.id, b64(iv), b64(ciphertext), b64(cipher.getAuthTag())].join(":");
    },
    open(sealed, context) {
      const [prefix, id, iv, ciphertext, tag, ...rest] = sealed.split(":");
      if (prefix !== PREFIX || !id || !iv || !ciphertext || !tag || rest.length) throw new Error("not a sealed secret");
      const key = keys.get(id);
      if (!key) throw new Error(`secret sealed with unknown key "${id}"`);
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
    },
    canOpen(sealed) {
      const id = sealedKeyId(sealed);
      return id !== null && keys.has(id);
    },
  };
}

/** The demo key in `<dataDir>/secret-key` (mode 0600), created on first use: for `npm start` only. */
export async function loadOrCreateKeyFile(dataDir: string): Promise<{ key: SecretKey; created: boolean; file: string }> {
  const file = path.join(dataDir, "secret-key");
  try {
    return { key: parseSecretKey((await readFile(file, "utf8")).trim()), created: false, file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw new Error(`${file}: ${(error as Error).message}`);
  }
  await mkdir(dataDir, { recursive: true });
  const text = generateSecretKey("demo");
  // "wx": never overwrite a key another process wrote meanwhile.
  await writeFile(file, `${text}\n`, { mode: 0o600, flag: "wx" }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "EEXIST") throw error;
  });
  await chmod(file, 0o600);
  return { key: parseSecretKey((await readFile(file, "utf8")).trim()), created: true, file };
}

/** KIM_SECRET_KEY (current) and KIM_SECRET_KEYS_OLD (comma-separated) from the environment; throws naming the variable. */
export function secretKeysFromEnv(env: Record<string, string | undefined>): { current: SecretKey | null; old: SecretKey[] } {
  const parse = (name: string, text: string) => {
    try {
      return parseSecretKey(text.trim());
    } catch (error) {
      throw new Error(`${name}: ${(error as Error).message}`);
    }
  };
  const current = env.KIM_SECRET_KEY ? parse("KIM_SECRET_KEY", env.KIM_SECRET_KEY) : null;
  const old = (env.KIM_SECRET_KEYS_OLD ?? "")
    .split(",")
    .filter((part) => part.trim() !== "")
    .map((part) => parse("KIM_SECRET_KEYS_OLD", part));
  if (old.length && !current) throw new Error("KIM_SECRET_KEYS_OLD: only together with KIM_SECRET_KEY");
  if (current && old.some((k) => k.id === current.id)) {
    throw new Error(`KIM_SECRET_KEYS_OLD: key id "${current.id}" is already the current key's`);
  }
  return { current, old };
}

/**
 * The box the app works with: the configured key, else (demo and development only) the key file in
 * the data directory, created on first start. Without either it throws: production needs KIM_SECRET_KEY.
 */
export async function resolveSecretBox(options: {
  current: SecretKey | null;
  old: SecretKey[];
  dataDir: string;
  allowKeyFile: boolean;
  log?: (line: string) => void;
}): Promise<SecretBox> {
  if (options.current) return createSecretBox(options.current, options.old);
  if (!options.allowKeyFile) {
    throw new Error("KIM_SECRET_KEY is required in production (make one with `npm run secrets:new-key`)");
  }
  const { key, created, file } = await loadOrCreateKeyFile(options.dataDir);
  if (created) options.log?.(`demo mode: new key for second-factor secrets in ${file} (0600)`);
  return createSecretBox(key, options.old);
}
