// A button marked data-print opens the browser's print dialog (no inline handler: the CSP forbids them).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
