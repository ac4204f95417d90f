// Silkgate console, freight trains: the ISO 6346 check digit of a container number, checked as
// it is typed (the server checks it again with rail.CheckContainerNo, the same algorithm). The
// messages come from the input's data-msg-* attributes, in the page's language.
(function () {
  "use strict";
  // letterValue: A=10, B=12 … Z=38, skipping the multiples of 11.
  var letters = {};
  for (var i = 0, v = 10; i < 26; i++, v++) {
    if (v % 11 === 0) v++;
    letters[String.fromCharCode(65 + i)] = v;
  }
  // checkDigit of the first ten characters, or -1 when they are not 3 letters, U/J/Z, 6 digits.
  function checkDigit(s) {
    if (!/^[A-Z]{3}[UJZ][0-9]{6}/.test(s)) return -1;
    var sum = 0;
    for (var i = 0; i < 10; i++) {
      var c = s.charAt(i);
      var val = i < 4 ? letters[c] : c.charCodeAt(0) - 48;
      sum += val * Math.pow(2, i);
    }
    return sum % 11 % 10;
  }
  function normalize(s) { return s.replace(/[\s-]/g, "").toUpperCase(); }
  window.silkgateCheckDigit = checkDigit;

  function check(input) {
    var out = document.getElementById(input.id + "-check");
    if (!out) return;
    var no = normalize(input.value);
    var msg = "", bad = false;
    if (no.length >= 10) {
      var want = checkDigit(no);
      if (want < 0 || no.length > 11) {
        msg = input.dataset.msgShape; bad = true;
      } else if (no.length === 11) {
        if (no.charAt(10) === String(want)) {
          msg = input.dataset.msgOk;
        } else {
          msg = input.dataset.msgDigit.replace("%s", no.slice(0, 10)).replace("%d", want).replace("%s", no.charAt(10));
          bad = true;
        }
      }
    }
    out.textContent = msg;
    out.className = "field-check" + (bad ? " bad" : msg ? " good" : "");
    if (bad) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
  }
  document.addEventListener("input", function (e) {
    if (e.target.matches && e.target.matches("input[data-container-no]")) check(e.target);
  });
  document.addEventListener("DOMContentLoaded", function () {
    // A number the server refused carries its message already; a new one is checked as typed.
    document.querySelectorAll("input[data-container-no]").forEach(function (el) {
      if (el.value && !document.getElementById(el.id + "-error")) check(el);
    });
  });
})();
