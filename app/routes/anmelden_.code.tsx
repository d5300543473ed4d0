import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData } from "@remix-run/react";
import { SecondFactorCodeForm } from "~/components/second-factor";
import { requirePendingSignIn, secondFactorAction } from "~/second-factor.server";

export const meta: MetaFunction = () => [{ title: "Sicherheitscode – KIM Fallmanagement" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePendingSignIn(request, context, "verify");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  return secondFactorAction(request, context);
}

export default function SecondFactorCode() {
  const actionData = useActionData<typeof action>();
  return (
    <div className="login card">
      <h1>Sicherheitscode eingeben</h1>
      <p>
        Ihr Passwort war richtig. Öffnen Sie Ihre Authenticator-App und geben Sie den Code ein, den sie für
        „KIM Fallmanagement“ anzeigt. Bitte schließen Sie die Anmeldung innerhalb von 5 Minuten ab.
      </p>
      <SecondFactorCodeForm
        lastResult={actionData?.result}
        label="Sicherheitscode"
        hint="6 Ziffern aus Ihrer Authenticator-App; der Code wechselt alle 30 Sekunden."
        submitLabel="Anmelden"
      />
    </div>
  );
}
