// Jejak's verification page. It fetches a batch's capsule from the relay
// that served the page (or reads a capsule file) and verifies it on this
// device with Jejak's own verifier compiled to WebAssembly, so the verdict
// does not rest on the relay. Trust anchors come only from the person's
// own list, or from a label's suggestion that the person accepts; never
// from the relay. See README.md beside this file for the contract.
"use strict";
(function () {
  // LANG is the page's language: the one the person chose with the
  // language select (kept in localStorage), else the first of the
  // browser's languages that Jejak speaks (ms, id; "in" is Indonesian's
  // old code), else en.
  var LANG_STORE = "jejak.lang";
  var LANG = (function () {
    try {
      var chosen = localStorage.getItem(LANG_STORE);
      if (chosen === "en" || chosen === "ms" || chosen === "id") return chosen;
    } catch (e) { /* no storage: the browser's languages decide */ }
    var prefs = (navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || "en"]);
    for (var i = 0; i < prefs.length; i++) {
      var b = String(prefs[i] || "").toLowerCase().split(/[-_]/)[0];
      if (b === "in") b = "id";
      if (b === "en" || b === "ms" || b === "id") return b;
    }
    return "en";
  })();

  // MSG maps the page's English texts to LANG's, from the relay's copy of
  // the catalog (/static/messages/<lang>.json, read before the page
  // starts) and then the verifier's (jejak.messages); for a text they
  // lack, the English text shows.
  var MSG = {};

  // loadMessages reads the page's texts in LANG from the relay. It never
  // fails: without them (or after 4 seconds) the page starts in English.
  function loadMessages() {
    if (LANG === "en" || typeof fetch !== "function") return Promise.resolve();
    var ask = fetch("/static/messages/" + LANG + ".json").then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (m) {
      if (m && typeof m === "object") MSG = m;
    }, function () {});
    var wait = new Promise(function (r) { setTimeout(r, 4000); });
    return Promise.race([ask, wait]);
  }

  // translateStatic puts index.html's own texts in LANG: each element
  // marked data-i18n (its text), data-i18n-placeholder (its placeholder)
  // and the title.
  function translateStatic() {
    document.documentElement.lang = LANG;
    document.title = t(document.title);
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n]"), function (e) {
      e.textContent = t(e.textContent.replace(/\s+/g, " ").trim());
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n-placeholder]"), function (e) {
      e.placeholder = t(e.placeholder);
    });
    var sel = $("lang");
    if (sel) {
      sel.value = LANG;
      sel.addEventListener("change", function () {
        try { localStorage.setItem(LANG_STORE, sel.value); } catch (e) { /* kept for this visit only */ }
        location.reload();
      });
    }
  }

  // t is the one door for text a person reads: the English text, or its
  // translation from MSG. {name} placeholders are filled from vars.
  function t(s, vars) {
    if (Object.prototype.hasOwnProperty.call(MSG, s)) s = MSG[s];
    return vars ? s.replace(/\{(\w+)\}/g, function (m, k) { return k in vars ? String(vars[k]) : m; }) : s;
  }

  // roleName is a role's name in LANG (the relay's "role:<role>"
  // messages), else its code, which is its English name.
  function roleName(r) {
    return Object.prototype.hasOwnProperty.call(MSG, "role:" + r) ? MSG["role:" + r] : r;
  }

  var STORE = "jejak.anchors";
  var MISMATCH_ONLINE = "The relay sent a record that does not match its ID (record {record}): this relay cannot be trusted for this batch.";

  // state is everything the page knows; a render reads it and replaces
  // the whole result area.
  var state = {
    batch: "",        // the batch the address names, lower case
    lot: "",          // a GS1 link's lot
    network: null,    // promise of the relay's network, from /about.json ("" when unknown)
    suggested: [],    // anchor keys the label suggests (#anchors=)
    useSuggested: false,
    bytes: null,      // the last capsule's bytes (Uint8Array)
    from: null,       // {kind: "relay"} or {kind: "file", name}
    result: null
  };

  function $(id) { return document.getElementById(id); }

  // el builds an element: attrs (class, data-testid, …) and children
  // (strings or nodes; null skipped).
  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) if (attrs[k] != null && attrs[k] !== false) e.setAttribute(k, attrs[k] === true ? "" : attrs[k]);
    add(e, kids);
    return e;
  }
  function add(e, kids) {
    if (kids == null) return e;
    if (!Array.isArray(kids)) kids = [kids];
    kids.forEach(function (c) {
      if (c == null || c === false) return;
      e.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    });
    return e;
  }

  // ---- the address ----

  // parseAddress reads a path, query and fragment: /b/<batch> (any case),
  // GS1 /01/<gtin>/10/<lot>?jb=<batch>, or / (home).
  function parseAddress(path, search, hash) {
    var out = { batch: "", lot: "", gtin: "", anchors: [], home: false, problem: "" };
    var parts = path.replace(/\/+$/, "").split("/").slice(1).map(function (p) {
      try { return decodeURIComponent(p); } catch (e) { return p; }
    });
    var q = new URLSearchParams(search || "");
    if (parts.length === 0 || parts[0] === "") {
      out.home = true;
    } else if (parts[0].toLowerCase() === "b") {
      out.batch = parts.slice(1).join("/").toLowerCase();
      if (!out.batch) out.problem = t("The address names no batch: it should end in /b/ and the batch ID.");
    } else if (parts[0] === "01") {
      out.gtin = parts[1] || "";
      for (var i = 2; i + 1 < parts.length; i += 2) if (parts[i] === "10") out.lot = parts[i + 1];
      out.batch = (q.get("jb") || "").toLowerCase();
      if (!out.batch) out.problem = t("This label link (GTIN {gtin}) does not name a Jejak batch: it has no jb= part.", { gtin: out.gtin });
    } else {
      out.home = true;
    }
    var m = /(?:^#|&)anchors=([^&]*)/.exec(hash || "");
    if (m) {
      var list;
      try { list = decodeURIComponent(m[1]); } catch (e) { list = m[1]; }
      out.anchors = list.split(",").map(function (k) { return k.trim().toLowerCase(); }).filter(function (k) { return k; });
    }
    return out;
  }

  // batchFromInput reads what a person pasted: a label URL or a bare ID.
  function batchFromInput(s) {
    s = s.trim();
    if (!s) return null;
    if (/^https?:\/\//i.test(s)) {
      var u;
      try { u = new URL(s); } catch (e) { return null; }
      var a = parseAddress(u.pathname, u.search, u.hash);
      return a.batch ? { batch: a.batch, lot: a.lot, hash: u.hash } : null;
    }
    s = s.replace(/^\/?b\//i, "");
    return /^[a-z2-7]+\/\d+$/i.test(s) ? { batch: s.toLowerCase(), lot: "", hash: "" } : null;
  }

  // ---- trust anchors ----

  var KEY_RE = /^ed25519:[a-z2-7]{52}$/;

  function loadAnchors() {
    try {
      var v = JSON.parse(localStorage.getItem(STORE) || "[]");
      if (!Array.isArray(v)) return [];
      return v.filter(function (a) { return a && typeof a.key === "string"; })
        .map(function (a) { return { key: a.key.trim().toLowerCase(), name: typeof a.name === "string" ? a.name : "" }; });
    } catch (e) {
      return [];
    }
  }
  function saveAnchors(list) {
    try {
      localStorage.setItem(STORE, JSON.stringify(list));
      return true;
    } catch (e) {
      return false;
    }
  }
  // activeAnchors is what the verifier gets: the person's own list, and
  // the label's suggestion only once the person chose to use it.
  function activeAnchors() {
    var out = [], seen = {};
    loadAnchors().forEach(function (a) {
      if (!seen[a.key]) { seen[a.key] = 1; out.push({ key: a.key, name: a.name, from: "own" }); }
    });
    if (state.useSuggested) state.suggested.forEach(function (k) {
      if (!seen[k]) { seen[k] = 1; out.push({ key: k, name: "", from: "label" }); }
    });
    return out;
  }
  function short(s) { return s.length > 22 ? s.slice(0, 14) + "…" + s.slice(-6) : s; }

  function renderAnchorEditor() {
    var own = loadAnchors();
    var ul = $("anchors-list");
    ul.textContent = "";
    if (!own.length) ul.appendChild(el("li", { "class": "muted" }, t("None yet.")));
    own.forEach(function (a, i) {
      var rm = el("button", { type: "button", "class": "small", "aria-label": t("Remove {name}", { name: a.name || a.key }) }, t("Remove"));
      rm.addEventListener("click", function () {
        var l = loadAnchors();
        l.splice(i, 1);
        saveAnchors(l);
        anchorsChanged();
      });
      ul.appendChild(el("li", null, [el("span", { "class": "kname" }, a.name || t("(no name)")), " ",
        el("code", { title: a.key }, short(a.key)), " ", rm]));
    });
    var sg = $("anchors-suggested");
    sg.textContent = "";
    sg.hidden = !state.suggested.length;
    if (state.suggested.length) {
      sg.appendChild(el("p", null, t("The label suggests these anchors (chosen by whoever printed it):")));
      sg.appendChild(el("ul", { "class": "keys" }, state.suggested.map(function (k) {
        return el("li", null, el("code", { title: k }, short(k)));
      })));
      if (state.useSuggested) {
        var stop = el("button", { type: "button", "class": "small" }, t("Stop using them"));
        stop.addEventListener("click", function () { state.useSuggested = false; anchorsChanged(); });
        var keep = el("button", { type: "button", "class": "small" }, t("Add them to my list"));
        keep.addEventListener("click", function () {
          var l = loadAnchors();
          state.suggested.forEach(function (k) {
            if (!l.some(function (a) { return a.key === k; })) l.push({ key: k, name: t("suggested by a label") });
          });
          saveAnchors(l);
          state.useSuggested = false;
          anchorsChanged();
        });
        sg.appendChild(el("p", null, [t("In use for this check. "), stop, " ", keep]));
      } else {
        var use = el("button", { type: "button", "data-testid": "use-suggested" }, t("Use them"));
        use.addEventListener("click", function () { state.useSuggested = true; anchorsChanged(); });
        sg.appendChild(el("p", null, [t("They are not used unless you choose to. "), use]));
      }
    }
  }

  function anchorsChanged() {
    renderAnchorEditor();
    if (state.bytes) run(state.bytes, state.from); // same bytes, no refetch
  }

  function onAddAnchor(ev) {
    ev.preventDefault();
    var key = $("anchor-key").value.trim().toLowerCase();
    var name = $("anchor-name").value.trim();
    var prob = $("anchor-problem");
    prob.hidden = true;
    if (!KEY_RE.test(key)) {
      prob.textContent = t("That is not a Jejak key: a key starts with ed25519: followed by 52 letters and digits.");
      prob.hidden = false;
      return;
    }
    var l = loadAnchors();
    if (l.some(function (a) { return a.key === key; })) {
      prob.textContent = t("That key is already in your list.");
      prob.hidden = false;
      return;
    }
    l.push({ key: key, name: name });
    if (!saveAnchors(l)) {
      prob.textContent = t("This browser does not let the page save your list (private mode?).");
      prob.hidden = false;
      return;
    }
    $("anchor-key").value = "";
    $("anchor-name").value = "";
    anchorsChanged();
  }

  // ---- the verifier ----

  var verifierPromise = null;

  // loadVerifier loads Go's loader and the wasm once, and resolves when
  // the wasm has set globalThis.jejak.
  function loadVerifier() {
    if (verifierPromise) return verifierPromise;
    verifierPromise = new Promise(function (resolve, reject) {
      var done = false;
      function ok() {
        if (done) return;
        if (!window.jejak || typeof window.jejak.verify !== "function") return fail(t("it started but offers no verify function"));
        if (LANG !== "en" && typeof window.jejak.messages === "function") {
          try { MSG = Object.assign(MSG, JSON.parse(window.jejak.messages(LANG))); } catch (e) { /* keep the relay's */ }
        }
        done = true;
        resolve(window.jejak);
      }
      function fail(why) {
        if (done) return;
        done = true;
        reject(new Error(why));
      }
      window.jejakReady = ok;
      if (typeof WebAssembly !== "object") return fail(t("this browser does not run WebAssembly"));
      var s = document.createElement("script");
      s.src = "/static/wasm_exec.js";
      s.onerror = function () { fail(t("its loader (wasm_exec.js) could not be fetched")); };
      s.onload = function () {
        if (typeof window.Go !== "function") return fail(t("its loader (wasm_exec.js) defines no Go runtime"));
        var go = new window.Go();
        var url = "/static/verify.wasm";
        var inst;
        if (WebAssembly.instantiateStreaming) {
          inst = WebAssembly.instantiateStreaming(fetch(url), go.importObject).catch(function () {
            return fetchWasm(url).then(function (b) { return WebAssembly.instantiate(b, go.importObject); });
          });
        } else {
          inst = fetchWasm(url).then(function (b) { return WebAssembly.instantiate(b, go.importObject); });
        }
        inst.then(function (r) {
          var p = go.run(r.instance);
          if (p && p.then) p.then(function () { fail(t("it stopped before it was ready")); }, function (e) { fail(String(e && e.message || e)); });
          if (window.jejak && typeof window.jejak.verify === "function") ok();
        }, function (e) {
          fail(e && e.message ? e.message : String(e));
        });
      };
      document.head.appendChild(s);
    });
    verifierPromise.catch(function () { verifierPromise = null; }); // let a later try start again
    return verifierPromise;
  }
  function fetchWasm(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(t("verify.wasm: the relay answered {status}", { status: r.status }));
      return r.arrayBuffer();
    });
  }

  // countBlocks counts a CAR's blocks (its sections after the header), for
  // the progress line only; 0 when the bytes are not a CAR.
  function countBlocks(b) {
    var i = 0, n = -1;
    while (i < b.length) {
      var len = 0, shift = 0, c;
      do {
        if (i >= b.length || shift > 28) return 0;
        c = b[i++];
        len += (c & 0x7f) * Math.pow(2, shift);
        shift += 7;
      } while (c & 0x80);
      i += len;
      n++;
    }
    return i === b.length ? n : 0;
  }

  // ---- the flow ----

  var runSeq = 0;

  function progress(text) {
    var p = $("progress");
    p.hidden = !text;
    p.textContent = text || "";
  }
  function nextFrame() {
    return new Promise(function (r) { setTimeout(r, 30); });
  }

  // show replaces the whole result area with nodes.
  function show(nodes) {
    var out = $("out");
    out.textContent = "";
    add(out, nodes);
    $("anchors-used").textContent = "";
  }

  function errorBlock(title, text, extra) {
    return el("section", { "class": "error", "data-testid": "error", role: "alert" },
      [el("h2", null, title), text ? el("p", null, text) : null].concat(extra || []));
  }
  function pickerButton() {
    return el("p", null, el("label", { "class": "button", "for": "capsule-input" }, t("Open a capsule file instead")));
  }

  function fetchAndVerify() {
    var seq = ++runSeq;
    state.bytes = null;
    state.result = null;
    show(null);
    progress(t("Loading the verifier…"));
    var url = "/capsule/" + state.batch.split("/").map(encodeURIComponent).join("/");
    // The records and the verifier load at once; the verifier is awaited
    // first so that its failure is the message when both fail.
    var got = fetch(url, { headers: { Accept: "application/vnd.ipld.car" }, cache: "no-store" }).then(function (r) {
      if (!r.ok) return { r: r };
      return r.arrayBuffer().then(function (buf) { return { bytes: new Uint8Array(buf) }; }, function () { return { cut: true }; });
    }, function (e) { return { down: e }; });
    loadVerifier().then(function () {
      if (seq !== runSeq) return;
      progress(t("Fetching records from this relay…"));
      return got.then(function (g) {
        if (seq !== runSeq) return;
        if (g.bytes) return run(g.bytes, { kind: "relay" });
        if (g.r) return httpError(g.r, seq);
        progress("");
        if (g.cut) {
          show(errorBlock(t("The relay's answer was cut off"), t("The connection broke while the records were coming. Try again, or open a capsule file."), [pickerButton()]));
          return;
        }
        show(errorBlock(t("This relay cannot be reached"),
          t("The records could not be fetched ({why}). Check the connection and reload, or open a capsule file of this batch: it is checked here with no network.", { why: g.down && g.down.message ? g.down.message : t("no answer") }),
          [pickerButton()]));
      });
    }, function (e) {
      if (seq === runSeq) verifierFailed(e);
    });
  }

  function verifierFailed(e) {
    progress("");
    show(errorBlock(t("The verifier could not be loaded"),
      t("This page checks records with a verifier that runs on this device, and it did not start: {why}. Reload the page; if it keeps failing, verify with a Jejak install.", { why: e && e.message ? e.message : String(e) })));
  }

  function httpError(r, seq) {
    return r.text().then(function (body) {
      if (seq !== runSeq) return;
      progress("");
      var msg = "";
      try { msg = JSON.parse(body).error || ""; } catch (e) { /* not JSON */ }
      var title = {
        404: t("This relay does not know this batch"),
        400: t("The address is not a batch's address"),
        429: t("Too many requests"),
        503: t("This relay is busy")
      }[r.status] || t("The relay could not send the records (error {status})", { status: r.status });
      var extra = [];
      var ra = r.headers.get("Retry-After");
      if ((r.status === 429 || r.status === 503) && ra) extra.push(el("p", null, t("Try again in {n} seconds.", { n: ra })));
      if (r.status === 404 || r.status >= 500) extra.push(pickerButton());
      show(errorBlock(title, msg || t("The relay answered {status} {text}.", { status: r.status, text: r.statusText }), extra));
    });
  }

  // run verifies bytes with the active anchors and renders the result;
  // from says where the bytes came from.
  function run(bytes, from) {
    var seq = ++runSeq;
    state.bytes = bytes;
    state.from = from;
    var anchors = activeAnchors();
    progress(t("Loading the verifier…"));
    Promise.all([loadVerifier(), state.network]).then(function (v) {
      var j = v[0], network = v[1];
      if (seq !== runSeq) return;
      var n = countBlocks(bytes);
      progress(n > 0 ? t("Checking {n} records…", { n: n.toLocaleString() }) : t("Checking the records…"));
      return nextFrame().then(function () {
        if (seq !== runSeq) return;
        var opts = {
          batch: from.kind === "relay" || state.batch ? state.batch : "",
          anchors: anchors.map(function (a) { return a.key; }),
          network: network,
          lot: state.lot
        };
        var res;
        try {
          res = JSON.parse(j.verify(bytes, JSON.stringify(opts)));
          // The report's own words (reasons, checks, the summary) in the
          // page's language, rendered by the verifier from its catalog.
          if (res.ok && LANG !== "en" && typeof j.localize === "function") res = JSON.parse(j.localize(JSON.stringify(res), LANG));
        } catch (e) {
          res = { ok: false, code: "internal", error: t("The verifier failed: {why}", { why: e && e.message ? e.message : String(e) }) };
        }
        progress("");
        state.result = res;
        render(res, from, anchors);
      });
    }, function (e) {
      if (seq === runSeq) verifierFailed(e);
    });
  }

  function readFile(file) {
    if (!file) return;
    var seq = ++runSeq;
    progress(t("Reading {name}…", { name: file.name }));
    var fr = new FileReader();
    fr.onload = function () {
      if (seq !== runSeq) return;
      run(new Uint8Array(fr.result), { kind: "file", name: file.name });
    };
    fr.onerror = function () {
      if (seq !== runSeq) return;
      progress("");
      show(errorBlock(t("The file could not be read"), t("{name} could not be read from this device.", { name: file.name })));
    };
    fr.readAsArrayBuffer(file);
  }

  // ---- rendering ----

  // verdictWord and UNITS read t() when used: MSG arrives with the
  // verifier.
  function verdictWord(v) {
    return ({ trusted: t("TRUSTED"), unendorsed: t("UNENDORSED"), incomplete: t("INCOMPLETE"), failed: t("FAILED") })[v] || v.toUpperCase();
  }
  function unit(u) {
    return ({ TNE: "t", KGM: "kg", GRM: "g", H87: t("pcs"), LTR: "L", MTQ: "m³", C62: t("pcs") })[u] || u || "";
  }

  function qty(q) {
    if (!q || q.milli == null) return "";
    var n = q.milli / 1000;
    return n.toLocaleString(undefined, { maximumFractionDigits: 3 }) + " " + unit(q.unit);
  }
  function when(s, withTime) {
    if (!s) return "";
    var d = new Date(s);
    if (isNaN(d)) return s;
    try {
      return withTime ? d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : d.toLocaleDateString(undefined, { dateStyle: "medium" });
    } catch (e) {
      return withTime ? d.toLocaleString() : d.toLocaleDateString();
    }
  }

  function render(res, from, anchors) {
    if (!res || !res.ok) return show(resultError(res || {}, from));
    var r = res.report || {};
    var nodes = [];
    var v = r.verdict || "failed";
    nodes.push(el("section", { "class": "head v-" + v }, [
      el("p", { "class": "verdict", "data-testid": "verdict" }, verdictWord(v)),
      el("p", { "class": "reason", "data-testid": "reason" }, reasonText(r)),
      el("p", { "class": "freshness", "data-testid": "freshness" }, freshness(res, from)),
      res.notes && res.notes.length ? el("ul", { "class": "notes", "data-testid": "notes" }, res.notes.map(function (n) { return el("li", null, n); })) : null,
      anchorsLine(res, anchors),
      el("div", { "class": "limits", "data-testid": "limits" }, [
        el("h3", null, t("What this cannot rule out")),
        el("p", null, from.kind === "file"
          ? t("A capsule can leave records out: a later sale of the same batch (a double claim) or the revocation of a signer's key, made after the capsule or left out of it, would not show here. A fuller check needs a Jejak install that syncs with the network, a relay, or a fresher capsule.")
          : t("A relay can leave records out: a later sale of the same batch (a double claim) or the revocation of a signer's key would not show here. A fuller check needs a Jejak install that syncs with the network, or another relay, or a fresher capsule."))
      ])
    ]));
    if (r.missing && r.missing.length) nodes.push(missingBlock(r.missing));
    nodes.push(section(t("Checks"), checksBlock(r.checks || [])));
    nodes.push(section(t("The chain"), graphBlock(r.graph || {})));
    nodes.push(section(t("Where it came from"), mapBlock(r.origins || [])));
    nodes.push(section(t("Who signed"), signersBlock(r.signers || [])));
    show(nodes);
    add($("anchors-used"), anchorsUsed(res, anchors));
  }

  function section(title, body) {
    return el("section", { "class": "part" }, [el("h2", null, title), body]);
  }

  function reasonText(r) {
    var s = r.summary || "";
    if (r.verdict === "failed") {
      var c = (r.checks || []).filter(function (c) { return c.status === "fail"; })[0];
      var why = c && (c.reasons || []).filter(function (x) { return x.level === "fail"; })[0];
      if (why && why.text) s += " " + why.text.charAt(0).toUpperCase() + why.text.slice(1) + (/[.!?]$/.test(why.text) ? "" : ".");
    }
    return s;
  }

  function freshness(res, from) {
    var c = res.capsule || {};
    if (from.kind === "file") {
      return t("As far as this capsule shows, made {date} by {maker}.", { date: when(c.made, true) || t("(no date)"), maker: c.maker || t("an unnamed maker") });
    }
    return t("As far as this relay shows, on {date}.", { date: when(c.made, true) || when(new Date().toISOString(), true) });
  }

  // anchorsLine is the one line under the verdict about the anchors; the
  // full account is in the anchors section.
  function anchorsLine(res, anchors) {
    var used = res.anchors || [];
    var by = {};
    anchors.forEach(function (a) { by[a.key] = a; });
    var link = el("a", { href: "#anchors", "class": "jump" }, t("Whom you trust"));
    link.addEventListener("click", function (ev) { ev.preventDefault(); $("anchors").scrollIntoView(); });
    if (!used.length) return el("p", { "class": "used warnline" }, [t("Trust anchors: none chosen. "), link]);
    return el("p", { "class": "used" }, [t("Trust anchors: {names}. ", { names: used.map(function (k) { return (by[k] && by[k].name) || short(k); }).join(", ") }), link]);
  }

  function anchorsUsed(res, anchors) {
    var used = res.anchors || [];
    var box = el("div", { "class": "used", "data-testid": "anchors-used" });
    if (!used.length) {
      add(box, [
        el("p", { "class": "warnline" }, t("No trust anchors chosen: the records are genuine and consistent with each other, but no one you trust vouches for the organisations.")),
        el("p", { "class": "hint" }, t("To add one, put the key of a certifier or consortium you trust under \u201cWhom you trust\u201d below (get it from them, not from this page); the check runs again at once."))
      ]);
      return box;
    }
    var by = {};
    anchors.forEach(function (a) { by[a.key] = a; });
    add(box, [el("p", null, t("Trust anchors used for this verdict:")), el("ul", { "class": "keys" }, used.map(function (k) {
      var a = by[k] || {};
      var src = a.from === "label" ? t("suggested by the label, used because you chose to") : t("from your own list on this device");
      return el("li", null, [el("span", { "class": "kname" }, a.name || t("(no name)")), " ", el("code", { title: k }, short(k)), el("span", { "class": "src" }, " \u2014 " + src)]);
    }))]);
    return box;
  }

  function resultError(res, from) {
    var rec = res.record ? t("Record {record}.", { record: res.record }) : "";
    if (res.code === "mismatch" && from.kind === "relay") {
      return errorBlock(t("This relay cannot be trusted"), t(MISMATCH_ONLINE, { record: res.record || t("unnamed") }),
        [el("p", { "class": "hint" }, t("Try another relay, or open a capsule file of this batch from someone you trust.")), pickerButton()]);
    }
    var titles = {
      mismatch: t("This capsule was changed or damaged"),
      truncated: from.kind === "file" ? t("This capsule file is truncated") : t("The relay's answer was cut off"),
      not_capsule: from.kind === "file" ? t("This is not a Jejak capsule") : t("The relay did not send a capsule"),
      wrong_network: t("This capsule belongs to another Jejak network"),
      wrong_batch: t("This capsule is for another batch"),
      limit: t("This capsule is too large to check here"),
      invalid: t("A record breaks Jejak's rules"),
      internal: t("The verifier failed")
    };
    var title = titles[res.code] || t("The records could not be verified");
    var extra = rec ? [el("p", { "class": "record" }, el("code", null, rec))] : [];
    if (from.kind === "file") extra.push(el("p", { "class": "hint" }, t("File: {name}", { name: from.name })));
    return errorBlock(title, res.error || t("No reason was given."), extra);
  }

  function missingBlock(missing) {
    return el("section", { "class": "part missing" }, [
      el("h2", null, t("Missing records")),
      el("ul", null, missing.slice(0, 20).map(function (m) {
        return el("li", null, t("{what} {record}, named by {org}", { what: m.what || t("record"), record: short(m.record || ""), org: m.referenced_by_org || short(m.referenced_by || "") || t("the batch itself") }));
      }))
    ]);
  }

  var ICON = { pass: "\u2713", fail: "\u2717", warn: "!", skip: "\u2013" };
  var STATUS = { pass: t("passed"), fail: t("failed"), warn: t("look at it"), skip: t("not checked") };

  function checksBlock(checks) {
    return el("ul", { "class": "checks", "data-testid": "checks" }, checks.map(function (c) {
      var reasons = c.reasons || [];
      var head = [el("span", { "class": "icon s-" + c.status, "aria-hidden": "true" }, ICON[c.status] || "?"), " ",
        el("strong", null, c.title || c.name), " ", el("span", { "class": "st s-" + c.status }, STATUS[c.status] || c.status)];
      var li = el("li", { "class": "check c-" + c.status, "data-check": c.name });
      if (!reasons.length) {
        add(li, [el("div", { "class": "chead" }, head), el("p", { "class": "csum" }, c.summary)]);
        return li;
      }
      var d = el("details", { open: c.status === "fail" }, [
        el("summary", null, [el("span", { "class": "chead" }, head), el("span", { "class": "csum" }, c.summary)]),
        el("ul", { "class": "reasons" }, reasons.map(function (x) {
          return el("li", { "class": "r-" + x.level }, [el("span", { "class": "lvl" }, x.level), " ", x.text]);
        }))
      ]);
      add(li, d);
      return li;
    }));
  }

  // graphBlock lays the graph out as layers from the start batch back to
  // the origins (and forward to descendants, when the trace went forward).
  function graphBlock(g) {
    var nodes = g.nodes || [], edges = g.edges || [];
    var byId = {}, into = {}, out = {};
    nodes.forEach(function (n) { byId[n.id] = n; });
    edges.forEach(function (e) {
      (into[e.to] = into[e.to] || []).push(e);
      (out[e.from] = out[e.from] || []).push(e);
    });
    var start = nodes.filter(function (n) { return n.role === "start"; })[0];
    var layer = {}, layers = [];
    function place(id, d) { if (layer[id] == null) { layer[id] = d; (layers[d] = layers[d] || []).push(id); return true; } return false; }
    if (start) {
      var q = [start.id];
      place(start.id, 0);
      while (q.length) {
        var id = q.shift();
        (into[id] || []).forEach(function (e) { if (e.kind !== "replaced" && byId[e.from] && place(e.from, layer[id] + 1)) q.push(e.from); });
      }
    }
    var down = [], seenDown = {};
    var rest = [];
    nodes.forEach(function (n) {
      if (layer[n.id] != null) return;
      if (n.role === "descendant") { if (!seenDown[n.id]) { seenDown[n.id] = 1; down.push(n.id); } } else rest.push(n.id);
    });
    var box = el("div", { "class": "graph", "data-testid": "graph" });
    if (!nodes.length) return add(box, el("p", { "class": "muted" }, t("No records to show.")));
    if (down.length) add(box, layerBlock(t("Made from this batch"), down, byId, out, into));
    layers.forEach(function (ids, d) {
      add(box, layerBlock(d === 0 ? t("This batch") : d === 1 ? t("1 step back") : t("{n} steps back", { n: d }), ids, byId, out, into));
    });
    if (rest.length) add(box, layerBlock(t("Other records"), rest, byId, out, into));
    return box;
  }

  function layerBlock(title, ids, byId, out, into) {
    var MAX = 25;
    var items = ids.map(function (id) { return nodeCard(byId[id], out[id] || [], into[id] || [], byId); });
    var list = el("ol", { "class": "layer" }, items.slice(0, MAX));
    var kids = [el("h3", null, [title, ids.length > 1 ? el("span", { "class": "count" }, " (" + ids.length + ")") : null]), list];
    if (items.length > MAX) {
      kids.push(el("details", null, [el("summary", null, t("Show {n} more", { n: items.length - MAX })), el("ol", { "class": "layer" }, items.slice(MAX))]));
    }
    return el("div", { "class": "lay" }, kids);
  }

  function nodeCard(n, outs, ins, byId) {
    var cls = "node k-" + n.kind + (n.failing ? " failing" : "") + (n.missing ? " missing" : "");
    var lines = [];
    if (n.kind === "transfer") {
      lines.push(el("div", { "class": "nt" }, [el("span", { "class": "ico", "aria-hidden": "true" }, "\u21c4"), " ", t("{qty} {product} sent", { qty: qty(n.qty), product: n.product || "" })]));
      lines.push(el("div", null, t("from {from} to {to}", { from: n.org || short(n.org_key || ""), to: n.to_org || short(n.to_org_key || "") })));
      lines.push(el("div", { "class": "muted" }, [when(n.time, true), n.received ? " \u00b7 " + t("received {qty}", { qty: qty(n.received) }) : " \u00b7 " + t("no receipt")]));
    } else {
      lines.push(el("div", { "class": "nt" }, [el("span", { "class": "ico", "aria-hidden": "true" }, n.type === "origin" ? "\u2618" : "\u25a3"), " ",
        el("strong", null, n.product || t("(unknown product)")), " ", qty(n.qty), n.claim && n.claim.scheme ? el("span", { "class": "claim" }, " " + n.claim.scheme + (n.claim.model ? " " + n.claim.model : "")) : null]));
      lines.push(el("div", null, [n.org || short(n.org_key || ""), n.place ? " \u00b7 " + n.place : ""]));
      lines.push(el("div", { "class": "muted" }, [when(n.time, true), n.lot ? " \u00b7 " + t("lot {lot}", { lot: n.lot }) : "", n.type === "origin" ? " \u00b7 " + t("origin") : ""]));
    }
    if (n.missing) lines.push(el("div", { "class": "flag" }, t("Its record could not be had.")));
    if (n.failing) lines.push(el("div", { "class": "flag" }, "\u2717 " + t("Named by a failing check.")));
    if (n.corrected) lines.push(el("div", { "class": "flag warnc" }, t("Corrected by its maker; replaced by {id}.", { id: short(n.replaced_by || "") })));
    var feeds = outs.filter(function (e) { return e.kind !== "replaced" && byId[e.to]; });
    if (feeds.length && n.role !== "start") {
      lines.push(el("div", { "class": "muted" }, "\u2192 " + feeds.map(function (e) {
        var to = byId[e.to];
        return (e.kind === "sent" ? t("sent") : t("used")) + " " + qty(e.qty) + (to.kind === "batch" ? " " + t("for {p}", { p: to.product || "" }) : "");
      }).join("; ")));
    }
    lines.push(el("div", { "class": "rid" }, el("code", { title: n.record || n.id }, short(n.id))));
    return el("li", { "class": cls }, lines);
  }

  // ---- the map ----

  var SVGNS = "http://www.w3.org/2000/svg";
  function sv(tag, attrs, kids) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) if (attrs[k] != null) e.setAttribute(k, String(attrs[k]));
    add(e, kids);
    return e;
  }
  var EUDR = {
    assessed: { fill: "#2e9d4f", label: t("assessed deforestation-free") },
    assessed_before_cutoff: { fill: "#d49a00", label: t("assessed before the cut-off") },
    not_assessed: { fill: "#d0342c", label: t("not assessed") },
    none: { fill: "#7b8794", label: t("not a plot (no EUDR status)") }
  };
  function statusOf(o) { return o.eudr && EUDR[o.eudr.status] ? o.eudr.status : "none"; }

  // rings returns a geometry's rings ([[lon, lat]…]) and points.
  function shapes(o) {
    var g = o.geometry, rings = [], pts = [];
    if (g && g.type === "Polygon" && Array.isArray(g.coordinates)) rings = g.coordinates.slice();
    else if (g && g.type === "MultiPolygon" && Array.isArray(g.coordinates)) g.coordinates.forEach(function (p) { rings = rings.concat(p); });
    else if (g && g.type === "Point" && Array.isArray(g.coordinates)) pts.push(g.coordinates);
    else if (typeof o.lat === "number" && typeof o.lon === "number" && (o.lat || o.lon)) pts.push([o.lon, o.lat]);
    rings = rings.filter(function (r) { return Array.isArray(r) && r.length >= 3; });
    return { rings: rings, pts: pts };
  }

  function niceStep(span, want) {
    var raw = span / want, p = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / p;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
  }
  function deg(v, step, pos, neg) {
    var dec = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
    return Math.abs(v).toFixed(dec) + "\u00b0" + (v >= 0 ? pos : neg);
  }

  function mapBlock(origins) {
    var box = el("div", { "class": "map", "data-testid": "map" });
    var items = origins.map(function (o) { return { o: o, s: shapes(o) }; }).filter(function (x) { return x.s.rings.length || x.s.pts.length; });
    if (!items.length) return add(box, el("p", { "class": "muted" }, t("No places of origin with a location in these records.")));
    var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    function ext(c) {
      if (typeof c[0] !== "number" || typeof c[1] !== "number") return;
      minX = Math.min(minX, c[0]); maxX = Math.max(maxX, c[0]); minY = Math.min(minY, c[1]); maxY = Math.max(maxY, c[1]);
    }
    items.forEach(function (x) { x.s.rings.forEach(function (r) { r.forEach(ext); }); x.s.pts.forEach(ext); });
    var midLat = (minY + maxY) / 2, k = Math.max(0.05, Math.cos(midLat * Math.PI / 180));
    var spanX = (maxX - minX) * k, spanY = maxY - minY;
    var minSpan = 0.004; // about 450 m, so one point still has a frame
    if (spanX < minSpan) { var cx = (minX + maxX) / 2; minX = cx - minSpan / 2 / k; maxX = cx + minSpan / 2 / k; spanX = minSpan; }
    if (spanY < minSpan) { var cy = (minY + maxY) / 2; minY = cy - minSpan / 2; maxY = cy + minSpan / 2; spanY = minSpan; }
    var W = 360, pad = 0.16;
    var H = Math.round(Math.min(420, Math.max(220, W * spanY / spanX)));
    var sc = Math.min((W * (1 - 2 * pad)) / spanX, (H * (1 - 2 * pad)) / spanY);
    var ox = W / 2 - ((minX + maxX) / 2 - minX) * k * sc, oy = H / 2 + ((minY + maxY) / 2 - minY) * sc;
    function px(c) { return [ox + (c[0] - minX) * k * sc, oy - (c[1] - minY) * sc]; }
    function fmt(v) { return Math.round(v * 10) / 10; }
    var lonLo = minX - (ox / (k * sc)), lonHi = minX + (W - ox) / (k * sc);
    var latLo = minY - (H - oy) / sc, latHi = minY + oy / sc;
    var svg = sv("svg", { viewBox: "0 0 " + W + " " + H, width: "100%", role: "img", "aria-label": t("Map of the places of origin"), "class": "mapsvg" });
    svg.appendChild(sv("rect", { x: 0, y: 0, width: W, height: H, fill: "#eef3f1", "class": "mapbg" }));
    var gr = sv("g", { stroke: "#b9c6c1", "stroke-width": 0.6, fill: "none" });
    var labels = sv("g", { fill: "#5a6a64", "font-size": 9, "font-family": "sans-serif" });
    var sLon = niceStep(lonHi - lonLo, 3), sLat = niceStep(latHi - latLo, 3);
    for (var lo = Math.ceil(lonLo / sLon) * sLon; lo <= lonHi; lo += sLon) {
      var x = fmt(px([lo, minY])[0]);
      gr.appendChild(sv("line", { x1: x, y1: 0, x2: x, y2: H }));
      labels.appendChild(sv("text", { x: x + 2, y: 10 }, deg(lo, sLon, "E", "W")));
    }
    for (var la = Math.ceil(latLo / sLat) * sLat; la <= latHi; la += sLat) {
      var y = fmt(px([minX, la])[1]);
      gr.appendChild(sv("line", { x1: 0, y1: y, x2: W, y2: y }));
      if (y > 14 && y < H - 26) labels.appendChild(sv("text", { x: 2, y: y - 2 }, deg(la, sLat, "N", "S")));
    }
    svg.appendChild(gr);
    svg.appendChild(labels);
    var used = {};
    var shapesG = sv("g", {}), namesG = sv("g", { "font-size": 10, "font-family": "sans-serif", fill: "#1d2925", "text-anchor": "middle" });
    items.forEach(function (x) {
      var st = statusOf(x.o), col = EUDR[st].fill;
      used[st] = 1;
      var title = sv("title", {}, (x.o.name || "") + (x.o.area_ha ? " \u00b7 " + x.o.area_ha + " ha" : "") + " \u00b7 " + EUDR[st].label);
      if (x.s.rings.length) {
        var d = x.s.rings.map(function (r) { return "M" + r.map(function (c) { var p = px(c); return fmt(p[0]) + "," + fmt(p[1]); }).join("L") + "Z"; }).join("");
        shapesG.appendChild(sv("path", { d: d, fill: col, "fill-opacity": 0.45, stroke: col, "stroke-width": 1.5, "fill-rule": "evenodd", "class": "plot" }, title));
      }
      x.s.pts.forEach(function (c) {
        var p = px(c);
        shapesG.appendChild(sv("circle", { cx: fmt(p[0]), cy: fmt(p[1]), r: 5, fill: col, stroke: "#fff", "stroke-width": 1.5, "class": "plot" }, title));
      });
      var ctr = x.s.rings.length ? centroid(x.s.rings[0]) : x.s.pts[0];
      var cp = px(ctr), name = x.o.name || "";
      // keep the name inside the frame: anchor it on the side it fits
      var half = name.length * 2.8, anchor = "middle";
      if (cp[0] - half < 4) anchor = "start";
      else if (cp[0] + half > W - 4) anchor = "end";
      var ty = cp[1] + (x.s.rings.length ? 3 : -8);
      if (ty < 22) ty = cp[1] + 16;
      namesG.appendChild(sv("text", { x: fmt(anchor === "start" ? Math.max(4, cp[0] - 4) : anchor === "end" ? Math.min(W - 4, cp[0] + 4) : cp[0]), y: fmt(ty),
        "text-anchor": anchor, stroke: "#ffffff", "stroke-width": 2.5, "stroke-linejoin": "round", "stroke-opacity": 0.85, "paint-order": "stroke" }, name));
    });
    svg.appendChild(shapesG);
    svg.appendChild(namesG);
    // scale bar: about a quarter of the width, in a round length
    var kmPerPx = 111.32 / sc, want = kmPerPx * W / 4, len = niceStep(want, 1), lenPx = len / kmPerPx;
    var sb = sv("g", { "class": "scale" });
    sb.appendChild(sv("rect", { x: 8, y: H - 22, width: fmt(lenPx + 8), height: 16, fill: "#ffffff", "fill-opacity": 0.8 }));
    sb.appendChild(sv("path", { d: "M12," + (H - 12) + "v4h" + fmt(lenPx) + "v-4", stroke: "#1d2925", "stroke-width": 1.2, fill: "none" }));
    sb.appendChild(sv("text", { x: 12 + fmt(lenPx / 2), y: H - 13, "font-size": 9, "font-family": "sans-serif", "text-anchor": "middle", fill: "#1d2925" },
      len >= 1 ? t("{n} km", { n: +len.toPrecision(3) }) : t("{n} m", { n: Math.round(len * 1000) })));
    svg.appendChild(sb);
    box.appendChild(svg);
    box.appendChild(el("ul", { "class": "legend" }, Object.keys(EUDR).filter(function (s) { return used[s]; }).map(function (s) {
      return el("li", null, [svgSwatch(EUDR[s].fill), " ", EUDR[s].label]);
    })));
    box.appendChild(el("ul", { "class": "places" }, origins.map(function (o) {
      return el("li", null, [el("strong", null, o.name || short(o.place || "")), " ",
        el("span", { "class": "muted" }, [o.kind, o.country, o.area_ha ? o.area_ha + " ha" : "", shapes(o).rings.length ? t("polygon") : t("point")].filter(Boolean).join(" \u00b7 ")),
        o.eudr ? el("div", { "class": "muted" }, EUDR[statusOf(o)].label + (o.eudr.deforestation && o.eudr.deforestation.method ? ": " + o.eudr.deforestation.method : "")) : null]);
    })));
    return box;
  }
  function centroid(r) {
    var x = 0, y = 0, n = 0;
    var m = r.length > 1 && r[0][0] === r[r.length - 1][0] && r[0][1] === r[r.length - 1][1] ? r.length - 1 : r.length;
    for (var i = 0; i < m; i++) { x += r[i][0]; y += r[i][1]; n++; }
    return [x / n, y / n];
  }
  function svgSwatch(col) {
    return sv("svg", { width: 12, height: 12, viewBox: "0 0 12 12", "aria-hidden": "true" }, sv("rect", { x: 0.5, y: 0.5, width: 11, height: 11, rx: 2, fill: col, "fill-opacity": 0.6, stroke: col }));
  }

  function signersBlock(signers) {
    if (!signers.length) return el("p", { "class": "muted", "data-testid": "signers" }, t("No signers."));
    return el("ul", { "class": "signers", "data-testid": "signers" }, signers.map(function (s) {
      var ends = (s.endorsements || []).map(function (e) {
        var c = e.certificate;
        return el("li", null, [e.trusted ? "\u2713 " : "\u2717 ", t("{role}, endorsed by {by}", { role: roleName(e.role || ""), by: e.by_name || short(e.by || "") }),
          c ? " \u00b7 " + [c.scheme, c.model, c.number].filter(Boolean).join(" ") + (c.valid_until ? " " + t("(valid until {d})", { d: when(c.valid_until) }) : "") : "",
          e.revoked_at ? " \u00b7 " + t("withdrawn {d}", { d: when(e.revoked_at) }) : ""]);
      });
      return el("li", { "class": "signer " + (s.trusted ? "trusted" : "untrusted") }, [
        el("div", null, [el("span", { "class": "icon " + (s.trusted ? "s-pass" : "s-fail"), "aria-hidden": "true" }, s.trusted ? "\u2713" : "\u2717"), " ",
          el("strong", null, s.name || short(s.key || "")), " ", el("span", { "class": "muted" }, [(s.roles || []).map(roleName).join(", "), s.country, t("{n} records", { n: s.records || 0 })].filter(Boolean).join(" \u00b7 "))]),
        el("p", { "class": "why" }, s.why || (s.trusted ? t("trusted") : t("not vouched for by an anchor you chose"))),
        ends.length ? el("ul", { "class": "ends" }, ends) : null,
        el("details", null, [el("summary", null, t("Key")), el("code", { "class": "wrap" }, s.key || "")])
      ]);
    }));
  }

  // ---- start ----

  // aboutNetwork asks the relay which Jejak network it is on, so that a
  // capsule file of another network is refused; "" (any network) when the
  // relay cannot say within a few seconds, as with no network at all. It
  // is a check of consistency, not of trust: the records are verified on
  // this device whatever the relay says.
  function aboutNetwork() {
    var ask = fetch("/about.json", { cache: "no-store" }).then(function (r) {
      return r.ok ? r.json() : {};
    }).then(function (j) {
      return j && typeof j.network === "string" ? j.network : "";
    }, function () { return ""; });
    var wait = new Promise(function (r) { setTimeout(function () { r(""); }, 4000); });
    return Promise.race([ask, wait]);
  }

  function start() {
    var a = parseAddress(location.pathname, location.search, location.hash);
    state.network = aboutNetwork();
    state.batch = a.batch;
    state.lot = a.lot;
    state.suggested = a.anchors.filter(function (k) { return KEY_RE.test(k); });
    renderAnchorEditor();
    $("anchor-form").addEventListener("submit", onAddAnchor);
    $("batch-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var b = batchFromInput($("batch-input").value);
      if (!b) {
        show(errorBlock(t("That is not a batch ID or a label link"), t("A batch ID looks like bafy…/0; a label link starts with https:// and names the batch.")));
        return;
      }
      location.assign("/b/" + b.batch.split("/").map(encodeURIComponent).join("/") + (b.hash || ""));
    });
    $("capsule-input").addEventListener("change", function (ev) {
      readFile(ev.target.files && ev.target.files[0]);
      ev.target.value = "";
    });
    document.addEventListener("dragover", function (ev) { ev.preventDefault(); document.body.classList.add("dropping"); });
    document.addEventListener("dragleave", function (ev) { if (!ev.relatedTarget) document.body.classList.remove("dropping"); });
    document.addEventListener("drop", function (ev) {
      ev.preventDefault();
      document.body.classList.remove("dropping");
      var f = ev.dataTransfer && ev.dataTransfer.files && ev.dataTransfer.files[0];
      if (f) readFile(f);
    });
    window.addEventListener("hashchange", function () {
      var b = parseAddress(location.pathname, location.search, location.hash);
      state.suggested = b.anchors.filter(function (k) { return KEY_RE.test(k); });
      state.useSuggested = false;
      anchorsChanged();
    });
    $("home").hidden = !(a.home || a.problem);
    if (a.home) $("home").after(document.querySelector(".open")); // the picker first on the home page
    if (a.problem) {
      show(errorBlock(t("This address names no batch"), a.problem));
    } else if (a.batch) {
      document.title = t("Jejak: verifying {batch}", { batch: short(a.batch) });
      fetchAndVerify();
    }
    loadVerifier().then(function (j) { $("version").textContent = t("verifier {v}", { v: j.version || "" }); }, function () {});
  }

  function begin() {
    loadMessages().then(function () {
      try { translateStatic(); } finally {
        document.documentElement.classList.remove("i18n-wait");
        start();
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", begin);
  else begin();
})();
