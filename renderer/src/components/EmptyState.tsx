export function EmptyState() {
  return (
    <section className="empty-state" aria-label="No sessions">
      <h2>No sessions yet</h2>
      <p>Drop a Laravel project folder here to start an agent in its own VM.</p>
      <p className="hint">Or use “New session for…” in the menu bar.</p>
    </section>
  );
}
