import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import {
  CASE_REFERENCE_MESSAGE,
  containsCaseReference,
  listFindings,
  listMunicipalityOptions,
  reportFinding,
} from "~/db.server";
import { FormErrors, SelectField, TextField, TextareaField, optionsOf } from "~/components/forms";
import { can, requirePermission } from "~/guards.server";
import {
  FINDING_PRIORITIES,
  FINDING_STATUSES,
  type FindingStatus,
  NEED_DOMAINS,
  type NeedDomain,
  TARGET_GROUPS,
  TARGET_GROUP_SHORT,
  type TargetGroup,
} from "../../workflows/vocabulary";

export const meta: MetaFunction = () => [{ title: "Strukturelle Hürden – KIM Fallmanagement" }];

const ReportSchema = z.object({
  intent: z.literal("report"),
  title: z
    .string({ required_error: "Bitte geben Sie einen kurzen Titel ein." })
    .trim()
    .min(3, "Der Titel muss mindestens 3 Zeichen lang sein.")
    .max(200, "Der Titel darf höchstens 200 Zeichen lang sein."),
  description: z
    .string({ required_error: "Bitte beschreiben Sie die Hürde." })
    .trim()
    .min(10, "Bitte beschreiben Sie die Hürde in mindestens 10 Zeichen.")
    .max(4000, "Die Beschreibung darf höchstens 4000 Zeichen lang sein."),
  needDomain: z.enum(NEED_DOMAINS.values as [NeedDomain, ...NeedDomain[]], {
    required_error: "Bitte wählen Sie ein Bedarfsfeld.",
    invalid_type_error: "Bitte wählen Sie ein Bedarfsfeld.",
  }),
  affectedCases: z
    .number({
      required_error: "Bitte geben Sie die Zahl der betroffenen Fälle an.",
      invalid_type_error: "Bitte geben Sie eine ganze Zahl ein.",
    })
    .int("Bitte geben Sie eine ganze Zahl ein.")
    .min(1, "Es muss mindestens ein Fall betroffen sein.")
    .max(100_000, "Bitte prüfen Sie die Zahl der betroffenen Fälle."),
  municipalityId: z.number({ invalid_type_error: "Bitte wählen Sie eine Kommune aus der Liste." }).int().positive().optional(),
  targetGroup: z
    .enum(TARGET_GROUPS.values as [TargetGroup, ...TargetGroup[]], {
      invalid_type_error: "Bitte wählen Sie eine Zielgruppe aus der Liste.",
    })
    .optional(),
});

function statusFilter(value: string | null): FindingStatus | undefined {
  return FINDING_STATUSES.values.find((s) => s === value);
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, ["create:finding:own", "manage:finding:any"]);
  const status = statusFilter(new URL(request.url).searchParams.get("status"));
  const [findings, municipalities] = await Promise.all([
    listFindings(context.db, user, { status }),
    listMunicipalityOptions(context.db),
  ]);
  return {
    findings,
    municipalities,
    status: status ?? "",
    canManage: can(user, "manage:finding:any"),
    canReport: can(user, "create:finding:own"),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "create:finding:own");
  const submission = parseWithZod(await request.formData(), {
    schema: ReportSchema.superRefine((value, ctx) => {
      for (const field of ["title", "description"] as const) {
        if (containsCaseReference(value[field])) {
          ctx.addIssue({ path: [field], code: z.ZodIssueCode.custom, message: CASE_REFERENCE_MESSAGE });
        }
      }
    }),
  });
  if (submission.status !== "success") {
    return data({ result: submission.reply(), saved: false }, { status: 400 });
  }
  const v = submission.value;
  const result = await reportFinding(context.db, user, {
    title: v.title,
    description: v.description,
    needDomain: v.needDomain,
    affectedCases: v.affectedCases,
    municipalityId: v.municipalityId ?? null,
    targetGroup: v.targetGroup ?? null,
  });
  if (!result.ok) {
    const reply =
      result.field && result.field !== "status"
        ? submission.reply({ fieldErrors: { [result.field]: [result.message] } })
        : submission.reply({ formErrors: [result.message] });
    return data({ result: reply, saved: false }, { status: result.status });
  }
  return { result: submission.reply({ resetForm: true }), saved: true };
}

const STATUS_BADGE: Record<FindingStatus, string> = {
  gemeldet: "badge",
  in_pruefung: "badge badge--amber",
  fuer_lenkungsgruppe: "badge badge--green",
  erledigt: "badge",
  verworfen: "badge",
};

