// The editors' console: GraphiQL with the explorer plugin, a sign-in bar, and ready operations.
// Loaded from the CMS's own origin under a Content-Security-Policy that allows no inline script,
// so everything the page runs is in this file and the vendor files it names by hash.
"use strict";

(function () {
  const config = JSON.parse(document.getElementById("console-config").textContent);
  const endpoint = new URL(config.endpoint, window.location.href).toString();
  const socketUrl = endpoint.replace(/^http/, "ws");
  const WHO_AM_I = "query ConsoleWhoAmI { me { displayName email role } }";
  const SIGN_IN =
    "mutation ConsoleSignIn($email: String!, $password: String!) {" +
    " login(input: {email: $email, password: $password}) {" +
    " user { displayName email role } errors { field message } } }";
  const SIGN_OUT = "mutation ConsoleSignOut { logout { signedOut } }";

  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  const bar = document.getElementById("console-bar");
  let generation = 0;
  // GraphiQL fills the variables pane of the first tab from its `variables` prop, not from the
  // tab: on a first visit (no tabs stored yet) pass the first ready operation's variables.
  const firstVisit = window.localStorage.getItem("graphiql:tabState") === null;

  async function post(query, variables) {
    const response = await fetch(endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json, application/json",
      },
      body: JSON.stringify({ query: query, variables: variables || {} }),
    });
    const answer = await response.json();
    if (answer.errors && answer.errors.length) {
      throw new Error(answer.errors.map((error) => error.message).join(" "));
    }
    return answer.data;
  }

  function element(tag, attributes, children) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([name, value]) => node.setAttribute(name, value));
    (children || []).forEach((child) =>
      node.append(typeof child === "string" ? document.createTextNode(child) : child),
    );
    return node;
  }

  function say(text, kind) {
    const message = document.getElementById("console-message");
    message.textContent = text;
    message.className = kind || "";
  }

  function showSignedIn(user) {
    const signOut = element("button", { type: "button", id: "console-sign-out" }, ["Sign out"]);
    signOut.addEventListener("click", signOutClicked);
    bar.replaceChildren(
      element("span", { class: "console-title" }, ["Newsroom CMS"]),
      element("span", { id: "console-who" }, [
        "Signed in as ",
        element("strong", {}, [user.displayName]),
        ` (${user.email}, ${user.role})`,
      ]),
      signOut,
      element("span", { id: "console-message", role: "status" }),
    );
  }

  function showSignedOut() {
    const form = element("form", { id: "console-sign-in" }, [
      element("label", { for: "console-email" }, ["Email"]),
      element("input", { id: "console-email", type: "email", autocomplete: "username", required: "" }),
      element("label", { for: "console-password" }, ["Password"]),
      element("input", {
        id: "console-password",
        type: "password",
        autocomplete: "current-password",
        required: "",
      }),
      element("button", { type: "submit" }, ["Sign in"]),
    ]);
    form.addEventListener("submit", signInSubmitted);
    bar.replaceChildren(
      element("span", { class: "console-title" }, ["Newsroom CMS"]),
      element("span", { id: "console-who" }, ["Not signed in"]),
      form,
      element("span", { id: "console-message", role: "status" }),
    );
  }

  async function signInSubmitted(event) {
    event.preventDefault();
    const email = document.getElementById("console-email").value;
    const password = document.getElementById("console-password").value;
    say("Signing in…");
    try {
      const result = (await post(SIGN_IN, { email: email, password: password })).login;
      if (result.errors.length) {
        say(result.errors.map((error) => error.message).join(" "), "console-error");
        return;
      }
      showSignedIn(result.user);
      say("Signed in.");
      mountConsole();
    } catch (error) {
      say(`Could not sign in: ${error.message}`, "console-error");
    }
  }

  async function signOutClicked() {
    try {
      await post(SIGN_OUT);
      showSignedOut();
      say("Signed out.");
      mountConsole();
    } catch (error) {
      say(`Could not sign out: ${error.message}`, "console-error");
    }
  }

  // A new fetcher (and so a new WebSocket) after each sign-in or sign-out: a socket keeps the
  // viewer it was opened with, and the schema is fetched again for who is now signed in.
  function mountConsole() {
    generation += 1;
    const fetcher = GraphiQL.createFetcher({ url: endpoint, subscriptionUrl: socketUrl });
    root.render(
      React.createElement(GraphiQL, {
        key: generation,
        fetcher: fetcher,
        defaultTabs: config.tabs,
        variables: firstVisit && generation === 1 ? config.tabs[0].variables : undefined,
        plugins: [GraphiQLPluginExplorer.explorerPlugin()],
        defaultEditorToolsVisibility: true,
        inputValueDeprecation: true,
        isHeadersEditorEnabled: true,
        shouldPersistHeaders: false,
      }),
    );
  }

  async function start() {
    try {
      const data = await post(WHO_AM_I);
      if (data.me) {
        showSignedIn(data.me);
      } else {
        showSignedOut();
      }
    } catch (error) {
      showSignedOut();
      say(error.message, "console-error");
    }
    mountConsole();
  }

  start();
})();
