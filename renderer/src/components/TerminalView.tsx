// One terminal tab: an xterm.js terminal attached to a terminal in the session's VM (the agent's
// tmux, or a new shell). Keystrokes go to terminal.write, size changes to terminal.resize, and the
// output (bytes; xterm decodes them) is acknowledged from xterm's write callback (flow control).
// Unmounting closes only this terminal; the agent lives on in tmux and a new attach redraws its
// screen.
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import type { ClaveApi } from '../../../shared/api';
import { inputPieces } from '../../../shared/terminal-input';
import type { ConnectionStatus } from '../api/connection';
import { problemOf } from '../store/problem';
import type { TabView } from '../store/sessions';
import { createAckBatcher } from '../terminal/ack';
import { loadRenderer, TERMINAL_OPTIONS } from '../terminal/options';
import { registerTerminal } from '../terminal/registry';
import { screenAboveStatusLine, watchScreen } from '../terminal/screen-watch';
import { isShortcut } from '../keyboard';

export interface TerminalViewProps {
  api: ClaveApi;
  connection: ConnectionStatus;
  tab: TabView;
  visible: boolean;
  onExit(code: number | null): void;
  /** The screen shows something new (not the attach redraw, not tmux's clock). */
  onOutput?(): void;
}

export function TerminalView({
  api,
  connection,
  tab,
  visible,
  onExit,
  onOutput,
}: TerminalViewProps) {
  const container = useRef<HTMLDivElement>(null);
  const [term, setTerm] = useState<{ term: Terminal; fit: FitAddon } | null>(null);
  const attached = useRef<string | null>(null);
  const onExitRef = useRef(onExit);
  onExitRef.current = onExit;
  const onOutputRef = useRef(onOutput);
  onOutputRef.current = onOutput;

  // The xterm instance lives as long as the tab.
  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const t = new Terminal(TERMINAL_OPTIONS);
    const fit = new FitAddon();
    const search = new SearchAddon();
    t.loadAddon(fit);
    t.loadAddon(search);
    t.loadAddon(
      new WebLinksAddon((event, uri) => {
        event.preventDefault();
        window.open(uri, '_blank', 'noopener,noreferrer');
      }),
    );
    // Our shortcuts are the app's, not the shell's (see keyboard.ts).
    t.attachCustomKeyEventHandler((e) => !isShortcut(e, true));
    t.open(el);
    const renderer = loadRenderer(t);
    const unregister = registerTerminal({
      key: tab.key,
      sessionId: tab.sessionId,
      kind: tab.kind,
      title: tab.title,
      term: t,
      search,
      terminalId: () => attached.current,
      renderer,
    });
    setTerm({ term: t, fit });
    return () => {
      unregister();
      setTerm(null);
      t.dispose();
    };
  }, [tab.key, tab.sessionId, tab.kind, tab.title]);

  // Keep the terminal the size of its box; xterm reports the new size in cells (onResize).
  useEffect(() => {
    const el = container.current;
    if (!term || !el || !visible) return;
    const refit = () => {
      if (el.clientWidth > 0 && el.clientHeight > 0) {
        try {
          term.fit.fit();
        } catch {
          // not laid out yet
        }
      }
    };
    refit();
    term.term.focus();
    const ro = new ResizeObserver(refit);
    ro.observe(el);
    return () => ro.disconnect();
  }, [term, visible]);

  // Attach to the VM; again after every reconnection (the host closed the old one).
  const online = connection.state === 'open';
  useEffect(() => {
    if (!term || !online) return;
    const { term: t } = term;
    let cancelled = false;
    let id: string | null = null;
    const early: { terminalId: string; data: Uint8Array }[] = [];
    // The host's events can overtake terminal.open's answer, an exit too (a shell that ends at once).
    const earlyExits = new Map<string, number | null>();
    const ack = createAckBatcher((bytes) => {
      if (id) void api.call('terminal.ack', { terminalId: id, bytes }).catch(() => {});
    });
    const screen = watchScreen(
      () => screenAboveStatusLine(t),
      () => onOutputRef.current?.(),
    );
    const write = (data: Uint8Array) =>
      t.write(data, () => {
        ack.rendered(data.length);
        screen.rendered();
      });
    const offData = api.on('terminal.data', (e) => {
      if (id === null) early.push(e);
      else if (e.terminalId === id) write(e.data);
    });
    const ended = (exitCode: number | null) => {
      ack.flush();
      attached.current = null;
      t.write(
        `\r\n\x1b[2m[${tab.kind === 'agent' ? 'Claude’s session ended' : 'shell ended'}${
          exitCode === null ? '' : ` (exit ${exitCode})`
        }]\x1b[0m\r\n`,
      );
      onExitRef.current(exitCode);
    };
    const offExit = api.on('terminal.exit', (e) => {
      if (id === null) earlyExits.set(e.terminalId, e.exitCode);
      else if (e.terminalId === id) ended(e.exitCode);
    });
    const input = t.onData((data) => {
      if (!id) return;
      for (const piece of inputPieces(data))
        void api.call('terminal.write', { terminalId: id, data: piece }).catch(() => {});
    });
    let resizeTimer: ReturnType<typeof setTimeout> | null = null;
    const resize = t.onResize(({ cols, rows }) => {
      if (resizeTimer) clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => {
        if (id) void api.call('terminal.resize', { terminalId: id, cols, rows }).catch(() => {});
      }, 50);
    });

    api
      .call('terminal.open', {
        sessionId: tab.sessionId,
        kind: tab.kind,
        cols: Math.max(2, t.cols),
        rows: Math.max(2, t.rows),
      })
      .then(
        ({ terminalId }) => {
          if (cancelled) {
            void api.call('terminal.close', { terminalId }).catch(() => {});
            return;
          }
          id = terminalId;
          attached.current = terminalId;
          screen.attached();
          for (const e of early.splice(0)) if (e.terminalId === terminalId) write(e.data);
          if (earlyExits.has(terminalId)) return ended(earlyExits.get(terminalId)!);
          // The size may have changed while the terminal was opening.
          void api
            .call('terminal.resize', { terminalId, cols: t.cols, rows: t.rows })
            .catch(() => {});
        },
        (e: unknown) => {
          if (cancelled) return;
          early.length = 0;
          const p = problemOf(e);
          t.write(`\r\n\x1b[31m${p.what}\x1b[0m${p.fix ? `\r\n${p.fix}` : ''}\r\n`);
        },
      );

    return () => {
      cancelled = true;
      offData();
      offExit();
      input.dispose();
      resize.dispose();
      if (resizeTimer) clearTimeout(resizeTimer);
      ack.flush();
      ack.dispose();
      screen.dispose();
      if (id) void api.call('terminal.close', { terminalId: id }).catch(() => {});
      attached.current = null;
    };
  }, [api, term, online, connection.epoch, tab.sessionId, tab.kind]);

  return (
    <div
      className="terminal-host"
      ref={container}
      hidden={!visible}
      data-terminal-key={tab.key}
      aria-label={`${tab.title} terminal`}
    />
  );
}
