import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Form,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { ROLES, type Role } from "../workflows/vocabulary";
import { GeneralErrorBoundary } from "./components/error-boundary";
import { IdleWarning } from "./components/idle-warning";
import { ROLE_NAV } from "./navigation";
import stylesheet from "./styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "KIM Fallmanagement" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const session = await context.getSession();
  return {
    nonce: context.nonce,
    user: session
      ? { displayName: session.user.displayName, role: session.user.role, username: session.user.username }
      : null,
    sessionExpiresAt: session?.expiresAt.toISOString() ?? null,
  };
}

function Header({ user }: { user: { displayName: string; role: Role } | null }) {
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <Link to="/" className="brand">
          <span className="brand__mark" aria-hidden="true">
            KIM
          </span>
          <span className="brand__text">Fallmanagement</span>
        </Link>
        {user ? (
          <div className="user-box">
            <span>
              {user.displayName} <span className="muted">({ROLES.label[user.role]})</span>
            </span>
            <Link to="/konto/zwei-faktor">Zweiter Faktor</Link>
            <Form method="post" action="/abmelden">
              <button type="submit" className="button button--quiet">
                Abmelden
              </button>
            </Form>
          </div>
        ) : null}
      </div>
      {user ? (
        <nav aria-label="Hauptnavigation" className="main-nav">
          <ul>
            {ROLE_NAV[user.role].map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.end}>
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
    </header>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  return (
    <html lang="de">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a href="#main" className="skip-link">
          Zum Inhalt springen
        </a>
        <Header user={data?.user ?? null} />
        <main id="main" tabIndex={-1}>
          {children}
        </main>
        <footer className="site-footer">
          <p>
            KIM Fallmanagement · Kommunales Integrationsmanagement NRW ·{" "}
            <Link to="/barrierefreiheit">Erklärung zur Barrierefreiheit</Link> ·{" "}
            <Link to="/prozess">Fallprozess</Link>
          </p>
        </footer>
        {data?.user && data.sessionExpiresAt ? <IdleWarning expiresAt={data.sessionExpiresAt} /> : null}
        <ScrollRestoration nonce={data?.nonce} />
        <Scripts nonce={data?.nonce} />
      </body>
    </html>
  );
}

export default function App() {
  useLoaderData<typeof loader>();
  return <Outlet />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
