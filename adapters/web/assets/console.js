// Silkgate console: what the pages need beyond htmx. Every htmx request carries the page's CSRF
// token (the server checks it on every request that is not a GET).
document.addEventListener("htmx:configRequest", function (e) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) e.detail.headers["X-CSRF-Token"] = meta.content;
});

/* Parcel intake (templates/parcelnew.html): "add a goods row" copies the last row with the next
   index in its names and ids, empty. Without JavaScript the button stays hidden and the form
   shows three rows, and one more after each refused post. */
document.addEventListener("DOMContentLoaded", function () {
  var add = document.querySelector("[data-add-row]");
  if (!add) return;
  add.hidden = false;
  add.addEventListener("click", function () {
    var rows = document.querySelectorAll(".item-row");
    if (rows.length >= 100) return;
    var last = rows[rows.length - 1], n = rows.length;
    var copy = last.cloneNode(true);
    var from = "items[" + (n - 1) + "]", to = "items[" + n + "]";
    var fromID = "f-items-" + (n - 1) + "-", toID = "f-items-" + n + "-";
    copy.querySelectorAll("input").forEach(function (el) {
      el.name = el.name.replace(from, to);
      el.id = el.id.replace(fromID, toID);
      el.value = "";
      el.removeAttribute("aria-invalid");
      el.removeAttribute("aria-describedby");
    });
    copy.querySelectorAll("label").forEach(function (el) { el.htmlFor = el.htmlFor.replace(fromID, toID); });
    copy.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
    var legend = copy.querySelector("legend");
    if (legend) legend.textContent = legend.textContent.replace(String(n), String(n + 1));
    last.after(copy);
    copy.querySelector("input").focus();
  });
});
