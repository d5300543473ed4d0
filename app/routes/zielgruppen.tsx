import {
  type SubmissionResult,
  getCollectionProps,
  getFormProps,
  getInputProps,
  useForm,
} from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { berlinDate, createTargetGroupVersion, listTargetGroupVersions } from "~/db.server";
import { CheckboxField, FieldError, FormErrors, TextField, TextareaField } from "~/components/forms";
import { requirePermission } from "~/guards.server";
import { parseLocalDate } from "../../workflows/target-groups";
import {
  REFERRAL_SOURCES,
  RESIDENCE_STATUSES,
  TARGET_GROUPS,
  TARGET_GROUP_SHORT,
  type TargetGroup,
} from "../../workflows/vocabulary";

export const meta: MetaFunction = () => [{ title: "Zielgruppen – KIM Fallmanagement" }];

const AGE_MESSAGE = "Bitte geben Sie eine ganze Zahl zwischen 0 und 120 ein oder lassen Sie das Feld leer.";

const VersionSchema = z.object({
  intent: z.literal("create-version"),
  code: z.enum(TARGET_GROUPS.values as [TargetGroup, ...TargetGroup[]]),
  validFrom: z
    .string({ required_error: "Bitte geben Sie an, ab wann die neue Version gilt." })
    .refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && parseLocalDate(v) !== null, "Bitte geben Sie ein gültiges Datum ein."),
  maxAgeAtIntake: z
    .number({ invalid_type_error: AGE_MESSAGE })
    .int(AGE_MESSAGE)
    .min(0, AGE_MESSAGE)
    .max(120, AGE_MESSAGE)
    .optional(),
  residenceStatusIn: z
    .array(z.enum(RESIDENCE_STATUSES.values as [string, ...string[]]), {
      invalid_type_error: "Bitte wählen Sie Aufenthaltsstatus aus der Liste.",
    })
    .optional(),
  referralSourceIn: z
    .array(z.enum(REFERRAL_SOURCES.values as [string, ...string[]]), {
      invalid_type_error: "Bitte wählen Sie Zugangswege aus der Liste.",
    })
    .optional(),
  requiresIncreasedNeedDocumented: z.boolean().optional(),
  requiresUnaccompanied: z.boolean().optional(),
  note: z.string().trim().max(1000, "Bitte höchstens 1000 Zeichen.").optional(),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "manage:target-groups:any");
  const today = berlinDate(new Date());
  return { today, groups: await listTargetGroupVersions(context.db, { today }) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "manage:target-groups:any");
  const formData = await request.formData();
  const code = String(formData.get("code") ?? "");
  const submission = parseWithZod(formData, { schema: VersionSchema });
  if (submission.status !== "success") {
    return data({ code, result: submission.reply(), saved: null }, { status: 400 });
  }
  const v = submission.value;
  const created = await createTargetGroupVersion(
    context.db,
    user,
    {
      code: v.code,
      validFrom: v.validFrom,
      note: v.note ?? null,
      rules: {
        maxAgeAtIntake: v.maxAgeAtIntake,
        residenceStatusIn: v.residenceStatusIn as (typeof RESIDENCE_STATUSES.values)[number][] | undefined,
        referralSourceIn: v.referralSourceIn as (typeof REFERRAL_SOURCES.values)[number][] | undefined,
        requiresIncreasedNeedDocumented: v.requiresIncreasedNeedDocumented ?? false,
        requiresUnaccompanied: v.requiresUnaccompanied ?? false,
      },
    },
    { today: berlinDate(new Date()) },
  );
  if (!created.ok) {
    const reply =
      created.field === "validFrom"
        ? submission.reply({ fieldErrors: { validFrom: [created.message] } })
        : submission.reply({ formErrors: [created.message] });
    return data({ code, result: reply, saved: null }, { status: created.status });
  }
  return {
    code,
    result: submission.reply({ resetForm: true }),
    saved: { title: created.title, validFrom: v.validFrom },
  };
}

function germanDate(iso: string) {
  const d = parseLocalDate(iso);
  return d ? `${String(d.d).padStart(2, "0")}.${String(d.m).padStart(2, "0")}.${d.y}` : iso;
}

const STATUS_LABEL = {
  current: { text: "gilt aktuell", className: "badge badge--green" },
  scheduled: { text: "geplant", className: "badge badge--amber" },
  superseded: { text: "abgelöst", className: "badge" },
} as const;

type Group = ReturnType<typeof useLoaderData<typeof loader>>["groups"][number];

function CheckboxGroup({
  field,
  legend,
  hint,
  options,
}: {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  field: any;
  legend: string;
  hint: string;
  options: { value: string; label: string }[];
}) {
  const labels = Object.fromEntries(options.map((o) => [o.value, o.label]));
  const hintId = `${field.id}-hint`;
  return (
    <fieldset className="field checkbox-group" aria-describedby={field.errors?.length ? `${hintId} ${field.errorId}` : hintId}>
      <legend>{legend}</legend>
      <span id={hintId} className="hint">
        {hint}
      </span>
      {getCollectionProps(field, { type: "checkbox", options: options.map((o) => o.value) }).map(({ key, ...props }) => (
        <label key={key} htmlFor={props.id} className="checkbox">
          <input {...props} />
          {labels[props.value]}
        </label>
      ))}
      <FieldError field={field} />
    </fieldset>
  );
}

