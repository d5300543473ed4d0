import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { EnrolmentSteps, SecondFactorCodeForm } from "~/components/second-factor";
import { requirePendingSignIn, secondFactorAction } from "~/second-factor.server";

export const meta: MetaFunction = () => [{ title: "Zweiten Faktor einrichten – KIM Fallmanagement" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const pending = await requirePendingSignIn(request, context, "enroll");
  return { username: pending.username, secret: pending.secret, otpauthUri: pending.otpauthUri, qrCode: pending.qrCode };
}

export async function action({ request, context }: ActionFunctionArgs) {
  return secondFactorAction(request, context);
}

export default function SecondFactorEnrolment() {
  const { username, secret, otpauthUri, qrCode } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="enrolment card">
      <h1>Zweiten Faktor einrichten</h1>
      <p>
        Ihr Passwort war richtig. Für Ihr Konto „{username}“ ist bei der Anmeldung ein zweiter Faktor
        vorgeschrieben: ein Code aus einer Authenticator-App (zum Beispiel Aegis, FreeOTP, Google Authenticator oder
        Microsoft Authenticator), der alle 30 Sekunden wechselt. Richten Sie ihn jetzt ein; bitte innerhalb von 5
        Minuten.
      </p>
      <EnrolmentSteps qrCode={qrCode} secret={secret} otpauthUri={otpauthUri} />
      <SecondFactorCodeForm
        lastResult={actionData?.result}
        label="Code aus der App"
        hint="6 Ziffern; der Code wechselt alle 30 Sekunden."
        submitLabel="Einrichten und anmelden"
      />
    </div>
  );
}
