import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { FormErrors, TextField } from "~/components/forms";
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

/** Only same-site paths, never "//host" or a full URL. */
function safeRedirect(to: string | undefined, fallback: string) {
  if (!to || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  return to;
}

export async function loader({ context }: LoaderFunctionArgs) {
  const session = await context.getSession();
  if (session) throw redirect(ROLE_HOME[session.user.role]);
  return null;
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
  });
  if (!result.ok) {
    return data(
      { result: submission.reply({ formErrors: [result.message], hideFields: ["password"] }) },
      { status: result.status },
    );
  }
  const target = safeRedirect(submission.value.redirectTo, ROLE_HOME[result.user.role]);
  throw redirect(target, { headers: { "Set-Cookie": result.cookie } });
}

export default function Login() {
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
