import type { ServerUnaryCall, ServerWritableStream, UntypedServiceImplementation } from '@grpc/grpc-js';
import { randomBytes } from 'node:crypto';
import type { Digest } from '../lib/digest.js';
import { notImplemented, unavailable } from '../lib/errdefs.js';
import { pruneBuildCache } from '../builder/prune.js';
import { buildCacheUsage, type BuildCacheUsage } from '../builder/usage.js';
import type { Filters } from '../lib/filters.js';
import type { BuildkitState, GatewayBuild } from './deps.js';
import { dockerfileFrontend } from './dockerfile-frontend.js';
import type { ExporterEntry } from './export-image.js';
import { checkExporters, runExporters } from './exporters.js';
import { grpcError, unary, withDetails } from './grpc-errors.js';
import { coalescing, timestamp, type StatusResponse } from './progress.js';
import { BUILDKIT_VERSION, workerRecord } from './worker.js';

interface SolveRequest {
  Ref: string;
  Definition: { def: Buffer[] } | null;
  Exporter: string;
  ExporterAttrs: Record<string, string>;
  Session: string;
  Frontend: string;
  FrontendAttrs: Record<string, string>;
  Exporters: ExporterEntry[];
}

/** `moby.buildkit.v1.Control`: workers, info, disk usage and prune over the one cache, Solve, Status. */
export function controlService(st: BuildkitState): UntypedServiceImplementation {
  return {
    ListWorkers: unary(async () => ({ record: [workerRecord(st.snapshotter)] })),
    Info: unary(async () => ({ buildkitVersion: BUILDKIT_VERSION })),
    DiskUsage: unary(async () => ({ record: (await buildCacheUsage(st.builder)).map(usageRecord) })),
    Prune: (call: ServerWritableStream<{ filter: string[]; all: boolean; keepBytes: number }, unknown>) => {
      const req = call.request;
      void (async () => {
        // Records are reported before they go (pruneBuildCache names only their IDs).
        const known = new Map((await buildCacheUsage(st.builder)).map((r) => [r.id, usageRecord(r)]));
        const report = await pruneBuildCache(st.builder, {
          all: req.all,
          filters: pruneFilters(req.filter),
          reservedSpace: req.keepBytes,
          maxUsedSpace: 0,
          minFreeSpace: 0,
        });
        for (const id of report.CachesDeleted ?? []) {
          const r = known.get(id);
          if (r !== undefined) call.write(r);
        }
        call.end();
      })().catch((err: unknown) => call.destroy(grpcError(err) as Error));
    },
    Solve: unary((req: SolveRequest, call) => solve(st, req, call)),
    Status: (call: ServerWritableStream<{ Ref: string }, StatusResponse>) => {
      const ac = new AbortController();
      call.on('cancelled', () => ac.abort());
      call.on('error', () => ac.abort()); // a client gone mid-stream is not berthd's failure
      void st.progress.wait(call.request.Ref, ac.signal).then((p) => {
        if (p === undefined) return;
        const out = coalescing(
          (r) => call.write(r),
          () => call.end(),
        );
        const stop = p.subscribe(out.listener);
        call.on('cancelled', () => {
          stop();
          out.drop();
        });
      });
    },
  };
}

/** A build cache record as BuildKit's UsageRecord. */
function usageRecord(r: BuildCacheUsage): object {
  return {
    ID: r.id,
    Mutable: r.mutable,
    InUse: r.inUse,
    Size: r.size,
    CreatedAt: timestamp(new Date(r.createdAt)),
    LastUsedAt: r.lastUsedAt ? timestamp(new Date(r.lastUsedAt)) : null,
    UsageCount: r.usageCount,
    Description: r.description,
    RecordType: r.type,
    Shared: r.shared,
    Parents: r.parents,
  };
}

/** buildx's prune filters (`until=24h`, `type==regular`): one value per key, as `/build/prune` takes them. */
function pruneFilters(list: string[]): Filters {
  const out: Filters = new Map();
  for (const f of list) {
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(f);
    if (m === null) continue;
    out.set(m[1]!.trim(), [...(out.get(m[1]!.trim()) ?? []), m[3]!]);
  }
  return out;
}

/**
 * Control.Solve: a build from the `dockerfile.v0` frontend, named directly or (buildx) through the
 * gateway, where the client's build function calls LLBBridge.Solve and hands the result back with
 * LLBBridge.Return; then the exporters. Arbitrary LLB definitions are not built by berth.
 */
async function solve(st: BuildkitState, req: SolveRequest, call: ServerUnaryCall<SolveRequest, unknown>): Promise<object> {
  const ref = req.Ref || randomBytes(16).toString('hex');
  const progress = st.progress.create(ref);
  const exporters = req.Exporters.length > 0 ? req.Exporters : req.Exporter ? [{ Type: req.Exporter, Attrs: req.ExporterAttrs }] : [];
  try {
    checkExporters(exporters);
    let image: Digest | undefined;
    if (req.Frontend === 'dockerfile.v0') {
      const session = await st.sessions.get(req.Session);
      image = await dockerfileFrontend(st.builder, session, progress, req.FrontendAttrs);
    } else if (req.Frontend === '' && (req.Definition?.def.length ?? 0) === 0) {
      image = await gatewayResult(st, ref, req.Session, progress, call);
    } else {
      throw notImplemented(
        req.Frontend === ''
          ? 'berth builds Dockerfiles only (the dockerfile.v0 frontend): LLB definitions are not supported'
          : `frontend "${req.Frontend}" is not supported by berth (only dockerfile.v0)`,
      );
    }
    // A gateway build may return nothing (buildx asks the worker's options that way): nothing to export.
    if (image === undefined || exporters.length === 0) return { ExporterResponse: {} };
    return { ExporterResponse: await runExporters(st.builder, () => st.sessions.get(req.Session), progress, image, exporters) };
  } finally {
    st.progress.release(progress);
  }
}

/** Waits for the gateway client of build `ref` to return its result (undefined: none) or its error. */
function gatewayResult(
  st: BuildkitState,
  ref: string,
  sessionId: string,
  progress: GatewayBuild['progress'],
  call: ServerUnaryCall<SolveRequest, unknown>,
): Promise<Digest | undefined> {
  return new Promise<Digest | undefined>((resolve, reject) => {
    const build: GatewayBuild = {
      ref,
      sessionId,
      progress,
      results: new Map(),
      returned(result) {
        st.builds.delete(ref);
        if ('error' in result) return reject(withDetails(new Error(result.error), result.details));
        if (result.ref === '') return resolve(undefined);
        const image = build.results.get(result.ref);
        if (image === undefined) return reject(new Error(`return reference ${result.ref} not found`));
        resolve(image);
      },
    };
    st.builds.set(ref, build);
    call.on('cancelled', () => {
      st.builds.delete(ref);
      reject(unavailable('the build was cancelled'));
    });
  });
}
