import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { writeAudit } from "~/db.server";
import { checkPasswordPolicy, hashPassword } from "~/db.server";
import { createUser, getSetting, listOrganisations, listUsers, updateSettingAudited, usernameExists } from "~/db.server";
import { requiresSecondFactor } from "../../workflows/permissions";
import { ROLES, type Role } from "../../workflows/vocabulary";
import { CheckboxField, FormErrors, SelectField, TextField, optionsOf } from "~/components/forms";
import { requirePermission } from "~/guards.server";
import { CreateUserSchema } from "~/schemas/user";

export const meta: MetaFunction = () => [{ title: "Benutzer – KIM Fallmanagement" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "manage:users:any");
  const [users, organisations, forAll] = await Promise.all([
    listUsers(context.db),
    listOrganisations(context.db),
    getSetting(context.db, "second_factor_required_for_all"),
  ]);
  return { users, organisations, secondFactorForAll: forAll === 1 };
}

/** The site setting "second factor for every role": a checkbox, so absent means off. */
const SecondFactorPolicySchema = z.object({
  forAll: z.boolean({ errorMap: () => ({ message: "Bitte setzen oder entfernen Sie nur das Häkchen." }) }).optional(),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requirePermission(request, context, "manage:users:any");
  const formData = await request.formData();
  if (formData.get("intent") === "second-factor-policy") {
    const policy = parseWithZod(formData, { schema: SecondFactorPolicySchema });
    if (policy.status !== "success") return data({ policy: policy.reply(), result: undefined }, { status: 422 });
    const forAll = policy.value.forAll === true;
    await updateSettingAudited(context.db, admin, "second_factor_required_for_all", forAll ? 1 : 0);
    throw redirect(`/admin/benutzer?zweiter-faktor=${forAll ? "alle" : "rollen"}`);
  }
  const submission = await parseWithZod(formData, {
    schema: CreateUserSchema.superRefine(async (value, ctx) => {
      const policy = checkPasswordPolicy(value.password, value.username);
      if (policy) ctx.addIssue({ path: ["password"], code: z.ZodIssueCode.custom, message: policy });
      if (await usernameExists(context.db, value.username)) {
        ctx.addIssue({ path: ["username"], code: z.ZodIssueCode.custom, message: "Dieser Benutzername ist bereits vergeben." });
      }
    }),
    async: true,
  });
  if (submission.status !== "success") {
    return data({ policy: undefined, result: submission.reply({ hideFields: ["password"] }) }, { status: 400 });
  }
  const v = submission.value;
  const id = await createUser(context.db, {
    username: v.username,
    display_name: v.displayName,
    email: v.email ?? null,
    role: v.role as Role,
    organisation_id: v.organisationId,
    fte: v.role === "case_manager" ? (v.fte ?? null) : null,
    password_hash: await hashPassword(v.password),
  });
  await writeAudit(context.db, {
    actorId: admin.id,
    actorRole: admin.role,
    action: "user.create",
    objectType: "user",
    objectId: id,
    outcome: "allowed",
    detail: { role: v.role },
  });
  throw redirect(`/admin/benutzer?angelegt=${encodeURIComponent(v.username)}`);
}

/** Labels of the roles that need a second factor whatever the site setting says. */
const ROLES_WITH_FACTOR = ROLES.values.filter(requiresSecondFactor).map((role) => ROLES.label[role]);

function SecondFactorPolicy({ forAll }: { forAll: boolean }) {
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const saved = searchParams.get("zweiter-faktor");
  const [form, fields] = useForm({
    id: "second-factor-policy",
    lastResult: actionData?.policy,
    defaultValue: { forAll },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SecondFactorPolicySchema }),
  });
  return (
    <section className="card" aria-labelledby="second-factor-policy-heading">
      <h2 id="second-factor-policy-heading">Zweiter Faktor</h2>
      <p className="muted">
        Immer mit zweitem Faktor: {ROLES_WITH_FACTOR.join(", ")}. Alle anderen können ihn selbst einrichten oder müssen es,
        wenn er für alle Rollen verlangt wird (bei der nächsten Anmeldung).
      </p>
      {saved ? (
        <p className="notice" role="status">
          {saved === "alle"
            ? "Gespeichert: Der zweite Faktor ist jetzt für alle Rollen verpflichtend."
            : "Gespeichert: Der zweite Faktor ist nur für die genannten Rollen verpflichtend."}
        </p>
      ) : null}
      <Form method="post" className="stack" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="second-factor-policy" />
        <FormErrors errors={form.errors} id={form.errorId} />
        <CheckboxField field={fields.forAll} label="Zweiten Faktor für alle Rollen verlangen" />
        <div>
          <button type="submit" className="button button--secondary">
            Einstellung speichern
          </button>
        </div>
      </Form>
    </section>
  );
}

