import {
  type FieldMetadata,
  getInputProps,
  getSelectProps,
  getTextareaProps,
} from "@conform-to/react";
import type { ReactNode } from "react";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyField = FieldMetadata<any, any, any>;

export function FieldError({ field }: { field: AnyField }) {
  if (!field.errors?.length) return null;
  return (
    <p id={field.errorId} className="field-error">
      {field.errors.join(" ")}
    </p>
  );
}

/** Form-level errors (e.g. "someone else changed this case"), announced to screen readers. */
export function FormErrors({ errors, id }: { errors: string[] | undefined; id?: string }) {
  if (!errors?.length) return null;
  return (
    <div id={id} className="form-error" role="alert">
      {errors.map((e) => (
        <p key={e} style={{ margin: 0 }}>
          {e}
        </p>
      ))}
    </div>
  );
}

function describedBy(field: AnyField, hintId: string | undefined) {
  const ids = [hintId, field.errors?.length ? field.errorId : undefined].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

export function TextField({
  field,
  label,
  hint,
  type = "text",
  autoComplete,
  required,
  inputMode,
}: {
  field: AnyField;
  label: ReactNode;
  hint?: ReactNode;
  type?: "text" | "password" | "email" | "date" | "number" | "tel" | "search" | "datetime-local";
  autoComplete?: string;
  required?: boolean;
  inputMode?: "numeric" | "decimal" | "text";
}) {
  const hintId = hint ? `${field.id}-hint` : undefined;
  const { key, ...props } = getInputProps(field, { type, ariaAttributes: true });
  return (
    <div className="field">
      <label htmlFor={field.id}>
        {label}
        {required ? <span aria-hidden="true"> *</span> : null}
      </label>
      {hint ? (
        <span id={hintId} className="hint">
          {hint}
        </span>
      ) : null}
      <input
        key={key}
        {...props}
        required={required}
        autoComplete={autoComplete}
        inputMode={inputMode}
        aria-describedby={describedBy(field, hintId)}
      />
      <FieldError field={field} />
    </div>
  );
}

export function TextareaField({
  field,
  label,
  hint,
  rows = 3,
  required,
}: {
  field: AnyField;
  label: ReactNode;
  hint?: ReactNode;
  rows?: number;
  required?: boolean;
}) {
  const hintId = hint ? `${field.id}-hint` : undefined;
  const { key, ...props } = getTextareaProps(field, { ariaAttributes: true });
  return (
    <div className="field">
      <label htmlFor={field.id}>
        {label}
        {required ? <span aria-hidden="true"> *</span> : null}
      </label>
      {hint ? (
        <span id={hintId} className="hint">
          {hint}
        </span>
      ) : null}
      <textarea key={key} {...props} rows={rows} required={required} aria-describedby={describedBy(field, hintId)} />
      <FieldError field={field} />
    </div>
  );
}

export function SelectField({
  field,
  label,
  options,
  hint,
  placeholder = "Bitte wählen",
  required,
  busy,
}: {
  field: AnyField;
  label: ReactNode;
  options: { value: string; label: string }[];
  hint?: ReactNode;
  placeholder?: string | null;
  required?: boolean;
  /** The options are still loading (aria-busy). */
  busy?: boolean;
}) {
  const hintId = hint ? `${field.id}-hint` : undefined;
  const { key, ...props } = getSelectProps(field, { ariaAttributes: true });
  return (
    <div className="field">
      <label htmlFor={field.id}>
        {label}
        {required ? <span aria-hidden="true"> *</span> : null}
      </label>
      {hint ? (
        <span id={hintId} className="hint">
          {hint}
        </span>
      ) : null}
      <select key={key} {...props} required={required} aria-busy={busy || undefined} aria-describedby={describedBy(field, hintId)}>
        {placeholder !== null ? <option value="">{placeholder}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldError field={field} />
    </div>
  );
}

export function CheckboxField({ field, label, hint }: { field: AnyField; label: ReactNode; hint?: ReactNode }) {
  const hintId = hint ? `${field.id}-hint` : undefined;
  const { key, ...props } = getInputProps(field, { type: "checkbox", ariaAttributes: true });
  return (
    <div className="field">
      <label htmlFor={field.id} className="checkbox">
        <input key={key} {...props} aria-describedby={describedBy(field, hintId)} />
        {label}
      </label>
      {hint ? (
        <span id={hintId} className="hint">
          {hint}
        </span>
      ) : null}
      <FieldError field={field} />
    </div>
  );
}

/** Options from one of the vocabulary lists. */
export function optionsOf<T extends string>(list: { values: T[]; label: Record<T, string> }) {
  return list.values.map((value) => ({ value, label: list.label[value] }));
}
