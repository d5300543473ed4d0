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

/** The three steps of setting up a factor: QR code, the secret typed in (or the otpauth:// link), the code. */
export function EnrolmentSteps({ qrCode, secret, otpauthUri }: { qrCode: string; secret: string; otpauthUri: string }) {
  return (
    <ol className="enrolment__steps">
      <li>
        <p>Scannen Sie den QR-Code mit der App:</p>
        <img
          className="enrolment__qr"
          src={qrCode}
          alt="QR-Code zum Einrichten des zweiten Faktors; er enthält den unten stehenden Schlüssel."
        />
      </li>
      <li>
        <p>Oder geben Sie den Schlüssel von Hand ein (Typ „zeitbasiert“, 6 Ziffern, 30 Sekunden):</p>
        <p>
          <code id="totp-secret" className="enrolment__secret">
            {secret}
          </code>
        </p>
        <details>
          <summary>Einrichtungs-Link (otpauth://) anzeigen</summary>
          <p>
            <code className="enrolment__uri">{otpauthUri}</code>
          </p>
        </details>
      </li>
      <li>
        <p>Geben Sie zur Bestätigung den Code ein, den die App jetzt anzeigt. Erst dann wird der zweite Faktor gespeichert.</p>
      </li>
    </ol>
  );
}
