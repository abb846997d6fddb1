// The stock-ledger document page (ui.py). Its settings come from the page's JSON block, never
// from script text, and whatever the server or the user typed reaches the page as text only
// (textContent), so the page can run under a Content-Security-Policy without inline scripts.
"use strict";
const CONFIG = JSON.parse(document.getElementById("page-config").textContent);
// The session's CSRF token: the service refuses a cookie-authenticated POST without it.
const CSRF = document.querySelector('meta[name="csrf-token"]').content;
const T = CONFIG.text;
const idempotencyKey = crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();
const lines = document.getElementById("lines");

function addLine(values = {}) {
  const row = document.createElement("tr");
  const index = lines.children.length;
  for (const column of CONFIG.columns) {
    const cell = document.createElement("td");
    let input;
    if (column === "reason_code") {
      input = document.createElement("select");
      for (const reason of ["", ...CONFIG.reasons]) input.add(new Option(reason, reason));
    } else {
      input = document.createElement("input");
      if (column === "expiry_date") input.type = "date";
    }
    input.name = column;
    input.value = values[column] ?? (column === "location" ? CONFIG.defaultLocation : "");
    input.setAttribute("aria-label", T[column]);
    cell.appendChild(input);
    row.appendChild(cell);
  }
  const remove = document.createElement("button");
  remove.type = "button"; remove.textContent = T.remove;
  remove.onclick = () => { row.remove(); renumber(); };
  row.appendChild(document.createElement("td")).appendChild(remove);
  lines.appendChild(row);
  renumber();
  return row;
}

function renumber() {
  [...lines.children].forEach((row, i) => row.querySelectorAll("input, select").forEach(
    (input) => input.dataset.field = `lines.${i}.${input.name}`));
}

function clearProblems() {
  document.querySelectorAll(".problem").forEach((p) => p.remove());
  document.querySelectorAll(".invalid").forEach((e) => e.classList.remove("invalid"));
  document.getElementById("messages").replaceChildren();
}

function message(className, ...parts) {
  // One paragraph, text only; `parts` are strings, or [tag, text] for an inner element.
  const paragraph = document.createElement("p");
  paragraph.className = className;
  for (const part of parts) {
    if (typeof part === "string") { paragraph.append(part); continue; }
    paragraph.appendChild(document.createElement(part[0])).textContent = part[1];
  }
  document.getElementById("messages").replaceChildren(paragraph);
  return paragraph;
}

function showProblems(detail) {
  const messages = document.getElementById("messages");
  const list = document.createElement("ul");
  list.className = "error";
  for (const item of detail) {
    const name = String(item.field || "").replace(/^(body|query)\./, "");
    const problem = item.problem || item.message || JSON.stringify(item);
    const target = document.querySelector(`[data-field="${CSS.escape(name)}"]`);
    if (target) {
      target.classList.add("invalid");
      const note = document.createElement("span");
      note.className = "problem"; note.textContent = problem;
      note.dataset.problemFor = name;
      target.insertAdjacentElement("afterend", note);
    }
    const li = document.createElement("li");
    li.textContent = `${name}: ${problem}`;
    list.appendChild(li);
  }
  message("error", T.errors);
  messages.appendChild(list);
}

document.getElementById("add-line").onclick = () => addLine();

document.getElementById("scan").addEventListener("keydown", async (event) => {
  if (event.key !== "Enter") return;
  event.preventDefault();
  const scan = event.target;
  const barcode = scan.value;
  if (!barcode.trim()) return;
  clearProblems();
  const response = await fetch("/v1/scans", {
    method: "POST", headers: {"Content-Type": "application/json", "X-CSRF-Token": CSRF},
    body: JSON.stringify({barcode, location: CONFIG.defaultLocation || null}),
  });
  const body = await response.json();
  if (!response.ok) { showProblems(body.detail || []); return; }
  const empty = [...lines.children].find((row) => !row.querySelector('[name="sku"]').value);
  const values = {sku: body.sku, quantity: body.quantity, lot: body.lot || "",
                  expiry_date: body.expiry_date || "", location: body.location || CONFIG.defaultLocation};
  if (empty) empty.remove();
  addLine(values);
  scan.value = "";
  message("ok", `${T.scanned}: ${body.sku} × ${body.quantity}${body.lot ? " / " + body.lot : ""}`);
});

document.getElementById("document").addEventListener("submit", async (event) => {
  event.preventDefault();
  clearProblems();
  const fields = {};
  document.querySelectorAll('[data-field^="fields."]').forEach((input) => {
    if (input.value !== "") fields[input.name] = input.value;
  });
  const body = {
    document_type: CONFIG.documentType,
    lines: [...lines.children].map((row) => {
      const line = {};
      row.querySelectorAll("input, select").forEach((input) => {
        if (input.value !== "") line[input.name] = input.value;
      });
      return line;
    }),
    fields,
  };
  const date = document.getElementById("document_date").value;
  if (date) body.document_date = date;
  const response = await fetch("/v1/documents?post=true", {
    method: "POST",
    headers: {"Content-Type": "application/json", "Idempotency-Key": idempotencyKey,
              "X-CSRF-Token": CSRF},
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  if (response.ok) {
    const waiting = answer.status === "pending_approval";
    message("ok", `${waiting ? T.pending_approval : T.posted}: `, ["strong", answer.document_id])
      .id = waiting ? "pending" : "posted";
    document.getElementById("post").disabled = true;
  } else if (Array.isArray(answer.detail)) {
    showProblems(answer.detail);
  } else {
    showProblems([{field: "", problem: answer.message || answer.detail || response.statusText}]);
  }
});

addLine();
