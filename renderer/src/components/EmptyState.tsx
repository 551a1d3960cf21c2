export function EmptyState({ canDrop }: { canDrop: boolean }) {
  return (
    <section className="empty-state" aria-label="No sessions">
      <div className="empty-icon" aria-hidden="true">
        ⤓
      </div>
      <h2>No sessions yet</h2>
      <p>Drop a Laravel project folder here to start an agent in its own VM.</p>
      <p className="hint">
        {canDrop
          ? 'Or use “New session for…” in the menu bar.'
          : 'In the browser, paste the folder’s path into the field on the left.'}
      </p>
    </section>
  );
}
