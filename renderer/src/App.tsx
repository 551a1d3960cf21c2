import { useEffect, useState } from 'react';
import type { AppInfo, ClaveApi } from '../../shared/api';
import { EmptyState } from './components/EmptyState';

export function App({ api }: { api: ClaveApi | undefined }) {
  const [info, setInfo] = useState<AppInfo | null>(null);

  useEffect(() => {
    api?.call('app.info', {}).then(setInfo, () => setInfo(null));
  }, [api]);

  return (
    <div className="app">
      <header className="app-header">
        <h1>Clave</h1>
        <span className="app-status" role="status">
          {api ? (info ? `v${info.version} · ${info.face}` : 'Connecting…') : 'Not connected'}
        </span>
      </header>
      <main>
        <EmptyState />
      </main>
    </div>
  );
}