export default function Users() {
  const { users, organisations, secondFactorForAll } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const created = searchParams.get("angelegt");
  const [form, fields] = useForm({
    id: "create-user",
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CreateUserSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <>
      <h1>Benutzer</h1>
      {created ? (
        <p className="notice" role="status">
          Benutzer „{created}“ wurde angelegt.
        </p>
      ) : null}
      <div className="table-wrap card">
        <table className="data">
          <caption className="visually-hidden">Alle Benutzerkonten</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Benutzername</th>
              <th scope="col">Rolle</th>
              <th scope="col">Organisation</th>
              <th scope="col" className="num">
                VZÄ
              </th>
              <th scope="col">Status</th>
              <th scope="col">Zweiter Faktor</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td>
                  <Link to={`/admin/benutzer/${u.id}`}>{u.display_name}</Link>
                </td>
                <td>{u.username}</td>
                <td>{ROLES.label[u.role]}</td>
                <td>{u.organisation_name}</td>
                <td className="num">{u.fte ? Number(u.fte).toLocaleString("de-DE") : "–"}</td>
                <td>{u.active ? <span className="badge badge--green">aktiv</span> : <span className="badge">deaktiviert</span>}</td>
                <td>
                  {u.totp_enabled_at ? (
                    "eingerichtet"
                  ) : secondFactorForAll || requiresSecondFactor(u.role) ? (
                    <span className="badge badge--amber">noch nicht eingerichtet</span>
                  ) : (
                    "–"
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <SecondFactorPolicy forAll={secondFactorForAll} />
      <section className="card" aria-labelledby="new-user">
        <h2 id="new-user">Neuen Benutzer anlegen</h2>
        <Form method="post" className="stack" {...getFormProps(form)}>
          <input type="hidden" name="intent" value="create" />
          <FormErrors errors={form.errors} id={form.errorId} />
          <TextField field={fields.displayName} label="Name" required autoComplete="off" />
          <TextField
            field={fields.username}
            label="Benutzername"
            hint="Kleinbuchstaben, Ziffern, Punkt, Binde- oder Unterstrich"
            required
            autoComplete="off"
          />
          <TextField field={fields.email} label="E-Mail" type="email" autoComplete="off" />
          <SelectField field={fields.role} label="Rolle" options={optionsOf(ROLES)} required />
          <SelectField
            field={fields.organisationId}
            label="Organisation"
            options={organisations.map((o) => ({ value: String(o.id), label: o.name }))}
            required
          />
          <TextField
            field={fields.fte}
            label="Stellenanteil (VZÄ)"
            hint="Nur für Casemanager*innen, z. B. 1 oder 0,5"
            inputMode="decimal"
          />
          <TextField
            field={fields.password}
            label="Startpasswort"
            type="password"
            hint="Mindestens 8 Zeichen, empfohlen 12 oder mehr; keine verbreiteten Passwörter."
            autoComplete="new-password"
            required
          />
          <div>
            <button type="submit" className="button">
              Benutzer anlegen
            </button>
          </div>
        </Form>
      </section>
    </>
  );
}
