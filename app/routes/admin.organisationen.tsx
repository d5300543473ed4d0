// Organisations and their agreement with the site (Kooperationsvereinbarung): what the KIM coordination
// may see of each organisation's cases. Admin only; every change audited (db/organisations.ts).
import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { FormErrors, SelectField, optionsOf } from "~/components/forms";
import { listOrganisationAgreements, setCoordinationAccess } from "~/db.server";
import { requirePermission } from "~/guards.server";
import { COORDINATION_ACCESS, type CoordinationAccess, ORGANISATION_KINDS } from "../../workflows/vocabulary";

export const meta: MetaFunction = () => [{ title: "Organisationen – KIM Fallmanagement" }];

const AgreementSchema = z.object({
  organisationId: z.number({ required_error: "Die Organisation fehlt." }).int().positive("Die Organisation fehlt."),
  access: z.enum(COORDINATION_ACCESS.values as [CoordinationAccess, ...CoordinationAccess[]], {
    errorMap: () => ({ message: "Bitte wählen Sie eine der Vereinbarungen aus." }),
  }),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "manage:organisations:any");
  return { organisations: await listOrganisationAgreements(context.db) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requirePermission(request, context, "manage:organisations:any");
  const formData = await request.formData();
  const organisationId = Number(formData.get("organisationId")) || 0;
  const submission = parseWithZod(formData, { schema: AgreementSchema });
  if (submission.status !== "success") {
    return data({ organisationId, result: submission.reply(), saved: false }, { status: 400 });
  }
  const saved = await setCoordinationAccess(context.db, admin, submission.value);
  if (!saved.ok) {
    return data({ organisationId, result: submission.reply({ formErrors: [saved.message] }), saved: false }, { status: saved.status });
  }
  return { organisationId, result: submission.reply(), saved: true };
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>["organisations"][number];

function AgreementForm({ organisation }: { organisation: Row }) {
  const actionData = useActionData<typeof action>();
  const mine = actionData?.organisationId === organisation.id ? actionData : undefined;
  const [form, fields] = useForm({
    id: `agreement-${organisation.id}`,
    lastResult: mine?.result,
    defaultValue: { access: organisation.coordinationAccess },
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AgreementSchema }),
  });
  return (
    <Form method="post" className="stack" {...getFormProps(form)}>
      <input type="hidden" name="organisationId" value={organisation.id} />
      <FormErrors errors={form.errors} id={form.errorId} />
      <SelectField
        field={fields.access}
        label={`Sicht der Koordination auf die Fälle von ${organisation.name}`}
        options={optionsOf(COORDINATION_ACCESS)}
        placeholder={null}
        required
      />
      <button type="submit" className="button button--secondary">
        Vereinbarung speichern
      </button>
      {mine?.saved ? (
        <p className="notice" role="status">
          Gespeichert: {COORDINATION_ACCESS.label[organisation.coordinationAccess]}.
        </p>
      ) : null}
    </Form>
  );
}

export default function Organisations() {
  const { organisations } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Organisationen</h1>
      <p className="muted">
        Jede Organisation (Träger) verantwortet die Daten ihrer Klient*innen. Was die KIM-Koordination von ihren Fällen
        sieht, legt die Kooperationsvereinbarung fest: volle Fallakten, pseudonymisiert (Aktenzeichen, Phase, Zielgruppe,
        Daten und Fallzahlen, aber kein Name, kein Geburtsdatum, keine Kontaktdaten, keine Freitexte) oder nur Teamzahlen.
      </p>
      {organisations.map((o) => (
        <section key={o.id} className="card" aria-labelledby={`org-${o.id}`}>
          <h2 id={`org-${o.id}`}>{o.name}</h2>
          <p className="muted">
            {ORGANISATION_KINDS.label[o.kind]} · {o.activeCaseManagers} aktive Casemanager*innen
          </p>
          <AgreementForm organisation={o} />
        </section>
      ))}
    </>
  );
}
