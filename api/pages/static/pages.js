// Keyboard shortcuts for reviewers: a key pressed outside a text field clicks the element
// whose data-key it is (m same person, n not the same, u unsure, s skip, q queue).
// Print links open the browser's print dialog (print CSS gives the case-file sheet).
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var element = document.querySelector('[data-key="' + event.key.toLowerCase() + '"]');
    if (!element) return;
    event.preventDefault();
    element.click();
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-print]");
    if (!link) return;
    event.preventDefault();
    window.print();
  });
})();
