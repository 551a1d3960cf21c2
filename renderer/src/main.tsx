import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { windowAttention } from './attention/attention';
import { connect } from './api/connection';
import { SessionStore } from './store/sessions';
import { installTerminalProbe } from './terminal/registry';
import './styles.css';

const connection = connect(window);
const store = new SessionStore(connection.api, connection);
const attention = windowAttention(store, window);
installTerminalProbe(window);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App store={store} attention={attention} />
  </StrictMode>,
);
