// Self-service set-up of the second factor (any signed-in user without one, chiefly case managers):
// a new secret as QR code and text, confirmed with a code before anything is stored.
import { parseWithZod } from "@conform-to/zod";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { EnrolmentSteps, SecondFactorCodeForm } from "~/components/second-factor";
import { requireUser } from "~/guards.server";
import { SecondFactorCodeSchema } from "~/schemas/second-factor";
import { ROLE_HOME } from "../../workflows/permissions";

export const meta: MetaFunction = () => [{ title: "Zweiter Faktor – KIM Fallmanagement" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const view = await context.auth.startSelfEnrolment(user);
  return { home: ROLE_HOME[user.role], view, done: new URL(request.url).searchParams.has("eingerichtet") };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const formData = await request.formData();
  if (formData.get("intent") === "cancel") throw redirect(ROLE_HOME[user.role]);
  const pending = String(formData.get("pending") ?? "");
  const submission = parseWithZod(formData, { schema: SecondFactorCodeSchema });
  if (submission.status !== "success") {
    const retry = await context.auth.completeSelfEnrolment(user, { pending, code: "" });
    return data({ result: submission.reply({ hideFields: ["code"] }), view: retry.ok ? null : retry.view }, { status: 400 });
  }
  const result = await context.auth.completeSelfEnrolment(user, { pending, code: submission.value.code });
  if (result.ok) throw redirect("/konto/zwei-faktor?eingerichtet");
  const reply = submission.reply({ fieldErrors: { code: [result.message] }, hideFields: ["code"] });
  return data({ result: reply, view: result.view }, { status: result.status });
}

export default function SelfEnrolment() {
  const loaded = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const view = actionData?.view ?? loaded.view;
  if (!view) {
    return (
      <div className="card">
        <h1>Zweiter Faktor</h1>
        <p role="status">
          {loaded.done
            ? "Der zweite Faktor ist eingerichtet. Ab der nächsten Anmeldung fragen wir nach dem Code aus Ihrer App."
            : "Für Ihr Konto ist ein zweiter Faktor eingerichtet. Bei jeder Anmeldung fragen wir nach dem Code aus Ihrer App."}
        </p>
        <p>Haben Sie das Gerät mit der App verloren, bittet die Administration, den zweiten Faktor zurückzusetzen.</p>
        <p>
          <Link to={loaded.home}>Zur Startseite</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="enrolment card">
      <h1>Zweiten Faktor einrichten</h1>
      <p>
        Schützen Sie Ihr Konto zusätzlich mit einem Code aus einer Authenticator-App (zum Beispiel Aegis, FreeOTP,
        Google Authenticator oder Microsoft Authenticator), der alle 30 Sekunden wechselt. Nach der Einrichtung fragen
        wir bei jeder Anmeldung nach diesem Code.
      </p>
      <EnrolmentSteps qrCode={view.qrCode} secret={view.secret} otpauthUri={view.otpauthUri} />
      <SecondFactorCodeForm
        lastResult={actionData?.result}
        label="Code aus der App"
        hint="6 Ziffern; der Code wechselt alle 30 Sekunden."
        submitLabel="Zweiten Faktor einrichten"
        cancelLabel="Abbrechen"
      >
        <input type="hidden" name="pending" value={view.pending} />
      </SecondFactorCodeForm>
    </div>
  );
}
