// One small conform form per intent. Every form of the client file posts to the route's one action with
// `intent`; the action's answer (lastResult) goes back only to the form that was submitted (matched by
// form id), so its German message shows next to it and what the user typed stays in the fields.
import { type FieldMetadata, getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { Form, useActionData, useLocation, useSearchParams } from "@remix-run/react";
import { type ReactNode, useState } from "react";
import type { z } from "zod";
import { CASE_PHASES } from "../../../workflows/vocabulary";
import { FormErrors } from "~/components/forms";
import { type CaseFileActionData, type CaseFileIntent, formIdFor } from "~/schemas/case-file";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyField = FieldMetadata<any, any, any>;
export type FieldsOf<S extends z.ZodTypeAny> = { [K in keyof z.input<S> & string]-?: AnyField };

export function useCaseFileActionData(): CaseFileActionData | undefined {
  return useActionData() as CaseFileActionData | undefined;
}

/** The action's answer if it belongs to this form. */
export function useLastResultFor(formId: string): CaseFileActionData | undefined {
  const actionData = useCaseFileActionData();
  return actionData?.formId === formId ? actionData : undefined;
}

export interface IntentFormProps<S extends z.ZodTypeAny> {
  intent: CaseFileIntent;
  schema: S;
  /** The referral, consent or follow-up a per-row form acts on. */
  targetId?: string;
  /** Hidden fields besides `intent` (row versions, ids). Controlled: they always show the loader's current value. */
  hidden?: Record<string, string | number>;
  defaultValue?: Record<string, unknown>;
  /** Accessible name of the form. */
  label: string;
  submitLabel: ReactNode;
  submitClassName?: string;
  className?: string;
  children?: (fields: FieldsOf<S>) => ReactNode;
}

export function IntentForm<S extends z.ZodTypeAny>({
  intent,
  schema,
  targetId,
  hidden = {},
  defaultValue,
  label,
  submitLabel,
  submitClassName = "button",
  className = "stack",
  children,
}: IntentFormProps<S>) {
  const formId = formIdFor(intent, targetId);
  const last = useLastResultFor(formId);
  const [form, fields] = useForm({
    id: formId,
    lastResult: last?.result,
    defaultValue: defaultValue as never,
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <Form method="post" {...getFormProps(form)} aria-label={label} className={className}>
      <input type="hidden" name="intent" value={intent} />
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={String(value)} />
      ))}
      <FormErrors errors={form.errors} id={form.errorId} />
      {last?.stale ? (
        <p className="stale-hint">
          {last.currentPhase ? (
            <>
              Aktueller Stand: Phase „{CASE_PHASES.label[last.currentPhase]}“.{" "}
            </>
          ) : null}
          Die Angaben oben auf der Seite und im <a href="#verlauf">Verlauf</a> zeigen den aktuellen Stand. Wenn Ihr
          Eintrag weiterhin passt, senden Sie das Formular erneut ab.
        </p>
      ) : null}
      {children?.(fields as unknown as FieldsOf<S>)}
      <div>
        <button type="submit" className={submitClassName}>
          {submitLabel}
        </button>
      </div>
    </Form>
  );
}

/**
 * The URL parameter that opens one collapsed form of the client file on the server (its form id, e.g.
 * `?schritt=cf-TRANSFER`): without JavaScript, the link inside a closed disclosure.
 */
export const OPEN_FORM_PARAM = "schritt";

/** The client file's URL with `formId` opened (other parameters kept), scrolled to the form. */
export function openFormHref(pathname: string, search: string, formId: string): string {
  const params = new URLSearchParams(search);
  params.set(OPEN_FORM_PARAM, formId);
  return `${pathname}?${params.toString()}#${formId}`;
}

/**
 * A form behind a disclosure (<details>): opened by the user, and kept open while it shows an error.
 * The form itself is rendered only when it is needed (most stay closed, and each costs server time on
 * every page view): open because the URL asks for it (`?schritt=<form id>`) or because it shows the
 * action's answer, or opened by the user. With JavaScript, opening the <details> renders the form in the
 * browser at once; without, the closed disclosure holds a link that loads the page with this form open.
 */
export function Disclosure({
  summary,
  formId,
  children,
  className,
}: {
  summary: ReactNode;
  formId: string;
  children: ReactNode;
  className?: string;
}) {
  const last = useLastResultFor(formId);
  const [searchParams] = useSearchParams();
  const location = useLocation();
  const [openedHere, setOpenedHere] = useState(false);
  const open = last !== undefined || searchParams.get(OPEN_FORM_PARAM) === formId;
  return (
    <details
      className={`disclosure${className ? ` ${className}` : ""}`}
      open={open ? true : undefined}
      onToggle={(event) => {
        if (event.currentTarget.open) setOpenedHere(true);
      }}
    >
      <summary>{summary}</summary>
      <div className="disclosure__body">
        {open || openedHere ? (
          children
        ) : (
          <p>
            <a href={openFormHref(location.pathname, location.search, formId)}>
              Formular laden<span className="visually-hidden"> – {summary}</span>
            </a>
          </p>
        )}
      </div>
    </details>
  );
}
