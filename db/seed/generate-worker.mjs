// Entry of a generator thread (db/seed/generate-worker.ts): worker threads do not inherit tsx's loader,
// so this plain module registers it and then loads the TypeScript.
import { register } from "tsx/esm/api";

register();
await import("./generate-worker.ts");
