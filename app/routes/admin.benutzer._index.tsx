import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { writeAudit } from "~/db.server";
import { checkPasswordPolicy, hashPassword } from "~/db.server";
import { createUser, listOrganisations, listUsers, usernameExists } from "~/db.server";
import { requiresSecondFactor } from "../../workflows/permissions";
import { ROLES, type Role } from "../../workflows/vocabulary";
import { FormErrors, SelectField, TextField, optionsOf } from "~/components/forms";
import { requirePermission } from "~/guards.server";
import { CreateUserSchema } from "~/schemas/user";

export const meta: MetaFunction = () => [{ title: "Benutzer – KIM Fallmanagement" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "manage:users:any");
  const [users, organisations] = await Promise.all([listUsers(context.db), listOrganisations(context.db)]);
  return { users, organisations };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requirePermission(request, context, "manage:users:any");
  const formData = await request.formData();
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
    return data({ result: submission.reply({ hideFields: ["password"] }) }, { status: 400 });
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

export default function Users() {
  const { users, organisations } = useLoaderData<typeof loader>();
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
                  ) : requiresSecondFactor(u.role) ? (
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
