import { useEffect, useRef, useState } from 'preact/hooks';
import '@xterm/xterm/css/xterm.css';
import type { TerminalMessage } from '../../../src/ui/types/dashboard';

/** `exec -it sh` in the container, over a websocket, in xterm.js. */
export function Terminal({ id }: { id: string }) {
  const box = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState('connecting…');
  const [session, setSession] = useState(0);
  useEffect(() => {
    // xterm.js is loaded when a terminal is first opened, not with the page.
    let cleanup: (() => void) | undefined;
    let gone = false;
    void Promise.all([import('@xterm/xterm'), import('@xterm/addon-fit')]).then(([{ Terminal: XTerm }, { FitAddon }]) => {
      if (!gone) cleanup = connect(new XTerm({ cursorBlink: true, fontSize: 14 }), new FitAddon());
    });
    return () => {
      gone = true;
      cleanup?.();
    };
  }, [id, session]);

  function connect(term: import('@xterm/xterm').Terminal, fit: import('@xterm/addon-fit').FitAddon): () => void {
    term.loadAddon(fit);
    term.open(box.current!);
    fit.fit();
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${proto}://${location.host}/ui/api/containers/${id}/terminal?cols=${term.cols}&rows=${term.rows}`);
    ws.binaryType = 'arraybuffer';
    const send = (m: TerminalMessage): void => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m));
    };
    ws.onopen = () => {
      setStatus('connected');
      term.focus();
    };
    ws.onmessage = (e) => term.write(new Uint8Array(e.data as ArrayBuffer));
    ws.onclose = (e) => setStatus(e.reason ? `closed: ${e.reason}` : 'closed');
    const input = term.onData((d) => send({ input: d }));
    const resize = term.onResize(({ cols, rows }) => send({ resize: [cols, rows] }));
    const onWindow = (): void => fit.fit();
    addEventListener('resize', onWindow);
    return () => {
      removeEventListener('resize', onWindow);
      input.dispose();
      resize.dispose();
      ws.close();
      term.dispose();
    };
  }
  return (
    <div class="terminal">
      <div class="toolbar">
        <span class="muted" data-testid="terminal-status">
          {status}
        </span>
        {status.startsWith('closed') && <button onClick={() => (setStatus('connecting…'), setSession((n) => n + 1))}>reconnect</button>}
      </div>
      <div class="xterm-box" ref={box} />
    </div>
  );
}
