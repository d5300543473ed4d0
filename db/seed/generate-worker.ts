// A generator thread of a bulk load (db/seed/cases.ts, generateOnWorkers): makes the batches it is asked
// for and answers each as COPY text. Generating is most of a bulk load's CPU time and the batches are
// independent (each has its own random numbers), so two threads make them while the main thread copies.
import { parentPort, workerData } from "node:worker_threads";
import { type LoadPlan, type SeedData, generateBatch, toCopyBatch } from "./generate";

const { data, plan } = workerData as { data: SeedData; plan: LoadPlan };
const port = parentPort;
if (!port) throw new Error("generate-worker: not on a worker thread");

// A failure rejects unhandled, which ends the thread with an 'error' event on the main thread.
port.on("message", (batch: number) => {
  void generateBatch(data, plan, batch, () => undefined).then((cases) => port.postMessage({ batch, result: toCopyBatch(cases) }));
});
