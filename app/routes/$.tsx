import { GeneralErrorBoundary } from "~/components/error-boundary";
import { notFound } from "~/guards.server";

export async function loader() {
  notFound();
}

export default function NotFound() {
  return <GeneralErrorBoundary />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
