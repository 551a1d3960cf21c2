// ⌘F: find in the active terminal (xterm's search addon). Enter: next, Shift+Enter: previous,
// Escape: close and go back to the terminal.
import { useEffect, useRef, useState } from 'react';
import { terminalHandle } from '../terminal/registry';

const DECORATIONS = {
  matchBackground: '#5a4a1a',
  activeMatchBackground: '#b8860b',
  matchOverviewRuler: '#b8860b',
  activeMatchColorOverviewRuler: '#ffd700',
};

export function SearchBar({ tabKey, onClose }: { tabKey: string; onClose(): void }) {
  const input = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<{ index: number; count: number } | null>(null);

  useEffect(() => {
    input.current?.focus();
  }, [tabKey]);

  useEffect(() => {
    const h = terminalHandle(tabKey);
    if (!h) return;
    const sub = h.search.onDidChangeResults((r) =>
      setResults({ index: r.resultIndex, count: r.resultCount }),
    );
    return () => {
      sub.dispose();
      h.search.clearDecorations();
    };
  }, [tabKey]);

  const find = (backwards: boolean, incremental = false) => {
    const h = terminalHandle(tabKey);
    if (!h || !query) return;
    const options = { decorations: DECORATIONS, incremental };
    if (backwards) h.search.findPrevious(query, options);
    else h.search.findNext(query, options);
  };

  const close = () => {
    terminalHandle(tabKey)?.search.clearDecorations();
    onClose();
    terminalHandle(tabKey)?.term.focus();
  };

  return (
    <div className="search-bar" role="search">
      <input
        ref={input}
        type="search"
        aria-label="Find in terminal"
        placeholder="Find in terminal"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          const h = terminalHandle(tabKey);
          if (h && e.target.value)
            h.search.findNext(e.target.value, { decorations: DECORATIONS, incremental: true });
          else {
            h?.search.clearDecorations();
            setResults(null);
          }
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            find(e.shiftKey);
          } else if (e.key === 'Escape') {
            e.preventDefault();
            close();
          }
        }}
      />
      <span className="search-count" aria-live="polite">
        {query && results
          ? results.count
            ? `${results.index + 1} of ${results.count}`
            : 'No matches'
          : ''}
      </span>
      <button type="button" onClick={() => find(true)} aria-label="Previous match">
        ↑
      </button>
      <button type="button" onClick={() => find(false)} aria-label="Next match">
        ↓
      </button>
      <button type="button" onClick={close} aria-label="Close search">
        ✕
      </button>
    </div>
  );
}