function NewVersionForm({ group, lastResult }: { group: Group; lastResult: SubmissionResult<string[]> | undefined }) {
  const latest = group.versions[0];
  const rules = latest?.rules ?? {};
  const [form, fields] = useForm({
    id: `new-version-${group.code}-v${latest?.version ?? 0}`,
    lastResult,
    defaultValue: {
      code: group.code,
      validFrom: "",
      maxAgeAtIntake: rules.maxAgeAtIntake === undefined ? "" : String(rules.maxAgeAtIntake),
      residenceStatusIn: rules.residenceStatusIn ?? [],
      referralSourceIn: rules.referralSourceIn ?? [],
      requiresIncreasedNeedDocumented: rules.requiresIncreasedNeedDocumented ? "on" : undefined,
      requiresUnaccompanied: rules.requiresUnaccompanied ? "on" : undefined,
      note: "",
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: VersionSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const { key: codeKey, ...codeProps } = getInputProps(fields.code, { type: "hidden" });
  return (
    <Form method="post" className="stack" {...getFormProps(form)}>
      <input type="hidden" name="intent" value="create-version" />
      <input key={codeKey} {...codeProps} />
      <FormErrors errors={form.errors} id={form.errorId} />
      <TextField
        field={fields.validFrom}
        label="Gültig ab"
        type="date"
        required
        hint={`Frühestens heute und nach dem Beginn der letzten Version${latest ? ` (v${latest.version}: ${germanDate(latest.validFrom)})` : ""}.`}
      />
      <TextField
        field={fields.maxAgeAtIntake}
        label="Höchstalter bei Aufnahme (vollendete Jahre)"
        type="number"
        inputMode="numeric"
        hint="z. B. 17 für „unter 18 Jahren“; leer lassen, wenn es keine Altersgrenze gibt."
      />
      <CheckboxField
        field={fields.requiresUnaccompanied}
        label="Nur unbegleitet eingereiste Personen (ohne Eltern bzw. Sorgeberechtigte)"
      />
      <CheckboxField
        field={fields.requiresIncreasedNeedDocumented}
        label="Erhöhter Unterstützungsbedarf muss von der zuweisenden Stelle dokumentiert sein"
      />
      <CheckboxGroup
        field={fields.residenceStatusIn}
        legend="Zulässige Aufenthaltsstatus"
        hint="Keine Auswahl: der Aufenthaltsstatus spielt keine Rolle."
        options={RESIDENCE_STATUSES.values.map((v) => ({ value: v, label: RESIDENCE_STATUSES.label[v] }))}
      />
      <CheckboxGroup
        field={fields.referralSourceIn}
        legend="Zulässige Zugangswege"
        hint="Keine Auswahl: der Zugangsweg spielt keine Rolle."
        options={REFERRAL_SOURCES.values.map((v) => ({ value: v, label: REFERRAL_SOURCES.label[v] }))}
      />
      <TextareaField
        field={fields.note}
        label="Anlass / Beschluss (optional)"
        hint="z. B. „Beschluss der Lenkungsgruppe vom 12.03.2026“. Keine personenbezogenen Daten."
      />
      <div>
        <button type="submit" className="button">
          Version {(latest?.version ?? 0) + 1} speichern
        </button>
      </div>
    </Form>
  );
}

export default function TargetGroups() {
  const { groups, today } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <>
      <h1>Zielgruppen</h1>
      <p>
        Die Lenkungsgruppe legt die Zielgruppen fest. Eine Änderung wird als neue Version mit einem Gültigkeitsbeginn
        erfasst. Neue Zuordnungen verwenden die Version, die am Tag der Zuordnung gilt; bereits zugeordnete Fälle
        behalten ihre Version.
      </p>
      {actionData?.saved ? (
        <p className="notice" role="status">
          {actionData.saved.title} gespeichert; gilt ab {germanDate(actionData.saved.validFrom)}. Bereits zugeordnete
          Fälle behalten ihre bisherige Version.
        </p>
      ) : null}
      {groups.map((group) => {
        const mine = actionData?.code === group.code ? actionData : undefined;
        const hasErrors = Boolean(mine && !mine.saved);
        return (
          <section key={group.code} className="card" aria-labelledby={`group-${group.code}`}>
            <h2 id={`group-${group.code}`}>{group.label}</h2>
            <div className="table-wrap">
              <table className="data">
                <caption className="visually-hidden">Versionen der Zielgruppe {TARGET_GROUP_SHORT[group.code]}</caption>
                <thead>
                  <tr>
                    <th scope="col">Version</th>
                    <th scope="col">Gültig ab</th>
                    <th scope="col">Regeln</th>
                    <th scope="col">Anlass / Beschreibung</th>
                    <th scope="col">Erfasst</th>
                  </tr>
                </thead>
                <tbody>
                  {group.versions.map((v) => (
                    <tr key={v.id}>
                      <th scope="row">
                        v{v.version} <span className={STATUS_LABEL[v.status].className}>{STATUS_LABEL[v.status].text}</span>
                      </th>
                      <td>{germanDate(v.validFrom)}</td>
                      <td>
                        <ul className="rule-list">
                          {v.ruleLines.map((line) => (
                            <li key={line}>{line}</li>
                          ))}
                        </ul>
                      </td>
                      <td>{v.description}</td>
                      <td>
                        {v.createdByName ?? "Ersteinrichtung"},{" "}
                        {new Date(v.createdAt).toLocaleDateString("de-DE", { timeZone: "Europe/Berlin" })}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <details className="new-version" open={hasErrors || undefined}>
              <summary>Neue Version für „{TARGET_GROUP_SHORT[group.code]}“ anlegen</summary>
              <NewVersionForm group={group} lastResult={mine?.result} />
            </details>
          </section>
        );
      })}
      <p className="muted">Stand: {germanDate(today)}</p>
    </>
  );
}
