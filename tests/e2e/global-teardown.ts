// After the browser tests: the server must not have logged a stack trace or an error for any request
// of the whole run (the server's stderr is in E2E_SERVER_LOG, see serve-with-log.mjs).
import { existsSync, readFileSync } from "node:fs";
import { troubleLines } from "../support/server-log";
import { E2E_SERVER_LOG } from "../../playwright.config";
import { signInTally } from "./totp-steps";

export default function checkServerLog() {
  const tally = signInTally();
  console.log(
    `[e2e] ${tally.signIns} sign-ins through the form, ${tally.withCode} with a second factor (${tally.waitedSeconds} s waited for fresh codes)`,
  );
  if (!existsSync(E2E_SERVER_LOG)) throw new Error(`the e2e server wrote no log at ${E2E_SERVER_LOG}`);
  const trouble = troubleLines(readFileSync(E2E_SERVER_LOG, "utf8"));
  if (trouble.length > 0) {
    throw new Error(
      `the server logged ${trouble.length} error line(s) during the e2e run (${E2E_SERVER_LOG}):\n${trouble.slice(0, 40).join("\n")}`,
    );
  }
  console.log(`[e2e] server log clean: no stack trace or error line (${E2E_SERVER_LOG})`);
}
