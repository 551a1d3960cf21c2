// Starting a session: drop a project folder anywhere on the window (the app knows its path), or
// type / paste the path (the browser, which never reveals a dropped folder's path). ⌘N comes here.
import { useEffect, useRef, useState } from 'react';
import type { Problem } from '../../../shared/session';
import type { BackendChoice } from '../store/backend-choice';
import { BackendPicker } from './orchard/BackendPicker';
import { ProblemBox } from './ProblemBox';

export function NewSessionForm({
  onStart,
  starting,
  error,
  focusRequest,
  shortcut,
  backend,
}: {
  onStart(path: string): void;
  starting: boolean;
  error: Problem | null;
  focusRequest: number;
  shortcut: string;
  /** Where to run, offered once an Orchard controller is configured. */
  backend?: BackendChoice;
}) {
  const [path, setPath] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (focusRequest > 0) {
      input.current?.focus();
      input.current?.select();
    }
  }, [focusRequest]);
  return (
    <form
      className="new-session"
      aria-label="New session"
      onSubmit={(e) => {
        e.preventDefault();
        onStart(path);
      }}
    >
      <label htmlFor="project-path">Project folder</label>
      <div className="new-session-row">
        <input
          id="project-path"
          ref={input}
          type="text"
          name="projectDir"
          placeholder="/path/to/laravel-app"
          autoComplete="off"
          spellCheck={false}
          value={path}
          onChange={(e) => setPath(e.target.value)}
          title={`New session (${shortcut}N)`}
        />
        <button type="submit" className="primary" disabled={starting}>
          {starting ? 'Starting…' : 'Start'}
        </button>
      </div>
      {backend?.offered && <BackendPicker choice={backend} />}
      {error && <ProblemBox problem={error} />}
    </form>
  );
}

/** The real path of a dropped folder where the app can know it (Electron's webUtils). */
export function droppedPath(e: DragEvent, win: Window = window): string | null {
  const file = e.dataTransfer?.files[0];
  if (!file || !win.claveDesktop) return null;
  try {
    return win.claveDesktop.pathForFile(file) || null;
  } catch {
    return null;
  }
}

/** A drop anywhere on the window starts a session; an overlay shows while something is dragged. */
export function DropOverlay({
  onPath,
  onNoPath,
}: {
  onPath(path: string): void;
  onNoPath(name: string | null): void;
}) {
  const [dragging, setDragging] = useState(false);
  const onPathRef = useRef(onPath);
  const onNoPathRef = useRef(onNoPath);
  onPathRef.current = onPath;
  onNoPathRef.current = onNoPath;
  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setDragging(true);
    };
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      const p = droppedPath(e);
      if (p) onPathRef.current(p);
      else onNoPathRef.current(e.dataTransfer?.files[0]?.name ?? null);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);
  if (!dragging) return null;
  return (
    <div className="drop-overlay" aria-hidden="true">
      <div>Drop a Laravel project folder to start a session</div>
    </div>
  );
}
