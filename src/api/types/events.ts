/** One `GET /events` message. */
export type { EngineEvent as EventMessage } from '../../core/events.js';
