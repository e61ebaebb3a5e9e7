// The part of Electron's WebContents that the tests of main/app run against (no Electron binary
// here): listeners by event name, the window-open handler and the URL. Each test's fake adds what
// it needs (an id, what `send` does). Load it inside `vi.hoisted` with a dynamic import: the
// `electron` mock is built before the test file's static imports run.
export type Fn = (...args: never[]) => unknown;

export class FakeWebContents {
  url = '';
  listeners = new Map<string, Fn[]>();
  openHandler: Fn | null = null;
  on(ev: string, f: Fn) {
    this.listeners.set(ev, [...(this.listeners.get(ev) ?? []), f]);
    return this;
  }
  /** Fire an event at the listeners, as Electron would. */
  emit(ev: string, ...args: unknown[]) {
    for (const f of this.listeners.get(ev) ?? []) (f as (...a: unknown[]) => unknown)(...args);
  }
  setWindowOpenHandler(f: Fn) {
    this.openHandler = f;
  }
  getURL() {
    return this.url;
  }
  isDestroyed() {
    return false;
  }
}
