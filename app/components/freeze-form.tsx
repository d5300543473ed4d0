// "Berichtsstand festschreiben" (coordinators): on the report page and on the list of editions; posts to
// /berichte/ausgaben, which freezes the suppressed report of the selection for the meeting date.
import { type SubmissionResult, getFormProps, useForm } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { FormErrors, TextField } from "~/components/forms";

/** The freeze form: the report's selection (from the report page) and the meeting date. */
export function FreezeForm({ bericht, lastResult }: { bericht: string; lastResult?: SubmissionResult<string[]> }) {
  const [form, fields] = useForm<{ intent: string; bericht: string; sitzung: string }>({
    id: "freeze-edition",
    lastResult,
    defaultValue: { bericht },
    shouldValidate: "onSubmit",
  });
  return (
    <Form method="post" action="/berichte/ausgaben" className="card no-print stack" {...getFormProps(form)} aria-labelledby="freeze-title">
      <h2 id="freeze-title">Berichtsstand festschreiben</h2>
      <p className="muted">
        Schreibt den Bericht mit dieser Auswahl so fest, wie ihn die Lenkungsgruppe sieht (kleine Zahlen unterdrückt): Seite,
        CSV und XLSX bleiben unverändert, auch wenn später Einträge hinzukommen.
      </p>
      <FormErrors errors={form.errors} id={form.errorId} />
      <input type="hidden" name="intent" value="freeze" />
      <input type="hidden" name={fields.bericht.name} value={bericht} />
      <TextField field={fields.sitzung} label="Datum der Sitzung" type="date" required />
      <div>
        <button type="submit" className="button">
          Berichtsstand festschreiben
        </button>
      </div>
    </Form>
  );
}

