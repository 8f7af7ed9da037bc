import type { Registry } from 'prom-client';
import type { ExecDeps } from '../services/containers/exec/deps.js';
import type { EventBus } from '../services/events.js';
import type { ImageDeps } from '../services/images/deps.js';
import type { NetworkDeps } from '../services/networks/deps.js';
import type { VolumeDeps } from '../services/volumes/deps.js';

/** The services the dashboard uses: the same ones the Engine API routes call. */
export interface UiDeps {
  containers: ExecDeps;
  images: ImageDeps;
  volumes: VolumeDeps;
  networks?: NetworkDeps;
  events: EventBus;
  metrics: Registry;
  /** The built page (dist/web): index.html and assets/. */
  assets: string;
  token: string;
  log: (msg: string) => void;
}
