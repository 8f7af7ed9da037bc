import type { ContainerRecord } from '../../core/containers.js';
import { invalidArgument } from '../../lib/errdefs.js';
import { asStruct, renderTemplate, TemplateError } from '../../lib/go/template/template.js';
import type { LogConfig } from './options.js';

/**
 * The extra attributes a record carries (json-file's `attrs`), as Docker computes them: the
 * labels named in `labels` or matching `labels-regex`, the env variables named in `env` or
 * matching `env-regex`, and `tag` (a template over the container) when given.
 */
export function logAttrs(rec: ContainerRecord, cfg: LogConfig): Record<string, string> {
  const opts = cfg.Config ?? {};
  const attrs: Record<string, string> = {};
  const labels = rec.Config.Labels ?? {};
  const wanted = (list: string | undefined): Set<string> => new Set((list ?? '').split(',').filter((s) => s !== ''));
  const labelKeys = wanted(opts.labels);
  const labelRe = opts['labels-regex'] ? new RegExp(opts['labels-regex']) : undefined;
  for (const [k, v] of Object.entries(labels)) if (labelKeys.has(k) || labelRe?.test(k)) attrs[k] = v;
  const envKeys = wanted(opts.env);
  const envRe = opts['env-regex'] ? new RegExp(opts['env-regex']) : undefined;
  for (const e of rec.Config.Env ?? []) {
    const eq = e.indexOf('=');
    const k = eq < 0 ? e : e.slice(0, eq);
    if (eq >= 0 && (envKeys.has(k) || envRe?.test(k))) attrs[k] = e.slice(eq + 1);
  }
  if (opts.tag !== undefined && opts.tag !== '') attrs.tag = expandTag(opts.tag, rec);
  return attrs;
}

/**
 * The log tag: a Go template over Docker's logger.Info (`{{.Name}}`, `{{.ID}}`,
 * `{{.ImageName | printf "%.10s"}}`, …) with Docker's template functions. `checkTag` refused
 * bad templates at create; one that still fails on this container's data (a record from before
 * that check, a slice past a short name) is kept as written rather than stopping its logs.
 */
export function expandTag(template: string, rec: ContainerRecord): string {
  try {
    return renderTemplate(template, tagInfo(rec));
  } catch (err) {
    if (err instanceof TemplateError) return template;
    throw err;
  }
}

/** Refuses a tag template that does not parse or names a field logger.Info lacks (Go's message). */
export function checkTag(template: string): void {
  try {
    renderTemplate(template, tagInfo({ Id: '0'.repeat(64), Name: '/checked-at-create', Image: `sha256:${'0'.repeat(64)}`, ImageRef: 'image:latest' }));
  } catch (err) {
    if (err instanceof TemplateError) throw invalidArgument(`failed to initialize logging driver: ${err.message}`);
    throw err;
  }
}

/** The fields Docker's logger.Info offers a tag template. */
function tagInfo(rec: Pick<ContainerRecord, 'Id' | 'Name' | 'Image' | 'ImageRef'>): object {
  const image = rec.Image.replace(/^sha256:/, '');
  return asStruct(
    {
      ID: rec.Id.slice(0, 12),
      FullID: rec.Id,
      Name: rec.Name.replace(/^\//, ''),
      ImageID: image.slice(0, 12),
      ImageFullID: rec.Image,
      ImageName: rec.ImageRef ?? '',
      DaemonName: 'berth',
    },
    '*logger.Info',
  );
}

/** The journald identifier: the `tag` log-opt, else Docker's default `{{.ID}}`. */
export function journaldTag(rec: ContainerRecord): string {
  return expandTag(rec.HostConfig.LogConfig?.Config?.tag || '{{.ID}}', rec);
}
