// The browser demo's notifications: the Web Notification API once the person allowed it. The
// permission is asked only from a click (browsers ignore or hold against a prompt on load).
export type NotifyPermission = NotificationPermission | 'unsupported';

export interface BrowserNotifier {
  permission(): NotifyPermission;
  /** Call from a user gesture. Resolves to the permission the person chose. */
  request(): Promise<NotifyPermission>;
  /** `tag`: a newer notification for the same session replaces the older one. */
  show(n: { title: string; body: string; tag: string }, onClick: () => void): void;
}

/** The subset of the Notification constructor used here. */
export interface NotificationApi {
  readonly permission: NotificationPermission;
  requestPermission(): Promise<NotificationPermission>;
  new (title: string, options?: NotificationOptions): Notification;
}

export function browserNotifier(Api: NotificationApi | undefined): BrowserNotifier {
  return {
    permission: () => (Api ? Api.permission : 'unsupported'),
    request: async () => (Api ? Api.requestPermission() : 'unsupported'),
    show({ title, body, tag }, onClick) {
      if (Api?.permission !== 'granted') return;
      const n = new Api(title, { body, tag });
      n.onclick = () => {
        onClick();
        n.close();
      };
    },
  };
}
