/* The "send the code again" button counts the cool-down down and turns on at zero. The server
   refuses an early request anyway; this only saves the client a refused tap. */
(function () {
  function tick(button) {
    const seconds = button.querySelector('[data-seconds]');
    const left = parseInt(seconds ? seconds.textContent : '0', 10) - 1;
    if (seconds && left > 0) {
      seconds.textContent = String(left);
      window.setTimeout(() => tick(button), 1000);
      return;
    }
    button.textContent = button.dataset.ready;
    button.disabled = false;
    button.removeAttribute('data-countdown');
  }
  function start() {
    document.querySelectorAll('button[data-countdown]').forEach((button) => {
      if (!button.dataset.counting) {
        button.dataset.counting = '1';
        window.setTimeout(() => tick(button), 1000);
      }
    });
  }
  start();
  document.addEventListener('htmx:load', start);
})();
