import path from "node:path";
import { z } from "zod";
import { type SecretKey, secretKeysFromEnv } from "../db/secret-box";

const booleanish = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .optional()
  .transform((v) => v === "1" || v === "true" || v === "yes");

const EnvSchema = z.object({
  NODE_ENV: z.string().optional(),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATABASE_URL: z.string().url().optional().or(z.literal("").transform(() => undefined)),
  KIM_DATA_DIR: z.string().min(1).optional(),
  /** Load demo data and demo accounts into an empty database (default: on unless NODE_ENV=production). */
  KIM_DEMO_DATA: booleanish,
  KIM_DEMO_CASES: z.coerce.number().int().min(0).max(10_000).default(400),
  /** Serve cookies with Secure and the __Host- prefix (set when the app is behind HTTPS). */
  KIM_SECURE_COOKIES: booleanish,
  /** Trust X-Forwarded-For from a reverse proxy for the client address. */
  KIM_TRUST_PROXY: booleanish,
  /** Run the daily job (re-classification checks) inside the server (default on). */
  KIM_DAILY_JOB: z.enum(["on", "off"]).default("on"),
  /** Log each request (method, path without ids or query, status, time). */
  KIM_REQUEST_LOG: z.enum(["on", "off"]).default("on"),
  /** Key for secrets at rest: <id>:<base64 of 32 bytes> (db/secret-box.ts); required in production. */
  KIM_SECRET_KEY: z.string().optional(),
  /** Earlier keys, comma-separated, still accepted for reading until `npm run secrets:rotate` ran. */
  KIM_SECRET_KEYS_OLD: z.string().optional(),
});

export interface AppConfig {
  production: boolean;
  host: string;
  port: number;
  databaseUrl: string | undefined;
  /** KIM_DATA_DIR (default ./data): the embedded database and, in demo mode, the generated secret key. */
  dataDir: string;
  pgliteDir: string;
  demoData: boolean;
  demoCases: number;
  secureCookies: boolean;
  trustProxy: boolean;
  dailyJob: boolean;
  requestLog: boolean;
  /** KIM_SECRET_KEY; null only where a key file in dataDir may stand in (demo mode, development). */
  secretKey: SecretKey | null;
  oldSecretKeys: SecretKey[];
}

/** Validates the environment once at boot; everything else receives the result as an argument. */
export function parseConfig(env: NodeJS.ProcessEnv): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  const explicitDemo = env.KIM_DEMO_DATA !== undefined && env.KIM_DEMO_DATA !== "";
  const demoData = explicitDemo ? e.KIM_DEMO_DATA : !production;
  let keys: ReturnType<typeof secretKeysFromEnv>;
  try {
    keys = secretKeysFromEnv(env);
  } catch (error) {
    throw new Error(`Invalid configuration:\n  ${(error as Error).message}`);
  }
  if (production && !demoData && !keys.current) {
    throw new Error(
      "Invalid configuration:\n  KIM_SECRET_KEY: required with NODE_ENV=production (make one with `npm run secrets:new-key`)",
    );
  }
  const dataDir = path.resolve(e.KIM_DATA_DIR ?? "data");
  return {
    production,
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    pgliteDir: path.join(dataDir, "pglite"),
    demoData,
    demoCases: e.KIM_DEMO_CASES,
    secureCookies: e.KIM_SECURE_COOKIES,
    trustProxy: e.KIM_TRUST_PROXY,
    dailyJob: e.KIM_DAILY_JOB === "on",
    requestLog: e.KIM_REQUEST_LOG === "on",
    secretKey: keys.current,
    oldSecretKeys: keys.old,
  };
}
