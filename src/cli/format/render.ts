import { alignColumns } from './tabwriter.js';
import { parseTemplate } from '../../lib/go/template/template.js';
import { expandEscapes, isTableFormat } from './table-format.js';

/**
 * Renders rows the way the docker CLI's formatter does: a `table …` format gets a header row
 * (the same template run over the column titles) and aligned columns; any other format prints
 * one line per row; `json` is `{{json .}}`.
 */
export function renderRows(format: string, rows: object[], headers: Record<string, string>): string {
  const fmt = format === 'json' ? '{{json .}}' : expandEscapes(format);
  const { table, body } = isTableFormat(fmt);
  const tmpl = parseTemplate(body);
  const lines = rows.map((r) => tmpl.execute(r));
  if (!table) return lines.map((l) => `${l}\n`).join('');
  const header = parseTemplate(body, { header: true }).execute(headers);
  const text = alignColumns([header, ...lines].flatMap((l) => l.split('\n')));
  return `${text}\n`;
}

/** One template over one value (inspect -f, version -f). */
export function renderOne(format: string, value: unknown): string {
  const fmt = format === 'json' ? '{{json .}}' : expandEscapes(format);
  return parseTemplate(fmt).execute(value);
}
