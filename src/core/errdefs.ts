/**
 * The error kinds live at the bottom floor (lib/errdefs.ts): lib, core and every layer above raise
 * the same BerthError. Upper layers still import them through this name; new code imports lib/errdefs.
 */
export * from '../lib/errdefs.js';
