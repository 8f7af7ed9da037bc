// Image-config shapes with no imports of their own: the dashboard's page (web/) takes them in too.

/** The runtime part of an image config (`config` in the OCI image spec, with Docker's extensions). */
export interface ImageRuntimeConfig {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  /** Durations in nanoseconds; Test is `["NONE"]`, `["CMD", …]` or `["CMD-SHELL", cmd]`. */
  Healthcheck?: HealthConfig;
  /** ONBUILD triggers, run by builds that start FROM this image. */
  OnBuild?: string[] | null;
  Shell?: string[];
}

/**
 * Docker's healthcheck, in a container's config and an image's alike: `Test` is [] (inherit),
 * ["NONE"], ["CMD", args…] or ["CMD-SHELL", cmd]; times in ns.
 */
export interface HealthConfig {
  Test?: string[] | null;
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}
