// The dashboard's JSON shapes: one definition, used by the server (src/ui: routes, terminal) and the page
// (web/). Below the routes; types only, importing nothing but core's types (the page type-checks it
// without Node's).
import type { ContainerStatus } from '../../core/containers.js';

export interface PortLink {
  /** Host address and port to open (`http://host:port`), when the port is published. */
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: string;
}

export interface ContainerRow {
  id: string;
  name: string;
  image: string;
  state: ContainerStatus;
  /** Docker's status text: `Up 3 minutes`, `Exited (0) 2 seconds ago`. */
  status: string;
  health: string;
  ports: PortLink[];
  /** Percent of one CPU × CPUs, Docker's formula; null until two readings exist or when not running. */
  cpuPercent: number | null;
  memoryBytes: number | null;
  memoryLimitBytes: number | null;
  /** RFC 3339, when the container last started ('' if never). */
  startedAt: string;
  created: string;
}

export interface ContainerDetail extends ContainerRow {
  command: string;
  tty: boolean;
  env: string[];
  labels: Record<string, string>;
  mounts: Array<{ type: string; source: string; destination: string; rw: boolean }>;
  networks: Array<{ name: string; ipAddress: string; macAddress: string }>;
  restartPolicy: string;
  restartCount: number;
  exitCode: number;
  error: string;
  finishedAt: string;
}

/** One log line (SSE event `log`). */
export interface LogLine {
  stream: 'stdout' | 'stderr';
  time: string;
  text: string;
}

/** One stats reading (SSE event `stats`), counters as totals since the container started. */
export interface StatsPoint {
  time: number;
  cpuPercent: number | null;
  memoryBytes: number;
  memoryLimitBytes: number;
  netRxBytes: number;
  netTxBytes: number;
  blockReadBytes: number;
  blockWriteBytes: number;
}

export interface TopResponse {
  titles: string[];
  processes: string[][];
}

export interface ChangeRow {
  kind: 'A' | 'C' | 'D';
  path: string;
}

export interface ImageRow {
  id: string;
  tags: string[];
  size: number;
  created: string;
  containers: number;
  /** Chain IDs of its layers, bottom first: images sharing a prefix share those layers. */
  layers: string[];
}

/** The layer-sharing tree: one node per layer (chain ID); images hang on their top layer. */
export interface LayerNode {
  chainId: string;
  size: number;
  images: string[];
  children: LayerNode[];
}

export interface ImagesResponse {
  images: ImageRow[];
  tree: LayerNode[];
}

export interface VolumeRow {
  name: string;
  driver: string;
  mountpoint: string;
  created: string;
  containers: string[];
}

export interface NetworkRow {
  id: string;
  name: string;
  driver: string;
  subnet: string;
  gateway: string;
  containers: Array<{ id: string; name: string; ipv4: string }>;
}

/** An engine event (SSE event `event`), as `docker events` shows it. */
export interface EventRow {
  time: number;
  type: string;
  action: string;
  id: string;
  attributes: Record<string, string>;
}

/** Terminal control messages (text frames); output comes back as binary frames. */
export type TerminalMessage = { input: string } | { resize: [cols: number, rows: number] };
