// The case file: a print button (the browser's print dialog also saves as PDF).
const button = document.getElementById('print');
if (button) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}
