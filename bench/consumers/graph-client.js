// The same consumer with the Microsoft Graph JS client 3.x (@microsoft/microsoft-graph-client).
import { Client } from "@microsoft/microsoft-graph-client";

export function create(task, accessToken) {
  const client = Client.init({ authProvider: (done) => done(null, accessToken), defaultVersion: "v1.0" });
  return client.api("/planner/tasks").post(task);
}
