import type { Kysely } from "kysely";
import type { Database } from "../schema";

export async function seedCases(
  _db: Kysely<Database>,
  _options: { count: number; log: (line: string) => void; seed: number },
): Promise<void> {}
