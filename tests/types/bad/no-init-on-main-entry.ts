// expect: TS1192 TS2613
// The main entry has no init (only graph-tasks/web does).
import init from "graph-tasks";
await init();
