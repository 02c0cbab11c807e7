import { parse } from 'csv-parse/sync';
import type { TableCell } from '../types.js';
import { decodeText } from './text.js';
import { UnreadableFileError, type FileParser, type ParsedFile } from './types.js';

/**
 * CSV / TSV: the delimiter (`,` `;` or tab) is read off the first line, the first row is the
 * header. With table extraction the file is one table; without, each row becomes a line
 * "header: value; header: value".
 */

const DELIMITERS = [',', ';', '\t'] as const;

/** The delimiter occurring most often outside quotes in the first line (`.tsv` prefers tab). */
export function detectDelimiter(text: string, filename: string): string {
  let firstLine = '';
  let inQuotes = false;
  for (let i = 0; i < text.length && i < 65536; i++) {
    const c = text[i]!;
    if (c === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (c === '\n' || c === '\r')) break;
    firstLine += inQuotes ? '' : c;
  }
  const counts = DELIMITERS.map((d) => firstLine.split(d).length - 1);
  if (filename.toLowerCase().endsWith('.tsv') && counts[2]! > 0) return '\t';
  let best = 0;
  for (let i = 1; i < counts.length; i++) if (counts[i]! > counts[best]!) best = i;
  return counts[best]! > 0 ? DELIMITERS[best]! : filename.toLowerCase().endsWith('.tsv') ? '\t' : ',';
}

export const parseCsv: FileParser = async (bytes, options) => {
  const text = decodeText(bytes);
  const delimiter = detectDelimiter(text, options.filename);
  let records: string[][];
  try {
    records = parse(text, {
      delimiter,
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      trim: true,
    }) as string[][];
  } catch (err) {
    throw new UnreadableFileError(`the file is not valid CSV: ${(err as Error).message}`);
  }
  records = records.filter((r) => r.some((v) => v !== ''));
  const parsed: ParsedFile = { metadata: {}, sections: [] };
  const [header, ...rows] = records;
  if (!header) return parsed;

  let width = header.length;
  for (const r of rows) if (r.length > width) width = r.length;
  const headers = Array.from({ length: width }, (_, i) => header[i] || `column ${i + 1}`);
  parsed.metadata.row_count = rows.length;
  parsed.metadata.column_count = width;

  if (options.extractTables) {
    const cells = (values: string[]): TableCell[] => values.map((v) => ({ text_value: v }));
    parsed.sections.push({
      tables: [{ data: { headers: [cells(headers)], rows: rows.map(cells) } }],
    });
  } else {
    const lines = rows.map((row) =>
      row
        .map((v, i) => (v === '' ? '' : `${headers[i]}: ${v}`))
        .filter(Boolean)
        .join('; '),
    );
    const body = rows.length > 0 ? lines.filter(Boolean).join('\n') : headers.join('; ');
    if (body) parsed.sections.push({ text: body });
  }
  return parsed;
};
