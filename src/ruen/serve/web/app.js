// The page of `ruen serve`: ask the API for a digest and show it as the HTML report does.
// Every text is inserted as text (textContent, never innerHTML), so markup in an announcement
// shows as what it is.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const form = $("ask");
  const status = $("status");
  const result = $("result");
  const copy = $("copy");
  let upload = null; // {name, data}: a chosen or dropped file, sent as base64
  let english = "";
  let server = { notice: "" }; // what /health says: the model, the notice...

  // The report's notice (ruen.report.machine_translation_notice, as /health words it today):
  // wherever the English goes, that a machine wrote it, with what, when, and what to check.
  async function currentNotice() {
    try {
      server = await (await fetch("/health")).json();
    } catch (error) { /* the one the page was loaded with */ }
    return server.notice;
  }

  function forget() { // a new text or file: the last one's digest no longer answers it
    result.replaceChildren();
    $("notice").hidden = true;
    english = "";
    copy.disabled = true;
  }

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined) node.setAttribute(name, value);
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child); // strings become text nodes
    }
    return node;
  }

  function say(message, isError) {
    status.textContent = message;
    status.className = isError ? "error" : "";
  }

  function flagList(record) {
    const items = (record.flags || []).map((flag) =>
      el("li", { class: "flag " + flag.kind }, flag.message));
    if (record.repaired) {
      items.unshift(el("li", { class: "repaired" }, "repaired: a better hypothesis of the model"));
    }
    return items.length ? el("ul", { class: "flags" }, ...items) : null;
  }

  function sentence(record, lang) {
    const text = record[lang] === null ? "—" : record[lang];
    return el("span", { class: record.selected ? "s key" : "s" }, ...termsMarked(text, record, lang));
  }

  // The text as nodes, each glossary term applied in it underlined (as the HTML report does).
  function termsMarked(text, record, lang) {
    const applied = (record.terms || []).filter((t) => t.how !== "missing");
    const found = [];
    for (const term of applied) {
      const needle = lang === "ru" ? term.source : term.target;
      const haystack = lang === "ru" ? text : text.toLowerCase();
      const at = haystack.indexOf(lang === "ru" ? needle : needle.toLowerCase());
      if (at >= 0) found.push([at, at + needle.length, term]);
    }
    found.sort((a, b) => a[0] - b[0]);
    const out = [];
    let last = 0;
    for (const [start, stop, term] of found) {
      if (start < last) continue;
      out.push(text.slice(last, start));
      const about = "glossary: " + term.source + " → " + term.target + " (" + term.how + ")";
      out.push(el("u", { class: "term", title: about }, text.slice(start, stop)));
      last = stop;
    }
    out.push(text.slice(last));
    return out;
  }

  function joined(nodes) { // sentences of a paragraph, a space between them
    const out = [];
    nodes.forEach((node, i) => { if (i) out.push(" "); out.push(node); });
    return out;
  }

  function render(digest, notice) {
    const title = digest.title;
    const header = el("header", null,
      el("h1", null, (title && (title.en || title.ru)) || digest.id || "Digest"));
    if (title) {
      header.append(el("p", { class: "ru-title", lang: "ru" }, title.ru));
      const flags = flagList(title);
      if (flags) header.append(flags);
    }
    const about = [digest.date, digest.url, digest.id].filter(Boolean);
    if (about.length) header.append(el("p", { class: "meta" }, about.join(" · ")));

    const key = el("ol");
    for (const record of digest.sentences) {
      if (record.selected) key.append(el("li", null, record.en || "—", flagList(record)));
    }
    const body = el("tbody");
    const paragraphs = new Map();
    for (const record of digest.sentences) {
      const n = record.paragraph || 0;
      if (!paragraphs.has(n)) paragraphs.set(n, []);
      paragraphs.get(n).push(record);
    }
    for (const records of paragraphs.values()) {
      const ru = records.map((r) => sentence(r, "ru"));
      const en = records.map((r) => {
        const span = el("span", null, sentence(r, "en"));
        const flags = flagList(r);
        if (flags) span.append(flags);
        return span;
      });
      body.append(el("tr", null,
        el("td", { lang: "ru" }, ...joined(ru)), el("td", { lang: "en" }, ...joined(en))));
    }
    const table = el("table", { class: "bilingual" },
      el("thead", null, el("tr", null, el("th", { lang: "ru" }, "Русский"), el("th", null, "English"))),
      body);
    const settings = digest.settings || {};
    const footer = el("footer", null, "Made by ruen: ",
      el("code", null, settings.translation || ""), " ", el("code", null, settings.summarizer || ""),
      `; mode ${settings.mode}, k ${digest.k}, repair ${settings.repair ? "on" : "off"}.`);
    result.replaceChildren(el("article", { id: "d0" }, header,
      el("section", { class: "summary" }, el("h2", null, "Key sentences"), key),
      el("section", { class: "text" }, el("h2", null, "Full text"), table),
      footer));

    // What "Copy the English" copies: the notice, then the English with each warning under
    // the paragraph it concerns, so that a pasted text keeps what the page says of it.
    $("notice").textContent = notice;
    $("notice").hidden = false;
    const warned = (record) => (record.flags || []).map((flag) => `  ! ${flag.message}`);
    const lines = [notice, ""];
    if (title && title.en) lines.push(title.en, ...warned(title), "");
    for (const records of paragraphs.values()) {
      lines.push(records.map((r) => r.en).filter((t) => t !== null).join(" "));
      lines.push(...records.flatMap(warned), "");
    }
    english = lines.join("\n").trim() + "\n";
    copy.disabled = false;
  }

  function base64(buffer) {
    const bytes = new Uint8Array(buffer);
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(binary);
  }

  async function choose(file) {
    forget();
    upload = { name: file.name, data: base64(await file.arrayBuffer()) };
    $("text").disabled = true;
    $("clear-file").hidden = false;
    say(`${file.name} (${file.size.toLocaleString()} bytes) will be digested`, false);
  }

  $("file").addEventListener("change", (event) => {
    if (event.target.files.length) choose(event.target.files[0]);
  });
  $("clear-file").addEventListener("click", () => {
    forget();
    upload = null;
    $("file").value = "";
    $("text").disabled = false;
    $("clear-file").hidden = true;
    say("", false);
  });
  const area = $("text");
  area.addEventListener("dragover", (event) => { event.preventDefault(); area.classList.add("dropping"); });
  area.addEventListener("dragleave", () => area.classList.remove("dropping"));
  area.addEventListener("drop", (event) => {
    event.preventDefault();
    area.classList.remove("dropping");
    if (event.dataTransfer.files.length) choose(event.dataTransfer.files[0]);
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const request = {
      k: Number($("k").value || 3),
      format: $("format").value,
      summary_only: $("summary-only").checked,
    };
    if (upload) Object.assign(request, upload);
    else if (area.value.trim()) request.text = area.value;
    else { say("Paste a text or choose a file first.", true); return; }
    const headers = { "Content-Type": "application/json" };
    const key = $("key").value.trim();
    if (key) headers.Authorization = "Bearer " + key;
    $("submit").disabled = true;
    forget();
    say("Translating…", false);
    try {
      const response = await fetch("/v1/digest", {
        method: "POST", headers, body: JSON.stringify(request),
      });
      const answer = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
      if (!response.ok) { say(answer.error || `HTTP ${response.status}`, true); return; }
      render(answer, await currentNotice());
      const counts = Object.values(answer.flags || {}).reduce((a, b) => a + b, 0);
      say(`${answer.sentences.length} sentences, ${counts} warning${counts === 1 ? "" : "s"}.`, false);
    } catch (error) {
      say("The server did not answer: " + error.message, true);
    } finally {
      $("submit").disabled = false;
    }
  });

  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(english);
      say("The English is on the clipboard.", false);
    } catch (error) { // no clipboard (plain http on another host): select it for Ctrl+C
      const box = el("textarea", { readonly: "", rows: "8", "aria-label": "The English" }, english);
      result.prepend(box);
      box.select();
      say("Press Ctrl+C to copy the selected English.", false);
    }
  });

  fetch("/health").then((r) => r.json()).then((health) => {
    server = health;
    const about = $("about");
    about.append(`ruen ${health.ruen} · model ${health.model}`);
    if (health.briefing) {
      about.append(" · ", el("a", { href: "/briefing", id: "briefing-link" }, "today's briefing"));
    }
    $("key-field").hidden = !health.key_needed;
  }).catch(() => {});
})();
