/**
 * Confirmation before every curation edit: a modal <dialog> (focus kept inside, Escape cancels) that
 * says exactly what will change. `useConfirm()` returns an async function resolving to the answer.
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';

interface Pending {
  readonly title: string;
  readonly body: ReactNode;
  readonly confirmLabel: string;
  readonly resolve: (ok: boolean) => void;
}

export function useConfirm(): [(title: string, body: ReactNode, confirmLabel?: string) => Promise<boolean>, ReactNode] {
  const [pending, setPending] = useState<Pending | null>(null);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (pending && dialog && !dialog.open) dialog.showModal();
  }, [pending]);
  const ask = useCallback(
    (title: string, body: ReactNode, confirmLabel = 'Confirm') => new Promise<boolean>((resolve) => setPending({ title, body, confirmLabel, resolve })),
    [],
  );
  const answer = (ok: boolean) => {
    ref.current?.close();
    pending?.resolve(ok);
    setPending(null);
  };
  const element = pending ? (
    <dialog ref={ref} className="confirm" aria-labelledby="confirm-title" onCancel={(e) => { e.preventDefault(); answer(false); }}>
      <h2 id="confirm-title">{pending.title}</h2>
      <div className="confirm-body">{pending.body}</div>
      <div className="actions">
        <button type="button" className="primary" onClick={() => answer(true)}>{pending.confirmLabel}</button>
        <button type="button" onClick={() => answer(false)} autoFocus>Cancel</button>
      </div>
    </dialog>
  ) : null;
  return [ask, element];
}
