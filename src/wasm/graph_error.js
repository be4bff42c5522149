// The error class every failed createTask rejects with. It lives in JavaScript so that it can extend
// Error (stack traces, instanceof, toString); the wasm layer only fills in its fields.
export class GraphError extends Error {
  constructor(message, fields) {
    super(message);
    this.name = "GraphError";
    // A GraphError built without a step (a mock, say) failed where most do: before the task existed.
    this.step = "create";
    Object.assign(this, fields);
  }

  // The fields, for JSON logging: name, message and every field the client set (src/contract.rs lists
  // them). Nothing here can hold the bearer token: the client redacts it.
  toJSON() {
    return { name: this.name, message: this.message, ...this };
  }
}
