/**
 * The only clock workflow code reads. Inside the Temporal sandbox `Date.now()` is deterministic: it
 * returns the time of the current workflow task, identical on replay. Everything else (machines,
 * handlers) gets time from here or from the event it handles.
 */
export function nowMs(): number {
  // eslint-disable-next-line no-restricted-properties -- the sandbox's deterministic clock, read in this one place
  return Date.now();
}

export function nowIso(): string {
  return new Date(nowMs()).toISOString();
}
