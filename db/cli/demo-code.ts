// npm run demo:code
// Prints the current second-factor code of the demo accounts that need one (koordination, koordination2,
// the teamleitung accounts, admin, datenschutz), computed from the public DEMO_TOTP_SECRET, so the demo can be tried without an authenticator app.
// Nothing else: real accounts have their own secrets, which this never reads.
import { requiresSecondFactor } from "../../workflows/permissions";
import { DEMO_TOTP_SECRET, DEMO_USERS } from "../seed/demo-users";
import { TOTP_STEP_SECONDS, totpCode } from "../totp";

const now = Date.now();
const secondsLeft = TOTP_STEP_SECONDS - (Math.floor(now / 1000) % TOTP_STEP_SECONDS);
const accounts = DEMO_USERS.filter((u) => requiresSecondFactor(u.role)).map((u) => u.username);
console.log(totpCode(DEMO_TOTP_SECRET, now));
console.error(
  `Current code of the demo secret (${accounts.join(", ")}); valid for ${secondsLeft} more s, ` +
    `next ${totpCode(DEMO_TOTP_SECRET, now + TOTP_STEP_SECONDS * 1000)}. Each code signs in once per account.`,
);
