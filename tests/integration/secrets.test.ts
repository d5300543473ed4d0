// Second-factor secrets at rest, end to end with real server processes on PostgreSQL: a fresh demo start
// generates its key into the data directory (0600) and leaves no secret readable anywhere in the
// database (pg_dump of all of it); `npm run secrets:rotate` re-seals everything under a new key, refuses
// (writing nothing) without the old one, and sign-in works with the new key alone; production refuses
// to start without a key.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, test, vi } from "vitest";
import { generateSecretKey } from "../../db/secret-box";
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS } from "../../db/seed/demo-users";
import { requiresSecondFactor } from "../../workflows/permissions";
import { totpCode } from "../../db/totp";
import { type AppProcess, signInWithCodeOver, startAppProcess } from "./app-process";
import { root } from "./build";
import { type TestDatabase, createTestDatabase } from "./db";

/** The demo accounts that are seeded with the demo second factor (koordination, admin, …). */
const DEMO_ACCOUNTS_WITH_FACTOR = DEMO_USERS.filter((u) => requiresSecondFactor(u.role)).length;

const onPostgres = inject("testDatabaseKind") === "postgres";
// Real processes on a shared 2-core machine: starting one can take a while under load.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 240_000 });
const tsx = path.join(root, "node_modules/.bin/tsx");

function runNode(args: string[], env: Record<string, string>) {
  const { KIM_SECRET_KEY: _k, KIM_SECRET_KEYS_OLD: _o, ...inherited } = process.env;
  return spawnSync(tsx, args, { cwd: root, encoding: "utf8", env: { ...inherited, ...env }, timeout: 60_000 });
}

test("the server refuses to start in production without KIM_SECRET_KEY", () => {
  const result = runNode(["server.ts"], { NODE_ENV: "production", KIM_DEMO_DATA: "0", DATABASE_URL: "", PORT: "1" });
  expect(result.status).not.toBe(0);
  expect(result.stderr).toContain("KIM_SECRET_KEY: required with NODE_ENV=production");
});

describe.runIf(onPostgres)("second-factor secrets at rest", () => {
  let t: TestDatabase;
  let dataDir: string;
  let app: AppProcess | undefined;
  const newKey = generateSecretKey("neu2026");

  const storedSecrets = async () =>
    (await t.db.selectFrom("users").select("totp_secret").where("totp_secret", "is not", null).execute()).map(
      (r) => r.totp_secret ?? "",
    );
  const rotate = (env: Record<string, string>) =>
    runNode(["db/cli/secrets.ts", "rotate"], { NODE_ENV: "production", DATABASE_URL: t.url!, ...env });

  beforeAll(async () => {
    t = await createTestDatabase();
    dataDir = mkdtempSync(path.join(tmpdir(), "kim-secrets-"));
  });
  afterAll(async () => {
    await app?.stop();
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("a fresh demo start generates a key (0600) and no secret is readable in the database", async () => {
    app = await startAppProcess({
      databaseUrl: t.url!,
      env: { KIM_DEMO_DATA: "1", KIM_DEMO_CASES: "0", KIM_DATA_DIR: dataDir, KIM_SECRET_KEY: "", KIM_SECRET_KEYS_OLD: "" },
    });
    const keyFile = path.join(dataDir, "secret-key");
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, "utf8")).toMatch(/^demo:[A-Za-z0-9+/]{43}=\n$/);

    const stored = await storedSecrets();
    expect(stored).toHaveLength(DEMO_ACCOUNTS_WITH_FACTOR);
    for (const value of stored) expect(value).toMatch(/^kim1:demo:/);
    const dump = spawnSync("pg_dump", ["--data-only", t.url!], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    expect(dump.status).toBe(0);
    expect(dump.stdout).toContain("kim1:demo:");
    expect(dump.stdout).not.toContain(DEMO_TOTP_SECRET);

    // The sealed secret still signs in.
    const cookie = await signInWithCodeOver(app.base, "koordination", DEMO_PASSWORD, totpCode(DEMO_TOTP_SECRET));
    const team = await fetch(`${app.base}/team`, { headers: { Cookie: cookie } });
    expect(team.status).toBe(200);
    await app.stop();
    app = undefined;
  });

  test("rotation needs the old key; with it every secret moves to the new key and sign-in works with the new key alone", async () => {
    const before = await storedSecrets();
    const withoutOld = rotate({ KIM_SECRET_KEY: newKey });
    expect(withoutOld.status).not.toBe(0);
    expect(withoutOld.stderr).toContain('unknown key "demo"');
    expect(await storedSecrets()).toEqual(before);

    const oldKey = readFileSync(path.join(dataDir, "secret-key"), "utf8").trim();
    const rotated = rotate({ KIM_SECRET_KEY: newKey, KIM_SECRET_KEYS_OLD: oldKey });
    expect(rotated.stderr).toBe("");
    expect(rotated.stdout).toContain(`sealed with key "neu2026": ${DEMO_ACCOUNTS_WITH_FACTOR} second-factor secret(s) of users`);
    const after = await storedSecrets();
    expect(after).toHaveLength(DEMO_ACCOUNTS_WITH_FACTOR);
    for (const value of after) expect(value).toMatch(/^kim1:neu2026:/);
    expect(rotate({ KIM_SECRET_KEY: newKey }).stdout).toContain(": 0 second-factor secret(s)");

    app = await startAppProcess({ databaseUrl: t.url!, env: { KIM_SECRET_KEY: newKey, KIM_SECRET_KEYS_OLD: "" } });
    const cookie = await signInWithCodeOver(app.base, "koordination2", DEMO_PASSWORD, totpCode(DEMO_TOTP_SECRET));
    expect((await fetch(`${app.base}/team`, { headers: { Cookie: cookie } })).status).toBe(200);
  });
});
