// /partner/neu creates a partner, /partner/:id edits, deactivates or reactivates one (one form schema).
import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import {
  type PartnerInput,
  createPartner,
  findPartner,
  listMunicipalityOptions,
  setPartnerActive,
  updatePartner,
} from "~/db.server";
import { FormErrors, SelectField, TextField, TextareaField, optionsOf } from "~/components/forms";
import { notFound, requirePermission } from "~/guards.server";
import { PARTNER_KINDS, type PartnerKind } from "../../workflows/vocabulary";

export const meta: MetaFunction<typeof loader> = ({ data: d }) => [
  { title: `${d?.partner ? `Partner „${d.partner.name}“` : "Neuer Partner"} – KIM Fallmanagement` },
];

const optionalText = (max: number, message: string) => z.string().trim().max(max, message).optional();

const PartnerSchema = z.object({
  intent: z.literal("save"),
  name: z
    .string({ required_error: "Bitte geben Sie den Namen des Partners ein." })
    .trim()
    .min(2, "Der Name muss mindestens 2 Zeichen lang sein.")
    .max(200, "Der Name darf höchstens 200 Zeichen lang sein."),
  kind: z.enum(PARTNER_KINDS.values as [PartnerKind, ...PartnerKind[]], {
    required_error: "Bitte wählen Sie die Art des Partners.",
    invalid_type_error: "Bitte wählen Sie die Art des Partners.",
  }),
  municipalityId: z.number({ invalid_type_error: "Bitte wählen Sie eine Kommune aus der Liste." }).int().positive().optional(),
  contactPerson: optionalText(200, "Bitte höchstens 200 Zeichen."),
  phone: z
    .string()
    .trim()
    .max(50, "Bitte höchstens 50 Zeichen.")
    .regex(/^[0-9+()/\s-]+$/, "Bitte nur Ziffern, Leerzeichen und + ( ) / - verwenden.")
    .optional(),
  email: z.string().trim().email("Bitte geben Sie eine gültige E-Mail-Adresse ein.").max(200).optional(),
  address: optionalText(300, "Bitte höchstens 300 Zeichen."),
});

const ActiveSchema = z.object({ intent: z.enum(["deactivate", "activate"]) });

function partnerIdOf(param: string | undefined): number | "neu" {
  if (param === "neu") return "neu";
  const id = Number(param);
  if (!Number.isInteger(id) || id <= 0 || id > 2_147_483_647) notFound();
  return id;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requirePermission(request, context, "manage:partners:any");
  const id = partnerIdOf(params.partnerId);
  const [partner, municipalities] = await Promise.all([
    id === "neu" ? null : findPartner(context.db, id),
    listMunicipalityOptions(context.db),
  ]);
  if (id !== "neu" && !partner) notFound();
  return { partner, municipalities };
}

function toInput(v: z.infer<typeof PartnerSchema>): PartnerInput {
  return {
    name: v.name,
    kind: v.kind,
    municipalityId: v.municipalityId ?? null,
    contactPerson: v.contactPerson ?? null,
    phone: v.phone ?? null,
    email: v.email ?? null,
    address: v.address ?? null,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "manage:partners:any");
  const id = partnerIdOf(params.partnerId);
  const formData = await request.formData();
  if (formData.get("intent") === "deactivate" || formData.get("intent") === "activate") {
    const submission = parseWithZod(formData, { schema: ActiveSchema });
    if (id === "neu" || submission.status !== "success") notFound();
    const active = submission.value.intent === "activate";
    const result = await setPartnerActive(context.db, user, id, active);
    if (!result.ok) throw new Response(result.message, { status: result.status });
    const partner = await findPartner(context.db, id);
    return redirect(`/partner?ok=${active ? "aktiviert" : "deaktiviert"}&name=${encodeURIComponent(partner?.name ?? "")}`);
  }
  const submission = parseWithZod(formData, { schema: PartnerSchema });
  if (submission.status !== "success") {
    return data({ result: submission.reply() }, { status: 400 });
  }
  const input = toInput(submission.value);
  const result = id === "neu" ? await createPartner(context.db, user, input) : await updatePartner(context.db, user, id, input);
  if (!result.ok) {
    if (result.status === 404) notFound();
    const reply = result.field
      ? submission.reply({ fieldErrors: { [result.field]: [result.message] } })
      : submission.reply({ formErrors: [result.message] });
    return data({ result: reply }, { status: result.status });
  }
  return redirect(`/partner?ok=${id === "neu" ? "angelegt" : "gespeichert"}&name=${encodeURIComponent(input.name.trim())}`);
}

export default function PartnerForm() {
  const { partner, municipalities } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: `partner-${partner?.id ?? "neu"}`,
    lastResult: actionData?.result,
    defaultValue: partner
      ? {
          name: partner.name,
          kind: partner.kind,
          municipalityId: partner.municipality_id ? String(partner.municipality_id) : "",
          contactPerson: partner.contact_person ?? "",
          phone: partner.phone ?? "",
          email: partner.email ?? "",
          address: partner.address ?? "",
        }
      : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: PartnerSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <>
      <p>
        <Link to="/partner">← Zurück zur Partnerliste</Link>
      </p>
      <h1>{partner ? `Partner „${partner.name}“ bearbeiten` : "Neuen Partner anlegen"}</h1>
      {partner && !partner.active ? (
        <p className="warning">Dieser Partner ist deaktiviert und wird für neue Vermittlungen nicht angeboten.</p>
      ) : null}
      <Form method="post" className="stack card" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="save" />
        <FormErrors errors={form.errors} id={form.errorId} />
        <TextField field={fields.name} label="Name" required autoComplete="off" />
        <SelectField field={fields.kind} label="Art" options={optionsOf(PARTNER_KINDS)} required />
        <SelectField
          field={fields.municipalityId}
          label="Kommune"
          placeholder="kreisweit / keine Angabe"
          options={municipalities.map((m) => ({ value: String(m.id), label: m.name }))}
        />
        <TextField field={fields.contactPerson} label="Ansprechperson" autoComplete="off" />
        <TextField field={fields.phone} label="Telefon" type="tel" autoComplete="off" />
        <TextField field={fields.email} label="E-Mail" type="email" autoComplete="off" />
        <TextareaField field={fields.address} label="Anschrift" rows={2} />
        <div>
          <button type="submit" className="button">
            {partner ? "Änderungen speichern" : "Partner anlegen"}
          </button>
        </div>
      </Form>
      {partner ? (
        <section className="card" aria-labelledby="status-heading">
          <h2 id="status-heading">{partner.active ? "Partner deaktivieren" : "Partner wieder aktivieren"}</h2>
          <p>
            {partner.active
              ? "Deaktivierte Partner werden für neue Vermittlungen nicht mehr angeboten. Bestehende Vermittlungen und Einwilligungen bleiben erhalten."
              : "Der Partner wird wieder für neue Vermittlungen angeboten."}
          </p>
          <Form method="post">
            <input type="hidden" name="intent" value={partner.active ? "deactivate" : "activate"} />
            <button type="submit" className={partner.active ? "button button--danger" : "button button--secondary"}>
              {partner.active ? "Deaktivieren" : "Wieder aktivieren"}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
