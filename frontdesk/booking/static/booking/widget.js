/* Frontdesk booking widget. Paste on the salon's site:
 *   <script src="https://…/static/booking/widget.js" data-branch="1" async></script>
 * data-branch | data-network  which booking page to open
 * data-color, data-position (right|left), data-animation (pulse|bounce|none), data-label
 * data-button="none"          no floating button (use your own buttons instead)
 * data-selector=".css"        your own buttons that open the booking
 * Elements with data-frontdesk-book (optional data-specialist, data-service) open it too;
 * <div data-frontdesk-inline> gets the booking page inline.
 * The booking page opens in an iframe over the site; UTM tags of the site's URL travel with it. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__frontdeskWidget) return;
  window.__frontdeskWidget = true;
  var d = script.dataset, origin = new URL(script.src).origin;
  var colour = d.color || "#6d28d9", side = d.position === "left" ? "left" : "right";
  var base = d.network ? "/book/network/" + d.network + "/" : "/book/" + (d.branch || "") + "/";

  function bookingUrl(extra, inline) {
    var url = new URL(base, origin), here = new URLSearchParams(location.search);
    ["utm_source", "utm_medium", "utm_campaign"].forEach(function (k) { if (here.get(k)) url.searchParams.set(k, here.get(k)); });
    url.searchParams.set("src", "widget");
    url.searchParams.set("ref", location.href.slice(0, 400));
    var lang = (document.documentElement.lang || "").slice(0, 2);
    if (lang === "ru" || lang === "en") url.searchParams.set("lang", lang);
    if (extra.specialist) { url.searchParams.set("m", extra.specialist); url.searchParams.set("o", "specialist"); }
    if (extra.service) url.searchParams.set("s", extra.service);
    return url.toString();
  }

  var css = document.createElement("style");
  // A site with a Content-Security-Policy lets the styles in through the nonce of this script.
  if (script.nonce) css.nonce = script.nonce;
  css.textContent =
    ".fdw-btn{position:fixed;bottom:24px;" + side + ":24px;width:62px;height:62px;border-radius:50%;border:0;background:" + colour +
    ";color:#fff;box-shadow:0 6px 20px rgba(0,0,0,.25);cursor:pointer;z-index:2147483000;display:flex;align-items:center;justify-content:center}" +
    ".fdw-btn svg{width:28px;height:28px}.fdw-pulse{animation:fdw-pulse 2s infinite}.fdw-bounce{animation:fdw-bounce 2.4s infinite}" +
    "@keyframes fdw-pulse{0%{box-shadow:0 0 0 0 " + colour + "99}70%{box-shadow:0 0 0 16px transparent}100%{box-shadow:0 0 0 0 transparent}}" +
    "@keyframes fdw-bounce{0%,20%,100%{transform:none}10%{transform:translateY(-8px)}}" +
    "@media (prefers-reduced-motion:reduce){.fdw-pulse,.fdw-bounce{animation:none}}" +
    // The overlay covers the whole viewport (dvh: also under a phone's collapsing address bar);
    // on a phone the box is the whole screen, so no band of the site shows around it.
    ".fdw-overlay{position:fixed;inset:0;width:100vw;height:100vh;height:100dvh;background:rgba(17,24,39,.55);z-index:2147483001;display:flex;align-items:center;justify-content:center}" +
    ".fdw-box{position:relative;display:flex;flex-direction:column;width:min(520px,100%);height:min(760px,100%);background:#fff;border-radius:14px;overflow:hidden}" +
    "@media (max-width:560px),(max-height:600px){.fdw-box{width:100%;height:100%;border-radius:0}}" +
    // The close button has a bar of its own above the booking page, so it never covers the
    // page's own controls (the language switch sits in the page's top corner).
    ".fdw-bar{flex:none;display:flex;justify-content:flex-end;padding:4px 6px;border-bottom:1px solid #e5e7eb;background:#fff}" +
    ".fdw-box iframe{flex:1;min-height:0}.fdw-box iframe,.fdw-inline{border:0;width:100%;height:100%}.fdw-inline{min-height:640px}" +
    ".fdw-close{width:36px;height:36px;border-radius:50%;border:0;background:#f3f4f6;font-size:22px;line-height:1;cursor:pointer;color:#111827}" +
    // While the booking is open the launcher is hidden and the site behind does not scroll.
    "html.fdw-open .fdw-btn{display:none}html.fdw-open,html.fdw-open body{overflow:hidden}";
  document.head.appendChild(css);

  var overlay = null, opener = null;
  function close() {
    if (!overlay) return;
    overlay.remove(); overlay = null;
    document.documentElement.classList.remove("fdw-open");
    document.removeEventListener("keydown", onKey, true);
    if (opener && opener.focus) opener.focus();
  }
  function onKey(e) {
    if (!overlay) return;
    if (e.key === "Escape") { e.preventDefault(); close(); return; }
    if (e.key === "Tab") {
      // Focus stays in the dialog: the close button and the iframe.
      var items = overlay.querySelectorAll("button, iframe"), first = items[0], last = items[items.length - 1];
      if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
      else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
    }
  }
  function open(extra, from) {
    close();
    opener = from || document.activeElement;
    overlay = document.createElement("div");
    overlay.className = "fdw-overlay";
    overlay.setAttribute("role", "dialog");
    overlay.setAttribute("aria-modal", "true");
    overlay.setAttribute("aria-label", d.label || "Online booking");
    var box = document.createElement("div"), frame = document.createElement("iframe"), x = document.createElement("button");
    box.className = "fdw-box";
    frame.src = bookingUrl(extra || {});
    frame.title = d.label || "Online booking";
    frame.className = "fdw-frame";
    x.className = "fdw-close"; x.type = "button"; x.innerHTML = "&times;"; x.setAttribute("aria-label", "Close");
    x.onclick = close;
    overlay.onclick = function (e) { if (e.target === overlay) close(); };
    var bar = document.createElement("div");
    bar.className = "fdw-bar";
    bar.appendChild(x); box.appendChild(bar); box.appendChild(frame); overlay.appendChild(box);
    document.body.appendChild(overlay);
    document.documentElement.classList.add("fdw-open");
    document.addEventListener("keydown", onKey, true);
    x.focus();
  }
  window.FrontdeskBooking = { open: open, close: close };
  window.addEventListener("message", function (e) {
    if (e.origin === origin && e.data === "frontdesk:close") close();
  });

  function attach(el) {
    if (el.__fdw) return;
    el.__fdw = true;
    el.addEventListener("click", function (e) {
      e.preventDefault();
      open({ specialist: el.getAttribute("data-specialist"), service: el.getAttribute("data-service") }, el);
    });
  }
  function setup() {
    if (d.button !== "none") {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "fdw-btn" + (d.animation === "none" ? "" : d.animation === "bounce" ? " fdw-bounce" : " fdw-pulse");
      b.setAttribute("aria-label", d.label || "Online booking");
      b.innerHTML = '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"><rect x="3" y="5" width="18" height="16" rx="2"/><path d="M16 3v4M8 3v4M3 10h18"/></svg>';
      b.onclick = function () { open({}, b); };
      document.body.appendChild(b);
    }
    if (d.selector) document.querySelectorAll(d.selector).forEach(attach);
    document.querySelectorAll("[data-frontdesk-book]").forEach(attach);
    document.querySelectorAll("[data-frontdesk-inline]").forEach(function (el) {
      if (el.__fdw) return;
      el.__fdw = true;
      var f = document.createElement("iframe");
      f.className = "fdw-inline"; f.title = d.label || "Online booking";
      f.src = bookingUrl({ specialist: el.getAttribute("data-specialist"), service: el.getAttribute("data-service") });
      el.appendChild(f);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup); else setup();
})();
