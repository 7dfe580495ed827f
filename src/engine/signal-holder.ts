/**
 * The AbortController a worker sends its requests with. Creating an AbortController per request
 * is a measurable cost in large simulations, so a worker reuses one until it is aborted (then it
 * takes a new one) or handed to an abandoned call (the zombie keeps it and the worker takes a new
 * one). A signal is therefore only ever aborted for the requests it should cancel.
 */
export class SignalHolder {
  controller: AbortController;

  constructor(controller: AbortController = new AbortController()) {
    this.controller = controller;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Aborts the current controller with `reason` and takes a fresh one. */
  abort(reason: unknown): void {
    const spent = this.controller;
    this.controller = new AbortController();
    spent.abort(reason);
  }

  /** Gives the current controller to a new holder (for a zombie) and takes a fresh one. */
  handOver(): SignalHolder {
    const given = new SignalHolder(this.controller);
    this.controller = new AbortController();
    return given;
  }
}
