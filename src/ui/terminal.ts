import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CLIENT_BACKLOG_MAX } from '../lib/client-backlog.js';
import type { ExecDeps } from '../services/containers/exec/deps.js';
import { createExec, resizeExec, startExec } from '../services/containers/exec/exec.js';
import type { TerminalMessage } from './types/dashboard.js';

const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });

function size(q: URLSearchParams): [cols: number, rows: number] {
  const n = (k: string, d: number): number => Math.min(1000, Math.max(1, Number.parseInt(q.get(k) ?? '', 10) || d));
  return [n('cols', 80), n('rows', 24)];
}

/**
 * `exec -it` over a websocket for xterm.js: the exec is created first (so a stopped or removed
 * container is an HTTP error, not a dead socket), then the connection is upgraded and bytes flow
 * both ways until the shell exits or the page goes away (the shell then gets SIGHUP).
 */
export function openTerminal(deps: ExecDeps, containerId: string, req: IncomingMessage, socket: Duplex, head: Buffer, query: URLSearchParams): void {
  const [cols, rows] = size(query);
  const cmd = query.get('cmd') || 'sh';
  const ex = createExec(deps, containerId, {
    Cmd: [cmd],
    Tty: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    ConsoleSize: [rows, cols],
    Env: ['TERM=xterm-256color'],
  });
  wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
    let pid = 0;
    let ended = false;
    const pending: Buffer[] = [];
    let write = (b: Buffer): void => void pending.push(b);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return write(data as Buffer);
      let msg: TerminalMessage;
      try {
        msg = JSON.parse(String(data)) as TerminalMessage;
      } catch {
        return;
      }
      if ('input' in msg && typeof msg.input === 'string') write(Buffer.from(msg.input));
      else if ('resize' in msg && Array.isArray(msg.resize) && pid > 0) void resizeExec(deps, ex.ID, msg.resize[1], msg.resize[0]).catch(() => undefined);
    });
    ws.on('close', () => {
      if (pid > 0 && !ended) {
        try {
          process.kill(pid, 'SIGHUP');
        } catch {
          // already gone
        }
      }
    });
    startExec(deps, ex.ID).then(
      (proc) => {
        pid = proc.pid;
        proc.io.onOutput((_stream, data) => {
          if (ws.readyState !== ws.OPEN) return;
          // A browser that stops reading is cut off rather than buffered for without bound.
          if (ws.bufferedAmount + data.length > CLIENT_BACKLOG_MAX) return ws.terminate();
          ws.send(data, { binary: true });
        });
        write = (b) => proc.io.write(b);
        for (const b of pending.splice(0)) write(b);
        void resizeExec(deps, ex.ID, rows, cols).catch(() => undefined);
        void proc.exitCode.then((code) => {
          ended = true;
          if (ws.readyState === ws.OPEN) ws.close(1000, `exit ${code}`);
        });
      },
      (err: Error) => {
        ended = true;
        ws.close(1011, err.message.slice(0, 120));
      },
    );
  });
}
