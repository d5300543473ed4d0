// Browser tests against the BUILT app on a fresh embedded database with demo data.
// Run them with `npm run test:e2e`: tests/e2e/run.mjs builds first, picks a free port (E2E_PORT) and
// wipes this run's data directory. Port, data directory and output directory all follow E2E_PORT, so
// runs side by side in one checkout do not share a database or clobber each other's results.
import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3210);
const BASE_URL = `http://127.0.0.1:${PORT}`;
/** The embedded database of this run (demo data loads into it when empty). */
const E2E_DATA_DIR = `tests/e2e/.data/${PORT}`;
/** The server's stderr of this run; global-teardown.ts fails the run if it holds a stack trace or an error. */
export const E2E_SERVER_LOG = `${E2E_DATA_DIR}/server.log`;

export default defineConfig({
  testDir: "tests/e2e",
  testMatch: "**/*.spec.ts",
  fullyParallel: false,
  workers: 2,
  retries: 0,
  forbidOnly: true,
  reporter: "list",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  outputDir: `test-results/e2e-${PORT}`,
  globalTeardown: "./tests/e2e/global-teardown.ts",
  use: {
    baseURL: BASE_URL,
    locale: "de-DE",
    timezoneId: "Europe/Berlin",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      // Debian's chromium; Playwright never downloads a browser here.
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: {
    command: "node tests/e2e/serve-with-log.mjs",
    url: `${BASE_URL}/anmelden`,
    reuseExistingServer: false,
    // the first start loads the demo data; on a loaded 2-core machine it took 124 s (2 December 2026)
    timeout: 240_000,
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    stdout: "ignore",
    stderr: "pipe",
    env: {
      PORT: String(PORT),
      HOST: "127.0.0.1",
      // Always the embedded database, even when the shell has a DATABASE_URL (CI sets TEST_DATABASE_URL only).
      DATABASE_URL: "",
      KIM_DATA_DIR: E2E_DATA_DIR,
      KIM_DEMO_DATA: "1",
      KIM_DAILY_JOB: "off",
      KIM_SECURE_COOKIES: "0",
      KIM_TRUST_PROXY: "0",
      KIM_REQUEST_LOG: "off",
      NODE_ENV: "production",
      E2E_SERVER_LOG,
    },
  },
});
