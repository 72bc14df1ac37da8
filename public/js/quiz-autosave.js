// Progressive enhancement of the quiz form: saves the answers on each change (the same POST as "Zapisz odpowiedzi").
// The form works fully without this script; it only spares the learner the click.
(function () {
  'use strict';
  var form = document.querySelector('form[data-autosave]');
  if (!form || !window.fetch || !window.URLSearchParams || !window.FormData) return;
  var status = document.getElementById('quiz-autosave-status');
  var pending = null;
  function save() {
    var body = new URLSearchParams(new FormData(form));
    body.set('intent', 'save');
    fetch(form.action, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    })
      .then(function (res) {
        if (!res.ok) throw new Error(String(res.status));
        return res.json();
      })
      .then(function (data) {
        if (status) status.textContent = data.message;
      })
      .catch(function () {
        if (status) status.textContent = form.getAttribute('data-autosave-failed') || '';
      });
  }
  form.addEventListener('change', function () {
    // One save per burst of changes (ticking several boxes quickly).
    if (pending) clearTimeout(pending);
    pending = setTimeout(save, 400);
  });
})();
