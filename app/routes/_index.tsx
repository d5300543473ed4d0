import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { ROLE_HOME } from "../../workflows/permissions";

export async function loader({ context }: LoaderFunctionArgs) {
  const session = await context.getSession();
  throw redirect(session ? ROLE_HOME[session.user.role] : "/anmelden");
}
