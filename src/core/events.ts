export type EventType = 'container' | 'image' | 'network' | 'volume' | 'daemon';

/** A Docker event (`GET /events` message); API 1.41 still carries the deprecated status/id/from for containers. */
export interface EngineEvent {
  status?: string;
  id?: string;
  from?: string;
  Type: EventType;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
}
