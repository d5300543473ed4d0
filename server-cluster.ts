// Several server processes on one port (node:cluster), to use every core: `KIM_WORKERS=2 tsx server-cluster.ts`.
// PostgreSQL only (sessions and throttling live in the database; PGlite is one process). The first worker
// starts alone (migrations, demo data) and is the only one that runs the daily job: the others get
// KIM_DAILY_JOB=off. A worker that dies is replaced with the same role. SIGTERM/SIGINT stop every worker
// (each closes its pool) and then the primary.
import cluster, { type Worker } from "node:cluster";
import { once } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(fileURLToPath(import.meta.url));
const count = Number(process.env.KIM_WORKERS ?? 2);
if (!Number.isInteger(count) || count < 1 || count > 64) {
  console.error("KIM_WORKERS must be a whole number from 1 to 64");
  process.exit(2);
}
if (!process.env.DATABASE_URL) {
  console.error("server-cluster needs DATABASE_URL (PostgreSQL): the embedded database serves one process only");
  process.exit(2);
}

// --max-semi-space-size=64 (MB) as in `npm start`: a page allocates a lot of short-lived objects, and a
// larger young generation collects them less often (bench:load: about 8 % less server CPU per page).
cluster.setupPrimary({ exec: path.join(root, "server.ts"), execArgv: ["--import", "tsx", "--max-semi-space-size=64"] });

const workers = new Map<Worker, number>();
let stopping = false;

function fork(index: number): Worker {
  // Only worker 0 keeps the configured daily job (default on); the others never run it.
  const worker = cluster.fork(index === 0 ? {} : { KIM_DAILY_JOB: "off" });
  workers.set(worker, index);
  return worker;
}

cluster.on("exit", (worker, code, signal) => {
  const index = workers.get(worker);
  workers.delete(worker);
  if (stopping || index === undefined) return;
  console.error(`[cluster] worker ${index} ended (${signal ?? code}); starting it again`);
  fork(index);
});

const first = fork(0);
await once(first, "listening");
for (let i = 1; i < count; i++) fork(i);

async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`[cluster] ${signal}: stopping ${workers.size} workers`);
  await Promise.all(
    [...workers.keys()].map(async (worker) => {
      if (worker.isDead()) return;
      const exited = once(worker, "exit");
      worker.process.kill("SIGTERM");
      await exited;
    }),
  );
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
