// What a browser app already ships for sign-in: @azure/msal-browser, a PublicClientApplication and a
// silent token request (the call an app makes before every Graph call). Context for graph-tasks' size
// (issue 19, item 6); bundled and measured like the other consumers.
import { PublicClientApplication } from "@azure/msal-browser";

const msal = new PublicClientApplication({ auth: { clientId: "00000000-0000-0000-0000-000000000000" } });

export async function token(account) {
  await msal.initialize();
  const result = await msal.acquireTokenSilent({ scopes: ["Tasks.ReadWrite"], account });
  return result.accessToken;
}
