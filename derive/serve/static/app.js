// The check page: send the text, show the rows the server rendered, offer the downloads.
"use strict";
const source = document.getElementById("source");
const results = document.getElementById("results");
const errorBox = document.getElementById("error");
const statusLine = document.getElementById("status");
let last = null;

function summary(chains) {
  const counts = {};
  for (const c of chains) for (const s of c.steps) counts[s.verdict] = (counts[s.verdict] || 0) + 1;
  return Object.entries(counts).map(([v, n]) => `${n} ${v}`).join(", ");
}

function showError(answer) {
  const lines = source.value.split("\n");
  const text = lines[answer.line - 1];
  errorBox.textContent = answer.error + (text === undefined ? "" :
    `\n${String(answer.line).padStart(4)} | ${text}\n     | ${" ".repeat(Math.max(answer.column - 1, 0))}^`);
  if (text !== undefined) {  // put the cursor where reading stopped
    const at = lines.slice(0, answer.line - 1).reduce((n, l) => n + l.length + 1, 0) + answer.column - 1;
    source.focus();
    source.setSelectionRange(at, Math.min(at + 1, source.value.length));
  }
}

async function check() {
  errorBox.textContent = "";
  statusLine.textContent = "checking…";
  document.getElementById("check").disabled = true;
  try {
    const r = await fetch("check", {method: "POST", headers: {"Content-Type": "application/json"},
                                    body: JSON.stringify({latex: source.value})});
    const answer = await r.json();
    if (answer.error) {
      last = null;
      results.innerHTML = "";
      statusLine.textContent = r.status === 503 ? "the server is busy: try again" : "not checked";
      showError(answer);
    } else {
      last = answer;
      results.innerHTML = answer.html;
      statusLine.textContent = summary(answer.chains);
    }
  } catch (e) {
    statusLine.textContent = "no answer from the server";
  } finally {
    document.getElementById("check").disabled = false;
    for (const b of document.querySelectorAll("button.download")) b.disabled = last === null;
  }
}

function download(name, type, text) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], {type}));
  a.download = name;
  a.click();
  URL.revokeObjectURL(a.href);
}

document.getElementById("check").addEventListener("click", check);
document.getElementById("get-latex").addEventListener("click",
  () => last && download("checked.tex", "application/x-tex", last.latex));
document.getElementById("get-json").addEventListener("click",
  () => last && download("checked.json", "application/json", JSON.stringify(last.chains, null, 2)));
