import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { DecisionTable } from "~/components/decision-list";
import { FormErrors, SelectField, TextField, TextareaField } from "~/components/forms";
import { listDecisions, listFindingsForSteering, recordDecision, setDecisionStatus } from "~/db.server";
import { can, requirePermission } from "~/guards.server";
import { DecisionSchema, DecisionStatusSchema } from "~/schemas/meeting";
import { berlinToday } from "../../db/reports/period";
import { DECISION_STATUSES } from "../../workflows/vocabulary";

export const meta: MetaFunction = () => [{ title: "Beschlüsse der Lenkungsgruppe – KIM Fallmanagement" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "read:report:aggregate");
  const canDecide = can(user, "decide:finding:any");
  const [decisions, findings] = await Promise.all([
    listDecisions(context.db),
    canDecide ? listFindingsForSteering(context.db) : Promise.resolve([]),
  ]);
  return { decisions, findings: findings.map((f) => ({ id: f.id, title: f.title })), canDecide, today: berlinToday() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "decide:finding:any");
  const formData = await request.formData();
  if (formData.get("intent") === "status") {
    const submission = parseWithZod(formData, { schema: DecisionStatusSchema });
    if (submission.status !== "success") {
      return data({ kind: "status" as const, result: submission.reply(), saved: null }, { status: 422 });
    }
    const v = submission.value;
    const result = await setDecisionStatus(context.db, user, v.decisionId, { fromStatus: v.fromStatus, status: v.status });
    if (!result.ok) {
      return data({ kind: "status" as const, result: submission.reply({ formErrors: [result.message] }), saved: null }, { status: result.status });
    }
    return { kind: "status" as const, result: submission.reply({ resetForm: true }), saved: "Der Stand des Beschlusses ist gespeichert." };
  }
  const submission = parseWithZod(formData, { schema: DecisionSchema });
  if (submission.status !== "success") {
    return data({ kind: "decide" as const, result: submission.reply(), saved: null }, { status: 422 });
  }
  const v = submission.value;
  const result = await recordDecision(context.db, user, {
    findingId: v.findingId,
    decidedOn: v.decidedOn,
    decision: v.note,
    responsibleBody: v.body,
    dueOn: v.dueOn,
  });
  if (!result.ok) {
    const reply =
      result.field === "dueOn"
        ? submission.reply({ fieldErrors: { dueOn: [result.message] } })
        : submission.reply({ formErrors: [result.message] });
    return data({ kind: "decide" as const, result: reply, saved: null }, { status: result.status === 404 ? 422 : result.status });
  }
  return { kind: "decide" as const, result: submission.reply({ resetForm: true }), saved: "Der Beschluss ist erfasst." };
}

type DecisionFields = { intent: string; findingId: string; decidedOn: string; note: string; body: string; dueOn: string };

function DecisionForm({ findings }: { findings: { id: string; title: string }[] }) {
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm<DecisionFields>({
    id: "decision-new",
    lastResult: actionData?.kind === "decide" ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: DecisionSchema }),
    shouldValidate: "onSubmit",
  });
  return (
    <section className="card" aria-labelledby="decide-title">
      <h2 id="decide-title">Beschluss erfassen</h2>
      {actionData?.kind === "decide" && actionData.saved ? (
        <p className="notice" role="status">
          {actionData.saved}
        </p>
      ) : null}
      {findings.length === 0 ? (
        <p>Keine strukturelle Hürde ist zurzeit für die Lenkungsgruppe vorgemerkt.</p>
      ) : (
        <Form method="post" className="stack" {...getFormProps(form)}>
          <input type="hidden" name="intent" value="decide" />
          <FormErrors errors={form.errors} id={form.errorId} />
          <SelectField
            field={fields.findingId}
            label="Strukturelle Hürde (für die Lenkungsgruppe vorgemerkt)"
            options={findings.map((f) => ({ value: f.id, label: f.title }))}
            required
          />
          <TextField field={fields.decidedOn} label="Datum des Beschlusses" type="date" required />
          <TextareaField field={fields.note} label="Beschluss" rows={3} required hint="Ohne Namen und ohne Aktenzeichen." />
          <TextField field={fields.body} label="Zuständig (Stelle oder Gremium)" required />
          <TextField field={fields.dueOn} label="Frist" type="date" required />
          <div>
            <button type="submit" className="button">
              Beschluss speichern
            </button>
          </div>
        </Form>
      )}
    </section>
  );
}

function StatusForm({ id, status }: { id: number; status: keyof typeof DECISION_STATUSES.label }) {
  return (
    <Form method="post" className="inline-form">
      <input type="hidden" name="intent" value="status" />
      <input type="hidden" name="decisionId" value={id} />
      <input type="hidden" name="fromStatus" value={status} />
      <label htmlFor={`decision-status-${id}`} className="visually-hidden">
        Stand des Beschlusses
      </label>
      <select id={`decision-status-${id}`} name="status" defaultValue={status}>
        {DECISION_STATUSES.values.map((s) => (
          <option key={s} value={s}>
            {DECISION_STATUSES.label[s]}
          </option>
        ))}
      </select>{" "}
      <button type="submit" className="button button--secondary">
        Stand speichern
      </button>
    </Form>
  );
}

export default function Decisions() {
  const { decisions, findings, canDecide, today } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="report">
      <p>
        <Link to="/berichte">← Zurück zum Bericht</Link>
      </p>
      <h1>Beschlüsse der Lenkungsgruppe</h1>
      <p>
        Was die Lenkungsgruppe zu strukturellen Hürden beschlossen hat, wer zuständig ist, bis wann, und wie weit die
        Umsetzung ist. Die Koordination erfasst die Beschlüsse; offene und fällige erscheinen im nächsten Bericht.
      </p>
      {canDecide ? <DecisionForm findings={findings} /> : null}
      <section className="card" aria-labelledby="decisions-title">
        <h2 id="decisions-title">Alle Beschlüsse</h2>
        {actionData?.kind === "status" ? (
          actionData.saved ? (
            <p className="notice" role="status">
              {actionData.saved}
            </p>
          ) : (
            <FormErrors errors={actionData.result.error?.[""] ?? ["Bitte prüfen Sie die Angaben."]} />
          )
        ) : null}
        {decisions.length === 0 ? (
          <p>Noch keine Beschlüsse erfasst.</p>
        ) : (
          <DecisionTable
            decisions={decisions}
            today={today}
            caption="Beschlüsse der Lenkungsgruppe"
            renderStatus={canDecide ? (d) => <StatusForm id={d.id} status={d.status} /> : undefined}
          />
        )}
      </section>
    </div>
  );
}
