// Posts the inbox's forms with the session's CSRF token in the X-CSRF-Token header (the
// service refuses a cookie-authenticated write without it), then follows the redirect back to
// the request's page (the address the service answers), which shows the outcome. No page data is ever read into script text.
"use strict";

function postForm(event) {
  const form = event.target;
  if (!form.hasAttribute("data-post")) return;
  event.preventDefault();
  const submitter = event.submitter;
  const target = submitter && submitter.hasAttribute("formaction") ? submitter.formAction : form.action;
  const body = new URLSearchParams(new FormData(form));
  const token = body.get("csrf_token") || "";
  for (const button of form.querySelectorAll("button")) button.disabled = true;
  fetch(target, {
    method: "POST",
    credentials: "same-origin",
    headers: {
      "X-CSRF-Token": token,
      "Content-Type": "application/x-www-form-urlencoded",
      Accept: "application/json",
    },
    body: body,
  }).then((response) => {
    const json = (response.headers.get("Content-Type") || "").startsWith("application/json");
    if (response.ok && json) {
      return response.json().then((answer) => {
        const here = typeof answer.location === "string" ? answer.location : "";
        if (here.startsWith("/inbox/") || here === "/delegations" || here.startsWith("/delegations?")) {
          window.location.assign(here);
        }
      });
    }
    return response.text().then((text) => {
      const note = document.createElement("p");
      note.className = "flash refused";
      note.setAttribute("role", "alert");
      note.textContent = response.status + " " + text.slice(0, 300);
      form.prepend(note);
      for (const button of form.querySelectorAll("button")) button.disabled = false;
    });
  });
}

// A delegation's window is typed in this device's time zone: tell the service its offset.
for (const field of document.querySelectorAll("input[data-tz-offset]")) {
  field.value = String(-new Date().getTimezoneOffset());
}

document.addEventListener("submit", postForm);
