// The staff page: no build step, plain DOM. The token lives in this browser's localStorage only.
"use strict";
const $ = (id) => document.getElementById(id);
let token = localStorage.getItem("batikgen-token") || "";
let styles = null;
let timer = null;

async function api(path, options = {}) {
  const headers = Object.assign({ Authorization: "Bearer " + token }, options.headers || {});
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401) { signOut("The token was not accepted."); throw new Error("unauthorised"); }
  return response;
}

async function detail(response) {
  try { return (await response.json()).detail || response.statusText; } catch (e) { return response.statusText; }
}

function signOut(message) {
  token = "";
  localStorage.removeItem("batikgen-token");
  clearInterval(timer);
  $("work").hidden = true;
  $("signin").hidden = false;
  $("token-message").textContent = message || "";
}

async function signIn() {
  const response = await api("/api/pieces");
  if (!response.ok) throw new Error(await detail(response));
  $("signin").hidden = true;
  $("work").hidden = false;
  if (!styles) await loadStyles();
  showQueue(await response.json());
  clearInterval(timer);
  timer = setInterval(refresh, 2000);
}

async function loadStyles() {
  styles = await (await fetch("/api/styles")).json();
  const palette = $("palette");
  for (const name of styles.palettes) palette.add(new Option(name, name, false, name === styles.defaults.palette));
  const cloth = $("cloth");
  for (const name of styles.cloths) cloth.add(new Option(name, name, false, name === styles.defaults.cloth));
  const motifs = $("motifs");
  for (const name of styles.motifs) {
    const label = document.createElement("label");
    label.innerHTML = `<input type="radio" name="motif" value="${name}"><img alt="" loading="lazy"><span>${name}</span>`;
    if (name === styles.defaults.motif) label.querySelector("input").checked = true;
    motifs.append(label);
  }
  palette.addEventListener("change", showSwatches);
  showSwatches();
}

function showSwatches() {
  const palette = $("palette").value;
  for (const input of $("motifs").querySelectorAll("input")) {
    input.nextElementSibling.src = `/swatches/${input.value}/${palette}.png`;
  }
}

function describe(piece) {
  if (piece.status === "queued") return `queued, position ${piece.position}`;
  if (piece.status === "running") return `rendering: ${piece.stage}`;
  if (piece.status === "failed") return `failed: ${piece.error}`;
  return "done: in the gallery";
}

function showQueue(pieces) {
  const list = $("queue");
  list.replaceChildren(...pieces.slice().reverse().map((piece) => {
    const item = document.createElement("li");
    item.dataset.id = piece.id;
    item.dataset.status = piece.status;
    const thumb = piece.preview ? document.createElement("img") : document.createElement("div");
    thumb.className = "thumb";
    if (piece.preview) { thumb.src = piece.preview; thumb.alt = ""; }
    const text = document.createElement("div");
    const title = document.createElement("div");
    title.className = "title";
    title.textContent = piece.title;
    const status = document.createElement("div");
    status.className = "status " + piece.status;
    status.textContent = describe(piece) + ` · ${piece.motif}, ${piece.palette}`;
    text.append(title, status);
    const remove = document.createElement("button");
    remove.className = "quiet";
    remove.type = "button";
    remove.textContent = "Delete";
    remove.addEventListener("click", () => deletePiece(piece));
    item.append(thumb, text, remove);
    return item;
  }));
  $("updated").textContent = "· updated " + new Date().toLocaleTimeString();
}

async function refresh() {
  try {
    const response = await api("/api/pieces");
    if (response.ok) showQueue(await response.json());
  } catch (e) { /* the next poll tries again */ }
}

async function deletePiece(piece) {
  if (!confirm(`Delete "${piece.title}"? Its recording, cloth and gallery page go.`)) return;
  const response = await api(`/api/pieces/${encodeURIComponent(piece.id)}`, { method: "DELETE" });
  if (!response.ok) alert(await detail(response));
  refresh();
}

$("token-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  token = $("token").value.trim();
  localStorage.setItem("batikgen-token", token);
  try { await signIn(); } catch (e) { if (token) $("token-message").textContent = e.message; }
});

$("upload-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData($("upload-form"));
  const message = $("upload-message");
  $("upload").disabled = true;
  message.className = "message";
  message.textContent = "Uploading…";
  try {
    const response = await api("/api/pieces", { method: "POST", body: form });
    if (response.status === 202) {
      const piece = await response.json();
      message.textContent = `Queued "${piece.title}" (position ${piece.position}).`;
      $("files").value = "";
      $("title").value = "";
      $("note").value = "";
      refresh();
    } else {
      message.className = "message bad";
      message.textContent = await detail(response);
    }
  } catch (e) {
    message.className = "message bad";
    message.textContent = "The upload did not reach the service: " + e.message;
  } finally {
    $("upload").disabled = false;
  }
});

$("signout").addEventListener("click", () => signOut(""));

if (token) signIn().catch(() => signOut("")); else signOut("");
