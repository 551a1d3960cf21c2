import type { ClaveApi } from '../../shared/api';

declare global {
  interface Window {
    /** Present in the Electron app (preload); absent in the browser harness until it connects. */
    clave?: ClaveApi;
  }
}
