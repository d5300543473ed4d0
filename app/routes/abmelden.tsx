import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { writeAudit } from "~/db.server";

export async function loader() {
  throw redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const session = await context.getSession();
  const cookie = await context.auth.logout(request.headers.get("cookie"));
  if (session) {
    await writeAudit(context.db, {
      actorId: session.user.id,
      actorRole: session.user.role,
      action: "logout",
      objectType: "session",
      outcome: "allowed",
    });
  }
  throw redirect("/anmelden", { headers: { "Set-Cookie": cookie } });
}
