import { type SubmissionResult, getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { Form, useNavigation } from "@remix-run/react";
import { useEffect } from "react";
import { SecondFactorCodeSchema } from "~/schemas/second-factor";
import { FormErrors, TextField } from "./forms";

/** The code field of both second-factor pages, and a way back to the password. */
export function SecondFactorCodeForm({
  lastResult,
  label,
  hint,
  submitLabel,
  cancelLabel = "Abbrechen und zurück zur Anmeldung",
  children,
}: {
  lastResult: SubmissionResult<string[]> | undefined;
  label: string;
  hint: string;
  submitLabel: string;
  cancelLabel?: string;
  /** Hidden fields sent with the code. */
  children?: React.ReactNode;
}) {
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "second-factor",
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SecondFactorCodeSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const codeId = fields.code.id;
  useEffect(() => {
    // A refused code is of no use any more: empty the field (the server's answer already leaves it out).
    if (!lastResult?.error) return;
    const input = document.getElementById(codeId);
    if (input instanceof HTMLInputElement) input.value = "";
  }, [lastResult, codeId]);
  return (
    <>
      <Form method="post" className="stack" {...getFormProps(form)}>
        <FormErrors errors={form.errors} id={form.errorId} />
        {children}
        <TextField
          field={fields.code}
          label={label}
          hint={hint}
          autoComplete="one-time-code"
          inputMode="numeric"
          required
        />
        <div>
          <button type="submit" className="button" disabled={navigation.state === "submitting"}>
            {submitLabel}
          </button>
        </div>
      </Form>
      <Form method="post" className="second-factor__cancel">
        <input type="hidden" name="intent" value="cancel" />
        <button type="submit" className="button button--secondary">
          {cancelLabel}
        </button>
      </Form>
    </>
  );
}
