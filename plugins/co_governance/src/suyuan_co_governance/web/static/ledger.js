// The ledger's print button (no inline script: the site's Content-Security-Policy forbids it).
(function () {
  function wire() {
    var button = document.getElementById("ledger-print");
    if (button && !button.dataset.wired) {
      button.dataset.wired = "1";
      button.addEventListener("click", function () { window.print(); });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
