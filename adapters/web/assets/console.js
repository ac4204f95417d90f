// Silkgate console: what the pages need beyond htmx. Every htmx request carries the page's CSRF
// token (the server checks it on every request that is not a GET).
document.addEventListener("htmx:configRequest", function (e) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) e.detail.headers["X-CSRF-Token"] = meta.content;
});
