// The same consumer with nothing but fetch: the floor.
export async function create(task, accessToken) {
  const res = await fetch("https://graph.microsoft.com/v1.0/planner/tasks", {
    method: "POST",
    headers: { Authorization: `Bearer ${accessToken}`, "Content-Type": "application/json" },
    body: JSON.stringify(task),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
}
