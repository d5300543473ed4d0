import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { writeAudit } from "~/db.server";
import { checkPasswordPolicy, hashPassword } from "~/db.server";
import { findUserById, listOrganisations, resetSecondFactor, updateUser } from "~/db.server";
import { requiresSecondFactor } from "../../workflows/permissions";
import { ROLES, type Role } from "../../workflows/vocabulary";
import { formatDateTime } from "~/components/case-file/format";
import { CheckboxField, FormErrors, SelectField, TextField, optionsOf } from "~/components/forms";
import { notFound, requirePermission } from "~/guards.server";
import { UpdateUserSchema } from "~/schemas/user";

export const meta: MetaFunction = () => [{ title: "Benutzer bearbeiten – KIM Fallmanagement" }];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function loadUser(context: LoaderFunctionArgs["context"], id: string | undefined) {
  if (!id || !UUID.test(id)) notFound();
  const user = await findUserById(context.db, id);
  if (!user) notFound();
  return user;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const admin = await requirePermission(request, context, "manage:users:any");
  const [user, organisations] = await Promise.all([loadUser(context, params.userId), listOrganisations(context.db)]);
  return { user, organisations, isSelf: user.id === admin.id };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const admin = await requirePermission(request, context, "manage:users:any");
  const user = await loadUser(context, params.userId);
  const formData = await request.formData();
  if (formData.get("intent") === "reset-second-factor") {
    if (user.id === admin.id) {
      return data(
        {
          result: undefined,
          saved: false,
          secondFactorReset: false,
          secondFactorError: "Ihren eigenen zweiten Faktor kann nur eine andere Administratorin oder ein anderer Administrator zurücksetzen.",
        },
        { status: 400 },
      );
    }
    await resetSecondFactor(context.db, user.id);
    await writeAudit(context.db, {
      actorId: admin.id,
      actorRole: admin.role,
      action: "user.second_factor_reset",
      objectType: "user",
      objectId: user.id,
      outcome: "allowed",
      detail: { wasSetUp: user.totp_enabled_at !== null },
    });
    return { result: undefined, saved: false, secondFactorReset: true, secondFactorError: null };
  }
  const submission = parseWithZod(formData, {
    schema: UpdateUserSchema.superRefine((value, ctx) => {
      if (value.newPassword) {
        const policy = checkPasswordPolicy(value.newPassword, user.username);
        if (policy) ctx.addIssue({ path: ["newPassword"], code: z.ZodIssueCode.custom, message: policy });
      }
      if (user.id === admin.id && (!value.active || value.role !== "admin")) {
        ctx.addIssue({
          path: ["active"],
          code: z.ZodIssueCode.custom,
          message: "Sie können sich nicht selbst deaktivieren oder Ihre eigene Administrationsrolle entziehen.",
        });
      }
    }),
  });
  if (submission.status !== "success") {
    return data(
      {
        result: submission.reply({ hideFields: ["newPassword"] }),
        saved: false,
        secondFactorReset: false,
        secondFactorError: null,
      },
      { status: 400 },
    );
  }
  const v = submission.value;
  await updateUser(context.db, user.id, {
    display_name: v.displayName,
    email: v.email ?? null,
    role: v.role as Role,
    organisation_id: v.organisationId,
    fte: v.role === "case_manager" ? (v.fte ?? null) : null,
    active: v.active,
    ...(v.newPassword ? { password_hash: await hashPassword(v.newPassword) } : {}),
  });
  await writeAudit(context.db, {
    actorId: admin.id,
    actorRole: admin.role,
    action: v.active ? "user.update" : "user.deactivate",
    objectType: "user",
    objectId: user.id,
    outcome: "allowed",
    detail: { role: v.role, active: v.active, passwordReset: Boolean(v.newPassword) },
  });
  return {
    result: submission.reply({ resetForm: false, hideFields: ["newPassword"] }),
    saved: true,
    secondFactorReset: false,
    secondFactorError: null,
  };
}

export default function EditUser() {
  const { user, organisations, isSelf } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: `edit-user-${user.id}`,
    lastResult: actionData?.result,
    defaultValue: {
      displayName: user.display_name,
      email: user.email ?? "",
      role: user.role,
      organisationId: String(user.organisation_id),
      fte: user.fte ? String(Number(user.fte)).replace(".", ",") : "",
      active: user.active ? "on" : undefined,
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: UpdateUserSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <>
      <p>
        <Link to="/admin/benutzer">← Zurück zur Benutzerliste</Link>
      </p>
      <h1>Benutzer „{user.username}“ bearbeiten</h1>
      {actionData?.saved ? (
        <p className="notice" role="status">
          Änderungen gespeichert.{user.active ? "" : " Alle Sitzungen dieses Benutzers wurden beendet."}
        </p>
      ) : null}
      <Form method="post" className="stack card" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="update" />
        <FormErrors errors={form.errors} id={form.errorId} />
        <TextField field={fields.displayName} label="Name" required autoComplete="off" />
        <TextField field={fields.email} label="E-Mail" type="email" autoComplete="off" />
        <SelectField field={fields.role} label="Rolle" options={optionsOf(ROLES)} required />
        <SelectField
          field={fields.organisationId}
          label="Organisation"
          options={organisations.map((o) => ({ value: String(o.id), label: o.name }))}
          required
        />
        <TextField field={fields.fte} label="Stellenanteil (VZÄ)" hint="Nur für Casemanager*innen" inputMode="decimal" />
        <CheckboxField
          field={fields.active}
          label="Konto aktiv"
          hint="Beim Deaktivieren werden alle Sitzungen sofort beendet."
        />
        <TextField
          field={fields.newPassword}
          label="Neues Passwort (optional)"
          type="password"
          autoComplete="new-password"
          hint="Leer lassen, um das Passwort nicht zu ändern."
        />
        <div>
          <button type="submit" className="button">
            Speichern
          </button>
        </div>
      </Form>
      <section className="card" aria-labelledby="second-factor">
        <h2 id="second-factor">Zweiter Faktor</h2>
        {actionData?.secondFactorReset ? (
          <p className="notice" role="status">
            Der zweite Faktor wurde zurückgesetzt und alle Sitzungen dieses Benutzers wurden beendet.
            {requiresSecondFactor(user.role) ? " Bei der nächsten Anmeldung wird er neu eingerichtet." : ""}
          </p>
        ) : null}
        <p>
          {user.totp_enabled_at ? (
            <>
              <span className="badge badge--green">eingerichtet</span> seit{" "}
              {formatDateTime(user.totp_enabled_at)}
            </>
          ) : (
            <>
              <span className="badge">nicht eingerichtet</span>
              {requiresSecondFactor(user.role)
                ? " – für diese Rolle vorgeschrieben; er wird bei der nächsten Anmeldung eingerichtet."
                : " – für diese Rolle nicht vorgeschrieben."}
            </>
          )}
        </p>
        {user.totp_enabled_at && !isSelf ? (
          <Form method="post">
            <input type="hidden" name="intent" value="reset-second-factor" />
            <p className="muted" id="reset-second-factor-hint">
              Zum Beispiel, wenn das Telefon mit der Authenticator-App verloren ging. Alle Sitzungen des Benutzers
              werden beendet.
            </p>
            {actionData?.secondFactorError ? (
              <p className="form-error" role="alert">
                {actionData.secondFactorError}
              </p>
            ) : null}
            <button type="submit" className="button button--danger" aria-describedby="reset-second-factor-hint">
              Zweiten Faktor zurücksetzen
            </button>
          </Form>
        ) : null}
      </section>
    </>
  );
}
