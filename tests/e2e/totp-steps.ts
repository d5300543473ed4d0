// TOTP codes for the browser tests. The server accepts a time step only once per user (replay
// protection) and only the current step ±1, while two Playwright workers sign in as the same demo users
// again and again. So every code sign-in of a user runs under a lock shared by the workers (a directory
// created atomically), picks the step after the last one used (state in a file next to the lock) and,
// when no acceptable step is left, waits for the next 30-second step.
import fs from "node:fs";
import path from "node:path";
import { TOTP_STEP_SECONDS, totpCode, totpStep } from "../../db/totp";

/** Per run: Playwright empties its output directory (which follows E2E_PORT) at the start of every run. */
const STATE_DIR = path.resolve("test-results", `e2e-${process.env.E2E_PORT ?? 3210}`, ".totp-steps");
/** One line per sign-in through the form (user, ms waited for a fresh code), summed up by global-teardown.ts. */
export const SIGN_IN_TALLY = path.join(STATE_DIR, "sign-ins.jsonl");

/** Notes a sign-in through the form and how long it waited for a code the server would accept. */
export function tallySignIn(username: string, waitedMs: number | null): void {
  fs.mkdirSync(STATE_DIR, { recursive: true });
  fs.appendFileSync(SIGN_IN_TALLY, `${JSON.stringify({ username, waitedMs })}\n`);
}

/** Sign-ins through the form in this run, and the seconds spent waiting for fresh codes. */
export function signInTally(): { signIns: number; withCode: number; waitedSeconds: number } {
  if (!fs.existsSync(SIGN_IN_TALLY)) return { signIns: 0, withCode: 0, waitedSeconds: 0 };
  const rows = fs
    .readFileSync(SIGN_IN_TALLY, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { username: string; waitedMs: number | null });
  const withCode = rows.filter((r) => r.waitedMs !== null);
  const waited = withCode.reduce((sum, r) => sum + (r.waitedMs ?? 0), 0);
  return { signIns: rows.length, withCode: withCode.length, waitedSeconds: Math.round(waited / 1000) };
}
const STEP_MS = TOTP_STEP_SECONDS * 1000;
/** A lock older than this belongs to a worker that died mid-sign-in. */
const STALE_LOCK_MS = 90_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function safeName(username: string): string {
  return username.replace(/[^a-z0-9._-]/gi, "_");
}

async function withUserLock<T>(username: string, run: () => Promise<T>): Promise<T> {
  fs.mkdirSync(STATE_DIR, { recursive: true });
  const lock = path.join(STATE_DIR, `${safeName(username)}.lock`);
  const deadline = Date.now() + 3 * STALE_LOCK_MS;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    try {
      if (Date.now() - fs.statSync(lock).mtimeMs > STALE_LOCK_MS) fs.rmSync(lock, { recursive: true, force: true });
    } catch {
      // released meanwhile
    }
    if (Date.now() > deadline) throw new Error(`TOTP lock for ${username} not released: ${lock}`);
    await sleep(100);
  }
  try {
    return await run();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Runs `submit` with a code the server will accept for `username` (a step newer than any used before in
 * this run). The lock is held until `submit` resolves, so submit must wait for the server's answer.
 * Returns the milliseconds spent before the code could be entered (the other worker's lock, a new step).
 */
export async function withFreshCode(
  username: string,
  secret: string,
  submit: (code: string) => Promise<void>,
): Promise<number> {
  const lockRequested = Date.now();
  let waited = 0;
  await withUserLock(username, async () => {
    const stateFile = path.join(STATE_DIR, `${safeName(username)}.json`);
    const last = fs.existsSync(stateFile) ? (JSON.parse(fs.readFileSync(stateFile, "utf8")) as { lastStep: number }).lastStep : -1;
    const now = Date.now();
    const current = totpStep(now);
    // The previous step is still accepted while the server is in this one: use it only with 10 s to spare.
    const oldestSafe = now % STEP_MS < STEP_MS - 10_000 ? current - 1 : current;
    const step = Math.max(last + 1, oldestSafe);
    // A step is accepted from the step before it on: wait for that when the steps up to now are used.
    const acceptableFrom = (step - 1) * STEP_MS;
    const waitMs = acceptableFrom > now ? acceptableFrom - now + 50 : 0;
    if (waitMs > 0) await sleep(waitMs);
    waited = Date.now() - lockRequested;
    fs.writeFileSync(stateFile, JSON.stringify({ lastStep: step }));
    await submit(totpCode(secret, step * STEP_MS));
  });
  return waited;
}

/** A 6-digit code that the server will not accept for `secret` now (none of the steps around now). */
export function wrongCode(secret: string): string {
  const valid = new Set([-2, -1, 0, 1, 2].map((offset) => totpCode(secret, Date.now() + offset * 30_000)));
  for (let n = 0; ; n++) {
    const candidate = String((135790 + n * 7919) % 1_000_000).padStart(6, "0");
    if (!valid.has(candidate)) return candidate;
  }
}
