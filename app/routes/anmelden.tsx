import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { SIGN_IN_NOTICES, type SignInNotice } from "~/auth.server";
import { FormErrors, TextField } from "~/components/forms";
import { redirectTargetOf } from "~/guards.server";
import { SECOND_FACTOR_PAGES } from "~/second-factor.server";
import { ROLE_HOME } from "../../workflows/permissions";

export const meta: MetaFunction = () => [{ title: "Anmelden – KIM Fallmanagement" }];

const LoginSchema = z.object({
  username: z
    .string({ required_error: "Bitte geben Sie Ihren Benutzernamen ein." })
    .trim()
    .min(1, "Bitte geben Sie Ihren Benutzernamen ein.")
    .max(64, "Der Benutzername ist zu lang."),
  password: z
    .string({ required_error: "Bitte geben Sie Ihr Passwort ein." })
    .min(1, "Bitte geben Sie Ihr Passwort ein.")
    .max(256, "Das Passwort ist zu lang."),
  redirectTo: z.string().optional(),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const session = await context.getSession();
  if (session) throw redirect(ROLE_HOME[session.user.role]);
  // Only the fixed German notices, never text from the URL.
  const hint = new URL(request.url).searchParams.get("hinweis");
  const notice = hint && Object.hasOwn(SIGN_IN_NOTICES, hint) ? SIGN_IN_NOTICES[hint as SignInNotice] : null;
  return { notice };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: LoginSchema });
  if (submission.status !== "success") {
    return data({ result: submission.reply({ hideFields: ["password"] }) }, { status: 400 });
  }
  const result = await context.auth.login({
    username: submission.value.username,
    password: submission.value.password,
    address: context.clientAddress,
    redirectTo: redirectTargetOf(request, context, submission.value.redirectTo),
  });
  if (result.ok === "second_factor") {
    throw redirect(SECOND_FACTOR_PAGES[result.purpose], { headers: { "Set-Cookie": result.cookie } });
  }
  if (!result.ok) {
    return data(
      { result: submission.reply({ formErrors: [result.message], hideFields: ["password"] }) },
      { status: result.status },
    );
  }
  const target = redirectTargetOf(request, context, submission.value.redirectTo) ?? ROLE_HOME[result.user.role];
  throw redirect(target, { headers: { "Set-Cookie": result.cookie } });
}

export default function Login() {
  const { notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "login",
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LoginSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  return (
    <div className="login card">
      <h1>Anmelden</h1>
      <p className="muted">KIM Fallmanagement – Kommunales Integrationsmanagement NRW</p>
      {notice && !actionData ? (
        <p className="notice-plain" role="status">
          {notice}
        </p>
      ) : null}
      <Form method="post" className="stack" {...getFormProps(form)}>
        <FormErrors errors={form.errors} id={form.errorId} />
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
        <TextField field={fields.username} label="Benutzername" autoComplete="username" required />
        <TextField field={fields.password} label="Passwort" type="password" autoComplete="current-password" required />
        <div>
          <button type="submit" className="button" disabled={navigation.state === "submitting"}>
            Anmelden
          </button>
        </div>
      </Form>
    </div>
  );
}
