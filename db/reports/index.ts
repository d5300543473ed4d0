// The Lenkungsgruppe evaluation, as the app sees it (re-exported by app/db.server.ts). Query functions
// and period helpers are imported from their modules directly where needed (tests, app/reports/).
export { FIGURES as REPORT_FIGURES, REPORT_SECTIONS, SPLIT_LABELS as REPORT_SPLIT_LABELS, SUPPRESSION_NOTE } from "./definitions";
export type { FigureKind as ReportFigureKind, ReportSection } from "./definitions";
export type { ReportFilter, SplitDimension as ReportSplitDimension } from "./period";
export { buildReport, listReportMunicipalities, listReportOrganisations } from "./report";
export type { RawReport, ReportGroup, ReportPeriod } from "./report";
export { DISPLAY as REPORT_DISPLAY, publishReport } from "./suppress";
export type { Cell as ReportCell, CellStatus as ReportCellStatus, PublishedFigure, PublishedReport } from "./suppress";
export { ANONYMISED_COLUMNS, ANONYMISED_SCHEMA_VERSION, K_ANONYMITY, buildAnonymisedExport } from "./anonymised";
export type { AnonymisedExport, AnonymisedRow } from "./anonymised";
export { KEY_FIGURES } from "./key-figures";
export type { KeyFigure, TrendDirection } from "./key-figures";
export { diffReports, findReportEdition, freezeReportEdition, listReportEditions, readReportEditionFile } from "./editions";
export type { FigureDifference } from "./editions";
export { TREND_MONTHS, publishTrends, queryTrends, trendWindow } from "./trends";
export type { PublishedTrends, RawTrends, TrendChart, TrendSeries, TrendUnit } from "./trends";
