import type { Migration } from "kysely";
import * as m0001 from "./0001-initial-schema";
import * as m0002 from "./0002-evaluation-views";
import * as m0004 from "./0004-coordination-indexes";
import * as m0005 from "./0005-second-factor";
import * as m0006 from "./0006-report-facts";
import * as m0007 from "./0007-organisations-rls";
import * as m0009 from "./0009-case-history";
import * as m0010 from "./0010-operations";
import * as m0011 from "./0011-audit-viewer";
import * as m0013 from "./0013-report-organisation";
import * as m0014 from "./0014-row-level-security";
import * as m0015 from "./0015-residence-documents";
import * as m0016 from "./0016-meeting";
import * as m0017 from "./0017-document-templates";
import * as m0018 from "./0018-case-import";
import * as m0019 from "./0019-residence-report-facts";
import * as m0021 from "./0021-rls-indexable";
import * as m0023 from "./0023-deferred-residence-facts";
import * as m0024 from "./0024-report-case-days";
import * as m0025 from "./0025-next-follow-up";
import * as m0026 from "./0026-case-aktenzeichen";

/** All migrations in order. Files are frozen once merged; add new ones, never edit old ones. */
export const migrations: Record<string, Migration> = {
  "0001-initial-schema": m0001,
  "0002-evaluation-views": m0002,
  "0004-coordination-indexes": m0004,
  "0005-second-factor": m0005,
  "0006-report-facts": m0006,
  "0007-organisations-rls": m0007,
  "0009-case-history": m0009,
  "0010-operations": m0010,
  "0011-audit-viewer": m0011,
  "0013-report-organisation": m0013,
  "0014-row-level-security": m0014,
  "0015-residence-documents": m0015,
  "0016-meeting": m0016,
  "0017-document-templates": m0017,
  "0018-case-import": m0018,
  "0019-residence-report-facts": m0019,
  "0021-rls-indexable": m0021,
  "0023-deferred-residence-facts": m0023,
  "0024-report-case-days": m0024,
  "0025-next-follow-up": m0025,
  "0026-case-aktenzeichen": m0026,
};
