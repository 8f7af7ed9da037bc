import { BerthError, type ErrorKind } from '../lib/errdefs.js';

interface RegistryErrorBody {
  errors?: Array<{ code?: string; message?: string; detail?: unknown }>;
}

/**
 * A registry's error answer as a BerthError with distribution's words
 * (`manifest unknown: manifest unknown`, `unauthorized: authentication required`).
 */
export function registryError(status: number, body: Buffer, context: string): BerthError {
  let parsed: RegistryErrorBody | undefined;
  try {
    parsed = JSON.parse(body.toString()) as RegistryErrorBody;
  } catch {
    parsed = undefined;
  }
  const first = parsed?.errors?.[0];
  const code = (first?.code ?? '').toLowerCase().replace(/_/g, ' ');
  const raw = body.toString().trim().slice(0, 200);
  const detail = first
    ? `${code || 'error'}: ${first.message ?? ''}`
    : status === 401
      ? `unauthorized: ${raw || 'authentication required'}`
      : `${status} ${raw || statusText(status)}`;
  const kind: ErrorKind =
    status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : status === 404 ? 'NotFound' : status >= 500 ? 'Unavailable' : 'InvalidArgument';
  return new BerthError(kind, context ? `${context}: ${detail}` : detail);
}

function statusText(status: number): string {
  return status === 401 ? 'unauthorized' : status === 404 ? 'not found' : `status ${status}`;
}
