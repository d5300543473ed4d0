import { type ActionFunctionArgs, redirect } from "@remix-run/node";

export async function loader() {
  throw redirect("/");
}

/** Extends the idle session (any authenticated request does; this one exists for the idle warning). */
export async function action({ context }: ActionFunctionArgs) {
  const session = await context.getSession();
  return { expiresAt: session?.expiresAt.toISOString() ?? null };
}
