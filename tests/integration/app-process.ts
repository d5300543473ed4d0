// The built app as a real server process (node_modules/.bin/tsx server.ts, as `npm run serve` runs it)
// on 127.0.0.1 and a free port, for tests and benchmarks that need whole instances: several on one
// database, or one whose database goes away. Its output is kept for assertions.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import net from "node:net";
import { root } from "./build";


/** A port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface AppProcess {
  base: string;
  /** The process id of the started process (with several workers: the cluster's primary). */
  pid: number | undefined;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the built server against `databaseUrl` (production mode, no demo data) and waits until it listens.
 * `workers` > 1 runs server-cluster.ts (one process per worker on the same port); `nodeArgs` go to node
 * (e.g. --cpu-prof).
 */
export async function startAppProcess(options: {
  databaseUrl: string;
  port?: number;
  env?: Record<string, string>;
  nodeArgs?: string[];
  workers?: number;
  /** How long to wait until every process listens (default 120 s). */
  startTimeoutMs?: number;
}): Promise<AppProcess> {
  const port = options.port ?? (await freePort());
  const workers = options.workers ?? 1;
  const script = workers > 1 ? "server-cluster.ts" : "server.ts";
  // The young generation as `npm start` sets it (package.json), so measurements see the app as it runs.
  const nodeArgs = ["--import", "tsx", "--max-semi-space-size=64", ...(options.nodeArgs ?? [])];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, script], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      HOST: "127.0.0.1",
      PORT: String(port),
      NODE_ENV: "production",
      KIM_DEMO_DATA: "0",
      KIM_DAILY_JOB: "off",
      KIM_REQUEST_LOG: "off",
      KIM_SECURE_COOKIES: "0",
      KIM_WORKERS: String(workers),
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    await exited;
  };
  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
  while (output.split("läuft auf").length - 1 < workers) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`server did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base: `http://127.0.0.1:${port}`, pid: child.pid, output: () => output, stop };
}

/** Signs in with the login form (no second factor); returns the session cookie ("name=value"). */
export async function signInOver(base: string, username: string, password: string): Promise<string> {
  const login = await fetch(`${base}/anmelden`, {
    method: "POST",
    headers: { Origin: base, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username, password, redirectTo: "" }),
    redirect: "manual",
  });
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  if (login.status !== 302 && login.status !== 303) throw new Error(`login failed: HTTP ${login.status}`);
  if (!cookie.includes("=")) throw new Error(`login failed: HTTP ${login.status}, no cookie`);
  return cookie;
}

/** Signs in with password and second-factor code over HTTP; returns the session cookie ("name=value"). */
export async function signInWithCodeOver(base: string, username: string, password: string, code: string): Promise<string> {
  const first = await fetch(`${base}/anmelden`, {
    method: "POST",
    headers: { Origin: base, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username, password, redirectTo: "" }),
    redirect: "manual",
  });
  if (first.headers.get("location") !== "/anmelden/code") throw new Error(`password step: HTTP ${first.status}`);
  const challenge = (first.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const second = await fetch(`${base}/anmelden/code`, {
    method: "POST",
    headers: { Origin: base, Cookie: challenge, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ code }),
    redirect: "manual",
  });
  const session = second.headers.getSetCookie().find((c) => !c.startsWith(challenge.split("=")[0] ?? "?"));
  if (second.status !== 302 || !session) throw new Error(`code step: HTTP ${second.status}`);
  return session.split(";")[0] ?? "";
}
