// The two pages of a sign-in's second step (/anmelden/code and /anmelden/zwei-faktor) share their
// loader guard and their action; the logic itself is in app/auth.server.ts and db/second-factor.ts.
import { parseWithZod } from "@conform-to/zod";
import { type AppLoadContext, data, redirect } from "@remix-run/node";
import { ROLE_HOME } from "../workflows/permissions";
import { redirectTargetOf } from "./guards.server";
import { SecondFactorCodeSchema } from "./schemas/second-factor";

export const SECOND_FACTOR_PAGES = { verify: "/anmelden/code", enroll: "/anmelden/zwei-faktor" } as const;

/** The pending sign-in for this page; signed-in users go home, others without one back to the password. */
export async function requirePendingSignIn<P extends keyof typeof SECOND_FACTOR_PAGES>(
  request: Request,
  context: AppLoadContext,
  purpose: P,
) {
  const session = await context.getSession();
  if (session) throw redirect(ROLE_HOME[session.user.role]);
  const pending = await context.auth.getPendingSignIn(request.headers.get("cookie"));
  if (!pending) throw redirect("/anmelden?hinweis=abgelaufen");
  if (pending.purpose !== purpose) throw redirect(SECOND_FACTOR_PAGES[pending.purpose]);
  return pending as Extract<typeof pending, { purpose: P }>;
}

function withCookies(cookies: string[]): Headers {
  const headers = new Headers();
  for (const cookie of cookies) headers.append("Set-Cookie", cookie);
  return headers;
}

/** Checks the submitted code; on success the session starts and the user goes to their home (or back). */
export async function secondFactorAction(request: Request, context: AppLoadContext) {
  const formData = await request.formData();
  const cookieHeader = request.headers.get("cookie");
  if (formData.get("intent") === "cancel") {
    throw redirect("/anmelden", { headers: { "Set-Cookie": await context.auth.cancelSecondFactor(cookieHeader) } });
  }
  const submission = parseWithZod(formData, { schema: SecondFactorCodeSchema });
  if (submission.status !== "success") {
    return data({ result: submission.reply({ hideFields: ["code"] }) }, { status: 400 });
  }
  const result = await context.auth.verifySecondFactor({
    cookieHeader,
    code: submission.value.code,
    address: context.clientAddress,
  });
  if (result.ok) {
    const target = redirectTargetOf(request, context, result.redirectTo) ?? ROLE_HOME[result.user.role];
    throw redirect(target, { headers: withCookies(result.cookies) });
  }
  if ("restart" in result) {
    throw redirect(`/anmelden?hinweis=${result.restart}`, { headers: withCookies(result.cookies) });
  }
  const reply =
    result.status === 429
      ? submission.reply({ formErrors: [result.message], hideFields: ["code"] })
      : submission.reply({ fieldErrors: { code: [result.message] }, hideFields: ["code"] });
  return data({ result: reply }, { status: result.status });
}
