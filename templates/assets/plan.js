// Plan pages: a "Copy link" button beside the link of each concern and action, and a note when the
// address names a concern or action this plan does not have (a mistyped or outdated link), instead of
// silently showing the top of the page. Without JavaScript the plain links stay; no inline code.

const main = document.getElementById("main-content");

const announcer = document.createElement("p");
announcer.className = "visually-hidden";
announcer.setAttribute("role", "status");
announcer.setAttribute("aria-live", "polite");
document.body.append(announcer);

function say(text) {
  announcer.textContent = "";
  // A new text in the next frame: screen readers announce a repeated "Link copied" too.
  requestAnimationFrame(() => { announcer.textContent = text; });
}

async function copy(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const field = document.createElement("textarea");  // older browsers, and pages opened over plain http
  field.value = text;
  field.setAttribute("readonly", "");
  field.className = "visually-hidden";
  document.body.append(field);
  field.select();
  const copied = document.execCommand("copy");
  field.remove();
  if (!copied) throw new Error("copy refused");
}

for (const link of document.querySelectorAll(".permalink a")) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "copy-link";
  button.textContent = "Copy link";
  const what = link.textContent.replace(/^Link to /, "");
  button.setAttribute("aria-label", `Copy link to ${what}`);
  button.addEventListener("click", async () => {
    const address = new URL(link.getAttribute("href"), location.href).href;
    try {
      await copy(address);
      button.textContent = "Link copied";
      say("Link copied");
    } catch {
      say(`The link could not be copied: it is ${address}`);
    }
    setTimeout(() => { button.textContent = "Copy link"; }, 3000);
  });
  link.after(" ", button);
}

function notice(lines) {
  const box = document.createElement("div");
  box.className = "fragment-notice";
  box.id = "fragment-notice";
  box.tabIndex = -1;
  for (const line of lines) {
    const paragraph = document.createElement("p");
    paragraph.append(...line);
    box.append(paragraph);
  }
  return box;
}

function anchor(href, text) {
  const link = document.createElement("a");
  link.href = href;
  link.textContent = text;
  return link;
}

function checkFragment() {
  document.getElementById("fragment-notice")?.remove();
  const id = decodeURIComponent(location.hash.slice(1));
  if (!id || document.getElementById(id)) return;
  const found = /^concern-(\d+)(?:-action-(\d+))?$/.exec(id);
  const lines = [];
  if (found && found[2]) {
    lines.push([`This plan has no action ${found[1]}.${found[2]}.`]);
  } else if (found) {
    lines.push([`This plan has no concern ${found[1]}.`]);
  } else {
    lines.push([`This page has no part called “${id}”.`]);
  }
  const concern = found && document.getElementById(`concern-${found[1]}`);
  const contents = document.getElementById("contents-heading") ? "#contents-heading" : "#main-content";
  if (found && found[2] && concern) {
    lines.push(["See ", anchor(`#concern-${found[1]}`, `concern ${found[1]} and its actions`), ", or the ",
                anchor(contents, "contents of this plan"), "."]);
  } else {
    lines.push(["See the ", anchor(contents, "contents of this plan"), "."]);
  }
  const box = notice(lines);
  main.prepend(box);
  box.focus();
}

window.addEventListener("hashchange", checkFragment);
checkFragment();
