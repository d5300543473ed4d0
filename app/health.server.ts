// Health checks for load balancers and monitoring, answered by the express server before the request
// log (they would drown it) and before Remix: no session, no personal data, never cached.
//   GET /healthz  the process is alive: 200, touches nothing else (not the database).
//   GET /readyz   the database answers and every migration of this build is applied: 200, else 503.
import express from "express";
import type { Kysely } from "kysely";
import { checkReadiness } from "../db/health";
import type { Database } from "../db/schema";

export const HEALTH_PATHS = ["/healthz", "/readyz"] as const;

export function healthRoutes(db: Kysely<Database>): express.Router {
  const router = express.Router();
  router.get("/healthz", (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    res.status(200).json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    const readiness = await checkReadiness(db).catch(() => ({ ready: false as const, reason: "database unreachable" as const }));
    if (readiness.ready) res.status(200).json({ status: "ready" });
    else res.status(503).json({ status: "not ready", reason: readiness.reason });
  });
  return router;
}
