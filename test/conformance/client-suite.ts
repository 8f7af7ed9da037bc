/**
 * The frame every real-client conformance suite shares (docker-compose, docker-py, dockerode):
 * a private berthd where every scenario must pass, the same scenarios on a Docker engine when one
 * answers (for the table only: Docker's failures are noted, not asserted), the Docker column
 * marked skipped otherwise, and the suite's table written and shown at the end.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dockerEngineUp, openDocker, RUN, startBerthd, type BerthEngine, type Engine } from './engines.js';
import { Recorder, type Column } from './report.js';

export interface ClientSuite {
  title: string;
  /** Why the whole suite is skipped (the client is not installed), or false. */
  skip: string | false;
  /** The report's name (`dist/conformance/<name>.json`). */
  report: string;
  /** Name suffixes of the two runs, so their containers never collide (`<RUN><suffix>`). */
  prefixes: { berthd: string; docker: string };
  /**
   * Runs every scenario against one engine, recording each in `rec` under `column`, and returns
   * the failures (one message each) that must fail the berthd test.
   */
  run(engine: Engine, column: Column, prefix: string, rec: Recorder): Promise<string[]>;
  /** Marks the Docker column skipped; default: every row recorded so far. */
  skipDocker?(rec: Recorder): void;
}

/** A client or engine that stops answering fails its test instead of holding the whole run. */
const TIMEOUT_MS = 600_000;

export function clientSuite(s: ClientSuite): void {
  describe(s.title, { skip: s.skip }, async () => {
    const dockerUp = await dockerEngineUp();
    const rec = new Recorder(s.report);
    let berth: BerthEngine;

    before(async () => {
      berth = await startBerthd();
    });
    after(async (t) => {
      const table = rec.write();
      (t as unknown as { diagnostic?: (m: string) => void }).diagnostic?.(table);
      await berth?.stop();
    });

    it('every scenario passes on berthd', { timeout: TIMEOUT_MS }, async () => {
      const failures = await s.run(berth, 'client→berthd', `${RUN}${s.prefixes.berthd}`, rec);
      assert.deepEqual(failures, [], `${failures.join('\n\n')}\nberthd log (tail):\n${berth.daemon.log().slice(-2000)}`);
    });

    it('the same scenarios on Docker (for the table)', { skip: !dockerUp && 'no Docker engine on /var/run/docker.sock', timeout: TIMEOUT_MS }, async () => {
      const docker = await openDocker();
      try {
        const failures = await s.run(docker, 'client→Docker', `${RUN}${s.prefixes.docker}`, rec);
        if (failures.length > 0) rec.note(`Docker failed: ${failures.map((f) => f.split('\n')[0]).join('; ')}`);
      } finally {
        await docker.stop();
      }
    });

    it('records the Docker column as skipped without an engine', { skip: dockerUp }, () => {
      if (s.skipDocker) s.skipDocker(rec);
      else for (const r of rec.report.rows) r.cells['client→Docker'] = 'skip';
      rec.note('no Docker engine on /var/run/docker.sock: the Docker column is skipped');
    });
  });
}
