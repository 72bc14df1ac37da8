// The SCORM player: starts scorm-again (window.API for SCORM 1.2, window.API_1484_11 for 2004) with the learner's
// saved CMI data, commits to the platform (JSON, CSRF token in a header), then loads the SCO into the iframe.
(function () {
  'use strict';
  var frame = document.getElementById('scorm-sco');
  if (!frame || !window.Scorm12API || !window.Scorm2004API) return;
  var status = document.getElementById('scorm-status');
  var version = frame.getAttribute('data-version');
  var settings = {
    lmsCommitUrl: frame.getAttribute('data-commit'),
    dataCommitFormat: 'flattened',
    autocommit: true,
    autocommitSeconds: 30,
    xhrHeaders: { 'X-CSRF-Token': frame.getAttribute('data-csrf'), Accept: 'application/json' },
    // The token in the body too: the commit at LMSFinish / Terminate goes as a beacon, which carries no header.
    requestHandler: function (commit) {
      var body = {};
      for (var key in commit) if (Object.prototype.hasOwnProperty.call(commit, key)) body[key] = commit[key];
      body._csrf = frame.getAttribute('data-csrf');
      return body;
    },
    terminationCommitContentType: 'application/json',
    fetchMode: 'same-origin',
    logLevel: 4,
  };
  var api = version === '1.2' ? new window.Scorm12API(settings) : new window.Scorm2004API(settings);
  var saved = {};
  try {
    saved = JSON.parse(frame.getAttribute('data-cmi') || '{}');
  } catch (error) {
    saved = {};
  }
  api.loadFromFlattenedJSON(saved, '');
  if (version === '1.2') window.API = api;
  else window.API_1484_11 = api;
  // Tells the learner (a polite live region) whether the platform kept what the SCO saved.
  function announce(ok) {
    if (status) status.textContent = status.getAttribute(ok ? 'data-saved' : 'data-failed');
  }
  api.on('CommitSuccess', function () {
    announce(true);
  });
  api.on('CommitError', function () {
    announce(false);
  });
  frame.setAttribute('src', frame.getAttribute('data-launch'));
})();
