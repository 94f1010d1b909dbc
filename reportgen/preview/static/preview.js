// The preview page: follows the server's events, fetches the audience's state, swaps views in place.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  let audience = params.get("audience") || "";
  let events = null;
  let shownVersion = -1;
  let briefingUrl = "";
  let slidesHtml = null;
  let pagesKey = "";
  let view = localStorage.getItem("reportgen.briefingView") || "html";
  let pdfBuilding = false;

  // --- state --------------------------------------------------------------------------

  async function refresh() {
    const response = await fetch(`/api/state?audience=${encodeURIComponent(audience)}`, { cache: "no-store" });
    if (!response.ok) {
      if (response.status === 404 && audience) { switchTo(""); }
      return;
    }
    const state = await response.json();
    if (state.audience !== audience) { return; } // switched meanwhile
    render(state);
  }

  function render(state) {
    document.title = `${state.project} · ${titleOf(state)} — reportgen preview`;
    $("project-title").textContent = state.project;
    renderAudiences(state);
    renderStatus(state);
    renderProblems(state);
    renderDownloads(state);
    if (state.briefing && state.briefing !== briefingUrl) { loadBriefing(state.briefing); }
    if (state.slides && state.slides !== slidesHtml) { renderSlides(state); }
    renderPages(state);
    shownVersion = state.version;
    document.body.dataset.version = String(state.version);
    document.body.dataset.audience = state.audience;
  }

  function titleOf(state) {
    const found = state.audiences.find((a) => a.name === state.audience);
    return found ? found.title : state.audience;
  }

  function renderAudiences(state) {
    const nav = $("audiences");
    const names = state.audiences.map((a) => a.name).join(",");
    if (nav.dataset.names !== names) {
      nav.dataset.names = names;
      nav.replaceChildren(...state.audiences.map((a) => {
        const button = document.createElement("button");
        button.type = "button";
        button.dataset.audience = a.name;
        button.textContent = a.title;
        button.title = `Audience: ${a.name}`;
        button.addEventListener("click", () => switchTo(a.name));
        return button;
      }));
    }
    for (const button of nav.children) {
      button.setAttribute("aria-pressed", String(button.dataset.audience === state.audience));
    }
  }

  function renderStatus(state) {
    const status = $("status");
    let kind = "ok";
    let text = "";
    if (state.building && !state.errors.length) {
      kind = "busy";
      text = "Rebuilding…";
    } else if (state.errors.length) {
      kind = "error";
      text = state.errors.length === 1 ? "1 problem" : `${state.errors.length} problems`;
    } else if (state.built_at) {
      text = `Rebuilt ${clock(state.built_at)} in ${seconds(state.seconds)}`;
    } else {
      kind = "busy";
      text = "Building…";
    }
    if (state.errors.length && state.built_at) {
      text += ` · last good ${clock(state.built_at)}`;
    }
    status.dataset.kind = kind;
    $("status-text").textContent = text;
    $("status-text").title = state.built_at ? `Last good rebuild: ${new Date(state.built_at * 1000).toLocaleString()}, ${seconds(state.seconds)}` : "";
  }

  function renderProblems(state) {
    const box = $("problems");
    box.hidden = state.errors.length === 0;
    $("problems-note").textContent = state.built_at
      ? "The last good preview stays below; save a fix and it updates by itself."
      : "Nothing has built yet; save a fix and the preview appears by itself.";
    const list = $("problem-list");
    list.replaceChildren(...state.errors.map((line) => {
      const item = document.createElement("li");
      const match = /^(.*?: )error: (.*)$/.exec(line);
      if (match) {
        const where = document.createElement("span");
        where.className = "where";
        where.textContent = match[1];
        item.append(where, "error: " + match[2]);
      } else {
        item.textContent = line;
      }
      return item;
    }));
  }

  function renderDownloads(state) {
    const box = $("downloads");
    const items = [["pdf", "PDF", "pages"], ["pptx", "PPTX", "slides"]].map(([key, label, unit]) => {
      const d = state.downloads[key];
      const link = document.createElement("a");
      link.className = "download";
      link.dataset.format = key;
      link.dataset.status = d.status;
      const name = document.createElement("span");
      name.className = "download-name";
      name.textContent = label;
      const detail = document.createElement("span");
      detail.className = "download-detail";
      if (d.url) {
        link.href = d.url;
        link.setAttribute("download", "");
      } else {
        link.setAttribute("aria-disabled", "true");
      }
      if (d.status === "ready") {
        detail.textContent = `${d.count} ${unit} · ${size(d.bytes)}`;
      } else if (d.status === "building") {
        detail.textContent = d.url ? "updating…" : "building…";
      } else if (d.status === "failed") {
        detail.textContent = d.url ? "failed · last good" : "failed";
        link.title = d.error;
      } else {
        detail.textContent = "waiting";
      }
      link.append(name, detail);
      return link;
    });
    box.replaceChildren(...items);
    const failed = ["pdf", "pptx"].map((k) => state.downloads[k]).filter((d) => d.status === "failed");
    box.title = failed.map((d) => d.error).join("\n");
  }

  // --- briefing: live HTML in page boxes, or the PDF's pages ----------------------------

  function loadBriefing(url) {
    briefingUrl = url;
    const frames = $("frames");
    const old = frames.querySelector("iframe.current");
    const frame = document.createElement("iframe");
    frame.title = "Briefing (live HTML)";
    frame.setAttribute("sandbox", "allow-same-origin");
    frame.className = "loading";
    frame.addEventListener("load", () => {
      if (briefingUrl !== url) { frame.remove(); return; }
      const doc = frame.contentDocument;
      if (doc && doc.body) { paginate(doc); }
      fitFrame(frame);
      if (old) {
        try { frame.contentWindow.scrollTo(0, old.contentWindow.scrollY); } catch (e) { /* detached */ }
      }
      frame.className = "current";
      for (const other of frames.querySelectorAll("iframe")) { if (other !== frame) { other.remove(); } }
      $("briefing-empty").hidden = true;
      updateBriefingMeta();
    });
    frame.src = url;
    frames.append(frame);
  }

  const PAGE_SIZES = { a4: ["210mm", "297mm"], letter: ["215.9mm", "279.4mm"], a5: ["148mm", "210mm"], legal: ["215.9mm", "355.6mm"] };

  // Group the body's blocks into sheets at the page breaks its CSS forces, each with the
  // margins of its @page rule: an approximation of the PDF's pages, instantly.
  function paginate(doc) {
    const win = doc.defaultView;
    const rules = {};
    const collect = (list) => {
      for (const rule of list) {
        if (rule instanceof win.CSSPageRule) {
          const name = (rule.selectorText || "").replace(/:.*$/, "").trim() || "*";
          rules[name] = Object.assign(rules[name] || {}, pick(rule.style));
        } else if (rule.cssRules) { collect(rule.cssRules); }
      }
    };
    for (const sheet of doc.styleSheets) { try { collect(sheet.cssRules); } catch (e) { /* cross-origin */ } }
    const base = rules["*"] || {};
    const [width, height] = PAGE_SIZES[(base.size || "a4").split(/\s+/)[0].toLowerCase()] || PAGE_SIZES.a4;
    const sheets = [];
    let current = null;
    let breakAfter = false;
    for (const element of [...doc.body.children]) {
      const style = win.getComputedStyle(element);
      if (style.display === "none" || element.tagName === "SCRIPT" || element.tagName === "STYLE") { continue; }
      const page = style.page && style.page !== "auto" ? style.page : "*";
      const forced = /^(page|left|right|recto|verso|always)$/.test(style.breakBefore);
      if (!current || breakAfter || forced || page !== current.page) {
        current = { page, elements: [] };
        sheets.push(current);
      }
      current.elements.push(element);
      breakAfter = /^(page|left|right|recto|verso|always)$/.test(style.breakAfter);
    }
    for (const { page, elements } of sheets) {
      const sheet = doc.createElement("div");
      sheet.className = "rg-sheet";
      const margin = { ...base, ...(rules[page] || {}) }.margin || "20mm";
      sheet.style.cssText = `width:${width};min-height:${height};padding:${margin}`;
      elements[0].before(sheet);
      sheet.append(...elements);
    }
    const style = doc.createElement("style");
    style.textContent = `html{background:#dfe3e9!important}body{margin:0!important;padding:28px 0!important;background:transparent!important}
.rg-sheet{box-sizing:border-box;margin:0 auto 28px;background:#fff;box-shadow:0 1px 2px rgba(15,23,42,.18),0 8px 24px rgba(15,23,42,.10);overflow:hidden;position:relative}
.rg-sheet:last-child{margin-bottom:0}`;
    doc.head.append(style);
    doc.documentElement.dataset.sheets = String(sheets.length);
  }

  function pick(style) {
    const found = {};
    if (style.getPropertyValue("size")) { found.size = style.getPropertyValue("size"); }
    const sides = ["top", "right", "bottom", "left"].map((s) => style.getPropertyValue(`margin-${s}`));
    if (sides.every(Boolean)) { found.margin = sides.join(" "); }
    return found;
  }

  function fitFrame(frame) {
    const doc = frame.contentDocument;
    if (!doc || !doc.body) { return; }
    const sheet = doc.querySelector(".rg-sheet");
    const natural = sheet ? sheet.offsetWidth + 56 : 860;
    const available = $("briefing-body").clientWidth - 8;
    doc.body.style.zoom = String(Math.min(1, available / natural));
  }

  function updateBriefingMeta() {
    const frame = $("frames").querySelector("iframe.current");
    const sheets = frame && frame.contentDocument ? frame.contentDocument.documentElement.dataset.sheets : "";
    const pages = $("pages").children.length;
    $("briefing-meta").textContent = view === "pages"
      ? (pages ? `${pages} pages, as printed${pdfBuilding ? " · updating…" : ""}` : "")
      : (sheets ? "page breaks approximate" : "");
  }

  function renderPages(state) {
    pdfBuilding = state.downloads.pdf.status === "building";
    const key = state.pages.join("|");
    const box = $("pages");
    if (key !== pagesKey) {
      pagesKey = key;
      const scroll = $("briefing-body").scrollTop;
      box.replaceChildren(...state.pages.map((src, index) => {
        const image = document.createElement("img");
        image.src = src;
        image.alt = `Page ${index + 1} of the PDF`;
        image.loading = "lazy";
        return image;
      }));
      if (view === "pages") { $("briefing-body").scrollTop = scroll; }
    }
    if (!state.pages.length) {
      const note = document.createElement("p");
      note.className = "empty";
      note.textContent = state.downloads.pdf.status === "ready"
        ? "PDF page images need poppler's pdftoppm; download the PDF instead."
        : "The PDF's pages appear here once it is built.";
      box.replaceChildren(note);
      pagesKey = "";
    }
    updateBriefingMeta();
  }

  function setView(next) {
    view = next;
    localStorage.setItem("reportgen.briefingView", view);
    for (const tab of document.querySelectorAll(".tabs [role=tab]")) {
      tab.setAttribute("aria-selected", String(tab.dataset.view === view));
    }
    $("frames").hidden = view !== "html";
    $("pages").hidden = view !== "pages";
    $("briefing-empty").hidden = view !== "html" || Boolean(briefingUrl);
    updateBriefingMeta();
  }

  // --- deck -------------------------------------------------------------------------------

  function renderSlides(state) {
    slidesHtml = state.slides;
    const box = $("slides");
    const scroll = box.scrollTop;
    box.innerHTML = state.slides;
    box.scrollTop = scroll;
    $("deck-meta").textContent = `${state.slide_count} slides from the deck plan`;
  }

  // --- events and switching ----------------------------------------------------------------

  function connect() {
    if (events) { events.close(); }
    const stream = new EventSource(`/events?audience=${encodeURIComponent(audience)}`);
    events = stream;
    stream.addEventListener("update", (event) => {
      const data = JSON.parse(event.data);
      if (stream !== events) { return; }
      if (!audience) { audience = data.audience; }
      if (data.version !== shownVersion) { refresh(); }
    });
    stream.addEventListener("open", () => refresh());
    stream.addEventListener("error", () => {
      if (stream.readyState === EventSource.CLOSED) {
        refresh(); // refused outright (an audience that no longer exists): fall back to the default
        return;
      }
      $("status").dataset.kind = "offline";
      $("status-text").textContent = "Server stopped · reconnecting…";
    });
  }

  function switchTo(name) {
    audience = name;
    shownVersion = -1;
    briefingUrl = "";
    slidesHtml = null;
    pagesKey = "";
    $("frames").replaceChildren();
    $("slides").replaceChildren();
    $("pages").replaceChildren();
    const url = new URL(location.href);
    if (name) { url.searchParams.set("audience", name); } else { url.searchParams.delete("audience"); }
    history.replaceState(null, "", url);
    for (const button of $("audiences").children) {
      button.setAttribute("aria-pressed", String(button.dataset.audience === name));
    }
    connect();
  }

  function clock(epoch) {
    return new Date(epoch * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
  }

  function seconds(value) {
    return value < 1 ? `${Math.round(value * 1000)} ms` : `${value.toFixed(1)} s`;
  }

  function size(bytes) {
    if (bytes >= 1048576) { return `${(bytes / 1048576).toFixed(1)} MB`; }
    return `${Math.max(1, Math.round(bytes / 1024))} kB`;
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const tab of document.querySelectorAll(".tabs [role=tab]")) {
      tab.addEventListener("click", () => setView(tab.dataset.view));
    }
    window.addEventListener("resize", () => {
      const frame = $("frames").querySelector("iframe.current");
      if (frame) { fitFrame(frame); }
    });
    setView(view);
    connect();
  });
})();
