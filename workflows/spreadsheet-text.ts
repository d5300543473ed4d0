/**
 * OWASP "CSV injection": neutralise a text that a spreadsheet would evaluate (a leading =, +, -, @, tab
 * or carriage return). One rule for every CSV and XLSX the app writes: reports, the anonymised export
 * and the import's rejection list.
 */
export function escapeSpreadsheetText(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
