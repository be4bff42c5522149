// expect: TS2769 TS2322 TS2345
// accessToken and getAccessToken together (the library refuses it at run time).
import { createTask } from "graph-tasks";
await createTask({ planId: "p", title: "t" }, { accessToken: "t", getAccessToken: () => "t" });
