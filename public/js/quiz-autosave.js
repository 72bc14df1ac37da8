// Progressive enhancement of the quiz form: saves the answers on each change (the same POST as "Zapisz odpowiedzi").
// The form works fully without this script; it only spares the learner the click.
(function () {
  'use strict';
  var form = document.querySelector('form[data-autosave]');
  if (!form || !window.fetch || !window.URLSearchParams || !window.FormData) return;
  var status = document.getElementById('quiz-autosave-status');
  var pending = null;
  var inFlight = null;
  function save() {
    pending = null;
    if (inFlight) inFlight.abort();
    inFlight = window.AbortController ? new AbortController() : null;
    var body = new URLSearchParams(new FormData(form));
    body.set('intent', 'save');
    fetch(form.action, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
      signal: inFlight ? inFlight.signal : undefined,
    })
      .then(function (res) {
        if (!res.ok) throw new Error(String(res.status));
        return res.json();
      })
      .then(function (data) {
        if (status) status.textContent = data.message;
      })
      .catch(function (error) {
        if (error && error.name === 'AbortError') return;
        if (status) status.textContent = form.getAttribute('data-autosave-failed') || '';
      });
  }
  // The buttons save the whole form themselves: a background save still waiting must not land after them.
  form.addEventListener('submit', function () {
    if (pending) clearTimeout(pending);
    pending = null;
    if (inFlight) inFlight.abort();
  });
  form.addEventListener('change', function () {
    // One save per burst of changes (ticking several boxes quickly).
    if (pending) clearTimeout(pending);
    pending = setTimeout(save, 400);
  });
})();