function ReportForm({ municipalities }: { municipalities: { id: number; name: string }[] }) {
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "report-finding",
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ReportSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <section className="card" aria-labelledby="report-heading">
      <h2 id="report-heading">Neue Hürde melden</h2>
      {actionData?.saved ? (
        <p className="notice" role="status">
          Vielen Dank. Ihre Meldung wurde gespeichert und ist für die Koordination sichtbar.
        </p>
      ) : null}
      <p className="warning" id="no-client-data">
        Bitte keine Daten von Klient*innen: keine Namen, Aktenzeichen, Geburtsdaten oder Einzelheiten, die eine Person
        erkennbar machen. Beschreiben Sie die Hürde allgemein und nennen Sie nur die Zahl der betroffenen Fälle.
      </p>
      <Form method="post" className="stack" {...getFormProps(form)} aria-describedby="no-client-data">
        <input type="hidden" name="intent" value="report" />
        <FormErrors errors={form.errors} id={form.errorId} />
        <TextField field={fields.title} label="Titel" required hint="z. B. „Monatelange Wartezeit auf Termine bei der Botschaft“" />
        <TextareaField
          field={fields.description}
          label="Beschreibung"
          required
          rows={5}
          hint="Was hindert die Fälle? Seit wann? Welche Stelle ist beteiligt? Ohne personenbezogene Angaben."
        />
        <SelectField field={fields.needDomain} label="Bedarfsfeld" options={optionsOf(NEED_DOMAINS)} required />
        <TextField
          field={fields.affectedCases}
          label="Zahl der betroffenen Fälle"
          type="number"
          inputMode="numeric"
          required
          hint="Mindestens 1."
        />
        <SelectField
          field={fields.municipalityId}
          label="Kommune (optional)"
          placeholder="kreisweit / keine Angabe"
          options={municipalities.map((m) => ({ value: String(m.id), label: m.name }))}
        />
        <SelectField
          field={fields.targetGroup}
          label="Zielgruppe (optional)"
          placeholder="alle / keine Angabe"
          options={optionsOf(TARGET_GROUPS)}
        />
        <div>
          <button type="submit" className="button">
            Hürde melden
          </button>
        </div>
      </Form>
    </section>
  );
}

export default function Findings() {
  const { findings, municipalities, status, canManage, canReport } = useLoaderData<typeof loader>();
  const list = (
    <section aria-labelledby="list-heading">
      <h2 id="list-heading">{canManage ? "Alle Meldungen" : "Meine Meldungen"}</h2>
      {canManage ? (
        <Form method="get" className="filters">
          <div className="field">
            <label htmlFor="status-filter">Status</label>
            <select id="status-filter" name="status" defaultValue={status}>
              <option value="">alle</option>
              {FINDING_STATUSES.values.map((s) => (
                <option key={s} value={s}>
                  {FINDING_STATUSES.label[s]}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button button--secondary">
            Filtern
          </button>
        </Form>
      ) : null}
      {findings.length === 0 ? (
        <p>{canManage ? "Keine Meldungen." : "Sie haben noch keine Hürde gemeldet."}</p>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">{canManage ? "Alle gemeldeten Hürden" : "Meine gemeldeten Hürden"}</caption>
            <thead>
              <tr>
                <th scope="col">Titel</th>
                <th scope="col">Bedarfsfeld</th>
                <th scope="col" className="num">
                  Betroffene Fälle
                </th>
                <th scope="col">Kommune</th>
                <th scope="col">Zielgruppe</th>
                <th scope="col">Gemeldet</th>
                <th scope="col">Priorität</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {findings.map((f) => (
                <tr key={f.id}>
                  <th scope="row">
                    <Link to={`/huerden/${f.id}`}>{f.title}</Link>
                  </th>
                  <td>{NEED_DOMAINS.label[f.need_domain]}</td>
                  <td className="num">{f.affected_cases}</td>
                  <td>{f.municipality ?? "kreisweit"}</td>
                  <td>{f.target_group ? TARGET_GROUP_SHORT[f.target_group] : "alle"}</td>
                  <td>
                    {new Date(f.reported_at).toLocaleDateString("de-DE", { timeZone: "Europe/Berlin" })}
                    {canManage && f.reported_by_name ? ` · ${f.reported_by_name}` : ""}
                  </td>
                  <td>{f.priority ? FINDING_PRIORITIES.label[f.priority] : "–"}</td>
                  <td>
                    <span className={STATUS_BADGE[f.status]}>{FINDING_STATUSES.label[f.status]}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
  return (
    <>
      <h1>Strukturelle Hürden</h1>
      <p>
        Hürden, die in mehreren Fällen auftreten (z. B. monatelange Wartezeiten auf Termine), werden hier gemeldet. Die
        Koordination prüft sie, legt eine Priorität fest und bringt sie in die Lenkungsgruppe ein.
      </p>
      {canManage ? list : null}
      {canReport ? <ReportForm municipalities={municipalities} /> : null}
      {canManage ? null : list}
    </>
  );
}
