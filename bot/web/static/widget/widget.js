/* The recovery companion's website chat widget: one <script> tag on any page.
 *
 *   <script src="https://bot.example/widget/widget.js" data-server="https://chat.example"
 *           data-center-name="Juniper Ridge" data-color="#0f5f5c" defer></script>
 *
 * - Settings come from the tag's data-* attributes; a bad one is reported in the console and
 *   replaced by its default, so a typo never leaves a page without its chat.
 * - Everything renders in an open shadow root: the host page's CSS cannot reach inside.
 * - It talks to Rasa's socket.io channel with the official client, served next to this file
 *   (socket.io.min.js) and loaded only when the page has no `io` of its own.
 * - The session id and the conversation are kept in sessionStorage, never localStorage: this is
 *   addiction treatment, and a shared computer must forget the chat when the tab closes.
 * - Message text is only ever set with textContent; links are built element by element from
 *   http(s) URLs and phone numbers found in it, never from markup.
 * - English or Spanish (data-language, the header's language button): every word the widget
 *   itself shows or announces comes from WORDS below, through word().
 */
(function () {
  "use strict";

  const script = document.currentScript || document.querySelector("script[src*='widget.js'][data-server]");
  if (!script || window.__recoveryCompanionChat) {
    return; // no tag to read, or the widget is on the page already
  }
  window.__recoveryCompanionChat = true;

  const LOG_PREFIX = "[chat widget]";
  const DEFAULT_COLOR = "#0f5f5c";
  const DEFAULT_RASA_PORT = "5005";
  const MAX_LENGTH = 1000; // characters in one message
  const COUNT_FROM = 900; // the counter shows from here on
  const TYPING_TIMEOUT_MS = 10000;
  const MAX_RECORDS = 300; // what sessionStorage keeps of a long conversation
  const STORAGE_VERSION = 1;
  const SERVER_LANGUAGE = "en"; // what the assistant speaks until told otherwise (bot/language/choice.py)

  // --- words: everything the widget itself says, in English and Spanish ----------------------
  //
  // Spanish addresses the person as "usted". An entry is a string, or a function of the values
  // it needs. The safety line is a list of text and links, built element by element.

  const WORDS = {
    en: {
      languageName: "English", // the language button's text, offering this language
      switchTo: "Switch to English", // and its accessible name
      defaultName: "Recovery companion",
      subtitle: "Automated assistant",
      joining: "Asking a team member to join…",
      chattingWith: (name) => `Chatting with ${name}`,
      aTeamMember: "a team member",
      teamMember: "A team member",
      endChat: "End chat",
      closeChat: "Close chat",
      safety: [
        "In danger? ",
        { href: "tel:988", label: "Call 988", text: "Call" },
        " or ",
        { href: "sms:988", label: "Text 988", text: "text 988" },
        ", or call ",
        { href: "tel:911", label: "Call 911", text: "911" },
      ],
      confirm: "End this chat? It will be erased from this tab and a new one starts.",
      keepChatting: "Keep chatting",
      conversation: "Conversation",
      typing: "The assistant is typing",
      placeholder: "Type your message…",
      yourMessage: "Your message",
      send: "Send message",
      count: (length, limit) => `${length} of ${limit} characters`,
      privacy: "Private: our team may read this chat to help you. This tab keeps it only until you close it; on a shared computer, choose End chat.",
      suggestedReplies: "Suggested replies",
      youSaid: "You said: ",
      assistant: "Assistant: ",
      waitingToSend: "Waiting to send…",
      staffFrom: (name, center) => `${name} · ${center} team`,
      image: "Image from the assistant",
      newTab: " (opens in a new tab)",
      launcher: (name, unread) => `Chat with ${name}${unread ? " (new message)" : ""}`,
      region: (name) => `${name} chat`,
      reconnecting: "Reconnecting…",
      unreachable: "Can't reach the chat yet. Trying again…",
      unavailable: "The chat can't load right now. Please try again later.",
    },
    es: {
      languageName: "Español",
      switchTo: "Cambiar a español",
      defaultName: "Compañero de recuperación",
      subtitle: "Asistente automático",
      joining: "Pidiendo que alguien del equipo se una…",
      chattingWith: (name) => `Conversando con ${name}`,
      aTeamMember: "alguien del equipo",
      teamMember: "Alguien del equipo",
      endChat: "Terminar chat",
      closeChat: "Cerrar chat",
      safety: [
        "¿En peligro? ",
        { href: "tel:988", label: "Llame al 988", text: "Llame" },
        " o ",
        // The Lifeline in Spanish: press 2 on a call, or text AYUDA (pre-filled where the phone
        // supports a body; "?&" is the form both iOS and Android read).
        { href: "sms:988?&body=AYUDA", label: "Envíe un texto al 988", text: "envíe un texto al 988" },
        " (marque 2 para español; por texto escriba AYUDA), o llame al ",
        { href: "tel:911", label: "Llame al 911", text: "911" },
      ],
      confirm: "¿Terminar este chat? Se borrará de esta pestaña y empezará uno nuevo.",
      keepChatting: "Seguir conversando",
      conversation: "Conversación",
      typing: "El asistente está escribiendo",
      placeholder: "Escriba su mensaje…",
      yourMessage: "Su mensaje",
      send: "Enviar mensaje",
      count: (length, limit) => `${length} de ${limit} caracteres`,
      privacy: "Privado: nuestro equipo puede leer este chat para ayudarle. Esta pestaña lo guarda solo hasta que usted la cierre; en una computadora compartida, elija Terminar chat.",
      suggestedReplies: "Respuestas sugeridas",
      youSaid: "Usted dijo: ",
      assistant: "Asistente: ",
      waitingToSend: "Esperando para enviar…",
      staffFrom: (name, center) => `${name} · equipo de ${center}`,
      image: "Imagen del asistente",
      newTab: " (se abre en una pestaña nueva)",
      launcher: (name, unread) => `Chatear con ${name}${unread ? " (mensaje nuevo)" : ""}`,
      region: (name) => `Chat de ${name}`,
      reconnecting: "Reconectando…",
      unreachable: "Todavía no podemos conectar con el chat. Lo seguimos intentando…",
      unavailable: "El chat no puede cargarse en este momento. Por favor, inténtelo más tarde.",
    },
  };
  const LANGUAGES = Object.keys(WORDS);

  function word(language, key, ...values) {
    const entry = (WORDS[language] || WORDS.en)[key];
    return typeof entry === "function" ? entry(...values) : entry;
  }

  function otherLanguage(language) {
    return language === "es" ? "en" : "es";
  }

  const isSpanish = (tag) => /^es(?:[-_]|$)/i.test(String(tag || "").trim());

  // data-language="auto": the page's own language, else the browser's, else English.
  function pageLanguage() {
    if (isSpanish(document.documentElement.lang)) {
      return "es";
    }
    return isSpanish(navigator.language) ? "es" : "en";
  }

  // --- settings ------------------------------------------------------------------------------

  function complain(attribute, value, problem, fallback) {
    console.error(`${LOG_PREFIX} ${attribute}="${value}" ${problem}; using ${fallback}.`);
  }

  function readServer(value, scriptUrl) {
    const fallback = `${scriptUrl.protocol}//${scriptUrl.hostname}:${DEFAULT_RASA_PORT}`;
    if (value === undefined) {
      complain("data-server", "", "is missing (the Rasa server's URL, like https://chat.example)", fallback);
      return { origin: fallback, path: null };
    }
    let url = null;
    try {
      url = new URL(value.trim());
    } catch (error) {
      url = null;
    }
    if (!url || (url.protocol !== "https:" && url.protocol !== "http:") || url.username || url.password) {
      complain("data-server", value, "is not an http(s) URL like https://chat.example", fallback);
      return { origin: fallback, path: null };
    }
    // A server behind a proxy under a path (https://example.org/chat) has socket.io under it too;
    // passed as the URL's path, socket.io would read it as a namespace instead.
    const base = url.pathname.replace(/\/+$/, "");
    return { origin: url.origin, path: base ? `${base}/socket.io` : null };
  }

  function readSettings(tag) {
    const data = tag.dataset;
    const scriptUrl = new URL(tag.src, document.baseURI);
    const settings = {
      scriptUrl,
      server: readServer(data.server, scriptUrl),
      centerName: null, // none given: the default name, in the chat's language
      color: DEFAULT_COLOR,
      token: null,
      open: false,
      position: "right",
      language: "auto",
    };
    if (data.centerName !== undefined) {
      const name = data.centerName.trim().replace(/\s+/g, " ");
      if (name && name.length <= 60) {
        settings.centerName = name;
      } else {
        complain("data-center-name", data.centerName, "must be 1 to 60 characters", `"${WORDS.en.defaultName}"`);
      }
    }
    if (data.color !== undefined) {
      const color = data.color.trim();
      if (/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(color)) {
        settings.color = color;
      } else {
        complain("data-color", data.color, "is not a colour like #0f5f5c", DEFAULT_COLOR);
      }
    }
    if (data.clientToken !== undefined && data.clientToken.trim()) {
      const token = data.clientToken.trim();
      // The server checks the token itself; this only keeps junk out of every message.
      if (/^[\x21-\x7e]{1,4096}$/.test(token)) {
        settings.token = token;
      } else {
        complain("data-client-token", "…", "is not a token (printable characters, at most 4096)", "no token (visitor chat)");
      }
    }
    if (data.open !== undefined) {
      if (data.open === "true" || data.open === "false") {
        settings.open = data.open === "true";
      } else {
        complain("data-open", data.open, "must be true or false", "false");
      }
    }
    if (data.position !== undefined) {
      if (data.position === "left" || data.position === "right") {
        settings.position = data.position;
      } else {
        complain("data-position", data.position, "must be left or right", "right");
      }
    }
    if (data.language !== undefined) {
      const language = data.language.trim().toLowerCase();
      if (language === "auto" || LANGUAGES.includes(language)) {
        settings.language = language;
      } else {
        complain("data-language", data.language, "must be en, es or auto", "auto");
      }
    }
    return settings;
  }

  // --- colours: any centre colour stays WCAG AA ------------------------------------------------

  const WHITE = [255, 255, 255];
  const BLACK = [0, 0, 0];
  // --rc-staff-bg in widget.css: the darkest light surface links and reply buttons sit on.
  const DARKEST_SURFACE = [234, 242, 251];

  function toRgb(hex) {
    let digits = hex.slice(1);
    if (digits.length === 3) {
      digits = digits.replace(/./g, "$&$&");
    }
    return [0, 2, 4].map((i) => parseInt(digits.slice(i, i + 2), 16));
  }

  function toHex(rgb) {
    return "#" + rgb.map((v) => v.toString(16).padStart(2, "0")).join("");
  }

  function luminance(rgb) {
    const [r, g, b] = rgb.map((v) => {
      const c = v / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }

  function contrast(a, b) {
    const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (light + 0.05) / (dark + 0.05);
  }

  function darkenUntil(rgb, background, ratio) {
    let color = rgb;
    for (let step = 0; step < 40 && contrast(color, background) < ratio; step += 1) {
      color = color.map((v) => Math.floor(v * 0.9));
    }
    return color;
  }

  function palette(hex) {
    const accent = toRgb(hex);
    // White text when it passes 4.5:1 on the colour; otherwise black, which always does then.
    const onAccent = contrast(accent, WHITE) >= 4.5 ? WHITE : BLACK;
    return {
      "--rc-accent": toHex(accent),
      "--rc-on-accent": toHex(onAccent),
      // Links, reply buttons and focus rings on light surfaces: the colour, darkened until AA.
      "--rc-accent-text": toHex(darkenUntil(accent, DARKEST_SURFACE, 4.5)),
    };
  }

  // --- storage: this tab only ------------------------------------------------------------------

  function makeStore(server) {
    const key = `recovery-companion-chat:${server.origin}${server.path || ""}`;
    let storage = null;
    try {
      storage = window.sessionStorage; // throws in some sandboxed frames
    } catch (error) {
      storage = null;
    }
    return {
      load() {
        try {
          const saved = JSON.parse(storage.getItem(key));
          const usable = saved && saved.v === STORAGE_VERSION && Array.isArray(saved.records) && Array.isArray(saved.outbox);
          return usable ? { ...freshState(), ...saved } : null;
        } catch (error) {
          return null;
        }
      },
      save(state) {
        try {
          storage.setItem(key, JSON.stringify({ ...state, v: STORAGE_VERSION }));
        } catch (error) {
          // Storage full or switched off: the chat goes on, it just won't survive a reload.
        }
      },
      forget() {
        try {
          storage.removeItem(key);
        } catch (error) {
          // nothing was kept
        }
      },
    };
  }

  function freshState() {
    return {
      sessionId: null,
      records: [],
      outbox: [],
      handoff: null,
      open: false,
      unread: false,
      greeted: false,
      identityNotice: null,
      language: null, // the chat's language once chosen: it stays for the tab, End chat included
      nextId: 1,
    };
  }

  // --- DOM helpers -----------------------------------------------------------------------------

  const SVG_NS = "http://www.w3.org/2000/svg";

  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([name, value]) => {
      if (value === true) {
        node.setAttribute(name, "");
      } else if (value !== false && value !== null && value !== undefined) {
        node.setAttribute(name, String(value));
      }
    });
    (children || []).forEach((child) => node.append(child));
    return node;
  }

  function icon(pathData) {
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", pathData);
    svg.append(path);
    return svg;
  }

  const ICONS = {
    chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
    close: "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6 10.6 12 5 6.4z",
    send: "M3 20.5V14l9-2-9-2V3.5L22 12z",
  };

  // --- message text: line breaks, "- " bullets, links --------------------------------------------

  // http(s) URLs; US phone numbers like (760) 555-0149, 760-555-0149, 1-800-799-7233; 988 and 911.
  const LINKABLE = /\bhttps?:\/\/[^\s<>"']+|(?<![\w+])(?:\+?1[-. ])?(?:\(\d{3}\) ?|\d{3}[-. ])\d{3}[-. ]\d{4}(?!\d)|\b(?:988|911)\b/gi;

  function phoneLink(text) {
    let digits = text.replace(/\D/g, "");
    if (digits.length === 10) {
      digits = `+1${digits}`;
    } else if (digits.length === 11) {
      digits = `+${digits}`;
    }
    return el("a", { href: `tel:${digits}` }, [text]);
  }

  function webLink(text, language) {
    const trimmed = text.replace(/[.,;:!?)\]]+$/, "");
    let url = null;
    try {
      url = new URL(trimmed);
    } catch (error) {
      return { node: document.createTextNode(text), rest: "" };
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      return { node: document.createTextNode(text), rest: "" };
    }
    const link = el("a", { href: url.href, target: "_blank", rel: "noopener noreferrer" }, [trimmed]);
    link.append(el("span", { class: "rc-sr" }, [word(language, "newTab")]));
    return { node: link, rest: text.slice(trimmed.length) };
  }

  function appendLinked(parent, text, language) {
    let last = 0;
    for (const match of text.matchAll(LINKABLE)) {
      parent.append(text.slice(last, match.index));
      if (/^https?:/i.test(match[0])) {
        const { node, rest } = webLink(match[0], language);
        parent.append(node, rest);
      } else {
        parent.append(phoneLink(match[0]));
      }
      last = match.index + match[0].length;
    }
    parent.append(text.slice(last));
  }

  function richText(text, language) {
    const box = el("div", { class: "rc-text" });
    let list = null;
    let paragraph = null;
    String(text).split("\n").forEach((raw) => {
      const line = raw.trimEnd();
      const bullet = /^\s*[-•]\s+(.*)$/.exec(line);
      if (bullet) {
        if (!list) {
          list = el("ul");
          box.append(list);
        }
        const item = el("li");
        appendLinked(item, bullet[1], language);
        list.append(item);
        paragraph = null;
        return;
      }
      list = null;
      if (!line.trim()) {
        paragraph = null;
        return;
      }
      if (paragraph) {
        paragraph.append(el("br"));
      } else {
        paragraph = el("p");
        box.append(paragraph);
      }
      appendLinked(paragraph, line, language);
    });
    return box;
  }

  // --- what arrives from the server -----------------------------------------------------------

  function cleanText(value, limit) {
    return typeof value === "string" ? value.slice(0, limit || 10000) : "";
  }

  function quickRepliesOf(data) {
    const replies = Array.isArray(data.quick_replies) ? data.quick_replies : [];
    return replies
      .filter((reply) => reply && typeof reply.title === "string" && typeof reply.payload === "string" && reply.title.trim())
      .slice(0, 12)
      .map((reply) => ({ title: reply.title.slice(0, 80), payload: reply.payload.slice(0, MAX_LENGTH) }));
  }

  function imageOf(data) {
    const attachment = data.attachment && typeof data.attachment === "object" ? data.attachment : null;
    const source = attachment && attachment.type === "image" && attachment.payload ? attachment.payload.src : data.image;
    if (typeof source !== "string") {
      return null;
    }
    try {
      const url = new URL(source);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  // --- the widget ------------------------------------------------------------------------------

  function start() {
    const settings = readSettings(script);
    const store = makeStore(settings.server);
    let state = store.load() || freshState();
    let socket = null;
    let loading = null; // the socket.io client being loaded
    let confirmed = false; // session_confirm seen on the current connection
    let everConnected = false;
    let typingTimer = null;
    let connectionKind = "online";

    // The chat's language: the one this tab chose already, else the tag's (or the page's).
    let language = LANGUAGES.includes(state.language)
      ? state.language
      : settings.language === "auto"
        ? pageLanguage()
        : settings.language;
    state.language = language; // kept with the conversation from its first save
    const t = (key, ...values) => word(language, key, ...values);
    const centerName = () => settings.centerName || t("defaultName");

    const scriptQuery = settings.scriptUrl.search;
    const assetUrl = (name) => new URL(name, settings.scriptUrl).href.replace(/\?.*$/, "") + scriptQuery;

    // The host element: a name of its own, so the page's element selectors miss it.
    const host = document.createElement("recovery-companion-chat");
    const shadow = host.attachShadow({ mode: "open" });
    const stylesheet = el("link", { rel: "stylesheet", href: assetUrl("widget.css") });

    // Built without words: applyWords() below puts them in, and again when the language changes.
    const title = el("h2", { class: "rc-title", id: "rc-title" });
    const subtitle = el("p", { class: "rc-subtitle" });
    const languageButton = el("button", { type: "button", class: "rc-header-button" });
    const endButton = el("button", { type: "button", class: "rc-header-button" });
    const closeButton = el("button", { type: "button", class: "rc-header-button rc-icon-button" }, [icon(ICONS.close)]);
    const safety = el("p", { class: "rc-safety", id: "rc-safety" });
    const connection = el("p", { class: "rc-connection", role: "status" });
    const confirmText = el("p", { id: "rc-confirm-text" });
    const confirmYes = el("button", { type: "button", class: "rc-button rc-button--primary" });
    const confirmNo = el("button", { type: "button", class: "rc-button" });
    const confirmBox = el("div", { class: "rc-confirm", role: "group", "aria-labelledby": "rc-confirm-text", hidden: true }, [
      confirmText,
      el("div", { class: "rc-confirm-buttons" }, [confirmYes, confirmNo]),
    ]);
    const log = el("div", { class: "rc-log", id: "rc-log", role: "log", "aria-live": "polite", tabindex: "0" });
    const typingText = el("span", { class: "rc-sr" });
    const typing = el("div", { class: "rc-typing", hidden: true }, [
      el("span", { class: "rc-dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
      typingText,
    ]);
    const input = el("textarea", {
      id: "rc-input",
      class: "rc-input",
      rows: "1",
      maxlength: String(MAX_LENGTH),
      "aria-describedby": "rc-count",
      autocomplete: "off",
    });
    const counter = el("p", { class: "rc-count", id: "rc-count", hidden: true });
    const sendButton = el("button", { type: "submit", class: "rc-send" }, [icon(ICONS.send)]);
    const inputLabel = el("label", { for: "rc-input", class: "rc-sr" });
    const composer = el("form", { class: "rc-composer" }, [inputLabel, input, sendButton]);
    const privacy = el("p", { class: "rc-privacy" });
    const panel = el(
      "div",
      { class: "rc-panel", id: "rc-panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "rc-title", "aria-describedby": "rc-safety", hidden: true },
      [
        // Two rows, in reading order: the name and Close; who is answering, the language, End chat.
        el("div", { class: "rc-header" }, [
          el("div", { class: "rc-header-row" }, [title, closeButton]),
          el("div", { class: "rc-header-row" }, [subtitle, languageButton, endButton]),
        ]),
        safety,
        connection,
        confirmBox,
        log,
        typing,
        composer,
        counter,
        privacy,
      ]
    );
    const badge = el("span", { class: "rc-badge", hidden: true });
    const bubble = el("button", {
      type: "button",
      class: "rc-launcher",
      "aria-controls": "rc-panel",
      "aria-expanded": "false",
    }, [icon(ICONS.chat), badge]);
    const root = el("aside", { class: "rc", "data-position": settings.position, hidden: true }, [panel, bubble]);
    Object.entries(palette(settings.color)).forEach(([name, value]) => root.style.setProperty(name, value));

    // Shown once styled (or if the stylesheet fails: unstyled beats no chat at all).
    const reveal = () => {
      root.hidden = false;
    };
    stylesheet.addEventListener("load", reveal);
    stylesheet.addEventListener("error", reveal);
    shadow.append(stylesheet, root);

    // --- rendering ---------------------------------------------------------------------------

    const repliesById = new Map(); // record id -> its reply buttons

    function save() {
      store.save(state);
    }

    function scrollToEnd() {
      log.scrollTop = log.scrollHeight;
    }

    function speakerLabel(text) {
      return el("span", { class: "rc-sr" }, [text]);
    }

    function renderReplies(record, container, words) {
      if (!record.replies || !record.replies.length) {
        return;
      }
      const buttons = record.replies.map((reply) => {
        const button = el("button", { type: "button", class: "rc-reply" }, [reply.title]);
        button.disabled = Boolean(record.repliesDone);
        button.addEventListener("click", () => useReply(record, reply));
        return button;
      });
      repliesById.set(record.id, buttons);
      container.append(el("div", { class: "rc-replies", role: "group", "aria-label": words("suggestedReplies") }, buttons));
    }

    // An entry keeps the language the chat had when it was added, labels included: after a switch
    // the history stays as it was written (marked with its lang for screen readers) and nothing
    // already in the live log is rewritten, which would be read out again.
    function renderRecord(record) {
      const recordLanguage = LANGUAGES.includes(record.lang) ? record.lang : language;
      const words = (key, ...values) => word(recordLanguage, key, ...values);
      let node;
      if (record.who === "user") {
        node = el("div", { class: "rc-msg rc-msg--user" }, [speakerLabel(words("youSaid")), el("div", { class: "rc-text" }, [record.text])]);
        if (record.pending) {
          node.append(el("p", { class: "rc-pending" }, [words("waitingToSend")]));
        }
      } else if (record.who === "staff") {
        node = el("div", { class: "rc-msg rc-msg--staff" }, [
          el("p", { class: "rc-from" }, [words("staffFrom", record.name, settings.centerName || words("defaultName"))]),
          richText(record.text, recordLanguage),
        ]);
      } else if (record.who === "notice") {
        node = el("div", { class: "rc-notice" }, [richText(record.text, recordLanguage)]);
        renderReplies(record, node, words);
      } else {
        node = el("div", { class: "rc-msg rc-msg--bot" }, [speakerLabel(words("assistant"))]);
        if (record.text) {
          node.append(richText(record.text, recordLanguage));
        }
        if (record.image) {
          node.append(el("img", { class: "rc-image", src: record.image, alt: words("image"), loading: "lazy" }));
        }
        renderReplies(record, node, words);
      }
      node.setAttribute("data-id", record.id);
      node.setAttribute("lang", recordLanguage);
      log.append(node);
    }

    function setUnread(unread) {
      state.unread = unread;
      badge.hidden = !unread;
      bubble.setAttribute("aria-label", t("launcher", centerName(), unread));
    }

    function addRecord(record) {
      record.lang = language;
      record.id = state.nextId;
      state.nextId += 1;
      state.records.push(record);
      state.records.splice(0, Math.max(0, state.records.length - MAX_RECORDS)).forEach((old) => {
        const node = log.querySelector(`[data-id="${old.id}"]`);
        if (node) {
          node.remove();
        }
        repliesById.delete(old.id);
      });
      renderRecord(record);
      if (panel.hidden && record.who !== "user") {
        setUnread(true); // a reply or a staff member's message while the chat is closed
      }
      save();
      scrollToEnd();
      return record;
    }

    function retireReplies() {
      state.records.forEach((record) => {
        if (record.replies && record.replies.length && !record.repliesDone) {
          record.repliesDone = true;
          (repliesById.get(record.id) || []).forEach((button) => {
            button.disabled = true;
          });
        }
      });
    }

    function markSent(recordId) {
      const record = state.records.find((r) => r.id === recordId);
      if (record) {
        delete record.pending;
      }
      const note = log.querySelector(`[data-id="${recordId}"] .rc-pending`);
      if (note) {
        note.remove();
      }
    }

    function updateHeader() {
      const handoff = state.handoff;
      if (handoff && handoff.status === "waiting") {
        subtitle.textContent = t("joining");
      } else if (handoff && handoff.status === "active") {
        subtitle.textContent = t("chattingWith", handoff.staffName || t("aTeamMember"));
      } else {
        subtitle.textContent = t("subtitle");
      }
    }

    function showTyping() {
      if (state.handoff && state.handoff.status === "active") {
        return; // a person is typing, not the assistant: no promise of a quick answer
      }
      typing.hidden = false;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(hideTyping, TYPING_TIMEOUT_MS);
      scrollToEnd();
    }

    function hideTyping() {
      clearTimeout(typingTimer);
      typing.hidden = true;
    }

    // online (nothing to say), reconnecting, unreachable or unavailable
    function setConnection(kind) {
      connectionKind = kind;
      const text = kind === "online" ? "" : t(kind);
      connection.textContent = text;
      connection.classList.toggle("rc-connection--shown", Boolean(text));
    }

    // --- the socket.io conversation -------------------------------------------------------------

    function loadSocketIo() {
      if (typeof window.io === "function") {
        return Promise.resolve(window.io); // the page has the client already (socket.io 3 or 4 is needed)
      }
      if (!loading) {
        loading = new Promise((resolve, reject) => {
          const tag = el("script", { src: assetUrl("socket.io.min.js"), async: true });
          tag.addEventListener("load", () => (typeof window.io === "function" ? resolve(window.io) : reject(new Error("no io"))));
          tag.addEventListener("error", () => {
            tag.remove();
            reject(new Error("socket.io client failed to load"));
          });
          document.head.append(tag);
        }).catch((error) => {
          loading = null; // the next attempt (opening, sending) tries again
          throw error;
        });
      }
      return loading;
    }

    function withToken(data) {
      return settings.token ? { ...data, customData: { client_token: settings.token } } : data;
    }

    function flush() {
      if (!socket || !socket.connected || !confirmed || !state.outbox.length) {
        return;
      }
      while (state.outbox.length) {
        const item = state.outbox.shift();
        socket.emit("user_uttered", withToken({ message: item.text, session_id: state.sessionId }));
        if (item.recordId) {
          markSent(item.recordId);
        }
      }
      save();
      showTyping();
    }

    function onConnect() {
      everConnected = true;
      confirmed = false;
      // Every connection joins the session's room again; messages wait until it is confirmed.
      socket.emit("session_request", withToken({ session_id: state.sessionId }));
    }

    function onSessionConfirm(sessionId) {
      if (typeof sessionId !== "string" || !sessionId || sessionId.length > 200) {
        return;
      }
      state.sessionId = sessionId;
      confirmed = true;
      setConnection("online");
      save();
      flush();
    }

    function onDisconnect(reason) {
      confirmed = false;
      if (reason === "io client disconnect") {
        return; // our own doing (End chat), reconnecting at once
      }
      setConnection("reconnecting");
      hideTyping();
      if (reason === "io server disconnect") {
        socket.connect(); // socket.io does not retry this one by itself
      }
    }

    function applyHandoff(handoff) {
      const staffName = cleanText(handoff.staff_name, 60).trim() || null;
      if (handoff.status === "waiting" || handoff.status === "active") {
        state.handoff = { status: handoff.status, staffName };
      } else if (["returned", "closed", "expired"].includes(handoff.status)) {
        state.handoff = null;
      }
      updateHeader();
    }

    function onBotUttered(data) {
      if (!data || typeof data !== "object") {
        return;
      }
      hideTyping();
      // The assistant switched language because the person wrote in the other one: the labels follow.
      if (LANGUAGES.includes(data.language) && data.language !== language) {
        language = data.language;
        state.language = language;
        applyWords();
      }
      const text = cleanText(data.text);
      const replies = quickRepliesOf(data);
      const handoff = data.handoff && typeof data.handoff === "object" ? data.handoff : null;
      if (replies.length) {
        retireReplies(); // only the newest suggestions are live
      }
      if (handoff && handoff.kind === "staff") {
        if (!state.handoff || state.handoff.status !== "active") {
          applyHandoff({ status: "active", staff_name: handoff.staff_name });
        }
        const name = cleanText(handoff.staff_name, 60).trim() || (state.handoff && state.handoff.staffName) || t("teamMember");
        if (text) {
          addRecord({ who: "staff", text, name });
        }
        return;
      }
      if (handoff && handoff.kind === "status") {
        applyHandoff(handoff);
        if (text || replies.length) {
          addRecord({ who: "notice", text, replies });
        } else {
          save();
        }
        return;
      }
      const image = imageOf(data);
      if (text || replies.length || image) {
        addRecord({ who: "bot", text, replies, image });
      }
    }

    function onClientIdentity(data) {
      const message = data && typeof data === "object" ? cleanText(data.message, 500).trim() : "";
      // The server repeats its verdict on every connection: say it once.
      if (message && message !== state.identityNotice) {
        state.identityNotice = message;
        addRecord({ who: "notice", text: message });
      }
    }

    function connect() {
      if (socket) {
        if (!socket.connected && !socket.active) {
          socket.connect();
        }
        return;
      }
      loadSocketIo().then(
        (io) => {
          if (socket) {
            return;
          }
          // socket.io reconnects by itself after a drop (every 1 to 5 s, for as long as it takes).
          socket = io(settings.server.origin, settings.server.path ? { path: settings.server.path } : {});
          socket.on("connect", onConnect);
          socket.on("session_confirm", onSessionConfirm);
          socket.on("bot_uttered", onBotUttered);
          socket.on("client_identity", onClientIdentity);
          socket.on("disconnect", onDisconnect);
          socket.on("connect_error", () => setConnection(everConnected ? "reconnecting" : "unreachable"));
        },
        () => setConnection("unavailable")
      );
    }

    function send(text, shown) {
      const recordId = shown === null ? null : addRecord({ who: "user", text: shown || text, pending: true }).id;
      state.outbox.push({ text, recordId });
      save();
      connect();
      flush();
    }

    // What the language button sends: the assistant answers in that language from then on
    // (the switch_language intent, bot/language/choice.py).
    const switchMessage = (to) => `/switch_language${JSON.stringify({ language: to })}`;

    function maybeGreet() {
      // A new conversation opens with the assistant's greeting (who it is, 988 and 911), in the
      // chat's language: a language entity on any message chooses it (bot/language/choice.py).
      if (!state.greeted && !state.records.length) {
        state.greeted = true;
        send(language === SERVER_LANGUAGE ? "/greet" : `/greet${JSON.stringify({ language })}`, null);
      }
    }

    function useReply(record, reply) {
      retireReplies();
      save();
      send(reply.payload, reply.title);
      input.focus(); // the pressed button is disabled now: keep the keyboard in the chat
    }

    // --- the language ---------------------------------------------------------------------------

    function renderSafety() {
      safety.replaceChildren(
        ...t("safety").map((part) => (typeof part === "string" ? part : el("a", { href: part.href, "aria-label": part.label }, [part.text])))
      );
    }

    // Every word of the widget's own, in the chat's language; the log keeps its entries' own.
    function applyWords() {
      root.setAttribute("lang", language);
      root.setAttribute("aria-label", t("region", centerName()));
      panel.setAttribute("lang", language);
      title.textContent = centerName();
      const other = otherLanguage(language);
      languageButton.textContent = word(other, "languageName"); // offered in its own language
      languageButton.setAttribute("aria-label", word(other, "switchTo"));
      languageButton.setAttribute("lang", other);
      endButton.textContent = t("endChat");
      closeButton.setAttribute("aria-label", t("closeChat"));
      renderSafety();
      confirmText.textContent = t("confirm");
      confirmYes.textContent = t("endChat");
      confirmNo.textContent = t("keepChatting");
      log.setAttribute("aria-label", t("conversation"));
      typingText.textContent = t("typing");
      inputLabel.textContent = t("yourMessage");
      input.setAttribute("placeholder", t("placeholder"));
      sendButton.setAttribute("aria-label", t("send"));
      privacy.textContent = t("privacy");
      updateHeader();
      updateCounter();
      setConnection(connectionKind);
      bubble.setAttribute("aria-label", t("launcher", centerName(), Boolean(state.unread)));
    }

    // The language button: the whole widget at once, kept for the tab, and the assistant told,
    // with the choice shown in the log as the person's own message ("Español").
    function switchLanguage(to) {
      language = to;
      state.language = to;
      applyWords();
      send(switchMessage(to), word(to, "languageName"));
    }

    // --- opening, closing, typing ---------------------------------------------------------------

    function open(moveFocus) {
      panel.hidden = false;
      bubble.setAttribute("aria-expanded", "true");
      root.classList.add("rc--open");
      state.open = true;
      setUnread(false);
      save();
      connect();
      maybeGreet();
      scrollToEnd();
      if (moveFocus) {
        input.focus();
      }
    }

    function close() {
      hideConfirm();
      panel.hidden = true;
      bubble.setAttribute("aria-expanded", "false");
      root.classList.remove("rc--open");
      state.open = false;
      save();
      bubble.focus();
    }

    function showConfirm() {
      confirmBox.hidden = false;
      confirmNo.focus();
    }

    function hideConfirm() {
      if (!confirmBox.hidden) {
        confirmBox.hidden = true;
        endButton.focus();
      }
    }

    function endChat() {
      confirmBox.hidden = true;
      store.forget();
      state = { ...freshState(), open: true, language };
      repliesById.clear();
      log.replaceChildren();
      hideTyping();
      updateHeader();
      if (socket) {
        // A new connection, so the old conversation's room is left behind too.
        confirmed = false;
        socket.disconnect();
        socket.connect();
      }
      maybeGreet();
      input.focus();
    }

    function updateCounter() {
      const length = input.value.length;
      counter.hidden = length < COUNT_FROM;
      counter.textContent = t("count", length, MAX_LENGTH);
      counter.classList.toggle("rc-count--full", length >= MAX_LENGTH);
    }

    function fitInput() {
      input.style.height = "auto";
      input.style.height = `${Math.min(input.scrollHeight, 140)}px`;
    }

    function submit() {
      const text = input.value.trim().slice(0, MAX_LENGTH);
      if (!text) {
        return;
      }
      retireReplies(); // typing an answer of one's own leaves the suggestions behind
      input.value = "";
      updateCounter();
      fitInput();
      send(text);
    }

    bubble.addEventListener("click", () => (panel.hidden ? open(true) : close()));
    languageButton.addEventListener("click", () => switchLanguage(otherLanguage(language)));
    closeButton.addEventListener("click", close);
    endButton.addEventListener("click", showConfirm);
    confirmNo.addEventListener("click", hideConfirm);
    confirmYes.addEventListener("click", endChat);
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        if (!confirmBox.hidden) {
          hideConfirm();
        } else {
          close();
        }
      }
    });
    composer.addEventListener("submit", (event) => {
      event.preventDefault();
      submit();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submit();
      }
    });
    input.addEventListener("input", () => {
      updateCounter();
      fitInput();
    });
    // Any element of the host page with data-open-chat opens the chat (a "Chat with us" button).
    document.addEventListener("click", (event) => {
      const opener = event.target instanceof Element ? event.target.closest("[data-open-chat]") : null;
      if (opener) {
        event.preventDefault();
        open(true);
      }
    });

    // --- start: the conversation of this tab, as it was ---------------------------------------

    applyWords();
    state.records.forEach(renderRecord);
    setUnread(Boolean(state.unread));
    document.body.append(host);
    if (state.open || settings.open) {
      open(false); // restored or asked for by the page: shown, but focus stays where it is
    } else if (state.sessionId || state.outbox.length) {
      connect(); // replies and staff messages keep arriving while the panel is closed
    }
  }

  if (document.body) {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
