import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, type ShouldRevalidateFunction, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { FINDING_TRANSITIONS, findFinding, reviewFinding } from "~/db.server";
import { FormErrors, SelectField, optionsOf } from "~/components/forms";
import { can, notFound, requirePermission } from "~/guards.server";
import {
  FINDING_PRIORITIES,
  FINDING_STATUSES,
  type FindingPriority,
  type FindingStatus,
  NEED_DOMAINS,
  TARGET_GROUPS,
} from "../../workflows/vocabulary";

export const meta: MetaFunction<typeof loader> = ({ data: d }) => [
  { title: `${d?.finding.title ?? "Hürde"} – Strukturelle Hürden – KIM Fallmanagement` },
];

const statusEnum = z.enum(FINDING_STATUSES.values as [FindingStatus, ...FindingStatus[]], {
  required_error: "Bitte wählen Sie einen Status.",
  invalid_type_error: "Bitte wählen Sie einen Status.",
});

const ReviewSchema = z.object({
  intent: z.literal("review"),
  fromStatus: statusEnum,
  status: statusEnum,
  priority: z
    .enum(FINDING_PRIORITIES.values as [FindingPriority, ...FindingPriority[]], {
      invalid_type_error: "Bitte wählen Sie eine Priorität aus der Liste.",
    })
    .optional(),
});

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, ["create:finding:own", "manage:finding:any"]);
  const finding = await findFinding(context.db, user, params.findingId ?? "");
  if (!finding) notFound();
  return { finding, nextStatuses: FINDING_TRANSITIONS[finding.status], canManage: can(user, "manage:finding:any") };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "manage:finding:any");
  const submission = parseWithZod(await request.formData(), { schema: ReviewSchema });
  if (submission.status !== "success") {
    return data({ result: submission.reply(), saved: null }, { status: 400 });
  }
  const v = submission.value;
  const result = await reviewFinding(context.db, user, params.findingId ?? "", {
    fromStatus: v.fromStatus,
    status: v.status,
    priority: v.priority ?? null,
  });
  if (!result.ok) {
    if (result.status === 404) notFound();
    const reply =
      result.field === "status"
        ? submission.reply({ fieldErrors: { status: [result.message] } })
        : submission.reply({ formErrors: [result.message] });
    return data({ result: reply, saved: null }, { status: result.status });
  }
  return { result: submission.reply(), saved: v.status };
}

/** After a refused change (someone else changed the finding) show the current state. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) =>
  actionStatus === 409 ? true : defaultShouldRevalidate;

type Finding = ReturnType<typeof useLoaderData<typeof loader>>["finding"];

function ReviewForm({ finding, nextStatuses }: { finding: Finding; nextStatuses: readonly FindingStatus[] }) {
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: `review-${finding.id}-${finding.status}`,
    lastResult: actionData?.result,
    defaultValue: { status: finding.status, priority: finding.priority ?? "" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ReviewSchema }),
    shouldValidate: "onSubmit",
  });
  const next = [finding.status, ...nextStatuses];
  const mayMark = nextStatuses.includes("fuer_lenkungsgruppe");
  return (
    <section className="card" aria-labelledby="review-heading">
      <h2 id="review-heading">Bearbeitung durch die Koordination</h2>
      {actionData?.saved ? (
        <p className="notice" role="status">
          Gespeichert. Status: „{FINDING_STATUSES.label[actionData.saved]}“.
        </p>
      ) : null}
      {mayMark ? (
        <Form method="post" className="button-row">
          <input type="hidden" name="intent" value="review" />
          <input type="hidden" name="fromStatus" value={finding.status} />
          <input type="hidden" name="status" value="fuer_lenkungsgruppe" />
          <input type="hidden" name="priority" value={finding.priority ?? ""} />
          <button type="submit" className="button">
            Für die Lenkungsgruppe vormerken
          </button>
        </Form>
      ) : null}
      <Form method="post" className="stack" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="review" />
        <input type="hidden" name="fromStatus" value={finding.status} />
        <FormErrors errors={form.errors} id={form.errorId} />
        <SelectField
          field={fields.status}
          label="Status"
          placeholder={null}
          options={next.map((s) => ({ value: s, label: FINDING_STATUSES.label[s] }))}
          hint="Ablauf: gemeldet → in Prüfung → für die Lenkungsgruppe vorgemerkt → erledigt oder verworfen."
        />
        <SelectField field={fields.priority} label="Priorität" placeholder="noch keine" options={optionsOf(FINDING_PRIORITIES)} />
        <div>
          <button type="submit" className="button button--secondary">
            Status und Priorität speichern
          </button>
        </div>
      </Form>
    </section>
  );
}

export default function FindingDetail() {
  const { finding, nextStatuses, canManage } = useLoaderData<typeof loader>();
  return (
    <>
      <p>
        <Link to="/huerden">← Zurück zu den strukturellen Hürden</Link>
      </p>
      <h1>{finding.title}</h1>
      <dl className="dl-grid card">
        <dt>Status</dt>
        <dd>{FINDING_STATUSES.label[finding.status]}</dd>
        <dt>Priorität</dt>
        <dd>{finding.priority ? FINDING_PRIORITIES.label[finding.priority] : "noch keine"}</dd>
        <dt>Bedarfsfeld</dt>
        <dd>{NEED_DOMAINS.label[finding.need_domain]}</dd>
        <dt>Betroffene Fälle</dt>
        <dd>{finding.affected_cases}</dd>
        <dt>Kommune</dt>
        <dd>{finding.municipality ?? "kreisweit / keine Angabe"}</dd>
        <dt>Zielgruppe</dt>
        <dd>{finding.target_group ? TARGET_GROUPS.label[finding.target_group] : "alle / keine Angabe"}</dd>
        <dt>Gemeldet</dt>
        <dd>
          {new Date(finding.reported_at).toLocaleDateString("de-DE", { timeZone: "Europe/Berlin" })}
          {finding.reported_by_name ? ` von ${finding.reported_by_name}` : ""}
        </dd>
        <dt>Beschreibung</dt>
        <dd className="pre-line">{finding.description}</dd>
      </dl>
      {canManage ? <ReviewForm finding={finding} nextStatuses={nextStatuses} /> : null}
    </>
  );
}
