// herald docs: search on the index, copy buttons, and opening the part of the page a link
// points at. No dependencies, no network; everything works without it, it only adds comfort.
(function () {
  'use strict';
  var root = document.documentElement;
  root.classList.add('js');
  var input = document.getElementById('site-search');

  function words(text) {
    return text.toLowerCase().split(/\s+/).filter(Boolean);
  }

  // Search: on the index, filter the list as you type; elsewhere the form opens the index with ?q=.
  var items = Array.prototype.slice.call(document.querySelectorAll('[data-search]'));
  if (input && document.body.classList.contains('page-index')) {
    var groups = Array.prototype.slice.call(document.querySelectorAll('.domain-group'));
    var status = document.getElementById('search-status');
    var empty = document.getElementById('no-results');
    var apply = function () {
      var query = words(input.value);
      var shown = 0;
      items.forEach(function (item) {
        var text = item.getAttribute('data-search') || '';
        var match = query.every(function (w) { return text.indexOf(w) !== -1; });
        item.hidden = !match;
        if (match) shown++;
      });
      groups.forEach(function (group) {
        group.hidden = !group.querySelector('[data-search]:not([hidden])');
      });
      if (empty) empty.hidden = shown !== 0;
      if (status) status.textContent = query.length === 0 ? '' : shown + ' of ' + items.length + ' event types match';
    };
    input.addEventListener('input', apply);
    input.form.addEventListener('submit', function (event) {
      // Enter opens the first match, so search → Enter is enough to reach an event.
      event.preventDefault();
      var first = items.filter(function (item) { return !item.hidden; })[0];
      var link = first && first.querySelector('a');
      if (link) link.click();
    });
    var params = new URLSearchParams(window.location.search);
    if (params.get('q')) {
      input.value = params.get('q');
      apply();
      input.focus();
    }
  }

  // "/" focuses the search box, as on many documentation sites.
  document.addEventListener('keydown', function (event) {
    var target = event.target;
    var typing = target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable);
    if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey && input) {
      event.preventDefault();
      input.focus();
      input.select();
    }
  });

  // Copy buttons copy the text of the element they name.
  var copyStatus = document.getElementById('copy-status');
  Array.prototype.forEach.call(document.querySelectorAll('button[data-copy]'), function (button) {
    button.addEventListener('click', function () {
      var source = document.getElementById(button.getAttribute('data-copy'));
      if (!source) return;
      var text = source.textContent || '';
      var done = function (ok) {
        button.textContent = ok ? 'Copied' : 'Press Ctrl+C';
        if (copyStatus) copyStatus.textContent = ok ? 'Copied to the clipboard' : 'Copying failed; the text is selected';
        window.setTimeout(function () { button.textContent = 'Copy'; }, 1600);
      };
      var fallback = function () {
        var range = document.createRange();
        range.selectNodeContents(source);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        var ok = false;
        try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
        done(ok);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
      } else {
        fallback();
      }
    });
  });

  // A link to a diff or a version opens the <details> it points into.
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) return;
    var element = document.getElementById(id);
    if (!element) return;
    if (element.tagName === 'DETAILS') element.open = true;
    for (var node = element.parentElement; node; node = node.parentElement) {
      if (node.tagName === 'DETAILS') node.open = true;
    }
  }
  window.addEventListener('hashchange', openTarget);
  openTarget();
})();
