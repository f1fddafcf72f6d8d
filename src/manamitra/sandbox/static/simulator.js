// The phone simulator: renders each phone's chat from the emulator's records and sends what the
// simulated citizen does through /sandbox/api/inbound. Live updates come as Server-Sent Events.
"use strict";

(() => {
  const API = "/sandbox/api";
  const phonesEl = document.querySelector("[data-testid=phones]");
  const tabsEl = document.querySelector("[data-testid=phone-tabs]");
  const template = document.getElementById("phone-template");
  const phones = new Map();      // number -> {el, chat, name}
  const messages = new Map();    // wamid -> record
  let source = null;
  let lastSeq = 0;
  let activeNumber = null;       // the phone shown when the screen has room for one only
  let loading = false;

  // ---- helpers ---------------------------------------------------------------------------
  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  };

  const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => (
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));

  // WhatsApp's own formatting: *bold*, _italic_, ~strike~, ```mono```, and links.
  const formatted = (text) => {
    let html = escapeHtml(text || "");
    html = html.replace(/```([\s\S]+?)```/g, "<code>$1</code>")
      .replace(/(^|[\s(])\*([^*\n]+)\*/g, "$1<strong>$2</strong>")
      .replace(/(^|[\s(])_([^_\n]+)_/g, "$1<em>$2</em>")
      .replace(/(^|[\s(])~([^~\n]+)~/g, "$1<s>$2</s>")
      .replace(/(https?:\/\/[^\s<]+)/g, '<a href="$1" target="_blank" rel="noopener">$1</a>');
    const span = document.createElement("span");
    span.className = "text";
    span.innerHTML = html;
    return span;
  };

  const rupees = (amount) => {
    if (!amount || typeof amount.value !== "number") return "";
    const value = amount.value / (amount.offset || 100);
    return "₹" + value.toLocaleString("en-IN", {minimumFractionDigits: 2, maximumFractionDigits: 2});
  };

  const PIN = "M12 2a7 7 0 0 0-7 7c0 5.2 7 13 7 13s7-7.8 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z";
  const pin = () => {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("class", "pin");
    const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", PIN);
    path.setAttribute("fill", "currentColor");
    svg.append(path);
    return svg;
  };

  const mediaUrl = (media) => media && (media.id ? `${API}/media/${encodeURIComponent(media.id)}` : media.link);

  const post = async (path, body) => {
    const response = await fetch(API + path, {
      method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body),
    });
    if (!response.ok) {
      let detail = response.statusText;
      try { detail = JSON.stringify((await response.json()).detail); } catch (_) { /* keep */ }
      throw new Error(`${response.status}: ${detail}`);
    }
    return response.json();
  };

  const toast = (phone, message) => {
    const note = el("div", {class: "toast", role: "alert", "data-testid": "toast", text: message});
    phone.el.append(note);
    setTimeout(() => note.remove(), 4000);
  };

  const send = async (phone, body) => {
    try {
      return await post("/inbound", {from: phone.number, name: phone.name, ...body});
    } catch (error) {
      toast(phone, error.message);
      return null;
    }
  };

  const readFile = (file) => new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });

  // ---- phones ----------------------------------------------------------------------------
  const selectPhone = (number) => {
    const chosen = phones.get(number);
    if (!chosen) return;
    activeNumber = number;
    for (const phone of phones.values()) {
      const active = phone === chosen;
      phone.el.classList.toggle("active", active);
      phone.tab.setAttribute("aria-selected", String(active));
    }
    chosen.tab.classList.remove("unread");
    chosen.tab.scrollIntoView({block: "nearest", inline: "nearest"});
    chosen.chat.scrollTop = chosen.chat.scrollHeight;   // it could not scroll while hidden
  };

  const addPhone = (number, name) => {
    if (phones.has(number)) {
      const known = phones.get(number);
      known.name = name;
      known.el.querySelector("[data-testid=phone-owner]").textContent = `${name} · +${number}`;
      known.tab.textContent = name;
      return known;
    }
    const fragment = template.content.cloneNode(true);
    const root = fragment.querySelector("[data-testid=phone]");
    root.dataset.phone = number;
    const tab = el("button", {type: "button", role: "tab", class: "phone-tab", "data-testid": "phone-tab",
      "data-phone": number, title: `+${number}`, text: name, onclick: () => selectPhone(number)});
    const phone = {number, name, el: root, tab, chat: root.querySelector("[data-testid=chat]"), pendingRead: new Set()};
    root.querySelector("[data-testid=phone-owner]").textContent = `${name} · +${number}`;
    wirePhone(phone);
    phones.set(number, phone);
    phonesEl.append(root);
    tabsEl.append(tab);
    if (!phones.has(activeNumber)) selectPhone(number);
    else tab.setAttribute("aria-selected", "false");
    return phone;
  };

  const removePhone = (number) => {
    const phone = phones.get(number);
    if (!phone) return;
    phone.el.remove();
    phone.tab.remove();
    phones.delete(number);
    if (activeNumber === number) {
      activeNumber = null;
      const next = phones.keys().next();
      if (!next.done) selectPhone(next.value);
    }
  };

  const wirePhone = (phone) => {
    const root = phone.el;
    const input = root.querySelector("[data-testid=composer-input]");
    const attachMenu = root.querySelector("[data-testid=attach-menu]");
    const locationForm = root.querySelector("[data-testid=location-form]");

    root.querySelector(".composer").addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      input.value = "";
      await send(phone, {text});
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        root.querySelector(".composer").requestSubmit();
      }
    });
    root.querySelector("[data-testid=remove-phone]").addEventListener("click", async () => {
      await fetch(`${API}/phones/${phone.number}`, {method: "DELETE"});
      removePhone(phone.number);
    });
    root.querySelector("[data-testid=attach-toggle]").addEventListener("click", () => {
      attachMenu.hidden = !attachMenu.hidden;
    });
    const attach = (testid, kind, extra) => {
      const fileInput = root.querySelector(`[data-testid=${testid}]`);
      fileInput.addEventListener("change", async () => {
        const file = fileInput.files[0];
        attachMenu.hidden = true;
        if (!file) return;
        const media = {data_base64: await readFile(file), mime_type: file.type || "application/octet-stream", ...extra(file)};
        fileInput.value = "";
        await send(phone, {[kind]: media});
      });
    };
    attach("attach-image", "image", () => ({}));
    attach("attach-document", "document", (file) => ({filename: file.name}));
    attach("attach-audio", "audio", () => ({voice: true}));
    root.querySelector("[data-testid=send-location]").addEventListener("click", () => {
      attachMenu.hidden = true;
      locationForm.hidden = false;
    });
    root.querySelector("[data-testid=location-cancel]").addEventListener("click", () => {
      locationForm.hidden = true;
    });
    locationForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(locationForm);
      locationForm.hidden = true;
      await send(phone, {location: {
        latitude: Number(data.get("latitude")), longitude: Number(data.get("longitude")),
        name: data.get("name") || null, address: data.get("address") || null,
      }});
    });
    wireVoice(phone, root, attachMenu);
    const sheet = root.querySelector("[data-testid=list-sheet]");
    sheet.addEventListener("click", (event) => { if (event.target === sheet) sheet.hidden = true; });
  };

  // ---- voice notes: record in the browser or pick a sample, with the words spoken ---------
  const RECORDING_TYPES = ["audio/ogg;codecs=opus", "audio/webm;codecs=opus", "audio/webm"];
  const wireVoice = (phone, root, attachMenu) => {
    const form = root.querySelector("[data-testid=voice-form]");
    const select = form.querySelector("[data-testid=voice-sample]");
    const words = form.querySelector("[data-testid=voice-transcript]");
    const preview = form.querySelector("[data-testid=voice-preview]");
    const status = form.querySelector("[data-testid=voice-status]");
    const recordButton = form.querySelector("[data-testid=voice-record]");
    const sendButton = form.querySelector("[data-testid=voice-send]");
    let clip = null;
    let recorder = null;
    const useClip = (blob, label) => {
      clip = blob;
      preview.src = URL.createObjectURL(blob);
      preview.hidden = false;
      status.textContent = label;
      sendButton.disabled = false;
    };
    root.querySelector("[data-testid=record-voice]").addEventListener("click", async () => {
      attachMenu.hidden = true;
      form.hidden = false;
      if (select.options.length > 1) return;
      const response = await fetch(`${API}/speech/samples`);
      for (const sample of await response.json()) {
        select.append(el("option", {value: sample.name, "data-transcript": sample.transcript,
          text: `${sample.lang}: ${sample.transcript}`}));
      }
    });
    select.addEventListener("change", async () => {
      const option = select.selectedOptions[0];
      if (!select.value) return;
      const response = await fetch(`${API}/speech/samples/${select.value}`);
      words.value = option.dataset.transcript || "";
      useClip(await response.blob(), `sample ${select.value}`);
    });
    recordButton.addEventListener("click", async () => {
      if (recorder && recorder.state === "recording") { recorder.stop(); return; }
      let stream;
      try {
        stream = await navigator.mediaDevices.getUserMedia({audio: true});
      } catch (error) {
        toast(phone, `No microphone: ${error.message}`);
        return;
      }
      const mimeType = RECORDING_TYPES.find((type) => MediaRecorder.isTypeSupported(type)) || "";
      const chunks = [];
      recorder = new MediaRecorder(stream, mimeType ? {mimeType} : {});
      recorder.addEventListener("dataavailable", (event) => chunks.push(event.data));
      recorder.addEventListener("stop", () => {
        stream.getTracks().forEach((track) => track.stop());
        recordButton.classList.remove("recording");
        recordButton.textContent = "● Record";
        select.value = "";
        useClip(new Blob(chunks, {type: recorder.mimeType || "audio/webm"}), "recorded");
      });
      recorder.start();
      recordButton.classList.add("recording");
      recordButton.textContent = "■ Stop";
      status.textContent = "recording…";
    });
    form.querySelector("[data-testid=voice-cancel]").addEventListener("click", () => {
      form.hidden = true;
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!clip) return;
      const media = {data_base64: await readFile(clip), mime_type: (clip.type || "audio/ogg").replace(/;.*/, ""),
        voice: true, transcript: words.value.trim() || null};
      form.hidden = true;
      clip = null;
      sendButton.disabled = true;
      preview.hidden = true;
      words.value = "";
      select.value = "";
      status.textContent = "or pick a sample";
      await send(phone, {audio: media});
    });
  };

  // ---- list picker (bottom sheet) --------------------------------------------------------
  const openList = (phone, record) => {
    const interactive = record.body.interactive;
    const sheet = phone.el.querySelector("[data-testid=list-sheet]");
    const body = sheet.querySelector(".sheet-body");
    const sendButton = sheet.querySelector("[data-testid=list-send]");
    sheet.querySelector(".sheet-title").textContent = interactive.action.button;
    body.replaceChildren();
    let chosen = null;
    const group = `list-${record.wamid}`;
    for (const section of interactive.action.sections || []) {
      if (section.title) body.append(el("div", {class: "sheet-section", text: section.title}));
      for (const row of section.rows || []) {
        const radio = el("input", {type: "radio", name: group, value: row.id});
        const label = el("label", {class: "list-row", "data-testid": "list-row", "data-id": row.id},
          el("span", {class: "row-text"}, el("div", {text: row.title}),
            row.description ? el("div", {class: "row-desc", text: row.description}) : null),
          radio);
        radio.addEventListener("change", () => { chosen = row.id; sendButton.disabled = false; });
        body.append(label);
      }
    }
    sendButton.disabled = true;
    sendButton.onclick = async () => {
      if (!chosen) return;
      sheet.hidden = true;
      await send(phone, {list_id: chosen, context_id: record.wamid});
    };
    sheet.hidden = false;
  };

  // ---- rendering business messages (Graph request bodies) --------------------------------
  const headerNode = (header) => {
    if (!header) return null;
    if (header.type === "text") return el("div", {class: "header", text: header.text});
    const media = header[header.type];
    if (header.type === "image") return el("img", {class: "media-img", src: mediaUrl(media), alt: ""});
    if (header.type === "video") return el("video", {class: "media-img", src: mediaUrl(media), controls: true});
    if (header.type === "document") return documentCard(media);
    return null;
  };

  const documentCard = (media) => el("a", {
      class: "doc-card", "data-testid": "document-link", href: mediaUrl(media),
      download: media.filename || "document", target: "_blank", rel: "noopener"},
    el("span", {class: "doc-icon", text: ((media.filename || "").split(".").pop() || "file").slice(0, 4).toUpperCase()}),
    el("span", {}, el("div", {class: "doc-name", text: media.filename || "Document"}),
      el("div", {class: "doc-sub", text: "Tap to open"})));

  const findPaymentLink = (value) => {
    if (!value || typeof value !== "object") return null;
    for (const [key, item] of Object.entries(value)) {
      if (typeof item === "string" && /^(uri|url|link|payment_link)$/.test(key) && /^https?:\/\//.test(item)) return item;
      const nested = findPaymentLink(item);
      if (nested) return nested;
    }
    return null;
  };

  const renderInteractive = (phone, record, bubble, after) => {
    const interactive = record.body.interactive;
    const head = headerNode(interactive.header);
    if (head) bubble.append(head);
    if (interactive.body) bubble.append(formatted(interactive.body.text));
    if (interactive.footer) bubble.append(el("div", {class: "footer", text: interactive.footer.text}));
    const action = interactive.action || {};
    switch (interactive.type) {
      case "button":
        after.append(el("div", {class: "reply-buttons"}, (action.buttons || []).map((button) =>
          el("button", {type: "button", class: "reply-button", "data-testid": "reply-button",
            "data-id": button.reply.id, text: button.reply.title,
            onclick: () => send(phone, {button_id: button.reply.id, context_id: record.wamid})}))));
        break;
      case "list":
        bubble.append(el("button", {type: "button", class: "list-open", "data-testid": "list-open",
          text: `☰ ${action.button}`, onclick: () => openList(phone, record)}));
        break;
      case "cta_url":
        bubble.append(el("a", {class: "cta-button", "data-testid": "cta-url", href: action.parameters.url,
          target: "_blank", rel: "noopener", text: `↗ ${action.parameters.display_text}`}));
        break;
      case "location_request_message":
        bubble.append(el("button", {type: "button", class: "location-request", "data-testid": "location-request",
          onclick: () => { phone.el.querySelector("[data-testid=location-form]").hidden = false; }}, pin(), " Send location"));
        break;
      case "order_details": {
        const params = action.parameters || {};
        const order = params.order || {};
        const rows = (order.items || []).map((item) => el("tr", {},
          el("td", {text: `${item.name}${item.quantity > 1 ? " × " + item.quantity : ""}`}),
          el("td", {class: "amount", text: rupees(item.amount)})));
        for (const key of ["tax", "shipping", "discount"]) {
          if (order[key]) rows.push(el("tr", {}, el("td", {text: order[key].description || key}),
            el("td", {class: "amount", text: (key === "discount" ? "−" : "") + rupees(order[key])})));
        }
        rows.push(el("tr", {class: "total"}, el("td", {text: "Total"}), el("td", {class: "amount", text: rupees(params.total_amount)})));
        bubble.classList.add("bill");
        bubble.prepend(el("div", {class: "tag", text: `Order ${params.reference_id || ""}`}));
        bubble.append(el("table", {"data-testid": "bill"}, rows));
        // Meta's order_details carries no URL when paid through a gateway configuration; the
        // platform's checkout page (GET /pay/{reference}) stands in for the WhatsApp pay sheet.
        const link = findPaymentLink(params) || (params.reference_id ? `/pay/${encodeURIComponent(params.reference_id)}` : null);
        bubble.append(el("button", {type: "button", class: "order-pay", "data-testid": "order-pay",
          "data-reference": params.reference_id, "data-link": link, text: "Review and pay",
          onclick: () => { if (link) window.open(link, "_blank", "noopener"); else toast(phone, "This order carries no payment link."); }}));
        break;
      }
      case "order_status": {
        const params = action.parameters || {};
        bubble.prepend(el("div", {class: "tag", text: `Order ${params.reference_id || ""} · ${(params.order || {}).status || ""}`}));
        break;
      }
      default:
        bubble.append(el("div", {class: "footer", text: `[${interactive.type} message]`}));
    }
  };

  const renderTemplate = (phone, record, bubble, after) => {
    const tpl = record.body.template;
    bubble.append(el("div", {class: "tag", text: `Template · ${tpl.name} · ${tpl.language.code}`}));
    const quickReplies = [];
    for (const component of tpl.components || []) {
      const texts = (component.parameters || []).filter((p) => p.type === "text").map((p) => p.text);
      if (component.type === "button" && component.sub_type === "quick_reply") {
        for (const p of component.parameters || []) quickReplies.push(p.payload);
      } else if (texts.length) {
        bubble.append(el("div", {text: texts.join(" · ")}));
      }
    }
    if (quickReplies.length) {
      after.append(el("div", {class: "reply-buttons"}, quickReplies.map((payload) =>
        el("button", {type: "button", class: "reply-button", "data-testid": "reply-button", "data-id": payload,
          text: payload, onclick: () => send(phone, {button_id: payload, context_id: record.wamid})}))));
    }
  };

  const renderBusiness = (phone, record, bubble, after) => {
    const body = record.body;
    if (body.context && messages.has(body.context.message_id)) {
      bubble.append(el("div", {class: "quote", text: summary(messages.get(body.context.message_id))}));
    }
    const kind = record.kind;
    const content = body[kind] || {};
    switch (kind) {
      case "text": bubble.append(formatted(content.body)); break;
      case "interactive": renderInteractive(phone, record, bubble, after); break;
      case "template": renderTemplate(phone, record, bubble, after); break;
      case "image":
        bubble.append(el("img", {class: "media-img", src: mediaUrl(content), alt: content.caption || "image"}));
        if (content.caption) bubble.append(formatted(content.caption));
        break;
      case "sticker": bubble.append(el("img", {class: "sticker", src: mediaUrl(content), alt: "sticker"})); break;
      case "video":
        bubble.append(el("video", {class: "media-img", src: mediaUrl(content), controls: true}));
        if (content.caption) bubble.append(formatted(content.caption));
        break;
      case "audio": bubble.append(el("audio", {src: mediaUrl(content), controls: true})); break;
      case "document":
        bubble.append(documentCard(content));
        if (content.caption) bubble.append(formatted(content.caption));
        break;
      case "location":
        bubble.append(el("div", {class: "location-card"}, el("div", {}, pin(), ` ${content.name || "Location"}`),
          el("div", {class: "doc-sub", text: content.address || `${content.latitude}, ${content.longitude}`})));
        break;
      case "contacts":
        for (const contact of body.contacts || []) bubble.append(el("div", {text: `Contact: ${(contact.name || {}).formatted_name || ""}`}));
        break;
      default: bubble.append(el("div", {class: "footer", text: `[${kind}]`}));
    }
  };

  // ---- rendering the citizen's own messages (webhook message objects) --------------------
  const renderMine = (record, bubble) => {
    const message = record.body;
    const content = message[message.type] || {};
    if (message.context && messages.has(message.context.id)) {
      const quoted = messages.get(message.context.id);
      bubble.append(el("div", {class: "quote", text: summary(quoted)}));
    }
    switch (message.type) {
      case "text": bubble.append(formatted(content.body)); break;
      case "interactive": {
        const reply = content.button_reply || content.list_reply || {};
        bubble.append(formatted(reply.title || ""));
        break;
      }
      case "button": bubble.append(formatted(content.text)); break;
      case "image":
        bubble.append(el("img", {class: "media-img", src: `${API}/media/${content.id}`, alt: ""}));
        if (content.caption) bubble.append(formatted(content.caption));
        break;
      case "video": bubble.append(el("video", {class: "media-img", src: `${API}/media/${content.id}`, controls: true})); break;
      case "audio": bubble.append(el("audio", {src: `${API}/media/${content.id}`, controls: true})); break;
      case "document": bubble.append(documentCard({id: content.id, filename: content.filename})); break;
      case "location":
        bubble.append(el("div", {class: "location-card"}, el("div", {}, pin(), ` ${content.name || "Current location"}`),
          el("div", {class: "doc-sub", text: content.address || `${content.latitude}, ${content.longitude}`})));
        break;
      default: bubble.append(el("div", {class: "footer", text: `[${message.type}]`}));
    }
  };

  const summary = (record) => {
    if (!record) return "";
    const body = record.body;
    if (record.direction === "out") {
      if (record.kind === "text") return body.text.body;
      if (record.kind === "interactive") return (body.interactive.body || {}).text || record.kind;
      return record.kind;
    }
    return (body.text || {}).body || record.kind;
  };

  const ticks = (status) => {
    const read = status === "read";
    const double = read || status === "delivered";
    return el("span", {class: `ticks${read ? " read" : ""}`, "data-testid": "ticks", "data-status": status,
      text: double ? "✓✓" : "✓"});
  };

  // ---- chat ------------------------------------------------------------------------------
  const renderRecord = (record) => {
    if (record.kind === "reaction") return null;   // shown on the message it reacts to
    const phone = phones.get(record.phone);
    if (!phone) return null;
    const mine = record.direction === "in";
    const row = el("div", {class: `row ${mine ? "me" : "business"}`, "data-testid": "message",
      "data-wamid": record.wamid, "data-direction": mine ? "from-phone" : "from-business",
      "data-kind": record.kind, "data-status": record.status});
    const bubble = el("div", {class: "bubble"});
    const after = document.createDocumentFragment();
    if (mine) renderMine(record, bubble); else renderBusiness(phone, record, bubble, after);
    const meta = el("span", {class: "meta"}, el("span", {class: "time", text: record.at_ist}),
      mine ? ticks(record.status) : null);
    // WhatsApp shows the time above a message's action button, not under it.
    const action = bubble.querySelector(".list-open, .cta-button, .location-request, .order-pay");
    if (action) action.before(meta); else bubble.append(meta);
    row.append(bubble, after);
    if (record.status === "failed") {
      row.append(el("div", {class: "failed-note", "data-testid": "failed-note",
        text: `not delivered (error ${record.error_code})`}));
    }
    const reactions = Object.values(record.reactions || {});
    if (reactions.length) row.append(el("div", {class: "reactions", "data-testid": "reactions", text: reactions.join("")}));
    return row;
  };

  const showTyping = (number) => {
    const phone = phones.get(number);
    if (!phone) return;
    const owner = phone.el.querySelector("[data-testid=phone-owner]");
    owner.textContent = "typing…";
    owner.dataset.typing = "true";
    clearTimeout(phone.typingTimer);
    phone.typingTimer = setTimeout(() => stopTyping(phone), 25000);
  };

  const stopTyping = (phone) => {
    const owner = phone.el.querySelector("[data-testid=phone-owner]");
    if (owner.dataset.typing !== "true") return;
    delete owner.dataset.typing;
    owner.textContent = `${phone.name} · +${phone.number}`;
  };

  const upsert = (record) => {
    messages.set(record.wamid, record);
    const phone = phones.get(record.phone);
    if (!phone) return;
    if (record.direction === "out") stopTyping(phone);
    const row = renderRecord(record);
    if (!row) return;
    const existing = phone.chat.querySelector(`[data-wamid="${CSS.escape(record.wamid)}"]`);
    const atBottom = phone.chat.scrollHeight - phone.chat.scrollTop - phone.chat.clientHeight < 80;
    if (existing) existing.replaceWith(row); else phone.chat.append(row);
    if (!existing && !loading && record.direction === "out" && phone.number !== activeNumber) {
      phone.tab.classList.add("unread");
    }
    if (atBottom || !existing) phone.chat.scrollTop = phone.chat.scrollHeight;
    maybeRead(record);
  };

  // The phone "views" a business message once it is delivered and the page is visible.
  const maybeRead = (record) => {
    if (record.direction !== "out" || record.status !== "delivered") return;
    const phone = phones.get(record.phone);
    if (!phone) return;
    phone.pendingRead.add(record.wamid);
    if (document.visibilityState === "visible") flushReads();
  };

  const flushReads = () => {
    for (const phone of phones.values()) {
      if (!phone.pendingRead.size) continue;
      const wamids = [...phone.pendingRead];
      phone.pendingRead.clear();
      post("/read", {phone: phone.number, wamids}).catch(() => {});
    }
  };
  document.addEventListener("visibilitychange", flushReads);

  const applyEvent = (event) => {
    switch (event.type) {
      case "message": upsert(event.message); break;
      case "status": case "reaction": {
        const record = messages.get(event.wamid);
        if (!record) return;
        if (event.type === "status") { record.status = event.status; record.error_code = event.error_code; }
        else record.reactions = event.reactions;
        upsert(record);
        break;
      }
      case "phone":
        addPhone(event.phone, event.name);
        for (const record of messages.values()) if (record.phone === event.phone) upsert(record);
        break;
      case "phone_removed": removePhone(event.phone); break;
      case "typing": showTyping(event.phone); break;
      case "reset": load(); break;
      default: break;
    }
  };

  // ---- start -----------------------------------------------------------------------------
  const load = async () => {
    const snapshot = await (await fetch(`${API}/snapshot`)).json();
    lastSeq = snapshot.seq;
    messages.clear();
    for (const phone of phones.values()) { phone.el.remove(); phone.tab.remove(); }
    phones.clear();
    loading = true;
    const shown = activeNumber;
    activeNumber = null;
    for (const phone of snapshot.phones) addPhone(phone.number, phone.name);
    for (const record of snapshot.messages) upsert(record);
    loading = false;
    if (phones.has(shown)) selectPhone(shown);
    listen();
    document.body.dataset.ready = "true";
  };

  const listen = () => {
    if (source) source.close();
    source = new EventSource(`${API}/events?after=${lastSeq}`);
    source.onmessage = (message) => {
      const event = JSON.parse(message.data);
      lastSeq = Math.max(lastSeq, event.seq);
      applyEvent(event);
    };
  };

  document.querySelector("[data-testid=add-phone-form]").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const number = form.number.value.replace(/\D/g, "");
    const name = form.name.value.trim();
    await post("/phones", {number, name});
    addPhone(number, name);
    selectPhone(number);
    form.reset();
  });

  load();
})();
